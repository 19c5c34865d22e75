//! `cargo xtask bench [--compare] [--quick] [--no-crate]`: every performance target of
//! BENCHMARKS.md as one Markdown table, printed and written to `target/bench/targets.md`.
//!
//! Generation is held to two floors measured in the same run, because this machine's speed
//! varies 2.5× from day to day: the parse floor (reading and parsing every YAML file of the
//! description with `serde_yaml`) and the file-system floor (creating as many files of the same
//! sizes in the same folder). `--compare` has `bench-compare.sh` install the pinned peers
//! (openapi-generator, the Python SDK) and measures them in the same run.

mod measure;
mod rows;

use crate::{project_root, tools::run};
use anyhow::{anyhow, Context, Result};
use measure::{repeat, timed};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct BenchRequest {
    /// Also measure openapi-generator and the Python SDK.
    pub compare: bool,
    /// One run of each case, and descriptions up to twice the beta's size only.
    pub quick: bool,
    /// Skip building the generated crates (many minutes and GBs the first time).
    pub no_crate: bool,
}

/// What every part of the bench needs.
struct Bench {
    root: PathBuf,
    settings: generator::WorkspaceSettings,
    quick: bool,
    /// The venv with the peers, for `--compare`.
    peers: Option<PathBuf>,
}

impl Bench {
    /// Runs of a case (`full`, or one with `--quick`); the median is reported.
    fn runs(&self, full: usize) -> usize {
        if self.quick {
            1
        } else {
            full
        }
    }

    /// The version crates: package name and root description.
    fn crates(&self) -> Vec<(&str, &Path)> {
        let mut crates = Vec::new();
        for c in &self.settings.crates {
            let name = c.options.package_name.as_deref().unwrap_or("?");
            crates.push((name, c.options.spec.as_path()));
        }
        crates
    }
}

pub fn bench(request: &BenchRequest) -> Result<()> {
    let (root, started) = (project_root(), std::time::Instant::now());
    // Every command runs in the workspace, wherever `cargo xtask` was typed.
    std::env::set_current_dir(&root).context("entering the workspace")?;
    let build = "build --release --quiet -p generator -p bench --bins";
    run(&root, "cargo", &build.split(' ').collect::<Vec<_>>(), &[])?;
    let path = root.join("spec/generator.yaml");
    let settings = generator::WorkspaceSettings::read(&path, &root).map_err(|d| anyhow!("{d}"))?;
    let peers = request.compare.then(|| root.join("target/bench/venv"));
    if let Some(venv) = &peers {
        let venv = venv.display().to_string();
        run(&root, "bash", &["xtask/bench-compare.sh", &venv], &[]).context("--compare")?;
    }
    let b = Bench {
        root,
        settings,
        quick: request.quick,
        peers,
    };
    let mut table = measure::HEAD.to_string();
    // Each part's rows are shown as they come, so that a failure later keeps them.
    let mut add = |rows: Vec<measure::Measurement>| {
        let rows = rows.iter().map(|row| format!("\n{}", row.markdown()));
        let rows: String = rows.collect();
        eprintln!("{rows}");
        table += &rows;
    };
    let (rows, beta_floor) = rows::generation(&b)?;
    add(rows);
    add(rows::workspace(&b, beta_floor)?);
    add(rows::growth(&b, if request.quick { 2 } else { 10 })?);
    if !request.no_crate {
        add(rows::crates(&b)?);
    }
    add(rows::run_time(&b)?);
    let load = std::fs::read_to_string("/proc/loadavg")?;
    let load = load.split(' ').take(3).collect::<Vec<_>>().join(" ");
    table += &format!("\n\n(took {:.0?}; load average {load})", started.elapsed());
    std::fs::write(b.root.join("target/bench/targets.md"), &table)?;
    println!("{table}");
    Ok(())
}

/// The parse floor of the descriptions rooted at `specs`: reading and parsing every file they
/// reach (the loader's list, each file once) with `serde_yaml`, nothing else.
fn parse_floor(specs: &[&Path], runs: usize) -> Result<f64> {
    let mut files = Vec::new();
    for spec in specs {
        let mut diags = generator::Diagnostics::default();
        let sources = generator::load::load(spec, &mut diags).context(diags.to_string())?;
        files.extend(sources.files.keys().map(|k| sources.root_dir.join(k)));
    }
    files.sort();
    files.dedup();
    let parse = |file: &PathBuf| -> Result<serde_yaml::Value> {
        let text = std::fs::read_to_string(file)?;
        serde_yaml::from_str(&text).with_context(|| format!("parsing {}", file.display()))
    };
    let all = || files.iter().try_for_each(|f| parse(f).map(drop));
    Ok(repeat(runs, |_| timed(all))?.secs)
}

/// The file-system floor of a description's output: creating the files the generator makes
/// (same paths, same sizes) in a new folder under `dir` each run.
fn file_system_floor(spec: &Path, dir: &Path, runs: usize) -> Result<(f64, usize)> {
    let options = generator::Options::new(spec).with_standalone(true);
    let output = generator::generate(&options).map_err(|e| anyhow!("{e}"))?;
    let files = output.files;
    let floor = repeat(runs, |i| {
        timed(|| {
            for (path, text) in &files {
                let path = dir.join(format!("floor-{i}")).join(path);
                std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
                std::fs::write(&path, text)?;
            }
            Ok(())
        })
    })?;
    Ok((floor.secs, files.len()))
}

/// The number of files `cargo xtask generate` reports written (`…; N written, …`).
fn written(stderr: &str) -> Result<f64> {
    let before = stderr.rsplit_once(" written").map(|(before, _)| before);
    let count = before.and_then(|b| b.split_whitespace().last()?.parse().ok());
    count.with_context(|| format!("no `N written` in the output:\n{stderr}"))
}

#[test]
fn the_written_count_is_read() {
    let out = "generated in 2s; 4 written, 12796 unchanged, 0 removed in generated";
    assert_eq!(written(out).unwrap(), 4.0);
    assert!(written("nothing").is_err());
}
