//! The run-time comparison `cargo xtask bench` prints: the generated SDK against hand-written
//! `reqwest` + `serde_json` calls for the same requests, on the loopback server, in one
//! process and in alternating rounds so that both see the same machine load.

// The beta Accounts operations are deprecated in favour of v2025; they are what we measure.
#![allow(deprecated)]

use crate::alloc;
use crate::fixtures::{AccountTemplate, PAGE_SIZE};
use crate::hand;
use crate::server::{Routes, Server};
use futures_util::StreamExt;
use sailpoint_beta::apis::accounts_api::ListAccountsError;
use sailpoint_beta::models::Account;
use sailpoint_beta::AccountsApi;
use sailpoint_sdk_runtime as rt;
use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

/// The token both clients send.
pub const TOKEN: &str = "bench-token";

/// How much work each measurement does.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    pub rounds: usize,
    pub account_calls: usize,
    pub page_calls: usize,
    pub concurrency: usize,
    pub concurrent_calls_per_task: usize,
    pub concurrent_page_calls_per_task: usize,
    pub decodes: usize,
    pub stream_items: usize,
}

impl Effort {
    /// About half a minute on two cores.
    pub const FULL: Effort = Effort {
        rounds: 11,
        account_calls: 500,
        page_calls: 50,
        concurrency: 64,
        concurrent_calls_per_task: 50,
        concurrent_page_calls_per_task: 3,
        decodes: 50,
        stream_items: 100_000,
    };

    /// A smoke run, for tests.
    pub const QUICK: Effort = Effort {
        rounds: 1,
        account_calls: 5,
        page_calls: 2,
        concurrency: 4,
        concurrent_calls_per_task: 2,
        concurrent_page_calls_per_task: 1,
        decodes: 2,
        stream_items: 600,
    };
}

/// One line of the results table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub what: String,
    pub sdk: f64,
    pub baseline: f64,
    pub unit: &'static str,
    /// The ratio the target bounds, SDK over baseline (for times) or baseline over SDK (for
    /// rates), so that higher is always worse.
    pub ratio: f64,
    pub limit: f64,
}

impl Row {
    fn time(what: &str, sdk: Duration, baseline: Duration, limit: f64) -> Row {
        let (sdk, baseline) = (micros(sdk), micros(baseline));
        Row {
            what: what.into(),
            sdk,
            baseline,
            unit: "µs",
            ratio: sdk / baseline,
            limit,
        }
    }

    fn rate(what: &str, sdk: f64, baseline: f64, limit: f64) -> Row {
        Row {
            what: what.into(),
            sdk,
            baseline,
            unit: "calls/s",
            ratio: baseline / sdk,
            limit,
        }
    }

    pub fn met(&self) -> bool {
        self.ratio <= self.limit
    }
}

/// Everything the run measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub rows: Vec<Row>,
    /// Calls per second of the SDK, for comparison with other clients.
    pub rates: Rates,
    /// The same calls through the official Python SDK, when asked for.
    pub python: Option<Rates>,
}

/// Calls per second, one caller at a time and many at once.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Rates {
    pub account_rate: f64,
    pub page_rate: f64,
    pub concurrent_account_rate: f64,
    pub concurrent_page_rate: f64,
}

/// Streaming a long listing through `into_stream()`.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct StreamFigures {
    pub items: usize,
    pub sdk_items_per_s: f64,
    pub baseline_items_per_s: f64,
    /// Live heap bytes (counting allocator) when the stream starts.
    pub live_before: usize,
    /// Live heap bytes after the first tenth of the items.
    pub live_at_tenth: usize,
    /// Live heap bytes just before the last item is read.
    pub live_at_end: usize,
    /// The highest live heap while streaming, above `live_before`.
    pub peak_above_start: usize,
    /// The size of one page's body.
    pub page_bytes: usize,
    pub rss_before: Option<u64>,
    pub rss_after: Option<u64>,
}

/// Starts the server and both clients, and runs every comparison; with `python` (an
/// interpreter with the `sailpoint` package), also `bench/python/sdk_calls.py` on the same server.
pub async fn run(effort: Effort, python: Option<&Path>) -> Result<Report, String> {
    let template = AccountTemplate::from_spec()?;
    let routes = Routes::new(template, effort.stream_items);
    let page_body = routes.page_body();
    let server = Server::start(routes).await.map_err(|e| e.to_string())?;
    let clients = Clients::new(&server.base_url())?;
    let mut rows = Vec::new();

    // Warm both connection pools and allocators.
    for _ in 0..20 {
        clients.sdk_account().await?;
        clients.hand_account().await?;
    }

    let (sdk, hand) = alternate(
        effort.rounds,
        effort.account_calls,
        || clients.sdk_account(),
        || clients.hand_account(),
    )
    .await?;
    let mut rates = Rates {
        account_rate: sequential_rate(&sdk),
        ..Rates::default()
    };
    rows.push(Row::time(
        "`get_account`, median latency",
        median(sdk),
        median(hand),
        1.10,
    ));

    let (sdk, hand) = alternate(
        effort.rounds,
        effort.page_calls,
        || clients.sdk_page(),
        || clients.hand_page(),
    )
    .await?;
    rates.page_rate = sequential_rate(&sdk);
    rows.push(Row::time(
        "`list_accounts` (250 accounts), median latency",
        median(sdk),
        median(hand),
        1.10,
    ));

    let (sdk, hand) = concurrent_rates(&clients, effort, false).await?;
    rates.concurrent_account_rate = sdk;
    rows.push(Row::rate(
        &format!("`get_account`, {} concurrent callers", effort.concurrency),
        sdk,
        hand,
        1.10,
    ));
    let (sdk, hand) = concurrent_rates(&clients, effort, true).await?;
    rates.concurrent_page_rate = sdk;
    rows.push(Row::rate(
        &format!(
            "`list_accounts` (250 accounts), {} concurrent callers",
            effort.concurrency
        ),
        sdk,
        hand,
        1.10,
    ));

    let (sdk, hand) = decode_times(&page_body, effort)?;
    rows.push(Row::time(
        "decoding a 250-account page (no I/O)",
        sdk,
        hand,
        1.2,
    ));

    let python = match python {
        Some(python) => Some(python_rates(python, &server.base_url(), effort).await?),
        None => None,
    };
    Ok(Report {
        rows,
        rates,
        python,
    })
}

/// Runs the Python SDK's script against the server, which keeps serving on this runtime.
async fn python_rates(python: &Path, base_url: &str, effort: Effort) -> Result<Rates, String> {
    let script = crate::fixtures::project_root().join("bench/python/sdk_calls.py");
    let mut command = std::process::Command::new(python);
    command.arg(&script).args([
        "--base-url",
        base_url,
        "--token",
        TOKEN,
        "--account-calls",
        &(effort.rounds * effort.account_calls).to_string(),
        "--page-calls",
        &(effort.rounds * effort.page_calls).to_string(),
        "--concurrency",
        &effort.concurrency.to_string(),
        "--concurrent-calls",
        &(effort.concurrency * effort.concurrent_calls_per_task).to_string(),
        "--concurrent-page-calls",
        &(effort.concurrency * effort.concurrent_page_calls_per_task).to_string(),
    ]);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("{}: {e}", script.display()))
}

/// Calls per second of back-to-back calls that took `times`.
fn sequential_rate(times: &[Duration]) -> f64 {
    times.len() as f64 / times.iter().sum::<Duration>().as_secs_f64()
}

/// The two clients under test, pointed at the same server.
#[derive(Debug, Clone)]
pub struct Clients {
    pub api: AccountsApi,
    pub http: reqwest::Client,
    pub api_root: String,
}

impl Clients {
    /// Both clients, for the server at `base_url`.
    pub fn new(base_url: &str) -> Result<Self, String> {
        let client = rt::Client::builder()
            .base_url(base_url)
            .access_token(TOKEN)
            .build()
            .map_err(|e| e.to_string())?;
        let api_root = client.api_root("/beta");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            api: AccountsApi::new(client),
            http,
            api_root,
        })
    }

    /// `GET /accounts/{id}` through the SDK.
    pub async fn sdk_account(&self) -> Result<Account, String> {
        self.api
            .get_account("acct-1")
            .send()
            .await
            .map_err(|e| e.to_string())
    }

    /// `GET /accounts/{id}` by hand.
    pub async fn hand_account(&self) -> Result<hand::Account, String> {
        let url = format!("{}/accounts/{}", self.api_root, "acct-1");
        let bytes = self.hand_get(&url, &[]).await?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    /// `GET /accounts?limit=250` through the SDK.
    pub async fn sdk_page(&self) -> Result<Vec<Account>, String> {
        self.api
            .list_accounts()
            .limit(PAGE_SIZE as i32)
            .send()
            .await
            .map_err(|e| e.to_string())
    }

    /// `GET /accounts?limit=250` by hand.
    pub async fn hand_page(&self) -> Result<Vec<hand::Account>, String> {
        let url = format!("{}/accounts", self.api_root);
        let bytes = self.hand_get(&url, &[("limit", PAGE_SIZE)]).await?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    async fn hand_get(&self, url: &str, query: &[(&str, usize)]) -> Result<bytes::Bytes, String> {
        let response = self
            .http
            .get(url)
            .query(query)
            .bearer_auth(TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?;
        response.bytes().await.map_err(|e| e.to_string())
    }
}

/// Runs `calls` sequential calls of each client per round, alternating which goes first, and
/// returns every call's duration for each.
async fn alternate<A, B, FA, FB, TA, TB>(
    rounds: usize,
    calls: usize,
    sdk: A,
    hand: B,
) -> Result<(Vec<Duration>, Vec<Duration>), String>
where
    A: Fn() -> FA,
    B: Fn() -> FB,
    FA: Future<Output = Result<TA, String>>,
    FB: Future<Output = Result<TB, String>>,
{
    let mut sdk_times = Vec::with_capacity(rounds * calls);
    let mut hand_times = Vec::with_capacity(rounds * calls);
    for round in 0..rounds {
        for which in [round % 2 == 0, round % 2 == 1] {
            for _ in 0..calls {
                let started = Instant::now();
                if which {
                    std::hint::black_box(sdk().await?);
                    sdk_times.push(started.elapsed());
                } else {
                    std::hint::black_box(hand().await?);
                    hand_times.push(started.elapsed());
                }
            }
        }
    }
    Ok((sdk_times, hand_times))
}

/// Calls per second with `effort.concurrency` tasks calling at once; the median of the rounds.
async fn concurrent_rates(
    clients: &Clients,
    effort: Effort,
    pages: bool,
) -> Result<(f64, f64), String> {
    let per_task = if pages {
        effort.concurrent_page_calls_per_task
    } else {
        effort.concurrent_calls_per_task
    };
    let mut sdk_rates = Vec::new();
    let mut hand_rates = Vec::new();
    for round in 0..effort.rounds {
        for sdk in [round % 2 == 0, round % 2 == 1] {
            let started = Instant::now();
            let mut tasks = Vec::with_capacity(effort.concurrency);
            for _ in 0..effort.concurrency {
                let clients = clients.clone();
                tasks.push(tokio::spawn(async move {
                    for _ in 0..per_task {
                        match (sdk, pages) {
                            (true, false) => drop(clients.sdk_account().await?),
                            (false, false) => drop(clients.hand_account().await?),
                            (true, true) => drop(clients.sdk_page().await?),
                            (false, true) => drop(clients.hand_page().await?),
                        }
                    }
                    Ok::<(), String>(())
                }));
            }
            for task in tasks {
                task.await.map_err(|e| e.to_string())??;
            }
            let rate = (effort.concurrency * per_task) as f64 / started.elapsed().as_secs_f64();
            if sdk {
                sdk_rates.push(rate);
            } else {
                hand_rates.push(rate);
            }
        }
    }
    Ok((median_f64(sdk_rates), median_f64(hand_rates)))
}

/// The median time to decode the page: the SDK's path (`Response::json`, which tracks the JSON
/// path for its errors) against `serde_json::from_slice` into the hand-written structs.
pub fn decode_times(body: &bytes::Bytes, effort: Effort) -> Result<(Duration, Duration), String> {
    let mut sdk = Vec::new();
    let mut hand = Vec::new();
    for round in 0..effort.rounds * 2 {
        let started = Instant::now();
        for _ in 0..effort.decodes {
            if round % 2 == 0 {
                std::hint::black_box(sdk_decode(body)?);
            } else {
                std::hint::black_box(hand_decode(body)?);
            }
        }
        let per = started.elapsed() / effort.decodes as u32;
        if round % 2 == 0 {
            sdk.push(per);
        } else {
            hand.push(per);
        }
    }
    Ok((median(sdk), median(hand)))
}

/// Decodes a page as generated code does.
pub fn sdk_decode(body: &bytes::Bytes) -> Result<Vec<Account>, String> {
    let response = rt::Response::new(
        "listAccounts",
        rt::StatusCode::OK,
        rt::HeaderMap::new(),
        body.clone(),
    );
    response
        .json::<Vec<Account>, ListAccountsError>()
        .map_err(|e| e.to_string())
}

/// Decodes a page into the hand-written structs.
pub fn hand_decode(body: &[u8]) -> Result<Vec<hand::Account>, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// Streams `effort.stream_items` accounts through `into_stream()` from a server of its own,
/// then pages through them by hand. The live-heap figures need [`crate::alloc::Counting`] as
/// the global allocator, enabled; they are zero otherwise.
pub async fn stream(effort: Effort) -> Result<StreamFigures, String> {
    let items = effort.stream_items;
    let routes = Routes::new(AccountTemplate::from_spec()?, items);
    let page_bytes = routes.page_body().len();
    let server = Server::start(routes).await.map_err(|e| e.to_string())?;
    let clients = Clients::new(&server.base_url())?;
    clients.sdk_account().await?;
    clients.hand_account().await?;
    let rss_before = alloc::rss_bytes();
    let live_before = alloc::live_bytes();
    alloc::reset_peak();
    let started = Instant::now();
    let mut stream = clients.api.list_accounts().into_stream();
    let mut seen = 0;
    let mut live_at_tenth = 0;
    let mut live_at_end = 0;
    while let Some(account) = stream.next().await {
        let account = account.map_err(|e| e.to_string())?;
        std::hint::black_box(account);
        seen += 1;
        if seen == items / 10 {
            live_at_tenth = alloc::live_bytes();
        }
        if seen + 1 == items {
            live_at_end = alloc::live_bytes();
        }
    }
    let sdk_elapsed = started.elapsed();
    drop(stream);
    let peak_above_start = alloc::peak_bytes().saturating_sub(live_before);
    let rss_after = alloc::rss_bytes();
    if seen != items {
        return Err(format!("the stream ended after {seen} of {items} accounts"));
    }

    // The same listing paged by hand.
    let started = Instant::now();
    let url = format!("{}/accounts", clients.api_root);
    let mut offset = 0;
    let mut hand_seen = 0;
    loop {
        let body = clients
            .hand_get(&url, &[("offset", offset), ("limit", PAGE_SIZE)])
            .await?;
        let page: Vec<hand::Account> = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        hand_seen += page.len();
        if page.len() < PAGE_SIZE {
            break;
        }
        offset += PAGE_SIZE;
    }
    let hand_elapsed = started.elapsed();
    if hand_seen != items {
        return Err(format!(
            "the hand-written listing read {hand_seen} of {items}"
        ));
    }
    Ok(StreamFigures {
        items,
        sdk_items_per_s: items as f64 / sdk_elapsed.as_secs_f64(),
        baseline_items_per_s: items as f64 / hand_elapsed.as_secs_f64(),
        live_before,
        live_at_tenth,
        live_at_end,
        peak_above_start,
        page_bytes,
        rss_before,
        rss_after,
    })
}

/// The median of some durations (zero for none).
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both clients decode what the server sends, the paginator reads the whole listing, and
    /// the table has a row per target.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_quick_run_measures_everything() {
        let report = run(Effort::QUICK, None).await.unwrap();
        assert_eq!(report.rows.len(), 5);
        let stream = stream(Effort::QUICK).await.unwrap();
        assert_eq!(stream.items, Effort::QUICK.stream_items);
    }
}
