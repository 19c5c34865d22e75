//! `Client::execute`: authentication, retries, timeouts and limits around one API call.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, RETRY_AFTER};
use http::{HeaderMap, HeaderValue};
use tracing::Instrument;

use crate::auth::{Auth, Bearer, TokenContext};
use crate::body::RequestBody;
use crate::clock::{Clock, Jitter};
use crate::download::{Download, Received};
use crate::error::{
    header_str, AuthError, EncodeError, Error, ErrorBody, TimeoutError, TimeoutKind,
    TransportError, TransportErrorKind, REQUEST_ID_HEADER,
};
use crate::failure::{
    BodyTooLargeError, ExperimentalNotEnabledError, Failure, RetryAfterTooLongError,
};
use crate::ratelimit::RateLimiter;
use crate::request::Request;
use crate::response::Response;
use crate::retry::{
    is_idempotent, next_step, parse_retry_after, CallState, NextStep, Outcome, RetryPolicy,
};
pub(crate) use crate::settings::{ApiRoot, Timeouts};
use crate::transport::{classify_send_error, read_body, BodyError, Classified};

/// The header experimental operations need.
pub const EXPERIMENTAL_HEADER: &str = "x-sailpoint-experimental";

/// A configured API client. Cheap to clone (an `Arc` inside), `Send + Sync`, and its `Debug`
/// output never shows credentials.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) api_root: ApiRoot,
    pub(crate) auth: Auth,
    pub(crate) redactor: crate::secret::Redactor,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeouts: Timeouts,
    pub(crate) rate_limiter: Option<RateLimiter>,
    pub(crate) max_response_bytes: u64,
    pub(crate) experimental: bool,
    pub(crate) user_agent: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) strict_decoding: bool,
    pub(crate) middleware: Arc<[Arc<dyn crate::middleware::Middleware>]>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) jitter: Arc<dyn Jitter>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("api_root", &inner.api_root)
            .field("auth", &inner.auth)
            .field("retry", &inner.retry)
            .field("timeouts", &inner.timeouts)
            .field("rate_limited", &inner.rate_limiter.is_some())
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("experimental", &inner.experimental)
            .field("middleware", &inner.middleware.len())
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether sending it again is safe.
struct AttemptFailure {
    failure: Failure,
    retryable: bool,
}

impl Client {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The root that requests of the API version `version_path` (`/v2025`) are sent under,
    /// without trailing `/`: the base URL plus the version path, or the API URL as it is.
    pub fn api_root(&self, version_path: &str) -> String {
        self.inner.api_root.for_version(version_path)
    }

    /// Whether experimental operations are allowed.
    pub fn is_experimental(&self) -> bool {
        self.inner.experimental
    }

    /// Sends `request` with authentication, retries and timeouts, and returns the final
    /// response whatever its status: generated code maps statuses to types.
    pub async fn execute<E: ErrorBody>(&self, request: Request) -> Result<Response, Error<E>> {
        match self.send(request, false).await.map_err(Error::from)? {
            Received::Buffered(response) => Ok(response),
            // Only asked for with `streaming`, which is false here.
            Received::Streaming(download) => Err(download.into_error().await),
        }
    }

    /// Like [`execute`](Self::execute), for operations whose success body is a file: a 2xx
    /// response comes back with its body unread, as a [`Download`]; any other status is read
    /// and returned as the operation's error. Retries and timeouts apply until the headers
    /// arrive; after that each chunk must come within the per-attempt timeout.
    pub async fn execute_download<E: ErrorBody>(
        &self,
        request: Request,
    ) -> Result<Download, Error<E>> {
        match self.send(request, true).await.map_err(Error::from)? {
            Received::Streaming(download) => Ok(download),
            Received::Buffered(response) => Err(response.into_error()),
        }
    }

    async fn send(&self, request: Request, streaming: bool) -> Result<Received, Failure> {
        // The final status is recorded on this span; each attempt gets a child span.
        let span = tracing::info_span!(
            "sailpoint_request",
            operation = request.operation,
            method = %request.method,
            path = %request.path,
            status = tracing::field::Empty,
        );
        self.send_in_span(request, streaming, span.clone())
            .instrument(span)
            .await
    }

    async fn send_in_span(
        &self,
        request: Request,
        streaming: bool,
        span: tracing::Span,
    ) -> Result<Received, Failure> {
        let inner = &*self.inner;
        let op = request.operation;
        if request.experimental && !inner.experimental {
            return Err(Failure::ExperimentalNotEnabled(
                ExperimentalNotEnabledError { operation: op },
            ));
        }
        let encode = |message: String| {
            Failure::Encode(EncodeError {
                operation: op,
                message,
            })
        };
        let path_and_query = request.path_and_query().map_err(encode)?;
        let mut url = inner.api_root.for_version(request.version_path);
        url.push_str(&path_and_query);
        let url =
            reqwest::Url::parse(&url).map_err(|e| encode(format!("the URL is invalid: {e}")))?;
        let body = request.body.clone().transpose().map_err(encode)?;
        let replayable = body.as_ref().is_none_or(RequestBody::is_replayable);
        let headers = self
            .fixed_headers(&request, body.as_ref())
            .map_err(encode)?;
        let token_cx = TokenContext {
            http: &inner.http,
            clock: &*inner.clock,
            timeout: inner.timeouts.attempt,
            user_agent: &inner.user_agent,
        };
        // A deadline too far away to represent is no deadline.
        let deadline = inner
            .timeouts
            .deadline
            .and_then(|d| Some((inner.clock.now().checked_add(d)?, d)));

        let mut attempt: u32 = 0;
        let mut sends: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            sends += 1;
            if let Some(limiter) = &inner.rate_limiter {
                limiter.acquire(&*inner.clock).await;
            }
            // A caller's own `Authorization` header (a default or per-call one) replaces the
            // client's token, so none is fetched; an anonymous operation gets none either, so
            // the tenant's token never reaches an endpoint that does not ask for it.
            let token = if request.anonymous || headers.contains_key(AUTHORIZATION) {
                Ok(None)
            } else {
                inner.auth.token(&token_cx).await.map(Some)
            };
            let call = |attempt, can_refresh| CallState {
                method: &request.method,
                attempt,
                can_refresh,
            };
            let token = match token {
                Ok(token) => token,
                Err(e) => {
                    let outcome = Outcome::TokenFailed {
                        transient: e.is_transient(),
                    };
                    match next_step(outcome, call(attempt, false), &inner.retry, &*inner.jitter) {
                        NextStep::RetryAfter(delay) => {
                            self.wait(op, delay, deadline, "token endpoint error")
                                .await?;
                            continue;
                        }
                        _ => return Err(Failure::Auth(e)),
                    }
                }
            };
            let (timeout, timeout_kind) =
                self.attempt_budget(op, request.options.timeout, deadline)?;
            let attempt_span =
                tracing::debug_span!("attempt", n = sends, status = tracing::field::Empty);
            tracing::debug!(parent: &attempt_span, "sending request");

            let result = self
                .attempt(
                    &request,
                    &url,
                    &headers,
                    body.as_ref(),
                    token.as_ref(),
                    sends,
                    timeout,
                    timeout_kind,
                    streaming,
                )
                .instrument(attempt_span.clone())
                .await;
            let mut retry_after = None;
            let outcome = match &result {
                Ok(response) => {
                    let status = response.status();
                    attempt_span.record("status", status.as_u16());
                    span.record("status", status.as_u16());
                    tracing::debug!(parent: &attempt_span, "received response");
                    retry_after = self.retry_after(response.headers());
                    Outcome::Response {
                        status,
                        retry_after: retry_after.as_ref().map(|(_, wait)| *wait),
                    }
                }
                Err(failure) => Outcome::Failed {
                    retryable: failure.retryable,
                },
            };
            let can_refresh = token.is_some() && inner.auth.can_refresh() && !refreshed;
            let mut step = next_step(
                outcome,
                call(attempt, can_refresh),
                &inner.retry,
                &*inner.jitter,
            );
            // A body with a stream part went with the first attempt; the response to it is
            // the answer, rather than a second attempt failing to encode the body.
            if !replayable && matches!(step, NextStep::RetryAfter(_) | NextStep::RefreshToken) {
                step = NextStep::Stop;
            }
            match (step, result) {
                (NextStep::Stop, result) => return result.map_err(|f| f.failure),
                (NextStep::RefreshToken, _) => {
                    refreshed = true;
                    attempt -= 1;
                    if let Some(token) = &token {
                        inner.auth.invalidate(token).await;
                    }
                    tracing::debug!("access token rejected; refreshing it and resending once");
                }
                (NextStep::RetryAfter(delay), result) => {
                    let reason = match &result {
                        Ok(response) => response.status().as_str().to_owned(),
                        Err(failure) => failure_reason(&failure.failure).to_owned(),
                    };
                    self.wait(op, delay, deadline, &reason).await?;
                }
                (NextStep::WaitTooLong(delay), result) => {
                    let response = result.map_err(|f| f.failure)?;
                    return Err(Failure::RetryAfterTooLong(RetryAfterTooLongError {
                        operation: op,
                        status: response.status(),
                        retry_after: retry_after.map(|(raw, _)| raw).unwrap_or_default(),
                        delay,
                        limit: inner.retry.max_retry_after,
                        request_id: header_str(response.headers(), REQUEST_ID_HEADER)
                            .map(str::to_owned),
                    }));
                }
            }
        }
    }

    /// The time this attempt may take: the per-attempt timeout, or less if the deadline is near.
    fn attempt_budget(
        &self,
        op: &'static str,
        per_call: Option<Duration>,
        deadline: Option<(Instant, Duration)>,
    ) -> Result<(Duration, TimeoutKind), Failure> {
        let per_attempt = per_call.unwrap_or(self.inner.timeouts.attempt);
        let Some((at, total)) = deadline else {
            return Ok((per_attempt, TimeoutKind::Attempt));
        };
        let left = at.saturating_duration_since(self.inner.clock.now());
        if left.is_zero() {
            return Err(deadline_failure(op, total));
        }
        Ok(if left < per_attempt {
            (left, TimeoutKind::Deadline)
        } else {
            (per_attempt, TimeoutKind::Attempt)
        })
    }

    /// `Retry-After` as (raw value, wait), if present and parseable.
    fn retry_after(&self, headers: &HeaderMap) -> Option<(String, Duration)> {
        let raw = headers.get(RETRY_AFTER)?.to_str().ok()?;
        match parse_retry_after(raw, self.inner.clock.wall()) {
            Some(wait) => Some((raw.to_owned(), wait)),
            None => {
                tracing::debug!(retry_after = raw, "ignoring an unparseable Retry-After");
                None
            }
        }
    }

    async fn wait(
        &self,
        op: &'static str,
        delay: Duration,
        deadline: Option<(Instant, Duration)>,
        reason: &str,
    ) -> Result<(), Failure> {
        if let Some((at, total)) = deadline {
            // Sleeping past the deadline only to fail afterwards helps nobody.
            if self
                .inner
                .clock
                .now()
                .checked_add(delay)
                .is_none_or(|end| end >= at)
            {
                return Err(deadline_failure(op, total));
            }
        }
        tracing::info!(
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            reason,
            "retrying after a delay"
        );
        self.inner.clock.sleep(delay).await;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // All per-attempt state; a struct would only rename it.
    async fn attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        headers: &HeaderMap,
        body: Option<&RequestBody>,
        token: Option<&Bearer>,
        sends: u32,
        timeout: Duration,
        timeout_kind: TimeoutKind,
        streaming: bool,
    ) -> Result<Received, AttemptFailure> {
        let inner = &*self.inner;
        let op = request.operation;
        let idempotent = is_idempotent(&request.method);
        let mut builder = inner
            .http
            .request(request.method.clone(), url.clone())
            .headers(headers.clone());
        if let Some(token) = token {
            let authorization = token.authorization().ok_or_else(|| AttemptFailure {
                failure: Failure::Auth(AuthError {
                    status: None,
                    message: "the access token has characters not allowed in a header".to_owned(),
                    excerpt: None,
                    source: None,
                }),
                retryable: false,
            })?;
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        if let Some(body) = body {
            let encoded = body.for_attempt().map_err(|message| AttemptFailure {
                failure: Failure::Encode(EncodeError {
                    operation: op,
                    message,
                }),
                retryable: false,
            })?;
            builder = builder.body(encoded);
        }
        let http_request = builder.build().map_err(|e| AttemptFailure {
            failure: Failure::Encode(EncodeError {
                operation: op,
                message: format!("the request could not be built: {}", e.without_url()),
            }),
            retryable: false,
        })?;
        let next = crate::middleware::Next::new(&inner.http, &inner.middleware, op, sends);
        let exchange = async {
            let mut response = next.run(http_request).await.map_err(|e| {
                let (failure, provably_unsent) = match classify_send_error(&e) {
                    Classified::Timeout(kind) => (
                        Failure::Timeout(TimeoutError {
                            operation: op,
                            kind,
                            after: if kind == TimeoutKind::Connect {
                                inner.timeouts.connect
                            } else {
                                timeout
                            },
                        }),
                        kind == TimeoutKind::Connect,
                    ),
                    Classified::Transport(kind) => (
                        Failure::Transport(TransportError::new(op, kind, e)),
                        kind == TransportErrorKind::Connect,
                    ),
                };
                AttemptFailure {
                    failure,
                    retryable: provably_unsent || idempotent,
                }
            })?;
            let status = response.status();
            let redactor = match token {
                Some(token) => inner.redactor.with(token.token()),
                None => inner.redactor.clone(),
            };
            if streaming && status.is_success() {
                return Ok(Received::Streaming(Download::from_response(
                    op,
                    response,
                    inner.timeouts.attempt,
                    inner.max_response_bytes,
                    redactor,
                )));
            }
            // Taken, not cloned: reading the body needs none of them (reqwest takes the length
            // from the body), and the response keeps them.
            let response_headers = std::mem::take(response.headers_mut());
            let bytes = read_body(response, inner.max_response_bytes)
                .await
                .map_err(|e| match e {
                    BodyError::TooLarge => AttemptFailure {
                        failure: Failure::BodyTooLarge(BodyTooLargeError {
                            operation: op,
                            status,
                            limit: inner.max_response_bytes,
                        }),
                        retryable: false,
                    },
                    BodyError::Transport(e) => AttemptFailure {
                        failure: Failure::Transport(TransportError::new(
                            op,
                            TransportErrorKind::Body,
                            e,
                        )),
                        retryable: idempotent,
                    },
                })?;
            Ok(Received::Buffered(
                Response::new(op, status, response_headers, bytes)
                    .strict_decoding(inner.strict_decoding)
                    .with_redactor(redactor),
            ))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(AttemptFailure {
                failure: Failure::Timeout(TimeoutError {
                    operation: op,
                    kind: timeout_kind,
                    after: if timeout_kind == TimeoutKind::Deadline {
                        inner.timeouts.deadline.unwrap_or(timeout)
                    } else {
                        timeout
                    },
                }),
                // Past the deadline nothing may be retried; otherwise the request may have
                // reached the server, so only idempotent methods are resent.
                retryable: timeout_kind == TimeoutKind::Attempt && idempotent,
            }),
        }
    }
}

fn deadline_failure(op: &'static str, total: Duration) -> Failure {
    Failure::Timeout(TimeoutError {
        operation: op,
        kind: TimeoutKind::Deadline,
        after: total,
    })
}

fn failure_reason(failure: &Failure) -> &'static str {
    match failure {
        Failure::Transport(e) => match e.kind {
            TransportErrorKind::Connect => "connect error",
            TransportErrorKind::Request => "connection error",
            TransportErrorKind::Body => "body read error",
        },
        Failure::Timeout(_) => "timeout",
        _ => "error",
    }
}
