//! The invariants, checked at the end from the sandbox's ledger
//! (`inspect().transactions()` and `deliveries()`) and the merchants' records:
//!
//! 1. no payment applied twice: no order has two records of an applying kind;
//! 2. no payment lost: every attempt reached a conclusion; a success is one
//!    applied, successful record in the ledger; a failure has none;
//! 3. every notification the sandbox sent was delivered and processed by the
//!    merchant exactly once (Unified webhooks by `X-VT-webhook-id`, MPI pushes
//!    by `push_id`, J-Payment kickbacks by `gid`; POP pushes carry no ID, so
//!    the merchant keys them by order ID and every copy must be identical),
//!    and every successful order had one.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use veritrans_sandbox::merchant::Merchant;
use veritrans_sandbox::{DeliveryRecord, DeliveryStatus, Gateway, TransactionRecord};

use super::world::{Attempt, Outcome, Resend};

/// The ledger kinds that apply something, per gateway.
const APPLYING: &[(Gateway, &str)] = &[
    (Gateway::Pop, "payment_key"),
    (Gateway::Pop, "payment"),
    (Gateway::Unified, "pay"),
    (Gateway::Unified, "provider"),
    (Gateway::Unified, "capture"),
    (Gateway::Unified, "cancel"),
    (Gateway::JPayment, "onetouch_charge"),
    (Gateway::Mpi, "authorize"),
    (Gateway::Mpi, "verify"),
];

/// The merchant's ID of the order a record is about.
pub fn order_of(record: &TransactionRecord) -> String {
    let s = &record.summary;
    for field in ["order_id", "paymentId", "uid"] {
        if let Some(v) = s[field].as_str() {
            return v.to_owned();
        }
    }
    record.id.clone()
}

/// What the check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every broken invariant, one line each (must be empty).
    pub violations: Vec<String>,
    /// Resends the gateway recognised and did not apply again (the effect was
    /// already in the ledger when the resend left), by gateway and kind.
    pub suppressed_by_gateway: BTreeMap<String, u64>,
    /// Notification deliveries the merchants recognised as already processed.
    pub suppressed_by_merchant: u64,
    /// Deliveries, and attempts over all of them.
    pub deliveries: (usize, usize),
}

/// Runs every check.
pub fn check(
    attempts: &[Attempt],
    resends: &[Resend],
    ledger: &[TransactionRecord],
    deliveries: &[DeliveryRecord],
    merchants: &[Merchant],
) -> Checked {
    let mut out = Checked::default();
    let mut applied: HashMap<(Gateway, &str, String), Vec<&TransactionRecord>> = HashMap::new();
    for r in ledger {
        if let Some((_, kind)) = APPLYING
            .iter()
            .find(|(g, k)| *g == r.gateway && *k == r.kind)
        {
            applied
                .entry((r.gateway, kind, order_of(r)))
                .or_default()
                .push(r);
        }
    }
    // 1. Applied at most once.
    for ((gateway, kind, order), records) in &applied {
        if records.len() > 1 {
            out.violations.push(format!(
                "{gateway} {kind} applied {} times for {order}",
                records.len()
            ));
        }
    }
    let one = |g: Gateway, k: &str, id: &str| -> Option<&TransactionRecord> {
        applied
            .get(&(g, k, id.to_owned()))
            .and_then(|v| v.first().copied())
    };
    // 2. No payment lost, and the ledger agrees with the merchant.
    for a in attempts {
        let id = a.id.as_str();
        let success = |r: Option<&TransactionRecord>, field: &str, ok: &dyn Fn(&Value) -> bool| {
            r.is_some_and(|r| ok(&r.summary[field]))
        };
        let unified_ok = |v: &Value| {
            v.as_str()
                .and_then(|c| c.parse::<unified_proto::ResultCode>().ok())
                .is_some_and(|c| c.is_success())
        };
        let paid = match a.gateway {
            Gateway::Pop => success(one(a.gateway, "payment", id), "status", &|v| v == "success"),
            Gateway::Unified => {
                success(one(a.gateway, "provider", id), "resultCode", &unified_ok)
                    && success(one(a.gateway, "capture", id), "resultCode", &unified_ok)
                    && success(one(a.gateway, "cancel", id), "resultCode", &unified_ok)
            }
            Gateway::JPayment => success(one(a.gateway, "onetouch_charge", id), "result", &|v| {
                v == "ok"
            }),
            Gateway::Mpi => one(a.gateway, "verify", id).is_some(),
        };
        let money_moved = match a.gateway {
            Gateway::Pop => paid,
            Gateway::Unified => one(a.gateway, "capture", id).is_some(),
            Gateway::JPayment => paid,
            Gateway::Mpi => false, // authentication only: the decision is the merchant's
        };
        match &a.outcome {
            Err(e) => out.violations.push(format!(
                "{} {id} (merchant {}): no conclusion (lost): {e}",
                a.gateway, a.merchant
            )),
            Ok(Outcome::Succeeded) if !paid => out.violations.push(format!(
                "{} {id}: the merchant counts it paid, the ledger does not",
                a.gateway
            )),
            Ok(Outcome::Failed(why)) if money_moved => out.violations.push(format!(
                "{} {id}: the merchant counts it failed ({why}), the ledger has it paid",
                a.gateway
            )),
            Ok(_) => {}
        }
    }
    // Resends whose effect was already in the ledger when they left.
    for r in resends {
        let first = applied
            .get(&(r.gateway, r.kind, r.id.clone()))
            .and_then(|v| v.first());
        if first.is_some_and(|first| first.at < r.at) {
            *out.suppressed_by_gateway
                .entry(format!("{} {}", r.gateway, r.kind))
                .or_default() += 1;
        }
    }
    // 3. Notifications delivered and processed exactly once.
    out.deliveries = (
        deliveries.len(),
        deliveries.iter().map(|d| d.attempts.len()).sum(),
    );
    let seen = Seen::collect(merchants);
    out.suppressed_by_merchant = seen.duplicates;
    for d in deliveries {
        if d.status != DeliveryStatus::Delivered {
            out.violations
                .push(format!("delivery {} ended {:?}", d.id, d.status));
            continue;
        }
        let processed = match d.gateway {
            Gateway::Unified => seen.webhooks.get(&d.id).copied().unwrap_or(0),
            Gateway::JPayment => {
                let gid = d.id.strip_prefix("jpayment-kickback-").unwrap_or_default();
                seen.kickbacks.get(gid).copied().unwrap_or(0)
            }
            Gateway::Mpi => {
                let body: Value = serde_json::from_str(&d.body).unwrap_or_default();
                let push_id = body["push_id"].as_str().unwrap_or_default();
                seen.pushes.get(push_id).copied().unwrap_or(0)
            }
            Gateway::Pop => {
                let body: Value = serde_json::from_str(&d.body).unwrap_or_default();
                let order = body["order_id"].as_str().unwrap_or_default();
                seen.pop.get(order).map_or(0, |copies| {
                    usize::from(copies.iter().all(|c| *c == copies[0]))
                })
            }
        };
        if processed != 1 {
            out.violations.push(format!(
                "{} notification {} processed {processed} times",
                d.gateway, d.id
            ));
        }
    }
    for a in attempts {
        if a.outcome != Ok(Outcome::Succeeded) {
            continue;
        }
        let notified = match a.gateway {
            Gateway::Pop => seen.pop.contains_key(&a.notice),
            Gateway::Unified => seen.webhook_orders.contains(&a.notice),
            Gateway::JPayment => seen.kickback_refs.contains(&a.notice),
            Gateway::Mpi => seen.push_orders.contains(&a.notice),
        };
        if !notified {
            out.violations.push(format!(
                "{} {}: paid without a notification",
                a.gateway, a.id
            ));
        }
    }
    out
}

/// What all merchants processed: first deliveries per notification ID.
#[derive(Default)]
struct Seen {
    webhooks: HashMap<String, usize>,
    webhook_orders: std::collections::HashSet<String>,
    kickbacks: HashMap<String, usize>,
    kickback_refs: std::collections::HashSet<String>,
    pushes: HashMap<String, usize>,
    push_orders: std::collections::HashSet<String>,
    pop: HashMap<String, Vec<(String, bool)>>,
    duplicates: u64,
}

impl Seen {
    fn collect(merchants: &[Merchant]) -> Self {
        let mut all = Seen::default();
        for merchant in merchants {
            merchant.seen(|s| {
                for w in &s.webhooks {
                    all.note_dup(w.duplicate);
                    if !w.duplicate {
                        *all.webhooks.entry(w.id.clone()).or_default() += 1;
                    }
                    if let Some(p) = &w.payment_id {
                        all.webhook_orders.insert(p.clone());
                    }
                }
                for k in &s.kickbacks {
                    all.note_dup(k.duplicate);
                    if !k.duplicate {
                        *all.kickbacks.entry(k.gid.clone()).or_default() += 1;
                    }
                    if let Some(r) = k.order_ref.as_deref() {
                        all.kickback_refs.insert(r.to_owned());
                    }
                }
                for p in &s.pushes {
                    all.note_dup(p.duplicate);
                    if !p.duplicate {
                        *all.pushes.entry(p.push_id.clone()).or_default() += 1;
                    }
                    if let Some(o) = &p.order_id {
                        all.push_orders.insert(o.clone());
                    }
                }
                for p in &s.pop_pushes {
                    let copies = all.pop.entry(p.order_id.clone()).or_default();
                    if !copies.is_empty() {
                        all.duplicates += 1;
                    }
                    copies.push((p.result_code.clone(), p.success));
                }
            });
        }
        all
    }

    fn note_dup(&mut self, duplicate: bool) {
        if duplicate {
            self.duplicates += 1;
        }
    }
}
