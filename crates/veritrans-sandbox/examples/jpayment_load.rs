//! Throughput and latency of the J-Payment emulation: one-touch charges (`rt=1`) sent by
//! `jpayment-proto`'s client from `CONCURRENCY` workers against one user's card, checked
//! afterwards for exactly one payment per request (distinct payment IDs, the sum of the
//! amounts). Prints one JSON line with the figures.
//!
//! ```text
//! cargo run -p veritrans-sandbox --example jpayment_load [REQUESTS] [CONCURRENCY]
//! ```

use std::collections::BTreeSet;
use std::error::Error;
use std::time::{Duration, Instant};

use jpayment_proto::{Client, JobType, OnetouchCharge, PaymentReply, ReplyMethod, yen};
use veritrans_sandbox::{Credentials, Retention, Sandbox};

const AID: &str = Credentials::DEFAULT_JPAYMENT_AID;

#[path = "support/load.rs"]
mod support;
use support::{arg, percentile_ms};
#[path = "support/jpayment_user.rs"]
mod jpayment_user;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let requests = arg(1, 5_000)?;
    let concurrency = arg(2, 32)?.max(1);
    let sandbox = Sandbox::builder()
        // Every record is checked afterwards: keep them all.
        .retention(Retention::unbounded())
        .start()
        .await?;
    let base = sandbox.base_url().to_owned();
    let client = Client::new(sandbox.jpayment_environment())?;

    let key = jpayment_user::user_with_card(&client, &base, "loaduser", "LOAD").await?;

    // Distinct amounts 1, 2, 3, … so the sum checks that every charge was applied once,
    // skipping the sandbox's trigger amounts (`jpayment_proto::testing::AMOUNT_TRIGGERS`),
    // which answer with an error instead of charging.
    let amounts: std::sync::Arc<[u64]> = (1..)
        .filter(|total| jpayment_proto::testing::amount_trigger(*total).is_none())
        .take(requests)
        .collect();
    let expected: u64 = amounts.iter().sum();

    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let key = key.clone();
        let amounts = amounts.clone();
        workers.spawn(async move {
            let mut done = Vec::new();
            let mut i = worker;
            while i < requests {
                let charge = OnetouchCharge::new(
                    AID,
                    ReplyMethod::Response,
                    "loaduser",
                    key.clone(),
                    1,
                    JobType::Capture,
                    yen(amounts[i]),
                    yen(0),
                    yen(0),
                );
                let sent = Instant::now();
                let reply = client.send(&charge).await.map_err(|e| e.to_string())?;
                let PaymentReply::Completed(result) = reply else {
                    return Err(format!("request {i}: no result with rt=1"));
                };
                done.push((sent.elapsed(), result.payment_id, result.total));
                i += concurrency;
            }
            Ok::<_, String>(done)
        });
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(requests);
    let mut gids = BTreeSet::new();
    let mut sum = 0u64;
    while let Some(result) = workers.join_next().await {
        for (latency, gid, total) in result?? {
            latencies.push(latency);
            gids.insert(gid);
            sum += total.get();
        }
    }
    let elapsed = started.elapsed();
    if gids.len() != requests || sum != expected {
        return Err(format!(
            "{requests} charges but {} distinct payment IDs, total {sum} (expected {expected})",
            gids.len()
        )
        .into());
    }

    latencies.sort();
    let percentile = |p: f64| percentile_ms(&latencies, p);
    println!(
        "{}",
        serde_json::json!({
            "requests": requests,
            "concurrency": concurrency,
            "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "requests_per_second": (requests as f64 / elapsed.as_secs_f64()).round(),
            "p50_ms": (percentile(0.50) * 100.0).round() / 100.0,
            "p99_ms": (percentile(0.99) * 100.0).round() / 100.0,
            "each_charge_applied_once": true,
        })
    );
    sandbox.shutdown().await?;
    Ok(())
}
