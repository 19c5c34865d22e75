//! Per-stage snapshots: the IR of `spec/`, and the IR, the rendered Rust and the warnings of
//! every fixture.
//! Update them with `cargo insta review`; a test never rewrites them on its own.

use generator::{generate, Files, Options};
use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace")
}

/// The Rust files of a crate, each behind a line naming it.
fn rust_text(files: &Files) -> String {
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") || path.ends_with("Cargo.toml"))
        .map(|(path, text)| format!("==> {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fixtures() {
    insta::glob!("../../spec/fixtures", "*.yaml", |path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let options = Options::new(path).with_spec_display(format!("spec/fixtures/{name}"));
        let output = generate(&options).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_yaml_snapshot!("ir", output.api);
        insta::assert_snapshot!("rust", rust_text(&output.files));
        // The located findings about the fixture, as the command line prints them.
        insta::assert_snapshot!("warnings", output.warnings.to_string());
    });
}

#[test]
fn accounts_api() {
    let root = workspace();
    let options = Options::new(root.join("spec/openapi.yaml"))
        .with_spec_display("spec/openapi.yaml")
        .with_settings_file(&root.join("spec/openapi.generator.yaml"))
        .unwrap_or_else(|d| panic!("{d}"));
    let output = generate(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(output.warnings.items.is_empty(), "{}", output.warnings);
    // The Rust of `spec/` is locked once, as the committed `generated/sailpoint-beta`, by
    // `cargo xtask generate --check`; only its IR is locked here.
    insta::assert_yaml_snapshot!("accounts_ir", output.api);
}
