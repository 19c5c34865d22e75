//! Every operation of a version crate, called through the generated Rust against a recording
//! loopback server.
//!
//! A harness is written from the version's IR (the settings `cargo xtask generate` uses) that
//! calls every operation of the committed crate with a distinct, recognisable value for every
//! path, query and header parameter. The server records each request; the check compares the
//! request line and headers with what the description says: each path value in its own
//! placeholder and percent-encoded, query values as `style: form` with the declared `explode`,
//! header values as `style: simple`. The URL is what the emitted builder code made, so a
//! mistake in the generated `format!` (the path order bug) is caught, not re-derived.
//!
//! The harness is built against the whole crate by `contract_tests::harness`, which shares that
//! build with `tests/every_operation.rs`: v3 by default, `CONTRACT_TESTS_WHOLE_CRATES=all` for
//! every version (2,445 operations).

mod url_check;

use contract_tests::harness::{self, run_bounded};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const RUN_TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn every_operation_sends_its_values_where_they_belong() {
    harness::check_each_version(check_version);
}

fn check_version(version: &str) -> Result<(), String> {
    let api = harness::analyze(version);
    let (main, expected) = url_check::harness(&api);
    let binary = harness::build(
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        "url-check",
        version,
        &main,
    )?;
    let run = run_bounded(&mut Command::new(&binary), "run the URL check", RUN_TIMEOUT);
    let stdout = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() {
        return Err(format!(
            "the URL check failed ({}):\n{stdout}\n{}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    let line = stdout
        .lines()
        .find(|l| l.starts_with("url-check "))
        .ok_or_else(|| format!("the URL check printed no figures:\n{stdout}"))?;
    println!("{line}");
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [checked, wrong] = numbers[..] else {
        return Err(format!("not `N operations checked, M wrong`: {line}"));
    };
    if checked != expected || wrong != 0 {
        return Err(format!(
            "{checked} of {expected} operations checked, {wrong} wrong:\n{stdout}"
        ));
    }
    Ok(())
}
