//! `cargo xtask bench [--compare] [--quick] [--no-crate]`: whole-process timings of the
//! generator, the build time of the crate it generates, and the SDK at run time against
//! hand-written `reqwest` + `serde_json`, printed as Markdown tables (see BENCHMARKS.md).
//!
//! Generation is timed as the `generator` binary (release) writing into a new folder each run
//! (in the system temporary directory, and again on tmpfs),
//! with peak memory from `/usr/bin/time` (the kernel's `maxrss` of the process). Inputs:
//! `spec/`, the vendored public beta description, and descriptions 2, 5
//! and 10 times its size written by `bench-tool scale` into `target/bench/scale/`.
//!
//! `--compare` also installs the pinned `openapi-generator-cli` (which runs its bundled jar on
//! the machine's Java) and the official Python SDK into a venv under `target/bench/`, and
//! measures them on the same inputs in the same run.

use crate::project_root;
use crate::tools::run;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The pinned comparison tools. `sailpoint` 1.4.2 is the last release with the `beta` API
/// (2.x regroups operations by product area under new paths).
const OPENAPI_GENERATOR_CLI: &str = "openapi-generator-cli==7.26.0";
const PYTHON_SDK: &str = "sailpoint==1.4.2";

/// The targets, from the performance issue.
const SPEC_TARGET: Duration = Duration::from_millis(50);
const BETA_TARGET: Duration = Duration::from_millis(500);
const BETA_MEMORY_TARGET_MB: f64 = 150.0;
/// A whole version crate, one file touched: (seconds, MB).
const CRATE_BUILD_TARGET: (u64, f64) = (30, 1500.0);
/// One tag's feature alone, from scratch with dependencies built: (seconds, MB).
const TAG_BUILD_TARGET: (u64, f64) = (15, 1000.0);

#[derive(Debug, Default)]
pub struct BenchRequest {
    /// Also measure openapi-generator and the Python SDK.
    pub compare: bool,
    /// Fewer runs, for a quick look.
    pub quick: bool,
    /// Skip building the generated crate.
    pub no_crate: bool,
}

/// One timed input.
struct Timing {
    label: String,
    runs: Vec<Duration>,
    /// User plus system CPU time of each run, when `/usr/bin/time` is there: steadier than wall
    /// time on a machine shared with other work.
    cpu: Vec<Duration>,
    peak_kb: Option<u64>,
}

impl Timing {
    fn median(&self) -> Duration {
        let mut runs = self.runs.clone();
        runs.sort();
        runs.get(runs.len() / 2).copied().unwrap_or_default()
    }

    fn range(&self) -> String {
        let min = self.runs.iter().min().copied().unwrap_or_default();
        let max = self.runs.iter().max().copied().unwrap_or_default();
        format!("{}–{}", ms(min), ms(max))
    }

    fn cpu_median(&self) -> Option<Duration> {
        let mut cpu = self.cpu.clone();
        cpu.sort();
        cpu.get(cpu.len() / 2).copied()
    }

    fn cpu_text(&self) -> String {
        self.cpu_median().map_or_else(|| "n/a".to_string(), ms)
    }

    fn peak_mb(&self) -> Option<f64> {
        self.peak_kb.map(|kb| kb as f64 / 1024.0)
    }
}

pub fn bench(request: &BenchRequest) -> Result<()> {
    let root = project_root();
    let started = Instant::now();
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work)?;
    let beta = beta_spec(&root)?;
    if !Path::new(TIME).is_file() {
        eprintln!("note: {TIME} is missing (Debian package `time`); peak memory is not measured");
    }

    eprintln!("== building the generator and the benchmark tools (release)");
    run(
        &root,
        "cargo",
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "generator",
            "-p",
            "bench",
            "--bins",
        ],
        &[],
    )?;
    let release = root.join("target/release");
    let generator = release.join("generator");
    let tool = release.join("bench-tool");

    let copies: &[usize] = if request.quick { &[2] } else { &[2, 5, 10] };
    eprintln!("== writing descriptions {copies:?} times the size of the beta one");
    let mut scaled = Vec::new();
    for &n in copies {
        let out = work.join(format!("scale/x{n}"));
        let out_arg = out.display().to_string();
        let beta_arg = beta.display().to_string();
        let n_arg = n.to_string();
        let args = [
            "scale", "--copies", &n_arg, "--spec", &beta_arg, "--out", &out_arg,
        ];
        // Rewriting them deletes and creates thousands of files right before the timings,
        // which slows ext4's inode allocation for minutes; keep them while the input is the same.
        let stamp = work.join(format!("scale/x{n}.stamp"));
        let wanted = format!("{beta_arg}\n{}\n", modified_secs(&beta));
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
            run(&root, &tool.display().to_string(), &args, &[])?;
            std::fs::write(&stamp, wanted)?;
        }
        scaled.push((n, out.join(file_name(&beta))));
    }

    eprintln!("== timing generation (whole process, files written)");
    let runs = |quick: usize, full: usize| if request.quick { quick } else { full };
    // A new folder in the system's temporary directory for each invocation: ext4 slows file
    // creation in block groups where many files were deleted recently, and `target/` is such a
    // place on a machine that builds a lot (spec/ took 100 ms there against 35 ms in /tmp).
    let gen_dir = std::env::temp_dir().join(format!("sailpoint-bench-gen-{}", std::process::id()));
    let mut inputs = vec![
        (
            "spec/openapi.yaml".to_string(),
            root.join("spec/openapi.yaml"),
            runs(3, 11),
        ),
        ("public beta (1×)".to_string(), beta.clone(), runs(3, 7)),
    ];
    for (n, spec) in &scaled {
        // The largest inputs get fewer runs, to keep the whole command near five minutes.
        let full = match n {
            2 => 5,
            5 => 2,
            _ => 1,
        };
        inputs.push((format!("beta × {n}"), spec.clone(), runs(1, full)));
    }
    let mut timings = Vec::new();
    for (label, spec, count) in &inputs {
        let timing = time_runs(label, *count, &gen_dir, |out| {
            let mut command = Command::new(&generator);
            command.arg("--spec").arg(spec).arg("--out").arg(out);
            command
        })?;
        eprintln!("{label}: median {}", ms(timing.median()));
        timings.push(timing);
    }

    // The same descriptions written to tmpfs, when there is one: on ext4, creating tens of
    // thousands of files soon after as many were deleted costs more in the kernel's inode
    // allocator than generating them, and that grows faster than linearly.
    let shm = Path::new("/dev/shm");
    let mut in_memory = Vec::new();
    if shm.is_dir() {
        eprintln!("== the same, written to tmpfs ({})", shm.display());
        let dir = shm.join(format!("sailpoint-bench-{}", std::process::id()));
        for (i, (label, spec, full)) in inputs.iter().enumerate() {
            let count = match i {
                0 => *full,
                1 | 2 => runs(1, 3),
                _ => 1,
            };
            let timing = time_runs(label, count, &dir, |out| {
                let mut command = Command::new(&generator);
                command.arg("--spec").arg(spec).arg("--out").arg(out);
                command
            })?;
            eprintln!("{label} (tmpfs): median {}", ms(timing.median()));
            in_memory.push(timing);
        }
    }

    let mut crate_builds = Vec::new();
    if !request.no_crate {
        eprintln!("== building the generated crates (debug; dependencies warmed first)");
        let v2025 = root.join("spec/sailpoint/sailpoint-api.v2025.yaml");
        let accounts_only: &[&str] = &["--no-default-features", "--features", "accounts"];
        for (label, spec, name, scratch, features, count) in [
            (
                "v2025, Accounts feature only, from scratch (CARGO_INCREMENTAL=0)",
                v2025.as_path(),
                "v2025-crate",
                true,
                accounts_only,
                runs(1, 3),
            ),
            (
                "v2025, every feature, src/lib.rs touched (incremental)",
                v2025.as_path(),
                "v2025-crate",
                false,
                &[][..],
                runs(1, 3),
            ),
            (
                "beta, every feature, src/lib.rs touched (incremental)",
                beta.as_path(),
                "beta-crate",
                false,
                &[][..],
                runs(1, 3),
            ),
        ] {
            crate_builds.push(crate_build(
                &root, &generator, label, spec, name, scratch, features, count,
            )?);
        }
    }

    let mut compare = Vec::new();
    let mut python = None;
    if request.compare {
        let venv = ensure_venv(&work)?;
        python = Some(venv.join("bin/python"));
        let cli = venv.join("bin/openapi-generator-cli");
        eprintln!("== timing openapi-generator (-g rust) on the same inputs");
        for (label, spec, _) in inputs.iter().take(2) {
            let timed = time_runs(
                &format!("openapi-generator: {label}"),
                runs(1, 3),
                &work.join("oag"),
                |out| {
                    let mut command = Command::new(&cli);
                    command
                        .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
                        .arg(spec)
                        .arg("-o")
                        .arg(out)
                        .env("JAVA_OPTS", "");
                    command
                },
            );
            match timed {
                Ok(timing) => {
                    eprintln!("{}: median {}", timing.label, ms(timing.median()));
                    compare.push(timing);
                }
                // A failure is a finding, not a reason to drop the rest of the comparison.
                Err(e) => {
                    eprintln!("openapi-generator on {label}: {e:#}");
                    break;
                }
            }
        }
    }

    eprintln!("== the SDK at run time, on a loopback server");
    let mut loopback = Command::new(&tool);
    loopback.arg("loopback");
    if request.quick {
        loopback.arg("--quick");
    }
    if let Some(python) = &python {
        loopback.arg("--python").arg(python);
    }
    let output = loopback.stderr(Stdio::inherit()).output()?;
    if !output.status.success() {
        bail!("bench-tool loopback failed with {}", output.status);
    }

    println!();
    print_generation(&timings, &in_memory);
    print_scaling(&timings, &in_memory, &scaled);
    if !crate_builds.is_empty() {
        print_crate_builds(&crate_builds);
    }
    if !compare.is_empty() {
        print_compare(&timings, &compare);
    }
    println!();
    print!("{}", String::from_utf8_lossy(&output.stdout));
    println!();
    println!("(cargo xtask bench took {:.0?})", started.elapsed());
    Ok(())
}

/// The public beta description, vendored in `spec/sailpoint/` (or `SAILPOINT_BETA_SPEC`).
fn beta_spec(root: &Path) -> Result<PathBuf> {
    let path = std::env::var_os("SAILPOINT_BETA_SPEC").map_or_else(
        || root.join("spec/sailpoint/sailpoint-api.beta.yaml"),
        PathBuf::from,
    );
    if !path.is_file() {
        bail!(
            "the public beta description is not at {} (set SAILPOINT_BETA_SPEC)",
            path.display()
        );
    }
    Ok(path)
}

/// A file's modification time in seconds since the epoch, 0 when unknown.
fn modified_secs(path: &Path) -> u64 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

const TIME: &str = "/usr/bin/time";
/// Peak resident set in KB, user and system CPU seconds.
const TIME_FORMAT: &str = "%M %U %S";

/// Reads what `/usr/bin/time -f TIME_FORMAT -o FILE` wrote: (peak KB, CPU time).
fn read_time_file(path: &Path) -> Option<(u64, Duration)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut fields = text.lines().last()?.split_whitespace();
    let kb = fields.next()?.parse().ok()?;
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((kb, Duration::from_secs_f64(user + system)))
}

/// Runs `command` `count` times, each writing into a new folder under `dir`, and returns the
/// wall times and the peak resident memory. Folders are removed after the last run, not between
/// runs: deleting thousands of files right before creating as many slows ext4's inode
/// allocation, which would be measuring the file system.
fn time_runs(
    label: &str,
    count: usize,
    dir: &Path,
    command: impl Fn(&Path) -> Command,
) -> Result<Timing> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    let mut runs = Vec::new();
    let mut peak_kb: Option<u64> = None;
    let mut cpu = Vec::new();
    for i in 0..count {
        let out = dir.join(format!("run-{i}"));
        let rss_file = dir.join(format!("run-{i}.maxrss"));
        let inner = command(&out);
        let mut timed = if Path::new(TIME).is_file() {
            let mut timed = Command::new(TIME);
            timed
                .arg("-f")
                .arg(TIME_FORMAT)
                .arg("-o")
                .arg(&rss_file)
                .arg(inner.get_program())
                .args(inner.get_args());
            for (key, value) in inner.get_envs() {
                match value {
                    Some(value) => timed.env(key, value),
                    None => timed.env_remove(key),
                };
            }
            timed
        } else {
            inner
        };
        let started = Instant::now();
        let status = timed
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("running {label}"))?;
        let elapsed = started.elapsed();
        if !status.success() {
            bail!("{label} failed with {status}");
        }
        runs.push(elapsed);
        if let Some((kb, used)) = read_time_file(&rss_file) {
            peak_kb = Some(peak_kb.map_or(kb, |p| p.max(kb)));
            cpu.push(used);
        }
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    Ok(Timing {
        label: label.to_string(),
        runs,
        cpu,
        peak_kb,
    })
}

/// Generates `spec` into `target/bench/<name>`, builds it once to warm its dependencies, then
/// touches `src/lib.rs` and times the rebuild (`cargo build`, debug) `count` times.
///
/// A touched file whose text did not change lets rustc's incremental cache reuse all of the
/// code it generated before, so that figure is the best case. With `scratch`, the crate is
/// compiled without the cache (`CARGO_INCREMENTAL=0`, in a target folder of its own so the two
/// caches stay warm): what a first build, or a change to a model every module uses, costs.
#[allow(clippy::too_many_arguments)] // One call per row of the table; a struct would only rename them.
fn crate_build(
    root: &Path,
    generator: &Path,
    label: &str,
    spec: &Path,
    name: &str,
    scratch: bool,
    features: &[&str],
    count: usize,
) -> Result<Timing> {
    let work = root.join("target/bench");
    // Each mode has its own copy of the crate, so touching one never makes the other stale.
    let out = work.join(if scratch {
        format!("{name}-scratch")
    } else {
        name.to_string()
    });
    let runtime = root.join("runtime").display().to_string();
    let status = Command::new(generator)
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(&out)
        .args(["--runtime-path", &runtime])
        .stderr(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("generating {label} failed with {status}");
    }
    // The project's lockfile pins the same versions, so the warm build is mostly shared.
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))?;
    let (target, incremental) = if scratch {
        (work.join("crate-target-scratch"), "0")
    } else {
        (work.join("crate-target"), "1")
    };
    let target = target.display().to_string();
    let env = [
        ("CARGO_TARGET_DIR", target.as_str()),
        ("CARGO_INCREMENTAL", incremental),
    ];
    let mut build = vec!["build", "--quiet"];
    build.extend_from_slice(features);
    run(&out, "cargo", &build, &env)?;
    let lib = out.join("src/lib.rs");
    let dir = work.join("crate-build-times");
    std::fs::create_dir_all(&dir)?;
    let mut runs = Vec::new();
    let mut peak_kb: Option<u64> = None;
    let mut cpu = Vec::new();
    for i in 0..count {
        std::fs::File::options()
            .write(true)
            .open(&lib)?
            .set_modified(SystemTime::now())?;
        let rss_file = dir.join(format!("{name}-{i}.maxrss"));
        let mut command = if Path::new(TIME).is_file() {
            let mut command = Command::new(TIME);
            command
                .arg("-f")
                .arg(TIME_FORMAT)
                .arg("-o")
                .arg(&rss_file)
                .arg("cargo");
            command
        } else {
            Command::new("cargo")
        };
        if scratch {
            // From scratch: the crate's own build products go, its dependencies' stay.
            run(
                &out,
                "cargo",
                &["clean", "--quiet", "-p", &package_name(&out)?],
                &env,
            )?;
        }
        let started = Instant::now();
        let status = command.args(&build).current_dir(&out).envs(env).status()?;
        runs.push(started.elapsed());
        if !status.success() {
            bail!("building {label} failed with {status}");
        }
        if let Some((kb, used)) = read_time_file(&rss_file) {
            peak_kb = Some(peak_kb.map_or(kb, |p| p.max(kb)));
            cpu.push(used);
        }
        eprintln!("{label}: {:.1?}", runs[i]);
    }
    Ok(Timing {
        label: label.to_string(),
        runs,
        cpu,
        peak_kb,
    })
}

/// The `name` of the package whose manifest is in `dir`.
fn package_name(dir: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_string)
        .context("a generated manifest without a name")
}

/// A venv under `target/bench/venv` with the pinned comparison tools.
fn ensure_venv(work: &Path) -> Result<PathBuf> {
    let venv = work.join("venv");
    let stamp = venv.join(".bench-pins");
    let pins = format!("{OPENAPI_GENERATOR_CLI}\n{PYTHON_SDK}\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(pins.as_str()) {
        eprintln!(
            "== installing {OPENAPI_GENERATOR_CLI} and {PYTHON_SDK} into {}",
            venv.display()
        );
        let venv_arg = venv.display().to_string();
        run(work, "python3", &["-m", "venv", &venv_arg], &[])
            .context("creating the venv (python3 with the venv module is required)")?;
        let pip = venv.join("bin/pip").display().to_string();
        run(
            work,
            &pip,
            &["install", "--quiet", OPENAPI_GENERATOR_CLI, PYTHON_SDK],
            &[],
        )?;
        std::fs::write(&stamp, pins)?;
    }
    let java = Command::new("java")
        .arg("-version")
        .output()
        .context("openapi-generator-cli needs Java (`java -version` failed)")?;
    let version = String::from_utf8_lossy(&java.stderr);
    eprintln!("java: {}", version.lines().next().unwrap_or_default());
    Ok(venv)
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "yes"
    } else {
        "**no**"
    }
}

fn print_generation(timings: &[Timing], in_memory: &[Timing]) {
    println!("| generation (release `generator`, files written) | runs | median | min–max | CPU (user + sys) | to tmpfs: median | peak memory | target | met |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (i, t) in timings.iter().enumerate() {
        let tmpfs = in_memory
            .get(i)
            .map_or_else(|| "n/a".to_string(), |t| ms(t.median()));
        let peak = t
            .peak_mb()
            .map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB"));
        let (target, met) = match i {
            0 => (
                format!("≤ {}", ms(SPEC_TARGET)),
                Some(t.median() <= SPEC_TARGET),
            ),
            1 => (
                format!("≤ {}, ≤ {BETA_MEMORY_TARGET_MB:.0} MB", ms(BETA_TARGET)),
                Some(
                    t.median() <= BETA_TARGET
                        && t.peak_mb().is_some_and(|mb| mb <= BETA_MEMORY_TARGET_MB),
                ),
            ),
            _ => (String::new(), None),
        };
        println!(
            "| {} | {} | {} | {} | {} | {tmpfs} | {peak} | {target} | {} |",
            t.label,
            t.runs.len(),
            ms(t.median()),
            t.range(),
            t.cpu_text(),
            met.map_or("", verdict)
        );
    }
}

fn print_scaling(timings: &[Timing], in_memory: &[Timing], scaled: &[(usize, PathBuf)]) {
    let Some(one) = timings.get(1) else {
        return;
    };
    println!();
    println!("| size | median | ÷ 1× median | CPU (user + sys) | ÷ 1× CPU | to tmpfs: median | ÷ 1× tmpfs | linear would be | peak memory |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let base = one.median().as_secs_f64();
    let sizes = std::iter::once(1).chain(scaled.iter().map(|(n, _)| *n));
    for (i, (n, t)) in sizes.zip(timings.iter().skip(1)).enumerate() {
        let peak = t
            .peak_mb()
            .map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB"));
        let cpu_ratio = match (t.cpu_median(), one.cpu_median()) {
            (Some(cpu), Some(base)) => format!("{:.2}×", cpu.as_secs_f64() / base.as_secs_f64()),
            _ => "n/a".to_string(),
        };
        let (tmpfs, tmpfs_ratio) = match (in_memory.get(i + 1), in_memory.get(1)) {
            (Some(t), Some(base)) => (
                ms(t.median()),
                format!(
                    "{:.2}×",
                    t.median().as_secs_f64() / base.median().as_secs_f64()
                ),
            ),
            _ => ("n/a".to_string(), "n/a".to_string()),
        };
        println!(
            "| {n}× | {} | {:.2}× | {} | {cpu_ratio} | {tmpfs} | {tmpfs_ratio} | {n}.00× | {peak} |",
            ms(t.median()),
            t.median().as_secs_f64() / base,
            t.cpu_text(),
        );
    }
}

fn print_crate_builds(builds: &[Timing]) {
    println!();
    println!("| generated crate, `cargo build` (debug, dependencies built) | runs | median | min–max | peak memory | target | met |");
    println!("| --- | ---: | ---: | ---: | ---: | --- | --- |");
    for t in builds {
        let peak = t.peak_mb();
        let goal = if t.label.contains("feature only") {
            Some(TAG_BUILD_TARGET)
        } else if t.label.contains("every feature") {
            Some(CRATE_BUILD_TARGET)
        } else {
            None
        };
        let (target, met) = match goal {
            Some((secs, mb)) => (
                format!("≤ {secs} s, ≤ {:.1} GB", mb / 1000.0),
                verdict(t.median() <= Duration::from_secs(secs) && peak.is_some_and(|p| p <= mb)),
            ),
            None => (String::new(), ""),
        };
        println!(
            "| {} | {} | {:.1} s | {} | {} | {target} | {met} |",
            t.label,
            t.runs.len(),
            t.median().as_secs_f64(),
            t.range(),
            peak.map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB")),
        );
    }
}

fn print_compare(ours: &[Timing], theirs: &[Timing]) {
    println!();
    println!("| generation, same inputs | this generator | openapi-generator `-g rust` | their time ÷ ours | their peak memory |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (ours, theirs) in ours.iter().zip(theirs) {
        println!(
            "| {} | {} | {} | {:.1}× | {} |",
            ours.label,
            ms(ours.median()),
            ms(theirs.median()),
            theirs.median().as_secs_f64() / ours.median().as_secs_f64(),
            theirs
                .peak_mb()
                .map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB")),
        );
    }
}
