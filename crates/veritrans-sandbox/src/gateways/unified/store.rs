//! What the Unified API emulation remembers: orders, transactions and idempotency
//! records, behind one lock. A command's idempotency check, effect and stored answer
//! happen under that lock together, so concurrent duplicates apply once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;

use unified_proto::testing::Column;
use unified_proto::versions::GuideVersion;
use unified_proto::{PayType, ResultCode, TransactionCommand, WebhookPayload};

use super::answers::Answer;
use super::idempotency::{Records, RequestId};
use super::sim::{Cell, PayTypeSim, Simulation};
use super::state::{Kind, OrderState};
use crate::boxed_map::BoxedMap;
use crate::delivery::Delivery;
use crate::state::AppState;

/// One order (a payment, a contract or a charge).
#[derive(Debug, Clone)]
pub(super) struct Order {
    pub(super) payment_id: String,
    pub(super) fep_order_id: String,
    pub(super) pay_type: PayType,
    pub(super) kind: Kind,
    pub(super) state: OrderState,
    pub(super) amount: u64,
    pub(super) captured: u64,
    pub(super) cancelled: u64,
    pub(super) auth_with_capture: bool,
    pub(super) success_url: String,
    pub(super) cancel_url: String,
    pub(super) error_url: String,
    pub(super) push_url: Option<String>,
    pub(super) merchant_keys: (Option<String>, Option<String>),
}

impl Order {
    /// What can still be cancelled.
    pub(super) fn balance(&self) -> u64 {
        let base = if self.state == OrderState::Captured {
            self.captured
        } else {
            self.amount
        };
        base.saturating_sub(self.cancelled)
    }
}

/// One answered request, by its `fepReferenceId`.
#[derive(Debug, Clone)]
pub(super) struct Txn {
    /// `transaction.command` as the guide writes it (`update_order`, not the path's
    /// `updateOrder`).
    pub(super) command: TransactionCommand,
    pub(super) payment_id: String,
    /// Inside the `UA-U00-001` window: getTransactionResult tells no details yet.
    pub(super) pending: bool,
    /// The transaction's answer body (what getTransactionResult returns as
    /// `transactionData`), as JSON text.
    ///
    /// Text rather than the typed payload: a `WebhookPayload` is about 1.2 KB inline plus
    /// a dozen strings, kept for every transaction of the sandbox's life, and read back
    /// only by getTransactionResult; the text is usually the very bytes of the stored
    /// answer (shared, not copied). Memory growth per payment was most of what the heap
    /// growth and page faults cost under load (docs/performance.md, "Seventh session").
    pub(super) payload: Bytes,
}

impl Txn {
    /// The payload, read back from its text (written by [`Txn::text`] or as an answer's
    /// body, from the same type).
    pub(super) fn payload(&self) -> Result<WebhookPayload, serde_json::Error> {
        serde_json::from_slice(&self.payload)
    }

    /// A payload as [`Txn::payload`] keeps it.
    pub(super) fn text(payload: &WebhookPayload) -> Bytes {
        serde_json::to_vec(payload).map_or_else(|_| Bytes::from_static(b"null"), Bytes::from)
    }
}

/// Everything behind the lock.
#[derive(Debug, Default)]
pub(super) struct Inner {
    pub(super) orders: BoxedMap<Order>,
    pub(super) fep_orders: BTreeMap<String, String>,
    pub(super) txns: BoxedMap<Txn>,
    idempotency: Records,
    seq: u64,
    /// The random part of IDs: a SplitMix64 state seeded once from the OS (see
    /// [`Inner::next_id`]).
    rng: u64,
}

impl Inner {
    /// A fresh ID for a fepOrderId suffix or a fepReferenceId: 26 characters like the
    /// guide's examples, a sequence then 20 random hex digits.
    ///
    /// The random digits only keep IDs of different sandbox runs apart (the sequence makes
    /// them unique within one), so they come from SplitMix64 seeded once from the OS
    /// instead of a random UUID per ID: a `getrandom` call per request was ≈ 4 % of a
    /// payment's CPU time under load (`perf`, docs/performance.md).
    pub(super) fn next_id(&mut self) -> String {
        self.seq += 1;
        if self.rng == 0 {
            self.rng = uuid::Uuid::new_v4().as_u64_pair().0 | 1;
        }
        let mut next = || {
            self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let (high, low) = (next(), next() >> 48);
        // What `format!("{:06}{high:016X}{low:04X}", seq % 1_000_000)` writes, digit by
        // digit: the formatting machinery was half of this function's cost, and it runs
        // twice for every payment.
        let mut id = String::with_capacity(26);
        digits(&mut id, self.seq % 1_000_000, 10, 6);
        digits(&mut id, high, 16, 16);
        digits(&mut id, low, 16, 4);
        id
    }

    /// The guide (1.1.1 RC, "IDs of an order"): a paymentId may be sent again until its
    /// transaction succeeded. A failed order's ID is free again; its old fepOrderId is
    /// forgotten. (Re-sending while the outcome is still open, which the guide warns can
    /// produce two payments and `UA-000-002`, is refused here.)
    pub(super) fn payment_id_taken(&mut self, payment_id: &str) -> bool {
        match self.orders.get(payment_id) {
            Some(order) if order.state == OrderState::Failed => {
                let old = order.fep_order_id.clone();
                self.fep_orders.remove(&old);
                self.orders.remove(payment_id);
                false
            }
            Some(_) => true,
            None => false,
        }
    }

    /// The order named by paymentId, else by fepOrderId.
    pub(super) fn find(
        &self,
        payment_id: Option<&str>,
        fep_order_id: Option<&str>,
    ) -> Option<&Order> {
        match (payment_id, fep_order_id) {
            (Some(p), _) => self.orders.get(p),
            (None, Some(f)) => self.fep_orders.get(f).and_then(|p| self.orders.get(p)),
            (None, None) => None,
        }
    }

    /// Stores a new order under both its IDs.
    pub(super) fn insert_new(&mut self, order: Order) {
        self.fep_orders
            .insert(order.fep_order_id.clone(), order.payment_id.clone());
        self.orders.insert(order.payment_id.clone(), order);
    }
}

/// Appends the last `width` digits of `n` in `radix` (10 or 16; upper-case hex), with
/// leading zeros.
fn digits(out: &mut String, n: u64, radix: u64, width: u32) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for place in (0..width).rev() {
        let digit = n / radix.pow(place) % radix;
        out.push(char::from(DIGITS[digit as usize]));
    }
}

/// The Unified API emulation's state.
#[derive(Debug)]
pub(crate) struct Store {
    /// The guide version this store emulates: its codes, rules and commands.
    pub(super) guide: &'static GuideVersion,
    sim: Simulation,
    pub(super) inner: Arc<Mutex<Inner>>,
}

impl Store {
    pub(crate) fn new(guide: &'static GuideVersion) -> Self {
        Self {
            guide,
            sim: Simulation::load(),
            inner: Arc::new(Mutex::new(Inner::default())),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock means a handler panicked mid-command; the data is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `effect` unless the same key + command + paymentId answered within 24 h, in
    /// which case the stored answer is returned and nothing happens (`idempotency.rs`).
    /// `ids` names the request's order (paymentId, fepOrderId).
    pub(super) fn idempotent(
        &self,
        app: &AppState,
        command: &str,
        key: Option<String>,
        ids: (Option<&str>, Option<&str>),
        effect: impl FnOnce(&mut Inner) -> (Answer, Vec<Delivery>),
    ) -> Answer {
        let (answer, deliveries) = {
            let mut inner = self.lock();
            let now = app.clock().now();
            let id = RequestId::of(key.as_deref(), command, ids, |f| {
                inner.fep_orders.get(f).cloned()
            });
            if let Some(replayed) = id.as_ref().and_then(|id| inner.idempotency.replay(id, now)) {
                return replayed;
            }
            let (answer, deliveries) = effect(&mut inner);
            if let Some(id) = id {
                inner.idempotency.store(id, answer.clone(), now);
            }
            (answer, deliveries)
        };
        super::notify::queue(app, deliveries);
        answer
    }

    /// The simulation tables of a payment type.
    pub(super) fn sim_of(&self, pay_type: PayType) -> Option<&PayTypeSim> {
        self.sim.of(&pay_type.to_string())
    }

    /// The simulated cell of `column` for `amount` (and `recoveryType`), if the guide's
    /// table has one.
    pub(super) fn sim_cell(
        &self,
        pay_type: PayType,
        column: Column,
        amount: u64,
        recovery: Option<&str>,
    ) -> Option<Cell> {
        self.sim_of(pay_type)?.lookup(column, amount, recovery)
    }

    /// The success cell of a payment type (the first provider page outcome).
    pub(super) fn success_cell(&self, pay_type: PayType) -> Cell {
        self.sim_of(pay_type)
            .and_then(|s| s.outcomes.first())
            .map(|o| o.cell.clone())
            .filter(Cell::is_success)
            .unwrap_or(Cell::of(&ResultCode::Ua000001, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IDs keep the shape they had when written with `format!`.
    #[test]
    fn ids_are_a_sequence_then_twenty_hex_digits() {
        let mut inner = Inner::default();
        let first = inner.next_id();
        assert_eq!(first.len(), 26);
        assert!(first.starts_with("000001"), "{first}");
        let hex = &first[6..];
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)),
            "{first}"
        );
        let mut id = String::new();
        digits(&mut id, 42, 10, 6);
        digits(&mut id, 0xAB_CDEF_0123_4567, 16, 16);
        digits(&mut id, 0x9F, 16, 4);
        assert_eq!(
            id,
            format!("{:06}{:016X}{:04X}", 42, 0xAB_CDEF_0123_4567_u64, 0x9F)
        );
        inner.seq = 1_234_566;
        assert!(inner.next_id().starts_with("234567"));
    }

    /// A transaction kept as text gives back the payload it was written from (what
    /// getTransactionResult answers as `transactionData`).
    #[test]
    fn a_transaction_reads_back_its_payload() {
        let payload: WebhookPayload = serde_json::from_str(include_str!(
            "../../../../veritrans-sign/benches/data/unified-webhook.json"
        ))
        .expect("a webhook body");
        let txn = Txn {
            command: TransactionCommand::Pay,
            payment_id: "p1".into(),
            pending: false,
            payload: Txn::text(&payload),
        };
        let back = txn.payload().expect("readable");
        assert_eq!(
            serde_json::to_value(&back).expect("JSON"),
            serde_json::to_value(&payload).expect("JSON")
        );
        assert_eq!(Txn::text(&back), txn.payload);
    }
}
