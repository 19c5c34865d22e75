//! One measurement type that carries its target, and one timing runner.

use anyhow::{Context, Result};
use std::ffi::OsStr;
use std::process::{Command, Stdio};
use std::time::Instant;

/// What a figure is held to. Floors are measured in the same run as the figure, so that a slow
/// day moves both.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// At most `.0` times the floor `.1`, named `.2`.
    Floor(f64, f64, &'static str),
    AtMost(f64),
    /// At least this: a speed-up over a peer.
    AtLeast(f64),
    /// For the record: no target of its own.
    Record,
}

/// A row of the table: a figure in `unit` (" s", " MB", "×", "" for counts), its target, and
/// what a miss would take.
#[derive(Debug)]
pub struct Measurement {
    pub what: String,
    pub figure: f64,
    pub unit: &'static str,
    pub target: Target,
    pub remedy: &'static str,
}

impl Measurement {
    pub fn new(what: String, figure: f64, unit: &'static str, target: Target) -> Self {
        let remedy = "";
        Self {
            what,
            figure,
            unit,
            target,
            remedy,
        }
    }

    /// The same row, saying what a miss would take.
    pub fn or(self, remedy: &'static str) -> Self {
        Self { remedy, ..self }
    }

    /// The figure ÷ its bound, and whether the target is met; `None` without a target.
    pub fn verdict(&self) -> Option<(f64, bool)> {
        let (bound, met) = match self.target {
            Target::Floor(times, floor, _) => (times * floor, self.figure <= times * floor),
            Target::AtMost(bound) => (bound, self.figure <= bound),
            Target::AtLeast(bound) => (bound, self.figure >= bound),
            Target::Record => return None,
        };
        Some((self.figure / bound, met))
    }

    pub fn markdown(&self) -> String {
        let show = |x: f64| format!("{}{}", number(x), self.unit);
        let (mut measured, bound) = (show(self.figure), String::from("—"));
        let bound = match self.target {
            Target::Floor(times, floor, name) => {
                measured += &format!(" = {}× {name}", number(self.figure / floor));
                format!("≤ {}× {name} = {}", number(times), show(times * floor))
            }
            Target::AtMost(b) => format!("≤ {}", show(b)),
            Target::AtLeast(b) => format!("≥ {}", show(b)),
            Target::Record => bound,
        };
        let (ratio, met, remedy) = match self.verdict() {
            Some((r, true)) => (r, "met", ""),
            Some((r, false)) => (r, "**not met**", self.remedy),
            None => (f64::NAN, "", ""),
        };
        let ratio = if ratio.is_finite() {
            format!("{ratio:.2}×")
        } else {
            "—".into()
        };
        let what = &self.what;
        format!("| {what} | {measured} | {bound} | {ratio} | {met} | {remedy} |")
    }
}

pub const HEAD: &str = "| target | measured | bound | ÷ bound | met | what a miss would take |
| --- | ---: | --- | ---: | --- | --- |";

/// About three significant digits; whole numbers without decimals.
fn number(x: f64) -> String {
    let decimals = (2.0 - x.abs().log10().floor()).clamp(0.0, 3.0) as usize;
    let decimals = if x.fract() == 0.0 { 0 } else { decimals };
    format!("{x:.decimals$}")
}

/// The middle value (the upper one of an even count); 0 for none.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// A run, or the runs of a case: wall seconds (their median), peak memory in MB (the highest),
/// and the last run's output.
#[derive(Debug, Default)]
pub struct Run {
    pub secs: f64,
    pub mb: f64,
    pub stdout: String,
    pub stderr: String,
}

/// Calls `once` for each of `runs` runs. Untimed work of a run (touching a file, cleaning a
/// build) goes in `once` before its `exec` or `timed` call.
pub fn repeat(runs: usize, once: impl FnMut(usize) -> Result<Run>) -> Result<Run> {
    let mut all = (0..runs).map(once).collect::<Result<Vec<_>>>()?;
    let mb = all.iter().map(|r| r.mb).fold(0.0, f64::max);
    let secs = median(all.iter().map(|r| r.secs).collect());
    Ok(Run {
        secs,
        mb,
        ..all.pop().unwrap_or_default()
    })
}

/// Runs `program` (`more` adds its arguments and settings) under `/usr/bin/time`, whose `%M` is
/// the largest resident set of the process and of every child it waited for (rustc under cargo).
pub fn exec(
    program: impl AsRef<OsStr>,
    more: impl FnOnce(&mut Command) -> &mut Command,
) -> Result<Run> {
    let rss = std::env::temp_dir().join(format!("xtask-bench-{}.maxrss", std::process::id()));
    let mut command = Command::new("/usr/bin/time");
    more(command.args(["-f", "%M", "-o"]).arg(&rss).arg(program));
    let started = Instant::now();
    let out = command.stdin(Stdio::null()).output();
    let out = out.context("running /usr/bin/time")?;
    let secs = started.elapsed().as_secs_f64();
    let [stdout, stderr] = [out.stdout, out.stderr].map(|o| String::from_utf8_lossy(&o).into());
    let status = out.status;
    anyhow::ensure!(status.success(), "{command:?}: {status}\n{stderr}");
    let kb = std::fs::read_to_string(&rss).context("reading /usr/bin/time's output")?;
    let mb = kb.trim().parse::<f64>().context("peak memory")? / 1024.0;
    Ok(Run {
        secs,
        mb,
        stdout,
        stderr,
    })
}

/// Times work done in this process.
pub fn timed(work: impl FnOnce() -> Result<()>) -> Result<Run> {
    let started = Instant::now();
    work()?;
    Ok(Run {
        secs: started.elapsed().as_secs_f64(),
        ..Run::default()
    })
}

#[test]
fn a_row_says_whether_its_target_is_met() {
    let row = |figure, target| Measurement::new("x".into(), figure, " s", target).or("cache");
    let floor = Target::Floor(5.0, 0.125, "floor");
    assert_eq!(row(0.5, floor).verdict(), Some((0.8, true)));
    let missed = "| 1 s = 8× floor | ≤ 5× floor = 0.625 s | 1.60× | **not met** | cache |";
    assert_eq!(row(1.0, floor).markdown(), format!("| x {missed}"));
    assert_eq!(
        row(8.0, Target::AtLeast(10.0)).verdict(),
        Some((0.8, false))
    );
    let nothing = row(0.0, Target::AtMost(0.0)).markdown();
    assert!(nothing.ends_with("| 0 s | ≤ 0 s | — | met |  |"));
    assert_eq!(row(1.0, Target::Record).verdict(), None);
    assert_eq!(median(vec![2.0, 1.0]), 2.0);
}

#[test]
fn a_command_is_timed_with_its_peak_memory() -> Result<()> {
    let run = repeat(2, |_| exec("true", |c| c))?;
    assert!(run.mb > 0.0 && run.secs > 0.0);
    assert!(exec("false", |c| c).is_err());
    Ok(())
}
