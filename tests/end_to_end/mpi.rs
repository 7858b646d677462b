//! How a VeriTrans 3-D Secure (MPI) integration works, end to end.
//!
//! 1. The merchant starts a 3-D Secure transaction for the order (the
//!    guide does not document this request: the sandbox's own convention,
//!    see `e2e::gateways::mpi_start`) and sends the cardholder's browser to
//!    the card company's authentication page.
//! 2. The browser comes back to the merchant's `redirection_uri` with only
//!    `RequestId` and `OrderId`: nothing in it says paid or not.
//! 3. A signed push (`Authorization: Basic` SHA-256) says a result exists;
//!    the merchant verifies it (`mpi_proto::Push::verify_and_parse`) and
//!    ignores a repeated `push_id`.
//! 4. The merchant searches by Request ID and lets `mpi_proto::Decision`
//!    turn the result into ship / don't ship, under the service option it
//!    chose (who bears the risk).
#![allow(clippy::unwrap_used)]

use e2e::browser::Browser;
use e2e::gateways::{mpi_search, mpi_start};
use e2e::{at_least, deliver_again, start};
use serde_json::Value;
use veritrans::mpi::{Action, Decision, Outcome, RiskBearer, ServiceOptionType};
use veritrans_sandbox::RunningSandbox;
use veritrans_sandbox::merchant::{Merchant, PushSeen};

/// The cardholder completes authentication on `page` and the auto-submitting
/// form brings the browser back to the merchant.
async fn authenticate(merchant: &Merchant, page: &str) {
    let browser = Browser::new();
    let acs = browser.open(page).await;
    assert_eq!(acs.status, 200, "{}", acs.html);
    let returning = browser.submit(&acs, None, &[]).await;
    let back = browser.submit(&returning, None, &[]).await;
    assert_eq!(back.url.as_str(), merchant.url("/mpi/return"));
    assert_eq!(
        (back.status, back.html.as_str()),
        (200, "checking your payment")
    );
}

/// The verified pushes about `order_id`, once `n` have arrived.
async fn pushes(merchant: &Merchant, order_id: &str, n: usize) -> Vec<PushSeen> {
    at_least(merchant, n, &format!("pushes about {order_id}"), |s| {
        let all = s.pushes.iter();
        let mine = all.filter(|p| p.order_id.as_deref() == Some(order_id));
        mine.cloned().collect()
    })
    .await
}

async fn decide(sandbox: &RunningSandbox, option: &ServiceOptionType, started: &Value) -> Decision {
    let search = mpi_search(sandbox, started["request_id"].as_str().unwrap()).await;
    search
        .ensure_order(started["order_id"].as_str().unwrap())
        .unwrap();
    Decision::from_search(option, &search).unwrap()
}

#[tokio::test]
async fn authenticated_payment_is_pushed_searched_and_shipped() {
    let (sandbox, merchant) = start().await;
    let option = ServiceOptionType::MpiCompany;
    // The guide's scenario row 2: the password matches, the card is paid.
    let started = mpi_start(
        &sandbox,
        &merchant,
        "e2e-3ds-1",
        "4111111111111111",
        &option,
    )
    .await;
    assert_eq!(started["mstatus"], "success", "{started}");
    let request_id = started["request_id"].as_str().unwrap().to_string();

    // Before the cardholder is back, the search says: not final yet.
    let waiting = decide(&sandbox, &option, &started).await;
    assert_eq!(waiting.outcome, Outcome::AuthenticationInProgress);
    assert_eq!(waiting.action, Action::WaitAndSearchAgain);

    authenticate(&merchant, started["redirect_url"].as_str().unwrap()).await;
    let back = merchant.seen(|s| s.mpi_returns.clone());
    assert_eq!(back.len(), 1);
    assert_eq!(
        (back[0].request_id.as_str(), back[0].order_id.as_str()),
        (request_id.as_str(), "e2e-3ds-1")
    );

    let push = pushes(&merchant, "e2e-3ds-1", 1).await;
    assert_eq!(push[0].vresult_code.as_deref(), Some("G011A00100000000"));
    assert!(!push[0].duplicate);

    // The push is sent again (a lost 200, say): same push_id, skipped.
    deliver_again(&sandbox, &merchant.url("/mpi/push")).await;
    let twice = pushes(&merchant, "e2e-3ds-1", 2).await;
    assert_eq!(twice[1].push_id, push[0].push_id);
    assert!(twice[1].duplicate);

    let decision = decide(&sandbox, &option, &started).await;
    assert_eq!(decision.vresult_code.to_string(), "G011A00100000000");
    let risk = Some(RiskBearer::CardCompany);
    assert_eq!(decision.outcome, Outcome::Paid { risk });
    assert!(decision.should_ship());
}

#[tokio::test]
async fn scenario_rows_lead_to_their_decisions() {
    let (sandbox, merchant) = start().await;
    use {Action::*, Outcome::*, ServiceOptionType::*};
    let card_company = Some(RiskBearer::CardCompany);
    // Lines of the guide's scenario table, as the merchant experiences them:
    // order, test card, option, the code the search ends with, the decision.
    #[rustfmt::skip]
    let rows = [
        // Row 3: a conditional (attempt) authentication is paid under
        // mpi-company, refused under mpi-complete.
        ("e2e-row3-company", "5555555555554444", MpiCompany, "G012A00100000000", Paid { risk: card_company }, Ship),
        ("e2e-row3-complete", "5555555555554444", MpiComplete, "GE12000000000000", PaymentNotAllowed, DoNotShip),
        // Row 4 under mpi-complete: 3-D Secure impossible, ends at the start.
        ("e2e-row4-complete", "3528000000000007", MpiComplete, "GE01000000000000", PaymentNotAllowed, DoNotShip),
        // Row 6-2: the ACS failed; taking the sale would be the merchant's risk.
        ("e2e-row6-2", "3528000000000015", MpiCompany, "GE13000000000000", MerchantBearsRisk, DoNotShip),
        // Row 7-2: an error on the VeriTrans side.
        ("e2e-row7-2", "6950695069506958", MpiCompany, "GE14000000000000", SystemError, DoNotShip),
    ];
    for (order_id, card, option, code, outcome, action) in rows {
        let started = mpi_start(&sandbox, &merchant, order_id, card, &option).await;
        if let Some(page) = started["redirect_url"].as_str() {
            authenticate(&merchant, page).await;
            let push = pushes(&merchant, order_id, 1).await;
            assert_eq!(push[0].vresult_code.as_deref(), Some(code), "{order_id}");
        } else {
            // Ended at the start: no authentication page, no push.
            assert_eq!(started["mstatus"], "failure", "{started}");
            assert_eq!(started["vresult_code"], code);
        }
        let decision = decide(&sandbox, &option, &started).await;
        assert_eq!(decision.vresult_code.to_string(), code, "{order_id}");
        let got = (decision.outcome, decision.action);
        assert_eq!(got, (outcome, action), "{order_id}");
    }
    // Only the rows that reached the verify step pushed.
    let processed = merchant.seen(|s| s.pushes.iter().filter(|p| !p.duplicate).count());
    assert_eq!(processed, 4);
    assert!(merchant.seen(|s| s.rejected.is_empty()));
}
