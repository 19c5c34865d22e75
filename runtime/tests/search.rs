//! `search_stream` against a loopback search server that behaves like Elasticsearch where it
//! matters: `offset + limit` may not pass 10,000, `searchAfter` starts strictly after the given
//! sort values, and records that tie on every sort field come back in a different order on
//! every request. 25,000 records, most sharing their `name`, must come out exactly once each,
//! whatever the caller's sort, with the downloading process's memory flat.

mod common;

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use futures_util::StreamExt;
use sailpoint_sdk_runtime::{search_stream, Client, Method, Request, SearchOptions, SearchPage};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const RECORDS: usize = 25_000;
const CHILD_ENV: &str = "SAILPOINT_TEST_SEARCH_URL";
const TEST_NAME: &str = "every_record_comes_once_past_10000_with_flat_memory";
/// Each record carries this much padding: 100 MB over the whole search, so a stream that kept
/// its pages would pass the limit.
const PADDING: usize = 4_000;
const PEAK_LIMIT_KB: u64 = 50 * 1024;

struct Doc {
    id: String,
    name: &'static str,
    department: &'static str,
}

impl Doc {
    fn field(&self, name: &str) -> &str {
        match name {
            "id" => &self.id,
            "name" => self.name,
            "department" => self.department,
            other => panic!("the fake server cannot sort by {other}"),
        }
    }
}

struct FakeSearch {
    docs: Vec<Doc>,
    requests: AtomicU64,
}

impl FakeSearch {
    fn new() -> Self {
        const NAMES: [&str; 5] = ["Ann", "Bo", "Cy", "Di", "Ed"];
        const DEPARTMENTS: [&str; 3] = ["Finance", "HR", "IT"];
        let docs = (0..RECORDS)
            .map(|i| Doc {
                // Ids in no particular relation to the other fields.
                id: format!("{:016x}", hash(&(i, "id"))),
                name: NAMES[i % NAMES.len()],
                department: DEPARTMENTS[(i / 7) % DEPARTMENTS.len()],
            })
            .collect();
        Self {
            docs,
            requests: AtomicU64::new(0),
        }
    }
}

fn hash<T: Hash>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn compare(a: &Doc, b: &Doc, sort: &[(bool, String)]) -> Ordering {
    sort.iter()
        .map(|(descending, field)| {
            let order = a.field(field).cmp(b.field(field));
            if *descending {
                order.reverse()
            } else {
                order
            }
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn compare_to_values(doc: &Doc, values: &[String], sort: &[(bool, String)]) -> Ordering {
    sort.iter()
        .zip(values)
        .map(|((descending, field), value)| {
            let order = doc.field(field).cmp(value.as_str());
            if *descending {
                order.reverse()
            } else {
                order
            }
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

impl Respond for FakeSearch {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let request_no = self.requests.fetch_add(1, AtomicOrdering::SeqCst);
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let (offset, limit) = (query("offset").unwrap_or(0), query("limit").unwrap_or(250));
        if offset + limit > 10_000 || limit > 10_000 {
            return ResponseTemplate::new(400).set_body_json(
                json!({"detailCode": "400.1 Bad Request Content", "offset": offset}),
            );
        }
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        let sort: Vec<(bool, String)> = body["sort"]
            .as_array()
            .map(|sort| {
                sort.iter()
                    .map(|s| {
                        let s = s.as_str().expect("sort entries are strings");
                        (
                            s.starts_with('-'),
                            s.trim_start_matches(['+', '-']).to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Ties on every sort field come back in an order of this request's own.
        let mut keyed: Vec<(u64, &Doc)> = self
            .docs
            .iter()
            .map(|d| (hash(&(&d.id, request_no)), d))
            .collect();
        keyed.sort_by(|(ka, a), (kb, b)| compare(a, b, &sort).then(ka.cmp(kb)));
        let order: Vec<&Doc> = keyed.into_iter().map(|(_, d)| d).collect();
        let start = match body.get("searchAfter") {
            Some(Value::Array(values)) => {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| v.as_str().expect("string values").to_owned())
                    .collect();
                order.partition_point(|d| compare_to_values(d, &values, &sort).is_le())
            }
            _ => offset,
        };
        let padding = "x".repeat(PADDING);
        let page: Vec<Value> = order
            .iter()
            .skip(start)
            .take(limit)
            .map(|d| json!({"id": d.id, "name": d.name, "department": d.department, "padding": padding}))
            .collect();
        ResponseTemplate::new(200).set_body_json(page)
    }
}

async fn search_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .respond_with(FakeSearch::new())
        .mount(&server)
        .await;
    server
}

/// Streams the whole search with `sort`, counting distinct ids without keeping the records.
async fn distinct_ids(url: &str, sort: Option<Vec<String>>) -> (usize, usize) {
    let client = Client::builder()
        .api_url(url)
        .access_token("test-token")
        .build()
        .expect("client");
    let mut stream = search_stream::<Value, Value, _, _>(
        SearchOptions::default(),
        sort.as_deref(),
        move |page: SearchPage| {
            let client = client.clone();
            async move {
                let mut request = Request::new("searchPost", Method::POST, "/search")
                    .query("limit", page.limit.to_string());
                if let Some(offset) = page.offset {
                    request = request.query("offset", offset.to_string());
                }
                let body = json!({
                    "indices": ["identities"],
                    "sort": page.sort,
                    "searchAfter": page.search_after,
                });
                let response = client
                    .execute::<Value>(request.json_body("application/json", &body))
                    .await?;
                match response.status().as_u16() {
                    200 => response.json::<Vec<Value>, Value>(),
                    _ => Err(response.into_error()),
                }
            }
        },
    );
    let mut ids = BTreeSet::new();
    let mut total = 0;
    while let Some(record) = stream.next().await {
        let record = record.expect("every page succeeds");
        ids.insert(record["id"].as_str().expect("an id").to_owned());
        total += 1;
    }
    (total, ids.len())
}

#[cfg(target_os = "linux")]
#[test]
fn every_record_comes_once_past_10000_with_flat_memory() {
    if let Ok(url) = std::env::var(CHILD_ENV) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            // No sort of the caller's: the stream sorts by `id`.
            assert_eq!(distinct_ids(&url, None).await, (RECORDS, RECORDS));
            // A sort on a field 5,000 records share each: `id` breaks the ties.
            let sort = Some(vec!["-name".to_owned(), "department".to_owned()]);
            assert_eq!(distinct_ids(&url, sort).await, (RECORDS, RECORDS));
        });
        common::report_peak_memory();
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(search_server());
    let (_, peak_kb) = common::run_child_for_peak(TEST_NAME, &[(CHILD_ENV, &server.uri())]);
    println!("peak resident memory of two 25,000-record searches: {peak_kb} kB");
    assert!(
        peak_kb < PEAK_LIMIT_KB,
        "the searches peaked at {peak_kb} kB, over {PEAK_LIMIT_KB} kB"
    );
    let requests = runtime
        .block_on(server.received_requests())
        .expect("recorded");
    // 40 offset pages and 61 searchAfter pages (the last one empty) per search.
    assert_eq!(requests.len(), 2 * 101);
}

#[tokio::test]
async fn a_search_that_keeps_ties_unordered_loses_records() {
    // The fake server's ties really are unstable: paging a shared sort value by offset without
    // the `id` tie-breaker repeats some records and drops others. This is what the stream's
    // appended `id` prevents.
    let server = search_server().await;
    let client = Client::builder()
        .api_url(server.uri())
        .access_token("test-token")
        .build()
        .expect("client");
    let mut ids = BTreeSet::new();
    for offset in (0..10_000).step_by(1_000) {
        let request = Request::new("searchPost", Method::POST, "/search")
            .query("offset", offset.to_string())
            .query("limit", "1000")
            .json_body("application/json", &json!({"sort": ["name"]}));
        let page: Vec<Value> = client
            .execute::<Value>(request)
            .await
            .expect("sent")
            .json::<Vec<Value>, Value>()
            .expect("a page");
        ids.extend(
            page.into_iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
    }
    assert!(ids.len() < 10_000, "{} distinct ids", ids.len());
}
