//! The Unified API's idempotency records: which request a stored answer belongs to,
//! and for how long.
//!
//! The guide (1.1.3, "About Idempotency"): "If the request is determined to be the same
//! as a past request, the result from the previous request is returned without actual
//! processing"; "Idempotency is determined by the following items in each API:
//! (Header)X-VT-Idempotency-Key, (Body)paymentId(fepOrderId can also be used)"; "if
//! the requested API or paymentId differs, it will be treated as a separate request";
//! "the format of the request item will be checked" (the caller checks the format
//! before asking for a replay); "The validity period for an Idempotency-Key is 24
//! hours. If a request is made after this period with the same value, it will be
//! processed as a new request."
//!
//! The sandbox's reading where the guide is silent:
//! - every answer given after the format check is stored, failures included (the
//!   guide makes no exception), and replayed byte for byte; webhooks are not sent again;
//! - a request naming its order by `fepOrderId` is the same request as one naming it by
//!   `paymentId` ("fepOrderId can also be used"): both stand for the order's paymentId;
//! - `getTransactionResult` ("each API") is keyed by the key and the API alone, its
//!   body having no paymentId: a read repeated with the same key replays the first
//!   answer, so a merchant polling for a result uses a new key each time;
//! - time is the sandbox's [`Clock`](crate::Clock), which tests move forward.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::answers::Answer;

/// How long an `X-VT-Idempotency-Key` is remembered: "The validity period for an
/// Idempotency-Key is 24 hours."
pub(super) const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// What makes two requests "the same": key, API and paymentId.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct RequestId {
    key: String,
    command: String,
    payment_id: String,
}

impl RequestId {
    /// The identity of a request with `key` (none without one). `ids` are the
    /// paymentId and fepOrderId the typed request names its order by; `fep_order` maps
    /// a fepOrderId to its order's paymentId when the order is known.
    pub(super) fn of(
        key: Option<&str>,
        command: &str,
        ids: (Option<&str>, Option<&str>),
        fep_order: impl Fn(&str) -> Option<String>,
    ) -> Option<Self> {
        let payment_id = match ids {
            (Some(p), _) => p.to_string(),
            (None, Some(f)) => fep_order(f).unwrap_or_else(|| f.to_string()),
            (None, None) => String::new(),
        };
        Some(Self {
            key: key?.to_string(),
            command: command.to_string(),
            payment_id,
        })
    }
}

#[derive(Debug)]
struct Stored {
    at: Instant,
    answer: Answer,
}

/// The stored answers, by request.
///
/// Each request's identity is shared by the map and the age queue (an `Arc`, not two
/// copies of its three strings).
#[derive(Debug, Default)]
pub(super) struct Records {
    stored: BTreeMap<Arc<RequestId>, Stored>,
    /// Every stored request with its time, oldest first (the clock only moves forward),
    /// so expired records are found at the front instead of by scanning them all on
    /// every request.
    by_age: VecDeque<(Instant, Arc<RequestId>)>,
}

impl Records {
    /// The stored answer of `id`, if it was given less than 24 hours before `now`.
    /// Older records are forgotten.
    pub(super) fn replay(&mut self, id: &RequestId, now: Instant) -> Option<Answer> {
        while let Some((at, _)) = self.by_age.front() {
            if now.saturating_duration_since(*at) < WINDOW {
                break;
            }
            if let Some((at, old)) = self.by_age.pop_front() {
                // Only if it was not stored again since (then a newer entry follows).
                if self.stored.get(&old).is_some_and(|s| s.at == at) {
                    self.stored.remove(&old);
                }
            }
        }
        self.stored.get(id).map(|s| s.answer.clone())
    }

    /// Remembers the answer given to `id` at `now`.
    pub(super) fn store(&mut self, id: RequestId, answer: Answer, now: Instant) {
        let id = Arc::new(id);
        self.by_age.push_back((now, Arc::clone(&id)));
        self.stored.insert(id, Stored { at: now, answer });
    }

    /// How many answers are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.stored.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(key: &str) -> RequestId {
        RequestId::of(Some(key), "pay", (Some("p1"), None), |_| None).unwrap()
    }

    /// "The validity period for an Idempotency-Key is 24 hours. If a request is made
    /// after this period with the same value, it will be processed as a new request."
    /// (unified-api-1.1.3.en.txt, "About Idempotency")
    #[test]
    fn answers_are_replayed_for_24_hours_then_forgotten() {
        let mut records = Records::default();
        let t0 = Instant::now();
        let answer = || {
            super::super::answers::failure(
                unified_proto::versions::LATEST,
                &unified_proto::ResultCode::Ua000001,
                String::new(),
            )
        };
        records.store(id("a"), answer(), t0);
        records.store(id("b"), answer(), t0 + Duration::from_secs(3600));
        assert!(
            records
                .replay(&id("a"), t0 + WINDOW - Duration::from_secs(1))
                .is_some()
        );
        // a's 24 hours are over; b's are not.
        assert!(records.replay(&id("a"), t0 + WINDOW).is_none());
        assert!(records.replay(&id("b"), t0 + WINDOW).is_some());
        assert_eq!(records.len(), 1);
        // Stored again after it expired: the new answer lives its own 24 hours, and the
        // old entry's expiry does not take it.
        let t1 = t0 + WINDOW + Duration::from_secs(7200);
        records.store(id("a"), answer(), t1 - Duration::from_secs(3600));
        assert!(records.replay(&id("a"), t1).is_some());
        assert!(records.replay(&id("b"), t1).is_none());
        assert_eq!(records.len(), 1);
    }
}
