//! `cargo xtask test`: the one command that runs every check and test, as CI does.

use crate::generate::{generate, GenerateRequest};
use crate::project_root;
use crate::tools::{lint_spec, run};
use anyhow::Result;

pub fn run_all() -> Result<()> {
    let root = project_root();
    let started = std::time::Instant::now();
    eprintln!("== the description passes the external validator");
    lint_spec()?;
    eprintln!("== generated/ is current");
    generate(&GenerateRequest {
        check: true,
        ..GenerateRequest::default()
    })?;
    eprintln!("== formatting");
    run(&root, "cargo", &["fmt", "--all", "--", "--check"], &[])?;
    eprintln!("== clippy, warnings denied");
    run(
        &root,
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
        &[],
    )?;
    eprintln!("== tests");
    run(&root, "cargo", &["test", "--workspace", "--quiet"], &[])?;
    eprintln!("== docs, warnings denied (broken intra-doc links fail)");
    run(
        &root,
        "cargo",
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    eprintln!("== the reference pages build as a Docusaurus site and render in headless Chromium");
    crate::docs::docs(&crate::docs::DocsRequest {
        browser_test: true,
        ..crate::docs::DocsRequest::default()
    })?;
    eprintln!("== fixture crates compile");
    crate::fixtures::compile_all()?;
    eprintln!("== the whole public beta description generates and compiles");
    crate::fixtures::public_beta()?;
    eprintln!("== the SDK and its runtime package for publishing");
    run(
        &root,
        "cargo",
        &[
            "package",
            "-p",
            "sailpoint-sdk-runtime",
            "-p",
            "sailpoint-beta",
            "--no-verify",
            "--allow-dirty",
            "--quiet",
        ],
        &[],
    )?;
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}
