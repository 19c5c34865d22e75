//! The final response of a call, whatever its status, and the helpers generated code uses to
//! turn it into a typed result.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::decode::{decode_json, DecodeError};
use crate::error::{header_str, ApiError, Error, ErrorBody, REQUEST_ID_HEADER};

/// A fully read response. Non-2xx statuses are not errors at this level: generated code maps
/// each status to its documented type.
#[derive(Debug, Clone)]
pub struct Response {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
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

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the raw body.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Decodes the body as JSON. A failure is [`Error::Decode`] naming the JSON path, with the
    /// operation, status and a bounded body excerpt.
    pub fn json<T: DeserializeOwned, E: ErrorBody>(&self) -> Result<T, Error<E>> {
        decode_json(&self.body).map_err(|e| Error::Decode(self.decode_context(e)))
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

    /// Turns an error response into [`Error::Api`] with the body decoded by `E`, or into
    /// [`Error::Decode`] if `E` cannot decode it.
    pub fn into_error<E: ErrorBody>(self) -> Error<E> {
        match E::decode(self.status, &self.body) {
            Ok(body) => Error::Api(ApiError::new(
                self.operation,
                self.status,
                self.headers,
                body,
                &self.body,
            )),
            Err(e) => Error::Decode(self.decode_context(e)),
        }
    }

    fn decode_context(&self, error: DecodeError) -> DecodeError {
        error
            .with_response(self.operation, self.status, &self.body)
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
        assert_eq!(api.body()["detailCode"], "400.1");
        assert_eq!(api.operation(), "listAccounts");
    }

    #[test]
    fn into_error_with_undecodable_body_is_a_decode_error() {
        let err = response(500, "<html>oops</html>").into_error::<serde_json::Value>();
        let Error::Decode(decode) = &err else {
            panic!("expected a decode error, got {err:?}")
        };
        assert_eq!(decode.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(decode.body_excerpt(), Some("<html>oops</html>"));
        assert_eq!(decode.request_id(), Some("req-1"));
        assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    }
}
