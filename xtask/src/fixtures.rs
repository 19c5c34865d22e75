//! Compiling generated crates outside the project's workspace:
//! - `cargo xtask fixtures`: every `spec/fixtures/*.yaml` into one workspace under
//!   `target/fixture-crates/`, compiled with clippy and `-D warnings`, so that what the
//!   snapshots show is known to compile; plus one fixture generated the way
//!   `cargo xtask generate --spec F --out D` does (a standalone crate outside the repository);

use crate::generate::{generate, GenerateRequest};
use crate::project_root;
use crate::tools::run;
use anyhow::{Context, Result};
use std::path::Path;

pub fn compile_all() -> Result<()> {
    let root = project_root();
    let workspace = root.join("target/fixture-crates");
    let mut members = Vec::new();
    let mut specs: Vec<_> = std::fs::read_dir(root.join("spec/fixtures"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    for spec in &specs {
        let file = spec
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = file
            .rsplit_once('.')
            .map_or(file.as_str(), |(s, _)| s)
            .to_string();
        let options = generator::Options::new(spec)
            .with_spec_display(format!("spec/fixtures/{file}"))
            .with_runtime_path(root.join("runtime").display().to_string());
        let output = generator::generate(&options).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        generator::disk::write(&workspace.join(&stem), &output.files)
            .with_context(|| format!("writing the crate of {file}"))?;
        members.push(stem);
    }
    let manifest = format!(
        "# Written by `cargo xtask fixtures`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest)?;
    clippy(&workspace)?;
    // The fixtures' reference pages are doctests of their crates: their examples must compile.
    let target = root.join("target").display().to_string();
    run(
        &workspace,
        "cargo",
        &["test", "--workspace", "--doc", "--quiet"],
        &[("CARGO_TARGET_DIR", &target)],
    )?;
    eprintln!(
        "{} fixture crate(s) compile with clippy -D warnings, and their doc examples compile",
        members.len()
    );

    // A crate written outside the repository stands alone and still finds the runtime.
    let outside =
        std::env::temp_dir().join(format!("sailpoint-sdk-standalone-{}", std::process::id()));
    let request = GenerateRequest {
        spec: Some(root.join("spec/fixtures/recursive.yaml")),
        out: Some(outside.clone()),
        ..GenerateRequest::default()
    };
    generate(&request)?;
    let result = clippy(&outside);
    std::fs::remove_dir_all(&outside).ok();
    result?;
    eprintln!("a standalone crate generated outside the repository compiles");
    Ok(())
}

/// Runs clippy with warnings denied on the workspace at `dir`. The project's lockfile pins the
/// same dependency versions and the project's target folder is shared, so dependencies build
/// once for the workspace and the generated crates.
fn clippy(dir: &Path) -> Result<()> {
    let root = project_root();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let target = root.join("target").display().to_string();
    run(
        dir,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        &[("CARGO_TARGET_DIR", &target)],
    )
}
