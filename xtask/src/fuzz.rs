//! `cargo xtask fuzz [--seconds N]`: runs the cargo-fuzz target `load_and_generate` for a
//! bounded time, seeded with `spec/`, the bad-spec corpus and files of the public description.

use crate::project_root;
use crate::tools::run;
use anyhow::{Context, Result};
use std::path::Path;

/// How many files of the public description seed the corpus (every tenth file, sorted).
const PUBLIC_SEED_STRIDE: usize = 10;

pub fn fuzz(seconds: u64) -> Result<()> {
    let root = project_root();
    let corpus = root.join("target/fuzz-corpus");
    std::fs::create_dir_all(&corpus)?;
    let mut seeds = Vec::new();
    // The hand-written descriptions whole, and every tenth file of SailPoint's vendored ones.
    let public = root.join("spec/sailpoint");
    let mut own = Vec::new();
    collect_yaml(&root.join("spec"), &mut own)?;
    seeds.extend(own.into_iter().filter(|p| !p.starts_with(&public)));
    collect_yaml(&root.join("generator/tests/bad-specs"), &mut seeds)?;
    let mut files = Vec::new();
    collect_yaml(&public, &mut files)?;
    files.sort();
    seeds.extend(files.into_iter().step_by(PUBLIC_SEED_STRIDE));
    for (i, seed) in seeds.iter().enumerate() {
        let bytes =
            std::fs::read(seed).with_context(|| format!("reading seed {}", seed.display()))?;
        std::fs::write(corpus.join(format!("seed-{i:04}.yaml")), bytes)?;
    }
    eprintln!("{} seed file(s) in {}", seeds.len(), corpus.display());
    let max_time = format!("-max_total_time={seconds}");
    let corpus_arg = corpus.display().to_string();
    // cargo-fuzz passes nightly-only flags; the stable toolchain accepts them with
    // RUSTC_BOOTSTRAP, the one toolchain this project can count on.
    run(
        &root.join("fuzz"),
        "cargo",
        &[
            "fuzz",
            "run",
            "--sanitizer",
            "none",
            "load_and_generate",
            &corpus_arg,
            "--",
            &max_time,
            "-rss_limit_mb=4096",
            "-timeout=20",
            "-print_final_stats=1",
        ],
        &[("RUSTC_BOOTSTRAP", "1")],
    )
    .context(
        "running the fuzzer (install it with `cargo install cargo-fuzz --version 0.13.2 --locked`)",
    )
}

fn collect_yaml(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
    Ok(())
}
