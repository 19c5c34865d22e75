//! Running commands, and the pinned npm tools in `tools/`.

use crate::project_root;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// Runs a command in `dir`, streaming its output; fails naming the command.
pub fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let shown = format!("{program} {}", args.join(" "));
    eprintln!("\n$ {shown}");
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .status()
        .with_context(|| format!("cannot start `{shown}` (is `{program}` installed?)"))?;
    if !status.success() {
        bail!("`{shown}` failed with {status}");
    }
    Ok(())
}

/// Installs the npm packages pinned in `tools/package-lock.json` when `node_modules` is missing
/// or older than the lockfile.
pub fn ensure_npm_tools() -> Result<()> {
    ensure_npm_packages(&project_root().join("tools"))
}

/// Installs the npm packages pinned in `<tools>/package-lock.json` when `node_modules` is missing
/// or older than the lockfile. `npm ci` installs exactly the locked versions, so once installed
/// the tools run offline.
pub fn ensure_npm_packages(tools: &Path) -> Result<()> {
    let lock = tools.join("package-lock.json");
    let stamp = tools.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(lock), Ok(stamp)) => match (lock.modified(), stamp.modified()) {
            (Ok(lock), Ok(stamp)) => stamp >= lock,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    let ci = run(
        tools,
        "npm",
        &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        &[],
    );
    // npm leaves other platforms' optional packages out of a lockfile it writes (Docusaurus
    // Faster's `@swc/html-darwin-arm64` and the like) and `npm ci` then refuses that lockfile.
    // `npm install` installs the same locked versions and tolerates the gap; `--no-save` keeps
    // the lockfile as committed.
    ci.or_else(|_| {
        run(
            tools,
            "npm",
            &[
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ],
            &[],
        )
    })
    .with_context(|| {
        format!(
            "installing the pinned npm packages of {} (Node.js and npm are required)",
            tools.display()
        )
    })
}

/// Lints `spec/` with the pinned Redocly CLI.
pub fn lint_spec() -> Result<()> {
    ensure_npm_tools()?;
    let root = project_root();
    run(
        &root.join("tools"),
        "npx",
        &[
            "--no-install",
            "redocly",
            "lint",
            "../spec/openapi.yaml",
            "--config",
            "./redocly.yaml",
        ],
        &[
            ("REDOCLY_TELEMETRY", "off"),
            ("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
        ],
    )
}
