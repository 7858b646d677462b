//! The MPI gateway as a merchant sees it, with `mpi-proto` doing the merchant's parsing,
//! verification and deciding: every row of the guide's scenario table under both service
//! option types, pushes, redelivery, bad requests and concurrency.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use mpi_proto::testing::{SCENARIOS, Scenario, ScenarioRisk};
use mpi_proto::{
    Action, Decision, MStatus, MpiServerKey, Outcome, ProperTransactionInfo, Push,
    RedirectParameters, RiskBearer, SearchResponse, ServiceOptionType,
};
use serde_json::{Value, json};
use veritrans_sandbox::{Credentials, DeliveryStatus, Gateway, RunningSandbox};

use common::{Merchant, client};

const OPTIONS: [ServiceOptionType; 2] = [
    ServiceOptionType::MpiComplete,
    ServiceOptionType::MpiCompany,
];

fn key() -> MpiServerKey {
    MpiServerKey::new(Credentials::DEFAULT_MPI_SERVER_KEY)
}

async fn post_json(url: &str, body: &Value) -> (u16, Value) {
    let answer = common::raw_http::post_json(url, body).await;
    (answer.status, answer.json_or_null())
}

fn charge_body(
    order_id: &str,
    card: &str,
    option: &str,
    merchant: &Merchant,
    push: &Merchant,
) -> Value {
    json!({
        "order_id": order_id,
        "amount": 1200,
        "card_number": card,
        "service_option_type": option,
        "redirection_uri": merchant.url("/return?shop=1&lang=en"),
        "push_uri": push.url("/push"),
    })
}

/// The HTML-escaped value after `marker` up to the next quote.
fn attribute(html: &str, marker: &str) -> String {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What a browser does with the sandbox's return page: POST the hidden fields to the
/// form's action.
async fn follow_return_form(html: &str) {
    assert!(html.contains("document.forms[0].submit()"), "{html}");
    let action = attribute(html, "action=\"");
    let fields = [
        ("RequestId", attribute(html, "name=\"RequestId\" value=\"")),
        ("OrderId", attribute(html, "name=\"OrderId\" value=\"")),
    ];
    let body = serde_urlencoded::to_string(fields).unwrap();
    let response = client()
        .post(action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn search(sandbox: &RunningSandbox, request_id: &str) -> SearchResponse {
    let url = format!("{}/mpi/search", sandbox.base_url());
    let response = client()
        .post(url)
        .json(&json!({ "request_id": request_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    SearchResponse::from_json(&response.bytes().await.unwrap()).unwrap()
}

/// The oracle, from the table's own columns: the code comes from the card's row and the
/// option's column; a card part `A001` is a payment; otherwise the row's risk column and
/// title say why there is none.
fn expected_outcome(row: &Scenario, code: &str) -> Outcome {
    if &code[4..8] == "A001" {
        assert_eq!(row.risk, ScenarioRisk::CardCompany, "row {}", row.no);
        Outcome::Paid {
            risk: Some(RiskBearer::CardCompany),
        }
    } else if row.title.starts_with("Abnormal end") {
        Outcome::SystemError
    } else if row.risk == ScenarioRisk::Merchant {
        Outcome::MerchantBearsRisk
    } else {
        Outcome::PaymentNotAllowed
    }
}

/// The option descriptions: mpi-complete pays only on a password match (row 2);
/// mpi-company also where the card company bears the risk (rows 3, 4, 5-1).
fn guide_ships(row: &Scenario, option: &ServiceOptionType) -> bool {
    match option {
        ServiceOptionType::MpiComplete => row.no == "2",
        _ => ["2", "3", "4", "5-1"].contains(&row.no),
    }
}

/// mpi-3d-secure.en.txt, "Code List for each Scenario" (every row, card and option; "*1.
/// Response code is "failure" (failure) when it is "GExx", and it is "success" (success)
/// when it is "G0xx""), "Redirect receive parameters" ("The following parameters are POST
/// during redirect": RequestId, OrderId), "Search Process Result Reference Method" and
/// "PUSH Notification" ("Authorization Basic Connect the Server Key to the end of the
/// Request Body, and Sha-256 hashed string"; the hex writing is the project's reading).
#[tokio::test]
async fn every_scenario_row_under_both_options() {
    let sandbox = common::start().await;
    let browser_return = Merchant::start(&[]).await;
    let push_receiver = Merchant::start(&[]).await;
    let base = sandbox.base_url().to_owned();
    let mut flows = 0;
    let mut pushes_expected = Vec::new();

    for row in SCENARIOS {
        for card in row.cards {
            for option in &OPTIONS {
                let order_id = format!("ORD-{}-{}-{}", row.no, &card[12..], option.as_str());
                let context = format!("row {} card {card} {option}", row.no);
                let (status, started) = post_json(
                    &format!("{base}/mpi/mpi_charges"),
                    &charge_body(
                        &order_id,
                        card,
                        option.as_str(),
                        &browser_return,
                        &push_receiver,
                    ),
                )
                .await;
                assert_eq!(status, 200, "{context}: {started}");
                let request_id = started["request_id"].as_str().unwrap().to_owned();
                mpi_proto::validate::check("RedirectParameters", "RequestId", &request_id).unwrap();

                let authorize = row.authorize_code_for_card(card, option).unwrap();
                assert_eq!(started["vresult_code"], authorize.as_str(), "{context}");
                let verify = row.verify_code_for_card(card, option);
                let expected_code = row.codes_for_card(card, option).unwrap();

                if authorize.starts_with("GE") {
                    // "mstatus = failure is returned to the merchant site. Payment not
                    // possible." No browser redirect, no verify step.
                    assert_eq!(started["mstatus"], "failure", "{context}");
                    assert!(started.get("redirect_url").is_none(), "{context}");
                    assert_eq!(verify, None, "{context}");
                } else {
                    assert_eq!(started["mstatus"], "success", "{context}");
                    // Before the customer comes back: not final, never shipped.
                    let pending = search(&sandbox, &request_id).await;
                    let decision = Decision::from_search(option, &pending).unwrap();
                    assert_eq!(decision.action, Action::WaitAndSearchAgain, "{context}");

                    let page_url = started["redirect_url"].as_str().unwrap();
                    let page = client().get(page_url).send().await.unwrap();
                    assert_eq!(page.status(), 200);
                    let page = page.text().await.unwrap();
                    assert!(
                        page.contains(&order_id)
                            && page.contains(&format!("{}******{}", &card[..6], &card[12..])),
                        "{context}: {page}"
                    );
                    assert!(
                        !page.contains(card),
                        "{context}: the page shows the card unmasked"
                    );
                    let done = client().post(page_url).send().await.unwrap();
                    assert_eq!(done.status(), 200, "{context}");
                    follow_return_form(&done.text().await.unwrap()).await;
                    let received = browser_return.received();
                    let redirect =
                        RedirectParameters::from_form(&received.last().unwrap().body).unwrap();
                    assert_eq!(redirect.request_id, request_id, "{context}");
                    assert_eq!(redirect.order_id, order_id, "{context}");
                    pushes_expected.push((
                        order_id.clone(),
                        option.clone(),
                        expected_code.clone(),
                        row,
                    ));
                }

                // The merchant decides from a search, as the guide says.
                let result = search(&sandbox, &request_id).await;
                result.ensure_order(&order_id).unwrap();
                let decision = Decision::from_search(option, &result).unwrap();
                assert_eq!(decision.vresult_code.as_str(), expected_code, "{context}");
                assert_eq!(
                    decision.outcome,
                    expected_outcome(row, &expected_code),
                    "{context}"
                );
                assert_eq!(
                    decision.should_ship(),
                    guide_ships(row, option),
                    "{context}"
                );
                if decision.should_ship() {
                    let last = result.latest_transaction().unwrap().1;
                    assert_eq!(last.amount, Some(1200));
                }
                flows += 1;
            }
        }
    }
    // 11 test cards (row 7-1 has two) × 2 options.
    assert_eq!(flows, 22);

    // One verified push per completed verify step, each agreeing with the search.
    let mut seen = Vec::new();
    for _ in 0..200 {
        seen = push_receiver.received();
        if seen.len() >= pushes_expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.len(), pushes_expected.len());
    let mut push_ids = Vec::new();
    for received in &seen {
        let header = received.headers["authorization"].to_str().unwrap();
        let push = Push::verify_and_parse(&received.body, header, &key()).unwrap();
        push.validate().unwrap();
        push.push_time().unwrap();
        push_ids.push(push.push_id().to_owned());
        let data = &push.data()[0];
        let (_, option, code, row) = pushes_expected
            .iter()
            .find(|(order, ..)| Some(order.as_str()) == data.order_id.as_deref())
            .unwrap();
        assert_eq!(data.vresult_code.as_deref(), Some(code.as_str()));
        assert_eq!(data.test_mode, Some(true));
        let decision = data.decide(option).unwrap();
        assert_eq!(decision.outcome, expected_outcome(row, code));
        if code.starts_with("GE") {
            assert_eq!(
                data.card_status(),
                None,
                "blank card_mstatus after a failure"
            );
        }
    }
    push_ids.sort();
    push_ids.dedup();
    assert_eq!(push_ids.len(), seen.len(), "push_id numbers every push");

    // The inspection API shows every transaction.
    let log: Value = client()
        .get(format!(
            "{base}/_sandbox/transactions?gateway=mpi&kind=authorize"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["transactions"].as_array().unwrap().len(), 22);
    let text = log.to_string();
    assert!(!text.contains("4111111111111111") && text.contains("411111******1111"));
    let verified = sandbox.inspect().transactions();
    assert_eq!(
        verified
            .iter()
            .filter(|r| r.gateway == Gateway::Mpi && r.kind == "verify")
            .count(),
        pushes_expected.len()
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_non_test_card_ends_at_authorize_with_ge04() {
    let sandbox = common::start().await;
    let m = Merchant::start(&[]).await;
    let base = sandbox.base_url();
    for option in &OPTIONS {
        let order = format!("NONTEST-{option}");
        let (status, body) = post_json(
            &format!("{base}/mpi/mpi_charges"),
            &charge_body(&order, "4242424242424242", option.as_str(), &m, &m),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["mstatus"], "failure");
        assert_eq!(body["vresult_code"], "GE04000000000000");
        let result = search(&sandbox, body["request_id"].as_str().unwrap()).await;
        let decision = Decision::from_search(option, &result).unwrap();
        assert_eq!(decision.outcome, Outcome::SystemError);
        // No page to visit after an authorize failure.
        let url = format!("{base}/mpi/acs/{}", body["request_id"].as_str().unwrap());
        assert_eq!(client().post(url).send().await.unwrap().status(), 409);
    }
    sandbox.shutdown().await.unwrap();
}

async fn start_and_complete(
    sandbox: &RunningSandbox,
    order: &str,
    card: &str,
    m: &Merchant,
    push: &Merchant,
) -> (String, String) {
    let (status, body) = post_json(
        &format!("{}/mpi/mpi_charges", sandbox.base_url()),
        &charge_body(order, card, "mpi-company", m, push),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let page = body["redirect_url"].as_str().unwrap().to_owned();
    let done = client().post(&page).send().await.unwrap();
    assert_eq!(done.status(), 200);
    (
        body["request_id"].as_str().unwrap().to_owned(),
        done.text().await.unwrap(),
    )
}

/// mpi-3d-secure.en.txt, "PUSH Notification": "Notification more than once, it may be sent
/// in the same push_id." The retry schedule is the sandbox's.
#[tokio::test]
async fn a_refused_push_is_redelivered_with_the_same_push_id() {
    let sandbox = common::start().await; // 4 attempts, 10–40 ms apart
    let m = Merchant::start(&[]).await;
    let push_receiver = Merchant::start(&[500, 503]).await;
    let (request_id, _) = start_and_complete(
        &sandbox,
        "REDELIVER-1",
        "4111111111111111",
        &m,
        &push_receiver,
    )
    .await;

    let record = sandbox
        .inspect()
        .transactions()
        .into_iter()
        .find(|r| r.kind == "verify" && r.id == request_id)
        .unwrap();
    let delivery_id = record.summary["push"]["delivery_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let settled = sandbox
        .inspect()
        .wait_delivery_settled(&delivery_id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(settled.status, DeliveryStatus::Delivered);
    assert_eq!(settled.attempts.len(), 3);

    // A duplicate on demand (the guide: "it may be sent in the same push_id").
    let url = format!(
        "{}/_sandbox/deliveries/{delivery_id}/redeliver",
        sandbox.base_url()
    );
    assert_eq!(client().post(url).send().await.unwrap().status(), 202);
    sandbox
        .inspect()
        .wait_delivery_settled(&delivery_id, Duration::from_secs(5))
        .await
        .unwrap();

    let received = push_receiver.received();
    assert_eq!(received.len(), 4);
    let ids: Vec<String> = received
        .iter()
        .map(|r| {
            let header = r.headers["authorization"].to_str().unwrap();
            Push::verify_and_parse(&r.body, header, &key())
                .unwrap()
                .push_id()
                .to_owned()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(record.summary["push"]["push_id"], ids[0].as_str());

    // A wrong key is refused by the merchant's verification.
    let r = &received[0];
    let header = r.headers["authorization"].to_str().unwrap();
    assert!(Push::verify_and_parse(&r.body, header, &MpiServerKey::new("other")).is_err());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn completing_twice_applies_the_verify_step_once() {
    let sandbox = common::start().await;
    let m = Merchant::start(&[]).await;
    let push = Merchant::start(&[]).await;
    let (request_id, first) =
        start_and_complete(&sandbox, "TWICE-1", "5555555555554444", &m, &push).await;
    let again = client()
        .post(format!("{}/mpi/acs/{request_id}", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.text().await.unwrap(), first);
    let result = search(&sandbox, &request_id).await;
    // Authorize, then Verify's mpi and card transactions: nothing doubled.
    assert_eq!(result.transactions().unwrap().len(), 3);
    let verifies = sandbox
        .inspect()
        .transactions()
        .into_iter()
        .filter(|r| r.kind == "verify")
        .count();
    assert_eq!(verifies, 1);
    sandbox.shutdown().await.unwrap();
}

/// The `mpi` transaction of an attempted authentication: scenario 3 under mpi-company
/// (mpi-3d-secure.en.txt, "Code List for each Scenario", No 3 "3-D Secure Success
/// (Attempt)": Verify `G012A001`). Interpretation, not the guide
/// (`specs/mpi/openapi.yaml`, `x-attemptAuthentication`): the guide's only search sample
/// is a full authentication (`"res_3d_eci": "05"`, status `Y`); an attempt carries the
/// 3-D Secure protocol's "attempts processing performed" values, ECI `06` and status `A`.
#[tokio::test]
async fn an_attempt_carries_the_attempt_eci_and_transaction_status() {
    let sandbox = common::start().await;
    let m = Merchant::start(&[]).await;
    let push = Merchant::start(&[]).await;
    let (request_id, _) =
        start_and_complete(&sandbox, "ATTEMPT-1", "5555555555554444", &m, &push).await;
    let result = search(&sandbox, &request_id).await;
    let verify = result
        .transactions()
        .unwrap()
        .iter()
        .filter(|t| t.command.as_deref() == Some("Verify"))
        .find_map(|t| match &t.proper_transaction_info {
            Some(ProperTransactionInfo::Mpi(mpi)) => Some((t, mpi)),
            _ => None,
        });
    let (transaction, mpi) = verify.expect("a Verify mpi transaction");
    assert_eq!(
        transaction.vresult_code.as_deref().map(|c| &c[..8]),
        Some("G012A001")
    );
    assert_eq!(mpi.res_3d_eci.as_deref(), Some("06"));
    assert_eq!(mpi.res_3d_transaction_status.as_deref(), Some("A"));
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_requests_get_400_with_a_message() {
    let sandbox = common::start().await;
    let m = Merchant::start(&[]).await;
    let url = format!("{}/mpi/mpi_charges", sandbox.base_url());
    let good = charge_body("BAD-0", "4111111111111111", "mpi-complete", &m, &m);
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let cases = [
        (
            with("service_option_type", json!("mpi-everything")),
            "service_option_type",
        ),
        (
            with("service_option_type", json!("mpi-none")),
            "not emulated",
        ),
        (
            with("service_option_type", json!("mpi-merchant")),
            "not emulated",
        ),
        (with("order_id", json!("has space")), "order_id"),
        (with("order_id", json!("x".repeat(101))), "order_id"),
        (with("order_id", json!("")), "order_id"),
        (with("order_id", json!("受注1")), "order_id"),
        (with("amount", json!(0)), "amount"),
        (with("amount", json!(-5)), "amount"),
        (with("amount", json!("1200")), "amount"),
        (with("amount", json!(1.5)), "amount"),
        (
            with("card_number", json!("4111-1111-1111-1111")),
            "card_number",
        ),
        (
            with("card_number", json!("4111111111111112")),
            "card_number",
        ),
        (with("card_number", json!("41111")), "card_number"),
        (
            with("redirection_uri", json!("not a url")),
            "redirection_uri",
        ),
        (
            with("redirection_uri", json!("ftp://example.com/")),
            "redirection_uri",
        ),
        (with("push_uri", json!("javascript:alert(1)")), "push_uri"),
        (with("unexpected", json!(1)), "unexpected"),
        (json!({"order_id": "BAD-1"}), "missing field"),
        (json!([1, 2]), ""),
    ];
    for (body, needle) in cases {
        let (status, answer) = post_json(&url, &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], "bad_request", "{body}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(needle), "{body}: {message}");
    }
    // Not JSON at all.
    let r = client()
        .post(&url)
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = client().post(&url).body("order_id=1").send().await.unwrap();
    assert_eq!(r.status(), 415);

    // A used order ID is a conflict, not a second transaction.
    assert_eq!(post_json(&url, &good).await.0, 200);
    let (status, answer) = post_json(&url, &good).await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("order_id"));

    // Search: a malformed request ID is 400; an unknown one is 404 and, read by
    // mpi-proto, a search that did not succeed.
    let search_url = format!("{}/mpi/search", sandbox.base_url());
    let (status, answer) = post_json(&search_url, &json!({"request_id": "r".repeat(129)})).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, _) = post_json(&search_url, &json!({})).await;
    assert_eq!(status, 400);
    let response = client()
        .post(&search_url)
        .json(&json!({"request_id": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let parsed = SearchResponse::from_json(&response.bytes().await.unwrap()).unwrap();
    let err = parsed.ensure_succeeded().unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    assert_eq!(parsed.mstatus, Some(MStatus::Failure));

    // Whatever arrives, never a 5xx: the request cannot make the sandbox fail.
    let garbage: [&[u8]; 6] = [
        b"",
        b"null",
        b"{\"order_id\": null}",
        b"{\"request_id\": 12}",
        &[0xff, 0xfe, 0x00],
        b"{\"amount\": 1e400}",
    ];
    for body in garbage {
        for target in [&url, &search_url] {
            let r = client()
                .post(target.as_str())
                .header("content-type", "application/json")
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{target} {body:?}");
        }
    }
    let r = client()
        .get(format!("{}/mpi/acs/%FF%FE", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["error"], "bad_request");

    // The consumer page for an unknown request.
    let r = client()
        .get(format!("{}/mpi/acs/nope", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_starts_are_each_recorded_once_and_duplicates_rejected() {
    let sandbox = common::start().await;
    let m = Merchant::start(&[]).await;
    let url = format!("{}/mpi/mpi_charges", sandbox.base_url());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        // 20 distinct orders, each sent twice at once.
        let body = charge_body(
            &format!("CONC-{}", i % 20),
            "4111111111111111",
            "mpi-company",
            &m,
            &m,
        );
        let url = url.clone();
        tasks.spawn(async move { post_json(&url, &body).await });
    }
    let mut ok = Vec::new();
    let mut conflicts = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            (200, body) => ok.push(body["request_id"].as_str().unwrap().to_owned()),
            (409, _) => conflicts += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((ok.len(), conflicts), (20, 20));
    ok.sort();
    ok.dedup();
    assert_eq!(ok.len(), 20, "request IDs are unique");
    let recorded = sandbox
        .inspect()
        .transactions()
        .into_iter()
        .filter(|r| r.gateway == Gateway::Mpi && r.kind == "authorize")
        .count();
    assert_eq!(recorded, 20);

    // Concurrent completions of one transaction: one verify step, one push.
    let push = Merchant::start(&[]).await;
    let (status, body) = post_json(
        &url,
        &charge_body("CONC-DONE", "4111111111111111", "mpi-company", &m, &push),
    )
    .await;
    assert_eq!(status, 200);
    let page = body["redirect_url"].as_str().unwrap().to_owned();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let page = page.clone();
        tasks.spawn(async move { client().post(page).send().await.unwrap().status().as_u16() });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(push.received().len(), 1);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_lists_mpi() {
    let sandbox = common::start().await;
    let health: Value = client()
        .get(format!("{}/_sandbox/health", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        health["gateways"]
            .as_array()
            .unwrap()
            .contains(&json!("mpi"))
    );
    sandbox.shutdown().await.unwrap();
}
