//! `cargo xtask generate`: runs the generator and writes or checks `generated/`.

use crate::project_root;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct GenerateRequest {
    pub check: bool,
    pub strict: bool,
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

pub fn generate(request: &GenerateRequest) -> Result<()> {
    let root = project_root();
    let (options, out) = match (&request.spec, &request.out) {
        (None, None) => {
            let options = generator::Options::new(root.join("spec/openapi.yaml"))
                .with_spec_display("spec/openapi.yaml")
                .with_settings_file(&root.join("spec/generator.yaml"))
                .map_err(|d| anyhow::anyhow!("{d}"))?;
            (options, root.join("generated/sailpoint-beta"))
        }
        (Some(spec), Some(out)) => {
            // A crate outside the workspace stands alone and reaches the runtime by an
            // absolute path, so it builds wherever it was written.
            let runtime = root.join("runtime");
            let options = generator::Options::new(spec)
                .with_standalone(true)
                .with_runtime_path(runtime.display().to_string());
            (options, out.clone())
        }
        _ => bail!("--spec and --out go together\n{}", crate::USAGE),
    };
    let options = options.with_strict(request.strict);
    let started = std::time::Instant::now();
    let output = generator::generate(&options).map_err(|e| anyhow::anyhow!("{e}"))?;
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
    if request.check {
        let drift = generator::disk::check(&out, &output.files)
            .with_context(|| format!("cannot read {}", out.display()))?;
        if !drift.is_empty() {
            bail!("{} is not current:\n{drift}", out.display());
        }
        eprintln!("{summary}; {} is current", out.display());
    } else {
        let report = generator::disk::write(&out, &output.files)
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
