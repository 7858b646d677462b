//! The client's environment decides `dummy`: a test client sets it on every
//! request, a live client never does, and a request that says otherwise is
//! refused before anything is sent.
//!
//! The guide (`pop-api-v1.8.1.en.txt`, "Payment Key" → Request Parameters):
//! "dummy boolean (optional) This flag is set to decide if the request is
//! dummy. A dummy request will not go through the actual payment process. A
//! dummy request should be used to test your integration with the VeriTrans.
//! Values: true or false (Default: false)"; the same for the account
//! management key; and "Going Live": "To do test transaction, in request, set
//! the value of dummy to true. [...] just by setting set the value of dummy to
//! false, the conversion is complete. [...] it is not necessary to change the
//! endpoint."

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use pop_proto::client::Client;
use pop_proto::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};
use pop_proto::{Environment, Error, ErrorKind, Mode, PopServerKey, yen};
use serde_json::Value;

/// Every body the stand-in received, in order.
#[derive(Clone, Default)]
pub(crate) struct Bodies(Arc<Mutex<Vec<Value>>>);

impl Bodies {
    pub(crate) fn taken(&self) -> Vec<Value> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A POP stand-in that records each body and answers every operation with the
/// guide's success sample.
pub(crate) fn app(bodies: Bodies) -> Router {
    async fn answer(State(bodies): State<Bodies>, body: String) -> Response {
        bodies
            .0
            .lock()
            .unwrap()
            .push(serde_json::from_str(&body).unwrap());
        (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"payment_key":"28GTzdVOZNeImaHMDeQF1319","account_mgmt_key":"uxhn7T0eWt22XHycTNr11702","result_code":"R000","status":"success","message":"ok","payment_key_expiry_time":"20200401000000","account_mgmt_key_expiry_time":"20200401000000","pay_link_url":"https://pay3.veritrans.co.jp/pop/v1/payment-link?payment_key=28GTzdVOZNeImaHMDeQF1319&client_key=client101"}"#,
        )
            .into_response()
    }
    Router::new()
        .route("/pop/v1/payment-key", post(answer))
        .route("/pop/v1/link-pay", post(answer))
        .route("/pop/v1/paynow-acctmgmt-key", post(answer))
        .with_state(bodies)
}

async fn stand_in(mode: Mode) -> (Client, Bodies) {
    let bodies = Bodies::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let app = app(bodies.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let environment = Environment::Custom { base_url, mode };
    (
        Client::new(PopServerKey::new("key"), environment).unwrap(),
        bodies,
    )
}

/// The three operations with `dummy` as given.
async fn all_three(client: &Client, dummy: Option<bool>) -> Vec<Result<(), Error>> {
    let mut key = PaymentKeyRequest::new("ORDER-0001", yen(1000));
    key.dummy = dummy;
    let mut link = PaymentLinkRequest::new("ORDER-0002", yen(1000));
    link.dummy = dummy;
    let mut account = AccountManagementKeyRequest::new("TEST-ACCOUNT-101");
    account.dummy = dummy;
    vec![
        client.payment_key(&key).await.map(drop),
        client.payment_link(&link).await.map(drop),
        client.account_management_key(&account).await.map(drop),
    ]
}

fn dummies(bodies: &Bodies) -> Vec<Option<Value>> {
    bodies
        .taken()
        .into_iter()
        .map(|b| b.get("dummy").cloned())
        .collect()
}

#[tokio::test]
async fn a_test_client_sends_dummy_true_on_every_request() {
    // "To do test transaction, in request, set the value of dummy to true."
    let (client, bodies) = stand_in(Mode::Test).await;
    for dummy in [None, Some(true)] {
        for answer in all_three(&client, dummy).await {
            answer.unwrap();
        }
        assert_eq!(
            dummies(&bodies),
            vec![Some(Value::Bool(true)); 3],
            "{dummy:?}"
        );
    }
    // The guide's host for test transactions is the live one ("it is not
    // necessary to change the endpoint"): only `dummy` differs.
    assert_eq!(Environment::Dummy.base_url(), Environment::Live.base_url());
}

#[tokio::test]
async fn a_live_client_never_sets_dummy() {
    // "Default: false": a live request leaves `dummy` out unless the merchant wrote `false`.
    let (client, bodies) = stand_in(Mode::Live).await;
    for answer in all_three(&client, None).await {
        answer.unwrap();
    }
    assert_eq!(dummies(&bodies), vec![None; 3]);
    for answer in all_three(&client, Some(false)).await {
        answer.unwrap();
    }
    assert_eq!(dummies(&bodies), vec![Some(Value::Bool(false)); 3]);
}

#[tokio::test]
async fn a_dummy_that_contradicts_the_environment_is_refused_before_sending() {
    for (mode, dummy) in [(Mode::Test, false), (Mode::Live, true)] {
        let (client, bodies) = stand_in(mode).await;
        for answer in all_three(&client, Some(dummy)).await {
            let err = answer.unwrap_err();
            assert!(
                matches!(err, Error::DummyConflict { dummy: d, mode: m } if d == dummy && m == mode),
                "{err:?}"
            );
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            let message = err.to_string();
            assert!(message.contains(&format!("dummy = {dummy}")), "{message}");
            assert!(message.contains(mode.as_str()), "{message}");
        }
        assert!(bodies.taken().is_empty(), "nothing may be sent in {mode}");
    }
}
