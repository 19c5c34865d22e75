//! Time and randomness seams: retry delays, token expiry and rate limiting read the clock and the
//! jitter source through these traits, so tests can assert exact delays without sleeping.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// The future returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A source of time.
///
/// Per-attempt and connect timeouts use the tokio timer directly, since they guard real I/O;
/// everything the runtime *decides* to wait for (backoff, `Retry-After`, rate limiting) and
/// every expiry it computes goes through this trait.
pub trait Clock: Send + Sync + 'static {
    /// A monotonic instant, used for token expiry, deadlines and the rate limiter.
    fn now(&self) -> Instant;
    /// Wall-clock time, used only to turn an HTTP-date `Retry-After` into a delay.
    fn wall(&self) -> SystemTime;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The real clock: `Instant::now`, `SystemTime::now` and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: `sleep` records the requested duration, moves virtual time forward by it
/// and returns at once.
///
/// Clones share the same state, so a test keeps one clone and hands another to the client.
#[derive(Clone)]
pub struct FakeClock {
    base: Instant,
    wall_base: SystemTime,
    state: Arc<Mutex<FakeState>>,
}

#[derive(Debug, Default)]
struct FakeState {
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl FakeClock {
    /// A clock whose wall time starts at `wall_start`.
    pub fn new(wall_start: SystemTime) -> Self {
        Self {
            base: Instant::now(),
            wall_base: wall_start,
            state: Arc::new(Mutex::new(FakeState::default())),
        }
    }

    /// Every duration passed to `sleep`, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// Virtual time passed since creation.
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    /// Moves virtual time forward without recording a sleep (e.g. to expire a token).
    pub fn advance(&self, by: Duration) {
        self.lock().elapsed += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        // A panic while holding this lock can only come from a test assertion; the state is
        // still consistent, so keep going rather than cascade the panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    }
}

impl fmt::Debug for FakeClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("FakeClock")
            .field("elapsed", &state.elapsed)
            .field("sleeps", &state.sleeps)
            .finish()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.base + self.elapsed()
    }

    fn wall(&self) -> SystemTime {
        self.wall_base + self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let mut state = self.lock();
        state.elapsed += duration;
        state.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// Picks the actual backoff delay given its upper bound ("full jitter").
pub trait Jitter: Send + Sync + 'static {
    /// Returns a duration in `0..=max`.
    fn jitter(&self, max: Duration) -> Duration;
}

/// Uniformly random jitter, the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn jitter(&self, max: Duration) -> Duration {
        use rand::Rng;
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos))
    }
}

/// Deterministic jitter for tests: always the same fraction of the upper bound.
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter {
    ratio: f64,
}

impl FixedJitter {
    /// Always the whole upper bound, so delays follow `base * 2^n` capped.
    pub fn full() -> Self {
        Self { ratio: 1.0 }
    }

    /// Always `ratio` (clamped to `0.0..=1.0`) of the upper bound.
    pub fn ratio(ratio: f64) -> Self {
        Self {
            ratio: ratio.clamp(0.0, 1.0),
        }
    }
}

impl Jitter for FixedJitter {
    fn jitter(&self, max: Duration) -> Duration {
        max.mul_f64(self.ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fake_clock_records_and_advances() {
        let clock = FakeClock::default();
        let start = clock.now();
        clock.sleep(Duration::from_secs(2)).await;
        clock.sleep(Duration::from_millis(5)).await;
        assert_eq!(
            clock.sleeps(),
            [Duration::from_secs(2), Duration::from_millis(5)]
        );
        assert_eq!(clock.now() - start, Duration::from_millis(2005));
    }

    #[test]
    fn jitter_stays_in_bounds() {
        let max = Duration::from_millis(10);
        for _ in 0..100 {
            assert!(RandomJitter.jitter(max) <= max);
        }
        assert_eq!(FixedJitter::full().jitter(max), max);
        assert_eq!(
            FixedJitter::ratio(0.5).jitter(max),
            Duration::from_millis(5)
        );
        assert_eq!(FixedJitter::ratio(7.0).jitter(max), max);
    }
}
