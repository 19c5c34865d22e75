//! The error type every operation returns, and the error bodies generated code decodes.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::decode::DecodeError;
use crate::failure::{
    BodyTooLargeError, ExperimentalNotEnabledError, PaginationError, RetryAfterTooLongError,
};

/// The header SailPoint uses to identify a request in its logs; worth quoting in a support case.
pub const REQUEST_ID_HEADER: &str = "slpt-request-id";

/// Decodes an operation's error response body into the generated error enum.
///
/// Generated code implements this for each operation's error type, matching on the status it
/// documents and keeping anything else as raw bytes.
pub trait ErrorBody: Sized + Send + Sync + fmt::Debug + 'static {
    /// Decodes `body`, received with `status`.
    fn decode(status: StatusCode, body: &[u8]) -> Result<Self, DecodeError>;
}

/// Ignores the body: for callers that only care about the status.
impl ErrorBody for () {
    fn decode(_status: StatusCode, _body: &[u8]) -> Result<Self, DecodeError> {
        Ok(())
    }
}

/// Any JSON; an empty body becomes `null` since many error responses have none.
impl ErrorBody for serde_json::Value {
    fn decode(_status: StatusCode, body: &[u8]) -> Result<Self, DecodeError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        crate::decode::decode_json(body)
    }
}

/// Everything that can go wrong with an API call. `E` is the operation's error body type.
///
/// Neither `Display` nor `Debug` shows credentials: they are never stored here.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status the caller treats as an error.
    Api(ApiError<E>),
    /// The request could not be sent, or the response could not be read.
    Transport(TransportError),
    /// A connect, per-attempt or overall timeout expired.
    Timeout(TimeoutError),
    /// A response body did not have the expected shape.
    Decode(DecodeError),
    /// The client configuration is missing or invalid.
    Config(ConfigError),
    /// An access token could not be obtained.
    Auth(AuthError),
    /// The request could not be encoded (body serialisation, header value, path).
    Encode(EncodeError),
    /// The operation is experimental and the client was not built with `experimental(true)`.
    ExperimentalNotEnabled(ExperimentalNotEnabledError),
    /// The server asked to wait longer than the configured limit before retrying.
    RetryAfterTooLong(RetryAfterTooLongError),
    /// The response body was larger than the configured limit.
    BodyTooLarge(BodyTooLargeError),
    /// A paginated listing went wrong (for example a server that ignores `offset`).
    Pagination(PaginationError),
}

impl<E> Error<E> {
    /// The HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => e.status(),
            Error::RetryAfterTooLong(e) => Some(e.status),
            Error::BodyTooLarge(e) => Some(e.status),
            _ => None,
        }
    }

    /// The operation id, when known.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api(e) => Some(e.operation()),
            Error::Transport(e) => Some(e.operation),
            Error::Timeout(e) => Some(e.operation),
            Error::Decode(e) => e.operation(),
            Error::Encode(e) => Some(e.operation),
            Error::ExperimentalNotEnabled(e) => Some(e.operation),
            Error::RetryAfterTooLong(e) => Some(e.operation),
            Error::BodyTooLarge(e) => Some(e.operation),
            Error::Config(_) | Error::Auth(_) | Error::Pagination(_) => None,
        }
    }

    /// The error body, for [`Error::Api`].
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api(e) => e.body(),
            _ => None,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => fmt::Display::fmt(e, f),
            Error::Timeout(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Config(e) => fmt::Display::fmt(e, f),
            Error::Auth(e) => fmt::Display::fmt(e, f),
            Error::Encode(e) => fmt::Display::fmt(e, f),
            Error::ExperimentalNotEnabled(e) => fmt::Display::fmt(e, f),
            Error::RetryAfterTooLong(e) => fmt::Display::fmt(e, f),
            Error::BodyTooLarge(e) => fmt::Display::fmt(e, f),
            Error::Pagination(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: fmt::Debug> StdError for Error<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Timeout(e) => Some(e),
            Error::Decode(e) => Some(e),
            Error::Config(e) => Some(e),
            Error::Auth(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::ExperimentalNotEnabled(e) => Some(e),
            Error::RetryAfterTooLong(e) => Some(e),
            Error::BodyTooLarge(e) => Some(e),
            Error::Pagination(e) => Some(e),
            Error::Api(_) => None,
        }
    }
}

impl<E> From<ConfigError> for Error<E> {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl<E> From<DecodeError> for Error<E> {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

/// A response whose status the caller maps to an error, with its decoded body when it
/// decoded.
///
/// An error status whose body is not what the operation declares (an HTML 403 from a proxy)
/// is still an API error: [`body`](Self::body) is `None`, [`decode_error`](Self::decode_error)
/// says why, and the status, headers and body text are kept.
// Boxed so that `Result<_, Error<E>>` stays small whatever `E` is.
pub struct ApiError<E>(Box<ApiErrorInner<E>>);

struct ApiErrorInner<E> {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Option<E>,
    decode_error: Option<DecodeError>,
    text: String,
    /// Masks the credentials in the decoded body's `Debug` output too.
    redactor: crate::secret::Redactor,
}

impl<E> ApiError<E> {
    /// Builds an API error with a decoded body; `raw_body` is kept as text.
    pub fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: E,
        raw_body: &[u8],
    ) -> Self {
        let text = String::from_utf8_lossy(raw_body).into_owned();
        Self::with_text(
            operation,
            status,
            headers,
            Ok(body),
            text,
            Default::default(),
        )
    }

    /// Builds an API error from a body that was decoded, or that failed to decode, and the
    /// body text (with credentials already masked by the client).
    pub(crate) fn with_text(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Result<E, DecodeError>,
        text: String,
        redactor: crate::secret::Redactor,
    ) -> Self {
        let (body, decode_error) = match body {
            Ok(body) => (Some(body), None),
            Err(e) => (None, Some(e)),
        };
        Self(Box::new(ApiErrorInner {
            operation,
            status,
            headers,
            body,
            decode_error,
            text,
            redactor,
        }))
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The decoded error body; `None` when the body did not decode (see
    /// [`decode_error`](Self::decode_error) and [`body_text`](Self::body_text)).
    pub fn body(&self) -> Option<&E> {
        self.0.body.as_ref()
    }

    /// Takes the decoded error body.
    pub fn into_body(self) -> Option<E> {
        self.0.body
    }

    /// Why the body did not decode into the operation's error type, when it did not.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        self.0.decode_error.as_ref()
    }

    /// The operation id.
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The `Slpt-Request-Id` header.
    pub fn request_id(&self) -> Option<&str> {
        header_str(&self.0.headers, REQUEST_ID_HEADER)
    }

    /// The raw `Retry-After` header.
    pub fn retry_after(&self) -> Option<&str> {
        header_str(&self.0.headers, http::header::RETRY_AFTER.as_str())
    }

    /// The whole body as text (invalid UTF-8 replaced), credentials masked.
    pub fn body_text(&self) -> &str {
        &self.0.text
    }

    /// The start of [`body_text`](Self::body_text): at most 512 bytes, cut on a character
    /// boundary.
    pub fn body_excerpt(&self) -> &str {
        crate::decode::excerpt(&self.0.text)
    }
}

/// Text shown as is by `Debug`.
struct Masked(String);

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

// Headers are left out on purpose: only the two that matter for support are shown.
impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.0.operation)
            .field("status", &self.0.status)
            .field("request_id", &self.request_id())
            .field("retry_after", &self.retry_after())
            .field(
                "body",
                &Masked(
                    self.0
                        .redactor
                        .mask(format!("{:?}", self.0.body).as_bytes()),
                ),
            )
            .field("decode_error", &self.0.decode_error)
            .field("excerpt", &crate::decode::Excerpt(&self.0.text))
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with status {}",
            self.0.operation, self.0.status
        )?;
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// What a transport failure interrupted, which decides whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was made: the request provably did not reach the server.
    Connect,
    /// The connection failed while sending or before the response head arrived.
    Request,
    /// The response head arrived but its body could not be read.
    Body,
}

/// A network-level failure.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: {}", match .kind {
    TransportErrorKind::Connect => "could not connect to the server",
    TransportErrorKind::Request => "the connection failed before a response arrived",
    TransportErrorKind::Body => "the connection failed while reading the response body",
})]
pub struct TransportError {
    /// The operation id.
    pub operation: &'static str,
    /// What the failure interrupted.
    pub kind: TransportErrorKind,
    #[source]
    pub(crate) source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(
        operation: &'static str,
        kind: TransportErrorKind,
        source: reqwest::Error,
    ) -> Self {
        Self {
            operation,
            kind,
            source,
        }
    }
}

/// Which timeout expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection.
    Connect,
    /// One attempt (send plus reading the whole body).
    Attempt,
    /// The overall deadline across all attempts and waits.
    Deadline,
}

/// A timeout.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {} timed out after {}ms", match .kind {
    TimeoutKind::Connect => "connecting",
    TimeoutKind::Attempt => "the attempt",
    TimeoutKind::Deadline => "the call",
}, .after.as_millis())]
pub struct TimeoutError {
    /// The operation id.
    pub operation: &'static str,
    /// Which timeout expired.
    pub kind: TimeoutKind,
    /// The configured duration.
    pub after: Duration,
}

/// The request could not be encoded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: could not encode the request: {message}")]
pub struct EncodeError {
    /// The operation id.
    pub operation: &'static str,
    /// What was wrong.
    pub message: String,
}

/// An access token could not be obtained from the token endpoint.
///
/// The excerpt has the client secret masked in case a server echoes the form back.
#[derive(Debug, thiserror::Error)]
#[error("could not obtain an access token: {message}{}", .status.map(|s| format!(" (status {s})")).unwrap_or_default())]
pub struct AuthError {
    /// The token endpoint's status, if it answered.
    pub status: Option<StatusCode>,
    /// What went wrong.
    pub message: String,
    /// The start of the token endpoint's body, if it answered.
    pub excerpt: Option<String>,
    #[source]
    pub(crate) source: Option<reqwest::Error>,
}

impl AuthError {
    /// Whether trying again later may help: no answer at all, or a 408, 429 or 5xx.
    pub fn is_transient(&self) -> bool {
        self.status
            .is_none_or(|s| s.is_server_error() || matches!(s.as_u16(), 408 | 429))
    }
}

/// Missing or invalid client configuration. Messages name the source that was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No source had any configuration.
    #[error("no SailPoint configuration found; looked at {tried}")]
    NotFound {
        /// Every source consulted, with why it was skipped.
        tried: String,
    },
    /// A source was found but lacks required settings.
    #[error("configuration from {source_name} is incomplete: missing {missing}")]
    Missing {
        /// The source that was read.
        source_name: String,
        /// The settings that are missing.
        missing: String,
    },
    /// A source could not be read or parsed.
    #[error("configuration from {source_name} is malformed: {message}")]
    Malformed {
        /// The source that was read.
        source_name: String,
        /// What was wrong (never includes credential values).
        message: String,
    },
    /// A setting has an invalid value.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The setting.
        field: &'static str,
        /// Why it is invalid.
        reason: String,
    },
}
