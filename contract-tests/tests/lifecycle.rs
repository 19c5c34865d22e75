//! No Prism outlives its test: not after `stop`, not when the test panics, not when the test
//! process dies without dropping the guard.

use std::io::{BufRead as _, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use contract_tests::{accounts_spec, leftover_processes, Prism};

/// Set in the child process of `prism_dies_with_the_test_process`.
const ORPHAN_ROLE: &str = "CONTRACT_TESTS_ABANDON_PRISM";

/// Waits up to `within` until nothing runs Prism on `port` and nothing listens there. (The wait
/// only guards against a connection to a closed port that the kernel happens to connect to
/// itself; `stop` and the guard return once the processes are gone.)
fn assert_gone(port: u16, within: Duration) {
    let started = Instant::now();
    loop {
        let left = leftover_processes(port);
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listening = TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok();
        if left.is_empty() && !listening {
            return;
        }
        assert!(
            started.elapsed() < within,
            "Prism on port {port} survived: {left:?} (listening: {listening})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn stop_leaves_no_prism_process() {
    let prism = Prism::start(&accounts_spec());
    let port = prism.port();
    assert!(!leftover_processes(port).is_empty(), "Prism runs on {port}");
    prism.stop();
    assert_gone(port, Duration::from_secs(1));
}

#[test]
fn a_failing_test_still_stops_prism() {
    let mut port = None;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let prism = Prism::start(&accounts_spec());
        port = Some(prism.port());
        panic!("a failing assertion while Prism runs");
    }));
    assert!(outcome.is_err());
    let port = port.expect("Prism started");
    assert_gone(port, Duration::from_secs(1));
}

/// The test process exits without dropping the guard (as after an abort, a `SIGKILL` or a
/// Ctrl-C): the launcher's watchdog sees its stdin close and kills Prism's process group.
#[test]
fn prism_dies_with_the_test_process() {
    if std::env::var_os(ORPHAN_ROLE).is_some() {
        // The child: start Prism, say where, and exit without running any destructor.
        let prism = Prism::start(&accounts_spec());
        println!("prism-port={}", prism.port());
        std::mem::forget(prism);
        std::process::exit(0);
    }
    let exe = std::env::current_exe().expect("the test binary has a path");
    let mut child = Command::new(exe)
        .args(["--exact", "prism_dies_with_the_test_process", "--nocapture"])
        .env(ORPHAN_ROLE, "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot re-run the test binary");
    let stdout = child.stdout.take().expect("a piped stdout");
    let port = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("prism-port=")?.trim().parse::<u16>().ok());
    let status = child.wait().expect("the child exits");
    let port = port.unwrap_or_else(|| panic!("the child ({status}) started no Prism"));
    assert_gone(port, Duration::from_secs(10));
}
