//! VeriTrans4G POP: ask for a payment key, then send the customer to the
//! payment page with it.
//!
//! ```sh
//! cargo run -p veritrans-examples --example pop
//! ```
//!
//! - Without `POP_SERVER_KEY` (or with `--sandbox`) it starts the sandbox in
//!   this process and uses its public test key: no account, no network.
//! - With `POP_SERVER_KEY` (the server key from the MAP's API settings page) it
//!   asks the real POP server (`Environment::Dummy`: `https://pay3.veritrans.co.jp`
//!   with `dummy: true` on every request, so nobody is charged; `POP_BASE_URL`
//!   points it elsewhere, e.g. a `veritrans sandbox` process you keep running).
//! - `POP_PUSH_URL` (optional, default `https://shop.example/pop/push`): where
//!   POP sends the signed push, e.g. `http://127.0.0.1:3000/pop/push` for the
//!   merchant_server example next to a `veritrans sandbox` process.
//! - `RUST_LOG` (default: each answer and verification): the client's tracing output, e.g.
//!   `RUST_LOG=veritrans::request=debug` for every attempt; keys and card numbers never appear.
//!
//! The key is never printed. Exit status 1 with the client's error on failure
//! (e.g. `RC17` for a wrong key).

use std::error::Error;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use time::macros::{format_description, offset};
use veritrans::pop::prelude::*;
use veritrans_examples::{real_credentials, start_sandbox, trace_requests};

#[tokio::main]
async fn main() -> ExitCode {
    veritrans_examples::exit(run().await)
}

async fn run() -> Result<(), Box<dyn Error>> {
    trace_requests();
    // The sandbox must outlive the requests: keep it bound until the end.
    let (client, sandbox) = match real_credentials(["POP_SERVER_KEY"])? {
        Some([key]) => {
            let environment = match std::env::var("POP_BASE_URL") {
                Ok(base_url) => Environment::custom(base_url, Mode::Test),
                Err(_) => Environment::Dummy,
            };
            (PopClient::new(PopServerKey::new(key), environment)?, None)
        }
        None => {
            let sandbox = start_sandbox().await?;
            let key = sandbox.credentials().pop_server_key.clone();
            let environment = Environment::custom(sandbox.base_url(), Mode::Test);
            (PopClient::new(key, environment)?, Some(sandbox))
        }
    };

    // order_id is yours and single-use: POP refuses a second key for the same
    // order (RC20), so a real shop derives it from its own order number.
    let order_id = format!(
        "example-{}",
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis()
    );
    let mut request = PaymentKeyRequest::new(order_id.as_str(), yen(1500));
    request.enabled_payment_types = vec![PaymentType::Card];
    // Where POP sends the browser back (a signed form POST: verify it with
    // `veritrans::pop::Redirect::verify_and_parse`) and the signed push (see
    // the merchant_server example). POP requires https URLs for these.
    request.success_url = Some("https://shop.example/pop/return/success".into());
    request.failure_url = Some("https://shop.example/pop/return/failure".into());
    request.incomplete_url = Some("https://shop.example/pop/return/incomplete".into());
    request.push_url = Some(
        std::env::var("POP_PUSH_URL").unwrap_or_else(|_| "https://shop.example/pop/push".into()),
    );

    // The client validates the request against the guide's rules before
    // sending it; a refusal carries POP's result code and message.
    let key = client.payment_key(&request).await?;
    // `expires_at` is in JST, as POP states its times.
    let expires = key
        .expires_at
        .to_offset(offset!(+9))
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second] JST"
        ))?;
    println!(
        "order {order_id}: payment key {} (expires {expires})",
        key.key
    );

    // In production the payment page embeds POP's JavaScript and calls
    // `pop.pay(paymentKey, …)` with this key; a sandbox serves a plain HTML
    // stand-in at /pop/v1/pay/{key} on its base URL.
    if let Some(sandbox) = &sandbox {
        println!(
            "payment page (gone when this example exits): {}/pop/v1/pay/{}",
            sandbox.base_url(),
            key.key
        );
    }
    Ok(())
}
