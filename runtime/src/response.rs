//! The final response of a call, whatever its status, and the helpers generated code uses to
//! turn it into a typed result.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::decode::{decode_json, decode_lenient, DecodeError, Excerpt};
use crate::error::{header_str, ApiError, Error, ErrorBody, REQUEST_ID_HEADER};
use crate::secret::Redactor;

/// A fully read response. Non-2xx statuses are not errors at this level: generated code maps
/// each status to its documented type.
#[derive(Clone)]
pub struct Response {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The credentials the call used, masked in every body text an error keeps and in `Debug`.
    redactor: Redactor,
    /// Whether a value that does not fit the expected type fails the decode.
    strict: bool,
}

// The body is shown as a masked excerpt: a server may echo a credential back.
impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("request_id", &header_str(&self.headers, REQUEST_ID_HEADER))
            .field("len", &self.body.len())
            .field("body", &Excerpt(&self.redactor.mask(&self.body)))
            .finish()
    }
}

/// A decoded body together with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> ApiResponse<T> {
    /// The `X-Total-Count` header, sent by list operations called with `count=true`.
    pub fn total_count(&self) -> Option<u64> {
        self.headers
            .get("x-total-count")?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }
}

impl Response {
    /// Builds a response; used by the client and handy in tests of generated code.
    pub fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        Self {
            operation,
            status,
            headers,
            body,
            redactor: Redactor::default(),
            strict: false,
        }
    }

    /// Whether [`json`](Self::json) fails on a value that does not fit (see
    /// `ClientBuilder::strict_decoding`); the client sets it.
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    pub(crate) fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
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

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the raw body.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Decodes the body as JSON. By default a value that does not fit (wrong type, a `null`
    /// the description forbids) is dropped with a `tracing` warning naming the operation and
    /// the JSON path; with strict decoding it fails the call. A failure is [`Error::Decode`]
    /// naming the JSON path, with the operation, status and the body.
    pub fn json<T: DeserializeOwned, E: ErrorBody>(&self) -> Result<T, Error<E>> {
        let decoded = if self.strict {
            decode_json(&self.body)
        } else {
            decode_lenient(&self.body, self.operation)
        };
        decoded.map_err(|e| Error::Decode(self.decode_context(e)))
    }

    /// The body as any JSON value, whatever the operation declares: the escape hatch for a
    /// response the typed path rejects. An empty body is `null`.
    pub fn value(&self) -> Result<serde_json::Value, DecodeError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        decode_json(&self.body).map_err(|e| self.decode_context(e))
    }

    /// Like [`Response::json`], keeping the status and headers.
    pub fn json_full<T: DeserializeOwned, E: ErrorBody>(self) -> Result<ApiResponse<T>, Error<E>> {
        let body = self.json::<T, E>()?;
        Ok(ApiResponse {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// For responses without content; the body, if any, is ignored.
    pub fn empty<E: ErrorBody>(&self) -> Result<(), Error<E>> {
        Ok(())
    }

    /// Turns an error response into [`Error::Api`] with the body decoded by `E`. A body `E`
    /// cannot decode (an HTML page from a proxy) is still an API error, with no decoded body
    /// and the decode error kept: callers match the status, not the body's shape.
    pub fn into_error<E: ErrorBody>(self) -> Error<E> {
        let body = E::decode(self.status, &self.body).map_err(|e| self.decode_context(e));
        let text = self.redactor.mask(&self.body);
        Error::Api(ApiError::with_text(
            self.operation,
            self.status,
            self.headers,
            body,
            text,
            self.redactor,
        ))
    }

    fn decode_context(&self, error: DecodeError) -> DecodeError {
        error
            .with_body_text(self.operation, self.status, self.redactor.mask(&self.body))
            .with_request_id(header_str(&self.headers, REQUEST_ID_HEADER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert("x-total-count", "42".parse().unwrap());
        headers.insert("slpt-request-id", "req-1".parse().unwrap());
        Response::new(
            "listAccounts",
            StatusCode::from_u16(status).unwrap(),
            headers,
            Bytes::from(body.to_owned()),
        )
    }

    #[test]
    fn json_full_keeps_total_count() {
        let full = response(200, "[1,2]").json_full::<Vec<u8>, ()>().unwrap();
        assert_eq!(full.body, [1, 2]);
        assert_eq!(full.total_count(), Some(42));
    }

    #[test]
    fn into_error_decodes_the_body() {
        let err = response(400, r#"{"detailCode":"400.1"}"#).into_error::<serde_json::Value>();
        let Error::Api(api) = err else {
            panic!("expected an API error, got {err:?}")
        };
        assert_eq!(api.status(), StatusCode::BAD_REQUEST);
        assert_eq!(api.request_id(), Some("req-1"));
        assert_eq!(api.body().unwrap()["detailCode"], "400.1");
        assert_eq!(api.operation(), "listAccounts");
    }

    #[test]
    fn into_error_with_undecodable_body_is_an_api_error() {
        let err = response(403, "<html>denied</html>").into_error::<serde_json::Value>();
        let Error::Api(api) = &err else {
            panic!("expected an API error, got {err:?}")
        };
        assert_eq!(api.status(), StatusCode::FORBIDDEN);
        assert!(api.body().is_none());
        assert_eq!(api.body_text(), "<html>denied</html>");
        assert_eq!(api.request_id(), Some("req-1"));
        let decode = api.decode_error().expect("the decode error is kept");
        assert_eq!(decode.status(), Some(StatusCode::FORBIDDEN));
        assert_eq!(decode.body(), Some("<html>denied</html>"));
        assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
    }

    #[test]
    fn credentials_are_masked_in_error_texts_and_debug() {
        let echoed = r#"{"echo":"Bearer tok\/en+1"}"#;
        let response =
            response(400, echoed).with_redactor(Redactor::new([crate::Secret::new("tok/en+1")]));
        assert!(!format!("{response:?}").contains("tok"), "{response:?}");
        let err = response.into_error::<serde_json::Value>();
        let Error::Api(api) = &err else {
            panic!("expected an API error, got {err:?}")
        };
        assert_eq!(api.body_text(), r#"{"echo":"Bearer [redacted]"}"#);
        assert!(!format!("{err} {err:?}").contains("tok"), "{err:?}");
    }
}
