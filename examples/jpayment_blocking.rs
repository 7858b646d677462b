//! J-Payment from plain `fn main`, with no async runtime in this code: the
//! blocking client (`jpayment_proto::blocking::Client`, feature `blocking`)
//! registers a customer and their card, then charges it with one touch. The
//! same calls as `jpayment.rs`, without `.await`: for batch jobs and
//! back-office scripts.
//!
//! ```sh
//! cargo run -p veritrans-examples --example jpayment_blocking
//! RUST_LOG=veritrans::request=debug cargo run -p veritrans-examples --example jpayment_blocking
//! ```
//!
//! Without `JPAYMENT_AID` and `JPAYMENT_CARD_TOKEN` (or with `--sandbox`) it
//! starts the sandbox on a runtime of its own; with both it talks to the real
//! gateway (`Environment::Live`), an authorisation only (`JobType::Auth`).
//! The token endpoint of the sandbox is a **sandbox-only step** (see
//! `jpayment.rs`). The user key is never printed.

use std::error::Error;
use std::process::ExitCode;

use veritrans::jpayment::blocking::Client;
use veritrans::jpayment::prelude::*;
use veritrans_examples::{BlockingSandbox, real_credentials, trace_requests};

/// A test card the sandbox approves (sandbox mode only).
const TEST_CARD: &str = "4111111111111111";

fn main() -> ExitCode {
    veritrans_examples::exit(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    trace_requests();
    // The sandbox (when used) must outlive the requests: keep it until the end.
    let (environment, aid, token, _sandbox) =
        match real_credentials(["JPAYMENT_AID", "JPAYMENT_CARD_TOKEN"])? {
            Some([aid, token]) => (Environment::Live, aid, token, None),
            None => {
                let sandbox = BlockingSandbox::start()?;
                let token = sandbox.block_on(sandbox_token(sandbox.base_url()))?;
                let aid = sandbox.credentials().jpayment_aid.clone();
                (sandbox.jpayment_environment(), aid, token, Some(sandbox))
            }
        };
    let client = Client::new(environment)?;

    let user_id = format!("batch{}", std::process::id());
    let mut user = RegisterUser::new(aid.as_str(), user_id.as_str());
    user.email = Some("taro@example.jp".into());
    let user_key = client.send(&user)?.user_key;
    let card = client.send(&RegisterCard::new(
        aid.as_str(),
        user_id.as_str(),
        user_key.clone(),
        token,
    ))?;
    println!("user {user_id}: card in slot {}", card.card_seq);

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
    charge.order_ref = Some("batch-order-1".into());
    match client.send(&charge)? {
        PaymentReply::Completed(result) => println!(
            "one-touch charge authorised without async: payment ID {}, {} yen",
            result.payment_id, result.total
        ),
        PaymentReply::Accepted => println!("accepted: the result comes as a kickback"),
    }
    Ok(())
}

/// SANDBOX-ONLY: what `CPToken.js` does in the customer's browser.
async fn sandbox_token(base_url: &str) -> Result<String, Box<dyn Error>> {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{base_url}/_sandbox/jpayment/token"))
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
