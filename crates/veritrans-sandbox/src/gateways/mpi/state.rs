//! A 3-D Secure transaction's data and its stages, with the transitions written as data
//! ([`Stage::after_authorize`], [`Stage::on_browser_return`]) and checked against the
//! guide's process flow by the table in this file's tests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mpi_proto::testing::Scenario;
use mpi_proto::{MStatus, ServiceOptionType, TransactionCommand, TransactionInfo};

use super::answers::Sample;
use crate::boxed_map::BoxedMap;

/// Where a transaction stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// The authorize step failed: no redirect, no verify step, no push.
    Ended,
    /// The browser was sent to the authentication page.
    AwaitingBrowser,
    /// The verify step ran; the browser was sent back to `redirection_uri`.
    Completed,
}

/// What the browser's return to the authentication page does in a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OnReturn {
    /// Nothing to complete: the authorize step ended the transaction.
    Refuse,
    /// Apply the verify step once, queue the push, then send the browser back.
    Verify,
    /// Already verified (a reload, the back button): only send the browser back again.
    RedirectAgain,
}

impl Stage {
    /// The stage after the authorize step answered `mstatus`: `failure` ends the
    /// transaction, `success` sends the browser to authenticate.
    pub fn after_authorize(mstatus: &MStatus) -> Stage {
        if *mstatus == MStatus::Success {
            Stage::AwaitingBrowser
        } else {
            Stage::Ended
        }
    }

    /// What the browser's completion of the authentication page does, and the stage
    /// after it.
    pub fn on_browser_return(self) -> (OnReturn, Stage) {
        match self {
            Stage::Ended => (OnReturn::Refuse, Stage::Ended),
            Stage::AwaitingBrowser => (OnReturn::Verify, Stage::Completed),
            Stage::Completed => (OnReturn::RedirectAgain, Stage::Completed),
        }
    }
}

/// One 3-D Secure transaction.
#[derive(Clone, Debug)]
pub(super) struct Txn {
    pub request_id: String,
    pub order_id: String,
    pub amount: i64,
    pub card_masked: String,
    pub option: ServiceOptionType,
    pub scenario: Option<&'static Scenario>,
    pub verify_code: Option<String>,
    pub redirection_uri: String,
    pub push_uri: Option<String>,
    pub stage: Stage,
    pub last_success_command: Option<TransactionCommand>,
    pub transactions: Vec<TransactionInfo>,
}

/// This gateway's state in one sandbox: the transactions by Request ID.
#[derive(Clone, Debug)]
pub(super) struct Store {
    inner: Arc<Mutex<Inner>>,
    pub sample: Arc<Option<Sample>>,
}

/// The data behind the store's lock.
#[derive(Debug, Default)]
pub(super) struct Inner {
    /// Boxed: a transaction is about 240 bytes inline (see [`BoxedMap`]).
    pub by_request: BoxedMap<Txn>,
    pub order_ids: BTreeMap<String, String>,
    pub next_request: u64,
    pub next_push: u64,
}

impl Store {
    pub fn new() -> Self {
        Self {
            inner: Arc::default(),
            sample: Arc::new(Sample::load()),
        }
    }

    // Every mutation completes under one lock, so a poisoned lock still guards
    // consistent data.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// shared/seeds/mpi-3d-secure.en.txt, "Process flow", mpi-complete and mpi-company:
    /// "In the case where 3-D Secure is not possible, "mstatus = failure" is returned to
    /// the merchant site. Payment not possible." / "In the case where 3-D Secure is
    /// possible, "mstatus = success" is returned to the merchant site. Redirect to the
    /// card company authentication server, and complete 3-D Secure." A transaction whose
    /// authorize step failed has nothing to complete; one that succeeded is verified
    /// once (the same push_id may come again, but the sandbox applies the step once:
    /// "Notification more than once, it may be sent in the same push_id" is about
    /// delivery, which the delivery engine repeats).
    #[test]
    fn transitions_follow_the_process_flow() {
        let pending = MStatus::Pending;
        let after_authorize: &[(&MStatus, Stage)] = &[
            (&MStatus::Failure, Stage::Ended),
            (&MStatus::Success, Stage::AwaitingBrowser),
            // Not a value the authorize step answers (note *1 gives success or
            // failure only): anything but success sends nobody anywhere.
            (&pending, Stage::Ended),
        ];
        for (mstatus, stage) in after_authorize {
            assert_eq!(Stage::after_authorize(mstatus), *stage, "{mstatus:?}");
        }
        let on_return = [
            (Stage::Ended, OnReturn::Refuse, Stage::Ended),
            (Stage::AwaitingBrowser, OnReturn::Verify, Stage::Completed),
            (Stage::Completed, OnReturn::RedirectAgain, Stage::Completed),
        ];
        for (from, action, to) in on_return {
            assert_eq!(from.on_browser_return(), (action, to), "{from:?}");
        }
    }
}
