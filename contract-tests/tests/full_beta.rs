//! The Accounts contract against SailPoint's whole public beta description (559 operations),
//! read in place: the generator makes a crate of it under `target/`, a small harness that
//! includes `contract/accounts.rs` is compiled against that crate, and the harness runs against a
//! second Prism serving the whole description.
//!
//! The description is `../shared/specs/sailpoint-beta/sailpoint-api.beta.yaml` next to the
//! workspace, or the file `CONTRACT_TESTS_FULL_BETA_SPEC` names. The generated crate and the
//! harness live in `target/tmp/full-beta/`, built with the workspace's `Cargo.lock` (so the
//! versions are the same) into their own target folder, which later runs reuse.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use contract_tests::{
    cargo_command, declared_error_statuses, operation_ids, workspace_root, Prism,
};

/// The first build compiles the generated crate (about 50 s of CPU) and its dependencies.
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);
const RUN_TIMEOUT: Duration = Duration::from_secs(120);
const FIGURES: &str = "CONTRACT-FIGURES ";

fn full_beta_spec() -> PathBuf {
    let spec = std::env::var_os("CONTRACT_TESTS_FULL_BETA_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            workspace_root().join("../shared/specs/sailpoint-beta/sailpoint-api.beta.yaml")
        });
    assert!(
        spec.is_file(),
        "SailPoint's beta description is not at {}; set CONTRACT_TESTS_FULL_BETA_SPEC to its sailpoint-api.beta.yaml",
        spec.display()
    );
    spec
}

/// Writes `text` to `path` unless it is there already, so that cargo sees no change.
fn write_if_changed(path: &Path, text: &str) {
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
fn run_bounded(command: &mut Command, what: &str, timeout: Duration) -> Output {
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

#[test]
fn whole_beta_description_keeps_the_accounts_contract() {
    let root = workspace_root();
    let spec = full_beta_spec();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("full-beta");

    // What `cargo xtask generate --spec <spec> --out <dir>` does, inside a workspace of two.
    let started = Instant::now();
    let options = generator::Options::new(&spec)
        .with_runtime_path(root.join("runtime").display().to_string());
    let output = generator::generate(&options)
        .unwrap_or_else(|e| panic!("generating {}: {e}", spec.display()));
    let manifest = output
        .files
        .get("Cargo.toml")
        .expect("the generated crate has a Cargo.toml");
    let package = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the generated Cargo.toml names its package")
        .to_owned();
    assert_eq!(package, "identity-security-cloud-beta-api");
    let crate_dir = work.join(&package);
    generator::disk::write(&crate_dir, &output.files)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", crate_dir.display()));
    println!(
        "generated {} operations, {} models in {:.1?}",
        output.api.operations.len(),
        output.api.models.len(),
        started.elapsed()
    );

    let contract = Path::new(env!("CARGO_MANIFEST_DIR")).join("contract/accounts.rs");
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "# Written by contract-tests/tests/full_beta.rs.\n\
             [workspace]\n\
             resolver = \"2\"\n\
             members = [\"{package}\", \"harness\"]\n\
             \n\
             # Nobody debugs the harness; without debug info its 559 operations build faster.\n\
             [profile.dev]\n\
             debug = false\n"
        ),
    );
    write_if_changed(
        &work.join("harness/Cargo.toml"),
        &format!(
            "# Written by contract-tests/tests/full_beta.rs.\n\
             [package]\n\
             name = \"full-beta-harness\"\n\
             version = \"0.0.0\"\n\
             edition = \"2021\"\n\
             publish = false\n\
             \n\
             [dependencies]\n\
             {package} = {{ path = \"../{package}\" }}\n\
             reqwest = {{ version = \"0.12\", default-features = false }}\n\
             serde_json = \"1\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
        ),
    );
    write_if_changed(
        &work.join("harness/src/main.rs"),
        &format!(
            "// Written by contract-tests/tests/full_beta.rs: the Accounts contract against the crate\n\
             // generated from SailPoint's whole beta description.\n\
             use {lib} as sdk;\n\
             \n\
             #[allow(dead_code)]\n\
             #[path = {contract:?}]\n\
             mod contract;\n\
             \n\
             #[tokio::main]\n\
             async fn main() {{\n\
             \x20   let url = std::env::args().nth(1).expect(\"usage: full-beta-harness PRISM_URL\");\n\
             \x20   // SailPoint's 429 response declares no Retry-After header.\n\
             \x20   let figures = contract::run(&url, false).await;\n\
             \x20   println!(\"{FIGURES}{{}}\", figures.to_json());\n\
             }}\n",
            lib = package.replace('-', "_"),
            contract = contract.display().to_string(),
        ),
    );
    // The workspace's lockfile pins the same versions, so nothing new is resolved or fetched.
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("the workspace Cargo.lock");
    write_if_changed(&work.join("Cargo.lock"), &lock);

    let target = work.join("target");
    let started = Instant::now();
    let build = run_bounded(
        cargo_command()
            .args([
                "build",
                "--quiet",
                "--package",
                "full-beta-harness",
                "--manifest-path",
            ])
            .arg(work.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target),
        "build the full-beta harness",
        BUILD_TIMEOUT,
    );
    assert!(
        build.status.success(),
        "building the harness failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    println!("built the harness in {:.1?}", started.elapsed());

    let prism = Prism::start(&spec);
    let run = run_bounded(
        Command::new(target.join("debug/full-beta-harness")).arg(prism.url()),
        "run the full-beta harness",
        RUN_TIMEOUT,
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the harness failed ({}):\n{stdout}\n{}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr),
        prism.output()
    );
    let figures: serde_json::Value = stdout
        .lines()
        .find_map(|line| line.strip_prefix(FIGURES))
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_else(|| panic!("the harness printed no figures:\n{stdout}"));

    let source = std::fs::read_to_string(crate_dir.join("src/apis/accounts_api.rs"))
        .expect("the generated AccountsApi");
    let operations = operation_ids(&source);
    let strings = |key: &str| -> Vec<String> {
        figures[key]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let called: BTreeSet<String> = strings("operations").into_iter().collect();
    let violations = strings("violations");
    let failures = strings("failures");
    let findings = strings("description_findings");
    let decoded: BTreeSet<(String, u16, String)> = figures["decoded"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|triple| {
            Some((
                triple[0].as_str()?.to_owned(),
                u16::try_from(triple[1].as_u64()?).ok()?,
                triple[2].as_str()?.to_owned(),
            ))
        })
        .collect();
    println!(
        "identity-security-cloud-beta-api against Prism on the whole beta description\noperations called: {}/{}\nresponses: {}\nPrism request violations: {}\nPrism response violations (examples that break their schema): {}\nerror statuses decoded: {}\nfailures: {}",
        called.len(),
        operations.len(),
        figures["responses"],
        violations.len(),
        findings.len(),
        decoded.len(),
        failures.len()
    );
    let mut per_variant = std::collections::BTreeMap::<&str, usize>::new();
    for (_, _, variant) in &decoded {
        *per_variant.entry(variant.as_str()).or_default() += 1;
    }
    for (variant, n) in &per_variant {
        println!("  {variant}: {n}");
    }
    // SailPoint's examples are not always valid against their schemas; the SDK decodes them
    // anyway (that is part of the contract), and the findings are shown, not failed on.
    for finding in &findings {
        println!("  {finding}");
    }
    assert!(
        failures.is_empty() && violations.is_empty(),
        "{} failure(s):\n{}\n{} Prism violation(s):\n{}",
        failures.len(),
        failures.join("\n"),
        violations.len(),
        violations.join("\n")
    );
    assert_eq!(
        called, operations,
        "every operation of AccountsApi is called"
    );
    assert_eq!(
        decoded,
        declared_error_statuses(&source),
        "every declared error status decodes into its variant"
    );
    prism.stop();
}
