//! The examples, run as the binaries `cargo test` builds, against Prism with only
//! `SAIL_API_URL` and `SAIL_ACCESS_TOKEN` set, serving the vendored beta description the examples'
//! crate (`sailpoint-beta`) is generated from.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use contract_tests::{cargo_command, sailpoint_spec, Prism};

const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The example's binary. `cargo test` builds examples next to the test binaries
/// (`target/<profile>/examples/`); when it did not (`cargo test --test examples`), or the binary
/// is older than its source, it is built here.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // target/<profile>/deps/examples-<hash>
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let binary = profile.join("examples").join(name);
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.rs"));
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let fresh = matches!(
        (modified(&binary), modified(&source)),
        (Some(built), Some(written)) if built >= written
    );
    if !fresh {
        let status = cargo_command()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "-p",
                "contract-tests",
                "--example",
                name,
            ])
            .status()
            .expect("cannot run cargo");
        assert!(status.success(), "building the example {name} failed");
    }
    assert!(binary.is_file(), "{} was not built", binary.display());
    binary
}

/// Runs an example against Prism with a clean SailPoint configuration: only the two variables,
/// from an empty folder (no `./config.json`) and an empty home (no CLI configuration).
fn run_example(prism: &Prism, name: &str, args: &[&str]) -> Output {
    let binary = example_binary(name);
    let home = tempfile::tempdir().expect("a temporary folder");
    let mut command = Command::new(&binary);
    command
        .args(args)
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("SAIL_API_URL", prism.url())
        .env("SAIL_ACCESS_TOKEN", "any-token-will-do")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "SAIL_BASE_URL",
        "SAIL_CLIENT_ID",
        "SAIL_CLIENT_SECRET",
        "SAIL_TOKEN_URL",
    ] {
        command.env_remove(name);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let started = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > EXAMPLE_TIMEOUT {
            let _ = child.kill();
            panic!("the example {name} did not finish within {EXAMPLE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("the example's output");
    println!(
        "$ {name} {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the example {name} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        prism.output()
    );
    output
}

#[test]
fn examples_run_against_prism() {
    let prism = Prism::start(&sailpoint_spec("beta"));

    let listed = run_example(&prism, "list_accounts", &[]);
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert!(
        stdout.starts_with("2c9180867c184ff6017c2a2fbf031667\tGeovanni.0a7cad6df\t"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&listed.stderr).contains("1 account(s)"));

    let filtered = run_example(
        &prism,
        "list_accounts",
        &["identityId eq \"2c9180867c184ff6017c2a2fbf031666\""],
    );
    assert_eq!(filtered.stdout, listed.stdout);

    let updated = run_example(
        &prism,
        "update_account",
        &[
            "ef38f94347e94562b5bb8424a56397d8",
            "2c91808384203c2d018437e631158309",
        ],
    );
    let stdout = String::from_utf8_lossy(&updated.stdout);
    assert!(stdout.starts_with("202 Accepted: account ef38f94347e94562b5bb8424a56397d8 moved to identity 2c91808384203c2d018437e631158309"), "{stdout}");

    prism.stop();
}
