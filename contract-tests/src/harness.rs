//! Harness binaries built against a whole version crate (`--features full`): the URL check
//! (`tests/urls.rs`) and every operation against Prism (`tests/every_operation.rs`).
//!
//! Each harness is a one-package workspace of its own under `<target tmp>/harness/`, built with
//! the workspace's `Cargo.lock` into one target folder shared by every harness. A nested cargo
//! cannot use the folder the outer `cargo test` holds, but the harnesses can share theirs: the
//! same lockfile and the same profile give the same artifacts, so a whole version crate, the
//! costliest thing in the test command, is compiled once for both tests. Without debug
//! information and without the incremental cache it builds faster and takes a fraction of the
//! disk (the incremental cache of one whole crate is over 500 MB).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo_command, workspace_root, VERSIONS};

/// A whole version crate builds in minutes on two cores; this leaves room for a busy machine.
const BUILD_TIMEOUT: Duration = Duration::from_secs(1800);

/// Chooses the versions whose whole crate the harness tests build.
pub const VERSIONS_VARIABLE: &str = "CONTRACT_TESTS_WHOLE_CRATES";

/// The versions the whole-crate tests run: `CONTRACT_TESTS_WHOLE_CRATES` (a comma-separated
/// list, or `all`), v3 (the smallest crate) when it is not set. Building v2025 whole alone takes
/// about seven minutes on the 2-core machine, so the test command's default is v3.
pub fn whole_crate_versions() -> Vec<&'static str> {
    let chosen = std::env::var(VERSIONS_VARIABLE).unwrap_or_else(|_| "v3".to_owned());
    if chosen.trim() == "all" {
        return VERSIONS.to_vec();
    }
    let chosen: Vec<&str> = chosen.split(',').map(str::trim).collect();
    for version in &chosen {
        assert!(
            VERSIONS.contains(version),
            "{VERSIONS_VARIABLE}: unknown version {version:?} (one of {VERSIONS:?}, or all)"
        );
    }
    VERSIONS
        .into_iter()
        .filter(|v| chosen.contains(v))
        .collect()
}

/// Runs `check` on every chosen version (all of them, whatever fails) and panics with every
/// version's failure.
pub fn check_each_version(check: impl Fn(&str) -> Result<(), String>) {
    let failed: Vec<String> = whole_crate_versions()
        .into_iter()
        .filter_map(|version| check(version).err().map(|e| format!("{version}: {e}")))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// The IR of the crate `sailpoint-<version>`, analysed with the settings `cargo xtask generate`
/// uses (`spec/generator.yaml`), so a harness written from it matches the committed crate.
pub fn analyze(version: &str) -> generator::ir::Api {
    let root = workspace_root();
    let settings = generator::WorkspaceSettings::read(&root.join("spec/generator.yaml"), &root)
        .unwrap_or_else(|e| panic!("spec/generator.yaml: {e:?}"));
    let package = format!("sailpoint-{version}");
    let entry = settings
        .crates
        .into_iter()
        .find(|c| c.spec.ends_with(&format!("sailpoint-api.{version}.yaml")))
        .unwrap_or_else(|| panic!("spec/generator.yaml has no crate {package}"));
    let (api, _) = generator::analyze(&entry.options)
        .unwrap_or_else(|e| panic!("analysing {}: {e}", entry.spec));
    assert_eq!(api.package_name, package);
    api
}

/// Writes the harness `<name>-<version>` (its `main.rs` is `main`) under `tmp/harness/` and
/// builds it; returns the binary's path, or cargo's error output.
pub fn build(tmp: &Path, name: &str, version: &str, main: &str) -> Result<PathBuf, String> {
    let root = workspace_root();
    let harness = tmp.join("harness");
    let package = format!("{name}-{version}");
    let work = harness.join(&package);
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "# Written by contract-tests/src/harness.rs.\n\
             [package]\n\
             name = \"{package}\"\n\
             version = \"0.0.0\"\n\
             edition = \"2021\"\n\
             publish = false\n\
             \n\
             [dependencies]\n\
             sailpoint-{version} = {{ path = {crate_path:?}, features = [\"full\"] }}\n\
             serde = \"1\"\n\
             serde_json = \"1\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
             \n\
             [workspace]\n\
             \n\
             # Every harness has this profile, so they share the whole crate's build.\n\
             [profile.dev]\n\
             debug = false\n\
             incremental = false\n",
            crate_path = root
                .join(format!("generated/sailpoint-{version}"))
                .display()
                .to_string(),
        ),
    );
    write_if_changed(&work.join("src/main.rs"), main);
    // The workspace's lockfile pins the same versions, so nothing new is resolved or fetched,
    // and every harness resolves alike.
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("the workspace Cargo.lock: {e}"))?;
    write_if_changed(&work.join("Cargo.lock"), &lock);

    let target = harness.join("target");
    let started = Instant::now();
    let build = run_bounded(
        cargo_command()
            .args(["build", "--quiet", "--manifest-path"])
            .arg(work.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target),
        &format!("build {package}"),
        BUILD_TIMEOUT,
    );
    if !build.status.success() {
        return Err(format!(
            "building {package} failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    println!("{package}: built in {:.1?}", started.elapsed());
    Ok(target.join("debug").join(package))
}

/// Writes `text` to `path` unless it is there already, so that cargo sees no change.
pub fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Runs `command` to its end, killing it after `timeout`.
pub fn run_bounded(command: &mut Command, what: &str, timeout: Duration) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot {what}: {e}"));
    // Pipes are read on threads so that a chatty child never blocks on a full pipe.
    let stdout = child.stdout.take().map(read_on_thread);
    let stderr = child.stderr.take().map(read_on_thread);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cannot {what}: no result within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let join = |handle: Option<std::thread::JoinHandle<Vec<u8>>>| {
        handle
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default()
    };
    Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    }
}

fn read_on_thread(
    mut pipe: impl std::io::Read + Send + 'static,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
