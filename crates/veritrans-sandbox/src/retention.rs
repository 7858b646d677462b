//! How much of its own records a long-running sandbox keeps: the transactions/events log
//! and finished deliveries, newest first, per gateway.
//!
//! What is bounded is the sandbox's *inspection* data: log entries, and deliveries that
//! are no longer pending (with the prepared request kept for a redelivery). Nothing a
//! gateway request can still reach is evicted: the guides give the gateways' own objects
//! no end of life (POP refuses a used `order_id` with "RC20 Order already exists"; the
//! Unified API's "Get Transaction Result … for the transaction linked with the specified
//! fepReferenceId" names no period, and a paymentId stays taken once its payment
//! succeeded), so orders, payments, users and 3-D Secure transactions are kept for the
//! sandbox's lifetime; the Unified API's idempotency records are already forgotten after
//! their 24 hours.

use serde::Serialize;

use crate::log::Gateway;

/// The retention of a sandbox's records; see [`SandboxBuilder::retention`](crate::SandboxBuilder::retention).
///
/// Each bound is per gateway: with the default, a sandbox keeps at most 10,000 log entries
/// and 10,000 finished deliveries of each of the four gateways, about 10–20 MB in all,
/// evicting the oldest first.
///
/// ```
/// use veritrans_sandbox::{Retention, Sandbox};
///
/// // Keep the last 500 log entries and 100 finished deliveries of each gateway.
/// let builder = Sandbox::builder().retention(Retention::new(500, 100));
/// # let _ = builder;
/// assert_eq!(Retention::default().log_entries, Retention::DEFAULT_LOG_ENTRIES);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Retention {
    /// Log entries kept per gateway; older ones are evicted. At least 1.
    pub log_entries: usize,
    /// Finished (delivered, failed or cancelled) deliveries kept per gateway; older ones
    /// are evicted and can no longer be inspected or redelivered. Pending deliveries are
    /// never evicted. At least 1.
    pub finished_deliveries: usize,
}

impl Retention {
    /// Default of [`log_entries`](Retention::log_entries).
    pub const DEFAULT_LOG_ENTRIES: usize = 10_000;
    /// Default of [`finished_deliveries`](Retention::finished_deliveries).
    pub const DEFAULT_FINISHED_DELIVERIES: usize = 10_000;

    /// Keeps everything, as the sandbox did before retention existed (memory grows with
    /// every request).
    pub const fn unbounded() -> Self {
        Self {
            log_entries: usize::MAX,
            finished_deliveries: usize::MAX,
        }
    }

    /// A retention with these bounds (the struct is `#[non_exhaustive]`).
    pub const fn new(log_entries: usize, finished_deliveries: usize) -> Self {
        Self {
            log_entries,
            finished_deliveries,
        }
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if self.log_entries == 0 {
            return Err("retention: log_entries must be at least 1".into());
        }
        if self.finished_deliveries == 0 {
            return Err("retention: finished_deliveries must be at least 1".into());
        }
        Ok(())
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LOG_ENTRIES, Self::DEFAULT_FINISHED_DELIVERIES)
    }
}

/// Retained and evicted counts of one kind of record, per gateway, as
/// `GET /_sandbox/health` reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RetentionCounts {
    /// Records held now.
    pub retained: usize,
    /// Records evicted so far.
    pub evicted: u64,
}

/// The index of a gateway in per-gateway arrays ([`Gateway::ALL`]'s order).
pub(crate) fn slot(gateway: Gateway) -> usize {
    match gateway {
        Gateway::Pop => 0,
        Gateway::Unified => 1,
        Gateway::JPayment => 2,
        Gateway::Mpi => 3,
    }
}
