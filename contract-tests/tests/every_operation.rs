//! Every operation of a version crate, called through the real generated SDK against Prism
//! serving that version's vendored description, and counted: operations called, responses,
//! request violations (must be 0), responses that failed to decode (must be 0).
//!
//! A harness is generated from the generator's IR (`generator::analyze` on the same settings
//! as `cargo xtask generate`): one function per operation that fills every required input
//! (path, query and header parameters, the body) from the description's examples, or, without
//! one, from the schema, and calls the committed crate's method. The harness lives in
//! `target/tmp/every-operation/<version>/`, a workspace of its own built with the workspace's
//! `Cargo.lock` into `target/tmp/every-operation/target/` (shared by the versions, reused by
//! later runs), against the committed crate with `--features full`. Its hand-written part is
//! `harness/support.rs`.
//!
//! A whole version crate takes minutes to build on the 2-core machine, so the test command runs
//! v3 (the smallest) by default; `CONTRACT_TESTS_EVERY_OPERATION=v3,beta,v2024,v2025` (or `all`)
//! chooses the versions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use contract_tests::{cargo_command, sailpoint_spec, workspace_root, Prism, VERSIONS};
use generator::ir::{Api, ParamLocation};
use values::{argument, form_value, named_example, synthesize};

/// A whole version crate builds in minutes on two cores; this leaves room for a busy machine.
#[path = "every_operation/values.rs"]
mod values;

const BUILD_TIMEOUT: Duration = Duration::from_secs(1800);
const RUN_TIMEOUT: Duration = Duration::from_secs(600);
const FIGURES: &str = "EVERY-OPERATION-FIGURES ";
const VERSIONS_VARIABLE: &str = "CONTRACT_TESTS_EVERY_OPERATION";

/// The versions to run: `CONTRACT_TESTS_EVERY_OPERATION` (a comma-separated list, or `all`),
/// v3 when it is not set.
fn versions() -> Vec<&'static str> {
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

#[test]
fn every_operation_of_every_chosen_version() {
    let mut failed = Vec::new();
    for version in versions() {
        if let Err(e) = run_version(version) {
            failed.push(format!("{version}: {e}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// The IR of a version, analysed with the settings `cargo xtask generate` uses.
fn analyze(version: &str) -> Api {
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

fn run_version(version: &str) -> Result<(), String> {
    let root = workspace_root();
    let started = Instant::now();
    let api = analyze(version);
    let (main, calls) = harness_main(&api);
    println!(
        "{version}: {} operations, harness of {calls} calls written in {:.1?}",
        api.operations.len(),
        started.elapsed()
    );

    let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("every-operation")
        .join(version);
    let support = Path::new(env!("CARGO_MANIFEST_DIR")).join("harness/support.rs");
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "# Written by contract-tests/tests/every_operation.rs.\n\
             [package]\n\
             name = \"every-operation-{version}\"\n\
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
             # Nobody debugs the harness; without debug info a whole version crate builds faster.\n\
             [profile.dev]\n\
             debug = false\n",
            crate_path = root
                .join(format!("generated/sailpoint-{version}"))
                .display()
                .to_string(),
        ),
    );
    write_if_changed(
        &work.join("src/main.rs"),
        &main.replace(
            "SUPPORT_PATH",
            &format!("{:?}", support.display().to_string()),
        ),
    );
    // The workspace's lockfile pins the same versions, so nothing new is resolved or fetched.
    if !work.join("Cargo.lock").exists() {
        let lock =
            std::fs::read_to_string(root.join("Cargo.lock")).expect("the workspace Cargo.lock");
        write_if_changed(&work.join("Cargo.lock"), &lock);
    }

    // One target folder for every version's harness: the dependencies are built once.
    let target = work.parent().unwrap_or(&work).join("target");
    let started = Instant::now();
    let build = run_bounded(
        cargo_command()
            .args(["build", "--quiet", "--manifest-path"])
            .arg(work.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target),
        "build the harness",
        BUILD_TIMEOUT,
    );
    if !build.status.success() {
        return Err(format!(
            "building the harness failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    println!("{version}: harness built in {:.1?}", started.elapsed());

    let prism = Prism::start(&sailpoint_spec(version));
    let started = Instant::now();
    let run = run_bounded(
        Command::new(target.join(format!("debug/every-operation-{version}"))).arg(prism.url()),
        "run the harness",
        RUN_TIMEOUT,
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() {
        return Err(format!(
            "the harness failed ({}):\n{stdout}\n{}\n{}",
            run.status,
            String::from_utf8_lossy(&run.stderr),
            prism.output()
        ));
    }
    let figures: serde_json::Value = stdout
        .lines()
        .find_map(|line| line.strip_prefix(FIGURES))
        .and_then(|json| serde_json::from_str(json).ok())
        .ok_or_else(|| format!("the harness printed no figures:\n{stdout}"))?;
    prism.stop();
    let elapsed = started.elapsed();
    report(version, &api, &figures, elapsed)
}

/// Prints a version's figures and says what breaks the contract.
fn report(
    version: &str,
    api: &Api,
    figures: &serde_json::Value,
    elapsed: Duration,
) -> Result<(), String> {
    let strings = |key: &str| -> Vec<String> {
        figures[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_owned)
            })
            .collect()
    };
    let violations = strings("violations");
    let decode_failures = strings("decode_failures");
    let findings = strings("description_findings");
    let example_defects = strings("example_defects");
    let other = strings("other");
    println!(
        "sailpoint-{version} (full) against Prism on spec/sailpoint/sailpoint-api.{version}.yaml, in {elapsed:.1?}\n\
         operations called: {}/{}\n\
         responses: {} (statuses {})\n\
         success statuses decoded: {}\n\
         declared error statuses decoded: {}\n\
         Prism request violations: {}\n\
         responses that failed to decode: {}\n\
         Prism response violations (examples that break their schema): {}\n\
         request examples that break their schema (replaced by values built from it): {}\n\
         other outcomes: {}",
        figures["called"],
        api.operations.len(),
        figures["responses"],
        figures["statuses"],
        figures["succeeded"],
        figures["declared_errors"],
        violations.len(),
        decode_failures.len(),
        findings.len(),
        example_defects.len(),
        other.len(),
    );
    for (what, items) in [
        ("request violation", &violations),
        ("decode failure", &decode_failures),
        ("other", &other),
        ("description defect", &findings),
        ("description defect", &example_defects),
    ] {
        for item in items {
            println!("  {what}: {item}");
        }
    }
    let called = figures["called"].as_u64().unwrap_or_default();
    let mut problems = Vec::new();
    if usize::try_from(called).ok() != Some(api.operations.len()) {
        problems.push(format!(
            "{called} of {} operations called",
            api.operations.len()
        ));
    }
    // Every request violation and decode failure must be one the version's list of known
    // outcomes names with its cause; an entry that no longer happens must leave the list.
    let known = known_outcomes(version);
    let mut seen = BTreeSet::new();
    for (kind, items) in [
        ("violation", &violations),
        ("decode", &decode_failures),
        ("other", &other),
    ] {
        for item in items {
            let operation = item.split(':').next().unwrap_or_default().to_owned();
            let key = (kind.to_owned(), operation);
            if !known.contains_key(&key) {
                problems.push(format!("new {kind}: {item}"));
            }
            seen.insert(key);
        }
    }
    for ((kind, operation), cause) in &known {
        if !seen.contains(&(kind.clone(), operation.clone())) {
            problems.push(format!(
                "the known {kind} of {operation} ({cause}) no longer happens: remove it from contract-tests/every_operation/{version}.txt"
            ));
        }
    }
    println!(
        "{version}: {} known outcome(s) with their cause in contract-tests/every_operation/{version}.txt",
        known.len()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The known request violations and decode failures of a version, each with its cause:
/// `contract-tests/every_operation/<version>.txt`, lines of `kind<TAB>operation<TAB>cause`.
fn known_outcomes(version: &str) -> BTreeMap<(String, String), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("every_operation")
        .join(format!("{version}.txt"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        return BTreeMap::new();
    };
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let (Some(kind), Some(operation), Some(cause)) =
                (fields.next(), fields.next(), fields.next())
            else {
                panic!(
                    "{}: not `kind<TAB>operation<TAB>cause`: {line}",
                    path.display()
                );
            };
            ((kind.to_owned(), operation.to_owned()), cause.to_owned())
        })
        .collect()
}

/// The harness's `main.rs`: one function per operation, and `main` calling them in order.
/// Returns the source and the number of calls.
fn harness_main(api: &Api) -> (String, usize) {
    let mut functions = String::new();
    let mut calls = String::new();
    for (index, op) in api.operations.iter().enumerate() {
        let tag = &api.tags[op.tag];
        let wire = &op.name.wire;
        let mut args = Vec::new();
        for param in op.parameters.iter().filter(|p| p.required) {
            if param.location == ParamLocation::Cookie {
                continue;
            }
            let candidates = [param.example.clone(), param.default.clone()];
            args.push(argument(api, wire, &param.ty, &candidates));
        }
        // A form is always filled in, optional or not: every form operation is called with
        // its typed form, which is what Prism checks.
        let mut setters = String::new();
        if let Some((body, form)) = op.body.as_ref().and_then(|b| Some((b, b.form.as_ref()?))) {
            let value = form_value(api, wire, &tag.module, form);
            if body.required {
                args.push(value);
            } else {
                let _ = write!(setters, ".{}({value})", body.name.rust);
            }
        } else if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            let candidates = [
                body.examples.first().map(|e| e.value.clone()),
                named_example(api, &body.ty),
            ];
            if body.raw {
                let value = candidates
                    .into_iter()
                    .flatten()
                    .next()
                    .unwrap_or_else(|| synthesize(api, &body.ty, 0, true));
                let text = match &value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                args.push(format!("{text:?}.as_bytes().to_vec()"));
            } else {
                args.push(argument(api, wire, &body.ty, &candidates));
            }
        }
        let _ = writeln!(
            functions,
            "/// `{method} {path}`\n\
             async fn op_{index}(client: &sdk::Client, tally: &mut support::Tally) {{\n\
             \x20   let api = sdk::apis::{module}::{api_type}::new(client.clone());\n\
             \x20   let outcome = api.{name}({args}){setters}.send_full().await;\n\
             \x20   tally.record({wire:?}, outcome);\n\
             }}\n",
            method = op.method.upper(),
            path = op.path.replace('`', "'"),
            module = tag.module,
            api_type = tag.name.rust,
            name = op.name.rust,
            args = args.join(", "),
        );
        let _ = writeln!(calls, "    op_{index}(&client, &mut tally).await;");
    }
    let main = format!(
        "// Written by contract-tests/tests/every_operation.rs from the IR of {spec}. Do not edit.\n\
         #![allow(deprecated, clippy::all)]\n\
         \n\
         use {lib} as sdk;\n\
         \n\
         #[path = SUPPORT_PATH]\n\
         mod support;\n\
         \n\
         #[tokio::main(flavor = \"current_thread\")]\n\
         async fn main() {{\n\
         \x20   let url = std::env::args().nth(1).expect(\"usage: every-operation PRISM_URL\");\n\
         \x20   let client = sdk::Client::builder()\n\
         \x20       .api_url(url)\n\
         \x20       .access_token(\"every-operation\")\n\
         \x20       .retry_policy(sdk::runtime::RetryPolicy::none())\n\
         \x20       .experimental(true)\n\
         \x20       .build()\n\
         \x20       .expect(\"a client for Prism\");\n\
         \x20   let mut tally = support::Tally::default();\n\
         {calls}\
         \x20   println!(\"{FIGURES}{{}}\", tally.to_json());\n\
         }}\n\
         \n\
         {functions}",
        spec = api.title,
        lib = api.lib_name,
    );
    (main, api.operations.len())
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
