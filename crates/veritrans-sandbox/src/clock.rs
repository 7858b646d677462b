//! The sandbox's clock: real time plus an offset that tests move forward, so rules
//! that span hours (the Unified API's 24-hour idempotency keys) are checked without
//! waiting. It only ever moves forward.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The largest total offset (about ten years), so `Instant` arithmetic cannot overflow.
pub const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(10 * 366 * 24 * 60 * 60);

/// Real time plus an offset; cloning shares the offset.
///
/// ```
/// use std::time::Duration;
/// use veritrans_sandbox::Clock;
///
/// let clock = Clock::default();
/// let before = clock.now();
/// clock.advance(Duration::from_secs(24 * 60 * 60)).unwrap();
/// assert!(clock.now() - before >= Duration::from_secs(24 * 60 * 60));
/// assert!(clock.advance(Duration::from_secs(u64::MAX)).is_err());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicU64>,
}

/// Why the clock was not moved; the message names the limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("clock: advancing by {requested:?} would pass the maximum offset of {MAX_CLOCK_OFFSET:?}")]
pub struct ClockError {
    /// The advance that was asked for.
    pub requested: Duration,
}

impl Clock {
    /// The sandbox's current instant.
    pub fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// The sandbox's current UTC time.
    pub fn now_utc(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + self.offset()
    }

    /// How far the clock is ahead of real time.
    pub fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves the clock forward by `by` (millisecond resolution); returns the new offset.
    pub fn advance(&self, by: Duration) -> Result<Duration, ClockError> {
        let err = ClockError { requested: by };
        let add = u64::try_from(by.as_millis()).map_err(|_| err.clone())?;
        let max = u64::try_from(MAX_CLOCK_OFFSET.as_millis()).map_err(|_| err.clone())?;
        let updated = self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |old| {
                old.checked_add(add).filter(|new| *new <= max)
            })
            .map_err(|_| err)?;
        Ok(Duration::from_millis(updated + add))
    }
}
