//! VeriTrans4G Unified API: a PayPay payment, and what to do with the
//! redirect URL it returns; then a request the client refuses before sending,
//! with the field named.
//!
//! ```sh
//! cargo run -p veritrans-examples --example unified
//! ```
//!
//! - Without `VERITRANS_UNIFIED_TOKEN` (or with `--sandbox`) it starts the
//!   sandbox in this process and uses its public test token.
//! - With `VERITRANS_UNIFIED_TOKEN` (the access token from MAP's API
//!   configuration) it calls the gateway's own sandbox,
//!   `Environment::Sandbox` = `https://api.sandbox.unified.veritrans.jp`,
//!   with `requestMode: sandbox` (filled by the client): nobody is charged.
//!   Production is `Environment::Live`; this example never uses it.
//! - `RUST_LOG` filters the client's `tracing` output on standard error
//!   (default: each answer and verification; `veritrans=debug` shows every attempt).
//!
//! The token is never printed. Exit status 1 with the client's error on
//! failure (a refusal carries the gateway's `resultCode` and message).

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use veritrans::unified::prelude::*;
use veritrans_examples::{real_credentials, start_sandbox, trace_requests};

#[tokio::main]
async fn main() -> ExitCode {
    // What the client sent, resent and refused, as `tracing` events: one
    // `veritrans.request` span per call. `RUST_LOG=veritrans::request=debug` shows each attempt.
    trace_requests();
    veritrans_examples::exit(run().await)
}

async fn run() -> Result<(), Box<dyn Error>> {
    // The sandbox must outlive the requests: keep it bound until the end.
    let (environment, token, _sandbox) = match real_credentials(["VERITRANS_UNIFIED_TOKEN"])? {
        Some([token]) => (Environment::Sandbox, UnifiedToken::new(token), None),
        None => {
            let sandbox = start_sandbox().await?;
            // The embedded sandbox stands for the gateway's sandbox (Mode::Test):
            // the client sends `requestMode: sandbox` and applies the same rules.
            let base_url = sandbox.base_url().to_string();
            let environment = Environment::Custom {
                base_url,
                mode: Mode::Test,
            };
            let token = UnifiedToken::new(sandbox.credentials().unified_token.expose_secret());
            (environment, token, Some(sandbox))
        }
    };
    let client = Client::builder(environment, token)
        .timeout(Duration::from_secs(10))
        .build()?;

    // paymentId is yours: one per payment attempt (the gateway refuses a
    // second `pay` for a paymentId whose payment went through).
    let millis = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let payment_id = format!("example-{millis}");
    let mut request = paypay(&payment_id, 1000);
    // The client fills `requestMode` from its environment, validates, sends with a
    // fresh X-VT-Idempotency-Key, and resends by itself, with that same key, a
    // request whose answer was lost; an answer that arrived is yours to act on
    // (`Error::next_step`).
    let paid = client.pay(&request).await?;
    let code = paid.result_code.as_ref().map(ToString::to_string);
    let redirect_url = paid
        .redirect_url()
        .ok_or("the answer has no control.redirectUrl")?;
    println!("pay {payment_id}: {}", code.unwrap_or_default());
    // Store paymentId with the customer's session, then answer their browser
    // with a 303 to redirectUrl: PayPay's page. They come back to successUrl,
    // cancelUrl or errorUrl with signed parameters: check them with
    // `Redirect::verify_and_parse` (bound to this paymentId) before showing a
    // result. The payment is final only after the webhook (see the
    // merchant_server example) or `getTransactionResult` says so.
    println!("send the customer's browser to: {redirect_url}");

    // The same request with an amount PayPay cannot take (at most 7 digits,
    // the guide says): the client names the field and sends nothing.
    request.order.payment_id = format!("{payment_id}-2");
    request.order.amount = yen(12_345_678);
    match client.pay(&request).await {
        Err(refused @ UnifiedError::InvalidRequest { .. }) => {
            println!("refused before sending: {refused}");
        }
        Err(other) => return Err(other.into()),
        Ok(answer) => {
            return Err(format!("an 8-digit amount was accepted: {:?}", answer.result_code).into());
        }
    }
    Ok(())
}

/// A PayPay payment, authorised now and captured later (when the goods ship).
fn paypay(payment_id: &str, amount: u64) -> PayRequest {
    // Where the browser comes back: the paymentId in the path tells your
    // page which payment the signed parameters must be about.
    let back = format!("https://shop.example/unified/return/{payment_id}");
    PayRequest::new(
        PayOrder::new(PayType::Paypay, payment_id, amount)
            .with_auth_capture(AuthCaptureType::Auth)
            .with_description("veritrans-examples"),
        // Where the gateway POSTs the signed webhook: an https URL on port 443
        // of a public host (the client checks that rule).
        PayControl::returning_to(back).with_push_url("https://shop.example/unified/webhook"),
    )
}
