//! The append-only transactions/events log every gateway route writes to.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The four gateways the sandbox emulates: `veritrans-core`'s one [`Gateway`], serialised
/// in lower case (`pop`, `unified`, `jpayment`, `mpi`).
pub use veritrans_core::Gateway;

/// One entry of the transactions/events log.
///
/// Records are never changed or removed once appended; a state change is a new record
/// (for example `kind = "capture"` after `kind = "authorize"` with the same `id`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransactionRecord {
    /// Position in the log, starting at 1, without gaps.
    pub seq: u64,
    /// The gateway that produced the record.
    pub gateway: Gateway,
    /// What happened, in the gateway's own words (`payment-key`, `authorize`, …).
    pub kind: String,
    /// The gateway's identifier of the object (order ID, payment key, request ID, …).
    pub id: String,
    /// Free-form details. Card numbers appear only masked; secrets never.
    pub summary: serde_json::Value,
    /// When the record was appended, in JST (`+09:00`), RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Which records [`TransactionLog::list`] returns; every field set must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionFilter {
    /// Only this gateway.
    pub gateway: Option<Gateway>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this object ID.
    pub id: Option<String>,
    /// Only records appended after the one with this sequence number (for polling).
    pub since: Option<u64>,
}

impl TransactionFilter {
    fn matches(&self, record: &TransactionRecord) -> bool {
        self.gateway.is_none_or(|g| g == record.gateway)
            && self.kind.as_ref().is_none_or(|k| *k == record.kind)
            && self.id.as_ref().is_none_or(|i| *i == record.id)
            && self.since.is_none_or(|s| record.seq > s)
    }
}

/// The shared, append-only transactions/events log. Cloning shares the same log.
#[derive(Clone, Debug, Default)]
pub struct TransactionLog {
    records: Arc<Mutex<Vec<TransactionRecord>>>,
}

impl TransactionLog {
    /// Appends a record and returns it with its sequence number and time stamp.
    ///
    /// Sequence numbers are assigned under the same lock as the append, so concurrent
    /// callers get distinct, gap-free numbers in log order.
    pub fn append(
        &self,
        gateway: Gateway,
        kind: impl Into<String>,
        id: impl Into<String>,
        summary: serde_json::Value,
    ) -> TransactionRecord {
        let mut records = self.lock();
        let record = TransactionRecord {
            seq: records.len() as u64 + 1,
            gateway,
            kind: kind.into(),
            id: id.into(),
            summary,
            at: now_jst(),
        };
        records.push(record.clone());
        record
    }

    /// The records that match `filter`, oldest first.
    pub fn list(&self, filter: &TransactionFilter) -> Vec<TransactionRecord> {
        self.lock()
            .iter()
            .filter(|r| filter.matches(r))
            .cloned()
            .collect()
    }

    /// Number of records appended so far.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing was appended yet.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    // A panic while holding the lock cannot leave a half-appended record (push is the
    // last step), so a poisoned lock is still consistent and safe to keep using.
    fn lock(&self) -> MutexGuard<'_, Vec<TransactionRecord>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The current time in Japan Standard Time, the zone of the gateways' own time stamps.
pub(crate) use veritrans_core::jst::now as now_jst;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn append_numbers_records_and_filters() {
        let log = TransactionLog::default();
        assert!(log.is_empty());
        let a = log.append(
            Gateway::Pop,
            "payment-key",
            "order-1",
            json!({"amount": 100}),
        );
        let b = log.append(Gateway::Unified, "authorize", "pay-1", json!({}));
        log.append(Gateway::Unified, "capture", "pay-1", json!({}));
        assert_eq!((a.seq, b.seq), (1, 2));
        assert_eq!(a.at.offset(), time::macros::offset!(+9));
        assert_eq!(log.len(), 3);

        let unified = TransactionFilter {
            gateway: Some(Gateway::Unified),
            ..Default::default()
        };
        assert_eq!(log.list(&unified).len(), 2);
        let capture = TransactionFilter {
            kind: Some("capture".into()),
            id: Some("pay-1".into()),
            ..Default::default()
        };
        let found = log.list(&capture);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].seq, 3);
        let newer = TransactionFilter {
            since: Some(1),
            ..Default::default()
        };
        assert_eq!(
            log.list(&newer).iter().map(|r| r.seq).collect::<Vec<_>>(),
            [2, 3]
        );
    }

    #[test]
    fn record_serialises_with_lowercase_gateway_and_rfc3339_jst_time() {
        let log = TransactionLog::default();
        let r = log.append(Gateway::JPayment, "charge", "g1", json!(null));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["gateway"], "jpayment");
        assert!(v["at"].as_str().unwrap().ends_with("+09:00"), "{v}");
        let back: TransactionRecord = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
    }
}
