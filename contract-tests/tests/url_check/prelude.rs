// The recording loopback server and the checks; included in each URL check harness.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// One request as the server read it.
#[derive(Debug)]
struct Recorded {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

type Log = Mutex<Vec<Recorded>>;

#[derive(Default)]
struct Report {
    checked: usize,
    wrong: usize,
}

/// An HTTP/1.1 server on a free loopback port that records every request and answers each
/// with a status no operation declares, which the client neither retries nor decodes.
fn serve() -> (String, Arc<Log>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let log: Arc<Log> = Arc::default();
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut data = Vec::new();
            let mut buffer = [0u8; 8192];
            let head_end = loop {
                if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(end);
                }
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => data.extend_from_slice(&buffer[..n]),
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut request_line = lines.next().unwrap_or_default().split(' ');
            let method = request_line.next().unwrap_or_default().to_string();
            let target = request_line.next().unwrap_or_default().to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut read = data.len() - head_end - 4;
            while read < length {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
            }
            sink.lock().unwrap().push(Recorded {
                method,
                target,
                headers,
            });
            let _ = stream.write_all(
                b"HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    (format!("http://{address}"), log)
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a query component is percent-encoded: only unreserved characters, escapes, and the
/// comma that `explode: false` puts between items.
fn is_encoded(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%,".contains(&b))
}

/// The text of a value that is neither a string nor a number: its JSON text, or the string a
/// value serialises to.
#[allow(dead_code)]
fn text_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value).unwrap() {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

fn check(
    log: &Log,
    report: &mut Report,
    operation: &str,
    method: &str,
    path: &str,
    query: &[(&str, String)],
    headers: &[(&str, String)],
) {
    report.checked += 1;
    let Some(request) = log.lock().unwrap().pop() else {
        report.wrong += 1;
        println!("WRONG {operation}: no request arrived");
        return;
    };
    let mut problems = Vec::new();
    if request.method != method {
        problems.push(format!("method {} instead of {method}", request.method));
    }
    let (sent_path, sent_query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    if sent_path != path {
        problems.push(format!("path {sent_path} instead of {path}"));
    }
    let mut sent: Vec<(String, String)> = Vec::new();
    for pair in sent_query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !is_encoded(name) || !is_encoded(value) {
            problems.push(format!("query pair `{pair}` is not percent-encoded"));
        }
        sent.push((decode(name), decode(value)));
    }
    let mut expected: Vec<(String, String)> = query
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect();
    sent.sort();
    expected.sort();
    if sent != expected {
        problems.push(format!("query {sent:?} instead of {expected:?}"));
    }
    for (name, value) in headers {
        let found: Vec<&String> = request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .collect();
        if found != [value] {
            problems.push(format!("header {name}: {found:?} instead of {value:?}"));
        }
    }
    if !problems.is_empty() {
        report.wrong += 1;
        println!("WRONG {operation}: {}", problems.join("; "));
    }
}
