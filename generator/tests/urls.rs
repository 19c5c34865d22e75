//! Every operation of every vendored SailPoint description (`spec/sailpoint/`, four roots),
//! called through the generated Rust against a recording loopback server.
//!
//! Each root is generated into a crate under `target/url-check/` together with a test file,
//! written here from the IR, that calls every operation with a distinct, recognisable value
//! for every path, query and header parameter. The server records each request; the check
//! compares the request line and headers with what the description says: each path value in
//! its own placeholder and percent-encoded, query values as `style: form` with the declared
//! `explode`, header values as `style: simple`. The URL is what the emitted builder code made,
//! so a mistake in the generated `format!` (the path order bug) is caught, not re-derived.
//!
//! The crates build in a target folder of their own (a nested cargo cannot share the folder
//! the outer `cargo test` holds), so the first run compiles the dependencies once. Compiling
//! the four whole crates is the cost of this test (several minutes on two cores); the calls
//! themselves take seconds.

mod url_check;

use generator::{generate, Files, Options};
use std::path::Path;
use std::process::Command;

const ROOTS: [&str; 4] = ["v3", "beta", "v2024", "v2025"];

#[test]
fn every_operation_of_every_description_sends_its_values_where_they_belong() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace");
    let workspace = root.join("target/url-check");
    let mut expected_operations = 0;
    for version in ROOTS {
        let spec = root.join(format!("spec/sailpoint/sailpoint-api.{version}.yaml"));
        let mut options = Options::new(&spec)
            .with_spec_display(format!("spec/sailpoint/sailpoint-api.{version}.yaml"))
            .with_runtime_path(root.join("runtime").display().to_string());
        options.package_name = Some(format!("url-check-{version}"));
        let output = generate(&options).unwrap_or_else(|e| panic!("{version}: {e}"));
        let (harness, count) = url_check::harness(&output.api);
        expected_operations += count;
        let mut files: Files = output
            .files
            .into_iter()
            // The pages are only read by doctests, which this check does not run.
            .filter(|(path, _)| !path.starts_with("docs/"))
            .collect();
        files.insert("tests/urls.rs".into(), harness);
        generator::disk::write(&workspace.join(version), &files)
            .unwrap_or_else(|e| panic!("writing the {version} crate: {e}"));
    }
    std::fs::write(
        workspace.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"v3\", \"beta\", \"v2024\", \"v2025\"]\n",
    )
    .expect("the workspace manifest");
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("the lockfile");
    let run = Command::new(env!("CARGO"))
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", root.join("target/url-check-target"))
        // The four crates are large; without debug information they build markedly faster.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        // One test awaits every operation in turn; unoptimised, its future outgrows the
        // default 2 MiB stack of a test thread.
        .env("RUST_MIN_STACK", "268435456")
        .args([
            "test",
            "--workspace",
            "--test",
            "urls",
            "--quiet",
            "--",
            "--nocapture",
        ])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    let (mut checked, mut wrong) = (0, 0);
    for line in stdout.lines().filter(|l| l.starts_with("url-check ")) {
        eprintln!("{line}");
        let numbers: Vec<usize> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        checked += numbers[0];
        wrong += numbers[1];
    }
    eprintln!(
        "{checked} operations checked over {} descriptions, {wrong} wrong",
        ROOTS.len()
    );
    assert_eq!(checked, expected_operations, "{stdout}");
    assert_eq!(wrong, 0, "{stdout}");
}
