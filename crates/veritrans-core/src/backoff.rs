//! The one backoff computation: capped exponential, optionally jittered.

use std::time::Duration;

/// A capped exponential backoff: `base × 2^retry`, never above `max`.
///
/// Shared by the Unified API client's resend policy (which jitters it, so clients that
/// failed together do not come back together) and the sandbox's notification delivery
/// schedule (which does not, so a test can predict it).
///
/// ```
/// use std::time::Duration;
/// use veritrans_core::Backoff;
///
/// let b = Backoff::new(Duration::from_millis(10), Duration::from_millis(50));
/// let waits: Vec<u128> = (0..5).map(|n| b.delay(n).as_millis()).collect();
/// assert_eq!(waits, [10, 20, 40, 50, 50]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait before the first retry.
    pub base: Duration,
    /// The upper bound of any wait.
    pub max: Duration,
}

impl Backoff {
    /// A backoff starting at `base`, capped at `max`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use veritrans_core::Backoff;
    ///
    /// let backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(8));
    /// assert_eq!(backoff.delay(0), Duration::from_millis(500));
    /// ```
    pub const fn new(base: Duration, max: Duration) -> Self {
        Self { base, max }
    }

    /// The wait before retry number `retry` (0-based): `base × 2^retry`, capped at `max`.
    /// Saturates instead of overflowing, whatever `retry` is.
    ///
    /// ```
    /// use std::time::Duration;
    /// use veritrans_core::Backoff;
    ///
    /// let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
    /// assert_eq!(backoff.delay(3), Duration::from_secs(8));
    /// assert_eq!(backoff.delay(4), Duration::from_secs(10)); // capped
    /// assert_eq!(backoff.delay(u32::MAX), Duration::from_secs(10)); // never overflows
    /// ```
    pub fn delay(&self, retry: u32) -> Duration {
        self.base
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max)
    }

    /// [`delay`](Self::delay) with "equal jitter": half of it, plus `fraction` (clamped to
    /// `0.0..=1.0`, drawn at random by the caller) of the other half.
    ///
    /// ```
    /// use std::time::Duration;
    /// use veritrans_core::Backoff;
    ///
    /// let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
    /// assert_eq!(b.jittered(1, 0.0), Duration::from_millis(100));
    /// assert_eq!(b.jittered(1, 1.0), Duration::from_millis(200));
    /// ```
    pub fn jittered(&self, retry: u32, fraction: f64) -> Duration {
        let half = self.delay(retry) / 2;
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        half + half.mul_f64(fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps_and_never_overflows() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let waits: Vec<u64> = (0..8).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_within_half_and_whole() {
        let b = Backoff::new(Duration::from_millis(500), Duration::from_secs(8));
        for retry in 0..10 {
            let whole = b.delay(retry);
            for fraction in [0.0, 0.25, 0.999, 1.0, -3.0, 7.0, f64::NAN] {
                let d = b.jittered(retry, fraction);
                assert!(d >= whole / 2 && d <= whole, "{retry} {fraction} {d:?}");
            }
        }
    }
}
