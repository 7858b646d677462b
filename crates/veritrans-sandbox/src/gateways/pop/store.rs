//! The POP gateway's state in one sandbox: orders by `order_id`, payment keys and
//! account management keys, the contract settings; and the keys it issues.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use pop_proto::{CvsSubType, Notification, PaymentType, Yen};
use time::OffsetDateTime;

use super::settings::Settings;
use super::state::Stage;
use crate::boxed_map::BoxedMap;

/// Length of every key the sandbox issues (the guide's `string(24)`).
pub const KEY_LEN: usize = 24;

/// This gateway's state in one sandbox.
#[derive(Clone, Debug, Default)]
pub(super) struct Store {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
pub(super) struct Inner {
    /// Boxed: an order is about 0.7 KB inline (see [`BoxedMap`]).
    pub(super) orders: BoxedMap<Order>,
    /// `payment_key` → `order_id`.
    pub(super) keys: HashMap<String, String>,
    /// `account_mgmt_key` → (`paynow_account_id`, end of validity).
    pub(super) account_keys: HashMap<String, (String, OffsetDateTime)>,
    pub(super) next: u64,
    pub(super) settings: Settings,
}

/// One order and what its payment key allows.
#[derive(Clone, Debug)]
pub(super) struct Order {
    pub(super) order_id: String,
    pub(super) key: String,
    pub(super) gross_amount: Yen,
    pub(super) dummy: bool,
    pub(super) expires_at: OffsetDateTime,
    pub(super) types: Vec<PaymentType>,
    pub(super) cvs_sub_types: Vec<CvsSubType>,
    /// Card payments do 3-D Secure (`card.mpi`, else the MAP setting).
    pub(super) mpi: bool,
    pub(super) success_url: Option<String>,
    pub(super) failure_url: Option<String>,
    pub(super) incomplete_url: Option<String>,
    pub(super) push_url: Option<String>,
    pub(super) stage: Stage,
    /// The applied phase's notification, the base of the paid push.
    pub(super) applied: Option<Notification>,
}

impl Store {
    // Every mutation completes under one lock, so a poisoned lock still guards
    // consistent data.
    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The order behind a payment key, as it is now.
    pub(super) fn find_by_key(&self, key: &str) -> Option<Order> {
        let inner = self.lock();
        inner
            .keys
            .get(key)
            .and_then(|order_id| inner.orders.get(order_id))
            .cloned()
    }
}

impl Inner {
    /// A key no payment key or account management key has; under the lock.
    pub(super) fn issue_key(&mut self) -> String {
        loop {
            self.next += 1;
            let key = new_key(self.next);
            if !self.keys.contains_key(&key) && !self.account_keys.contains_key(&key) {
                return key;
            }
        }
    }
}

/// A 24-character alphanumeric key; uniqueness is enforced by the caller under the lock.
fn new_key(counter: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // RandomState is seeded randomly per instance: unpredictable enough for a sandbox,
    // without a random-number dependency.
    let mut out = String::with_capacity(KEY_LEN);
    let mut round = 0u64;
    while out.len() < KEY_LEN {
        let mut hasher = std::hash::RandomState::new().build_hasher();
        hasher.write_u64(counter);
        hasher.write_u64(round);
        let mut bits = hasher.finish();
        for _ in 0..10 {
            if out.len() == KEY_LEN {
                break;
            }
            out.push(char::from(ALPHABET[(bits % 62) as usize]));
            bits /= 62;
        }
        round += 1;
    }
    out
}

/// `len` decimal digits derived from `seed` (receipt and customer numbers).
pub(super) fn digits(seed: u64, len: usize) -> String {
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(seed);
    let n = hasher.finish();
    let text = format!("{:020}", n);
    text[text.len() - len..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_24_alphanumeric_and_distinct() {
        let a = new_key(1);
        let b = new_key(1);
        assert_eq!(a.len(), KEY_LEN);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
