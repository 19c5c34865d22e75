//! The version crates `spec/generator.yaml` lists, and compiling their pages' examples.

use crate::project_root;
use crate::tools::run;
use anyhow::Result;
use std::path::Path;

/// The package names of the version crates, in the settings' order.
pub fn version_crates(root: &Path) -> Result<Vec<String>> {
    let settings = generator::WorkspaceSettings::read(&root.join("spec/generator.yaml"), root)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    Ok(settings
        .crates
        .iter()
        .filter_map(|c| c.options.package_name.clone())
        .collect())
}

/// Runs the doctests of `krate` with `features` only: the examples of the pages those features
/// compile (each page's examples are gated by the features their code needs). The crates use
/// edition 2024, whose doctests are merged into one binary, so a thousand examples cost one
/// compilation.
pub fn doctests(krate: &str, features: &str) -> Result<()> {
    run(
        &project_root(),
        "cargo",
        &[
            "test",
            "--doc",
            "--quiet",
            "-p",
            krate,
            "--no-default-features",
            "--features",
            features,
        ],
        &[],
    )
}

/// `cargo xtask doctests [--all]`: the Accounts pages' examples of every version, or with
/// `--all` the examples of every page of every version (each version crate then builds whole:
/// minutes and several GB each).
pub fn doctests_command(all: bool) -> Result<()> {
    let root = project_root();
    for krate in version_crates(&root)? {
        doctests(&krate, if all { "full" } else { "accounts" })?;
    }
    Ok(())
}
