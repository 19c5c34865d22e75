//! Runtime for the generated SailPoint Identity Security Cloud SDK.
//!
//! Generated code builds a [`Request`] per operation and hands it to [`Client::execute`], which
//! adds authentication, retries, timeouts, rate limiting and size limits, and returns the final
//! [`Response`] whatever its status. Generated code then maps the status to a typed body with
//! [`Response::json`], [`Response::empty`] or [`Response::into_error`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), sailpoint_sdk_runtime::Error<serde_json::Value>> {
//! use sailpoint_sdk_runtime as rt;
//!
//! let client = rt::Client::builder()
//!     .base_url("https://acme.api.identitynow.com")
//!     .client_credentials("client-id", "client-secret")
//!     .build()?;
//! let request = rt::Request::new("listAccounts", rt::Method::GET, "/accounts").query("limit", "10");
//! let response = client.execute::<serde_json::Value>(request).await?;
//! let accounts: serde_json::Value = match response.status().as_u16() {
//!     200 => response.json()?,
//!     _ => return Err(response.into_error()),
//! };
//! # let _ = accounts;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod auth;
mod body;
mod client;
pub mod clock;
mod config;
mod datetime;
mod decode;
mod download;
mod error;
mod failure;
mod form;
mod headers;
mod loader;
mod middleware;
mod pagination;
mod ratelimit;
mod request;
mod response;
mod retry;
mod search;
mod secret;
mod settings;
mod transport;

pub use bytes::Bytes;
pub use http::{HeaderMap, Method, StatusCode};
pub use time;

pub use client::{Client, EXPERIMENTAL_HEADER};
pub use clock::{Clock, FakeClock, FixedJitter, Jitter, RandomJitter, SystemClock};
pub use config::{ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use datetime::{parse_date, parse_date_time, Date, DateParseError, DateTime};
pub use decode::{decode_json, non_null, DecodeError, EXCERPT_LIMIT};
pub use download::{file_name_from_disposition, Download, DownloadError};
pub use error::{
    ApiError, AuthError, ConfigError, EncodeError, Error, ErrorBody, TimeoutError, TimeoutKind,
    TransportError, TransportErrorKind, REQUEST_ID_HEADER,
};
pub use failure::{
    BodyTooLargeError, ExperimentalNotEnabledError, PaginationError, RetryAfterTooLongError,
};
pub use form::{ByteStream, FilePart, Multipart, UrlEncoded};
pub use loader::{ConfigLoader, LoadedConfig, ENVIRONMENT_VAR};
pub use middleware::{BoxFuture, Middleware, MiddlewareResult, Next};
pub use pagination::{paginate, ItemStream, PageOptions, MAX_PAGE_SIZE};
pub use ratelimit::RateLimit;
pub use request::{encode_path_segment, CallOptions, Request};
pub use response::{ApiResponse, Response};
pub use retry::RetryPolicy;
pub use search::{
    search_sort, search_stream, SearchOptions, SearchPage, DEFAULT_SEARCH_PAGE_SIZE,
    MAX_SEARCH_PAGE_SIZE, SEARCH_WINDOW,
};
pub use secret::Secret;
pub use settings::Timeouts;
