//! Under concurrent load nothing is lost or applied twice.
// Helpers in this test crate unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Merchant, raw_http};
use veritrans_sandbox::{Delivery, DeliveryStatus, FaultAction, FaultRule, Gateway};

const N: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_are_each_recorded_exactly_once() {
    let sandbox = common::start().await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..N {
        let url = format!("{}/test/effect/req-{i}", sandbox.base_url());
        tasks.spawn(async move {
            let answer = raw_http::post(url).await;
            assert_eq!(answer.status, 200);
            answer.text().parse::<u64>().unwrap()
        });
    }
    let mut answered = BTreeSet::new();
    while let Some(seq) = tasks.join_next().await {
        assert!(answered.insert(seq.unwrap()), "a seq was handed out twice");
    }

    let records = sandbox.inspect().transactions();
    assert_eq!(records.len(), N);
    let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
    assert_eq!(
        seqs,
        (1..=N as u64).collect::<Vec<_>>(),
        "gap-free, in log order"
    );
    assert_eq!(answered, seqs.iter().copied().collect());
    let ids: BTreeSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), N, "every request recorded once");

    // The HTTP view agrees.
    let listed = raw_http::get(format!(
        "{}/_sandbox/transactions?kind=effect",
        sandbox.base_url()
    ))
    .await
    .json();
    assert_eq!(listed["transactions"].as_array().unwrap().len(), N);
    let tail = raw_http::get(format!(
        "{}/_sandbox/transactions?since=190",
        sandbox.base_url()
    ))
    .await
    .json();
    assert_eq!(tail["transactions"].as_array().unwrap().len(), N - 190);
    assert_eq!(tail["transactions"][0]["seq"], 191);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fault_with_count_k_hits_exactly_k_of_many_concurrent_requests() {
    let sandbox = common::start().await;
    sandbox
        .inspect()
        .add_fault(
            FaultRule::new(
                "/test/",
                FaultAction::Status {
                    status: 503,
                    retry_after: None,
                },
            )
            .count(17),
        )
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..100 {
        let url = format!("{}/test/effect/f-{i}", sandbox.base_url());
        tasks.spawn(async move { raw_http::post(url).await.status });
    }
    let mut faulted = 0;
    let mut ok = 0;
    while let Some(status) = tasks.join_next().await {
        match status.unwrap() {
            503 => faulted += 1,
            200 => ok += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((faulted, ok), (17, 83));
    assert_eq!(sandbox.inspect().transactions().len(), 83);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_each_arrive_once() {
    let merchant = Merchant::start(&[]).await;
    let sandbox = common::start().await;
    let state = sandbox.state().clone();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let state = state.clone();
        let url = merchant.url("/hook");
        tasks.spawn(async move {
            state
                .deliver(
                    Delivery::new(Gateway::Pop, format!("d-{i}"), url)
                        .header("x-id", format!("d-{i}")),
                )
                .unwrap()
        });
    }
    let mut ids = Vec::new();
    while let Some(id) = tasks.join_next().await {
        ids.push(id.unwrap());
    }
    for id in &ids {
        let record = sandbox
            .inspect()
            .wait_delivery_settled(id, Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(record.status, DeliveryStatus::Delivered, "{id}");
        assert_eq!(record.attempts.len(), 1);
    }
    let received: BTreeSet<String> = merchant
        .received()
        .iter()
        .map(|r| r.headers["x-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(merchant.received().len(), 50);
    assert_eq!(received.len(), 50);
    sandbox.shutdown().await.unwrap();
}
