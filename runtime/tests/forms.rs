//! Form bodies against a loopback server: the bytes the server receives parse as
//! `multipart/form-data` (RFC 7578) or as `application/x-www-form-urlencoded`.

mod common;

use std::io::Write;

use futures_util::stream;
use sailpoint_sdk_runtime::{
    Bytes, Error, FakeClock, FilePart, Method, Multipart, Request, UrlEncoded,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One parsed part: its headers (lowercased names) and its body.
#[derive(Debug)]
struct ParsedPart {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl ParsedPart {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A strict multipart parser, written from RFC 2046 §5.1.1 rather than shared with the
/// encoder: the body starts with the first delimiter, parts are separated by CRLF + delimiter,
/// each part has CRLF-separated headers and a blank line, and the close delimiter ends it.
fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<ParsedPart> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart content type: {content_type}"));
    assert!(!boundary.is_empty() && boundary.len() <= 70, "{boundary}");
    let delimiter = format!("--{boundary}").into_bytes();
    assert!(
        body.starts_with(&delimiter),
        "the body starts with the delimiter"
    );
    let close = format!("\r\n--{boundary}--\r\n").into_bytes();
    assert!(
        body.ends_with(&close),
        "the body ends with the close delimiter"
    );
    let inner = &body[delimiter.len()..body.len() - close.len()];
    let separator = [b"\r\n".as_slice(), &delimiter].concat();
    let mut parts = Vec::new();
    for raw in split(inner, &separator) {
        let raw = raw
            .strip_prefix(b"\r\n")
            .expect("a CRLF after the delimiter");
        let end = find(raw, b"\r\n\r\n").expect("a blank line after the part's headers");
        let headers = std::str::from_utf8(&raw[..end])
            .expect("ASCII headers")
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(": ").expect("a header line");
                (name.to_ascii_lowercase(), value.to_owned())
            })
            .collect();
        parts.push(ParsedPart {
            headers,
            body: raw[end + 4..].to_vec(),
        });
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut haystack: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(haystack, separator) {
        out.push(&haystack[..at]);
        haystack = &haystack[at + separator.len()..];
    }
    out.push(haystack);
    out
}

async fn send(server: &MockServer, request: Request) -> wiremock::Request {
    let client = common::client(&server.uri(), &FakeClock::default());
    let response = client
        .execute::<serde_json::Value>(request)
        .await
        .expect("the call succeeds");
    assert_eq!(response.status().as_u16(), 202);
    let mut received = common::received(server).await;
    assert_eq!(received.len(), 1);
    received.remove(0)
}

async fn accepting_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(serde_json::json!({"id": "t"})))
        .mount(&server)
        .await;
    server
}

fn content_type(request: &wiremock::Request) -> String {
    request.headers["content-type"]
        .to_str()
        .expect("ASCII content type")
        .to_owned()
}

#[tokio::test]
async fn multipart_parts_arrive_with_names_file_names_and_types() {
    let server = accepting_server().await;
    let mut csv = tempfile::NamedTempFile::with_suffix(".csv").expect("temp file");
    // Bigger than one read chunk, so the file is sent in several pieces.
    let rows: String = (0..20_000).map(|i| format!("id{i},name {i}\n")).collect();
    csv.write_all(rows.as_bytes()).expect("write csv");
    let file = FilePart::from_path(csv.path())
        .await
        .expect("readable file");
    let form = Multipart::new()
        .text("disableOptimization", "true")
        .file("file", file)
        .file(
            "icon",
            FilePart::from_bytes("logo.png", &b"\x89PNG\r\n\r\n--"[..]),
        )
        .json("settings", &serde_json::json!({"a": [1, 2]}))
        .file(
            "data",
            FilePart::from_stream(
                "data.bin",
                stream::iter(vec![
                    Ok(Bytes::from_static(b"ab")),
                    Ok(Bytes::from_static(b"cd")),
                ]),
            )
            .content_type("application/x-custom"),
        );
    let boundary = form.boundary().to_owned();
    let request = send(
        &server,
        Request::new("importAccounts", Method::POST, "/sources/s/load-accounts")
            .multipart_body(form),
    )
    .await;
    let content_type = content_type(&request);
    assert_eq!(
        content_type,
        format!("multipart/form-data; boundary={boundary}")
    );
    let parts = parse_multipart(&content_type, &request.body);
    assert_eq!(parts.len(), 5);
    assert_eq!(
        parts[0].header("content-disposition"),
        Some("form-data; name=\"disableOptimization\"")
    );
    assert_eq!(parts[0].header("content-type"), None);
    assert_eq!(parts[0].body, b"true");
    let csv_name = csv.path().file_name().unwrap().to_str().unwrap();
    assert_eq!(
        parts[1].header("content-disposition").unwrap(),
        format!("form-data; name=\"file\"; filename=\"{csv_name}\"")
    );
    assert_eq!(parts[1].header("content-type"), Some("text/csv"));
    assert_eq!(parts[1].body, rows.as_bytes());
    assert_eq!(
        parts[2].header("content-disposition"),
        Some("form-data; name=\"icon\"; filename=\"logo.png\"")
    );
    assert_eq!(parts[2].header("content-type"), Some("image/png"));
    assert_eq!(parts[2].body, b"\x89PNG\r\n\r\n--");
    assert_eq!(parts[3].header("content-type"), Some("application/json"));
    assert_eq!(parts[3].body, br#"{"a":[1,2]}"#);
    assert_eq!(
        parts[4].header("content-type"),
        Some("application/x-custom")
    );
    assert_eq!(parts[4].body, b"abcd");
}

#[tokio::test]
async fn in_memory_multipart_has_a_content_length() {
    let server = accepting_server().await;
    let form = Multipart::new().file("file", FilePart::from_bytes("a.csv", "x,y\n"));
    let request = send(
        &server,
        Request::new("importAccounts", Method::POST, "/x").multipart_body(form),
    )
    .await;
    let length: usize = request.headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, request.body.len());
    let parts = parse_multipart(&content_type(&request), &request.body);
    assert_eq!(parts[0].body, b"x,y\n");
}

#[tokio::test]
async fn url_encoded_forms_arrive_encoded() {
    let server = accepting_server().await;
    let form = UrlEncoded::new()
        .text("disableOptimization", "true")
        .text("note", "a b&c");
    let request = send(
        &server,
        Request::new("importAccounts", Method::POST, "/x").form_body(&form),
    )
    .await;
    assert_eq!(content_type(&request), "application/x-www-form-urlencoded");
    assert_eq!(request.body, b"disableOptimization=true&note=a+b%26c");
}

#[tokio::test]
async fn a_stream_part_is_not_resent_and_a_missing_file_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        // A POST is resent after a 429 (the server refused the work), but not with a spent stream.
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), &FakeClock::default());
    let part = FilePart::from_stream("d.bin", stream::iter(vec![Ok(Bytes::from_static(b"x"))]));
    let form = Multipart::new().file("file", part);
    let response = client
        .execute::<serde_json::Value>(
            Request::new("importAccounts", Method::POST, "/x").multipart_body(form.clone()),
        )
        .await
        .expect("the 429 is the answer");
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(common::received(&server).await.len(), 1, "no retry");
    // The clone shares the stream, which is spent: the call fails before sending.
    let err = client
        .execute::<serde_json::Value>(
            Request::new("importAccounts", Method::POST, "/x").multipart_body(form),
        )
        .await
        .expect_err("a spent stream cannot be sent");
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    assert!(err.to_string().contains("form part `file`"), "{err}");

    let missing = FilePart::from_path("/nonexistent/accounts.csv")
        .await
        .expect_err("no such file");
    assert!(
        missing.to_string().contains("/nonexistent/accounts.csv"),
        "{missing}"
    );
}
