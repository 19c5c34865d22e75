//! The pinned Prism mock server (`tools/prism/package-lock.json`): installed with `npm ci`,
//! started on a free port, and stopped by a guard, whatever happens to the test.
//!
//! Prism runs in its own process group under a small `sh` launcher. Two things stop the group:
//!
//! - dropping [`Prism`] (also while a failing test unwinds) sends `SIGKILL` to the group;
//! - the launcher's watchdog reads the launcher's stdin, a pipe only the test process holds.
//!   When the test process exits or is killed before the guard is dropped (an abort, a
//!   `SIGKILL`, Ctrl-C, which does not reach a process group of its own), the pipe closes and the
//!   watchdog kills the group.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::workspace_root;

/// How long Prism may take to listen. It takes 2 s on the Accounts description and 4 s on
/// SailPoint's whole beta description on an idle machine; this leaves room for a busy one.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);

/// Prisms start one at a time: each parses a multi-megabyte description, and several doing so
/// at once on two cores take longer in total (and each far longer) than one after another.
static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long the processes of a killed group may take to disappear.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts `"$@"` (the Prism command line) in the background with the watchdog beside it.
///
/// Asynchronous lists get `/dev/null` as stdin in a non-interactive shell, so the pipe is kept
/// on fd 3 for the watchdog. When Prism exits on its own, the launcher says so on stderr and
/// kills the group, so the test sees the launcher exit and reports Prism's output.
const LAUNCHER: &str = r#"exec 3<&0
"$@" </dev/null 3<&- &
prism=$!
{ cat <&3 >/dev/null; kill -9 0; } &
exec 3<&-
wait "$prism"
echo "prism exited with status $?" >&2
kill -9 0
"#;

/// A running Prism mock server. Dropping it kills Prism's process group.
#[derive(Debug)]
pub struct Prism {
    launcher: Child,
    watchdog: Option<ChildStdin>,
    port: u16,
    url: String,
    logs: tempfile::TempDir,
    stopped: bool,
}

impl Prism {
    /// Installs Prism if needed and serves `spec` (`prism mock --errors=false`) on a free port
    /// of 127.0.0.1; returns once Prism listens.
    ///
    /// # Panics
    ///
    /// When npm is missing, the install fails, or Prism does not listen within the startup
    /// timeout; the message has Prism's output.
    pub fn start(spec: &Path) -> Prism {
        let prism = npm_install().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            spec.is_file(),
            "the description {} does not exist",
            spec.display()
        );
        let _one_at_a_time = STARTING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Another process may take the free port between our probe and Prism's bind.
        let mut failure = String::new();
        for _ in 0..3 {
            match Self::try_start(&prism, spec) {
                Ok(prism) => return prism,
                Err(Retry::PortTaken(message)) => failure = message,
                Err(Retry::No(message)) => panic!("{message}"),
            }
        }
        panic!("{failure}")
    }

    fn try_start(prism: &Path, spec: &Path) -> Result<Prism, Retry> {
        let fail = |what: &str, e: std::io::Error| Retry::No(format!("{what}: {e}"));
        let port = free_port().map_err(|e| fail("cannot find a free port", e))?;
        let logs = tempfile::Builder::new()
            .prefix("prism-")
            .tempdir()
            .map_err(|e| fail("cannot create a folder for Prism's logs", e))?;
        let stdout = File::create(logs.path().join("stdout.log"))
            .map_err(|e| fail("cannot create Prism's log", e))?;
        let stderr = File::create(logs.path().join("stderr.log"))
            .map_err(|e| fail("cannot create Prism's log", e))?;
        let mut launcher = Command::new("sh")
            .args(["-c", LAUNCHER, "prism-launcher"])
            .arg(prism)
            .arg("mock")
            .arg(spec)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .arg("--errors=false")
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(stderr)
            .process_group(0)
            .spawn()
            .map_err(|e| fail("cannot start Prism with sh", e))?;
        let watchdog = launcher.stdin.take();
        let mut prism = Prism {
            launcher,
            watchdog,
            port,
            url: format!("http://127.0.0.1:{port}"),
            logs,
            stopped: false,
        };

        let ready = format!("Prism is listening on http://127.0.0.1:{port}");
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        loop {
            if prism.log().contains(&ready)
                && TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok()
            {
                return Ok(prism);
            }
            if let Ok(Some(status)) = prism.launcher.try_wait() {
                let output = prism.output();
                let message = format!(
                    "Prism on {} exited before listening ({status}):\n{output}",
                    spec.display()
                );
                return Err(if output.contains("EADDRINUSE") {
                    Retry::PortTaken(message)
                } else {
                    Retry::No(message)
                });
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                prism.kill_group();
                return Err(Retry::No(format!(
                    "Prism on {} did not listen on port {port} within {STARTUP_TIMEOUT:?}:\n{}",
                    spec.display(),
                    prism.output()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The root URL Prism serves the description's paths under (no server path prefix).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port Prism listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Prism's standard output so far: one block per request, with its validation findings.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.logs.path().join("stdout.log")).unwrap_or_default()
    }

    /// Standard error and the end of standard output, for failure messages.
    pub fn output(&self) -> String {
        let stderr =
            std::fs::read_to_string(self.logs.path().join("stderr.log")).unwrap_or_default();
        let stdout = self.log();
        let tail: Vec<&str> = stdout.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "--- Prism stderr ---\n{stderr}\n--- Prism stdout (last 40 lines) ---\n{}",
            tail.join("\n")
        )
    }

    /// Stops Prism and checks that none of its processes is left.
    ///
    /// # Panics
    ///
    /// When a process still runs Prism on this port afterwards.
    pub fn stop(mut self) {
        self.kill_group();
        let left = leftover_processes(self.port);
        assert!(
            left.is_empty(),
            "Prism processes survived on port {}: {left:?}",
            self.port
        );
    }

    /// Kills the process group (idempotent) and waits until its processes are gone.
    fn kill_group(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let group = self.launcher.id();
        let killed = Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        // Closing the pipe makes the watchdog kill the group, should `kill` be unavailable.
        drop(self.watchdog.take());
        if !killed {
            eprintln!("`kill` failed; relying on the Prism launcher's watchdog");
        }
        let _ = self.launcher.wait();
        let started = Instant::now();
        while !group_members(group).is_empty() && started.elapsed() < STOP_TIMEOUT {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.kill_group();
    }
}

enum Retry {
    PortTaken(String),
    No(String),
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// Installs the pinned Prism with `npm ci` in `tools/prism` when `node_modules` is missing or
/// older than the lockfile, once per test process; returns the `prism` executable.
///
/// # Errors
///
/// When npm cannot be run (Node.js and npm are required, the tests fail rather than skip) or
/// the install fails.
pub fn npm_install() -> Result<PathBuf, String> {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    INSTALLED.get_or_init(install).clone()
}

fn install() -> Result<PathBuf, String> {
    let dir = workspace_root().join("tools/prism");
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    let prism = dir.join("node_modules/.bin/prism");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let fresh = matches!(
        (modified(&lock), modified(&stamp)),
        (Some(lock), Some(stamp)) if stamp >= lock
    );
    if fresh && prism.exists() {
        return Ok(prism);
    }
    eprintln!("installing the pinned Prism: npm ci in {}", dir.display());
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .map_err(|e| {
            format!(
                "cannot run `npm ci` in {}: {e}\nthe contract tests need Node.js (>= 18.20.1) and npm to install the pinned Prism mock server",
                dir.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "`npm ci` in {} failed ({}):\n{}{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if !prism.exists() {
        return Err(format!(
            "`npm ci` in {} did not install {}",
            dir.display(),
            prism.display()
        ));
    }
    Ok(prism)
}

/// The live processes (`pid command line`) whose command line runs Prism on `port`: what
/// `pgrep -fa 'prism.*--port <port>'` would list.
pub fn leftover_processes(port: u16) -> Vec<String> {
    let port = port.to_string();
    live_processes()
        .into_iter()
        .filter(|process| {
            process.args.iter().any(|arg| arg.contains("prism"))
                && process
                    .args
                    .windows(2)
                    .any(|pair| pair[0] == "--port" && pair[1] == port)
        })
        .map(|process| format!("{} {}", process.pid, process.args.join(" ")))
        .collect()
}

/// The live processes of a process group.
fn group_members(group: u32) -> Vec<u32> {
    live_processes()
        .into_iter()
        .filter(|process| process.group == Some(group))
        .map(|process| process.pid)
        .collect()
}

struct Process {
    pid: u32,
    group: Option<u32>,
    args: Vec<String>,
}

/// Every process in `/proc` that has not exited. A zombie has, unless other threads of it are
/// still running: the main thread of a multi-threaded process (node) turns zombie first, and
/// the process's files, its listening socket among them, close with its last thread.
fn live_processes() -> Vec<Process> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid pgrp ...`; `comm` may hold spaces and parentheses.
            let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
            let state = fields.next()?;
            let threads = std::fs::read_dir(entry.path().join("task")).map_or(0, Iterator::count);
            if matches!(state, "Z" | "X") && threads <= 1 {
                return None;
            }
            let group = fields.nth(1).and_then(|g| g.parse().ok());
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let args = cmdline
                .split(|&b| b == 0)
                .filter(|arg| !arg.is_empty())
                .map(|arg| String::from_utf8_lossy(arg).into_owned())
                .collect();
            Some(Process { pid, group, args })
        })
        .collect()
}
