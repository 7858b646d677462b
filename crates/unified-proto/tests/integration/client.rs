//! The client against a local HTTP server (127.0.0.1, port 0): headers,
//! idempotency keys across retries, the retry policy, and every odd answer
//! the guide warns about.

#![cfg(feature = "client")]
#![allow(clippy::unwrap_used)] // test helpers panic on broken fixtures, which is the point

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::json;
use unified_proto::client::{Client, Environment, ResendPolicy, SendOptions};
use unified_proto::validate::Mode;
use unified_proto::*;

#[derive(Debug, Clone)]
struct Seen {
    command: String,
    authorization: String,
    idempotency_key: String,
    content_type: String,
    body: serde_json::Value,
}

struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
    delay: Duration,
    retry_after: Option<&'static str>,
}

fn reply(status: u16, body: impl Into<String>) -> Reply {
    Reply {
        status,
        content_type: "application/json",
        body: body.into(),
        delay: Duration::ZERO,
        retry_after: None,
    }
}

#[derive(Clone, Default)]
struct Script {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn handle(
    State(script): State<Script>,
    Path(command): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    script.seen.lock().unwrap().push(Seen {
        command,
        authorization: h("authorization"),
        idempotency_key: h("x-vt-idempotency-key"),
        content_type: h("content-type"),
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    });
    let next = script.replies.lock().unwrap().pop_front();
    let r = next.unwrap_or_else(|| reply(599, ""));
    tokio::time::sleep(r.delay).await;
    (
        StatusCode::from_u16(r.status).unwrap(),
        [
            ("content-type", r.content_type),
            ("retry-after", r.retry_after.unwrap_or("")),
        ],
        r.body,
    )
}

const QUICK: ResendPolicy = ResendPolicy {
    max_attempts: 3,
    base_delay: Duration::from_millis(5),
    max_delay: Duration::from_millis(20),
};

async fn server(replies: Vec<Reply>) -> (Client, Script) {
    server_with(replies, QUICK).await
}

async fn server_with(replies: Vec<Reply>, policy: ResendPolicy) -> (Client, Script) {
    let script = Script::default();
    script.replies.lock().unwrap().extend(replies);
    let app = Router::new()
        .route("/fep/{command}", post(handle))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder(
        Environment::Custom {
            base_url: format!("http://{addr}"),
            mode: Mode::Test,
        },
        UnifiedToken::new("test-token"),
    )
    .timeout(Duration::from_millis(500))
    .retry(policy)
    .build()
    .unwrap();
    (client, script)
}

/// Built from the types; what goes on the wire is [`pay_json`], written out.
fn pay() -> PayRequest {
    PayRequest {
        order: PayOrder {
            pay_type: PayType::Paypay,
            payment_id: "order-0001".into(),
            amount: yen(1_000),
            auth_capture_type: None,
            commodity_type: None,
            description: None,
        },
        control: PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "https://shop.example/done".into(),
            cancel_url: "https://shop.example/cancel".into(),
            error_url: "https://shop.example/error".into(),
            push_url: None,
        },
        item: Vec::new(),
        transaction: None,
        merchant: None,
        customer: None,
        payment_instrument: None,
    }
}

/// [`pay`] in the guide's field names ("Payment Request"): an empty `item` array and
/// absent optional objects are left out.
fn pay_json() -> serde_json::Value {
    json!({
        "order": {"payType": "paypay", "paymentId": "order-0001", "amount": "1000"},
        "control": {"requestMode": "sandbox", "successUrl": "https://shop.example/done",
                    "cancelUrl": "https://shop.example/cancel", "errorUrl": "https://shop.example/error"}
    })
}

fn capture() -> CaptureRequest {
    CaptureRequest {
        order: CaptureOrder {
            payment_id: Some("order-0001".into()),
            ..Default::default()
        },
        control: None,
        transaction: None,
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const RETRY_BODY: &str = r#"{"result":{"status":"failure","actionCode":"retry_request","resultCode":"UA-LMT-001","message":"Exceeded number of concurrent connections"}}"#;

#[tokio::test]
async fn pay_sends_bearer_json_and_a_uuid_key_and_parses_the_answer() {
    let (client, script) = server(vec![reply(200, fixture("pay_response.json"))]).await;
    let answer = client.send(&pay()).await.unwrap();
    let seen = script.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].command, "pay");
    assert_eq!(seen[0].authorization, "Bearer test-token");
    assert_eq!(seen[0].content_type, "application/json");
    assert_eq!(seen[0].body, pay_json());
    let key = uuid::Uuid::parse_str(&seen[0].idempotency_key).unwrap();
    assert_eq!(key.get_version_num(), 4);
    assert_eq!(answer.idempotency_key, seen[0].idempotency_key);
    assert!(answer.is_success());
    insta::assert_debug_snapshot!(answer.body);
}

const PRV_001: &str = r#"{"result":{"status":"failure","actionCode":"retry_request","resultCode":"UA-PRV-001","message":"Provider error"}}"#;
const REQ_005: &str = r#"{"result":{"status":"failure","actionCode":"retry_request","resultCode":"UA-REQ-005","message":"In process"}}"#;

fn keys(script: &Script) -> Vec<String> {
    let seen = script.seen.lock().unwrap();
    seen.iter().map(|s| s.idempotency_key.clone()).collect()
}

#[tokio::test]
async fn arrived_retry_request_answers_are_not_resent_and_the_caller_is_told_to_use_a_new_key() {
    // unified-api-1.1.3.en.txt, "About Idempotency": "If the request is determined to
    // be the same as a past request, the result from the previous request is returned
    // without actual processing." An arrived UA-PRV-001 / UA-LMT-001 resent with the same
    // key only replays it; a new key could charge twice, so the caller decides.
    for body in [PRV_001, RETRY_BODY] {
        let (client, script) = server(vec![
            reply(if body == PRV_001 { 502 } else { 429 }, body),
            reply(200, fixture("pay_response.json")),
        ])
        .await;
        let err = client.send(&capture()).await.unwrap_err();
        assert_eq!(keys(&script).len(), 1, "resent: {body}");
        assert_eq!(err.next_step(), Some(NextStep::NewKeyAfterCheck));
        let refusal = err.refusal().unwrap();
        assert_eq!(refusal.attempts, 1);
        assert_eq!(refusal.idempotency_key, keys(&script)[0]);
        assert!(refusal.action_code.as_ref().unwrap().should_retry());
    }
}

#[tokio::test]
async fn in_process_is_resent_with_the_same_key_and_body() {
    // "About Idempotency": "If the Idempotency-Key is the same, the original response is
    // sent." UA-REQ-005 "In process" (retry_request): the first request has not finished,
    // so the same key, after a wait, gets its answer.
    let (client, script) = server(vec![
        reply(406, REQ_005),
        reply(406, REQ_005),
        reply(200, fixture("pay_response.json")),
    ])
    .await;
    let answer = client.send(&capture()).await.unwrap();
    let seen = script.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|s| s.idempotency_key == answer.idempotency_key)
    );
    assert!(seen.iter().all(|s| s.body == seen[0].body));
}

#[tokio::test]
async fn lost_answers_are_resent_with_the_same_key_until_max_attempts() {
    // "About Idempotency": "This feature is intended to allow merchants to reacquire
    // responses they failed to receive." and "If the initial request did not reach the
    // FEP server, it is treated as a new request": a status without the gateway's body
    // (a proxy's 502/503/504) is a lost answer, resent with the same key.
    let html = Reply {
        content_type: "text/html",
        ..reply(
            503,
            "<html><body><h1>503 Service Unavailable</h1></body></html>",
        )
    };
    let (client, script) =
        server(vec![reply(502, ""), html, reply(504, ""), reply(200, "{}")]).await;
    let err = client.send(&capture()).await.unwrap_err();
    let keys = keys(&script);
    assert_eq!(keys.len(), 3, "bounded by max_attempts");
    assert!(keys.iter().all(|k| *k == keys[0]));
    assert_eq!(err.next_step(), Some(NextStep::ResendSameKey));
    let refusal = err.refusal().unwrap();
    assert_eq!((refusal.http_status, refusal.attempts), (504, 3));
    assert_eq!(refusal.idempotency_key, keys[0]);
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_longer_one_than_max_delay_ends_the_resends() {
    // "About Idempotency": "they can execute the request again with the same parameters,
    // including the Idempotency-Key." Retry-After is the server's wait (RFC 9110 10.2.3).
    let wait = Reply {
        retry_after: Some("1"),
        ..reply(503, "")
    };
    let policy = ResendPolicy {
        max_delay: Duration::from_secs(2),
        ..QUICK
    };
    let (client, script) =
        server_with(vec![wait, reply(200, fixture("pay_response.json"))], policy).await;
    let started = std::time::Instant::now();
    client.send(&capture()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(keys(&script).len(), 2);

    let long = Reply {
        retry_after: Some("120"),
        ..reply(503, "")
    };
    let (client, script) = server(vec![long, reply(200, "{}")]).await;
    let err = client.send(&capture()).await.unwrap_err();
    assert_eq!(keys(&script).len(), 1, "waited past max_delay");
    assert_eq!(err.next_step(), Some(NextStep::ResendSameKey));
}

#[tokio::test]
async fn get_transaction_result_is_asked_again_with_a_new_key() {
    // "About Idempotency": the same key returns "the result from the previous request";
    // getTransactionResult changes nothing, so after an arrived retry_request answer the
    // client asks again itself, with a new key (the project's reading).
    let (client, script) = server(vec![
        reply(500, r#"{"result":{"status":"error","actionCode":"retry_request","resultCode":"UA-SYS-003"}}"#),
        reply(200, fixture("transaction_result.json")),
    ])
    .await;
    let request = GetTransactionResultRequest {
        transaction: TransactionResultQuery {
            fep_reference_id: "X02".into(),
        },
    };
    let answer = client.send(&request).await.unwrap();
    let keys = keys(&script);
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
    assert_eq!(answer.idempotency_key, keys[1]);
}

#[tokio::test]
async fn other_refusals_are_not_resent() {
    let (client, script) = server(vec![
        reply(
            409,
            r#"{"result":{"status":"failure","actionCode":"confirm_request","resultCode":"UA-REQ-003","message":"Order duplication"}}"#,
        ),
        reply(200, fixture("pay_response.json")),
    ])
    .await;
    let err = client.send(&pay()).await.unwrap_err();
    assert_eq!(script.seen.lock().unwrap().len(), 1);
    assert_eq!(err.next_step(), Some(NextStep::FollowActionCode));
    insta::assert_snapshot!(err.to_string(), @"pay refused: HTTP 409, resultCode UA-REQ-003, status failure, actionCode confirm_request: Order duplication");
}

#[tokio::test]
async fn html_5xx_empty_bodies_and_bare_statuses_are_typed_errors() {
    let html = Reply {
        status: 503,
        content_type: "text/html",
        body: "<html><body><h1>503 Service Unavailable</h1></body></html>".into(),
        delay: Duration::ZERO,
        retry_after: None,
    };
    let policy = ResendPolicy::none();
    let (client, script) = server_with(vec![html, reply(500, ""), reply(404, "")], policy).await;
    let mut messages = Vec::new();
    for _ in 0..3 {
        let err = client.send(&capture()).await.unwrap_err();
        assert_eq!(err.refusal().unwrap().result_code, None);
        messages.push(err.to_string());
    }
    assert_eq!(script.seen.lock().unwrap().len(), 3, "none resent");
    insta::assert_snapshot!(messages.join("\n"), @r"
    capture refused: HTTP 503, resultCode -, status -, actionCode -
    capture refused: HTTP 500, resultCode -, status -, actionCode -
    capture refused: HTTP 404, resultCode -, status -, actionCode -
    ");
}

#[tokio::test]
async fn malformed_success_bodies_name_the_json_path() {
    let (client, _script) = server(vec![
        reply(200, ""),
        reply(200, "{\"result\": {"),
        reply(200, r#"{"order":{"amount":1000}}"#),
        reply(200, "[]"),
    ])
    .await;
    let mut messages = Vec::new();
    for _ in 0..4 {
        let err = client.send(&capture()).await.unwrap_err();
        assert!(matches!(err, Error::MalformedResponse { .. }), "{err}");
        messages.push(err.to_string());
    }
    insta::assert_snapshot!(messages.join("\n"), @r"
    malformed capture response at `.`: empty body
    malformed capture response at `.`: not a JSON object
    malformed capture response at `order.amount`: invalid type: integer `1000`, expected a string of half-width digits (integer yen)
    malformed capture response at `.`: not a JSON object
    ");
}

#[tokio::test]
async fn nulls_unknown_fields_and_unknown_codes_parse() {
    let (client, _script) =
        server(vec![reply(200, fixture("charge_response_surprising.json"))]).await;
    let charge: ChargeRequest = serde_json::from_value(json!({
        "order": {"paymentId": "charge-0001", "originalPaymentId": "sub-0001", "amount": "1500"}
    }))
    .unwrap();
    let answer = client.send(&charge).await.unwrap();
    assert_eq!(
        answer.result_code,
        Some(ResultCode::Unknown("UA-NEW-777".into()))
    );
    assert_eq!(
        answer.action_code,
        Some(ActionCode::Unknown("brand_new_action".into()))
    );
    assert!(!answer.is_success() && !answer.is_pending());
    assert_eq!(answer.raw["order"]["futureField"]["nested"], true);
    assert_eq!(answer.raw["unknownTopLevel"][2], 3);
    insta::assert_debug_snapshot!(answer.body);
}

#[tokio::test]
async fn invalid_requests_are_never_sent() {
    let (client, script) = server(vec![reply(200, fixture("pay_response.json"))]).await;
    let mut bad = pay();
    bad.order.amount = yen(10_000_000);
    let err = client.send(&bad).await.unwrap_err();
    assert_eq!(err.violations().len(), 1);
    assert_eq!(err.violations()[0].path, "order.amount");
    let err = client
        .send_with(
            &capture(),
            SendOptions::default().idempotency_key("bad key!"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }));
    assert!(script.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_timeout_is_resent_with_the_same_key_and_body() {
    // "About Idempotency": "For example, if a merchant fails to receive a response to a
    // Capture request, they can execute the request again with the same parameters,
    // including the Idempotency-Key."
    let slow = || Reply {
        delay: Duration::from_secs(2),
        ..reply(200, fixture("pay_response.json"))
    };
    let (client, script) = server(vec![slow(), reply(200, fixture("pay_response.json"))]).await;
    let answer = client.send(&capture()).await.unwrap();
    let seen = script.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|s| s.idempotency_key == answer.idempotency_key)
    );
    assert_eq!(seen[0].body, seen[1].body);

    // When every attempt times out, the error carries the key for a later resend.
    let (client, script) = server(vec![slow(), slow(), slow(), reply(200, "{}")]).await;
    let err = client.send(&capture()).await.unwrap_err();
    let Error::Transport {
        kind,
        idempotency_key,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*kind, "timeout");
    assert_eq!(err.next_step(), Some(NextStep::ResendSameKey));
    let again = client
        .send_with(
            &capture(),
            SendOptions::default().idempotency_key(idempotency_key.clone()),
        )
        .await
        .unwrap();
    assert_eq!(&again.idempotency_key, idempotency_key);
    let keys = keys(&script);
    assert_eq!(keys.len(), 4);
    assert!(keys.iter().all(|k| k == idempotency_key));
}

#[tokio::test]
async fn get_transaction_result_carries_the_webhook_shape() {
    let (client, _script) = server(vec![reply(200, fixture("transaction_result.json"))]).await;
    let request = GetTransactionResultRequest {
        transaction: TransactionResultQuery {
            fep_reference_id: "X02".into(),
        },
    };
    let answer = client.send(&request).await.unwrap();
    insta::assert_debug_snapshot!(answer.body);
}

#[test]
fn live_clients_need_https() {
    let err = Client::builder(
        Environment::Custom {
            base_url: "http://127.0.0.1:1".into(),
            mode: Mode::Live,
        },
        UnifiedToken::new("t"),
    )
    .build()
    .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert_eq!(
        Environment::Live.base_url(),
        "https://api.unified.veritrans.jp"
    );
    assert_eq!(
        Environment::Sandbox.base_url(),
        "https://api.sandbox.unified.veritrans.jp"
    );
}

/// The guide, Payment Request, `requestMode`: "When not specified, it will be a live
/// mode request. [...] Make sure to set this according to the environment you are
/// connecting to. If 'sandbox' is set for the live environment or 'live' is set for
/// the sandbox environment, a check error will occur." (unified-api-1.1.3.en.txt).
/// The client sends its environment's value when the request has none, through the
/// per-command method as through `send`, and refuses a contradicting one unsent.
#[tokio::test]
async fn request_mode_comes_from_the_environment_and_a_contradiction_is_never_sent() {
    let answer = || reply(200, fixture("pay_response.json"));
    let (client, script) = server(vec![answer()]).await;
    let mut request = pay();
    request.control.request_mode = None;
    let paid = client.pay(&request).await.unwrap();
    assert!(paid.is_success());
    assert_eq!(
        paid.redirect_url(),
        Some("https://api.sandbox.unified.veritrans.jp/redirect/abc")
    );
    let seen = script.seen.lock().unwrap().clone();
    assert_eq!(seen[0].body, pay_json(), "requestMode: sandbox was filled");

    request.control.request_mode = Some(RequestMode::Live);
    let err = client.pay(&request).await.unwrap_err();
    assert_eq!(err.violations().len(), 1, "{err}");
    assert_eq!(err.violations()[0].path, "control.requestMode");
    assert!(err.to_string().contains("must be sandbox"), "{err}");
    assert_eq!(
        script.seen.lock().unwrap().len(),
        1,
        "nothing more was sent"
    );
}

/// `SendOptions::pay_type` takes the typed payment type and enables its limits for a
/// body that does not name one (the guide's per-payment-type amount digits).
#[tokio::test]
async fn send_options_pay_type_enables_the_limits_of_that_type() {
    let (client, script) = server(vec![]).await;
    let refund = CancelRequest::for_payment("order-0001").with_amount(yen(12_345_678));
    let au = SendOptions::default().pay_type(PayType::Au);
    let err = client.send_with(&refund, au).await.unwrap_err();
    assert!(
        err.to_string().contains("payType au: at most 7 digits"),
        "{err}"
    );
    assert!(script.seen.lock().unwrap().is_empty());
}

/// The blocking client: the same methods, answered without an async runtime in the
/// caller's code; inside one it refuses (nothing sent) instead of blocking it.
#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_has_the_same_methods_and_refuses_inside_a_runtime() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (client, script) = runtime.block_on(server(vec![reply(200, fixture("pay_response.json"))]));
    let blocking = unified_proto::blocking::Client::from_async(client).unwrap();
    let answer = blocking.pay(&pay()).unwrap();
    assert!(answer.is_success());
    assert_eq!(script.seen.lock().unwrap()[0].command, "pay");

    let inside = runtime.block_on(async { blocking.capture(&capture()) });
    assert!(
        matches!(inside, Err(Error::InsideAsyncRuntime(_))),
        "{inside:?}"
    );
    assert_eq!(inside.unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(script.seen.lock().unwrap().len(), 1);
}
