//! Helpers shared by the integration tests: a client wired to a fake clock, a scripted
//! wiremock responder, and raw TCP servers that misbehave in ways wiremock cannot.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sailpoint_sdk_runtime::{Client, ClientBuilder, FakeClock, FixedJitter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::{Respond, ResponseTemplate};

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A builder for `api_url` with a static token, the fake clock and jitter that always picks
/// the full backoff, so delays are exactly 1 s, 2 s, 4 s, ...
pub fn builder(api_url: &str, clock: &FakeClock) -> ClientBuilder {
    Client::builder()
        .api_url(api_url)
        .access_token("test-token")
        .clock(clock.clone())
        .jitter(FixedJitter::full())
}

pub fn client(api_url: &str, clock: &FakeClock) -> Client {
    builder(api_url, clock).build().expect("test client")
}

/// Answers with each template in turn, then repeats the last one.
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Sequence {
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        assert!(!responses.is_empty());
        Self {
            responses,
            next: AtomicUsize::new(0),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.responses[i.min(self.responses.len() - 1)].clone()
    }
}

pub async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// How a raw server treats each connection after reading the request head.
#[derive(Debug, Clone, Copy)]
pub enum Misbehaviour {
    /// Closes the connection without answering.
    CloseAfterHead,
    /// Promises 100 bytes, sends a few, and closes.
    TruncatedBody,
    /// Never answers; keeps the connection open until the client leaves.
    Silent,
    /// Streams 800-byte chunks of a chunked body and never finishes.
    EndlessChunks,
    /// Declares a 4-byte body and keeps sending bytes after it.
    MoreThanDeclared,
}

/// A server on 127.0.0.1:0; the counter is the number of request heads it has read.
pub async fn raw_server(behaviour: Misbehaviour) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let heads = Arc::new(AtomicUsize::new(0));
    let counter = heads.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(handle(stream, behaviour, counter));
        }
    });
    (addr, heads)
}

async fn handle(mut stream: TcpStream, behaviour: Misbehaviour, heads: Arc<AtomicUsize>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    heads.fetch_add(1, Ordering::SeqCst);
    match behaviour {
        Misbehaviour::CloseAfterHead => {}
        Misbehaviour::TruncatedBody => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"partial\":")
                .await;
        }
        Misbehaviour::Silent => while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {},
        Misbehaviour::EndlessChunks => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("320\r\n{}\r\n", "x".repeat(800));
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
        }
        Misbehaviour::MoreThanDeclared => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4\r\n\r\nnull")
                .await;
            let junk = "x".repeat(800);
            while stream.write_all(junk.as_bytes()).await.is_ok() {}
        }
    }
}

/// Lets server tasks catch up, then checks the count. Only a retry could push the count past
/// `expected`, and retries happen before the call returns, so this is not a timing assertion.
pub async fn assert_count(counter: &AtomicUsize, expected: usize) {
    for _ in 0..1000 {
        if counter.load(Ordering::SeqCst) >= expected {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(counter.load(Ordering::SeqCst), expected);
}

/// A `MakeWriter` that keeps everything written, for log assertions.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log lock")).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Runs the test `test_name` of the current test binary again, in a child process with `envs`
/// set, and returns its standard output and the peak resident memory (`VmHWM`, in kB) it
/// reported with [`report_peak_memory`]. Measuring a child keeps the parent's servers and
/// the harness's other threads out of the figure.
#[cfg(target_os = "linux")]
pub fn run_child_for_peak(test_name: &str, envs: &[(&str, &str)]) -> (String, u64) {
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .envs(envs.iter().copied())
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The harness prints the test's name on the same line, before the child's output.
    let peak = stdout
        .split_once("peak_rss_kb=")
        .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("the child reported no peak: {stdout}"));
    (stdout, peak)
}

/// Prints this process's peak resident memory for [`run_child_for_peak`].
#[cfg(target_os = "linux")]
pub fn report_peak_memory() {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let peak = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .expect("VmHWM")
        .trim()
        .trim_end_matches("kB")
        .trim();
    println!("peak_rss_kb={peak}");
}
