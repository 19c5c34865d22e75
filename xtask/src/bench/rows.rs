//! The rows of the table, one function per part, with the targets.

use super::measure::{exec, repeat, Measurement as M, Run, Target::*};
use super::{file_system_floor, parse_floor, run, written, Bench};
use anyhow::{Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

const RENDER: &str = "render only what changed (IR-keyed cache); cheaper than syn + prettyplease (31 %); locate warnings in one parse per file (~150 ms)";
const CRATE: &str = "derive one serde direction per model; a crate per group of tags";
const CALL: &str = "per call: `Authorization` once per token, small bodies by `Response::bytes()`";

/// The release generator on `spec`, into `out`.
fn generate(b: &Bench, spec: &Path, out: &Path) -> Result<Run> {
    let generator = b.root.join("target/release/generator");
    let (spec, out) = (spec.display().to_string(), out.display().to_string());
    exec(
        &generator.display().to_string(),
        &["--spec", &spec, "--out", &out],
        |c| c,
    )
}

/// A new folder for outputs under `place`: the system's temporary folder unless said otherwise,
/// because ext4 slows file creation where many files were deleted lately, as under `target/`.
fn scratch(place: &Path, name: &str) -> Result<PathBuf> {
    let dir = place.join(format!("sailpoint-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Each version by the release generator, into an empty folder and into an up-to-date tree.
/// Returns the rows and the beta's parse floor.
pub fn generation(b: &Bench) -> Result<(Vec<M>, f64)> {
    let (mut rows, mut beta_floor) = (Vec::new(), 0.0);
    for c in &b.settings.crates {
        let (name, spec) = (c.options.package_name.as_deref(), c.options.spec.as_path());
        let name = name.context("a crate without a package name")?;
        eprintln!("== {name}");
        let (dir, floor) = (
            scratch(&std::env::temp_dir(), name)?,
            parse_floor(&[spec], b.runs.0)?,
        );
        let empty = repeat(b.runs.0, |i| generate(b, spec, &dir.join(i.to_string())))?;
        let current = repeat(b.runs.0, |_| generate(b, spec, &dir.join("0")))?;
        let (fs, files) = file_system_floor(spec, &dir, b.runs.0)?;
        let what = format!("{name} into an empty folder: ≤ 5× parse floor + 1.2× file-system floor ({files} files in {fs:.2} s)");
        let mb = current.mb.max(empty.mb);
        let parse = Floor(5.0, floor, "parse floor");
        rows.push(M::new(
            format!("{name} into an up-to-date tree"),
            current.secs,
            " s",
            parse,
        ));
        rows.push(M::new(
            what,
            empty.secs,
            " s",
            AtMost(5.0 * floor + 1.2 * fs),
        ));
        rows.push(M::new(
            format!("{name}: peak memory"),
            mb,
            " MB",
            AtMost(150.0),
        ));
        if let Some(venv) = &b.peers {
            let cli = venv.join("bin/openapi-generator-cli").display().to_string();
            let args = ["generate", "-g", "rust", "--skip-validate-spec", "-i"];
            let theirs = repeat(b.runs.1, |i| {
                exec(&cli, &args, |c| {
                    c.arg(spec).arg("-o").arg(dir.join(format!("peer-{i}")))
                })
            });
            // A description the peer cannot read is a finding, not a reason to stop.
            match theirs {
                Ok(t) => rows.push(M::new(format!("{name}: openapi-generator `-g rust` ({:.2} s, {:.0} MB) ÷ ours, into an empty folder (aim: 25×)", t.secs, t.mb), t.secs / empty.secs, "×", AtLeast(10.0))),
                Err(e) => eprintln!("openapi-generator cannot generate {name}: {e:#}"),
            }
        }
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        beta_floor = if name.ends_with("beta") {
            floor
        } else {
            beta_floor
        };
    }
    Ok((rows.into_iter().map(|r| r.or(RENDER)).collect(), beta_floor))
}

/// `cargo xtask generate` as a maintainer types it, every version: nothing changed, and after a
/// one-file change to a description (a word before a plain scalar: still valid YAML).
pub fn workspace(b: &Bench, beta_floor: f64) -> Result<Vec<M>> {
    eprintln!("== cargo xtask generate");
    let specs: Vec<&Path> = b
        .settings
        .crates
        .iter()
        .map(|c| c.options.spec.as_path())
        .collect();
    let four = parse_floor(&specs, b.runs.0)?;
    let xtask = || exec("cargo", &["xtask", "generate"], |c| c.current_dir(&b.root));
    xtask()?;
    let warm = repeat(b.runs.0, |_| xtask())?;
    let (path, text) = (b.root.join(&specs[specs.len() - 1]), "  description: ");
    let original = std::fs::read_to_string(&path)?;
    let changed = repeat(b.runs.0, |i| {
        std::fs::write(
            &path,
            original.replacen(text, &format!("{text}Bench {i}. "), 1),
        )?;
        xtask()
    });
    // Put back even after a failure.
    std::fs::write(&path, &original).with_context(|| format!("restoring {}", path.display()))?;
    xtask().context("restoring generated/ after the one-file change")?;
    let changed = changed?;
    let day = Floor(2.0 / 0.060, beta_floor, "beta parse floor");
    let floor = |s: f64| {
        format!(
            "{:.1}× the four descriptions' parse floor of {:.0} ms",
            s / four,
            four * 1e3
        )
    };
    let what = format!(
        "`cargo xtask generate`, warm, ≤ 2 s on a day the beta parse floor is 60 ms ({})",
        floor(warm.secs)
    );
    let after = format!(
        "`cargo xtask generate` after a one-file change ({})",
        floor(changed.secs)
    );
    Ok(vec![
        M::new(what, warm.secs, " s", day).or(RENDER),
        M::new(after, changed.secs, " s", day).or(RENDER),
        M::new(
            "`cargo xtask generate`, warm: files written".into(),
            written(&warm.stderr)?,
            "",
            AtMost(0.0),
        ),
    ])
}

/// Up to `max` times the beta description against the beta, on tmpfs (the generator's own cost,
/// held to the target) and in the temporary folder (ext4 adds its inode allocator's).
pub fn growth(b: &Bench, max: usize) -> Result<Vec<M>> {
    let beta = b.root.join("spec/sailpoint/sailpoint-api.beta.yaml");
    let mut rows = Vec::new();
    for place in [PathBuf::from("/dev/shm"), std::env::temp_dir()]
        .into_iter()
        .filter(|p| p.is_dir())
    {
        let (dir, mut base) = (scratch(&place, "growth")?, 0.0);
        for n in [1, 2, 5, 10].into_iter().filter(|n| *n <= max) {
            eprintln!("== beta × {n} into {}", place.display());
            let spec = if n == 1 {
                beta.clone()
            } else {
                scaled(b, &beta, n)?
            };
            let runs = if n >= 5 { 1 } else { b.runs.1 };
            let s = repeat(runs, |i| generate(b, &spec, &dir.join(format!("x{n}-{i}"))))?;
            base = if n == 1 { s.secs } else { base };
            let what = format!(
                "beta × {n} on {}: {:.2} s, {:.0} MB, ÷ 1× ({base:.2} s)",
                place.display(),
                s.secs,
                s.mb
            );
            let target = if place.starts_with("/dev/shm") {
                AtMost(n as f64)
            } else {
                Record
            };
            rows.extend((n > 1).then(|| {
                M::new(what, s.secs / base, "×", target).or("find the superlinear pass with `perf`")
            }));
        }
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    Ok(rows)
}

/// `bench-tool scale` output, in a folder named by the beta's modification time, so that it is
/// written once: rewriting thousands of files just before the timings slows ext4 for minutes.
fn scaled(b: &Bench, beta: &Path, n: usize) -> Result<PathBuf> {
    let modified = std::fs::metadata(beta)?
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)?;
    let out = b
        .root
        .join(format!("target/bench/scale/x{n}-{}", modified.as_secs()));
    if !out.is_dir() {
        let (tool, n) = (b.root.join("target/release/bench-tool"), n.to_string());
        let args = [
            "scale",
            "--copies",
            &n,
            "--spec",
            &beta.display().to_string(),
            "--out",
            &out.display().to_string(),
        ];
        run(&b.root, &tool.display().to_string(), &args, &[])?;
    }
    Ok(out.join(
        beta.file_name()
            .context("the beta description has no file name")?,
    ))
}

/// Debug builds of the generated crates, dependencies built: one tag's feature from scratch,
/// and each version with every feature after one file was touched (rustc's incremental cache).
pub fn crates(b: &Bench) -> Result<Vec<M>> {
    let every = b
        .settings
        .crates
        .iter()
        .filter_map(|c| c.options.package_name.as_deref());
    let cases = [("sailpoint-v2025", "accounts", true, 15.0, 1000.0)].into_iter();
    let mut rows = Vec::new();
    for (package, features, scratch, secs, mb) in
        cases.chain(every.map(|p| (p, "full", false, 30.0, 1500.0)))
    {
        let target = b.root.join(if scratch {
            "target/bench/crate-scratch"
        } else {
            "target/bench/crate-touched"
        });
        let (target, incremental) = (
            target.display().to_string(),
            if scratch { "0" } else { "1" },
        );
        let env = [
            ("CARGO_TARGET_DIR", target.as_str()),
            ("CARGO_INCREMENTAL", incremental),
        ];
        let build = [
            "build",
            "--quiet",
            "-p",
            package,
            "--no-default-features",
            "--features",
            features,
        ];
        run(&b.root, "cargo", &build, &env)?;
        let lib = b
            .root
            .join(&b.settings.out)
            .join(package)
            .join("src/lib.rs");
        let s = repeat(b.runs.1, |_| {
            if scratch {
                run(&b.root, "cargo", &["clean", "--quiet", "-p", package], &env)?;
            } else {
                std::fs::File::options()
                    .write(true)
                    .open(&lib)?
                    .set_modified(std::time::SystemTime::now())?;
            }
            exec("cargo", &build, |c| c.current_dir(&b.root).envs(env))
        })?;
        let how = if scratch {
            "from scratch"
        } else {
            "one file touched"
        };
        let what =
            format!("`{package}` `{features}`, `cargo build` (debug, dependencies built, {how})");
        rows.push(M::new(format!("{what}: wall"), s.secs, " s", AtMost(secs)).or(CRATE));
        rows.push(M::new(format!("{what}: peak memory"), s.mb, " MB", AtMost(mb)).or(CRATE));
    }
    Ok(rows)
}

/// The SDK against hand-written `reqwest` + `serde_json` on the loopback server, in separate
/// runs of `bench-tool loopback`: a ratio is met only when it is met in every run.
pub fn run_time(b: &Bench) -> Result<Vec<M>> {
    let mut reports = Vec::new();
    for i in 0..b.runs.0 {
        eprintln!("== bench-tool loopback, run {} of {}", i + 1, b.runs.0);
        let mut c = std::process::Command::new(b.root.join("target/release/bench-tool"));
        c.args(["loopback", "--json"])
            .args((b.runs.0 == 1).then_some("--quick"));
        // The Python SDK in the first run only: it is compared by rates, with no target.
        c.args(
            b.peers
                .iter()
                .filter(|_| i == 0)
                .flat_map(|v| ["--python".into(), v.join("bin/python")]),
        );
        let out = c.output().context("running bench-tool loopback")?;
        anyhow::ensure!(
            out.status.success(),
            "bench-tool loopback: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        reports.push(serde_json::from_slice::<Value>(&out.stdout).context("bench-tool's JSON")?);
    }
    let n = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let mut rows = Vec::new();
    for (j, row) in reports[0]["report"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let worst = reports
            .iter()
            .map(|r| n(&r["report"]["rows"][j]["ratio"]))
            .fold(0.0, f64::max);
        let what = format!(
            "{}, SDK ÷ hand-written, worst of {} run(s)",
            row["what"].as_str().unwrap_or("?"),
            b.runs.0
        );
        rows.push(M::new(what, worst, "×", AtMost(n(&row["limit"]))).or(CALL));
    }
    let s = &reports[0]["stream"];
    let what = format!(
        "streaming {} accounts: hand-written ÷ SDK items/s (the paginator hashes every page)",
        s["items"]
    );
    rows.push(M::new(
        what,
        n(&s["baseline_items_per_s"]) / n(&s["sdk_items_per_s"]),
        "×",
        Record,
    ));
    let growth = (n(&s["live_at_end"]) - n(&s["live_at_tenth"])).max(0.0) / 1e6;
    let page = Floor(1.0, n(&s["page_bytes"]) / 1e6, "page");
    rows.push(M::new(
        "streaming: live heap growth from 10 % to the end".into(),
        growth,
        " MB",
        page,
    ));
    let (ours, python) = (
        &reports[0]["report"]["rates"],
        &reports[0]["report"]["python"],
    );
    for (key, theirs) in python.as_object().into_iter().flatten() {
        rows.push(M::new(
            format!("calls/s, Rust ÷ Python SDK: `{key}`"),
            n(&ours[key]) / n(theirs),
            "×",
            Record,
        ));
    }
    Ok(rows)
}
