//! The client against a local POP stand-in bound to 127.0.0.1:0.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use pop_proto::client::Client;
use pop_proto::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};
use pop_proto::{Environment, Error, Mode, ResultCode, yen};
use veritrans_sign::PopServerKey;

const KEY: &str = "Test-POP-Server-Key";

#[derive(Clone, Default)]
struct Seen {
    hits: Arc<AtomicUsize>,
}

fn json(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body,
    )
        .into_response()
}

async fn payment_key(State(seen): State<Seen>, headers: HeaderMap, body: String) -> Response {
    seen.hits.fetch_add(1, Ordering::SeqCst);
    // The guide's AUTH_STRING for "Test-POP-Server-Key".
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some("Basic VGVzdC1QT1AtU2VydmVyLUtleTo=")
    {
        return json(
            StatusCode::UNAUTHORIZED,
            r#"{"result_code":"RC17","status":"failure","message":"Authentication failed"}"#,
        );
    }
    let request: serde_json::Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(_) => {
            return json(
                StatusCode::BAD_REQUEST,
                r#"{"result_code":"RC43","status":"failure","message":"Invalid JSON string"}"#,
            );
        }
    };
    match request["order_id"].as_str() {
        Some("HTML-500") => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body>Internal Server Error</body></html>",
        )
            .into_response(),
        Some("EXISTS") => json(
            StatusCode::BAD_REQUEST,
            r#"{"result_code":"RC20","status":"failure","message":"Order already exists"}"#,
        ),
        Some("NEW-CODE") => json(
            StatusCode::BAD_REQUEST,
            r#"{"result_code":"RC9Z","status":"failure","message":"Something new"}"#,
        ),
        Some("NO-KEY") => json(
            StatusCode::CREATED,
            r#"{"result_code":"R000","status":"success","message":"ok"}"#,
        ),
        Some("NUMBER") => json(
            StatusCode::CREATED,
            r#"{"payment_key":28,"result_code":"R000","status":"success","message":"ok","payment_key_expiry_time":"20200401000000"}"#,
        ),
        Some("SLOW") => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            json(StatusCode::CREATED, "{}")
        }
        _ => json(
            StatusCode::CREATED,
            r#"{"payment_key":"28GTzdVOZNeImaHMDeQF1319","result_code":"R000","status":"success","message":"\"Payment Key\" has been generated successfully","payment_key_expiry_time":"20200401000000"}"#,
        ),
    }
}

async fn link_pay() -> Response {
    json(
        StatusCode::CREATED,
        r#"{"payment_key":"28GTzdVOZNeImaHMDeQF1319","result_code":"R000","status":"success","message":"\"Payment Key\" has been generated successfully","payment_key_expiry_time":"20200401000000","pay_link_url":"https://pay3.veritrans.co.jp/pop/v1/payment-link?payment_key=28GTzdVOZNeImaHMDeQF1319&client_key=client101"}"#,
    )
}

async fn acctmgmt(body: String) -> Response {
    if body.contains("\"account_mgmt_key_expiry_duration\":1440") {
        json(
            StatusCode::CREATED,
            r#"{"account_mgmt_key":"uxhn7T0eWt22XHycTNr11702","result_code":"R000","status":"success","message":"Success","account_mgmt_key_expiry_time":"20200401000000"}"#,
        )
    } else {
        json(
            StatusCode::BAD_REQUEST,
            r#"{"result_code":"RC2B","status":"failure","message":"Invalid value for \"Account Management Key Expiry Duration\""}"#,
        )
    }
}

async fn server() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/pop/v1/payment-key", post(payment_key))
        .route("/pop/v1/link-pay", post(link_pay))
        .route("/pop/v1/paynow-acctmgmt-key", post(acctmgmt))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

fn client(base: &str, key: &str) -> Client {
    let sandbox = Environment::Custom {
        base_url: base.to_string(),
        mode: Mode::Test,
    };
    Client::builder(PopServerKey::new(key), sandbox)
        .timeout(Duration::from_millis(1500))
        .build()
        .unwrap()
}

#[tokio::test]
async fn payment_key_success_is_typed_with_jst_expiry() {
    let (base, _) = server().await;
    let key = client(&base, KEY)
        .payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(10000)))
        .await
        .unwrap();
    assert_eq!(key.key, "28GTzdVOZNeImaHMDeQF1319");
    assert_eq!(key.expires_at.offset(), pop_proto::JST);
    insta::assert_debug_snapshot!("payment_key_success", key);
}

#[tokio::test]
async fn wrong_key_is_refused_with_rc17() {
    let (base, _) = server().await;
    let err = client(&base, "wrong")
        .payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(10000)))
        .await
        .unwrap_err();
    let Error::GatewayRefused {
        status: 401,
        result_code: ResultCode::RC17,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(!err.to_string().contains("wrong"), "{err}");
}

#[tokio::test]
async fn failure_responses_are_gateway_refused_with_code() {
    let (base, _) = server().await;
    let c = client(&base, KEY);
    let err = c
        .payment_key(&PaymentKeyRequest::new("EXISTS", yen(10000)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "POP refused the request (HTTP 400): RC20 Order already exists"
    );
    let err = c
        .payment_key(&PaymentKeyRequest::new("NEW-CODE", yen(10000)))
        .await
        .unwrap_err();
    let Error::GatewayRefused {
        result_code: ResultCode::Unknown(code),
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(code, "RC9Z");
}

#[tokio::test]
async fn html_500_page_is_a_malformed_response() {
    let (base, _) = server().await;
    let err = client(&base, KEY)
        .payment_key(&PaymentKeyRequest::new("HTML-500", yen(10000)))
        .await
        .unwrap_err();
    insta::assert_snapshot!("html_500", err.to_string());
    assert!(matches!(err, Error::MalformedResponse { status: 500, .. }));
}

#[tokio::test]
async fn success_without_key_or_with_a_number_is_malformed() {
    let (base, _) = server().await;
    let c = client(&base, KEY);
    let err = c
        .payment_key(&PaymentKeyRequest::new("NO-KEY", yen(10000)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed POP response (HTTP 201): success without `payment_key`"
    );
    let err = c
        .payment_key(&PaymentKeyRequest::new("NUMBER", yen(10000)))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at `payment_key`"), "{err}");
}

#[tokio::test]
async fn invalid_request_is_never_sent() {
    let (base, seen) = server().await;
    let err = client(&base, KEY)
        .payment_key(&PaymentKeyRequest::new("ORDER 1", yen(0)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request, not sent: order_id: only ASCII letters, digits, '-' and '_' allowed (RC01); gross_amount: less than 1 (RC03)"
    );
    assert_eq!(seen.hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn timeout_is_a_transport_error() {
    let (base, _) = server().await;
    let err = client(&base, KEY)
        .payment_key(&PaymentKeyRequest::new("SLOW", yen(10000)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = client(&base, KEY)
        .payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(10000)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn payment_link_has_its_url() {
    let (base, _) = server().await;
    let link = client(&base, KEY)
        .payment_link(&PaymentLinkRequest::new("ORDER-0001", yen(10000)))
        .await
        .unwrap();
    assert_eq!(
        link.url,
        "https://pay3.veritrans.co.jp/pop/v1/payment-link?payment_key=28GTzdVOZNeImaHMDeQF1319&client_key=client101"
    );
    insta::assert_debug_snapshot!("payment_link_success", link);
}

#[tokio::test]
async fn account_management_key_success_and_failure() {
    let (base, _) = server().await;
    let c = client(&base, KEY);
    let mut request = AccountManagementKeyRequest::new("TEST-ACCOUNT-101");
    request.account_mgmt_key_expiry_duration = Some(1440);
    let key = c.account_management_key(&request).await.unwrap();
    assert_eq!(key.key, "uxhn7T0eWt22XHycTNr11702");
    request.account_mgmt_key_expiry_duration = Some(60);
    let err = c.account_management_key(&request).await.unwrap_err();
    let Error::GatewayRefused {
        status: 400,
        result_code: ResultCode::RC2B,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
}

#[test]
fn bad_base_url_is_a_config_error() {
    let mailto = Environment::Custom {
        base_url: "mailto:x@example.com".into(),
        mode: Mode::Test,
    };
    let err = Client::builder(PopServerKey::new(KEY), mailto)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}
