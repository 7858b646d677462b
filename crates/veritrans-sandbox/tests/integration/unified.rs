//! The Unified API emulation, driven as a merchant would: `unified-proto`'s client,
//! its Webhook and Redirect verification.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::unified::{cancel, capture};
use common::{Merchant, client as http};
use unified_proto::client::{Client, Environment, ResendPolicy, SendOptions};
use unified_proto::validate::Mode;
use unified_proto::*;
use veritrans_sandbox::{Credentials, FaultAction, FaultRule, RunningSandbox};

fn keys(sb: &RunningSandbox) -> MerchantKeys {
    let c = sb.credentials();
    MerchantKeys::new(c.merchant_ccid.clone(), c.merchant_auth_key.clone())
}

fn merchant_client(sb: &RunningSandbox) -> Client {
    Client::builder(
        Environment::Custom {
            base_url: sb.base_url().to_string(),
            mode: Mode::Test,
        },
        UnifiedToken::new(Credentials::DEFAULT_UNIFIED_TOKEN),
    )
    .retry(ResendPolicy::none())
    .allow_local_push_url()
    .build()
    .unwrap()
}

/// Sends with a given idempotency key; the pushUrl may be the test's loopback merchant.
async fn send_keyed<C: Command>(
    sb: &RunningSandbox,
    request: &C,
    key: &str,
) -> Result<unified_proto::Response<C::Response>, Error> {
    let options = SendOptions::default().idempotency_key(key);
    merchant_client(sb).send_with(request, options).await
}

fn pay_request(
    pay_type: PayType,
    payment_id: &str,
    amount: u64,
    push_url: Option<String>,
) -> PayRequest {
    let order =
        PayOrder::new(pay_type, payment_id, amount).with_auth_capture(AuthCaptureType::Auth);
    // requestMode: the client fills `sandbox` from its environment.
    let control = PayControl {
        request_mode: None,
        success_url: "http://127.0.0.1:9/done".into(),
        cancel_url: "http://127.0.0.1:9/cancel".into(),
        error_url: "http://127.0.0.1:9/error".into(),
        push_url,
    };
    PayRequest::new(order, control)
}

fn subscribe_request(pay_type: PayType, payment_id: &str, item_name: &str) -> SubscribeRequest {
    SubscribeRequest::new(
        SubscribeOrder::new(pay_type, payment_id).with_order_name("monthly"),
        SubscribeControl {
            success_url: "http://127.0.0.1:9/done".into(),
            cancel_url: "http://127.0.0.1:9/cancel".into(),
            error_url: "http://127.0.0.1:9/error".into(),
            ..SubscribeControl::returning_to("")
        },
    )
    .with_item(SubscribeItem {
        id: Some("item1".into()),
        name: Some(item_name.into()),
        category_id: None,
    })
}

/// Opens the provider page, picks `outcome`, returns the `Location` the browser is sent to.
async fn consumer_chooses(redirect_url: &str, outcome: &str) -> String {
    let page = http().get(redirect_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("data-outcome=\"{outcome}\"")),
        "{html}"
    );
    let no_redirects = common::raw_http::client_without_redirects();
    let chosen = no_redirects
        .get(format!("{redirect_url}/{outcome}"))
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
    chosen.headers()["location"].to_str().unwrap().to_string()
}

async fn transaction_result(
    client: &Client,
    reference: &str,
) -> Result<unified_proto::Response<GetTransactionResultResponse>, Error> {
    let query = GetTransactionResultRequest::for_reference(reference);
    client.get_transaction_result(&query).await
}

fn refusal(e: Error) -> Refusal {
    match e {
        Error::GatewayRefused(r) => *r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn paypay_pay_redirect_webhook_result_capture_partial_cancel() {
    // The merchant's webhook endpoint fails once: the same webhook comes again.
    let merchant = Merchant::start(&[500]).await;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let keys = keys(&sb);

    let paid = send_keyed(
        &sb,
        &pay_request(
            PayType::Paypay,
            "order-1",
            1000,
            Some(merchant.url("/hook")),
        ),
        "pay-1",
    )
    .await
    .unwrap();
    assert!(paid.is_success());
    let reference = paid.body.transaction.unwrap().fep_reference_id.unwrap();
    let redirect_url = paid.body.control.unwrap().redirect_url.unwrap();

    // Until the consumer is back from the provider: UA-U00-001, no details.
    let early = transaction_result(&client, &reference).await.unwrap();
    assert_eq!(early.result_code, Some(ResultCode::from("UA-U00-001")));
    assert!(early.body.transaction_data.is_none());

    let location = consumer_chooses(&redirect_url, "pay").await;
    assert!(
        location.starts_with("http://127.0.0.1:9/done?"),
        "{location}"
    );
    let redirect = Redirect::verify_and_parse(&location, &keys, "order-1").unwrap();
    assert!(redirect.result_code.unwrap().is_success());
    assert_eq!(
        redirect.query.fep_reference_id.as_deref(),
        Some(reference.as_str())
    );
    // A genuine redirect of another order is refused.
    assert!(Redirect::verify_and_parse(&location, &keys, "order-2").is_err());
    // A tampered one too.
    assert!(location.contains("status=success"));
    assert!(
        Redirect::verify_and_parse(
            &location.replace("status=success", "status=failure"),
            &keys,
            "order-1"
        )
        .is_err()
    );

    // The webhook: 500 first, then the same ID again until 200.
    let delivery = sb.inspect().deliveries().into_iter().next().unwrap();
    let settled = sb
        .inspect()
        .wait_delivery_settled(&delivery.id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(settled.attempts.len(), 2);
    sb.inspect().redeliver(&delivery.id).unwrap();
    sb.inspect()
        .wait_delivery_settled(&delivery.id, Duration::from_secs(5))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let received = merchant.received();
    assert_eq!(received.len(), 3);
    let mut seen = std::collections::HashSet::new();
    for r in &received {
        let hook = Webhook::verify_and_parse(&r.headers, &r.body, &keys).unwrap();
        assert!(hook.result_code.as_ref().unwrap().is_success());
        assert_eq!(
            hook.payload.order.as_ref().unwrap().payment_id.as_deref(),
            Some("order-1")
        );
        seen.insert(hook.id);
    }
    assert_eq!(seen.len(), 1, "a merchant de-duplicates on X-VT-webhook-id");

    let settled = transaction_result(&client, &reference).await.unwrap();
    assert!(settled.is_success());
    let data = settled.body.transaction_data.unwrap();
    assert_eq!(data.order.unwrap().amount, Some(unified_proto::yen(1000)));

    // Capture the whole amount (unspecified = full), then refund part of it.
    let captured = client.send(&capture("order-1", None)).await.unwrap();
    assert_eq!(
        captured.body.order.unwrap().amount,
        Some(unified_proto::yen(1000))
    );
    let again = refusal(client.send(&capture("order-1", None)).await.unwrap_err());
    assert_eq!(again.result_code.unwrap().as_str(), "UA-REQ-007");
    // order.amount: "amount set at the time of request, balance amount when not set".
    let part = client.send(&cancel("order-1", Some(300))).await.unwrap();
    assert_eq!(
        part.body.order.unwrap().amount,
        Some(unified_proto::yen(300))
    );
    let too_much = refusal(
        client
            .send(&cancel("order-1", Some(800)))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (too_much.http_status, too_much.result_code.unwrap().as_str()),
        (502, "UA-PRV-004")
    );
    let rest = client.send(&cancel("order-1", None)).await.unwrap();
    assert_eq!(
        rest.body.order.unwrap().amount,
        Some(unified_proto::yen(700))
    );
    let after = refusal(client.send(&cancel("order-1", None)).await.unwrap_err());
    assert_eq!(after.result_code.unwrap().as_str(), "UA-REQ-007");
    sb.shutdown().await.unwrap();
}

fn charge_request(original: &str, payment_id: &str, amount: u64) -> ChargeRequest {
    ChargeRequest {
        order: ChargeOrder {
            amount: yen(amount),
            auth_capture_type: None,
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

/// A PayPay on-demand payment: 1.1.3, On-Demand Payment, `authCaptureType`: "For PayPay,
/// specifying auth_with_capture is required."
fn paypay_charge(original: &str, payment_id: &str, amount: u64) -> ChargeRequest {
    let mut charge = charge_request(original, payment_id, amount);
    charge.order.auth_capture_type = Some(AuthCaptureType::AuthWithCapture);
    charge
}

fn terminate(payment_id: &str) -> TerminateRequest {
    TerminateRequest {
        order: TerminateOrder {
            payment_id: Some(payment_id.into()),
            fep_order_id: None,
        },
        control: None,
        transaction: None,
    }
}

#[tokio::test]
async fn rakuten_subscription_charges_and_has_no_terminate() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let keys = keys(&sb);

    // The guide's trigger: an item named "fail" → UA-PRV-999 / FG90.
    let failed = refusal(
        client
            .send(&subscribe_request(PayType::Rakuten, "sub-x", "fail"))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (failed.http_status, failed.result_code.unwrap().as_str()),
        (503, "UA-PRV-999")
    );

    let sub = client
        .send(&subscribe_request(PayType::Rakuten, "sub-1", "plan"))
        .await
        .unwrap();
    let redirect_url = sub.body.control.unwrap().redirect_url.unwrap();
    // Not agreed yet: no charge.
    let early = refusal(
        client
            .send(&charge_request("sub-1", "charge-0", 1000))
            .await
            .unwrap_err(),
    );
    assert_eq!(early.result_code.unwrap().as_str(), "UA-REQ-007");

    let location = consumer_chooses(&redirect_url, "success").await;
    let redirect = Redirect::verify_and_parse(&location, &keys, "sub-1").unwrap();
    assert_eq!(redirect.query.command.as_deref(), Some("subscribe"));

    let charged = client
        .send(&charge_request("sub-1", "charge-1", 1000))
        .await
        .unwrap();
    assert_eq!(
        charged.body.result.unwrap().v_result_code.as_deref(),
        Some("F001")
    );
    let order = charged.body.order.unwrap();
    assert_eq!(order.original_payment_id.as_deref(), Some("sub-1"));
    // The charge is an order of its own: captured and refunded like a single payment.
    client.send(&capture("charge-1", None)).await.unwrap();
    let dup = refusal(
        client
            .send(&charge_request("sub-1", "charge-1", 1000))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (dup.http_status, dup.result_code.unwrap().as_str()),
        (409, "UA-REQ-003")
    );

    // The guide offers Cancellation of Contract for every type but Rakuten Pay: the
    // sandbox refuses it with the generated rules' answer.
    let no = refusal(
        client
            .send_with(&terminate("sub-1"), SendOptions::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(no.result_code.unwrap().as_str(), "UA-REQ-001");
    // More charges keep working.
    client
        .send(&charge_request("sub-1", "charge-2", 2000))
        .await
        .unwrap();
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn simulation_tables_trigger_the_guides_codes() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let code = |e: Error| {
        let r = refusal(e);
        let v = r
            .body
            .as_ref()
            .and_then(|b| b["result"]["vResultCode"].as_str().map(String::from));
        (
            r.http_status,
            r.result_code.unwrap().as_str().to_string(),
            v,
        )
    };
    // Payment requests by last digit.
    let e = client
        .send(&pay_request(PayType::Paypay, "p8", 1008, None))
        .await
        .unwrap_err();
    assert_eq!(code(e), (502, "UA-PRV-001".into(), Some("1GD1".into())));
    // A failed order's paymentId may be used again (until a transaction succeeds).
    assert!(
        client
            .send(&pay_request(PayType::Paypay, "p8", 1000, None))
            .await
            .unwrap()
            .is_success()
    );
    let e = client
        .send(&pay_request(PayType::Paypay, "p8", 1000, None))
        .await
        .unwrap_err();
    assert_eq!(code(e).1, "UA-REQ-003");
    let e = client
        .send(&pay_request(PayType::Rakuten, "r2", 1002, None))
        .await
        .unwrap_err();
    assert_eq!(code(e), (502, "UA-PRV-001".into(), Some("FG24".into())));
    let e = client
        .send(&pay_request(PayType::Au, "a6", 1006, None))
        .await
        .unwrap_err();
    assert_eq!(code(e), (502, "UA-CST-001".into(), Some("WG04".into())));
    let e = client
        .send(&pay_request(PayType::Merpay, "m7", 1007, None))
        .await
        .unwrap_err();
    assert_eq!(code(e), (503, "UA-PRV-999".into(), Some("KG11".into())));
    // Empty cells continue the one above: PayPay 1005 succeeds like 1000.
    assert!(
        client
            .send(&pay_request(PayType::Paypay, "p5", 1005, None))
            .await
            .unwrap()
            .is_success()
    );

    // Capture by the last digit of the captured amount (full amount when unspecified).
    let paid = client
        .send(&pay_request(PayType::Paypay, "p1", 1001, None))
        .await
        .unwrap();
    consumer_chooses(&paid.body.control.unwrap().redirect_url.unwrap(), "pay").await;
    let e = client.send(&capture("p1", None)).await.unwrap_err();
    assert_eq!(code(e), (502, "UA-PRV-001".into(), Some("1GD2".into())));
    // The failure had no effect: a capture of 1000 (digit 0) still succeeds.
    client.send(&capture("p1", Some(1000))).await.unwrap();

    // The provider page's outcomes: d Payment "Cancel Purchase" → cancelUrl, UA-CST-002.
    let paid = client
        .send(&pay_request(PayType::Docomo, "d1", 1000, None))
        .await
        .unwrap();
    let location = consumer_chooses(
        &paid.body.control.unwrap().redirect_url.unwrap(),
        "cancel-purchase",
    )
    .await;
    let redirect = Redirect::verify_and_parse(&location, &keys(&sb), "d1").unwrap();
    assert!(location.starts_with("http://127.0.0.1:9/cancel?"));
    assert_eq!(redirect.result_code.unwrap().as_str(), "UA-CST-002");
    let e = client.send(&capture("d1", None)).await.unwrap_err();
    assert_eq!(code(e).1, "UA-REQ-007");
    sb.shutdown().await.unwrap();
}

/// Guide 1.1.3, On-Demand Payment, `order.authCaptureType`: for PayPay "only
/// auth_with_capture can be specified". The client checks it only when told the payment
/// type, so the sandbox must check it too, reading the type from the original order.
#[tokio::test]
async fn paypay_charge_without_auth_with_capture_is_refused_by_the_sandbox() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let sub = client
        .send(&subscribe_request(PayType::Paypay, "ps-acap", "plan"))
        .await
        .unwrap();
    consumer_chooses(&sub.body.control.unwrap().redirect_url.unwrap(), "pay").await;

    // No pay_type in the options: the client cannot know this is PayPay and sends it.
    let e = refusal(
        client
            .send(&charge_request("ps-acap", "pc-acap", 1000))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.result_code.unwrap().as_str(), "UA-REQ-001");
    assert!(
        e.message
            .as_deref()
            .unwrap_or_default()
            .contains("authCaptureType"),
        "{:?}",
        e.message
    );
    // With auth_with_capture the same charge goes through.
    client
        .send(&paypay_charge("ps-acap", "pc-acap", 1000))
        .await
        .unwrap();
}

#[tokio::test]
async fn paypay_subscription_recovery_charge_then_terminate() {
    let merchant = Merchant::start(&[500]).await;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let keys = keys(&sb);
    let sub = client
        .send(&subscribe_request(PayType::Paypay, "ps-1", "plan"))
        .await
        .unwrap();
    consumer_chooses(&sub.body.control.unwrap().redirect_url.unwrap(), "pay").await;

    let mut charge = paypay_charge("ps-1", "pc-1", 1005);
    charge.control = Some(ChargeControl {
        protocol: Some(ChargeProtocol {
            recovery_type: Some(RecoveryType::Recovery),
            recovery_expired_datetime: None,
        }),
        push_url: Some(merchant.url("/hook")),
    });
    let answer = send_keyed(&sb, &charge, "charge-1").await.unwrap();
    assert_eq!(answer.result_code, Some(ResultCode::from("UA-U00-001")));
    let reference = answer.body.transaction.unwrap().fep_reference_id.unwrap();
    let delivery = sb.inspect().deliveries().into_iter().next().unwrap();
    let settled = sb
        .inspect()
        .wait_delivery_settled(&delivery.id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(settled.attempts.len(), 2);
    let mut result = transaction_result(&client, &reference).await.unwrap();
    for _ in 0..50 {
        if result.is_success() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        result = transaction_result(&client, &reference).await.unwrap();
    }
    assert!(result.is_success());
    // The UA-U00-001 webhook first, then the additional one with UA-000-001.
    let hook = merchant.received().pop().unwrap();
    let hook = Webhook::verify_and_parse(&hook.headers, &hook.body, &keys).unwrap();
    assert!(hook.result_code.unwrap().is_success());

    // not_recovery (the default) → UA-CST-001 / 1G02.
    let e = refusal(
        client
            .send(&paypay_charge("ps-1", "pc-2", 1005))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.result_code.unwrap().as_str(), "UA-CST-001");

    // Cancellation of contract ends the subscription: no more charges, no second terminate.
    client.send(&terminate("ps-1")).await.unwrap();
    let after = refusal(
        client
            .send(&paypay_charge("ps-1", "pc-3", 1000))
            .await
            .unwrap_err(),
    );
    assert_eq!(after.result_code.unwrap().as_str(), "UA-REQ-007");
    let twice = refusal(client.send(&terminate("ps-1")).await.unwrap_err());
    assert_eq!(twice.result_code.unwrap().as_str(), "UA-REQ-007");
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn idempotent_retry_after_a_dropped_answer_applies_once() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let paid = client
        .send(&pay_request(PayType::Paypay, "idem-1", 10_000, None))
        .await
        .unwrap();
    consumer_chooses(&paid.body.control.unwrap().redirect_url.unwrap(), "pay").await;

    sb.inspect()
        .add_fault(FaultRule::new("/fep/capture", FaultAction::DropResponse).count(1))
        .unwrap();
    let lost = client
        .send_with(
            &capture("idem-1", None),
            SendOptions::default().idempotency_key("cap-key-1"),
        )
        .await
        .unwrap_err();
    assert!(matches!(lost, Error::Transport { .. }), "{lost:?}");
    let retried = client
        .send_with(
            &capture("idem-1", None),
            SendOptions::default().idempotency_key("cap-key-1"),
        )
        .await
        .unwrap();
    assert!(retried.is_success());
    let captures = |kind: &str| {
        sb.inspect()
            .transactions()
            .into_iter()
            .filter(|t| t.kind == kind)
            .count()
    };
    assert_eq!(captures("capture"), 1);

    // Concurrent duplicates of one partial cancel: one effect, one answer for all.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .send_with(
                    &cancel("idem-1", Some(100)),
                    SendOptions::default().idempotency_key("cancel-key-1"),
                )
                .await
                .unwrap()
                .raw
        }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        bodies.push(t.await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    // order.amount is the requested amount (the guide's Webhook section: "amount set at
    // the time of request, balance amount when not set").
    assert_eq!(bodies[0]["order"]["amount"], "100");
    assert_eq!(captures("cancel"), 1);
    // The same key for another paymentId, or another command, is a new request.
    let other = client
        .send_with(
            &cancel("idem-1", Some(100)),
            SendOptions::default().idempotency_key("cancel-key-2"),
        )
        .await
        .unwrap();
    assert_eq!(
        other.body.order.unwrap().amount,
        Some(unified_proto::yen(100))
    );
    assert_eq!(captures("cancel"), 2);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_requests_get_the_gateways_codes() {
    let sb = common::start().await;
    let url = |c: &str| format!("{}/fep/{c}", sb.base_url());
    // Straight to the sandbox, without the client that fills requestMode.
    let mut pay = pay_request(PayType::Paypay, "bad-1", 1000, None);
    pay.control.request_mode = Some(RequestMode::Sandbox);
    let body = serde_json::to_vec(&pay).unwrap();
    let post = |u: String, token: Option<&str>, body: Vec<u8>| {
        let mut r = http()
            .post(u)
            .header("Content-Type", "application/json")
            .body(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            let a = r.send().await.unwrap();
            let status = a.status().as_u16();
            let v: serde_json::Value =
                serde_json::from_slice(&a.bytes().await.unwrap()).unwrap_or_default();
            (
                status,
                v["result"]["resultCode"].as_str().unwrap_or("").to_string(),
                v,
            )
        }
    };
    let token = Some(Credentials::DEFAULT_UNIFIED_TOKEN);
    assert_eq!(post(url("pay"), None, body.clone()).await.0, 401);
    let (s, c, _) = post(url("pay"), Some("wrong"), body.clone()).await;
    assert_eq!((s, c.as_str()), (401, "UA-REQ-008"));
    assert_eq!(post(url("refund"), token, body.clone()).await.0, 404);
    let (s, c, _) = post(url("pay"), token, b"{not json".to_vec()).await;
    assert_eq!((s, c.as_str()), (400, "UA-REQ-001"));
    let mut missing: serde_json::Value = serde_json::from_slice(&body).unwrap();
    missing["order"].as_object_mut().unwrap().remove("amount");
    let (s, c, v) = post(url("pay"), token, serde_json::to_vec(&missing).unwrap()).await;
    assert_eq!((s, c.as_str()), (400, "UA-REQ-001"));
    assert!(
        v["result"]["message"]
            .as_str()
            .unwrap()
            .contains("order.amount: required"),
        "{v}"
    );
    let mut live = missing.clone();
    live["order"]["amount"] = "1000".into();
    live["control"]["requestMode"] = "live".into();
    let (s, _, v) = post(url("pay"), token, serde_json::to_vec(&live).unwrap()).await;
    assert_eq!(s, 400);
    assert!(
        v["result"]["message"]
            .as_str()
            .unwrap()
            .contains("control.requestMode"),
        "{v}"
    );
    let mut au = live.clone();
    au["control"]["requestMode"] = "sandbox".into();
    au["order"]["payType"] = "au".into();
    au["order"]["amount"] = "12345678".into();
    let (s, _, v) = post(url("pay"), token, serde_json::to_vec(&au).unwrap()).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(post(url("pay"), token, body.clone()).await.0, 200);
    let (s, c, _) = post(url("pay"), token, body.clone()).await;
    assert_eq!((s, c.as_str()), (409, "UA-REQ-003"));
    let cap = serde_json::to_vec(&capture("nobody", None)).unwrap();
    let (s, c, _) = post(url("capture"), token, cap).await;
    assert_eq!((s, c.as_str()), (404, "UA-REQ-900"));
    let q = br#"{"transaction":{"fepReferenceId":"nothing"}}"#.to_vec();
    let (s, c, _) = post(url("getTransactionResult"), token, q).await;
    assert_eq!((s, c.as_str()), (404, "UA-REQ-900"));
    let bad_key = http()
        .post(url("pay"))
        .bearer_auth(Credentials::DEFAULT_UNIFIED_TOKEN)
        .header("X-VT-Idempotency-Key", "has space")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), 400);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn au_app_redirect_failure_leaves_the_result_to_get_transaction_result() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let outcome = |redirect_url: String, outcome: &'static str| async move {
        let page = http()
            .get(format!("{redirect_url}/{outcome}"))
            .send()
            .await
            .unwrap();
        // No redirect: the consumer stays on the provider's notice.
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("failed"));
    };

    let paid = client
        .send(&pay_request(PayType::Au, "au-1", 1000, None))
        .await
        .unwrap();
    let reference = paid.body.transaction.unwrap().fep_reference_id.unwrap();
    let redirect_url = paid.body.control.unwrap().redirect_url.unwrap();
    outcome(redirect_url.clone(), "app-redirect-failure-success").await;
    assert!(
        transaction_result(&client, &reference)
            .await
            .unwrap()
            .is_success()
    );
    // The page of a completed payment offers nothing more.
    assert_eq!(
        http().get(&redirect_url).send().await.unwrap().status(),
        409
    );
    client.send(&capture("au-1", None)).await.unwrap();

    let paid = client
        .send(&pay_request(PayType::Au, "au-2", 1000, None))
        .await
        .unwrap();
    let reference = paid.body.transaction.unwrap().fep_reference_id.unwrap();
    outcome(
        paid.body.control.unwrap().redirect_url.unwrap(),
        "app-redirect-failure-pending",
    )
    .await;
    let pending = transaction_result(&client, &reference).await.unwrap();
    assert_eq!(pending.result_code, Some(ResultCode::from("UA-U00-001")));
    assert!(pending.body.transaction_data.is_none());
    let e = refusal(client.send(&capture("au-2", None)).await.unwrap_err());
    assert_eq!(e.result_code.unwrap().as_str(), "UA-REQ-007");
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn follow_up_commands_send_a_webhook_to_their_push_url() {
    let merchant = Merchant::start(&[]).await;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let paid = client
        .send(&pay_request(PayType::Rakuten, "rk-1", 5000, None))
        .await
        .unwrap();
    consumer_chooses(&paid.body.control.unwrap().redirect_url.unwrap(), "success").await;
    // No pushUrl anywhere yet: nothing was sent.
    assert!(sb.inspect().deliveries().is_empty());

    let mut partial = capture("rk-1", Some(3000));
    partial.control = Some(PushControl {
        push_url: Some(merchant.url("/hook")),
    });
    let captured = send_keyed(&sb, &partial, "cap-rk-1").await.unwrap();
    assert_eq!(
        captured.body.order.unwrap().amount,
        Some(unified_proto::yen(3000))
    );
    let delivery = sb.inspect().deliveries().into_iter().next().unwrap();
    sb.inspect()
        .wait_delivery_settled(&delivery.id, Duration::from_secs(5))
        .await
        .unwrap();
    let received = merchant.received().pop().unwrap();
    let hook = Webhook::verify_and_parse(&received.headers, &received.body, &keys(&sb)).unwrap();
    let transaction = hook.payload.transaction.unwrap();
    assert_eq!(transaction.command.as_deref(), Some("capture"));
    assert_eq!(
        hook.payload.order.unwrap().amount,
        Some(unified_proto::yen(3000))
    );
    // The webhook's fepReferenceId answers getTransactionResult like the webhook.
    let result = transaction_result(&client, &transaction.fep_reference_id.unwrap())
        .await
        .unwrap();
    assert_eq!(
        result.body.transaction_data.unwrap().order.unwrap().amount,
        Some(unified_proto::yen(3000))
    );
    sb.shutdown().await.unwrap();
}
