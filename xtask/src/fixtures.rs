//! `cargo xtask fixtures`: every `spec/fixtures/*.yaml` is generated into one workspace under
//! `target/fixture-crates/` and compiled with clippy and `-D warnings`, so that what the
//! snapshots show is known to compile.

use crate::project_root;
use crate::tools::run;
use anyhow::{Context, Result};

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
    // The project's lockfile pins the same dependency versions, so most artifacts are shared.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock"))?;
    let target = root.join("target/fixtures");
    let target = target.display().to_string();
    run(
        &workspace,
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
    )?;
    eprintln!(
        "{} fixture crate(s) compile with clippy -D warnings",
        members.len()
    );
    Ok(())
}
