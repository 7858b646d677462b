//! J-Payment (ROBOT PAYMENT): register a customer and their card once, then
//! charge the card on file with one request ("one-touch").
//!
//! ```sh
//! cargo run -p veritrans-examples --example jpayment
//! ```
//!
//! - Without `JPAYMENT_AID` and `JPAYMENT_CARD_TOKEN` (or with `--sandbox`) it
//!   starts the sandbox in this process (store ID `100000`).
//! - With both it talks to the real gateway (`Environment::Live`,
//!   `https://credit.j-payment.co.jp/gateway/`): `JPAYMENT_AID` is your store
//!   ID (店舗ID), `JPAYMENT_CARD_TOKEN` a card token made in a browser by
//!   J-Payment's `CPToken.js` (tokens are single-use). The charge is an
//!   authorisation only (`JobType::Auth`, 仮売上): nothing is billed until you
//!   capture it, but it is a real authorisation on that card, so use a test
//!   store.
//!
//! **Sandbox-only step**: a real merchant never sees the card number; the
//! customer's browser turns it into a token with `CPToken.js`. The embedded
//! sandbox has no browser here, so this example asks the sandbox's own
//! `POST /_sandbox/jpayment/token` for one. That endpoint does not exist on
//! the real gateway, which is why real mode needs `JPAYMENT_CARD_TOKEN`.
//!
//! The user key (the password of the card on file) is never printed; card
//! numbers only masked. `RUST_LOG=veritrans::request=debug` shows each request's span
//! (operation, order number, HTTP status, latency; never keys or tokens).
//! Exit status 1 with the client's error on failure.

use std::error::Error;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use veritrans::jpayment::prelude::*;
use veritrans_examples::{mask_card, real_credentials, start_sandbox, trace_requests};
use veritrans_sandbox::RunningSandbox;

/// A test card the sandbox approves (sandbox mode only).
const TEST_CARD: &str = "4111111111111111";

#[tokio::main]
async fn main() -> ExitCode {
    veritrans_examples::exit(run().await)
}

async fn run() -> Result<(), Box<dyn Error>> {
    trace_requests();
    // The sandbox must outlive the requests: keep it bound until the end.
    let (environment, aid, token, _sandbox) =
        match real_credentials(["JPAYMENT_AID", "JPAYMENT_CARD_TOKEN"])? {
            Some([aid, token]) => (Environment::Live, aid, token, None),
            None => {
                let sandbox = start_sandbox().await?;
                let aid = sandbox.credentials().jpayment_aid.clone();
                let token = sandbox_token(&sandbox).await?;
                (sandbox.jpayment_environment(), aid, token, Some(sandbox))
            }
        };
    let client = Client::new(environment)?;

    // Once, when the customer signs up: a user ID of yours (alphanumerics),
    // and the gateway's key for it, to keep server-side like a password.
    let user_id = format!(
        "example{}",
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis()
    );
    let mut user = RegisterUser::new(aid.as_str(), user_id.as_str());
    user.email = Some("taro@example.jp".into());
    let user_key = client.send(&user).await?.user_key;
    println!("user {user_id} registered (its key is kept server-side, never shown)");

    // The card, from the token: the card number never reaches your server.
    let card = client
        .send(&RegisterCard::new(
            aid.as_str(),
            user_id.as_str(),
            user_key.clone(),
            token,
        ))
        .await?;
    let details = client
        .send(&ReferenceCard::new(
            aid.as_str(),
            user_id.as_str(),
            user_key.clone(),
            card.card_seq,
        ))
        .await?;
    println!(
        "card {} stored in slot {}",
        details.card_number, card.card_seq
    );

    // Any later purchase: one request, no card form. `ReplyMethod::Response`
    // puts the result in the answer; with `Kickback` it would arrive at your
    // kickback URL instead.
    let mut charge = OnetouchCharge::new(
        aid.as_str(),
        ReplyMethod::Response,
        user_id.as_str(),
        user_key,
        card.card_seq,
        JobType::Auth,
        yen(1000), // amount
        yen(80),   // tax
        yen(0),    // shipping
    );
    charge.order_ref = Some("example-order-1".into());
    match client.send(&charge).await? {
        PaymentReply::Completed(result) => println!(
            "one-touch charge authorised: payment ID {}, {} yen",
            result.payment_id, result.total
        ),
        PaymentReply::Accepted => println!("accepted: the result comes as a kickback"),
    }
    Ok(())
}

/// SANDBOX-ONLY: what `CPToken.js` does in the customer's browser.
async fn sandbox_token(sandbox: &RunningSandbox) -> Result<String, Box<dyn Error>> {
    eprintln!(
        "sandbox-only: a token for test card {} from /_sandbox/jpayment/token",
        mask_card(TEST_CARD)
    );
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/_sandbox/jpayment/token", sandbox.base_url()))
        .json(&serde_json::json!({ "cn": TEST_CARD, "ed": "3012", "fn": "TARO", "ln": "YAMADA" }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = answer["tkn"]
        .as_str()
        .ok_or("the sandbox answered no token")?;
    Ok(token.to_string())
}
