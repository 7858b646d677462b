//! Starting, configuring and stopping the sandbox.
// Helpers in this test crate unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::raw_http;
use reqwest::Method;
use veritrans_sandbox::{Credentials, DeliverySchedule, Error, PopServerKey, Sandbox, Secret};

#[tokio::test]
async fn binds_loopback_on_a_free_port_by_default() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST);
    assert_ne!(addr.port(), 0);
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );

    let health = raw_http::get(format!("{}/_sandbox/health", sandbox.base_url()))
        .await
        .json();
    // Exactly the gateways whose routes exist.
    let gateways = serde_json::to_value(veritrans_sandbox::gateways::EMULATED).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["gateways"], gateways);
    // The default retention, and nothing retained or evicted yet.
    assert_eq!(
        health["retention"],
        serde_json::json!({"logEntries": 10_000, "finishedDeliveries": 10_000})
    );
    for gateway in ["pop", "unified", "jpayment", "mpi"] {
        for log in ["transactions", "deliveries"] {
            assert_eq!(
                health[log][gateway],
                serde_json::json!({"retained": 0, "evicted": 0}),
                "{log} of {gateway}"
            );
        }
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn credentials_default_to_the_documented_values_and_can_be_replaced() {
    let default = Sandbox::builder().start().await.unwrap();
    let c = default.credentials();
    assert_eq!(
        c.pop_server_key.expose_secret(),
        Credentials::DEFAULT_POP_SERVER_KEY
    );
    assert_eq!(
        c.unified_token.expose_secret(),
        Credentials::DEFAULT_UNIFIED_TOKEN
    );
    assert_eq!(c.merchant_ccid, Credentials::DEFAULT_MERCHANT_CCID);
    default.shutdown().await.unwrap();

    let custom = Credentials {
        unified_token: Secret::new("tok"),
        pop_server_key: PopServerKey::new("pop"),
        jpayment_aid: "123456".into(),
        ..Credentials::default()
    };
    let sandbox = Sandbox::builder()
        .credentials(custom)
        .start()
        .await
        .unwrap();
    let c = sandbox.credentials();
    assert_eq!(c.unified_token.expose_secret(), "tok");
    assert_eq!(c.pop_server_key.expose_secret(), "pop");
    assert_eq!(c.jpayment_aid, "123456");
    assert_eq!(
        sandbox.state().credentials().unified_token.expose_secret(),
        "tok"
    );
    // The handle's Debug output never shows a secret.
    let debug = format!("{sandbox:?}");
    assert!(
        !debug.contains("tok\"") && !debug.contains("\"pop\""),
        "{debug}"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_stops_accepting_connections() {
    let sandbox = common::start().await;
    let addr = sandbox.addr();
    sandbox.shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let sandbox = common::start().await;
    let addr = sandbox.addr();
    drop(sandbox);
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the server still accepts connections after drop");
}

#[tokio::test]
async fn dropping_the_handle_cuts_requests_in_flight() {
    use veritrans_sandbox::{FaultAction, FaultRule};

    let sandbox = common::start().await;
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/test/", FaultAction::Delay { ms: 10_000 }))
        .unwrap();
    let state = sandbox.state().clone();
    let url = format!("{}/test/effect/dropped", sandbox.base_url());
    let request = tokio::spawn(async move { raw_http::request(Method::POST, url).send().await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    drop(sandbox);
    let err = request.await.unwrap().expect_err("cut");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(state.transactions().is_empty());
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    use veritrans_sandbox::{FaultAction, FaultRule};

    let sandbox = common::start().await;
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/test/", FaultAction::Delay { ms: 200 }))
        .unwrap();
    let url = format!("{}/test/effect/inflight", sandbox.base_url());
    let request = tokio::spawn(async move { raw_http::request(Method::POST, url).send().await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    sandbox.shutdown().await.unwrap();
    let response = request.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn shutdown_grace_bounds_the_wait_for_slow_requests() {
    use veritrans_sandbox::{FaultAction, FaultRule};

    let sandbox = common::builder()
        .shutdown_grace(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/test/", FaultAction::Delay { ms: 10_000 }))
        .unwrap();
    let url = format!("{}/test/effect/slow", sandbox.base_url());
    let request = tokio::spawn(async move { raw_http::request(Method::POST, url).send().await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    let state = sandbox.state().clone();
    sandbox.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    // Cut, not left to run into the client's 10 s timeout, and its effect never happened.
    let outcome = request.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the client waited for its timeout"
    );
    let err = outcome.expect_err("the slow request was cut");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(state.transactions().is_empty());
}

#[tokio::test]
async fn an_address_in_use_is_a_bind_error() {
    let first = Sandbox::builder().start().await.unwrap();
    let err = Sandbox::builder()
        .addr(first.addr())
        .start()
        .await
        .expect_err("second bind fails");
    match &err {
        Error::Bind { addr, .. } => assert_eq!(*addr, first.addr()),
        other => panic!("expected a bind error, got {other:?}"),
    }
    assert!(err.to_string().contains(&first.addr().to_string()));
    first.shutdown().await.unwrap();
}

#[tokio::test]
async fn nonsense_configuration_is_refused_by_name() {
    let zero_limit = Sandbox::builder().body_limit(0).start().await.unwrap_err();
    assert!(matches!(&zero_limit, Error::Config(m) if m.contains("body_limit")));
    let no_attempts = Sandbox::builder()
        .retry_policy(DeliverySchedule {
            max_attempts: 0,
            ..DeliverySchedule::default()
        })
        .start()
        .await
        .unwrap_err();
    assert!(matches!(&no_attempts, Error::Config(m) if m.contains("max_attempts")));
}

#[test]
fn starting_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let start = Sandbox::builder()
        .addr(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .start();
    let err = futures::executor::block_on(start).unwrap_err();
    assert!(err.to_string().contains("Tokio runtime"), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn works_on_a_current_thread_runtime() {
    let sandbox = common::start().await;
    let response = raw_http::post(format!("{}/test/effect/ct", sandbox.base_url())).await;
    assert_eq!(response.status, 200);
    sandbox.shutdown().await.unwrap();
}
