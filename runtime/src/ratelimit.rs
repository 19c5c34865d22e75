//! An optional client-side token bucket, so a busy client slows itself down instead of
//! collecting 429s. SailPoint allows 100 requests per 10 seconds per access token.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::clock::Clock;

/// At most `requests` requests per `per`, with bursts up to `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (also the burst size).
    pub requests: u32,
    /// The window.
    pub per: Duration,
}

impl RateLimit {
    /// `requests` per `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        Self { requests, per }
    }

    /// SailPoint's documented limit: 100 requests per 10 seconds.
    pub fn sailpoint_default() -> Self {
        Self::new(100, Duration::from_secs(10))
    }
}

#[derive(Debug)]
pub(crate) struct RateLimiter {
    capacity: f64,
    per_token: Duration,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// `limit` must have been validated (non-zero requests and window).
    pub(crate) fn new(limit: RateLimit, now: Instant) -> Self {
        let capacity = f64::from(limit.requests);
        Self {
            capacity,
            per_token: limit.per.div_f64(capacity),
            bucket: Mutex::new(Bucket {
                tokens: capacity,
                last: now,
            }),
        }
    }

    /// Waits until a request may be sent, and takes its token.
    pub(crate) async fn acquire(&self, clock: &dyn Clock) {
        loop {
            let wait = {
                // Never held across an await; a poisoned lock still holds a valid bucket.
                let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
                let now = clock.now();
                let earned = now.saturating_duration_since(bucket.last).as_secs_f64()
                    / self.per_token.as_secs_f64();
                bucket.tokens = (bucket.tokens + earned).min(self.capacity);
                bucket.last = now;
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                }
                self.per_token.mul_f64(1.0 - bucket.tokens)
            };
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "client-side rate limit reached"
            );
            clock.sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;

    #[tokio::test]
    async fn bursts_then_paces() {
        let clock = FakeClock::default();
        let limiter = RateLimiter::new(RateLimit::new(2, Duration::from_secs(10)), clock.now());
        for _ in 0..4 {
            limiter.acquire(&clock).await;
        }
        // Two immediate requests, then one every five seconds.
        assert_eq!(
            clock.sleeps(),
            [Duration::from_secs(5), Duration::from_secs(5)]
        );
    }

    #[tokio::test]
    async fn refills_after_idle_time() {
        let clock = FakeClock::default();
        let limiter = RateLimiter::new(RateLimit::sailpoint_default(), clock.now());
        for _ in 0..100 {
            limiter.acquire(&clock).await;
        }
        assert!(clock.sleeps().is_empty());
        clock.advance(Duration::from_secs(10));
        for _ in 0..100 {
            limiter.acquire(&clock).await;
        }
        assert!(clock.sleeps().is_empty());
        limiter.acquire(&clock).await;
        assert_eq!(clock.sleeps(), [Duration::from_millis(100)]);
    }
}
