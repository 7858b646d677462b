//! Throughput and latency of the MPI gateway under concurrent load.
//!
//! Each of `FLOWS` flows is the whole merchant round trip for test card
//! 4111111111111111 under `mpi-company`: start (`POST /mpi/mpi_charges`), complete the
//! authentication page (`POST /mpi/acs/{request_id}`), search (`POST /mpi/search`),
//! with the push delivered to an in-process receiver. `CONCURRENCY` workers run the
//! flows on keep-alive connections. Afterwards it checks that every flow was recorded
//! exactly once (one `authorize` and one `verify` record per order) and that every push
//! arrived once, then prints one JSON line: flows and HTTP requests per second, and the
//! p50/p99 latency of a single request.
//!
//! ```text
//! cargo run -p veritrans-sandbox --example mpi_load [FLOWS] [CONCURRENCY]
//! ```

use std::collections::BTreeSet;
use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};
use veritrans_sandbox::{DeliveryStatus, Gateway, Retention, Sandbox};

#[path = "support/load.rs"]
mod support;
use support::{arg, percentile_ms};

type WorkerResult = Result<Vec<Duration>, Box<dyn Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let flows = arg(1, 1_000)?;
    let concurrency = arg(2, 32)?.max(1);

    // The merchant's push endpoint: counts and answers 200.
    let pushes = Arc::new(AtomicUsize::new(0));
    let counter = pushes.clone();
    let receiver = Router::new().route(
        "/push",
        post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let merchant = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let sandbox = Sandbox::builder()
        // Every record is checked afterwards: keep them all.
        .retention(Retention::unbounded())
        .start()
        .await?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let base = sandbox.base_url().to_owned();

    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let base = base.clone();
        let merchant = merchant.clone();
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut i = worker;
            while i < flows {
                let timed = Instant::now();
                let started: Value = client
                    .post(format!("{base}/mpi/mpi_charges"))
                    .json(&json!({
                        "order_id": format!("LOAD-{i}"),
                        "amount": 1000,
                        "card_number": "4111111111111111",
                        "service_option_type": "mpi-company",
                        "redirection_uri": format!("{merchant}/return"),
                        "push_uri": format!("{merchant}/push"),
                    }))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                latencies.push(timed.elapsed());
                let page = started["redirect_url"].as_str().ok_or("no redirect_url")?;
                let request_id = started["request_id"].as_str().ok_or("no request_id")?;

                let timed = Instant::now();
                client
                    .post(page)
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                latencies.push(timed.elapsed());

                let timed = Instant::now();
                let found: Value = client
                    .post(format!("{base}/mpi/search"))
                    .json(&json!({ "request_id": request_id }))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                latencies.push(timed.elapsed());
                if found["order_info"]["order_id"] != format!("LOAD-{i}").as_str() {
                    return Err(format!("flow {i}: search answered another order").into());
                }
                i += concurrency;
            }
            WorkerResult::Ok(latencies)
        });
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(flows * 3);
    while let Some(result) = workers.join_next().await {
        latencies.extend(result?.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed();

    let records = sandbox.inspect().transactions();
    for kind in ["authorize", "verify"] {
        let ids: BTreeSet<&str> = records
            .iter()
            .filter(|r| r.gateway == Gateway::Mpi && r.kind == kind)
            .map(|r| r.id.as_str())
            .collect();
        let count = records.iter().filter(|r| r.kind == kind).count();
        if count != flows || ids.len() != flows {
            return Err(format!(
                "{flows} flows but {count} {kind} records ({} distinct)",
                ids.len()
            )
            .into());
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while sandbox
        .inspect()
        .deliveries()
        .iter()
        .any(|d| d.status == DeliveryStatus::Pending)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = pushes.load(Ordering::SeqCst);
    if delivered != flows {
        return Err(format!("{flows} flows but {delivered} pushes received").into());
    }

    latencies.sort();
    let percentile = |p: f64| percentile_ms(&latencies, p);
    println!(
        "{}",
        json!({
            "flows": flows,
            "concurrency": concurrency,
            "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "flows_per_second": (flows as f64 / elapsed.as_secs_f64()).round(),
            "requests_per_second": ((flows * 3) as f64 / elapsed.as_secs_f64()).round(),
            "request_p50_ms": (percentile(0.50) * 100.0).round() / 100.0,
            "request_p99_ms": (percentile(0.99) * 100.0).round() / 100.0,
            "recorded_exactly_once": true,
            "pushes_received": delivered,
        })
    );
    sandbox.shutdown().await?;
    Ok(())
}
