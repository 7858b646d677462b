//! Fault injection through the Rust handle and the HTTP API.
// Helpers in this test crate unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::{Duration, Instant};

use common::raw_http;
use serde_json::{Value, json};
use veritrans_sandbox::{FaultAction, FaultRule, TransactionFilter};

fn effects(sandbox: &veritrans_sandbox::RunningSandbox, id: &str) -> usize {
    sandbox
        .inspect()
        .transactions_matching(&TransactionFilter {
            kind: Some("effect".into()),
            id: Some(id.into()),
            ..Default::default()
        })
        .len()
}

#[tokio::test]
async fn status_fault_answers_without_running_the_handler() {
    let sandbox = common::start().await;
    let client = common::client();
    sandbox
        .inspect()
        .add_fault(
            FaultRule::new(
                "/test/",
                FaultAction::Status {
                    status: 429,
                    retry_after: Some(3),
                },
            )
            .method("post"),
        )
        .unwrap();
    let url = format!("{}/test/effect/a", sandbox.base_url());

    let faulted = raw_http::send(client.post(&url)).await;
    assert_eq!(faulted.status, 429);
    assert_eq!(faulted.headers["retry-after"], "3");
    let body: Value = faulted.json();
    assert_eq!(body["error"], "injected_fault");
    assert!(body["message"].as_str().unwrap().contains("429"), "{body}");
    assert_eq!(
        effects(&sandbox, "a"),
        0,
        "a status fault must not apply the effect"
    );

    // count = 1: the rule has expired and the next request goes through.
    assert!(sandbox.inspect().faults().is_empty());
    let ok = raw_http::send(client.post(&url)).await;
    assert_eq!(ok.status, 200);
    assert_eq!(effects(&sandbox, "a"), 1);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn connection_reset_gives_a_transport_error_and_no_effect() {
    let sandbox = common::start().await;
    let client = common::client();
    sandbox
        .inspect()
        .add_fault(FaultRule::new(
            "/test/effect/",
            FaultAction::ConnectionReset,
        ))
        .unwrap();

    let err = client
        .post(format!("{}/test/effect/b", sandbox.base_url()))
        .send()
        .await
        .expect_err("the client must see no answer");
    assert!(!err.is_status(), "{err:?}");
    assert!(err.status().is_none(), "{err:?}");
    assert_eq!(effects(&sandbox, "b"), 0);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn dropped_response_applies_the_effect_but_the_client_sees_a_transport_error() {
    let sandbox = common::start().await;
    let client = common::client();
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/test/effect/", FaultAction::DropResponse).count(2))
        .unwrap();
    let url = format!("{}/test/effect/c", sandbox.base_url());

    for _ in 0..2 {
        let err = client
            .post(&url)
            .send()
            .await
            .expect_err("no answer expected");
        assert!(err.status().is_none(), "{err:?}");
    }
    // Both effects happened although neither client saw an answer: exactly the hazard a
    // retrying client without an idempotency key runs into.
    assert_eq!(effects(&sandbox, "c"), 2);
    let third = raw_http::send(client.post(&url)).await;
    assert_eq!(third.text(), "3");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn delay_fault_slows_the_request_then_handles_it() {
    let sandbox = common::start().await;
    let client = common::client();
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/test/", FaultAction::Delay { ms: 150 }))
        .unwrap();
    let started = Instant::now();
    let response =
        raw_http::send(client.post(format!("{}/test/effect/d", sandbox.base_url()))).await;
    assert_eq!(response.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(effects(&sandbox, "d"), 1);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn method_and_prefix_must_both_match() {
    let sandbox = common::start().await;
    let client = common::client();
    let inspect = sandbox.inspect();
    inspect
        .add_fault(
            FaultRule::new(
                "/test/effect/x",
                FaultAction::Status {
                    status: 500,
                    retry_after: None,
                },
            )
            .method("GET"),
        )
        .unwrap();
    // POST does not match a GET rule; another path does not match the prefix.
    let post = raw_http::send(client.post(format!("{}/test/effect/x1", sandbox.base_url()))).await;
    assert_eq!(post.status, 200);
    let other = raw_http::send(client.get(format!("{}/nowhere", sandbox.base_url()))).await;
    assert_eq!(other.status, 404);
    assert_eq!(inspect.faults()[0].remaining, 1);
    let get = raw_http::send(client.get(format!("{}/test/effect/x1", sandbox.base_url()))).await;
    assert_eq!(get.status, 500);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn reserved_prefix_is_never_faulted() {
    let sandbox = common::start().await;
    let client = common::client();
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/", FaultAction::ConnectionReset).count(100))
        .unwrap();
    let response =
        raw_http::send(client.get(format!("{}/_sandbox/faults", sandbox.base_url()))).await;
    assert_eq!(response.status, 200);
    let body: Value = response.json();
    assert_eq!(body["faults"][0]["remaining"], 100);
    let cleared =
        raw_http::send(client.delete(format!("{}/_sandbox/faults", sandbox.base_url()))).await;
    assert_eq!(cleared.status, 204);
    assert!(sandbox.inspect().faults().is_empty());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn http_fault_api_adds_lists_and_removes_rules() {
    let sandbox = common::start().await;
    let client = common::client();
    let faults_url = format!("{}/_sandbox/faults", sandbox.base_url());

    let created = raw_http::send(client.post(&faults_url).json(&json!({
        "method": "post",
        "path_prefix": "/test/effect/",
        "count": 2,
        "action": {"type": "status", "status": 503, "retry_after": 1}
    })))
    .await;
    assert_eq!(created.status, 201);
    let fault: Value = created.json();
    assert_eq!(fault["rule"]["method"], "POST");
    assert_eq!(fault["remaining"], 2);
    let id = fault["id"].as_u64().unwrap();

    let hit = raw_http::send(client.post(format!("{}/test/effect/h", sandbox.base_url()))).await;
    assert_eq!(hit.status, 503);
    assert_eq!(hit.headers["retry-after"], "1");

    let listed: Value = raw_http::send(client.get(&faults_url)).await.json();
    assert_eq!(listed["faults"][0]["remaining"], 1);

    let removed = raw_http::send(client.delete(format!("{faults_url}/{id}"))).await;
    assert_eq!(removed.status, 204);
    let again = raw_http::send(client.delete(format!("{faults_url}/{id}"))).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.json()["error"], "not_found");
    let not_a_number = raw_http::send(client.delete(format!("{faults_url}/abc"))).await;
    assert_eq!(not_a_number.status, 400);
    assert_eq!(not_a_number.json()["error"], "bad_request");

    let passes = raw_http::send(client.post(format!("{}/test/effect/h", sandbox.base_url()))).await;
    assert_eq!(passes.status, 200);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_fault_rules_get_400_naming_the_problem() {
    let sandbox = common::start().await;
    let client = common::client();
    let faults_url = format!("{}/_sandbox/faults", sandbox.base_url());
    let cases = [
        (
            json!({"path_prefix": "/x", "action": {"type": "status", "status": 200}}),
            "action.status",
        ),
        (
            json!({"path_prefix": "x", "action": {"type": "connection_reset"}}),
            "path_prefix",
        ),
        (
            json!({"path_prefix": "/_sandbox/", "action": {"type": "connection_reset"}}),
            "reserved",
        ),
        (
            json!({"path_prefix": "/x", "count": 0, "action": {"type": "drop_response"}}),
            "count",
        ),
        (
            json!({"path_prefix": "/x", "action": {"type": "delay", "ms": 999999}}),
            "action.ms",
        ),
        (
            json!({"path_prefix": "/x", "action": {"type": "explode"}}),
            "explode",
        ),
        (
            json!({"path_prefix": "/x", "action": {"type": "delay"}, "extra": 1}),
            "",
        ),
        (
            json!({"action": {"type": "connection_reset"}}),
            "path_prefix",
        ),
    ];
    for (body, needle) in cases {
        let response = raw_http::send(client.post(&faults_url).json(&body)).await;
        assert_eq!(response.status, 400, "{body}");
        let error: Value = response.json();
        assert_eq!(error["error"], "bad_request", "{body}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(needle),
            "{body}: {error}"
        );
    }
    let not_json = raw_http::send(
        client
            .post(&faults_url)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(not_json.status, 400);
    let no_type = raw_http::send(client.post(&faults_url).body("{}")).await;
    assert_eq!(no_type.status, 415);
    assert_eq!(no_type.json()["error"], "unsupported_media_type");
    assert!(sandbox.inspect().faults().is_empty());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn aborted_connection_carries_no_byte_of_an_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let sandbox = common::start().await;
    sandbox
        .inspect()
        .add_fault(FaultRule::new("/test/", FaultAction::DropResponse))
        .unwrap();
    let mut tcp = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    tcp.write_all(b"POST /test/effect/raw HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    // EOF or a reset both mean "no answer"; what matters is that nothing was written.
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer))
        .await
        .expect("the sandbox closes the connection");
    assert!(
        answer.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(effects(&sandbox, "raw"), 1);
    sandbox.shutdown().await.unwrap();
}
