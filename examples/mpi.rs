//! VeriTrans 3-D Secure (MPI): read the search result of a 3-D Secure
//! transaction and turn it into a ship / don't-ship decision.
//!
//! ```sh
//! cargo run -p veritrans-examples --example mpi                          # two orders, embedded sandbox
//! cargo run -p veritrans-examples --example mpi -- search.json [OPTION]  # a search response you saved
//! ```
//!
//! The guide documents what comes back to the merchant (the browser's return
//! with `RequestId`/`OrderId`, the search **response**, the signed push) but
//! not the 3-D Secure request, the search **request**, base URLs or request
//! authentication. So `mpi-proto` has no HTTP client and this example has no
//! real-gateway mode that sends anything:
//!
//! - **Without arguments** it starts the sandbox in this process and runs two
//!   orders through it. Starting a transaction (`POST /mpi/mpi_charges`) and
//!   the search request (`POST /mpi/search`) are **sandbox-only conventions**
//!   (see crates/veritrans-sandbox/README.md); the real gateway does not
//!   accept them. The search *answer* is the guide's format.
//! - **With a file** (a search response body you fetched from the real
//!   gateway with your own HTTP call, as your contract documents it) it
//!   decides on that file, offline. `OPTION` is the `ServiceOptionType` you
//!   sent for that order (default `mpi-company`).
//!
//! Card numbers are printed masked. `RUST_LOG=veritrans::verify=debug` shows
//! each push and redirect verification (`mpi_proto::Push::verify_and_parse`,
//! `RedirectParameters::verify_and_parse`) in your own server's log. Exit status 1 with the reason on failure.

use std::error::Error;
use std::process::ExitCode;

use serde_json::{Value, json};
use veritrans::mpi::{Action, Decision, SearchResponse, ServiceOptionType};
use veritrans_examples::{mask_card, start_sandbox, trace_requests};
use veritrans_sandbox::RunningSandbox;

#[tokio::main]
async fn main() -> ExitCode {
    veritrans_examples::exit(run().await)
}

async fn run() -> Result<(), Box<dyn Error>> {
    trace_requests();
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--sandbox")
        .collect();
    if let Some(file) = args.first() {
        let option: ServiceOptionType =
            args.get(1).map_or("mpi-company", String::as_str).parse()?;
        if let ServiceOptionType::Unknown(value) = &option {
            return Err(format!("unknown service option type {value:?}").into());
        }
        let body = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        let search = SearchResponse::from_json(&body)?;
        let decision = Decision::from_search(&option, &search)?;
        println!("{file}: {}", describe(&decision));
        return Ok(());
    }

    let sandbox = start_sandbox().await?;
    // Scenario rows 2 and 1 of the guide's test table: the cardholder
    // authenticates and the card is paid; the authentication fails.
    for (order_id, card) in [
        ("example-3ds-1", "4111111111111111"),
        ("example-3ds-2", "5555444455554442"),
    ] {
        let request_id = authenticate(&sandbox, order_id, card).await?;
        // In production the browser comes back to your redirection_uri with
        // RequestId and OrderId (`veritrans::mpi::RedirectParameters::from_form`).
        // Those only say which result to look up: never decide on them.
        let body =
            sandbox_post(&sandbox, "/mpi/search", json!({ "request_id": request_id })).await?;
        let search = SearchResponse::from_json(&body)?;
        // The result must be about the order this session is paying for.
        search.ensure_order(order_id)?;
        let decision = Decision::from_search(&ServiceOptionType::MpiCompany, &search)?;
        println!(
            "{order_id}, card {}: {}",
            mask_card(card),
            describe(&decision)
        );
    }
    Ok(())
}

/// The decision in one line. Ship only on `Action::Ship`.
fn describe(decision: &Decision) -> String {
    let what = match decision.action {
        Action::Ship => "ship",
        Action::DoNotShip => "do not ship",
        Action::WaitAndSearchAgain => "not final: wait for the push, then search again",
        Action::ChargeSeparately => "mpi-none: charge the card yourself before shipping",
    };
    format!(
        "{} → {:?} → {what}",
        decision.vresult_code, decision.outcome
    )
}

/// SANDBOX-ONLY: starts 3-D Secure for `card` and plays the cardholder on the
/// sandbox's stand-in for the card company's page. Returns the Request ID.
async fn authenticate(
    sandbox: &RunningSandbox,
    order_id: &str,
    card: &str,
) -> Result<String, Box<dyn Error>> {
    let started: Value = serde_json::from_slice(
        &sandbox_post(
            sandbox,
            "/mpi/mpi_charges",
            json!({
                "order_id": order_id,
                "amount": 1200,
                "card_number": card,
                "service_option_type": ServiceOptionType::MpiCompany.as_str(),
                "redirection_uri": "https://shop.example/3ds/return",
            }),
        )
        .await?,
    )?;
    let request_id = started["request_id"]
        .as_str()
        .ok_or("no request_id in the answer")?;
    if let Some(page) = started["redirect_url"].as_str() {
        // Submitting the page completes authentication; its answer is the
        // form the browser would POST back to redirection_uri.
        reqwest::Client::new()
            .post(page)
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(request_id.to_string())
}

/// SANDBOX-ONLY: a JSON request to the sandbox's MPI routes; the answer's body.
async fn sandbox_post(
    sandbox: &RunningSandbox,
    path: &str,
    body: Value,
) -> Result<Vec<u8>, Box<dyn Error>> {
    let answer = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .json(&body)
        .send()
        .await?
        .error_for_status()?;
    Ok(answer.bytes().await?.to_vec())
}
