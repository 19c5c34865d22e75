//! A TCP proxy in front of Prism that records what clients send, so a test can show the exact
//! request lines (`GET /accounts?limit=250&offset=0 HTTP/1.1`) a stream sent.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The bytes one connection's client sent.
type Recording = Arc<Mutex<Vec<u8>>>;

/// Forwards every connection to `upstream` and keeps the bytes clients sent, one buffer per
/// connection. Stops when dropped.
#[derive(Debug)]
pub struct RecordingProxy {
    url: String,
    sent: Arc<Mutex<Vec<Recording>>>,
    task: JoinHandle<()>,
}

impl RecordingProxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream` (`host:port`).
    ///
    /// # Panics
    ///
    /// When no port can be bound.
    pub async fn start(upstream: SocketAddr) -> RecordingProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("the recording proxy cannot bind a port");
        let port = listener
            .local_addr()
            .expect("the recording proxy has no address")
            .port();
        let sent: Arc<Mutex<Vec<Recording>>> = Arc::default();
        let connections = Arc::clone(&sent);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let buffer = Recording::default();
                lock(&connections).push(Arc::clone(&buffer));
                tokio::spawn(forward(client, upstream, buffer));
            }
        });
        RecordingProxy {
            url: format!("http://127.0.0.1:{port}"),
            sent,
            task,
        }
    }

    /// The proxy's root URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The request lines clients sent so far (`METHOD target HTTP/1.1`), in order per
    /// connection.
    pub fn request_lines(&self) -> Vec<String> {
        const METHODS: [&str; 7] = [
            "GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "HEAD ", "OPTIONS ",
        ];
        lock(&self.sent)
            .iter()
            .flat_map(|buffer| {
                let bytes = lock(buffer).clone();
                String::from_utf8_lossy(&bytes)
                    .split("\r\n")
                    .filter(|line| {
                        METHODS.iter().any(|m| line.starts_with(m)) && line.ends_with(" HTTP/1.1")
                    })
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(client: TcpStream, upstream: SocketAddr, buffer: Recording) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let requests = async move {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match client_read.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    lock(&buffer).extend_from_slice(&chunk[..n]);
                    if server_write.write_all(&chunk[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = server_write.shutdown().await;
    };
    let responses = async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    tokio::join!(requests, responses);
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
