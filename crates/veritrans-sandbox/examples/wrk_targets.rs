//! The sandbox as a target for an outside load generator (`wrk`): starts a sandbox,
//! prepares what each gateway's main operation needs (J-Payment: a user with a card on
//! file), and prints one JSON line with the base URL and, per gateway, the method, path,
//! headers and body of that operation, built with the protocol crates' own types. `ID`
//! in a body or header stands for a value that must be unique per request (an order ID,
//! an idempotency key); `benches/wrk/post.lua` replaces it. Serves until Ctrl-C.
//!
//! | gateway | operation |
//! |---|---|
//! | pop | `POST /pop/v1/payment-key` (card, dummy) |
//! | unified | `POST /fep/pay` (PayPay, auth), with an idempotency key |
//! | jpayment | `POST /gateway/onetouch.aspx` (one-touch charge, `rt=1`) |
//! | mpi | `POST /mpi/mpi_charges` (the authorize step, `mpi-company`) |
//!
//! ```text
//! cargo run --release -p veritrans-sandbox --example wrk_targets
//! ```
//!
//! `benches/wrk.sh` runs the whole table; see `docs/performance.md`.

use std::error::Error;

use jpayment_proto::{Charset, Client, JobType, OnetouchCharge, Operation, ReplyMethod, yen};
use serde_json::json;
use unified_proto::validate::body_of;
use unified_proto::{
    AuthCaptureType, Command, IDEMPOTENCY_KEY_HEADER, PayControl, PayOrder, PayRequest, PayType,
    RequestMode,
};
use veritrans_sandbox::{Credentials, Sandbox};

#[path = "support/jpayment_user.rs"]
mod jpayment_user;

/// Stands for a per-request unique value.
const ID: &str = "WRKID0";
const AID: &str = Credentials::DEFAULT_JPAYMENT_AID;
const JSON: &str = "application/json";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let base = sandbox.base_url().to_owned();

    // J-Payment's one-touch charge needs a user with a card on file.
    let client = Client::new(sandbox.jpayment_environment())?;
    let key = jpayment_user::user_with_card(&client, &base, "wrkuser", "WRK").await?;
    let charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "wrkuser",
        key,
        1,
        JobType::Capture,
        yen(1000),
        yen(0),
        yen(0),
    );
    let jpayment_body = charge.encode(Charset::default())?;
    let jpayment_path = format!(
        "{}{}",
        veritrans_sandbox::gateways::jpayment::path_prefix(),
        OnetouchCharge::SPEC.endpoint
    );

    let unified = PayRequest::new(
        PayOrder::new(PayType::Paypay, ID, 1000).with_auth_capture(AuthCaptureType::Auth),
        PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "http://127.0.0.1:9/done".into(),
            cancel_url: "http://127.0.0.1:9/cancel".into(),
            error_url: "http://127.0.0.1:9/error".into(),
            push_url: None,
        },
    );
    let unified_body = String::from_utf8(body_of(&unified)?)?;
    let pop_auth = veritrans_sign::pop::authorization(&sandbox.credentials().pop_server_key);
    let unified_auth = format!("Bearer {}", Credentials::DEFAULT_UNIFIED_TOKEN);

    let line = json!({
        "base_url": base,
        "pop": {
            "path": pop_proto::endpoints::PAYMENT_KEY_PATH,
            "headers": [["Authorization", pop_auth], ["Content-Type", JSON]],
            "body": json!({
                "order_id": ID,
                "gross_amount": 1000,
                "dummy": true,
                "enabled_payment_types": ["card"],
                "success_url": "http://127.0.0.1:9/success",
            }).to_string(),
        },
        "unified": {
            "path": <PayRequest as Command>::PATH,
            "headers": [["Authorization", unified_auth], ["Content-Type", JSON], [IDEMPOTENCY_KEY_HEADER, ID]],
            "body": unified_body,
        },
        "jpayment": {
            "path": jpayment_path,
            "headers": [["Content-Type", "application/x-www-form-urlencoded"]],
            "body": jpayment_body,
        },
        "mpi": {
            "path": veritrans_sandbox::gateways::mpi::CHARGES_PATH,
            "headers": [["Content-Type", JSON]],
            "body": json!({
                "order_id": ID,
                "amount": 1000,
                "card_number": "4111111111111111",
                "service_option_type": "mpi-company",
                "redirection_uri": "http://127.0.0.1:9/return",
            }).to_string(),
        },
    });
    println!("{line}");
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await?;
    Ok(())
}
