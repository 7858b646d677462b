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

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::answers::Answer;

/// How long an `X-VT-Idempotency-Key` is remembered: "The validity period for an
/// Idempotency-Key is 24 hours."
pub(super) const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// What makes two requests "the same": key, API and paymentId.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
#[derive(Debug, Default)]
pub(super) struct Records {
    stored: HashMap<RequestId, Stored>,
}

impl Records {
    /// The stored answer of `id`, if it was given less than 24 hours before `now`.
    /// Older records are forgotten.
    pub(super) fn replay(&mut self, id: &RequestId, now: Instant) -> Option<Answer> {
        self.stored
            .retain(|_, s| now.saturating_duration_since(s.at) < WINDOW);
        self.stored.get(id).map(|s| s.answer.clone())
    }

    /// Remembers the answer given to `id` at `now`.
    pub(super) fn store(&mut self, id: RequestId, answer: Answer, now: Instant) {
        self.stored.insert(id, Stored { at: now, answer });
    }
}
