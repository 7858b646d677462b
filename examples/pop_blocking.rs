//! VeriTrans4G POP from plain `fn main`: a payment key and a payment link with
//! `pop_proto::blocking::Client` (feature `blocking`), as a batch job or a
//! back-office script would ask for them. No async runtime in this code.
//!
//! ```sh
//! cargo run -p veritrans-examples --example pop_blocking
//! ```
//!
//! - Without `POP_SERVER_KEY` (or with `--sandbox`) it starts the sandbox (on a
//!   runtime of its own, on other threads) and uses its public test key.
//! - With `POP_SERVER_KEY` it asks the real POP server in its test mode
//!   (`Environment::Dummy`: `dummy: true` on every request; nobody is charged).
//! - `RUST_LOG` (default: each answer and verification): the client's tracing output on
//!   standard error; keys and card numbers never appear.

use std::error::Error;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use veritrans::pop::blocking::Client;
use veritrans::pop::prelude::*;
use veritrans_examples::{BlockingSandbox, real_credentials, trace_requests};

fn main() -> ExitCode {
    veritrans_examples::exit(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    trace_requests();
    // The embedded sandbox is a server: it runs on a runtime of its own, kept
    // until the end. The client below needs none.
    let (client, _sandbox) = match real_credentials(["POP_SERVER_KEY"])? {
        Some([key]) => (
            Client::new(PopServerKey::new(key), Environment::Dummy)?,
            None,
        ),
        None => {
            let sandbox = BlockingSandbox::start()?;
            let key = sandbox.credentials().pop_server_key.clone();
            let environment = Environment::custom(sandbox.base_url(), Mode::Test);
            (Client::new(key, environment)?, Some(sandbox))
        }
    };

    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let mut request = PaymentKeyRequest::new(format!("batch-{stamp}-1"), yen(1500));
    request.enabled_payment_types = vec![PaymentType::Card];
    let key = client.payment_key(&request)?;
    println!(
        "{}: payment key {} until {}",
        request.order_id, key.key, key.expires_at
    );

    let link = client.payment_link(&PaymentLinkRequest::new(
        format!("batch-{stamp}-2"),
        yen(2500),
    ))?;
    println!("batch-{stamp}-2: payment link {}", link.url);
    Ok(())
}
