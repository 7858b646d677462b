//! What the client's `tracing` output holds: one `veritrans.request` span per
//! call with the operation, the order number and the outcome, and never a
//! user key, a token or the answer's body.

#![cfg(feature = "client")]
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::any;
use jpayment_proto::prelude::*;

const USER_KEY: &str = "TRACEKEY42";
const TOKEN: &str = "TRACE-TOKEN-7c1e";

/// A gateway answering every call with `status` and `answer`.
async fn fake(status: StatusCode, answer: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().route(
        "/gateway/{*rest}",
        any(move || async move { (status, answer) }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn client(addr: SocketAddr) -> Client {
    Client::new(Environment::Custom {
        base_url: format!("http://{addr}/gateway/"),
        mode: Mode::Test,
    })
    .unwrap()
}

fn charge() -> OnetouchCharge {
    let mut charge = OnetouchCharge::new(
        "123456",
        ReplyMethod::Response,
        "012345",
        UserKey::new(USER_KEY),
        1,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(500),
    );
    charge.order_ref = Some("order-17".into());
    charge
}

/// Runs `calls` with a TRACE subscriber on this thread (the current-thread
/// runtime runs the fake gateway here too) and returns what it wrote.
async fn traced<F: std::future::Future<Output = ()>>(calls: F) -> String {
    let capture = veritrans_core::trace::Capture::new();
    let _guard = tracing::subscriber::set_default(capture.subscriber());
    calls.await;
    capture.text()
}

#[tokio::test]
async fn a_charge_runs_in_one_span_with_its_order_status_and_latency() {
    let addr = fake(
        StatusCode::OK,
        "1095729,1,TestMod,,205685,,1000,80,500,1580,,\r\n",
    )
    .await;
    let out = traced(async {
        client(addr).send(&charge()).await.unwrap();
    })
    .await;
    for field in [
        "veritrans.request",
        "gateway=\"jpayment\"",
        "operation=\"onetouch_charge\"",
        "order_id=\"order-17\"",
        "attempt=1",
        "http_status=200",
        "latency_ms=",
        ": sending attempt=1",
        ": answered",
    ] {
        assert!(out.contains(field), "{field} missing in {out}");
    }
    // The answer's body (its approval number, its payment ID) is not logged.
    assert!(
        !out.contains("TestMod") && !out.contains("1095729"),
        "{out}"
    );
    assert!(!out.contains(USER_KEY), "{out}");
}

#[tokio::test]
async fn a_refusal_carries_the_gateways_code() {
    let addr = fake(StatusCode::OK, "ER003").await;
    let out = traced(async {
        let err = client(addr).send(&charge()).await.unwrap_err();
        assert_eq!(err.result_code(), Some(&ErrorCode::SourceIp));
    })
    .await;
    assert!(out.contains("result_code=\"ER003\""), "{out}");
}

#[tokio::test]
async fn a_request_refused_before_sending_says_why_and_sends_nothing() {
    let addr = fake(StatusCode::OK, "OK").await;
    let out = traced(async {
        // Registering a card needs a token; an empty one breaks the guide's rule.
        let card = RegisterCard::new("123456", "012345", UserKey::new(USER_KEY), "");
        assert!(client(addr).send(&card).await.is_err());
    })
    .await;
    assert!(out.contains("refused before sending"), "{out}");
    assert!(out.contains("operation=\"register_card\""), "{out}");
    assert!(
        !out.contains(": sending") && !out.contains(": answered"),
        "{out}"
    );
    assert!(!out.contains(USER_KEY), "{out}");
}

#[tokio::test]
async fn an_error_status_is_a_transport_failure_without_the_tokens() {
    let addr = fake(StatusCode::SERVICE_UNAVAILABLE, "down").await;
    let out = traced(async {
        let card = RegisterCard::new("123456", "012345", UserKey::new(USER_KEY), TOKEN);
        let client = Client::builder(Environment::Custom {
            base_url: format!("http://{addr}/gateway/"),
            mode: Mode::Test,
        })
        .method(Method::Get)
        .build()
        .unwrap();
        assert!(client.send(&card).await.is_err());
    })
    .await;
    assert!(out.contains("transport failed"), "{out}");
    assert!(out.contains("HTTP status 503"), "{out}");
    assert!(!out.contains(TOKEN) && !out.contains(USER_KEY), "{out}");
}
