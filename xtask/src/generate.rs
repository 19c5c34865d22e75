//! `cargo xtask generate`: runs the generator and writes or checks `generated/`.

use crate::project_root;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct GenerateRequest {
    pub check: bool,
    pub strict: bool,
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

pub fn generate(request: &GenerateRequest) -> Result<()> {
    let root = project_root();
    match (&request.spec, &request.out) {
        (None, None) => generate_workspace(&root, request),
        (Some(spec), Some(out)) => {
            // A crate outside the workspace stands alone and reaches the runtime by an
            // absolute path, so it builds wherever it was written.
            let runtime = root.join("runtime");
            let options = generator::Options::new(spec)
                .with_standalone(true)
                .with_runtime_path(runtime.display().to_string())
                .with_strict(request.strict);
            generate_one(&options, out, request.check)
        }
        _ => bail!("--spec and --out go together\n{}", crate::USAGE),
    }
}

/// Every crate listed in `spec/generator.yaml`, written to (or checked against) its `out`.
fn generate_workspace(root: &Path, request: &GenerateRequest) -> Result<()> {
    let mut settings = generator::WorkspaceSettings::read(&root.join("spec/generator.yaml"), root)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    for c in &mut settings.crates {
        c.options = c.options.clone().with_strict(request.strict);
    }
    let out = root.join(&settings.out);
    let started = std::time::Instant::now();
    // What the last run rendered, kept with the build products: a clean clone renders
    // everything once, and a run after a small change renders little.
    let reuse = generator::Reuse::open(&out, &root.join("target/generate-reuse/workspace.idx"));
    let output = generator::generate_workspace_reusing(&settings, &reuse)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for summary in &output.crates {
        for warning in &summary.warnings.items {
            eprintln!("{warning}");
        }
    }
    for summary in &output.crates {
        eprintln!(
            "{}: {} operation(s), {} model(s), {} file(s), {} warning(s)",
            summary.folder,
            summary.operations,
            summary.models,
            summary.files,
            summary.warnings.items.len()
        );
    }
    let elapsed = started.elapsed();
    let reused = reuse.report();
    finish(
        &out,
        &output.files,
        request.check,
        &format!(
            "generated in {elapsed:.0?} ({} file(s) rendered, {} read back unchanged)",
            reused.rendered, reused.reused
        ),
    )?;
    if !request.check {
        // A cache: failing to keep it costs the next run time, not correctness.
        if let Err(e) = reuse.save(&output.files) {
            eprintln!("warning: cannot keep the render index: {e}");
        }
    }
    Ok(())
}

fn generate_one(options: &generator::Options, out: &Path, check: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let output = generator::generate(options).map_err(|e| anyhow::anyhow!("{e}"))?;
    for warning in &output.warnings.items {
        eprintln!("{warning}");
    }
    let summary = format!(
        "{} operation(s), {} model(s), {} file(s), {} warning(s) in {:.0?}",
        output.api.operations.len(),
        output.api.models.len(),
        output.files.len(),
        output.warnings.items.len(),
        started.elapsed()
    );
    finish(out, &output.files, check, &summary)
}

/// Writes `files` to `out`, or with `check` fails naming every file that differs.
fn finish(out: &Path, files: &generator::Files, check: bool, summary: &str) -> Result<()> {
    if check {
        let drift = generator::disk::check(out, files)
            .with_context(|| format!("cannot read {}", out.display()))?;
        if !drift.is_empty() {
            bail!("{} is not current:\n{drift}", out.display());
        }
        eprintln!("{summary}; {} is current", out.display());
    } else {
        let report = generator::disk::write(out, files)
            .with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!(
            "{summary}; {} written, {} unchanged, {} removed in {}",
            report.written,
            report.unchanged,
            report.removed,
            out.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed `generated/` matches what the spec generates (rust-analyzer's
    /// `ensure_file_contents` idea): a stale or stray file fails here as in CI.
    #[test]
    fn generated_crate_is_current() {
        let request = GenerateRequest {
            check: true,
            ..GenerateRequest::default()
        };
        if let Err(e) = generate(&request) {
            panic!("{e:#}");
        }
    }
}
