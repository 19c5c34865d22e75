//! When to retry and how long to wait.

use std::time::{Duration, SystemTime};

use http::{Method, StatusCode};

use crate::clock::Jitter;

/// Retry settings. The defaults follow SailPoint's guidance: three attempts, exponential
/// backoff with full jitter from 1 s capped at 20 s, and `Retry-After` honoured up to 60 s.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first included (at least 1).
    pub max_attempts: u32,
    /// The upper bound of the first backoff; it doubles on each retry.
    pub base_delay: Duration,
    /// The largest upper bound a backoff can reach.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits for; a longer one fails the call at once
    /// with `Error::RetryAfterTooLong`, since blocking for an hour is never what a caller wants.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// A single attempt, no retries.
    pub fn none() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Sets the total number of attempts (0 is taken as 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff's upper bound.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the cap on backoff upper bounds.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the longest `Retry-After` honoured.
    pub fn with_max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// The backoff before retry number `retry` (1 for the first retry): full jitter over
    /// `min(max_delay, base_delay * 2^(retry - 1))`.
    pub(crate) fn backoff(&self, retry: u32, jitter: &dyn Jitter) -> Duration {
        let factor = 2u32
            .checked_pow(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let bound = self.base_delay.saturating_mul(factor).min(self.max_delay);
        jitter.jitter(bound).min(bound)
    }
}

/// What one attempt came to, as far as deciding the next step is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The token endpoint failed; `transient` when trying later may help.
    TokenFailed { transient: bool },
    /// A response arrived, with its parsed `Retry-After`, if any.
    Response {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    /// The exchange failed; `retryable` when resending is safe.
    Failed { retryable: bool },
}

/// Where the call stands when an attempt ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallState<'a> {
    pub(crate) method: &'a Method,
    /// Attempts made within the retry budget, this one included (from 1).
    pub(crate) attempt: u32,
    /// Whether a 401 can be answered with a fresh token: the client fetched the token it
    /// sent, and has not refreshed it yet during this call.
    pub(crate) can_refresh: bool,
}

/// What the send loop does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextStep {
    /// Hand the outcome to the caller.
    Stop,
    /// Drop the token and resend at once with a fresh one, outside the retry budget.
    RefreshToken,
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// The server asked to wait this long, more than the policy allows: fail now.
    WaitTooLong(Duration),
}

/// The retry decision, apart from any I/O (smithy-rs's `ShouldAttempt`): the send loop only
/// acts on the answer.
pub(crate) fn next_step(
    outcome: Outcome,
    call: CallState<'_>,
    policy: &RetryPolicy,
    jitter: &dyn Jitter,
) -> NextStep {
    let budget_left = call.attempt < policy.max_attempts;
    let retryable = match outcome {
        // The token may have been revoked or expired early; a second 401 is returned.
        Outcome::Response {
            status: StatusCode::UNAUTHORIZED,
            ..
        } if call.can_refresh => return NextStep::RefreshToken,
        Outcome::Response {
            status,
            retry_after,
        } => {
            if !budget_left || !status_is_retryable(call.method, status) {
                return NextStep::Stop;
            }
            let backoff = policy.backoff(call.attempt, jitter);
            return match retry_after {
                Some(wait) if wait > policy.max_retry_after => NextStep::WaitTooLong(wait),
                // The server's wait is a floor: never retry sooner than it asked.
                Some(wait) => NextStep::RetryAfter(backoff.max(wait)),
                None => NextStep::RetryAfter(backoff),
            };
        }
        // A token endpoint that is briefly down is as transient as the API being down.
        Outcome::TokenFailed { transient } => transient,
        Outcome::Failed { retryable } => retryable,
    };
    if retryable && budget_left {
        NextStep::RetryAfter(policy.backoff(call.attempt, jitter))
    } else {
        NextStep::Stop
    }
}

/// POST and PATCH may create or change something twice if replayed.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    !matches!(*method, Method::POST | Method::PATCH)
}

/// Whether a response with `status` may be retried for `method`. 429 and 503 mean the server
/// refused the work, so even non-idempotent requests are safe to resend.
pub(crate) fn status_is_retryable(method: &Method, status: StatusCode) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        408 | 500 | 502 | 504 => is_idempotent(method),
        _ => false,
    }
}

/// Parses `Retry-After` (delay-seconds or HTTP-date). `None` for a value that is neither,
/// which the caller ignores in favour of the normal backoff.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64 is still "a very long time", not garbage.
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedJitter;

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = RetryPolicy::default();
        let delays: Vec<u64> = (1..=7)
            .map(|n| policy.backoff(n, &FixedJitter::full()).as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 20, 20]);
        assert_eq!(
            policy.backoff(u32::MAX, &FixedJitter::full()),
            Duration::from_secs(20)
        );
        assert_eq!(
            policy.backoff(3, &FixedJitter::ratio(0.25)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retryable_statuses_depend_on_method() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(status_is_retryable(
                &Method::GET,
                StatusCode::from_u16(code).unwrap()
            ));
        }
        for code in [400, 401, 403, 404, 409, 501] {
            assert!(!status_is_retryable(
                &Method::GET,
                StatusCode::from_u16(code).unwrap()
            ));
        }
        for (code, retry) in [
            (429, true),
            (503, true),
            (500, false),
            (502, false),
            (504, false),
            (408, false),
        ] {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(status_is_retryable(&Method::POST, status), retry, "{code}");
            assert_eq!(status_is_retryable(&Method::PATCH, status), retry, "{code}");
        }
        assert!(status_is_retryable(&Method::PUT, StatusCode::BAD_GATEWAY));
        assert!(status_is_retryable(
            &Method::DELETE,
            StatusCode::BAD_GATEWAY
        ));
    }

    fn step(outcome: Outcome, method: &Method, attempt: u32, can_refresh: bool) -> NextStep {
        let call = CallState {
            method,
            attempt,
            can_refresh,
        };
        next_step(outcome, call, &RetryPolicy::default(), &FixedJitter::full())
    }

    fn response(code: u16, retry_after: Option<u64>) -> Outcome {
        Outcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn next_step_case_by_case() {
        use NextStep::{RefreshToken, RetryAfter, Stop, WaitTooLong};
        let (get, post) = (&Method::GET, &Method::POST);
        let secs = Duration::from_secs;
        for (outcome, method, attempt, can_refresh, expected) in [
            // Success and client errors end the call.
            (response(200, None), get, 1, true, Stop),
            (response(404, None), get, 1, true, Stop),
            // A 401 refreshes once, whatever the budget; then it is returned.
            (response(401, None), get, 3, true, RefreshToken),
            (response(401, None), get, 1, false, Stop),
            // Retryable statuses back off (1 s, then 2 s) until the budget is spent.
            (response(503, None), get, 1, false, RetryAfter(secs(1))),
            (response(500, None), get, 2, false, RetryAfter(secs(2))),
            (response(503, None), get, 3, false, Stop),
            // A non-idempotent request is resent only when the server refused the work.
            (response(500, None), post, 1, false, Stop),
            (response(429, None), post, 1, false, RetryAfter(secs(1))),
            // Retry-After is a floor, and one beyond the limit fails the call.
            (response(429, Some(5)), get, 1, false, RetryAfter(secs(5))),
            (response(429, Some(0)), get, 2, false, RetryAfter(secs(2))),
            (
                response(429, Some(61)),
                get,
                1,
                false,
                WaitTooLong(secs(61)),
            ),
            (response(429, Some(61)), get, 3, false, Stop),
            // Failed exchanges and token errors retry when safe and budget is left.
            (
                Outcome::Failed { retryable: true },
                post,
                1,
                false,
                RetryAfter(secs(1)),
            ),
            (Outcome::Failed { retryable: true }, get, 3, false, Stop),
            (Outcome::Failed { retryable: false }, get, 1, false, Stop),
            (
                Outcome::TokenFailed { transient: true },
                get,
                2,
                false,
                RetryAfter(secs(2)),
            ),
            (
                Outcome::TokenFailed { transient: false },
                get,
                1,
                false,
                Stop,
            ),
            (
                Outcome::TokenFailed { transient: true },
                get,
                3,
                false,
                Stop,
            ),
        ] {
            assert_eq!(
                step(outcome, method, attempt, can_refresh),
                expected,
                "{outcome:?} {method} attempt {attempt}"
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::MAX)
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        for garbage in ["", "soon", "-1", "1.5", "Tue, 99 Foo"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage}");
        }
    }
}
