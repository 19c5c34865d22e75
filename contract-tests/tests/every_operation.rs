//! Every operation of a version crate, called through the real generated SDK against Prism
//! serving that version's vendored description, and counted: operations called, responses,
//! request violations (must be 0), responses that failed to decode (must be 0).
//!
//! A harness is generated from the generator's IR (`generator::analyze` on the same settings
//! as `cargo xtask generate`): one function per operation that fills every required input
//! (path, query and header parameters, the body) from the description's examples, or, without
//! one, from the schema, and calls the committed crate's method. The harness is built against
//! the committed crate with `--features full` by `contract_tests::harness`, which shares the
//! whole crate's build with the URL check (`tests/urls.rs`). Its hand-written part is
//! `harness/support.rs`.
//!
//! A whole version crate takes minutes to build on the 2-core machine, so the test command runs
//! v3 (the smallest) by default; `CONTRACT_TESTS_WHOLE_CRATES=v3,beta,v2024,v2025` (or `all`)
//! chooses the versions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use contract_tests::harness::{self, run_bounded};
use contract_tests::{prism_spec, sailpoint_spec, Prism};
use generator::ir::{Api, ParamLocation};
use values::{argument, form_value, named_example, synthesize};

#[path = "every_operation/values.rs"]
mod values;

const RUN_TIMEOUT: Duration = Duration::from_secs(600);
const FIGURES: &str = "EVERY-OPERATION-FIGURES ";

#[test]
fn every_operation_of_every_chosen_version() {
    harness::check_each_version(run_version);
}

fn run_version(version: &str) -> Result<(), String> {
    let started = Instant::now();
    let api = harness::analyze(version);
    let (main, calls) = harness_main(&api);
    println!(
        "{version}: {} operations, harness of {calls} calls written in {:.1?}",
        api.operations.len(),
        started.elapsed()
    );

    let support = Path::new(env!("CARGO_MANIFEST_DIR")).join("harness/support.rs");
    let main = main.replace(
        "SUPPORT_PATH",
        &format!("{:?}", support.display().to_string()),
    );
    let binary = harness::build(
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        "every-operation",
        version,
        &main,
    )?;

    // Prism serves a copy with the defects repaired that would make it refuse every request
    // to an operation (src/prism_spec.rs), so it checks the rest of those requests too.
    let (spec, repairs) = prism_spec::prism_copy(
        &sailpoint_spec(version),
        &Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("prism-spec")
            .join(version),
    )?;
    println!(
        "{version}: Prism serves the description with {} repair(s):",
        repairs.len()
    );
    for repair in &repairs {
        println!("  {repair}");
    }
    let prism = Prism::start(&spec);
    let started = Instant::now();
    let run = run_bounded(
        Command::new(&binary).arg(prism.url()),
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
