//! JSON decoding with the path of the failing field, and bounded body excerpts for errors.

use std::fmt;

use http::StatusCode;
use serde::de::DeserializeOwned;

/// How much of a body an error keeps: enough to recognise an HTML error page or a JSON error
/// message, small enough that errors stay cheap to log.
pub const EXCERPT_LIMIT: usize = 512;

/// A body that did not decode into the expected type.
// Boxed so that `Result<_, Error<E>>` stays small.
pub struct DecodeError(Box<DecodeInner>);

struct DecodeInner {
    path: String,
    message: String,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    request_id: Option<String>,
    body: Option<String>,
}

impl DecodeError {
    /// A decode error at `path` (a serde path such as `items[0].id`; `.` for the root).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self(Box::new(DecodeInner {
            path: path.into(),
            message: message.into(),
            operation: None,
            status: None,
            request_id: None,
            body: None,
        }))
    }

    /// Adds what is known about the response the body came from; the whole body is kept as
    /// text.
    pub fn with_response(self, operation: &'static str, status: StatusCode, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body).into_owned();
        self.with_body_text(operation, status, text)
    }

    /// Like [`with_response`](Self::with_response), with the body already as text (and the
    /// credentials masked, when the client does it).
    pub(crate) fn with_body_text(
        mut self,
        operation: &'static str,
        status: StatusCode,
        text: String,
    ) -> Self {
        self.0.operation = Some(operation);
        self.0.status = Some(status);
        self.0.body = Some(text);
        self
    }

    /// Adds the response's `Slpt-Request-Id`, which SailPoint support asks for.
    pub fn with_request_id(mut self, request_id: Option<&str>) -> Self {
        self.0.request_id = request_id.map(str::to_owned);
        self
    }

    /// The `Slpt-Request-Id` of the response, when known.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The JSON path of the value that failed, `.` for the document itself.
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// The decoder's message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The operation id, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.0.operation
    }

    /// The response status, when known.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// The whole body as text (invalid UTF-8 replaced, credentials masked), when known. It
    /// is no larger than the client's `max_response_bytes`.
    pub fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }

    /// The start of the body (at most 512 bytes, cut on a character boundary), when known.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.0.body.as_deref().map(excerpt)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.0.path)
            .field("message", &self.0.message)
            .field("operation", &self.0.operation)
            .field("status", &self.0.status)
            .field("request_id", &self.0.request_id)
            .field("excerpt", &self.0.body.as_deref().map(Excerpt))
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not decode ")?;
        match (self.0.operation, self.0.status) {
            (Some(op), Some(status)) => write!(f, "the {status} response of {op}")?,
            (Some(op), None) => write!(f, "the response of {op}")?,
            _ => f.write_str("the response")?,
        }
        write!(f, " at `{}`: {}", self.0.path, self.0.message)
    }
}

impl std::error::Error for DecodeError {}

/// Decodes a JSON body into `T`; on failure the error names the JSON path of the bad value.
///
/// Tracking the path costs about as much again as decoding (`cargo bench -p bench --bench
/// decode`), so the body is decoded plainly first and only a failure is decoded a second time
/// with the path tracked: bodies that decode, nearly all of them, pay nothing for it.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    // `from_slice` also refuses trailing characters, as the tracked decode below does.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => decode_json_tracked(body),
    }
}

/// The slow path of [`decode_json`]: the same decode, recording the path of the failing value.
fn decode_json_tracked<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        DecodeError::new(path, e.into_inner().to_string())
    })?;
    // Trailing garbage after a valid document means the body is not what we think it is.
    de.end().map_err(|e| DecodeError::new(".", e.to_string()))?;
    Ok(value)
}

/// `#[serde(deserialize_with)]` for an `Option` field that the description requires and does
/// not let be `null`, in a model a response reaches: `null` is refused, so that lenient
/// decoding drops it with a warning naming its path (the field is then `None`), and strict
/// decoding fails naming it. A missing field is `None` without a word (`#[serde(default)]`):
/// servers leave required fields out routinely.
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    match <Option<T> as serde::Deserialize>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(
            "null where the description requires a value",
        )),
    }
}

/// Decodes a response body into `T`, dropping what does not fit: a value of the wrong type, or
/// a `null` where the description forbids one, is removed (a field then decodes as `None` or
/// its default, an element is dropped from its array or map) and a `tracing` warning names the
/// operation and the JSON path. Malformed JSON is still an error.
///
/// Bodies that decode take the same single `serde_json` pass as [`decode_json`]; only a failed
/// one is parsed into a `serde_json::Value` and decoded again after each removal, so the cost
/// of leniency falls on the bodies that need it.
pub(crate) fn decode_lenient<T: DeserializeOwned>(
    body: &[u8],
    operation: &str,
) -> Result<T, DecodeError> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let Ok(mut tree) = serde_json::from_slice::<serde_json::Value>(body) else {
        return decode_json_tracked(body);
    };
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(&tree) {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let path = error.path().to_string();
        let message = error.inner().to_string();
        if !remove_at(&mut tree, error.path()) {
            return Err(DecodeError::new(path, message));
        }
        tracing::warn!(
            operation,
            path = %path,
            error = %message,
            "dropped a response value that does not fit the description"
        );
    }
}

/// Removes the value at `path` from its parent object or array; `false` when there is none
/// (the document itself failed, or the path goes through something else).
fn remove_at(tree: &mut serde_json::Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = tree;
    for segment in parents {
        let next = match (segment, node) {
            (Segment::Seq { index }, serde_json::Value::Array(items)) => items.get_mut(*index),
            (Segment::Map { key }, serde_json::Value::Object(map)) => map.get_mut(key.as_str()),
            _ => None,
        };
        let Some(next) = next else {
            return false;
        };
        node = next;
    }
    match (last, node) {
        (Segment::Seq { index }, serde_json::Value::Array(items)) if *index < items.len() => {
            items.remove(*index);
            true
        }
        (Segment::Map { key }, serde_json::Value::Object(map)) => {
            map.remove(key.as_str()).is_some()
        }
        _ => false,
    }
}

/// The start of `text`: at most [`EXCERPT_LIMIT`] bytes, cut on a character boundary.
pub(crate) fn excerpt(text: &str) -> &str {
    if text.len() <= EXCERPT_LIMIT {
        return text;
    }
    let mut end = EXCERPT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Shows an excerpt in `Debug` output, with `…` when something was cut, so that errors stay
/// short in logs however large the body they keep.
pub(crate) struct Excerpt<'a>(pub(crate) &'a str);

impl fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = excerpt(self.0);
        if cut.len() == self.0.len() {
            fmt::Debug::fmt(cut, f)
        } else {
            write!(f, "{:?}…", cut)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Page {
        #[allow(dead_code)] // Read through Debug only; the test is about decoding.
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)] // Read through Debug only; the test is about decoding.
        id: u32,
    }

    #[test]
    fn decode_error_names_the_json_path() {
        let err = decode_json::<Page>(br#"{"items":[{"id":1},{"id":"x"}]}"#).unwrap_err();
        assert_eq!(err.path(), "items[1].id");
        assert!(err.message().contains("invalid type"), "{}", err.message());
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Lenient {
        #[serde(default, deserialize_with = "non_null")]
        name: Option<String>,
        tags: Option<Vec<String>>,
        #[serde(default)]
        count: i64,
    }

    #[test]
    fn lenient_decoding_drops_what_does_not_fit() {
        for (body, expected) in [
            (
                r#"{"name": null, "tags": null}"#,
                Lenient {
                    name: None,
                    tags: None,
                    count: 0,
                },
            ),
            (
                r#"{"name": 12345, "tags": ["a", null, "b"], "count": null}"#,
                Lenient {
                    name: None,
                    tags: Some(vec!["a".into(), "b".into()]),
                    count: 0,
                },
            ),
            (
                r#"{"name": [], "tags": "x", "count": 3}"#,
                Lenient {
                    name: None,
                    tags: None,
                    count: 3,
                },
            ),
        ] {
            assert_eq!(
                decode_lenient::<Lenient>(body.as_bytes(), "op").unwrap(),
                expected
            );
        }
        // A document of the wrong shape, or malformed JSON, has nothing to drop.
        assert_eq!(
            decode_lenient::<Lenient>(b"[1]", "op").unwrap_err().path(),
            "."
        );
        assert!(decode_lenient::<Lenient>(b"{", "op").is_err());
        // Strict decoding names the path of the forbidden null.
        let err = decode_json::<Lenient>(br#"{"tags": [], "name": null}"#).unwrap_err();
        assert_eq!(err.path(), "name");
        assert!(
            err.message().contains("requires a value"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let err = decode_json::<Item>(br#"{"id":1} <html>"#).unwrap_err();
        assert_eq!(err.path(), ".");
    }

    #[test]
    fn excerpt_is_bounded_and_char_safe() {
        assert_eq!(excerpt("short"), "short");
        // 511 ASCII bytes, then a 3-byte character straddling the limit.
        let text = format!("{}€€", "a".repeat(511));
        assert_eq!(excerpt(&text), "a".repeat(511));
        assert_eq!(
            format!("{:?}", Excerpt(&text)),
            format!("\"{}\"…", "a".repeat(511))
        );
        assert_eq!(excerpt(&"x".repeat(10_000)).len(), EXCERPT_LIMIT);
    }

    #[test]
    fn the_whole_body_is_kept() {
        let body = format!("{{\"id\": \"{}", "x".repeat(10_000));
        let err = decode_json::<Item>(body.as_bytes())
            .unwrap_err()
            .with_response("getItem", StatusCode::OK, body.as_bytes());
        assert_eq!(err.body(), Some(body.as_str()));
        assert_eq!(err.body_excerpt().map(str::len), Some(EXCERPT_LIMIT));
    }

    #[test]
    fn display_includes_context() {
        let err = DecodeError::new("a.b", "missing field `c`").with_response(
            "getAccount",
            StatusCode::OK,
            b"{}",
        );
        assert_eq!(
            err.to_string(),
            "could not decode the 200 OK response of getAccount at `a.b`: missing field `c`"
        );
    }
}
