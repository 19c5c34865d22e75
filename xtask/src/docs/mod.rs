//! `cargo xtask docs`: the reference pages of every generated crate as a Docusaurus site, and
//! the browser check of the rendered pages that `cargo xtask test` runs.
//!
//! The pages are copied, unchanged, into a staging folder under `target/` (one folder per
//! version, named by the version segment of the pages' slugs), beside a `sidebars.json` (one
//! sidebar per version: methods and models) and a `site.json` read by
//! `tools/docs-site/docusaurus.config.js`. The pinned Docusaurus in `tools/docs-site/` builds
//! the site with broken links and anchors as errors.
//!
//! The browser check builds a subset instead (see [`subset::select_subset`]): every page template and
//! every kind of method section and model page, the Accounts methods page of each version, and
//! a copy of one Accounts page whose methods table is broken, which the check must reject.

mod browser;
mod pages;
mod subset;

use crate::project_root;
use crate::tools::{ensure_npm_packages, run};
use anyhow::{ensure, Context, Result};
use pages::{check_unique_versions, stage, CrateDocs, Selection};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `cargo xtask docs` was asked for.
#[derive(Debug, Default)]
pub struct DocsRequest {
    /// Docs folders to build; empty means every `generated/*/docs/`.
    pub folders: Vec<PathBuf>,
    /// Build the test subset and check it in headless Chromium instead of building everything.
    pub browser_test: bool,
}

pub fn docs(request: &DocsRequest) -> Result<()> {
    let folders = if request.folders.is_empty() {
        generated_docs_folders()?
    } else {
        request.folders.clone()
    };
    let crates = folders
        .iter()
        .map(|folder| CrateDocs::read(folder))
        .collect::<Result<Vec<_>>>()?;
    check_unique_versions(&crates)?;
    if request.browser_test {
        browser::browser_test(&crates)
    } else {
        let root = project_root();
        let pages = stage(
            &crates,
            &root.join("target/docs-staging"),
            &Selection::Everything,
        )?;
        let started = Instant::now();
        build_site(
            &root.join("target/docs-staging"),
            &root.join("target/docs-site"),
        )?;
        eprintln!(
            "built {pages} pages of {} version(s) into target/docs-site/ in {:.0?}",
            crates.len(),
            started.elapsed()
        );
        Ok(())
    }
}

/// Every `generated/*/docs/` folder, in name order.
fn generated_docs_folders() -> Result<Vec<PathBuf>> {
    let generated = project_root().join("generated");
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(&generated).context("reading generated/")? {
        let docs = entry?.path().join("docs");
        if docs.is_dir() {
            folders.push(docs);
        }
    }
    folders.sort();
    ensure!(!folders.is_empty(), "no generated/*/docs/ folder to build");
    Ok(folders)
}

/// Runs the pinned Docusaurus on a staging folder.
pub(super) fn build_site(staging: &Path, out: &Path) -> Result<()> {
    let site = project_root().join("tools/docs-site");
    ensure_npm_packages(&site)?;
    let staging = staging.to_string_lossy().into_owned();
    let out = out.to_string_lossy().into_owned();
    run(
        &site,
        "npx",
        &["--no-install", "docusaurus", "build", "--out-dir", &out],
        &[("DOCS_SITE_STAGING", &staging)],
    )
    .context("building the Docusaurus site")
}
