//! The benchmark tools `cargo xtask bench` runs (build it with `--release`):
//!
//! - `bench-tool scale --copies N --out DIR [--spec FILE]`: writes a description N times the
//!   size of FILE (default: the public beta description) into DIR;
//! - `bench-tool loopback [--quick] [--python PYTHON] [--json]`: the run-time comparison of the
//!   SDK with hand-written `reqwest` + `serde_json` calls (and the Python SDK), as Markdown tables
//!   (or, with `--json`, as one JSON object `{"report": …, "stream": …}` for `cargo xtask bench`);
//! - `bench-tool stream [--quick]`: streams the long listing with the allocator counting, and
//!   prints the figures as JSON (`loopback` runs it in a process of its own, so that counting
//!   does not slow the other measurements).

use bench::alloc::Counting;
use bench::loopback::{self, Effort, Report, StreamFigures};
use std::path::PathBuf;
use std::process::ExitCode;

/// Counts live heap bytes, to show that streaming holds one page at a time.
#[global_allocator]
static ALLOC: Counting = Counting;

const USAGE: &str = "usage: bench-tool scale --copies N --out DIR [--spec FILE]
       bench-tool loopback [--quick] [--python PYTHON] [--json]
       bench-tool stream [--quick]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut args = args.into_iter();
    let command = args.next();
    let mut copies = None;
    let mut out = None;
    let mut spec = None;
    let mut quick = false;
    let mut python = None;
    let mut json = false;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--copies" => {
                copies = Some(value()?.parse::<usize>().map_err(|e| e.to_string())?);
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--python" => python = Some(PathBuf::from(value()?)),
            "--quick" => quick = true,
            "--json" => json = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    match command.as_deref() {
        Some("scale") => {
            let (Some(copies), Some(out)) = (copies, out) else {
                return Err(USAGE.into());
            };
            let spec = match spec.or_else(bench::fixtures::public_beta_spec) {
                Some(spec) => spec,
                None => {
                    return Err("no --spec, and the public beta description is not there".into())
                }
            };
            let summary = bench::scale::write_scaled(&spec, copies, &out)?;
            eprintln!(
                "{copies} cop(ies) of {}: {} paths, {} files, {:.1} MB in {}",
                spec.display(),
                summary.paths,
                summary.files,
                summary.bytes as f64 / 1e6,
                out.display()
            );
            Ok(())
        }
        Some("loopback") => {
            let effort = if quick { Effort::QUICK } else { Effort::FULL };
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            let report = runtime.block_on(loopback::run(effort, python.as_deref()))?;
            drop(runtime);
            let stream = stream_in_child(quick)?;
            if json {
                let both = serde_json::json!({ "report": report, "stream": stream });
                println!("{both}");
            } else {
                print_report(&report, &stream);
            }
            Ok(())
        }
        Some("stream") => {
            bench::alloc::enable();
            let effort = if quick { Effort::QUICK } else { Effort::FULL };
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            let figures = runtime.block_on(loopback::stream(effort))?;
            println!(
                "{}",
                serde_json::to_string(&figures).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

fn stream_in_child(quick: bool) -> Result<StreamFigures, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(exe);
    command.arg("stream");
    if quick {
        command.arg("--quick");
    }
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "bench-tool stream failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("bench-tool stream: {e}"))
}

fn print_report(report: &Report, s: &StreamFigures) {
    println!("| run time, loopback server | SDK | hand-written reqwest + serde_json | ratio | target | met |");
    println!("| --- | ---: | ---: | ---: | ---: | --- |");
    for row in &report.rows {
        println!(
            "| {} | {} | {} | {:.2}× | ≤ {:.2}× | {} |",
            row.what,
            figure(row.sdk, row.unit),
            figure(row.baseline, row.unit),
            row.ratio,
            row.limit,
            if row.met() { "yes" } else { "**no**" }
        );
    }
    let mb = |b: usize| b as f64 / 1e6;
    println!();
    println!(
        "| streaming {} accounts with `into_stream()` | figure |",
        s.items
    );
    println!("| --- | ---: |");
    println!(
        "| SDK / hand-written paging loop | {:.0} / {:.0} accounts/s ({:.2}×) |",
        s.sdk_items_per_s,
        s.baseline_items_per_s,
        s.baseline_items_per_s / s.sdk_items_per_s
    );
    println!("| one page on the wire | {:.2} MB |", mb(s.page_bytes));
    println!(
        "| live heap above the start: after 10% / before the last item | {:.2} MB / {:.2} MB |",
        mb(s.live_at_tenth.saturating_sub(s.live_before)),
        mb(s.live_at_end.saturating_sub(s.live_before))
    );
    println!(
        "| peak live heap above the start, whole stream | {:.2} MB |",
        mb(s.peak_above_start)
    );
    if let (Some(before), Some(after)) = (s.rss_before, s.rss_after) {
        println!(
            "| RSS before / after | {:.1} MB / {:.1} MB |",
            before as f64 / 1e6,
            after as f64 / 1e6
        );
    }
    if let Some(python) = &report.python {
        let rust = &report.rates;
        println!();
        println!(
            "| calls/s, loopback server | Rust SDK | Python SDK `sailpoint` | Rust ÷ Python |"
        );
        println!("| --- | ---: | ---: | ---: |");
        for (what, r, p) in [
            (
                "`get_account`, one caller",
                rust.account_rate,
                python.account_rate,
            ),
            (
                "`list_accounts` (250), one caller",
                rust.page_rate,
                python.page_rate,
            ),
            (
                "`get_account`, 64 concurrent callers (Python: 64 threads)",
                rust.concurrent_account_rate,
                python.concurrent_account_rate,
            ),
            (
                "`list_accounts` (250), 64 concurrent callers",
                rust.concurrent_page_rate,
                python.concurrent_page_rate,
            ),
        ] {
            println!("| {what} | {r:.0} | {p:.0} | {:.1}× |", r / p);
        }
    }
}

fn figure(value: f64, unit: &str) -> String {
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}
