//! Throughput and latency of the POP gateway under concurrent load.
//!
//! Each of `FLOWS` flows is a whole card payment: `POST /pop/v1/payment-key`, then the
//! consumer page's card form (`POST /pop/v1/pay/{payment_key}`, test card 4111111111111111),
//! with the signed push delivered to an in-process receiver. `CONCURRENCY` workers run
//! the flows on keep-alive connections. Afterwards it checks that every flow was recorded
//! exactly once (one `payment_key` and one `payment` record per order) and that every
//! push arrived, then prints one JSON line: flows and HTTP requests per second, and the
//! p50/p99 latency of a single request.
//!
//! ```text
//! cargo run -p veritrans-sandbox --example pop_load [FLOWS] [CONCURRENCY]
//! ```

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};
use veritrans_sandbox::{Gateway, Retention, Sandbox, TransactionFilter};

#[path = "support/load.rs"]
mod support;
use support::{arg, percentile_ms};

type WorkerResult = Result<Vec<Duration>, Box<dyn Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let flows = arg(1, 1_000)?;
    let concurrency = arg(2, 32)?.max(1);

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
    let auth = veritrans_sign::pop::authorization(&sandbox.credentials().pop_server_key);
    let client = reqwest::Client::builder().no_proxy().build()?;
    let base = sandbox.base_url().to_owned();
    let next = Arc::new(AtomicUsize::new(0));

    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, base, merchant, next, auth) = (
                client.clone(),
                base.clone(),
                merchant.clone(),
                next.clone(),
                auth.clone(),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= flows {
                        break;
                    }
                    let t = Instant::now();
                    let key: Value = client
                        .post(format!("{base}/pop/v1/payment-key"))
                        .header("authorization", &auth)
                        .json(&json!({
                            "order_id": format!("LOAD-{i}"),
                            "gross_amount": 1000,
                            "dummy": true,
                            "enabled_payment_types": ["card"],
                            "success_url": format!("{merchant}/success"),
                            "push_url": format!("{merchant}/push"),
                        }))
                        .send()
                        .await?
                        .error_for_status()?
                        .json()
                        .await?;
                    latencies.push(t.elapsed());
                    let payment_key = key["payment_key"].as_str().ok_or("no payment_key")?;
                    let t = Instant::now();
                    client
                        .post(format!("{base}/pop/v1/pay/{payment_key}"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(
                            "payment_type=card&card_number=4111111111111111\
                             &card_expire=12%2F30&security_code=123",
                        )
                        .send()
                        .await?
                        .error_for_status()?
                        .text()
                        .await?;
                    latencies.push(t.elapsed());
                }
                WorkerResult::Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await?.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed();

    let deadline = Instant::now() + Duration::from_secs(30);
    while pushes.load(Ordering::SeqCst) < flows && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let count = |kind: &str| {
        sandbox
            .inspect()
            .transactions_matching(&TransactionFilter {
                gateway: Some(Gateway::Pop),
                kind: Some(kind.to_owned()),
                ..TransactionFilter::default()
            })
            .len()
    };
    let (keys, payments) = (count("payment_key"), count("payment"));
    let received = pushes.load(Ordering::SeqCst);
    if keys != flows || payments != flows || received < flows {
        return Err(format!(
            "expected {flows} of each: {keys} keys, {payments} payments, {received} pushes"
        )
        .into());
    }
    latencies.sort();
    let pick = |q: f64| percentile_ms(&latencies, q);
    println!(
        "{}",
        json!({
            "flows": flows,
            "concurrency": concurrency,
            "seconds": elapsed.as_secs_f64(),
            "flows_per_second": flows as f64 / elapsed.as_secs_f64(),
            "requests_per_second": latencies.len() as f64 / elapsed.as_secs_f64(),
            "p50_ms": pick(0.50),
            "p99_ms": pick(0.99),
            "pushes": received,
        })
    );
    sandbox.shutdown().await?;
    Ok(())
}
