//! The sandbox started for a Unified API guide version answers by that version's
//! tables: here what differs between 1.1.1 RC and 1.1.3 at the request's door
//! (authentication) and in the limits, sent as raw HTTP so the client's own
//! checks stay out of the way.
#![allow(clippy::unwrap_used)]

use unified_proto::{
    AuthCaptureType, Command, PayControl, PayOrder, PayRequest, PayType, RequestMode,
};
use veritrans_sandbox::{Credentials, RunningSandbox};

use crate::common;

async fn start(version: &str) -> RunningSandbox {
    common::builder()
        .unified_version(version)
        .start()
        .await
        .expect("sandbox starts")
}

fn pay(pay_type: PayType, payment_id: &str, amount: u64) -> Vec<u8> {
    let request = PayRequest::new(
        PayOrder::new(pay_type, payment_id, amount).with_auth_capture(AuthCaptureType::Auth),
        PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "http://127.0.0.1:9/done".into(),
            cancel_url: "http://127.0.0.1:9/cancel".into(),
            error_url: "http://127.0.0.1:9/error".into(),
            push_url: None,
        },
    );
    serde_json::to_vec(&request).unwrap()
}

/// `POST /fep/pay` with `headers`; `(HTTP status, resultCode, actionCode)`.
async fn send(
    sb: &RunningSandbox,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> (u16, String, String) {
    let mut request = common::raw_http::client()
        .post(format!("{}{}", sb.base_url(), PayRequest::PATH))
        .header("Content-Type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let v: serde_json::Value = answer.json().await.unwrap_or_default();
    let field = |k: &str| v["result"][k].as_str().unwrap_or("").to_string();
    (status, field("resultCode"), field("actionCode"))
}

/// 1.1.1 RC authenticates a request by Bearer or by HMAC; 1.1.3 by Bearer only.
///
/// - unified-api-1.1.1-rc.ja.txt, 決済リクエストの認証について: "各APIリクエストの認証処理に
///   Bearer認証およびHMAC認証を利用しています。… 両方設定された場合にはBearer認証として処理
///   します。" HMAC認証について: the hmacString is HmacSHA512 over "1. マーチャントCCID
///   2. リクエストパラメータ文字列 3. マーチャント認証鍵", as `X-VT-Content-hmac:
///   h=HmacSHA512;s={マーチャントCCID};v={hmacString}`.
/// - unified-api-1.1.3.en.txt, Revision History, 1.1.3 item 5: "Deleted the
///   description of HMAC authentication from 'About Authentication of Payment
///   Request'".
/// - Both: UA-REQ-008 "Authentication error" (401, failure, confirm_token).
#[tokio::test]
async fn hmac_request_authentication_is_1_1_1_rc_only() {
    let (old, new) = (start("1.1.1-rc").await, start("1.1.3").await);
    let hmac = |body: &[u8]| {
        let header = veritrans_sign::unified::sign_webhook(
            Credentials::DEFAULT_MERCHANT_CCID,
            &old.credentials().merchant_auth_key,
            body,
        );
        ("X-VT-Content-hmac", header)
    };
    let refused = (401, "UA-REQ-008".to_string(), "confirm_token".to_string());

    let body = pay(PayType::Paypay, "v-hmac-1", 1000);
    let (status, code, _) = send(&old, &[hmac(&body)], body.clone()).await;
    assert_eq!((status, code.as_str()), (200, "UA-000-001"));
    assert_eq!(send(&new, &[hmac(&body)], body).await, refused);

    // Signed over another body: refused by 1.1.1 RC too.
    let body = pay(PayType::Paypay, "v-hmac-2", 1000);
    let other = pay(PayType::Paypay, "v-hmac-3", 1000);
    assert_eq!(send(&old, &[hmac(&other)], body.clone()).await, refused);
    // Both sent: processed as Bearer, so a wrong token is refused despite the HMAC.
    let wrong = ("Authorization", "Bearer not-the-token".to_string());
    assert_eq!(send(&old, &[wrong, hmac(&body)], body).await, refused);
}

/// au's `order.amount` limit: 12 digits in 1.1.1 RC, 7 in 1.1.3; docomo's 12 and 8.
///
/// unified-api-1.1.3.en.txt, Payment Request, `order.amount`: "Docomo:Numerical value
/// 8 digits or less", "au:Numerical value 7 digits or less"; Revision History, 1.1.2 RC
/// item 2: "changed the maximum number of digits in order.amount in the request item
/// for au/docomo, from "12" to "7" for au and "8" for docomo". unified-api-1.1.1-rc.ja.txt
/// predates that change. The malformed field's code is the project's reading,
/// UA-REQ-001 "Invalid message" (400, failure, confirm_request) in both tables.
#[tokio::test]
async fn amount_limits_follow_the_emulated_guide() {
    let (old, new) = (start("1.1.1-rc").await, start("1.1.3").await);
    let bearer = || {
        let token = format!("Bearer {}", Credentials::DEFAULT_UNIFIED_TOKEN);
        [("Authorization", token)]
    };
    let invalid = (400, "UA-REQ-001".to_string(), "confirm_request".to_string());
    for (pay_type, digits_in_1_1_3) in [(PayType::Au, 7), (PayType::Docomo, 8)] {
        let over = 10u64.pow(digits_in_1_1_3); // one digit more than 1.1.3 allows
        let id = format!("v-limit-{pay_type}");
        let (status, _, _) = send(&old, &bearer(), pay(pay_type, &id, over)).await;
        assert_eq!(status, 200, "1.1.1 RC refused {over} for {pay_type}");
        let answer = send(&new, &bearer(), pay(pay_type, &id, over)).await;
        assert_eq!(answer, invalid, "1.1.3 took {over} for {pay_type}");
        let within = over - 10; // all nines but the last digit 0: a success
        let (status, _, _) = send(&new, &bearer(), pay(pay_type, &id, within)).await;
        assert_eq!(status, 200);
    }
}
