//! VeriTrans4G Unified API from plain `fn main`, as a batch job or a
//! back-office script calls it: the blocking client (feature `blocking`) has
//! the async client's methods without `.await` and without a runtime in this
//! code. It pays with PayPay, reads the order back with
//! `getTransactionResult`, and shows a request refused before sending.
//!
//! ```sh
//! cargo run -p veritrans-examples --example unified_blocking
//! ```
//!
//! - Without `VERITRANS_UNIFIED_TOKEN` (or with `--sandbox`) it starts the
//!   sandbox on a runtime of its own and uses its public test token.
//! - With `VERITRANS_UNIFIED_TOKEN` it calls the gateway's own sandbox
//!   (`Environment::Sandbox`, `requestMode: sandbox`); never live.
//! - `RUST_LOG` filters the client's `tracing` output (default: each answer and verification).

use std::error::Error;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use veritrans::unified::blocking::Client;
use veritrans::unified::prelude::*;
use veritrans_examples::{BlockingSandbox, real_credentials, trace_requests};

fn main() -> ExitCode {
    trace_requests();
    veritrans_examples::exit(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    // The embedded sandbox (when used) must outlive the requests: kept until the end.
    let (environment, token, _sandbox) = match real_credentials(["VERITRANS_UNIFIED_TOKEN"])? {
        Some([token]) => (Environment::Sandbox, UnifiedToken::new(token), None),
        None => {
            let sandbox = BlockingSandbox::start()?;
            let token = sandbox.credentials().unified_token.expose_secret();
            let environment = Environment::Custom {
                base_url: sandbox.base_url().to_string(),
                mode: Mode::Test,
            };
            (environment, UnifiedToken::new(token), Some(sandbox))
        }
    };
    let client = Client::builder(environment, token).build_blocking()?;

    let millis = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let payment_id = format!("batch-{millis}");
    let request = PayRequest::new(
        PayOrder::new(PayType::Paypay, &payment_id, 1500).with_auth_capture(AuthCaptureType::Auth),
        PayControl::returning_to(format!("https://shop.example/unified/return/{payment_id}")),
    );
    let paid = client.pay(&request)?; // blocks until the answer (and any resends)
    let reference = paid
        .fep_reference_id()
        .ok_or("no transaction.fepReferenceId")?;
    println!(
        "pay {payment_id}: {}, fepReferenceId {reference}",
        code(&paid.result_code)
    );

    let query = GetTransactionResultRequest::for_reference(reference);
    let result = client.get_transaction_result(&query)?;
    // Until the consumer approves on the provider's page the order is unsettled.
    println!("getTransactionResult: {}", code(&result.result_code));

    let refund = CancelRequest::for_payment(&payment_id).with_amount(yen(99_999_999));
    match client.send_with(&refund, SendOptions::default().pay_type(PayType::Paypay)) {
        Err(refused @ UnifiedError::InvalidRequest { .. }) => {
            println!("refused before sending: {refused}");
            Ok(())
        }
        Err(other) => Err(other.into()),
        Ok(answer) => Err(format!("an 8-digit refund was sent: {:?}", answer.result_code).into()),
    }
}

fn code(code: &Option<ResultCode>) -> String {
    code.as_ref()
        .map_or_else(|| "-".into(), ToString::to_string)
}
