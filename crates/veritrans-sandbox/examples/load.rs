//! Throughput and latency of the sandbox core under concurrent load.
//!
//! Starts a sandbox with one extra route that appends a record to the transactions log
//! (the work every gateway route does at least), fires `REQUESTS` POSTs from `CONCURRENCY`
//! keep-alive workers, checks that each request was recorded exactly once, and prints
//! one JSON line with the figures.
//!
//! ```text
//! cargo run -p veritrans-sandbox --example load [REQUESTS] [CONCURRENCY]
//! ```

use std::collections::BTreeSet;
use std::error::Error;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use veritrans_sandbox::{AppState, Gateway, Retention, Sandbox};

async fn record(State(state): State<AppState>, Path(id): Path<String>) -> String {
    state
        .record(Gateway::Unified, "load", id, serde_json::json!({}))
        .seq
        .to_string()
}

#[path = "support/load.rs"]
mod support;
use support::{arg, percentile_ms};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let requests = arg(1, 5_000)?;
    let concurrency = arg(2, 32)?.max(1);
    let sandbox = Sandbox::builder()
        // Every record is checked afterwards: keep them all.
        .retention(Retention::unbounded())
        .routes(Router::new().route("/load/{id}", post(record)))
        .start()
        .await?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let base = sandbox.base_url().to_owned();

    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let base = base.clone();
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut i = worker;
            while i < requests {
                let sent = Instant::now();
                let response = client.post(format!("{base}/load/r{i}")).send().await?;
                if !response.status().is_success() {
                    return Err(format!("request {i}: HTTP {}", response.status()).into());
                }
                response.bytes().await?;
                latencies.push(sent.elapsed());
                i += concurrency;
            }
            Ok::<_, Box<dyn Error + Send + Sync>>(latencies)
        });
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(requests);
    while let Some(result) = workers.join_next().await {
        latencies.extend(result?.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed();

    let records = sandbox.inspect().transactions();
    let ids: BTreeSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    if records.len() != requests || ids.len() != requests {
        return Err(format!(
            "{requests} requests but {} records ({} distinct)",
            records.len(),
            ids.len()
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
            "recorded_exactly_once": true,
        })
    );
    sandbox.shutdown().await?;
    Ok(())
}
