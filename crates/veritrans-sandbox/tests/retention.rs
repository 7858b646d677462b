//! Bounded memory: a million operations through a sandbox's state keep its retained
//! records at the configured bound and its resident memory under a stated bound.
//!
//! What is driven: the shared state every gateway route writes to, in process
//! (`AppState::record`, the transactions/events log, for every operation, and
//! `AppState::deliver`, a real delivery to a closed port that fails and finishes, for one
//! in 500), not the HTTP layer: a million HTTP requests would not fit a debug `cargo
//! test`. The gateways' own objects are not evicted at all (see `Retention`'s docs: the
//! guides give them no end of life), so they are not what this test bounds.
//!
//! What counts as finished, so evictable: a delivery no longer pending. The Unified API
//! guide (1.1.3, "Webhook"): "If any status code other than 200 is returned, it will be
//! considered a receiving failure, and the notification will be retried for a certain
//! period." Once the sandbox's schedule has run out (or a 200 came), no further attempt
//! is made, so nothing a later request needs depends on the record; only the sandbox's
//! own redelivery (`/_sandbox/deliveries/{id}/redeliver`) reads it, and it keeps the
//! newest ones.
#![allow(clippy::unwrap_used)] // a test that cannot set up should fail loudly

use std::time::{Duration, Instant};

use serde_json::json;
use veritrans_sandbox::{
    Delivery, DeliverySchedule, DeliveryStatus, Gateway, Retention, RetentionCounts, Sandbox,
};

const OPERATIONS: u64 = 1_000_000;
const LOG_BOUND: usize = 1_000;
const DELIVERY_BOUND: usize = 25;
const DELIVERY_EVERY: u64 = 500;
/// Resident memory may grow by this much over the run, well above the retained records
/// (4 × 1,000 log entries and 4 × 25 deliveries, under 5 MB) plus allocator slack, far
/// below what a million records hold (≈ 300 MB without retention).
const RSS_GROWTH_BOUND_KB: u64 = 64 * 1024;

/// `VmRSS` of this process in KiB (Linux); `None` elsewhere.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `OPERATIONS` operations; returns the largest resident-memory growth seen (KiB).
async fn run(retention: Retention) -> (veritrans_sandbox::RunningSandbox, Option<u64>) {
    let sandbox = Sandbox::builder()
        .retention(retention)
        .retry_policy(DeliverySchedule {
            max_attempts: 1,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            attempt_timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .unwrap();
    let state = sandbox.state().clone();
    let filler = "x".repeat(120);
    let one = |i: u64| {
        let gateway = Gateway::ALL[(i % 4) as usize];
        state.record(
            gateway,
            "payment",
            format!("order-{i}"),
            json!({"amount": i, "note": filler}),
        );
        if i.is_multiple_of(DELIVERY_EVERY) {
            // By the delivery's own count, so each gateway gets a quarter of them.
            let sender = Gateway::ALL[(i / DELIVERY_EVERY % 4) as usize];
            state
                .deliver(Delivery::new(
                    sender,
                    format!("d-{i}"),
                    "http://127.0.0.1:9/push",
                ))
                .unwrap();
        }
    };
    // Warm up to the bound first, so the baseline includes the retained records.
    let warm = 4 * LOG_BOUND as u64;
    for i in 0..warm {
        one(i);
    }
    let baseline = resident_kb();
    let mut growth = None;
    for i in warm..OPERATIONS {
        one(i);
        if i.is_multiple_of(50_000) {
            // Let the delivery tasks run, and sample the memory.
            tokio::task::yield_now().await;
            if let (Some(now), Some(base)) = (resident_kb(), baseline) {
                growth = Some(growth.unwrap_or(0).max(now.saturating_sub(base)));
            }
        }
    }
    if let (Some(now), Some(base)) = (resident_kb(), baseline) {
        growth = Some(growth.unwrap_or(0).max(now.saturating_sub(base)));
    }
    (sandbox, growth)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_operations_stay_within_the_retention_and_bounded_memory() {
    let started = Instant::now();
    let (sandbox, growth) = run(Retention::new(LOG_BOUND, DELIVERY_BOUND)).await;
    let inspect = sandbox.inspect();

    // Every delivery finishes (a closed port, one attempt), then the counts settle.
    let last = format!("d-{}", (OPERATIONS - 1) / DELIVERY_EVERY * DELIVERY_EVERY);
    let settled = inspect
        .wait_delivery_settled(&last, Duration::from_secs(30))
        .await;
    assert_ne!(settled.map(|r| r.status), Some(DeliveryStatus::Pending));
    let deadline = Instant::now() + Duration::from_secs(30);
    while inspect
        .deliveries()
        .iter()
        .any(|r| r.status == DeliveryStatus::Pending)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let per_gateway = OPERATIONS / 4;
    let deliveries_per_gateway = OPERATIONS / DELIVERY_EVERY / 4;
    for gateway in Gateway::ALL {
        assert_eq!(
            sandbox.state().transactions().counts(gateway),
            RetentionCounts {
                retained: LOG_BOUND,
                evicted: per_gateway - LOG_BOUND as u64,
            },
            "{gateway} log"
        );
        assert_eq!(
            sandbox.state().deliveries().counts(gateway),
            RetentionCounts {
                retained: DELIVERY_BOUND,
                evicted: deliveries_per_gateway - DELIVERY_BOUND as u64,
            },
            "{gateway} deliveries"
        );
    }
    assert_eq!(inspect.transactions().len(), 4 * LOG_BOUND);
    assert_eq!(inspect.deliveries().len(), 4 * DELIVERY_BOUND);
    // The newest are the ones kept.
    assert_eq!(
        inspect.transactions().last().map(|r| r.id.clone()),
        Some(format!("order-{}", OPERATIONS - 1))
    );

    // The same counts over HTTP.
    let health: serde_json::Value = reqwest::get(format!("{}/_sandbox/health", sandbox.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        health["transactions"]["unified"],
        json!({"retained": LOG_BOUND, "evicted": per_gateway - LOG_BOUND as u64})
    );
    assert_eq!(
        health["deliveries"]["mpi"],
        json!({"retained": DELIVERY_BOUND, "evicted": deliveries_per_gateway - DELIVERY_BOUND as u64})
    );
    assert_eq!(
        health["retention"],
        json!({"logEntries": LOG_BOUND, "finishedDeliveries": DELIVERY_BOUND})
    );

    match growth {
        Some(kb) => {
            println!(
                "{OPERATIONS} operations in {:?}; resident memory grew by at most {kb} KiB",
                started.elapsed()
            );
            assert!(
                kb < RSS_GROWTH_BOUND_KB,
                "resident memory grew by {kb} KiB, over the {RSS_GROWTH_BOUND_KB} KiB bound"
            );
        }
        None => println!("memory bound not checked: /proc/self/status has no VmRSS here"),
    }
    sandbox.shutdown().await.unwrap();
}

/// The check above can fail: without retention the same run grows past the memory
/// bound. Ignored by default (it holds ≈ 300 MB); run with `--ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "holds ~300 MB on purpose; shows the memory bound is meaningful"]
async fn without_retention_the_same_run_grows_past_the_bound() {
    let (sandbox, growth) = run(Retention::unbounded()).await;
    assert_eq!(
        sandbox.state().transactions().len() as u64,
        OPERATIONS,
        "everything kept"
    );
    let Some(kb) = growth else {
        println!("not checked: /proc/self/status has no VmRSS here");
        return;
    };
    println!("without retention, resident memory grew by {kb} KiB");
    assert!(kb > RSS_GROWTH_BOUND_KB, "grew by only {kb} KiB");
}
