//! The transactions/events log every gateway route writes to: append-only, with the
//! oldest records of each gateway evicted beyond its [`Retention`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::retention::{self, Retention, RetentionCounts, slot};

/// The four gateways the sandbox emulates: `veritrans-core`'s one [`Gateway`], serialised
/// in lower case (`pop`, `unified`, `jpayment`, `mpi`).
pub use veritrans_core::Gateway;

/// One entry of the transactions/events log.
///
/// Records are never changed once appended (only evicted, oldest first, beyond the
/// log's retention); a state change is a new record
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
impl TransactionRecord {
    /// A record with everything but its number and time, which [`TransactionLog`] sets
    /// under its lock: the rest is built before the lock is taken.
    fn unnumbered(gateway: Gateway, kind: String, id: String, summary: serde_json::Value) -> Self {
        Self {
            seq: 0,
            gateway,
            kind,
            id,
            summary,
            at: OffsetDateTime::UNIX_EPOCH,
        }
    }
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

/// The shared transactions/events log. Cloning shares the same log.
///
/// Append-only from the outside: records are never changed, and sequence numbers are
/// never reused. It keeps the newest [`Retention::log_entries`] records of each gateway
/// (the default [`Retention::DEFAULT_LOG_ENTRIES`]) and evicts older ones, counting them
/// ([`TransactionLog::counts`]); [`TransactionLog::with_retention`] sets the bound.
#[derive(Clone, Debug)]
pub struct TransactionLog {
    inner: Arc<Mutex<LogInner>>,
}

#[derive(Debug)]
struct LogInner {
    /// The sequence number of the last record appended (0 before the first).
    last_seq: u64,
    /// Each gateway's retained records, oldest first (so in sequence order).
    records: [VecDeque<TransactionRecord>; 4],
    evicted: [u64; 4],
    bound: usize,
}

impl Default for TransactionLog {
    fn default() -> Self {
        Self::with_retention(Retention::DEFAULT_LOG_ENTRIES)
    }
}

impl TransactionLog {
    /// An empty log keeping at most `per_gateway` records of each gateway (at least 1).
    pub fn with_retention(per_gateway: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(LogInner {
                last_seq: 0,
                records: Default::default(),
                evicted: [0; 4],
                bound: per_gateway.max(1),
            })),
        }
    }

    /// Appends a record and returns it with its sequence number and time stamp; evicts
    /// the gateway's oldest record when it holds more than its retention.
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
        let record = TransactionRecord::unnumbered(gateway, kind.into(), id.into(), summary);
        self.push(record, TransactionRecord::clone)
    }

    /// Appends a record as [`TransactionLog::append`] does without returning a copy of it:
    /// the gateways log every request and never read the copy back (cloning the record
    /// and its summary was about 1 % of a Unified payment's CPU time under load, `perf`,
    /// docs/performance.md).
    pub(crate) fn note(
        &self,
        gateway: Gateway,
        kind: impl Into<String>,
        id: impl Into<String>,
        summary: serde_json::Value,
    ) {
        let record = TransactionRecord::unnumbered(gateway, kind.into(), id.into(), summary);
        self.push(record, |_| ());
    }

    /// Numbers, stamps and stores `record` (built before the lock is taken), evicting the
    /// gateway's oldest record beyond the retention; `returned` sees the stored record.
    fn push<R>(
        &self,
        mut record: TransactionRecord,
        returned: impl FnOnce(&TransactionRecord) -> R,
    ) -> R {
        let slot = slot(record.gateway);
        let mut inner = self.lock();
        inner.last_seq += 1;
        record.seq = inner.last_seq;
        record.at = now_jst();
        let returned = returned(&record);
        let bound = inner.bound;
        let records = &mut inner.records[slot];
        let evicted = if records.len() >= bound {
            records.pop_front()
        } else {
            None
        };
        records.push_back(record);
        if evicted.is_some() {
            inner.evicted[slot] += 1;
        }
        drop(inner);
        // The evicted record (if any) is freed here, outside the lock.
        drop(evicted);
        returned
    }

    /// The retained records that match `filter`, oldest first.
    pub fn list(&self, filter: &TransactionFilter) -> Vec<TransactionRecord> {
        let inner = self.lock();
        let mut found = Vec::new();
        for (slot, records) in inner.records.iter().enumerate() {
            if filter.gateway.is_some_and(|g| retention::slot(g) != slot) {
                continue;
            }
            // Records are in sequence order: skip the ones at or before `since` at once.
            let start = filter
                .since
                .map_or(0, |s| records.partition_point(|r| r.seq <= s));
            found.extend(
                records
                    .range(start..)
                    .filter(|r| filter.matches(r))
                    .cloned(),
            );
        }
        drop(inner);
        found.sort_unstable_by_key(|r| r.seq);
        found
    }

    /// Number of records held now (appended and not evicted).
    pub fn len(&self) -> usize {
        self.lock().records.iter().map(VecDeque::len).sum()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many records of `gateway` are held and how many were evicted.
    pub fn counts(&self, gateway: Gateway) -> RetentionCounts {
        let inner = self.lock();
        let slot = slot(gateway);
        RetentionCounts {
            retained: inner.records[slot].len(),
            evicted: inner.evicted[slot],
        }
    }

    // A panic while holding the lock cannot leave a half-appended record (push is the
    // last step), so a poisoned lock is still consistent and safe to keep using.
    fn lock(&self) -> MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
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

    #[test]
    fn the_oldest_records_of_a_gateway_are_evicted_beyond_its_retention() {
        let log = TransactionLog::with_retention(2);
        for i in 0..5 {
            log.append(Gateway::Pop, "payment-key", format!("o{i}"), json!(null));
        }
        log.append(Gateway::Mpi, "charge", "m0", json!(null));
        // Pop keeps its newest two; MPI's one record is untouched by Pop's eviction.
        let all = log.list(&TransactionFilter::default());
        assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), [4, 5, 6]);
        assert_eq!(
            log.counts(Gateway::Pop),
            RetentionCounts {
                retained: 2,
                evicted: 3
            }
        );
        assert_eq!(log.counts(Gateway::Mpi).evicted, 0);
        // Sequence numbers go on from the last one appended, never reused.
        assert_eq!(log.append(Gateway::Pop, "x", "y", json!(null)).seq, 7);
        let since = TransactionFilter {
            since: Some(5),
            ..Default::default()
        };
        assert_eq!(
            log.list(&since).iter().map(|r| r.seq).collect::<Vec<_>>(),
            [6, 7]
        );
        assert_eq!(log.len(), 3);
    }
}
