//! Throughput and latency of the Unified API emulation under concurrent load, with
//! duplicate requests.
//!
//! Sends `REQUESTS` distinct `pay` requests from `CONCURRENCY` keep-alive workers; every
//! request goes out twice with the same `X-VT-Idempotency-Key`. Checks that each payment
//! was applied exactly once and that both answers are identical, then prints one JSON
//! line with the figures (latency over all `2 × REQUESTS` calls).
//!
//! ```text
//! cargo run -p veritrans-sandbox --example unified_load [REQUESTS] [CONCURRENCY]
//! ```

use std::error::Error;
use std::time::{Duration, Instant};

use unified_proto::validate::body_of;
use unified_proto::{AuthCaptureType, PayControl, PayOrder, PayRequest, PayType, RequestMode};
use veritrans_sandbox::{Credentials, Retention, Sandbox};

#[path = "support/load.rs"]
mod support;
use support::{arg, percentile_ms};

fn pay(i: usize) -> Result<Vec<u8>, unified_proto::Error> {
    let order = PayOrder::new(PayType::Paypay, format!("load-{i}"), 1000)
        .with_auth_capture(AuthCaptureType::Auth);
    let control = PayControl {
        request_mode: Some(RequestMode::Sandbox),
        success_url: "http://127.0.0.1:9/done".into(),
        cancel_url: "http://127.0.0.1:9/cancel".into(),
        error_url: "http://127.0.0.1:9/error".into(),
        push_url: None,
    };
    body_of(&PayRequest::new(order, control))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let requests = arg(1, 2_000)?;
    let concurrency = arg(2, 32)?.max(1);
    let sandbox = Sandbox::builder()
        // Every record is checked afterwards: keep them all.
        .retention(Retention::unbounded())
        .start()
        .await?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let url = format!("{}/fep/pay", sandbox.base_url());

    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let (client, url) = (client.clone(), url.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut i = worker;
            while i < requests {
                let body = pay(i).map_err(|e| e.to_string())?;
                let mut answers = Vec::new();
                for _ in 0..2 {
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .bearer_auth(Credentials::DEFAULT_UNIFIED_TOKEN)
                        .header("Content-Type", "application/json")
                        .header("X-VT-Idempotency-Key", format!("key-{i}"))
                        .body(body.clone())
                        .send()
                        .await?;
                    if !response.status().is_success() {
                        return Err(format!("request {i}: HTTP {}", response.status()).into());
                    }
                    answers.push(response.bytes().await?);
                    latencies.push(sent.elapsed());
                }
                if answers[0] != answers[1] {
                    return Err(format!("request {i}: the duplicate got another answer").into());
                }
                i += concurrency;
            }
            Ok::<_, Box<dyn Error + Send + Sync>>(latencies)
        });
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(2 * requests);
    while let Some(result) = workers.join_next().await {
        latencies.extend(result?.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed();

    let pays = sandbox
        .inspect()
        .transactions()
        .into_iter()
        .filter(|r| r.kind == "pay")
        .count();
    if pays != requests {
        return Err(format!("{requests} payments but {pays} applied").into());
    }
    latencies.sort();
    let percentile = |p: f64| percentile_ms(&latencies, p);
    println!(
        "{}",
        serde_json::json!({
            "payments": requests,
            "calls": latencies.len(),
            "concurrency": concurrency,
            "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "calls_per_second": (latencies.len() as f64 / elapsed.as_secs_f64()).round(),
            "p50_ms": (percentile(0.50) * 100.0).round() / 100.0,
            "p99_ms": (percentile(0.99) * 100.0).round() / 100.0,
            "applied_exactly_once": true,
        })
    );
    sandbox.shutdown().await?;
    Ok(())
}
