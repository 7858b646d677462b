//! The merchant_server example's own routes, served on 127.0.0.1, receiving
//! what the in-process sandbox really sends: a POP push after a card payment
//! and a Unified API webhook after a PayPay payment. Each must be answered 200
//! on the first attempt (so it verified), a replay of the same notification
//! must be answered `200 duplicate`, and a tampered one `401`.
#![allow(clippy::unwrap_used)]

// The example is compiled here as a module, so the test exercises its code,
// not a copy; its `main` is not used.
#[allow(dead_code)]
#[path = "../merchant_server.rs"]
mod merchant_server;

use std::time::Duration;

use merchant_server::{Keys, app};
use veritrans::pop::types::PaymentKeyRequest;
use veritrans::pop::{self, PaymentType};
use veritrans::unified::prelude::*;
use veritrans_sandbox::{
    DeliveryRecord, DeliverySchedule, DeliveryStatus, RunningSandbox, Sandbox,
};

const SETTLE: Duration = Duration::from_secs(10);

async fn start() -> (RunningSandbox, String) {
    let sandbox = Sandbox::builder()
        .retry_policy(DeliverySchedule {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(50),
            attempt_timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .unwrap();
    let credentials = sandbox.credentials();
    let keys = Keys {
        pop: credentials.pop_server_key.clone(),
        unified: MerchantKeys::new(
            credentials.merchant_ccid.clone(),
            credentials.merchant_auth_key.clone(),
        ),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app(keys)).await });
    (sandbox, base)
}

/// The sandbox's delivery to `url`, once settled.
async fn settled_delivery(sandbox: &RunningSandbox, url: &str) -> DeliveryRecord {
    let inspect = sandbox.inspect();
    let mut waited = Duration::ZERO;
    let id = loop {
        if let Some(d) = inspect.deliveries().into_iter().find(|d| d.url == url) {
            break d.id;
        }
        assert!(waited < SETTLE, "the sandbox sent nothing to {url}");
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += Duration::from_millis(10);
    };
    inspect.wait_delivery_settled(&id, SETTLE).await.unwrap()
}

/// Sends `body` with the delivery's headers, as the gateway would; the answer.
async fn replay(delivery: &DeliveryRecord, body: String) -> (u16, String) {
    let mut request = reqwest::Client::new().post(&delivery.url).body(body);
    for (name, value) in &delivery.headers {
        if !name.eq_ignore_ascii_case("content-length") && !name.eq_ignore_ascii_case("host") {
            request = request.header(name, value);
        }
    }
    let answer = request.send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

fn assert_accepted_first_time(delivery: &DeliveryRecord) {
    assert_eq!(delivery.status, DeliveryStatus::Delivered, "{delivery:?}");
    assert_eq!(delivery.attempts.len(), 1, "{delivery:?}");
}

#[tokio::test]
async fn pop_push_from_the_sandbox_is_verified_and_deduplicated() {
    let (sandbox, merchant) = start().await;
    let push_url = format!("{merchant}/pop/push");
    let sandbox_env = pop::Environment::custom(sandbox.base_url(), pop::Mode::Test);
    let key = sandbox.credentials().pop_server_key.clone();
    let client = pop::client::Client::new(key, sandbox_env).unwrap();
    let mut request = PaymentKeyRequest::new("merchant-server-pop-1", veritrans::yen(1500));
    request.enabled_payment_types = vec![PaymentType::Card];
    request.push_url = Some(push_url.clone());
    let key = client.payment_key(&request).await.unwrap().key;

    // The customer pays with a test card on the sandbox's payment page.
    let paid = reqwest::Client::new()
        .post(format!("{}/pop/v1/pay/{key}", sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            "payment_type=card&card_number=4111111111111111&card_expire=12%2F30&security_code=123",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 200);

    let delivery = settled_delivery(&sandbox, &push_url).await;
    assert_accepted_first_time(&delivery);
    assert!(
        delivery.body.contains("merchant-server-pop-1"),
        "{}",
        delivery.body
    );

    assert_eq!(
        replay(&delivery, delivery.body.clone()).await,
        (200, "duplicate".into())
    );
    let tampered = delivery
        .body
        .replace("merchant-server-pop-1", "merchant-server-pop-2");
    assert_ne!(tampered, delivery.body);
    assert_eq!(
        replay(&delivery, tampered).await,
        (401, "invalid signature".into())
    );
}

#[tokio::test]
async fn unified_webhook_from_the_sandbox_is_verified_and_deduplicated() {
    let (sandbox, merchant) = start().await;
    let hook_url = format!("{merchant}/unified/webhook");
    let back = format!("{merchant}/unified/return");
    let request = PayRequest::new(
        PayOrder::new(PayType::Paypay, "merchant-server-paypay-1", 1000)
            .with_auth_capture(AuthCaptureType::Auth),
        PayControl::returning_to(back).with_push_url(hook_url.clone()),
    );
    // The webhook goes to this test's loopback server, which the client allows
    // only when told to (a real gateway needs a public https pushUrl).
    let client = Client::builder(
        Environment::Custom {
            base_url: sandbox.base_url().to_string(),
            mode: Mode::Test,
        },
        UnifiedToken::new(sandbox.credentials().unified_token.expose_secret()),
    )
    .allow_local_push_url()
    .build()
    .unwrap();
    let answer = client.pay(&request).await.unwrap();
    let page = answer.redirect_url().unwrap();
    // The customer picks "pay" on the sandbox's provider page.
    let chosen = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{page}/pay"))
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);

    let delivery = settled_delivery(&sandbox, &hook_url).await;
    assert_accepted_first_time(&delivery);
    assert!(
        delivery.body.contains("merchant-server-paypay-1"),
        "{}",
        delivery.body
    );

    assert_eq!(
        replay(&delivery, delivery.body.clone()).await,
        (200, "duplicate".into())
    );
    let tampered = delivery.body.replace("\"1000\"", "\"9000\"");
    assert_ne!(tampered, delivery.body);
    assert_eq!(
        replay(&delivery, tampered).await,
        (401, "invalid signature".into())
    );
}

#[tokio::test]
async fn unsigned_notifications_are_refused_without_detail() {
    let (_sandbox, merchant) = start().await;
    let http = reqwest::Client::new();
    for path in ["/pop/push", "/unified/webhook"] {
        let answer = http
            .post(format!("{merchant}{path}"))
            .header("content-type", "application/json")
            .body(r#"{"order_id":"o1","status":"success","result_code":"R000"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401, "{path}");
        assert_eq!(answer.text().await.unwrap(), "invalid signature", "{path}");
    }
}
