//! `cargo xtask test`: the one command that runs every check and test, as CI does.
//!
//! What runs where (see the README): every crate is checked by clippy whole (the facade with all
//! features compiles the four version crates with every tag); the Accounts tag of each version
//! is also checked alone and its pages' examples run as doctests. Compiling every example of
//! every page (`cargo xtask doctests --all`) and building the docs site are separate commands.

use crate::generate::{generate, GenerateRequest};
use crate::project_root;
use crate::tools::{lint_spec, run};
use anyhow::Result;

pub fn run_all() -> Result<()> {
    let root = project_root();
    let started = std::time::Instant::now();
    // The test command builds everything once, from a clean clone in CI: the incremental cache
    // would save nothing there and cost gigabytes of disk (over 500 MB for one whole version
    // crate, for each way it is built).
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        std::env::set_var("CARGO_INCREMENTAL", "0");
    }
    let step = |name: &str| {
        eprintln!("== {name} (at {:.0?})", started.elapsed());
    };
    step("the hand-written description passes the external validator");
    lint_spec()?;
    step("generated/ is current");
    generate(&GenerateRequest {
        check: true,
        ..GenerateRequest::default()
    })?;
    step("formatting");
    run(&root, "cargo", &["fmt", "--all", "--", "--check"], &[])?;
    step("clippy, warnings denied");
    clippy(&["--workspace", "--all-targets"])?;
    let versions = crate::versions::version_crates(&root)?;
    for krate in &versions {
        step(&format!("{krate} with only its Accounts feature"));
        clippy(&[
            "-p",
            krate,
            "--no-default-features",
            "--features",
            "accounts",
        ])?;
    }
    step("every version crate with every feature, through the facade");
    clippy(&["-p", "sailpoint", "--all-features"])?;
    step("tests");
    run(&root, "cargo", &["test", "--workspace", "--quiet"], &[])?;
    for krate in &versions {
        step(&format!("the examples of {krate}'s Accounts pages"));
        crate::versions::doctests(krate, "accounts")?;
    }
    step("docs, warnings denied (broken intra-doc links fail)");
    run(
        &root,
        "cargo",
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    step("the reference pages build as a Docusaurus site and render in headless Chromium");
    crate::docs::docs(&crate::docs::DocsRequest {
        browser_test: true,
        ..crate::docs::DocsRequest::default()
    })?;
    step("fixture crates compile");
    crate::fixtures::compile_all()?;
    step("the SDK crates and their runtime package for publishing");
    let mut package = vec!["package", "-p", "sailpoint-sdk-runtime", "-p", "sailpoint"];
    for krate in &versions {
        package.extend(["-p", krate.as_str()]);
    }
    package.extend(["--no-verify", "--allow-dirty", "--quiet"]);
    run(&root, "cargo", &package, &[])?;
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// `cargo clippy ARGS -- -D warnings`.
fn clippy(args: &[&str]) -> Result<()> {
    let mut all = vec!["clippy"];
    all.extend_from_slice(args);
    all.extend(["--quiet", "--", "-D", "warnings"]);
    run(&project_root(), "cargo", &all, &[])
}
