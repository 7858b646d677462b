//! A short, bounded run of the chaos soak (`examples/chaos_soak.rs`), so CI
//! keeps it honest: 8 merchants for 3 s of payments, whole payments on all four
//! gateways, with every kind of fault injected; no invariant may break.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

#[path = "../examples/support/chaos/mod.rs"]
#[allow(dead_code)]
mod chaos;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_chaos_soak_keeps_every_invariant() {
    let report = chaos::run(chaos::Config {
        merchants: 8,
        duration: Duration::from_secs(3),
        max_payments: 400,
        seed: 14,
        fault_every: Duration::from_millis(15),
        merchant_500_percent: 10,
        merchant_hang_percent: 5,
    })
    .await
    .unwrap();
    println!("{report}");
    assert!(report.violations().is_empty(), "{report}");
    // The run did what it claims: every gateway paid, faults were applied
    // and answered by resends.
    for (gateway, attempts) in &report.attempts {
        assert!(*attempts > 0, "no {gateway} payment in {report}");
    }
    assert!(report.succeeded > 0, "{report}");
    assert!(report.faults.values().sum::<u64>() > 0, "{report}");
    assert!(report.retries > 0, "{report}");
}
