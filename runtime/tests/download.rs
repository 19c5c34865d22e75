//! Downloads stream: a 200 MB body goes to a file through `Client::execute_download` while the
//! downloading process's peak resident memory stays under 50 MB.
//!
//! The peak is the kernel's `VmHWM` of a child process that does nothing but the download (see
//! `common::run_child_for_peak`).

use std::io::{Read, Write};
use std::net::TcpListener;

mod common;

use sailpoint_sdk_runtime::{Client, Method, Request};

const CHILD_ENV: &str = "SAILPOINT_TEST_DOWNLOAD_URL";
const PATH_ENV: &str = "SAILPOINT_TEST_DOWNLOAD_PATH";
const TEST_NAME: &str = "a_200_mb_download_streams_to_a_file_with_flat_memory";
const SIZE: u64 = 200 * 1024 * 1024;
const PEAK_LIMIT_KB: u64 = 50 * 1024;
/// The body is `PATTERN_LEN`-periodic, so the file can be checked without a second copy.
const PATTERN_LEN: usize = 251;

fn pattern_byte(offset: u64) -> u8 {
    (offset % PATTERN_LEN as u64) as u8
}

#[cfg(target_os = "linux")]
#[test]
fn a_200_mb_download_streams_to_a_file_with_flat_memory() {
    if let (Ok(url), Ok(path)) = (std::env::var(CHILD_ENV), std::env::var(PATH_ENV)) {
        return child(&url, &path);
    }
    let url = serve_one_download();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("export.zip");
    let (_, peak_kb) = common::run_child_for_peak(
        TEST_NAME,
        &[
            (CHILD_ENV, &url),
            (PATH_ENV, path.to_str().expect("UTF-8 temp path")),
        ],
    );
    println!("peak resident memory of the download: {peak_kb} kB");
    assert!(
        peak_kb < PEAK_LIMIT_KB,
        "the download peaked at {peak_kb} kB, over {PEAK_LIMIT_KB} kB"
    );
    // The file holds the whole body, byte for byte.
    let mut file = std::fs::File::open(&path).expect("the file was written");
    let mut buffer = vec![0u8; 1 << 20];
    let mut offset = 0u64;
    loop {
        let n = file.read(&mut buffer).expect("read the file");
        if n == 0 {
            break;
        }
        for (i, byte) in buffer[..n].iter().enumerate() {
            assert_eq!(
                *byte,
                pattern_byte(offset + i as u64),
                "byte {}",
                offset + i as u64
            );
        }
        offset += n as u64;
    }
    assert_eq!(offset, SIZE);
}

/// The child's side: download to `path`, check what the response says, report the peak.
fn child(url: &str, path: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = Client::builder()
            .api_url(url)
            .access_token("test-token")
            .build()
            .expect("client");
        let download = client
            .execute_download::<serde_json::Value>(
                Request::new(
                    "exportSpConfig",
                    Method::GET,
                    "/sp-config/export/1/download",
                )
                .accept("application/zip"),
            )
            .await
            .expect("the download starts");
        assert_eq!(download.content_type(), Some("application/zip"));
        assert_eq!(download.content_length(), Some(SIZE));
        assert_eq!(download.file_name().as_deref(), Some("export ü.zip"));
        let written = download.save_to_file(path).await.expect("saved");
        assert_eq!(written, SIZE);
    });
    common::report_peak_memory();
}

/// A loopback server that answers one request with a `SIZE`-byte body, written in chunks as
/// the client reads it.
fn serve_one_download() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return,
            }
        }
        let header = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: {SIZE}\r\n\
             content-disposition: attachment; filename=\"export.zip\"; filename*=UTF-8''export%20%C3%BC.zip\r\n\r\n"
        );
        if stream.write_all(header.as_bytes()).is_err() {
            return;
        }
        let chunk: Vec<u8> = (0..PATTERN_LEN * 256)
            .map(|i| pattern_byte(i as u64))
            .collect();
        let mut sent = 0u64;
        while sent < SIZE {
            let n = (SIZE - sent).min(chunk.len() as u64) as usize;
            if stream.write_all(&chunk[..n]).is_err() {
                return;
            }
            sent += n as u64;
        }
    });
    url
}

#[tokio::test]
async fn an_error_status_is_read_and_returned_as_the_operations_error() {
    use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"detailCode": "404"})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_url(server.uri())
        .access_token("test-token")
        .build()
        .expect("client");
    let err = client
        .execute_download::<serde_json::Value>(Request::new("getReport", Method::GET, "/r"))
        .await
        .expect_err("a 404 is an error");
    let sailpoint_sdk_runtime::Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.body().expect("decoded")["detailCode"], "404");
}
