//! Success bodies that are files (CSV, ZIP, octet-stream): handed over as a stream, so a
//! report of any size can go to disk without being held in memory.

use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, StreamExt};
use http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use percent_encoding::percent_decode_str;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{header_str, Error, ErrorBody, REQUEST_ID_HEADER};
use crate::form::ByteStream;
use crate::response::Response;
use crate::secret::Redactor;

/// A success response whose body has not been read yet: its status, headers, and the body
/// as a stream of chunks. Read it with [`write_to`](Self::write_to),
/// [`save_to_file`](Self::save_to_file), [`into_stream`](Self::into_stream) or
/// [`collect`](Self::collect).
pub struct Download {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: ByteStream,
    /// How much of the body [`into_error`](Self::into_error) keeps.
    error_limit: u64,
    redactor: Redactor,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

/// What one attempt received: a response read whole, or a success whose body is left to
/// the caller.
#[derive(Debug)]
pub(crate) enum Received {
    Buffered(Response),
    Streaming(Download),
}

impl Received {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Received::Buffered(r) => r.status(),
            Received::Streaming(d) => d.status(),
        }
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        match self {
            Received::Buffered(r) => r.headers(),
            Received::Streaming(d) => d.headers(),
        }
    }
}

/// Reading a download's body, or writing it out, failed.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: {action} the downloaded body failed after {bytes} bytes: {source}")]
#[non_exhaustive]
pub struct DownloadError {
    /// The operation id.
    pub operation: &'static str,
    /// `reading` (the connection) or `writing` (the destination).
    pub action: &'static str,
    /// The bytes handled before the failure.
    pub bytes: u64,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

impl Download {
    /// A download of `body`; the client builds these, and tests of generated code can too.
    pub fn new<S>(operation: &'static str, status: StatusCode, headers: HeaderMap, body: S) -> Self
    where
        S: futures_core::Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        Self {
            operation,
            status,
            headers,
            body: Box::pin(body),
            error_limit: crate::DEFAULT_MAX_RESPONSE_BYTES,
            redactor: Redactor::default(),
        }
    }

    /// The body of a live response. Each chunk must arrive within `idle`: once the headers
    /// are in, the call's timeout no longer applies, and a stalled server must not hang a
    /// download forever.
    pub(crate) fn from_response(
        operation: &'static str,
        response: reqwest::Response,
        idle: Duration,
        error_limit: u64,
        redactor: Redactor,
    ) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = stream::unfold(Some(response), move |response| async move {
            let mut response = response?;
            match tokio::time::timeout(idle, response.chunk()).await {
                Ok(Ok(Some(chunk))) => Some((Ok(chunk), Some(response))),
                Ok(Ok(None)) => None,
                Ok(Err(e)) => Some((Err(std::io::Error::other(e)), None)),
                Err(_) => Some((
                    Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no data for {}s", idle.as_secs_f32()),
                    )),
                    None,
                )),
            }
        });
        Self {
            error_limit,
            redactor,
            ..Self::new(operation, status, headers, body)
        }
    }

    /// The operation id of the request.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type`, as sent.
    pub fn content_type(&self) -> Option<&str> {
        header_str(&self.headers, CONTENT_TYPE.as_str())
    }

    /// The `Content-Length`, when the server declared one.
    pub fn content_length(&self) -> Option<u64> {
        header_str(&self.headers, CONTENT_LENGTH.as_str())?
            .trim()
            .parse()
            .ok()
    }

    /// The file name from `Content-Disposition` (`filename*=` preferred over `filename=`), cut
    /// to its last path component so it is safe to join to a folder.
    pub fn file_name(&self) -> Option<String> {
        file_name_from_disposition(header_str(&self.headers, CONTENT_DISPOSITION.as_str())?)
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> ByteStream {
        self.body
    }

    /// Reads the whole body into memory.
    pub async fn collect(mut self) -> Result<Bytes, DownloadError> {
        let mut out = BytesMut::new();
        while let Some(chunk) = self.body.next().await {
            let chunk = chunk.map_err(|e| self.failed("reading", out.len() as u64, e))?;
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// Writes the body to `writer` chunk by chunk, then flushes it; returns the bytes written.
    /// Only one chunk is held at a time.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, DownloadError> {
        let mut written = 0u64;
        while let Some(chunk) = self.body.next().await {
            let chunk = chunk.map_err(|e| self.failed("reading", written, e))?;
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| self.failed("writing", written, e))?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| self.failed("writing", written, e))?;
        Ok(written)
    }

    /// Creates (or truncates) the file at `path` and writes the body to it; returns the bytes
    /// written. Errors name the path.
    pub async fn save_to_file(self, path: impl AsRef<Path>) -> Result<u64, DownloadError> {
        let path = path.as_ref();
        let named =
            |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| self.failed("writing", 0, named(e)))?;
        let operation = self.operation;
        self.write_to(&mut file).await.map_err(|e| DownloadError {
            source: named(e.source),
            operation,
            ..e
        })
    }

    /// The response as an error of the operation, for a success status the description does
    /// not declare: the body is read (up to the client's response size limit) and decoded
    /// as the operation's error body.
    pub async fn into_error<E: ErrorBody>(mut self) -> Error<E> {
        let mut kept = BytesMut::new();
        while let Some(Ok(chunk)) = self.body.next().await {
            let room = usize::try_from(self.error_limit)
                .unwrap_or(usize::MAX)
                .saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        Response::new(self.operation, self.status, self.headers, kept.freeze())
            .with_redactor(self.redactor)
            .into_error()
    }

    fn failed(&self, action: &'static str, bytes: u64, source: std::io::Error) -> DownloadError {
        let source = match header_str(&self.headers, REQUEST_ID_HEADER) {
            Some(id) => std::io::Error::new(source.kind(), format!("{source} (request id {id})")),
            None => source,
        };
        DownloadError {
            operation: self.operation,
            action,
            bytes,
            source,
        }
    }
}

/// The file name of a `Content-Disposition` value: RFC 6266's `filename*` (RFC 5987
/// `charset'language'percent-encoded`, UTF-8 or ISO-8859-1) when present and decodable, else
/// `filename` (quoted or a token). Only the last path component is kept.
pub fn file_name_from_disposition(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, value) in parameters(value) {
        match name.to_ascii_lowercase().as_str() {
            "filename*" => extended = extended.or_else(|| decode_ext_value(&value)),
            "filename" => plain = plain.or(Some(value)),
            _ => {}
        }
    }
    let name = extended.or(plain)?;
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    (!last.is_empty() && last != "." && last != "..").then(|| last.to_owned())
}

/// The `name=value` parameters after the disposition type, with quoted strings unescaped.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.split_once(';').map_or("", |(_, rest)| rest);
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        let Some((name, after)) = rest.split_once('=') else {
            return out;
        };
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        out.push((name.trim().to_owned(), value));
        rest = next;
    }
}

/// RFC 5987 `ext-value`: `UTF-8''na%C3%AFve.csv`.
fn decode_ext_value(value: &str) -> Option<String> {
    let mut pieces = value.splitn(3, '\'');
    let charset = pieces.next()?.to_ascii_lowercase();
    let _language = pieces.next()?;
    let encoded = pieces.next()?;
    let bytes: Vec<u8> = percent_decode_str(encoded).collect();
    match charset.as_str() {
        "utf-8" => String::from_utf8(bytes).ok(),
        "iso-8859-1" => Some(bytes.into_iter().map(char::from).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_from_content_disposition() {
        let cases = [
            ("attachment; filename=\"report.csv\"", Some("report.csv")),
            ("attachment; filename=report.csv", Some("report.csv")),
            ("attachment;filename=\"a \\\"q\\\"; b.csv\"", Some("a \"q\"; b.csv")),
            (
                "attachment; filename=\"fallback.csv\"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.csv",
                Some("naïve résumé.csv"),
            ),
            ("attachment; FILENAME*=utf-8'en'x%2Fy.zip", Some("y.zip")),
            ("attachment; filename*=iso-8859-1''caf%E9.txt", Some("café.txt")),
            // An undecodable extended value falls back to the plain one.
            ("attachment; filename*=UTF-8''%FF.csv; filename=\"ok.csv\"", Some("ok.csv")),
            ("attachment; filename=\"../../etc/passwd\"", Some("passwd")),
            ("attachment; filename=\"C:\\\\temp\\\\x.csv\"", Some("x.csv")),
            ("attachment; filename=\"..\"", None),
            ("attachment", None),
            ("inline; name=\"x\"", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                file_name_from_disposition(header).as_deref(),
                expected,
                "{header}"
            );
        }
    }

    #[tokio::test]
    async fn collect_and_write_to_keep_every_chunk_and_name_failures() {
        let chunks = || {
            stream::iter(vec![
                Ok(Bytes::from_static(b"a,b\n")),
                Ok(Bytes::from_static(b"1,2\n")),
            ])
        };
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, "text/csv".parse().unwrap());
        headers.insert(CONTENT_LENGTH, "8".parse().unwrap());
        let download = Download::new("getReport", StatusCode::OK, headers, chunks());
        assert_eq!(download.content_type(), Some("text/csv"));
        assert_eq!(download.content_length(), Some(8));
        assert_eq!(download.collect().await.unwrap(), "a,b\n1,2\n");

        let mut out = Vec::new();
        let download = Download::new("getReport", StatusCode::OK, HeaderMap::new(), chunks());
        assert_eq!(download.write_to(&mut out).await.unwrap(), 8);
        assert_eq!(out, b"a,b\n1,2\n");

        let broken = stream::iter(vec![
            Ok(Bytes::from_static(b"abc")),
            Err(std::io::Error::other("reset")),
        ]);
        let err = Download::new("getReport", StatusCode::OK, HeaderMap::new(), broken)
            .collect()
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "getReport: reading the downloaded body failed after 3 bytes: reset"
        );

        let err = Download::new("getReport", StatusCode::OK, HeaderMap::new(), chunks())
            .save_to_file("/nonexistent-dir/report.csv")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent-dir/report.csv"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn into_error_decodes_the_body_read_so_far() {
        let body = stream::iter(vec![Ok(Bytes::from_static(br#"{"detailCode":"x"}"#))]);
        let err = Download::new("getReport", StatusCode::ACCEPTED, HeaderMap::new(), body)
            .into_error::<serde_json::Value>()
            .await;
        let Error::Api(api) = err else {
            panic!("expected an API error, got {err:?}")
        };
        assert_eq!(api.status(), StatusCode::ACCEPTED);
        assert_eq!(api.body().unwrap()["detailCode"], "x");
    }
}
