//! The Unified API's idempotency, from both ends: `unified-proto`'s client resends a
//! lost answer with the same key and never resends an arrived one, and the sandbox
//! replays stored answers (failures included) for 24 hours of its clock. Every rule
//! quotes unified-api-1.1.3.en.txt, "About Idempotency" unless it says otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use unified_proto::client::{Client, Environment, ResendPolicy, SendOptions};
use unified_proto::validate::Mode;
use unified_proto::*;
use veritrans_sandbox::{Credentials, FaultAction, FaultRule, RunningSandbox};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn client_with(sb: &RunningSandbox, retry: ResendPolicy) -> Client {
    Client::builder(
        Environment::Custom {
            base_url: sb.base_url().to_string(),
            mode: Mode::Test,
        },
        UnifiedToken::new(Credentials::DEFAULT_UNIFIED_TOKEN),
    )
    .retry(retry)
    .build()
    .unwrap()
}

/// A client that resends quickly (three attempts).
fn resending(sb: &RunningSandbox) -> Client {
    client_with(
        sb,
        ResendPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        },
    )
}

/// A client that sends each request once, so a test controls every key.
fn once(sb: &RunningSandbox) -> Client {
    client_with(sb, ResendPolicy::none())
}

fn keyed(key: &str) -> SendOptions {
    SendOptions::default().idempotency_key(key)
}

fn pay(payment_id: &str, amount: u64) -> PayRequest {
    PayRequest::new(
        PayOrder::new(PayType::Paypay, payment_id, amount).with_auth_capture(AuthCaptureType::Auth),
        PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "http://127.0.0.1:9/done".into(),
            cancel_url: "http://127.0.0.1:9/cancel".into(),
            error_url: "http://127.0.0.1:9/error".into(),
            push_url: None,
        },
    )
}

fn capture(
    payment_id: Option<&str>,
    fep_order_id: Option<&str>,
    amount: Option<u64>,
) -> CaptureRequest {
    CaptureRequest {
        order: CaptureOrder {
            payment_id: payment_id.map(Into::into),
            fep_order_id: fep_order_id.map(Into::into),
            amount: amount.map(yen),
            ..Default::default()
        },
        control: None,
        transaction: None,
    }
}

fn cancel(payment_id: &str, amount: u64) -> CancelRequest {
    CancelRequest {
        order: CancelOrder {
            payment_id: Some(payment_id.into()),
            amount: Some(yen(amount)),
            ..Default::default()
        },
        control: None,
        transaction: None,
    }
}

fn charge(original: &str, payment_id: &str, amount: u64) -> ChargeRequest {
    ChargeRequest {
        order: ChargeOrder {
            amount: yen(amount),
            auth_capture_type: Some(AuthCaptureType::AuthWithCapture),
            description: None,
            original_fep_order_id: None,
            original_payment_id: Some(original.into()),
            payment_id: payment_id.into(),
        },
        control: None,
        item: vec![],
        merchant: None,
        transaction: None,
    }
}

fn subscribe(payment_id: &str) -> SubscribeRequest {
    SubscribeRequest {
        order: SubscribeOrder {
            pay_type: PayType::Paypay,
            payment_id: payment_id.into(),
            commodity_type: None,
            description: None,
            order_name: Some("monthly".into()),
        },
        control: SubscribeControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "http://127.0.0.1:9/done".into(),
            cancel_url: "http://127.0.0.1:9/cancel".into(),
            error_url: "http://127.0.0.1:9/error".into(),
            push_url: None,
            deregistration_push_url: None,
        },
        customer: None,
        item: vec![SubscribeItem {
            id: Some("item1".into()),
            name: Some("plan".into()),
            category_id: None,
        }],
        merchant: None,
        payment_instrument: None,
        transaction: None,
    }
}

/// The consumer approves on the dummy provider page.
async fn approve(redirect_url: &str) {
    let browser = common::raw_http::client_without_redirects();
    let chosen = browser
        .get(format!("{redirect_url}/pay"))
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
}

/// A paid, authorised PayPay order; returns its fepOrderId.
async fn authorised(sb: &RunningSandbox, payment_id: &str, amount: u64) -> String {
    let paid = once(sb).send(&pay(payment_id, amount)).await.unwrap();
    approve(&paid.body.control.unwrap().redirect_url.unwrap()).await;
    paid.body.order.unwrap().fep_order_id.unwrap()
}

/// The sandbox's log records of `kind` for `payment_id`, with their result codes.
fn effects(sb: &RunningSandbox, kind: &str, payment_id: &str) -> Vec<String> {
    sb.inspect()
        .transactions()
        .into_iter()
        .filter(|t| t.kind == kind && t.summary["paymentId"] == payment_id)
        .map(|t| {
            t.summary["resultCode"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Counts the requests that reach `/fep/{command}` from now on: a zero delay fault
/// with a large count lets every request through and counts it down.
fn count_requests(sb: &RunningSandbox, command: &str) -> impl Fn() -> u32 + use<> {
    let fault = sb
        .inspect()
        .add_fault(
            FaultRule::new(format!("/fep/{command}"), FaultAction::Delay { ms: 0 }).count(1000),
        )
        .unwrap();
    let inspect = sb.inspect();
    move || {
        let left = inspect.faults().into_iter().find(|f| f.id == fault.id);
        1000 - left.map_or(0, |f| f.remaining)
    }
}

#[tokio::test]
async fn a_lost_answer_is_resent_by_the_client_with_the_same_key_and_applied_once() {
    // "This feature is intended to allow merchants to reacquire responses they failed to
    // receive. For example, if a merchant fails to receive a response to a Capture
    // request, they can execute the request again with the same parameters, including the
    // Idempotency-Key. If the Idempotency-Key is the same, the original response is sent.
    // If the initial request did not reach the FEP server, it is treated as a new request
    // and processed accordingly."
    let sb = common::start().await;
    let client = resending(&sb);

    // Applied, then the answer is dropped: the resend gets the stored answer.
    sb.inspect()
        .add_fault(FaultRule::new("/fep/pay", FaultAction::DropResponse))
        .unwrap();
    let paid = client.send(&pay("lost-1", 10_000)).await.unwrap();
    assert!(paid.is_success(), "{:?}", paid.result_code);
    assert_eq!(effects(&sb, "pay", "lost-1"), ["UA-000-001"]);
    approve(&paid.body.control.unwrap().redirect_url.unwrap()).await;

    // Never reached the handler (reset, then a bare 503): the third attempt is applied.
    let inspect = sb.inspect();
    inspect
        .add_fault(FaultRule::new("/fep/capture", FaultAction::ConnectionReset))
        .unwrap();
    let outage = FaultAction::Status {
        status: 503,
        retry_after: None,
    };
    inspect
        .add_fault(FaultRule::new("/fep/capture", outage))
        .unwrap();
    let captured = client
        .send(&capture(Some("lost-1"), None, None))
        .await
        .unwrap();
    assert!(captured.is_success(), "{:?}", captured.result_code);
    assert_eq!(effects(&sb, "capture", "lost-1"), ["UA-000-001"]);

    // A partial cancel (applying it twice would refund twice) whose answer is lost twice.
    sb.inspect()
        .add_fault(FaultRule::new("/fep/cancel", FaultAction::DropResponse).count(2))
        .unwrap();
    let cancelled = client.send(&cancel("lost-1", 1000)).await.unwrap();
    // `order.amount`: "Amount to be processed (amount set at the time of request ...)".
    assert_eq!(
        cancelled.body.order.unwrap().amount,
        Some(unified_proto::yen(1000))
    );
    assert_eq!(effects(&sb, "cancel", "lost-1"), ["UA-000-001"]);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_arrived_provider_error_is_not_resent_and_the_caller_is_told_to_use_a_new_key() {
    // "If the request is determined to be the same as a past request, the result from the
    // previous request is returned without actual processing." The guide's PayPay
    // Testing table: a payment request whose amount ends in 8 answers UA-PRV-001
    // (actionCode retry_request: "Please wait for a while and then attempt the payment
    // again"). Resending it with the same key would only replay it.
    let sb = common::start().await;
    let client = resending(&sb);
    let requests = count_requests(&sb, "pay");
    let err = client.send(&pay("prv-1", 1008)).await.unwrap_err();
    assert_eq!(requests(), 1, "resent an answer that arrived");
    assert_eq!(err.next_step(), Some(NextStep::NewKeyAfterCheck));
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.result_code, Some(ResultCode::UaPrv001));
    assert_eq!(refusal.attempts, 1);
    assert_eq!(effects(&sb, "pay", "prv-1"), ["UA-PRV-001"]);

    // The old key only replays the failure, without processing it again.
    let replayed = client
        .send_with(&pay("prv-1", 1008), keyed(&refusal.idempotency_key))
        .await
        .unwrap_err();
    assert_eq!(replayed.refusal().unwrap().body, refusal.body);
    assert_eq!(effects(&sb, "pay", "prv-1").len(), 1);

    // Following the advice: a new key (and, per the Payment Life Cycle, "it is possible to
    // retry with the same paymentId ... in the case of a payment failure").
    let paid = client.send(&pay("prv-1", 1000)).await.unwrap();
    assert!(paid.is_success());
    assert_eq!(effects(&sb, "pay", "prv-1"), ["UA-PRV-001", "UA-000-001"]);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_charge_is_never_applied_twice_whatever_the_client_meets() {
    // "If the Idempotency-Key is the same, the original response is sent." The client
    // never sends one money-moving request under two keys, so lost answers, outages and
    // provider errors cannot charge twice.
    let sb = common::start().await;
    let client = resending(&sb);
    let sub = once(&sb).send(&subscribe("sub-1")).await.unwrap();
    approve(&sub.body.control.unwrap().redirect_url.unwrap()).await;

    // Lost answers, then an outage, all on the first charge.
    let inspect = sb.inspect();
    inspect
        .add_fault(FaultRule::new("/fep/charge", FaultAction::DropResponse))
        .unwrap();
    let outage = FaultAction::Status {
        status: 502,
        retry_after: None,
    };
    inspect
        .add_fault(FaultRule::new("/fep/charge", outage))
        .unwrap();
    let charged = client.send(&charge("sub-1", "chg-1", 1000)).await.unwrap();
    assert!(charged.is_success(), "{:?}", charged.result_code);

    // PayPay on-demand payment, amount ending in 3: UA-PRV-001 (the Testing table).
    let requests = count_requests(&sb, "charge");
    let failed = client
        .send(&charge("sub-1", "chg-2", 1003))
        .await
        .unwrap_err();
    assert_eq!(failed.next_step(), Some(NextStep::NewKeyAfterCheck));
    assert_eq!(requests(), 1);

    assert_eq!(effects(&sb, "charge", "chg-1"), ["UA-000-001"]);
    assert_eq!(effects(&sb, "charge", "chg-2"), ["UA-PRV-001"]);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sandbox_replays_a_stored_failure_for_the_same_key_payment_id_or_fep_order_id() {
    // "Idempotency is determined by the following items in each API: (Header)
    // X-VT-Idempotency-Key, (Body)paymentId(fepOrderId can also be used)"; "the result
    // from the previous request is returned without actual processing"; "Even if the
    // Idempotency-Key matches a previous request, the format of the request item will be
    // checked."
    let sb = common::start().await;
    let client = once(&sb);
    let fep_order_id = authorised(&sb, "rep-1", 10_001).await;

    // PayPay capture, amount ending in 1: UA-PRV-001 (the Testing table).
    let first = client
        .send_with(
            &capture(Some("rep-1"), None, Some(10_001)),
            keyed("rep-key"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        first.refusal().unwrap().result_code,
        Some(ResultCode::UaPrv001)
    );
    // The same request naming its order by fepOrderId: the stored failure, not a new run.
    let by_fep = client
        .send_with(
            &capture(None, Some(&fep_order_id), Some(10_001)),
            keyed("rep-key"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        by_fep.refusal().unwrap().body,
        first.refusal().unwrap().body
    );
    assert_eq!(effects(&sb, "capture", "rep-1"), ["UA-PRV-001"]);

    // A replay still checks the format: a broken request is refused as such.
    let raw = common::raw_http::client();
    let broken = raw
        .post(format!("{}/fep/capture", sb.base_url()))
        .bearer_auth(Credentials::DEFAULT_UNIFIED_TOKEN)
        .header("Content-Type", "application/json")
        .header("X-VT-Idempotency-Key", "rep-key")
        .body(r#"{"order":{"paymentId":"rep-1","amount":"ten"}}"#)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = broken.json().await.unwrap();
    assert_eq!(body["result"]["resultCode"], "UA-REQ-001");

    // "if the requested API or paymentId differs, it will be treated as a separate
    // request": the same key on a cancel, and on another order's capture, is processed.
    // (An order not yet captured is cancelled in full; whatever the Testing table answers
    // for it, the cancel is processed: a record of its own, not the capture's replayed.)
    let _cancelled = client
        .send_with(&cancel("rep-1", 10_001), keyed("rep-key"))
        .await;
    assert_eq!(effects(&sb, "cancel", "rep-1").len(), 1, "processed");
    authorised(&sb, "rep-2", 5000).await;
    let other = client
        .send_with(&capture(Some("rep-2"), None, None), keyed("rep-key"))
        .await
        .unwrap();
    assert!(other.is_success());
    assert_eq!(effects(&sb, "capture", "rep-2"), ["UA-000-001"]);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_idempotency_key_is_valid_for_24_hours_of_the_sandbox_clock() {
    // "The validity period for an Idempotency-Key is 24 hours. If a request is made after
    // this period with the same value, it will be processed as a new request."
    let sb = common::start().await;
    let client = once(&sb);
    authorised(&sb, "day-1", 10_000).await;
    // Captured first: a partial cancel (a refund) is for a captured order.
    client
        .send(&capture(Some("day-1"), None, None))
        .await
        .unwrap();
    let first = client
        .send_with(&cancel("day-1", 100), keyed("day-key"))
        .await
        .unwrap();
    assert_eq!(
        first.body.order.unwrap().amount,
        Some(unified_proto::yen(100))
    );

    sb.inspect()
        .advance_clock(DAY - Duration::from_secs(60))
        .unwrap();
    let within = client
        .send_with(&cancel("day-1", 100), keyed("day-key"))
        .await
        .unwrap();
    assert_eq!(within.raw, first.raw, "replayed within 24 h");
    assert_eq!(effects(&sb, "cancel", "day-1").len(), 1);

    // Over the HTTP inspection API this time.
    let raw = common::raw_http::client();
    let moved: serde_json::Value = raw
        .post(format!("{}/_sandbox/clock/advance", sb.base_url()))
        .json(&serde_json::json!({"seconds": 61}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["offsetMs"], 86_401_000);
    let after = client
        .send_with(&cancel("day-1", 100), keyed("day-key"))
        .await
        .unwrap();
    assert_eq!(
        after.body.order.unwrap().amount,
        Some(unified_proto::yen(100))
    );
    assert_eq!(effects(&sb, "cancel", "day-1").len(), 2);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn get_transaction_result_with_the_same_key_replays_its_first_answer() {
    // "Idempotency is determined by the following items in each API" — each API,
    // getTransactionResult included; its body has no paymentId, so the key and the API
    // decide (the project's reading).
    let sb = common::start().await;
    let client = once(&sb);
    let paid = client.send(&pay("gtr-1", 1000)).await.unwrap();
    let reference = paid.body.transaction.unwrap().fep_reference_id.unwrap();
    let query = GetTransactionResultRequest {
        transaction: TransactionResultQuery {
            fep_reference_id: reference,
        },
    };
    let before = client.send_with(&query, keyed("gtr-key")).await.unwrap();
    approve(&paid.body.control.unwrap().redirect_url.unwrap()).await;
    let replayed = client.send_with(&query, keyed("gtr-key")).await.unwrap();
    assert_eq!(replayed.raw, before.raw);
    let fresh = client.send(&query).await.unwrap();
    assert_ne!(fresh.raw, before.raw, "a new key reads the current state");
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_clock_cannot_be_moved_past_its_limit() {
    let sb = common::start().await;
    let raw = common::raw_http::client();
    let refused = raw
        .post(format!("{}/_sandbox/clock/advance", sb.base_url()))
        .json(&serde_json::json!({"seconds": u64::MAX}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("maximum offset"));
    let now: serde_json::Value = raw
        .get(format!("{}/_sandbox/clock", sb.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["offsetMs"], 0);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn request_headers_bearer_token_and_key_format() {
    // unified-api-1.1.3.en.txt, "Request Header": "Authorization Mandatory ... Bearer
    // {token}"; "X-VT-Idempotency-KeyOptionalSingle byte alphanumeric characters and
    // symbols, 100 bytes or less ... *For symbols, a hyphen (-) and an underscore (_) can
    // be used." Result codes from "About transaction Result": UA-REQ-008 "Authentication
    // error" (401), UA-REQ-001 "Invalid message" (400).
    let sb = common::start().await;
    let raw = common::raw_http::client();
    let send = |token: Option<&str>, key: Option<String>, payment_id: &str| {
        let body = serde_json::to_vec(&pay(payment_id, 1000)).unwrap();
        let mut r = raw
            .post(format!("{}/fep/pay", sb.base_url()))
            .header("Content-Type", "application/json")
            .body(body);
        if let Some(t) = token {
            r = r.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(k) = key {
            r = r.header("X-VT-Idempotency-Key", k);
        }
        async move {
            let a = r.send().await.unwrap();
            let status = a.status().as_u16();
            let v: serde_json::Value = a.json().await.unwrap_or_default();
            (
                status,
                v["result"]["resultCode"].as_str().unwrap_or("").to_string(),
            )
        }
    };
    let token = Some(Credentials::DEFAULT_UNIFIED_TOKEN);
    assert_eq!(send(None, None, "hdr-1").await, (401, "UA-REQ-008".into()));
    assert_eq!(
        send(Some("not-the-token"), None, "hdr-1").await,
        (401, "UA-REQ-008".into())
    );
    // Optional: no key is fine.
    assert_eq!(send(token, None, "hdr-1").await, (200, "UA-000-001".into()));
    let longest = format!("A-_{}", "9".repeat(97));
    assert_eq!(
        send(token, Some(longest.clone()), "hdr-2").await,
        (200, "UA-000-001".into())
    );
    let too_long = format!("{longest}0");
    assert_eq!(
        send(token, Some(too_long), "hdr-3").await,
        (400, "UA-REQ-001".into())
    );
    assert_eq!(
        send(token, Some("a.b".into()), "hdr-3").await,
        (400, "UA-REQ-001".into())
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn results_carry_the_tables_codes_an_english_message_and_a_jst_time() {
    // "About transaction Result": "502 UA-PRV-001 Provider error ... retry_request"; "The
    // message in the API response is provided with the result code description in
    // English." "About Date and Time": "The date and time used by the VeriTrans4G Unified
    // API are set to "JST (Japan Standard Time) (GMT+9)" unless otherwise specified."
    let sb = common::start().await;
    let err = once(&sb).send(&pay("res-1", 1008)).await.unwrap_err();
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.http_status, 502);
    assert_eq!(refusal.status, Some(Status::Failure));
    assert_eq!(refusal.action_code, Some(ActionCode::RetryRequest));
    assert_eq!(refusal.message.as_deref(), Some("Provider error"));

    let paid = once(&sb).send(&pay("res-2", 1000)).await.unwrap();
    let when = paid.body.transaction.unwrap().transaction_datetime.unwrap();
    let format = time::macros::format_description!("[year][month][day][hour][minute][second]");
    let jst = time::PrimitiveDateTime::parse(&when, format)
        .unwrap()
        .assume_offset(time::macros::offset!(+9));
    let drift = (time::OffsetDateTime::now_utc() - jst).abs();
    assert!(drift < time::Duration::minutes(1), "{when} is not JST now");
    sb.shutdown().await.unwrap();
}
