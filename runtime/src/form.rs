//! Form bodies: `multipart/form-data` with file parts, and `application/x-www-form-urlencoded`.
//!
//! Generated form types turn their fields into a [`Multipart`] or a [`UrlEncoded`]; the client
//! encodes it per attempt (`body.rs`), so a file given by path is read again if the call is
//! retried, and never held in memory whole.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rand::distributions::Alphanumeric;
use rand::Rng;

/// A stream of body chunks, as a file part's source or a download's body.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send + 'static>>;

/// A file sent as one part of a `multipart/form-data` body: its name, its media type and its
/// content (bytes in memory, a file read as it is sent, or a stream).
#[derive(Clone)]
pub struct FilePart {
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: String,
    pub(crate) source: FileSource,
}

#[derive(Clone)]
pub(crate) enum FileSource {
    Bytes(Bytes),
    /// Opened when the body is sent, once per attempt.
    Path(PathBuf),
    /// Sent once: a retry after it was taken fails with an encode error rather than sending an
    /// empty part. Shared so that a cloned builder still holds the same stream.
    Stream(Arc<Mutex<Option<ByteStream>>>),
}

// File contents may be anything (a CSV of accounts), so `Debug` shows where they come from.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            FileSource::Bytes(b) => format!("{} bytes", b.len()),
            FileSource::Path(p) => format!("file {}", p.display()),
            FileSource::Stream(_) => "stream".to_owned(),
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("source", &source)
            .finish()
    }
}

impl FilePart {
    /// A file held in memory. The media type is guessed from the name's extension
    /// (`accounts.csv` → `text/csv`), `application/octet-stream` otherwise.
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let file_name = file_name.into();
        Self {
            content_type: guess_content_type(&file_name).to_owned(),
            file_name: Some(file_name),
            source: FileSource::Bytes(bytes.into()),
        }
    }

    /// A file on disk, read in chunks each time the request is sent. Fails now if the path is
    /// not a readable file, naming the path; the name sent is the path's last component.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let metadata = tokio::fs::metadata(path).await.map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
        })?;
        if !metadata.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            ));
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Ok(Self {
            content_type: guess_content_type(file_name.as_deref().unwrap_or_default()).to_owned(),
            file_name,
            source: FileSource::Path(path.to_owned()),
        })
    }

    /// A file read from a stream as the request is sent. A stream can be sent only once, so a
    /// call that needs a second attempt fails with `Error::Encode` instead of retrying.
    pub fn from_stream<S>(file_name: impl Into<String>, stream: S) -> Self
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        let file_name = file_name.into();
        Self {
            content_type: guess_content_type(&file_name).to_owned(),
            file_name: Some(file_name),
            source: FileSource::Stream(Arc::new(Mutex::new(Some(Box::pin(stream))))),
        }
    }

    /// Sets the media type of the part (`text/csv`, `application/zip`, …).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// Sets the file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }
}

/// The media type for a file name, from a short table of the types ISC uploads take.
fn guess_content_type(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => "text/csv",
        "txt" => "text/plain",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "jar" => "application/java-archive",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "gif" => "image/gif",
        _ => "application/octet-stream",
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text {
        name: String,
        value: String,
        content_type: Option<&'static str>,
    },
    File {
        name: String,
        file: FilePart,
    },
}

/// A `multipart/form-data` body under construction, with a random boundary.
#[derive(Debug, Clone)]
pub struct Multipart {
    pub(crate) boundary: String,
    pub(crate) parts: Vec<Part>,
    /// The first part that could not be encoded; kept so the builder stays infallible, and
    /// returned by `execute` as `Error::Encode`.
    pub(crate) error: Option<String>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty body with a fresh random boundary (30 alphanumeric characters, which no part
    /// is likely to contain; RFC 2046 allows up to 70).
    pub fn new() -> Self {
        let random: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(30)
            .map(char::from)
            .collect();
        Self {
            boundary: format!("sailpoint-{random}"),
            parts: Vec::new(),
            error: None,
        }
    }

    /// Adds a text part, sent without a `Content-Type` (which means `text/plain`).
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part::Text {
            name: name.into(),
            value: value.into(),
            content_type: None,
        });
        self
    }

    /// Adds a part holding a JSON document (an object or array field of a form). A value
    /// that cannot be serialised fails the call with `Error::Encode` naming the part.
    pub fn json<T: serde::Serialize + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Self {
        let name = name.into();
        match serde_json::to_string(value) {
            Ok(value) => self.parts.push(Part::Text {
                name,
                value,
                content_type: Some("application/json"),
            }),
            Err(e) => {
                self.error
                    .get_or_insert(format!("could not serialise the form part `{name}`: {e}"));
            }
        }
        self
    }

    /// Adds a file part.
    pub fn file(mut self, name: impl Into<String>, file: FilePart) -> Self {
        self.parts.push(Part::File {
            name: name.into(),
            file,
        });
        self
    }

    /// The boundary between parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header value, naming the boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The head of one part: the boundary line and its headers, ending with the blank line.
    pub(crate) fn part_head(&self, index: usize) -> Bytes {
        let mut head = String::new();
        if index > 0 {
            head.push_str("\r\n");
        }
        head.push_str("--");
        head.push_str(&self.boundary);
        head.push_str("\r\nContent-Disposition: form-data; name=\"");
        match &self.parts[index] {
            Part::Text {
                name, content_type, ..
            } => {
                head.push_str(&escape_quoted(name));
                head.push('"');
                if let Some(content_type) = content_type {
                    head.push_str("\r\nContent-Type: ");
                    head.push_str(content_type);
                }
            }
            Part::File { name, file } => {
                head.push_str(&escape_quoted(name));
                head.push('"');
                // A file part always names a file: servers tell files from fields by it.
                head.push_str("; filename=\"");
                head.push_str(&escape_quoted(file.file_name.as_deref().unwrap_or("file")));
                head.push('"');
                head.push_str("\r\nContent-Type: ");
                head.push_str(&strip_line_breaks(&file.content_type));
            }
        }
        head.push_str("\r\n\r\n");
        Bytes::from(head)
    }

    /// The closing boundary line.
    pub(crate) fn tail(&self) -> Bytes {
        let lead = if self.parts.is_empty() { "" } else { "\r\n" };
        Bytes::from(format!("{lead}--{}--\r\n", self.boundary))
    }
}

/// Escapes a name for a quoted `Content-Disposition` parameter as browsers do (the WHATWG
/// HTML standard): `"` and line breaks are percent-encoded, so a name cannot end the header.
fn escape_quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn strip_line_breaks(value: &str) -> String {
    value.replace(['\r', '\n'], "")
}

/// Everything but `*-._` and alphanumerics is percent-encoded, as the WHATWG
/// `application/x-www-form-urlencoded` serializer does (spaces become `+` separately).
const FORM_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b' ');

/// An `application/x-www-form-urlencoded` body: name–value pairs in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlEncoded {
    pairs: Vec<(String, String)>,
    /// The first value that could not be encoded, returned by `execute` as `Error::Encode`.
    pub(crate) error: Option<String>,
}

impl UrlEncoded {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a pair; repeatable, order is kept.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.pairs.push((name.into(), value.into()));
        self
    }

    /// Adds a pair whose value is the JSON text of `value` (an object field of a form). A
    /// value that cannot be serialised fails the call with `Error::Encode` naming the field.
    pub fn json<T: serde::Serialize + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Self {
        let name = name.into();
        match serde_json::to_string(value) {
            Ok(value) => self.pairs.push((name, value)),
            Err(e) => {
                self.error
                    .get_or_insert(format!("could not serialise the form field `{name}`: {e}"));
            }
        }
        self
    }

    /// The encoded body.
    pub fn encode(&self) -> String {
        let encode = |s: &str| {
            utf8_percent_encode(s, FORM_SET)
                .to_string()
                .replace(' ', "+")
        };
        self.pairs
            .iter()
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_follows_the_form_serializer() {
        let form = UrlEncoded::new()
            .text("disableOptimization", "true")
            .text("a b", "x&y=z+é*-._~");
        assert_eq!(
            form.encode(),
            "disableOptimization=true&a+b=x%26y%3Dz%2B%C3%A9*-._%7E"
        );
        assert_eq!(UrlEncoded::new().encode(), "");
    }

    #[test]
    fn boundaries_are_random_and_named_in_the_content_type() {
        let (a, b) = (Multipart::new(), Multipart::new());
        assert_ne!(a.boundary(), b.boundary());
        assert_eq!(a.boundary().len(), "sailpoint-".len() + 30);
        assert_eq!(
            a.content_type(),
            format!("multipart/form-data; boundary={}", a.boundary())
        );
    }

    #[test]
    fn part_heads_escape_names_and_always_name_files() {
        let form = Multipart::new()
            .text("say \"hi\"\r\n", "v")
            .file(
                "file",
                FilePart::from_bytes("a.csv", "x").file_name("a\"b.csv"),
            )
            .file(
                "icon",
                FilePart::from_bytes("i.png", "x").content_type("image/png\r\nX: y"),
            );
        let b = form.boundary().to_owned();
        assert_eq!(
            form.part_head(0),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"say %22hi%22%0D%0A\"\r\n\r\n")
        );
        assert_eq!(
            form.part_head(1),
            format!("\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.csv\"\r\nContent-Type: text/csv\r\n\r\n")
        );
        assert!(form
            .part_head(2)
            .ends_with(b"Content-Type: image/pngX: y\r\n\r\n"));
        assert_eq!(form.tail(), format!("\r\n--{b}--\r\n"));
        assert_eq!(
            Multipart::new().tail().len(),
            "--sailpoint---\r\n".len() + 30
        );
    }

    #[test]
    fn content_types_are_guessed_from_the_extension() {
        assert_eq!(guess_content_type("Accounts.CSV"), "text/csv");
        assert_eq!(
            guess_content_type("connector.jar"),
            "application/java-archive"
        );
        assert_eq!(guess_content_type("noext"), "application/octet-stream");
    }
}
