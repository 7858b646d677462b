//! The facade's clients pointed at the sandbox, and the few sandbox-only HTTP
//! conventions a merchant test needs where a real gateway has a console or a
//! consumer-side script instead (POP's second phase, J-Payment's settings and
//! `CPToken.js`, MPI's start and search requests: see the sandbox's README).

use std::time::Duration;

use serde_json::{Value, json};
use veritrans::jpayment;
use veritrans::mpi::{SearchResponse, ServiceOptionType};
use veritrans::pop;
use veritrans::unified::UnifiedToken;
use veritrans::unified::client::{Client, Environment, ResendPolicy};
use veritrans::unified::validate::Mode;
use veritrans_sandbox::RunningSandbox;
use veritrans_sandbox::merchant::Merchant;

use crate::raw_http;

/// `pop-proto`'s client with the sandbox's server key, in test mode (`dummy:
/// true` on every request).
pub fn pop_client(sandbox: &RunningSandbox) -> pop::client::Client {
    pop::client::Client::builder(
        sandbox.credentials().pop_server_key.clone(),
        pop_env(sandbox),
    )
    .timeout(Duration::from_secs(10))
    .build()
    .expect("the POP client builds")
}

/// The sandbox as a POP test environment.
pub fn pop_env(sandbox: &RunningSandbox) -> pop::Environment {
    pop::Environment::custom(sandbox.base_url(), pop::Mode::Test)
}

/// `unified-proto`'s client with the sandbox's access token and `retry`; its
/// requests may name the test's loopback merchant server as `pushUrl`.
pub fn unified_client(sandbox: &RunningSandbox, retry: ResendPolicy) -> Client {
    let token = sandbox.credentials().unified_token.expose_secret();
    Client::builder(
        Environment::Custom {
            base_url: sandbox.base_url().to_string(),
            mode: Mode::Test,
        },
        UnifiedToken::new(token),
    )
    .retry(retry)
    .allow_local_push_url()
    .timeout(Duration::from_secs(10))
    .build()
    .expect("the Unified API client builds")
}

/// `jpayment-proto`'s client pointed at the sandbox's `/gateway/` paths.
pub fn jpayment_client(sandbox: &RunningSandbox) -> jpayment::Client {
    jpayment::Client::new(sandbox.jpayment_environment()).expect("the J-Payment client builds")
}

/// The merchant console's kickback URL setting (`PUT /_sandbox/jpayment/settings`).
pub async fn jpayment_set_kickback_url(sandbox: &RunningSandbox, url: &str) {
    let answer = raw_http::put_json(
        format!("{}/_sandbox/jpayment/settings", sandbox.base_url()),
        &json!({ "kickback_url": url }),
    )
    .await;
    assert!(
        (200..300).contains(&answer.status),
        "settings: {} {}",
        answer.status,
        answer.text()
    );
}

/// A single-use card token, as `CPToken.js` would make in the consumer's
/// browser (`POST /_sandbox/jpayment/token`): the number never reaches the
/// merchant's server.
pub async fn jpayment_token(sandbox: &RunningSandbox, card_number: &str) -> jpayment::Token {
    let card = json!({"cn": card_number, "ed": "3012", "fn": "TARO", "ln": "YAMADA"});
    let url = format!("{}/_sandbox/jpayment/token", sandbox.base_url());
    let answer = raw_http::post_json(url, &card).await.json();
    let token = answer["tkn"].as_str().expect("a token");
    jpayment::Token::new(token)
}

/// What reached the card company, as the merchant console lists it
/// (`GET /_sandbox/jpayment/payments`): `{"gid", "uid", "num", "ta", "result"}` each.
pub async fn jpayment_payments(sandbox: &RunningSandbox) -> Vec<Value> {
    let url = format!("{}/_sandbox/jpayment/payments", sandbox.base_url());
    let answer = raw_http::get(url).await.json();
    answer["payments"].as_array().cloned().unwrap_or_default()
}

/// The customer pays an applied CVS or bank payment at the store or ATM
/// (`POST /_sandbox/pop/release/{order_id}`); the answer names the push.
pub async fn pop_release(sandbox: &RunningSandbox, order_id: &str) -> (u16, Value) {
    let answer = raw_http::post(format!(
        "{}/_sandbox/pop/release/{order_id}",
        sandbox.base_url()
    ))
    .await;
    (answer.status, answer.json())
}

/// Starts a 3-D Secure transaction (the sandbox-only `POST /mpi/mpi_charges`)
/// returning to and pushing to `merchant`; the answer as JSON.
pub async fn mpi_start(
    sandbox: &RunningSandbox,
    merchant: &Merchant,
    order_id: &str,
    card_number: &str,
    option: &ServiceOptionType,
) -> Value {
    let answer = raw_http::post_json(
        format!("{}/mpi/mpi_charges", sandbox.base_url()),
        &json!({
            "order_id": order_id,
            "amount": 4800,
            "card_number": card_number,
            "service_option_type": option.as_str(),
            "redirection_uri": merchant.url("/mpi/return"),
            "push_uri": merchant.url("/mpi/push"),
        }),
    )
    .await;
    assert_eq!(answer.status, 200, "mpi_charges for {order_id}");
    answer.json()
}

/// The search (sandbox-only request, documented answer), read by `mpi-proto`.
pub async fn mpi_search(sandbox: &RunningSandbox, request_id: &str) -> SearchResponse {
    let answer = raw_http::post_json(
        format!("{}/mpi/search", sandbox.base_url()),
        &json!({ "request_id": request_id }),
    )
    .await;
    SearchResponse::from_json(&answer.body).expect("a search response as the guide shows it")
}
