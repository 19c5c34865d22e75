//! The errors of a call that do not depend on the operation's error body type, one struct per
//! kind, and `Failure`, which the non-generic send loop returns.

use std::time::Duration;

use http::StatusCode;

use crate::error::{AuthError, EncodeError, Error, TimeoutError, TransportError};

/// The operation is experimental and the client was not built with `experimental(true)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{operation} is an experimental operation; build the client with experimental(true) to call it"
)]
#[non_exhaustive]
pub struct ExperimentalNotEnabledError {
    /// The operation id.
    pub operation: &'static str,
}

/// The server asked to wait longer than the configured limit before retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} returned {status} with Retry-After `{retry_after}`, longer than the {}s limit", .limit.as_secs())]
#[non_exhaustive]
pub struct RetryAfterTooLongError {
    /// The operation id.
    pub operation: &'static str,
    /// The status that carried the header (usually 429 or 503).
    pub status: StatusCode,
    /// The raw `Retry-After` value.
    pub retry_after: String,
    /// The delay it asked for.
    pub delay: Duration,
    /// The configured upper bound.
    pub limit: Duration,
    /// The `Slpt-Request-Id` of the response, if any.
    pub request_id: Option<String>,
}

/// The response body was larger than the configured limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} returned {status} with a body larger than the {limit}-byte limit")]
#[non_exhaustive]
pub struct BodyTooLargeError {
    /// The operation id.
    pub operation: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The configured limit in bytes.
    pub limit: u64,
}

/// A paginated listing went wrong (for example a server that ignores `offset`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pagination failed at offset {offset}: {reason}")]
#[non_exhaustive]
pub struct PaginationError {
    /// The offset of the page that showed the problem.
    pub offset: u32,
    /// What went wrong.
    pub reason: String,
}

impl PaginationError {
    pub(crate) fn new(offset: u32, reason: impl Into<String>) -> Self {
        Self {
            offset,
            reason: reason.into(),
        }
    }
}

/// The failures of `Client::execute`, which do not depend on the caller's error body type.
/// Keeping the transport loop non-generic avoids compiling it once per operation.
#[derive(Debug)]
pub(crate) enum Failure {
    Transport(TransportError),
    Timeout(TimeoutError),
    Auth(AuthError),
    Encode(EncodeError),
    ExperimentalNotEnabled(ExperimentalNotEnabledError),
    RetryAfterTooLong(RetryAfterTooLongError),
    BodyTooLarge(BodyTooLargeError),
}

impl<E> From<Failure> for Error<E> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Transport(e) => Error::Transport(e),
            Failure::Timeout(e) => Error::Timeout(e),
            Failure::Auth(e) => Error::Auth(e),
            Failure::Encode(e) => Error::Encode(e),
            Failure::ExperimentalNotEnabled(e) => Error::ExperimentalNotEnabled(e),
            Failure::RetryAfterTooLong(e) => Error::RetryAfterTooLong(e),
            Failure::BodyTooLarge(e) => Error::BodyTooLarge(e),
        }
    }
}
