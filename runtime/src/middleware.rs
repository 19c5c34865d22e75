//! A hook around each attempt's HTTP exchange, in the form of `reqwest-middleware`'s
//! `Middleware` trait: a middleware gets the request and a [`Next`] that runs the rest of the
//! chain, so it can look at or change the request, time the exchange, or answer on its own.
//!
//! Own trait rather than a dependency on `reqwest-middleware`: its error type is an `anyhow`
//! wrapper, and the retry logic here sorts failures by `reqwest::Error` kind; keeping
//! `reqwest::Error` keeps that sorting exact. A `reqwest-middleware` middleware ports by
//! changing the signature only.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, as middleware returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a middleware returns: the response head (the body is read after the chain returns,
/// within the client's size limit), or the error of the exchange.
pub type MiddlewareResult = Result<reqwest::Response, reqwest::Error>;

/// A hook run around every attempt of every call, after authentication and before the
/// request is sent (retries and the 401 refresh run it again). Use it for metrics, logging or
/// custom authentication; register it with
/// [`ClientBuilder::middleware`](crate::ClientBuilder::middleware).
///
/// ```
/// use sailpoint_sdk_runtime::{BoxFuture, Middleware, MiddlewareResult, Next};
///
/// /// Adds a tenant header and logs each status.
/// struct Tag;
///
/// impl Middleware for Tag {
///     fn handle<'a>(
///         &'a self,
///         mut request: reqwest::Request,
///         next: Next<'a>,
///     ) -> BoxFuture<'a, MiddlewareResult> {
///         Box::pin(async move {
///             request.headers_mut().insert("x-tenant", "acme".parse().unwrap());
///             let operation = next.operation();
///             let response = next.run(request).await?;
///             println!("{operation}: {}", response.status());
///             Ok(response)
///         })
///     }
/// }
/// ```
pub trait Middleware: Send + Sync + 'static {
    /// Handles one attempt; call `next.run(request)` to go on to the server.
    fn handle<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, MiddlewareResult>;
}

/// The rest of the chain: the middleware after this one, then the HTTP client.
pub struct Next<'a> {
    client: &'a reqwest::Client,
    rest: &'a [Arc<dyn Middleware>],
    operation: &'static str,
    attempt: u32,
}

impl fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("middleware_left", &self.rest.len())
            .finish()
    }
}

impl<'a> Next<'a> {
    pub(crate) fn new(
        client: &'a reqwest::Client,
        chain: &'a [Arc<dyn Middleware>],
        operation: &'static str,
        attempt: u32,
    ) -> Self {
        Self {
            client,
            rest: chain,
            operation,
            attempt,
        }
    }

    /// The operation id of the call.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Which send this is, from 1 (retries and the resend after a token refresh count).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Runs the rest of the chain on `request`.
    pub fn run(self, request: reqwest::Request) -> BoxFuture<'a, MiddlewareResult> {
        match self.rest.split_first() {
            Some((first, rest)) => first.handle(request, Next { rest, ..self }),
            None => Box::pin(self.client.execute(request)),
        }
    }
}
