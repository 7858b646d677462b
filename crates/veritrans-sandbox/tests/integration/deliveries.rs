//! The outbound delivery engine against a tiny merchant receiver.
// Helpers in this test crate unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::Duration;

use common::{Merchant, raw_http};
use veritrans_sandbox::{
    AttemptOutcome, Delivery, DeliveryError, DeliveryStatus, Gateway, Sandbox,
};

const WAIT: Duration = Duration::from_secs(10);

fn webhook(id: &str, url: String) -> Delivery {
    Delivery::new(Gateway::Unified, id, url)
        .header("content-type", "application/json")
        .header("x-vt-webhook-id", id)
        .body(r#"{"order":{"paymentId":"p-1"}}"#)
}

#[tokio::test]
async fn non_200_is_redelivered_with_the_same_id_until_200() {
    let merchant = Merchant::start(&[500, 503]).await;
    let sandbox = common::start().await;
    let id = sandbox
        .state()
        .deliver(webhook("01HG79DYJS6MJBN8BRS0HAQ38X", merchant.url("/hook")))
        .unwrap();

    let record = sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.status, DeliveryStatus::Delivered);
    let outcomes: Vec<_> = record.attempts.iter().map(|a| a.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [500, 503, 200].map(|status| AttemptOutcome::Status { status })
    );
    assert_eq!(
        record.attempts.iter().map(|a| a.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(record.attempts.windows(2).all(|w| w[0].at <= w[1].at));

    let received = merchant.received();
    assert_eq!(received.len(), 3);
    for r in &received {
        assert_eq!(r.method, "POST");
        assert_eq!(r.headers["x-vt-webhook-id"], "01HG79DYJS6MJBN8BRS0HAQ38X");
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(&r.body[..], br#"{"order":{"paymentId":"p-1"}}"#);
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let merchant = Merchant::start(&[500; 10]).await;
    let sandbox = common::start().await; // 4 attempts
    let id = sandbox
        .state()
        .deliver(webhook("wh-fail", merchant.url("/")))
        .unwrap();
    let record = sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.status, DeliveryStatus::Failed);
    assert_eq!(record.attempts.len(), 4);
    assert_eq!(merchant.received().len(), 4);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn transport_errors_are_recorded_and_retried() {
    let closed = common::closed_port().await;
    let sandbox = Sandbox::builder()
        .retry_policy(common::quick_policy(2))
        .start()
        .await
        .unwrap();
    let id = sandbox
        .state()
        .deliver(Delivery::new(
            Gateway::Mpi,
            "push-1",
            format!("http://{closed}/push"),
        ))
        .unwrap();
    let record = sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.status, DeliveryStatus::Failed);
    assert_eq!(record.attempts.len(), 2);
    for attempt in &record.attempts {
        match &attempt.outcome {
            AttemptOutcome::Error { message } => assert!(!message.is_empty()),
            other => panic!("expected a transport error, got {other:?}"),
        }
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn get_deliveries_such_as_kickbacks_are_sent_as_get() {
    let merchant = Merchant::start(&[]).await;
    let sandbox = common::start().await;
    let id = sandbox
        .state()
        .deliver(
            Delivery::new(
                Gateway::JPayment,
                "kb-1",
                merchant.url("/kickback?gid=1&rst=1"),
            )
            .method(http::Method::GET),
        )
        .unwrap();
    let record = sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.status, DeliveryStatus::Delivered);
    assert_eq!(record.method, "GET");
    assert_eq!(merchant.received()[0].method, "GET");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn invalid_and_duplicate_deliveries_are_refused() {
    let sandbox = common::start().await;
    let state = sandbox.state();
    let closed = common::closed_port().await;
    let url = format!("http://{closed}/");
    state.deliver(webhook("dup", url.clone())).unwrap();
    assert_eq!(
        state.deliver(webhook("dup", url.clone())),
        Err(DeliveryError::DuplicateId("dup".into()))
    );
    assert!(matches!(
        state.deliver(webhook("bad-url", "mailto:x@example.invalid".into())),
        Err(DeliveryError::InvalidUrl { .. })
    ));
    assert_eq!(state.deliveries().list().len(), 1);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_cancels_pending_deliveries_and_refuses_new_ones() {
    let merchant = Merchant::start(&[500; 10]).await;
    let sandbox = Sandbox::builder()
        .retry_policy(veritrans_sandbox::DeliverySchedule {
            max_attempts: 10,
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .unwrap();
    let state = sandbox.state().clone();
    let id = state.deliver(webhook("slow", merchant.url("/"))).unwrap();
    // Wait for the first attempt; the next one is 30 s away.
    for _ in 0..200 {
        if !state.deliveries().get(&id).unwrap().attempts.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = std::time::Instant::now();
    sandbox.shutdown().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown waited for the backoff"
    );
    let record = state.deliveries().get(&id).unwrap();
    assert_eq!(record.status, DeliveryStatus::Cancelled);
    assert_eq!(record.attempts.len(), 1);
    assert_eq!(
        state.deliver(webhook("late", merchant.url("/"))),
        Err(DeliveryError::ShuttingDown)
    );
}

#[tokio::test]
async fn http_api_lists_deliveries_and_finds_one() {
    let merchant = Merchant::start(&[]).await;
    let sandbox = common::start().await;
    let id = sandbox
        .state()
        .deliver(webhook("wh-http", merchant.url("/")))
        .unwrap();
    sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    let all = raw_http::get(format!("{}/_sandbox/deliveries", sandbox.base_url()))
        .await
        .json();
    assert_eq!(all["deliveries"][0]["id"], "wh-http");
    assert_eq!(all["deliveries"][0]["status"], "delivered");
    assert_eq!(all["deliveries"][0]["gateway"], "unified");
    assert_eq!(
        all["deliveries"][0]["attempts"][0]["outcome"]["result"],
        "status"
    );
    assert_eq!(
        all["deliveries"][0]["attempts"][0]["outcome"]["status"],
        200
    );

    let one = raw_http::get(format!(
        "{}/_sandbox/deliveries/wh-http",
        sandbox.base_url()
    ))
    .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["url"], merchant.url("/"));
    let missing = raw_http::get(format!("{}/_sandbox/deliveries/nope", sandbox.base_url())).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "not_found");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_settled_delivery_can_be_sent_again_as_a_duplicate() {
    let merchant = Merchant::start(&[]).await;
    let sandbox = common::start().await;
    let id = sandbox
        .state()
        .deliver(webhook("wh-dup", merchant.url("/")))
        .unwrap();
    sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();

    // Through HTTP: 202 and the record, now pending again.
    let url = format!(
        "{}/_sandbox/deliveries/wh-dup/redeliver",
        sandbox.base_url()
    );
    let response = raw_http::post(&url).await;
    assert_eq!(response.status, 202);
    let record = sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.status, DeliveryStatus::Delivered);
    assert_eq!(
        record.attempts.iter().map(|a| a.number).collect::<Vec<_>>(),
        [1, 2]
    );
    let received = merchant.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].headers["x-vt-webhook-id"],
        received[1].headers["x-vt-webhook-id"]
    );
    assert_eq!(received[0].body, received[1].body);

    // Through Rust.
    sandbox.inspect().redeliver(&id).unwrap();
    sandbox
        .inspect()
        .wait_delivery_settled(&id, WAIT)
        .await
        .unwrap();
    assert_eq!(merchant.received().len(), 3);

    let unknown = raw_http::post(format!(
        "{}/_sandbox/deliveries/nope/redeliver",
        sandbox.base_url()
    ))
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        sandbox.inspect().redeliver("nope"),
        Err(DeliveryError::UnknownId("nope".into()))
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_pending_delivery_cannot_be_redelivered() {
    let closed = common::closed_port().await;
    let sandbox = Sandbox::builder()
        .retry_policy(veritrans_sandbox::DeliverySchedule {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(1),
        })
        .start()
        .await
        .unwrap();
    let id = sandbox
        .state()
        .deliver(Delivery::new(
            Gateway::Pop,
            "p",
            format!("http://{closed}/"),
        ))
        .unwrap();
    assert_eq!(
        sandbox.inspect().redeliver(&id),
        Err(DeliveryError::StillPending("p".into()))
    );
    let conflict = raw_http::post(format!(
        "{}/_sandbox/deliveries/p/redeliver",
        sandbox.base_url()
    ))
    .await;
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.json()["error"], "conflict");
    sandbox.shutdown().await.unwrap();
}
