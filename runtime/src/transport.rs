//! Reading response bodies within a size limit, and sorting reqwest's errors into the kinds
//! the retry logic cares about.

use bytes::{Bytes, BytesMut};

use crate::error::{TimeoutKind, TransportErrorKind};

pub(crate) enum BodyError {
    /// The body is over the limit; reading stopped as soon as that was known.
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes: a declared
/// `Content-Length` over the limit is refused before reading, and a chunked body is counted
/// as it streams, so a huge body is never buffered.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, BodyError> {
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(BodyError::TooLarge);
    }
    let capacity = response
        .content_length()
        .unwrap_or(0)
        .min(limit)
        .min(1 << 20);
    let mut body = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// How a reqwest error should be reported and whether retrying is safe.
pub(crate) enum Classified {
    Timeout(TimeoutKind),
    Transport(TransportErrorKind),
}

/// Sorts a send error. Only a connect failure proves the request never reached the server.
pub(crate) fn classify_send_error(error: &reqwest::Error) -> Classified {
    match (error.is_connect(), error.is_timeout()) {
        (true, true) => Classified::Timeout(TimeoutKind::Connect),
        (true, false) => Classified::Transport(TransportErrorKind::Connect),
        (false, true) => Classified::Timeout(TimeoutKind::Attempt),
        (false, false) => Classified::Transport(TransportErrorKind::Request),
    }
}
