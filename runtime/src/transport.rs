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
/// `Content-Length` over the limit is refused before reading, and a chunked body (or one whose
/// length was stripped by a decoder) is counted as it streams, so a huge body is never buffered.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, BodyError> {
    match response.content_length() {
        Some(len) if len > limit => return Err(BodyError::TooLarge),
        // hyper reads a body with a declared length up to that length and no further, so
        // reqwest may collect it in one go: no chunk loop, and no copy of a single chunk.
        Some(_) => return response.bytes().await.map_err(BodyError::Transport),
        None => {}
    }
    let mut body = BytesMut::new();
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
