//! The rows of the table, one function per part, with the targets.

use super::measure::{exec, repeat, Measurement as M, Run, Target::*};
use super::{file_system_floor, parse_floor, written, Bench};
use anyhow::{Context, Result};
use serde_json::Value;
use std::{fs, path::Path, path::PathBuf, time::SystemTime};

/// What an up-to-date run still spends beyond the parse: lowering (about as long as the parse)
/// and making every file's context to key it.
const CURRENT: &str = "key files by the IR nodes they read, so an unchanged file's context is not even made; a lowering pass as cheap as the parse";
/// What a run into an empty folder spends beyond parsing and creating files.
const RENDER: &str = "a cheaper step than syn + prettyplease (about 30 % of the CPU): templates that print formatted Rust";
const MEMORY: &str =
    "render on fewer threads (each holds a file's syntax tree); keep the output as one buffer";
const CRATE: &str = "derive one serde direction per model; a crate per group of tags";
const SUPERLINEAR: &str = "the output itself grows faster than the description (suffixed names, index pages that list every model); less heap per file";
const CALL: &str = "per attempt, work the hand-written client skips: the timeout's timer, tracing spans, a header map built and copied";

/// The release generator on `spec`, into `out`; with `reuse`, keeping its render index there.
fn generate(b: &Bench, spec: &Path, out: &Path, reuse: Option<&Path>) -> Result<Run> {
    let generator = b.root.join("target/release/generator");
    exec(generator, |c| {
        c.arg("--spec").arg(spec).arg("--out").arg(out);
        if let Some(index) = reuse {
            c.arg("--reuse").arg(index);
        }
        c
    })
}

/// A new folder under `place`, by default the system's temporary folder: ext4 slows file
/// creation where many files were deleted lately, as under `target/`.
fn scratch(place: &Path, name: &str) -> Result<PathBuf> {
    let dir = place.join(format!("sailpoint-bench-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Each version by the release generator, into an empty folder and into an up-to-date tree
/// (and by openapi-generator, with `--compare`). Returns the rows and the beta's parse floor.
pub fn generation(b: &Bench) -> Result<(Vec<M>, f64)> {
    let (mut rows, mut beta_floor) = (Vec::new(), 0.0);
    for (name, spec) in b.crates() {
        eprintln!("== {name}");
        let dir = scratch(&std::env::temp_dir(), name)?;
        let floor = parse_floor(&[spec], b.runs(5))?;
        let empty = repeat(b.runs(5), |i| {
            generate(b, spec, &dir.join(i.to_string()), None)
        })?;
        // A maintainer's tree is up to date because their last run wrote it, and that run left
        // its render index: one untimed run leaves it here.
        let index = dir.join("reuse.idx");
        generate(b, spec, &dir.join("0"), Some(&index))?;
        let current = repeat(b.runs(5), |_| {
            generate(b, spec, &dir.join("0"), Some(&index))
        })?;
        let (fs, files) = file_system_floor(spec, &dir, b.runs(5))?;
        let parse = Floor(5.0, floor, "parse floor");
        let what = format!("{name} into an up-to-date tree");
        rows.push(M::new(what, current.secs, " s", parse).or(CURRENT));
        let what = format!("{name} into an empty folder: ≤ 5× parse floor + 1.2× file-system floor ({files} files in {fs:.2} s)");
        rows.push(M::new(what, empty.secs, " s", AtMost(5.0 * floor + 1.2 * fs)).or(RENDER));
        let what = format!("{name}: peak memory");
        rows.push(M::new(what, current.mb.max(empty.mb), " MB", AtMost(150.0)).or(MEMORY));
        if let Some(venv) = &b.peers {
            let cli = venv.join("bin/openapi-generator-cli");
            let out = |i| dir.join(format!("p{i}"));
            let args = ["generate", "-g", "rust", "--skip-validate-spec", "-i"];
            let peer = |i| exec(&cli, |c| c.args(args).arg(spec).arg("-o").arg(out(i)));
            // A description the peer cannot read is a finding, not a reason to stop.
            match repeat(b.runs(3), peer) {
                Ok(Run { secs, mb, .. }) => {
                    let what = format!("{name}: openapi-generator `-g rust` ({secs:.2} s, {mb:.0} MB) ÷ ours, into an empty folder (aim: 25×)");
                    rows.push(M::new(what, secs / empty.secs, "×", AtLeast(10.0)).or(RENDER));
                }
                Err(e) => eprintln!("openapi-generator cannot generate {name}: {e:#}"),
            }
        }
        fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        if name.ends_with("beta") {
            beta_floor = floor;
        }
    }
    Ok((rows, beta_floor))
}

/// `cargo xtask generate` as a maintainer types it, every version: nothing changed, and after a
/// one-file change to a description (a word before a plain scalar: still valid YAML).
pub fn workspace(b: &Bench, beta_floor: f64) -> Result<Vec<M>> {
    eprintln!("== cargo xtask generate");
    let specs: Vec<&Path> = b.crates().into_iter().map(|(_, spec)| spec).collect();
    let four = parse_floor(&specs, b.runs(5))?;
    let xtask = || {
        exec("cargo", |c| {
            c.args(["xtask", "generate"]).current_dir(&b.root)
        })
    };
    xtask()?;
    let warm = repeat(b.runs(5), |_| xtask())?;
    let (path, text) = (specs[specs.len() - 1], "  description: ");
    let original = fs::read_to_string(path)?;
    let edit = |i| original.replacen(text, &format!("{text}Bench {i}. "), 1);
    let changed = repeat(b.runs(5), |i| {
        fs::write(path, edit(i))?;
        xtask()
    });
    // Put back even after a failure.
    fs::write(path, &original).with_context(|| format!("restoring {}", path.display()))?;
    xtask().context("restoring generated/ after the one-file change")?;
    let (changed, day) = (changed?, Floor(2.0 / 0.060, beta_floor, "beta parse floor"));
    let (warm_x, changed_x) = (warm.secs / four, changed.secs / four);
    let four = format!("the four descriptions' parse floor of {four:.2} s");
    let what = format!("`cargo xtask generate`, warm, ≤ 2 s on a day the beta parse floor is 60 ms ({warm_x:.1}× {four})");
    let mut rows = vec![M::new(what, warm.secs, " s", day).or(CURRENT)];
    let what = format!("`cargo xtask generate` after a one-file change ({changed_x:.1}× {four})");
    rows.push(M::new(what, changed.secs, " s", day).or(CURRENT));
    let what = "`cargo xtask generate`, warm: files written".to_string();
    rows.push(M::new(what, written(&warm.stderr)?, "", AtMost(0.0)));
    Ok(rows)
}

/// Up to `max` times the beta description against the beta, on tmpfs (the generator's own cost,
/// held to the target) and in the temporary folder (ext4 adds its inode allocator's).
pub fn growth(b: &Bench, max: usize) -> Result<Vec<M>> {
    let beta = b.root.join("spec/sailpoint/sailpoint-api.beta.yaml");
    let mut rows = Vec::new();
    for place in [PathBuf::from("/dev/shm"), std::env::temp_dir()] {
        let (dir, mut base) = (scratch(&place, "growth")?, 0.0);
        for n in [1, 2, 5, 10].into_iter().filter(|n| *n <= max) {
            eprintln!("== beta × {n} into {}", place.display());
            let spec = if n > 1 {
                scaled(b, &beta, n)?
            } else {
                beta.clone()
            };
            let out = |i| dir.join(format!("x{n}-{i}"));
            let runs = if n >= 5 { 1 } else { b.runs(3) };
            let Run { secs, mb, .. } = repeat(runs, |i| generate(b, &spec, &out(i), None))?;
            base = if n == 1 { secs } else { base };
            let (on, tmpfs) = (place.display(), place.starts_with("/dev/shm"));
            let what = format!("beta × {n} on {on}: {secs:.2} s, {mb:.0} MB, ÷ 1× ({base:.2} s)");
            let target = if tmpfs { AtMost(n as f64) } else { Record };
            let row = M::new(what, secs / base, "×", target).or(SUPERLINEAR);
            rows.extend((n > 1).then_some(row));
        }
        fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    Ok(rows)
}

/// `bench-tool scale` output, in a folder named by the beta's modification time, so that it is
/// written once: rewriting thousands of files just before the timings slows ext4 for minutes.
fn scaled(b: &Bench, beta: &Path, n: usize) -> Result<PathBuf> {
    let modified = fs::metadata(beta)?.modified()?;
    let stamp = modified.duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let out = b.root.join(format!("target/bench/scale/x{n}-{stamp}"));
    let args = ["scale", "--copies", &n.to_string(), "--spec"].map(String::from);
    let tool = b.root.join("target/release/bench-tool");
    if !out.is_dir() {
        exec(tool, |c| c.args(args).arg(beta).arg("--out").arg(&out))?;
    }
    Ok(out.join(beta.file_name().context("a description without a name")?))
}

/// Debug builds of the generated crates, dependencies built: one tag's feature from scratch,
/// and each version with every feature after one file was touched (rustc's incremental cache).
pub fn crates(b: &Bench) -> Result<Vec<M>> {
    let mut cases = vec![("sailpoint-v2025", "accounts", "scratch", 15.0, 1000.0)];
    for (package, _) in b.crates() {
        cases.push((package, "full", "touched", 30.0, 1500.0));
    }
    let mut rows = Vec::new();
    for (package, features, how, secs, mb) in cases {
        let target = b.root.join(format!("target/bench/crate-{how}"));
        let incremental = if how == "scratch" { "0" } else { "1" };
        let env = [
            ("CARGO_TARGET_DIR", target.into_os_string()),
            ("CARGO_INCREMENTAL", incremental.into()),
        ];
        let build =
            format!("build --quiet -p {package} --no-default-features --features {features}");
        let cargo = |args: &str| exec("cargo", |c| c.args(args.split(' ')).envs(env.clone()));
        cargo(&build).with_context(|| format!("building {package} once"))?;
        let lib = b
            .root
            .join(&b.settings.out)
            .join(package)
            .join("src/lib.rs");
        let s = repeat(b.runs(3), |_| {
            if how == "scratch" {
                cargo(&format!("clean --quiet -p {package}"))?;
            } else {
                fs::File::options()
                    .write(true)
                    .open(&lib)?
                    .set_modified(SystemTime::now())?;
            }
            cargo(&build)
        })?;
        let what = format!("`{package}` `{features}`, debug `cargo build`, {how}");
        rows.push(M::new(format!("{what}: wall"), s.secs, " s", AtMost(secs)).or(CRATE));
        rows.push(M::new(format!("{what}: peak memory"), s.mb, " MB", AtMost(mb)).or(CRATE));
    }
    Ok(rows)
}

/// The SDK against hand-written `reqwest` + `serde_json` on the loopback server, in separate
/// runs of `bench-tool loopback`: a ratio is met only when it is met in every run.
pub fn run_time(b: &Bench) -> Result<Vec<M>> {
    let (mut reports, runs) = (Vec::new(), b.runs(5));
    for i in 0..runs {
        eprintln!("== bench-tool loopback, run {} of {runs}", i + 1);
        // The Python SDK in the first run only: it is compared by rates, with no target.
        let python = b.peers.iter().filter(|_| i == 0);
        let python = python.flat_map(|v| ["--python".into(), v.join("bin/python")]);
        let quick = (runs == 1).then_some("--quick");
        let tool = b.root.join("target/release/bench-tool");
        let out = exec(tool, |c| {
            c.args(["loopback", "--json"]).args(quick).args(python)
        })?;
        reports.push(serde_json::from_str::<Value>(&out.stdout).context("bench-tool's JSON")?);
    }
    let n = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let (first, mut rows) = (&reports[0], Vec::new());
    for (j, row) in first["report"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let ratios = reports.iter().map(|r| n(&r["report"]["rows"][j]["ratio"]));
        let (what, limit) = (row["what"].as_str().unwrap_or("?"), n(&row["limit"]));
        let what = format!("{what}, SDK ÷ hand-written, worst of {runs} run(s)");
        rows.push(M::new(what, ratios.fold(0.0, f64::max), "×", AtMost(limit)).or(CALL));
    }
    let (s, items) = (&first["stream"], &first["stream"]["items"]);
    let what = format!(
        "streaming {items} accounts: hand-written ÷ SDK items/s (the paginator fingerprints every page)"
    );
    let slower = n(&s["baseline_items_per_s"]) / n(&s["sdk_items_per_s"]);
    rows.push(M::new(what, slower, "×", Record));
    let growth = (n(&s["live_at_end"]) - n(&s["live_at_tenth"])).max(0.0) / 1e6;
    let page = Floor(1.0, n(&s["page_bytes"]) / 1e6, "page");
    let what = "streaming: live heap growth from 10 % to the end".to_string();
    rows.push(M::new(what, growth, " MB", page));
    let (ours, python) = (&first["report"]["rates"], &first["report"]["python"]);
    for (key, theirs) in python.as_object().into_iter().flatten() {
        let what = format!("calls/s, Rust ÷ Python SDK: `{key}`");
        rows.push(M::new(what, n(&ours[key]) / n(theirs), "×", Record));
    }
    Ok(rows)
}
