//! The description of one API call, built by generated code and sent by `Client::execute`.

use std::time::Duration;

use bytes::Bytes;

use crate::body::RequestBody;
use crate::form::{Multipart, UrlEncoded};
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 "unreserved" characters is encoded, in path segments and in query
/// names and values alike. That is stricter than required, and always safe.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment, keeping only RFC 3986 unreserved characters, so an id
/// containing `/`, `?` or `#` cannot change the route.
pub fn encode_path_segment(segment: &str) -> String {
    utf8_percent_encode(segment, UNRESERVED).to_string()
}

pub(crate) fn encode_query_component(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// One API call: operation id, API version path, method, path relative to the version's root,
/// query, headers and body.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) version_path: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) accept: Option<&'static str>,
    pub(crate) body: Option<Result<RequestBody, String>>,
    pub(crate) experimental: bool,
    pub(crate) anonymous: bool,
    pub(crate) options: CallOptions,
}

/// Settings for one call, set by the caller on an operation's builder (the Python SDK's
/// `_request_timeout` and `_headers`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: Vec<(String, String)>,
}

impl CallOptions {
    /// No per-call settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The per-attempt timeout of this call, in place of the client's
    /// [`attempt_timeout`](crate::ClientBuilder::attempt_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent with this call; it replaces a header of the same name set by the client
    /// or the operation. An `Authorization` header replaces the client's bearer token. An
    /// invalid name or value fails the call with `Error::Encode` naming the header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

impl Request {
    /// A request for `operation` (its OpenAPI operation id). `path` is relative to the API
    /// version's root and its parameters must already be encoded with [`encode_path_segment`].
    /// No version path is added until [`version_path`](Self::version_path) sets one.
    pub fn new(operation: &'static str, method: Method, path: impl Into<String>) -> Self {
        Self {
            operation,
            version_path: "",
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            accept: None,
            body: None,
            experimental: false,
            anonymous: false,
            options: CallOptions::default(),
        }
    }

    /// The caller's per-call settings (timeout, extra headers).
    pub fn options(mut self, options: &CallOptions) -> Self {
        self.options = options.clone();
        self
    }

    /// The API version the operation belongs to (`/v2025`), added after the tenant's base
    /// URL; a client built with an API URL (a mock server) leaves it out.
    pub fn version_path(mut self, version_path: &'static str) -> Self {
        self.version_path = version_path;
        self
    }

    /// Adds a query parameter; repeatable, order is kept, the runtime percent-encodes.
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the `Accept` header.
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = Some(media_type);
        self
    }

    /// Serialises `body` as JSON now. A serialisation error is kept and returned by `execute`,
    /// so builders stay infallible.
    pub fn json_body<T: serde::Serialize + ?Sized>(
        mut self,
        content_type: &'static str,
        body: &T,
    ) -> Self {
        self.body = Some(
            serde_json::to_vec(body)
                .map(|bytes| RequestBody::bytes(content_type, Bytes::from(bytes)))
                .map_err(|e| format!("could not serialise the {content_type} body: {e}")),
        );
        self
    }

    /// Sets a body that is already encoded.
    pub fn bytes_body(mut self, content_type: &'static str, bytes: impl Into<Bytes>) -> Self {
        self.body = Some(Ok(RequestBody::bytes(content_type, bytes.into())));
        self
    }

    /// Sets a `multipart/form-data` body; its `Content-Type` names the form's boundary. Files
    /// given by path are read as the request is sent, on each attempt.
    pub fn multipart_body(mut self, mut form: Multipart) -> Self {
        self.body = Some(match form.error.take() {
            Some(error) => Err(error),
            None => Ok(RequestBody::multipart(form)),
        });
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body(mut self, form: &UrlEncoded) -> Self {
        if let Some(error) = &form.error {
            self.body = Some(Err(error.clone()));
            return self;
        }
        self.bytes_body("application/x-www-form-urlencoded", form.encode())
    }

    /// Marks an operation that needs no credentials: it is sent without a token, and none is
    /// fetched for it.
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// Marks an operation that needs `X-SailPoint-Experimental: true`.
    pub fn experimental(mut self) -> Self {
        self.experimental = true;
        self
    }

    /// The operation id.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path relative to the API root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path and encoded query, appended to the API root to form the URL.
    pub(crate) fn path_and_query(&self) -> Result<String, String> {
        let path = self.path.split(['?', '#']).next().unwrap_or_default();
        if path.len() != self.path.len() {
            return Err("the path must not contain `?` or `#`; use query() instead".to_owned());
        }
        // URL parsers collapse `.`/`..` segments (also when written `%2e`), which would send
        // the request to another resource; refuse instead.
        if path.split('/').any(is_dot_segment) {
            return Err(format!("the path `{path}` has a `.` or `..` segment"));
        }
        let mut out = String::with_capacity(path.len() + 1 + 32 * self.query.len());
        if !path.starts_with('/') {
            out.push('/');
        }
        out.push_str(path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&encode_query_component(name));
            out.push('=');
            out.push_str(&encode_query_component(value));
        }
        Ok(out)
    }
}

fn is_dot_segment(segment: &str) -> bool {
    [".", "..", "%2e", "%2e.", ".%2e", "%2e%2e"]
        .iter()
        .any(|dot| segment.eq_ignore_ascii_case(dot))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_keep_only_unreserved() {
        assert_eq!(encode_path_segment("abc-._~XYZ09"), "abc-._~XYZ09");
        assert_eq!(encode_path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment("%"), "%25");
    }

    #[test]
    fn query_is_encoded_in_order() {
        let r = Request::new("op", Method::GET, "/accounts")
            .query("filters", "name eq \"a&b\"")
            .query("limit", "10")
            .query("sorters", "-created,name");
        assert_eq!(
            r.path_and_query().unwrap(),
            "/accounts?filters=name%20eq%20%22a%26b%22&limit=10&sorters=-created%2Cname"
        );
    }

    #[test]
    fn dot_segments_and_raw_query_are_refused() {
        for id in [".", "..", "%2E", "%2e%2E"] {
            let r = Request::new("op", Method::DELETE, format!("/accounts/{id}"));
            assert!(r.path_and_query().is_err(), "{id}");
        }
        let encoded = format!("/accounts/{}", encode_path_segment(".."));
        assert!(Request::new("op", Method::GET, encoded)
            .path_and_query()
            .is_err());
        assert!(Request::new("op", Method::GET, "/a?b=c")
            .path_and_query()
            .is_err());
        assert_eq!(
            Request::new("op", Method::GET, "a/...")
                .path_and_query()
                .unwrap(),
            "/a/..."
        );
    }

    #[test]
    fn serialisation_errors_are_kept() {
        struct Bad;
        impl serde::Serialize for Bad {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("nope"))
            }
        }
        let r = Request::new("op", Method::POST, "/x").json_body("application/json", &Bad);
        assert!(matches!(r.body, Some(Err(ref m)) if m.contains("nope")));
    }

    #[test]
    fn debug_hides_body_content() {
        let r = Request::new("op", Method::POST, "/x").json_body("application/json", &"hunter2");
        let debug = format!("{r:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("len: 9"), "{debug}");
    }
}
