//! The bad-spec corpus: every description under `tests/bad-specs/` is rejected (in strict mode,
//! so the defects the generator normally works around are rejected too) with a located message
//! that a snapshot locks, without a panic, and without touching the output folder.

use generator::{generate, Options};
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-specs");
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .map(|entry| entry.expect("entry").path())
        .map(|path| {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let root = if path.is_dir() {
                find_root(&path)
            } else {
                path.clone()
            };
            (name, root)
        })
        .collect();
    cases.sort();
    cases
}

/// A multi-file case keeps its root description in a file named `root.yaml`.
fn find_root(dir: &Path) -> PathBuf {
    let candidate = dir.join("root.yaml");
    if candidate.exists() {
        return candidate;
    }
    std::fs::read_dir(dir)
        .expect("case folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| find_root(&p))
        .find(|p| p.exists())
        .unwrap_or(candidate)
}

#[test]
fn every_bad_spec_is_rejected_with_a_located_message() {
    let cases = corpus();
    assert!(cases.len() >= 25, "the corpus has {} cases", cases.len());
    for (name, root) in cases {
        let options = Options::new(&root).with_strict(true);
        let error = match generate(&options) {
            Ok(_) => panic!("{name}: accepted"),
            Err(error) => error,
        };
        let diagnostics = error
            .diagnostics()
            .unwrap_or_else(|| panic!("{name}: not a spec error: {error}"));
        for item in &diagnostics.items {
            assert!(!item.location.file.is_empty(), "{name}: no file in {item}");
        }
        insta::assert_snapshot!(format!("bad_spec__{name}"), error.to_string());
    }
}

#[test]
fn nesting_ten_thousand_levels_deep_is_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let depth = 10_000;
    let mut text = String::from("{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"Deep\", \"version\": \"1\"}, \"paths\": {}, \"x-deep\": ");
    text.push_str(&"[".repeat(depth));
    text.push_str(&"]".repeat(depth));
    text.push('}');
    let json = dir.path().join("deep.json");
    std::fs::write(&json, &text).expect("write");
    let yaml = dir.path().join("deep.yaml");
    std::fs::write(
        &yaml,
        format!(
            "openapi: 3.0.3\nx-deep: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    )
    .expect("write");
    for path in [json, yaml] {
        let error = generate(&Options::new(&path)).expect_err("rejected");
        let text = error.to_string();
        assert!(text.contains("recursion limit exceeded"), "{text}");
    }
}

#[test]
fn a_missing_operation_id_is_derived_from_method_and_path() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-specs/missing-operation-id.yaml");
    let output = generate(&Options::new(&root)).expect("accepted without --strict");
    assert_eq!(output.api.operations[0].name.wire, "get_accounts_id");
    assert_eq!(output.api.operations[0].name.rust, "get_accounts_id");
    assert_eq!(output.warnings.items.len(), 1, "{}", output.warnings);
}

/// Runs the command line on every case with an output folder that already holds files: the
/// exit status is a plain failure (1, not a panic's 101 or a signal) and the folder is unchanged.
#[test]
fn the_command_line_fails_cleanly_and_touches_nothing() {
    for (name, root) in corpus() {
        let out = tempfile::tempdir().expect("temp dir");
        std::fs::write(out.path().join("keep.txt"), "before\n").expect("seed");
        let result = Command::new(env!("CARGO_BIN_EXE_generator"))
            .args([
                "--strict",
                "--spec",
                &root.display().to_string(),
                "--out",
                &out.path().display().to_string(),
            ])
            .output()
            .expect("run the generator");
        assert_eq!(
            result.status.code(),
            Some(1),
            "{name}: {:?}\n{}",
            result.status,
            String::from_utf8_lossy(&result.stderr)
        );
        let entries: Vec<_> = std::fs::read_dir(out.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            entries,
            vec![std::ffi::OsString::from("keep.txt")],
            "{name}"
        );
        assert_eq!(
            std::fs::read_to_string(out.path().join("keep.txt")).expect("read"),
            "before\n"
        );
    }
}
