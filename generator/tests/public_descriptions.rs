//! SailPoint's public descriptions, vendored in `spec/sailpoint/`: for each of the four roots,
//! every operation and every schema file it references reaches the output.

use generator::{generate, Options};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A vendored root: `sailpoint-api.<version>.yaml`.
fn description(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../spec/sailpoint/sailpoint-api.{version}.yaml"))
}

/// Schemas reached only as the second media type of a request body that declares two: the SDK
/// sends the first (`PATCH /parameter-storage/parameters/{id}` takes `application/json` and
/// `application/json-patch+json`; the JSON Patch form is not offered).
const ALTERNATIVE_BODIES: &[&str] = &["v2025/schemas/ParameterStorageJsonPatch.yaml"];

/// The operations each root declares, counted independently of the generator.
const OPERATIONS: [(&str, usize); 4] = [("v3", 358), ("beta", 559), ("v2024", 716), ("v2025", 812)];

/// Every file reachable from the root, parsed, by path relative to the root's folder. This is
/// an independent reading, so the counts do not trust the generator's own loader.
fn read_all(root: &Path) -> BTreeMap<String, Value> {
    let dir = root.parent().expect("folder");
    let mut files = BTreeMap::new();
    let mut queue = vec![root
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned()];
    while let Some(key) = queue.pop() {
        if files.contains_key(&key) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(&key)).unwrap_or_else(|e| panic!("{key}: {e}"));
        let value: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{key}: {e}"));
        let mut refs = Vec::new();
        collect_file_refs(&value, false, &mut refs);
        for reference in refs {
            queue.push(join(&key, &reference));
        }
        files.insert(key, value);
    }
    files
}

/// File references outside example values (files referenced as examples are data, not schemas).
fn collect_file_refs(value: &Value, in_example: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(r)), false) = (map.get("$ref"), in_example) {
                let file = r.split('#').next().unwrap_or_default();
                if !file.is_empty() {
                    out.push(file.to_string());
                }
            }
            for (key, child) in map {
                collect_file_refs(
                    child,
                    in_example || key == "example" || key == "examples",
                    out,
                );
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect_file_refs(v, in_example, out)),
        _ => {}
    }
}

fn join(from: &str, reference: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in reference.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[test]
fn every_operation_and_schema_of_every_root_reaches_the_output() {
    for (version, expected) in OPERATIONS {
        every_operation_and_schema_reaches_the_output(version, expected);
    }
}

fn every_operation_and_schema_reaches_the_output(version: &str, expected: usize) {
    let root = description(version);
    let files = read_all(&root);
    let root_key = root
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut operations = 0;
    for item in files[&root_key]["paths"]
        .as_object()
        .expect("paths")
        .values()
    {
        let item = match item.get("$ref").and_then(Value::as_str) {
            Some(r) => &files[&join(&root_key, r)],
            None => item,
        };
        operations += methods.iter().filter(|m| item.get(**m).is_some()).count();
    }
    // Schema files: every referenced file under a `schemas/` folder.
    let schema_files: BTreeSet<&String> =
        files.keys().filter(|k| k.contains("/schemas/")).collect();

    let started = std::time::Instant::now();
    let output = generate(&Options::new(&root)).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    assert_eq!(operations, expected, "{version}");
    assert_eq!(output.api.operations.len(), operations);
    let modelled: BTreeSet<&String> = output
        .api
        .models
        .iter()
        .filter(|m| m.origin.pointer.is_empty())
        .map(|m| &m.origin.file)
        .collect();
    // A plain string schema that only describes a text body (v3's CSV aggregation result) is
    // no model: such bodies are handed over as bytes. A parameter kept among the schemas
    // (v2024's `ClassificationMode.yaml`) is no schema at all.
    let text_body = |file: &str| {
        let value = &files[file];
        let plain_string = value.get("type").and_then(Value::as_str) == Some("string")
            && value.get("enum").is_none();
        let parameter = value.get("in").is_some() && value.get("name").is_some();
        plain_string || parameter
    };
    let missing: Vec<_> = schema_files
        .iter()
        .filter(|f| {
            !modelled.contains(**f) && !text_body(f) && !ALTERNATIVE_BODIES.contains(&f.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{version}: schema files without a model: {missing:?}"
    );
    let pages = output.files.keys().filter(|k| k.ends_with(".md")).count();
    eprintln!(
        "{version}: {} files read, {operations} operations, {} schema files, {} models, {} files written ({pages} pages), {} warnings, {elapsed:.2?}",
        files.len(),
        schema_files.len(),
        output.api.models.len(),
        output.files.len(),
        output.warnings.items.len()
    );
}

#[test]
fn the_same_run_twice_in_separate_processes_gives_the_same_bytes() {
    let first = tempfile::tempdir().expect("temp");
    let second = tempfile::tempdir().expect("temp");
    for out in [first.path(), second.path()] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_generator"))
            .args([
                "--spec",
                &description("beta").display().to_string(),
                "--out",
                &out.display().to_string(),
            ])
            .output()
            .expect("run");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    let read = |dir: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("read_dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.insert(
                        path.strip_prefix(dir).expect("prefix").to_path_buf(),
                        std::fs::read(&path).expect("read"),
                    );
                }
            }
        }
        out
    };
    let (a, b) = (read(first.path()), read(second.path()));
    assert!(a.len() > 1500);
    assert!(a == b, "the two runs differ");
}
