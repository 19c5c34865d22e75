//! Request bodies as the client keeps them, and their encoding into an HTTP body per attempt.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, StreamExt};
use tokio::io::AsyncReadExt;

use crate::form::{ByteStream, FileSource, Multipart, Part};

/// How much of a file is read per chunk when a file part is sent.
const FILE_CHUNK: usize = 64 * 1024;

/// An encoded request body, or one encoded as it is sent (a multipart body with files).
#[derive(Clone)]
pub(crate) struct RequestBody {
    pub(crate) content_type: String,
    pub(crate) payload: Payload,
}

#[derive(Clone)]
pub(crate) enum Payload {
    Bytes(Bytes),
    Multipart(Arc<Multipart>),
}

// Bodies can carry credentials (a source's connection settings, say), so `Debug` shows their
// size only.
impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct("RequestBody");
        s.field("content_type", &self.content_type);
        match &self.payload {
            Payload::Bytes(bytes) => s.field("len", &bytes.len()),
            Payload::Multipart(form) => s.field("parts", &form.parts.len()),
        };
        s.finish()
    }
}

impl RequestBody {
    pub(crate) fn bytes(content_type: impl Into<String>, bytes: Bytes) -> Self {
        Self {
            content_type: content_type.into(),
            payload: Payload::Bytes(bytes),
        }
    }

    pub(crate) fn multipart(form: Multipart) -> Self {
        Self {
            content_type: form.content_type(),
            payload: Payload::Multipart(Arc::new(form)),
        }
    }

    /// The body of one attempt. A multipart body whose parts are all in memory is one buffer
    /// (sent with a `Content-Length`); one with files or streams is streamed, each file opened
    /// now, per attempt. Fails when a stream part was already sent by an earlier attempt.
    pub(crate) fn for_attempt(&self) -> Result<reqwest::Body, String> {
        let form = match &self.payload {
            Payload::Bytes(bytes) => return Ok(reqwest::Body::from(bytes.clone())),
            Payload::Multipart(form) => form,
        };
        let mut segments = Vec::with_capacity(form.parts.len() * 2 + 1);
        for (index, part) in form.parts.iter().enumerate() {
            segments.push(Segment::Ready(form.part_head(index)));
            segments.push(match part {
                Part::Text { value, .. } => Segment::Ready(Bytes::from(value.clone())),
                Part::File { name, file } => match &file.source {
                    FileSource::Bytes(bytes) => Segment::Ready(bytes.clone()),
                    FileSource::Path(path) => Segment::File(path.clone()),
                    FileSource::Stream(shared) => {
                        let taken = shared
                            .lock()
                            .map_err(|_| format!("the stream of form part `{name}` is poisoned"))?
                            .take();
                        Segment::Stream(taken.ok_or_else(|| {
                            format!(
                                "the stream of form part `{name}` was sent by an earlier attempt and cannot be sent again"
                            )
                        })?)
                    }
                },
            });
        }
        segments.push(Segment::Ready(form.tail()));
        if segments.iter().all(|s| matches!(s, Segment::Ready(_))) {
            let mut buffer = BytesMut::new();
            for segment in segments {
                if let Segment::Ready(bytes) = segment {
                    buffer.extend_from_slice(&bytes);
                }
            }
            return Ok(reqwest::Body::from(buffer.freeze()));
        }
        let chunks = stream::iter(segments).flat_map(|segment| -> ByteStream {
            match segment {
                Segment::Ready(bytes) => Box::pin(stream::once(async move { Ok(bytes) })),
                Segment::File(path) => read_file(path),
                Segment::Stream(stream) => stream,
            }
        });
        Ok(reqwest::Body::wrap_stream(chunks))
    }

    /// Whether every attempt can send the body again (a stream part can be sent once).
    pub(crate) fn is_replayable(&self) -> bool {
        match &self.payload {
            Payload::Bytes(_) => true,
            Payload::Multipart(form) => form.parts.iter().all(|part| {
                !matches!(part, Part::File { file, .. } if matches!(file.source, FileSource::Stream(_)))
            }),
        }
    }
}

enum Segment {
    Ready(Bytes),
    File(PathBuf),
    Stream(ByteStream),
}

/// A file as a stream of chunks, opened on first poll. Errors name the path.
fn read_file(path: PathBuf) -> ByteStream {
    let with_path = |path: &PathBuf, e: std::io::Error| {
        std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
    };
    Box::pin(stream::unfold(
        (path, None::<tokio::fs::File>, false),
        move |(path, file, done)| async move {
            if done {
                return None;
            }
            let mut file = match file {
                Some(file) => file,
                None => match tokio::fs::File::open(&path).await {
                    Ok(file) => file,
                    Err(e) => return Some((Err(with_path(&path, e)), (path, None, true))),
                },
            };
            let mut buffer = BytesMut::with_capacity(FILE_CHUNK);
            match file.read_buf(&mut buffer).await {
                Ok(0) => None,
                Ok(_) => Some((Ok(buffer.freeze()), (path, Some(file), false))),
                Err(e) => Some((Err(with_path(&path, e)), (path, None, true))),
            }
        },
    ))
}
