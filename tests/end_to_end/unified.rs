//! How a VeriTrans4G Unified API (wallet payments) integration works, end to end.
//!
//! 1. The merchant sends `pay` (`unified-proto`'s client) with its return
//!    pages and its webhook URL; the answer holds the provider page to send
//!    the consumer to.
//! 2. The consumer approves on the provider's page and is redirected back to
//!    the merchant with a signed query (`vAuthInfo`), checked with
//!    `unified_proto::Redirect::verify` against the merchant's own paymentId.
//! 3. The provider's result also arrives as a webhook (`X-VT-Content-hmac`),
//!    verified with `unified_proto::Webhook::verify_and_parse` and
//!    de-duplicated by `X-VT-webhook-id`: a webhook may come more than once.
//! 4. The merchant asks `getTransactionResult`, captures, and refunds.
//!
//! And what a careful merchant does when things go wrong: a request whose
//! answer never came is sent again with the same idempotency key (charged
//! once); a forged webhook is refused.
#![allow(clippy::unwrap_used)]

use e2e::browser::Browser;
use e2e::gateways::unified_client;
use e2e::{at_least, deliver_again, raw_http, start};
use reqwest::Method;
use veritrans::unified::prelude::*;
use veritrans::unified::{ResultCode, Status};
use veritrans_sandbox::merchant::{Merchant, Seen, WebhookSeen};
use veritrans_sandbox::{FaultAction, FaultRule, RunningSandbox};

/// A `pay` as the merchant's checkout sends it: the consumer comes back to
/// `/unified/return/{payment_id}`, the webhook goes to `/unified/webhook`.
fn pay(merchant: &Merchant, pay_type: PayType, payment_id: &str, amount: u64) -> PayRequest {
    let back = merchant.url(&format!("/unified/return/{payment_id}"));
    PayRequest::new(
        PayOrder::new(pay_type, payment_id, amount)
            .with_auth_capture(AuthCaptureType::Auth)
            .with_description("e2e order"),
        PayControl::returning_to(back).with_push_url(merchant.url("/unified/webhook")),
    )
}

/// Pays `amount` with `pay_type` up to the consumer's approval on the
/// provider page; returns the `fepReferenceId` once the merchant has verified
/// the redirect.
async fn pay_and_approve(
    sandbox: &RunningSandbox,
    merchant: &Merchant,
    pay_type: PayType,
    payment_id: &str,
    amount: u64,
) -> String {
    let request = pay(merchant, pay_type, payment_id, amount);
    let key = format!("{payment_id}-pay");
    let answer = unified_client(sandbox, ResendPolicy::none())
        .send_with(&request, SendOptions::default().idempotency_key(key))
        .await
        .unwrap();
    assert!(answer.is_success(), "{:?}", answer.result_code);
    // The client filled `control.requestMode` from its environment (the guide, pay:
    // "Make sure to set this according to the environment you are connecting to"):
    // the sandbox, which refuses a live request, took the payment.
    let reference = answer.fep_reference_id().unwrap().to_string();
    let provider_page = answer.redirect_url().unwrap();

    let browser = Browser::new();
    let page = browser.open(provider_page).await;
    let back = browser.click_outcome(&page, "pay").await;
    assert_eq!(back.url.path(), format!("/unified/return/{payment_id}"));
    assert_eq!(
        (back.status, back.html.as_str()),
        (200, "thank you (UA-000-001)")
    );
    let redirect = merchant.seen(|s| s.redirects.last().cloned()).unwrap();
    assert_eq!(redirect.payment_id, payment_id);
    assert_eq!(
        redirect.fep_reference_id.as_deref(),
        Some(reference.as_str())
    );
    reference
}

/// The verified webhook deliveries for `payment_id`, once `n` have arrived.
async fn webhooks(merchant: &Merchant, payment_id: &str, n: usize) -> Vec<WebhookSeen> {
    at_least(merchant, n, &format!("webhooks for {payment_id}"), |s| {
        let hooks = s.webhooks.iter();
        let mine = hooks.filter(|w| w.payment_id.as_deref() == Some(payment_id));
        mine.cloned().collect()
    })
    .await
}

#[tokio::test]
async fn merpay_payment_from_approval_to_refund() {
    let (sandbox, merchant) = start().await;
    let client = unified_client(&sandbox, ResendPolicy::none());
    let reference =
        pay_and_approve(&sandbox, &merchant, PayType::Merpay, "e2e-merpay-1", 1000).await;

    let first = webhooks(&merchant, "e2e-merpay-1", 1).await;
    assert_eq!(first[0].result_code.as_deref(), Some("UA-000-001"));
    assert!(!first[0].duplicate);

    // The gateway sends the same webhook again (as the guide warns it may):
    // verified, answered 200, recognised and not processed twice.
    deliver_again(&sandbox, &merchant.url("/unified/webhook")).await;
    let both = webhooks(&merchant, "e2e-merpay-1", 2).await;
    assert_eq!(both[1].id, first[0].id);
    assert!(both[1].duplicate, "the redelivery was processed again");

    let query = GetTransactionResultRequest::for_reference(reference);
    let result = client.get_transaction_result(&query).await.unwrap();
    assert!(result.is_success(), "{:?}", result.result_code);
    assert_eq!(result.amount(), Some(yen(1000)));
    let status = result.body.result.and_then(|r| r.status);
    assert_eq!(status, Some(Status::Success));

    let merpay = || SendOptions::default().pay_type(PayType::Merpay);
    let capture = CaptureRequest::for_payment("e2e-merpay-1");
    let captured = client.send_with(&capture, merpay()).await.unwrap();
    assert!(captured.is_success(), "{:?}", captured.result_code);
    assert_eq!(captured.amount(), Some(yen(1000)));

    let refund = |amount| CancelRequest::for_payment("e2e-merpay-1").with_amount(yen(amount));
    let partly = client.send_with(&refund(400), merpay()).await.unwrap();
    // order.amount is the amount processed: the guide's Webhook section, "Amount to be
    // processed (amount set at the time of request, balance amount when not set)".
    assert_eq!(partly.amount(), Some(yen(400)));
    // No more can be refunded than is left.
    let Err(UnifiedError::GatewayRefused(too_much)) =
        client.send_with(&refund(700), merpay()).await
    else {
        panic!("refunding 700 of 600 was accepted");
    };
    assert_eq!(too_much.result_code, Some(ResultCode::UaPrv004));
}

#[tokio::test]
async fn lost_answers_are_resent_with_the_same_idempotency_key_and_charged_once() {
    let (sandbox, merchant) = start().await;
    let client = unified_client(&sandbox, ResendPolicy::none());
    let mut request = pay(&merchant, PayType::Docomo, "e2e-docomo-1", 3200);
    request.control.push_url = None; // the client keeps the real pushUrl rule
    let options = SendOptions::default().idempotency_key("e2e-docomo-1-attempt");
    let inspect = sandbox.inspect();
    let pays = || {
        let log = inspect.transactions().into_iter();
        log.filter(|t| t.kind == "pay" && t.summary["paymentId"] == "e2e-docomo-1")
            .count()
    };

    // The gateway is unavailable: refused before anything is applied.
    let outage = FaultAction::Status {
        status: 503,
        retry_after: Some(1),
    };
    inspect
        .add_fault(FaultRule::new("/fep/pay", outage).method("POST"))
        .unwrap();
    let Err(UnifiedError::GatewayRefused(refused)) =
        client.send_with(&request, options.clone()).await
    else {
        panic!("the outage did not reach the merchant");
    };
    assert_eq!(refused.http_status, 503);
    // A status without the gateway's body: the answer was lost, resend with the key.
    assert_eq!(refused.next_step(), NextStep::ResendSameKey);
    assert_eq!(pays(), 0);

    // The gateway applies the payment, and the answer is lost on the way.
    let lost = FaultRule::new("/fep/pay", FaultAction::DropResponse).method("POST");
    inspect.add_fault(lost).unwrap();
    let Err(UnifiedError::Transport {
        idempotency_key, ..
    }) = client.send_with(&request, options.clone()).await
    else {
        panic!("the answer arrived despite the fault");
    };
    assert_eq!(idempotency_key, "e2e-docomo-1-attempt");
    assert_eq!(pays(), 1, "the lost answer's payment was applied");

    // A client that resends (the default) does this by itself: a second lost answer
    // is resent with the same key and gets the original answer, still one payment.
    inspect
        .add_fault(FaultRule::new("/fep/pay", FaultAction::DropResponse).method("POST"))
        .unwrap();
    let resending = unified_client(
        &sandbox,
        ResendPolicy {
            max_attempts: 2,
            base_delay: std::time::Duration::from_millis(10),
            max_delay: std::time::Duration::from_millis(50),
        },
    );
    let answer = resending
        .send_with(&request, options.clone())
        .await
        .unwrap();
    assert!(answer.is_success(), "{:?}", answer.result_code);
    assert_eq!(pays(), 1, "charged twice");

    // Sent again with the key the error carried: the original answer, once.
    let again = SendOptions::default().idempotency_key(idempotency_key);
    let answer = client.send_with(&request, again).await.unwrap();
    assert!(answer.is_success(), "{:?}", answer.result_code);
    assert_eq!(answer.idempotency_key, "e2e-docomo-1-attempt");
    assert_eq!(pays(), 1, "charged twice");

    // A new key is a new request: the order exists, so it is refused.
    let Err(UnifiedError::GatewayRefused(twice)) = client.send(&request).await else {
        panic!("a second payment for the order was accepted");
    };
    assert_eq!(twice.result_code, Some(ResultCode::UaReq003));
    assert_eq!(pays(), 1);
}

#[tokio::test]
async fn a_tampered_webhook_is_refused_and_not_processed() {
    let (sandbox, merchant) = start().await;
    pay_and_approve(&sandbox, &merchant, PayType::Au, "e2e-au-1", 5000).await;
    webhooks(&merchant, "e2e-au-1", 1).await;
    let (headers, body) = merchant.seen(|s| s.first_webhook.clone()).unwrap();

    // Someone replays the genuine headers with a body of their own.
    let genuine = String::from_utf8(body.to_vec()).unwrap();
    let forged = genuine.replacen("e2e-au-1", "e2e-au-2", 1);
    assert_ne!(forged, genuine);
    let mut replay = headers.clone();
    replay.remove("content-length");
    replay.remove("host");
    let answer = raw_http::send(
        raw_http::request(Method::POST, merchant.url("/unified/webhook"))
            .headers(replay)
            .body(forged),
    )
    .await;
    assert_eq!(answer.status, 401);
    let reason = answer.text();
    assert!(reason.contains("signature"), "unclear reason: {reason}");

    let processed = |s: &Seen| s.webhooks.iter().filter(|w| !w.duplicate).count();
    let (rejected, processed) = merchant.seen(|s| (s.rejected.clone(), processed(s)));
    assert_eq!(rejected, vec![reason]);
    assert_eq!(processed, 1, "only the genuine webhook was processed");
    let forged_seen = merchant.seen(|s| {
        s.webhooks
            .iter()
            .any(|w| w.payment_id.as_deref() == Some("e2e-au-2"))
    });
    assert!(!forged_seen);
}

/// A batch job's view: the blocking client (feature `blocking`) against the sandbox,
/// which runs on its own thread and runtime, from a plain (not async) test. The same
/// flow as the async client: pay, read the order back, capture.
#[test]
fn the_blocking_client_pays_and_captures_against_the_sandbox() {
    let (started, listening) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let (sandbox, merchant) = start().await;
            let async_client = unified_client(&sandbox, ResendPolicy::none());
            started.send((async_client, merchant)).unwrap();
            let _ = stopped.await;
        });
    });
    let (async_client, merchant) = listening.recv().unwrap();
    let client = veritrans::unified::blocking::Client::from_async(async_client).unwrap();

    let paid = client
        .pay(&pay(&merchant, PayType::Paypay, "e2e-blocking-1", 2500))
        .unwrap();
    assert!(paid.is_success(), "{:?}", paid.result_code);
    let reference = paid.fep_reference_id().unwrap();
    let query = GetTransactionResultRequest::for_reference(reference);
    let result = client.get_transaction_result(&query).unwrap();
    // Before the consumer approves, the guide (unified-api-1.1.3.en.txt, Get
    // Transaction Result): "the transaction is not yet complete or finalized. In such
    // cases, executing Get Transaction Result will not return transaction details and
    // will result in (resultCode: UA-U00-001)".
    assert_eq!(result.result_code, Some(ResultCode::UaU00001));
    let capture = CaptureRequest::for_payment("e2e-blocking-1");
    let Err(UnifiedError::GatewayRefused(not_yet)) = client.capture(&capture) else {
        panic!("an unapproved payment was captured");
    };
    assert_eq!(not_yet.attempts, 1);

    stop.send(()).unwrap();
    server.join().unwrap();
}
