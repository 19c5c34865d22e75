//! A loopback HTTP/1.1 server for the request-path benchmarks. It answers from memory with the
//! description's example responses, so a call's cost is the client's, not the server's:
//!
//! - `GET …/accounts` without `offset`: a page of [`PAGE_SIZE`] accounts, built once;
//! - `GET …/accounts?offset=O&limit=L`: items `O..O+L` of a listing of `listing_total`
//!   accounts, each page with its own ids (the paginator refuses a repeated page);
//! - `GET …/accounts/{id}`: one account;
//! - anything else: 404.
//!
//! Keep-alive is honoured; `Connection: close` closes after the response. It binds
//! `127.0.0.1:0` only.

use crate::fixtures::{AccountTemplate, PAGE_SIZE};
use bytes::{Bytes, BytesMut};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// What the server answers.
#[derive(Debug)]
pub struct Routes {
    template: AccountTemplate,
    page: Bytes,
    account: Bytes,
    not_found: Bytes,
    listing_total: usize,
}

impl Routes {
    /// Routes over the description's example account; a paged listing has `listing_total`
    /// accounts.
    pub fn new(template: AccountTemplate, listing_total: usize) -> Self {
        let page = response(200, template.page(0, PAGE_SIZE).as_bytes());
        let account = response(200, template.account("acct-1").as_bytes());
        let not_found = response(404, br#"{"detailCode":"404 Not found","messages":[]}"#);
        Self {
            template,
            page,
            account,
            not_found,
            listing_total,
        }
    }

    /// The body of the static page, as the clients receive it.
    pub fn page_body(&self) -> Bytes {
        body_of(&self.page)
    }

    /// The body of one account, as the clients receive it.
    pub fn account_body(&self) -> Bytes {
        body_of(&self.account)
    }

    fn respond(&self, method: &str, target: &str) -> Bytes {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if method != "GET" {
            return self.not_found.clone();
        }
        if path.ends_with("/accounts") {
            let param = |name: &str| {
                query
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            return match param("offset") {
                None => self.page.clone(),
                Some(offset) => {
                    let limit = param("limit").unwrap_or(PAGE_SIZE);
                    let count = limit.min(self.listing_total.saturating_sub(offset));
                    response(200, self.template.page(offset, count).as_bytes())
                }
            };
        }
        if path.contains("/accounts/") {
            return self.account.clone();
        }
        self.not_found.clone()
    }
}

fn response(status: u16, body: &[u8]) -> Bytes {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut out = BytesMut::with_capacity(head.len() + body.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    out.freeze()
}

fn body_of(response: &Bytes) -> Bytes {
    let start = find_head_end(response).unwrap_or(0);
    response.slice(start..)
}

/// A running server; dropping it stops accepting connections.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    accept: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds `127.0.0.1:0` and serves `routes` on the current Tokio runtime.
    pub async fn start(routes: Routes) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let routes = Arc::new(routes);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let routes = Arc::clone(&routes);
                tokio::spawn(async move {
                    // A client that goes away mid-request is not the benchmark's concern.
                    let _ = connection(stream, &routes).await;
                });
            }
        });
        Ok(Self { addr, accept })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn connection(mut stream: TcpStream, routes: &Routes) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = BytesMut::with_capacity(8 * 1024);
    loop {
        let head_end = loop {
            if let Some(end) = find_head_end(&buf) {
                break end;
            }
            if buf.len() > MAX_HEAD || stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]);
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method = request_line.next().unwrap_or_default();
        let target = request_line.next().unwrap_or_default();
        let mut content_length = 0;
        let mut close = false;
        for (name, value) in lines.filter_map(|line| line.split_once(':')) {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.trim().eq_ignore_ascii_case("close");
            }
        }
        let reply = routes.respond(method, target);
        let total = head_end + content_length;
        drop(head);
        while buf.len() < total {
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        }
        let _ = buf.split_to(total);
        stream.write_all(&reply).await?;
        if close {
            return Ok(());
        }
    }
}

/// The index just past the blank line that ends a message head.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}
