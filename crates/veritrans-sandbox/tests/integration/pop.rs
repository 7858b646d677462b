//! POP as a merchant sees it: pop-proto's client for keys, the consumer page driven with
//! plain form posts, redirects and pushes verified with pop-proto.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::HashSet;
use std::time::Duration;

use common::{Merchant, client};
use pop_proto::client::Client;
use pop_proto::testing::{ERROR_EXPIRY_DATES, NON_TEST_CARD_V_RESULT_CODE, TEST_CARDS};
use pop_proto::types::{CvsParameters, Item, PaymentKeyRequest, PaymentLinkRequest};
use pop_proto::{
    CvsSubType, Environment, Error, Mode, Notification, PaymentType, Push, Redirect, ResultCode,
    Status, Validate, yen,
};
use serde_json::{Value, json};
use veritrans_sandbox::{Credentials, RunningSandbox};
use veritrans_sign::PopServerKey;

fn key() -> PopServerKey {
    PopServerKey::new(Credentials::DEFAULT_POP_SERVER_KEY)
}

/// The sandbox as a test environment: the client sets `dummy: true` on every request.
fn sandbox_env(sandbox: &RunningSandbox) -> Environment {
    Environment::custom(sandbox.base_url(), Mode::Test)
}

fn pop(sandbox: &RunningSandbox) -> Client {
    Client::builder(key(), sandbox_env(sandbox))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn request(order_id: &str, amount: u64, merchant: Option<&Merchant>) -> PaymentKeyRequest {
    let mut r = PaymentKeyRequest::new(order_id, yen(amount));
    if let Some(m) = merchant {
        r.success_url = Some(m.url("/success"));
        r.failure_url = Some(m.url("/failure"));
        r.incomplete_url = Some(m.url("/incomplete"));
        r.push_url = Some(m.url("/push"));
    }
    r
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The auto-submitting redirect form: its action and its fields, as a browser would send them.
fn redirect_form(html: &str) -> (String, Vec<(String, String)>) {
    let start = html.find("<form id=\"redirect\"").expect("a redirect form");
    let form = &html[start..];
    let action = form.split("action=\"").nth(1).unwrap();
    let action = unescape(&action[..action.find('"').unwrap()]);
    let mut fields = Vec::new();
    for input in form.split("<input ").skip(1) {
        let attr = |name: &str| {
            let v = input.split(&format!("{name}=\"")).nth(1).unwrap();
            unescape(&v[..v.find('"').unwrap()])
        };
        fields.push((attr("name"), attr("value")));
    }
    (action, fields)
}

fn form_body(fields: &[(String, String)]) -> Vec<u8> {
    serde_urlencoded::to_string(fields).unwrap().into_bytes()
}

/// GET the consumer page, then POST one of its forms; returns the answer's status and HTML.
async fn pay(sandbox: &RunningSandbox, payment_key: &str, form: &[(&str, &str)]) -> (u16, String) {
    let url = format!("{}/pop/v1/pay/{payment_key}", sandbox.base_url());
    let page = client().get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let kind = form[0].1;
    assert!(html.contains(&format!("<form id=\"{kind}\"")), "{html}");
    let answer = client()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

async fn pushes(merchant: &Merchant, n: usize) -> Vec<Push> {
    for _ in 0..200 {
        let got: Vec<_> = merchant
            .received()
            .into_iter()
            .filter(|r| {
                r.headers
                    .get("content-type")
                    .is_some_and(|v| v == "application/json")
            })
            .collect();
        if got.len() >= n {
            return got
                .iter()
                .map(|r| Push::verify_and_parse(&r.body, &key()).unwrap())
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("expected {n} pushes, got {:?}", merchant.received().len());
}

fn card_form<'a>(number: &'a str, expiry: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("payment_type", "card"),
        ("card_number", number),
        ("card_expire", expiry),
        ("security_code", "123"),
    ]
}

/// Guide (`pop-api-v1.8.1.en.txt`), "Card Number": "On setting the following test card number
/// and arbitrary expiration date ... the success response is returned"; "Transaction Status
/// Through Redirection": parameters "posted to the appropriate URL ... as a query string in the
/// name1=value1&name2=value2 format in the message body of the POST request"; "Push
/// Notification": "given as JSON in the message body of the POST request on the merchant’s
/// push_url"; masked_card_number "First 6 and last 2 digits are retained, the rest are
/// replaced with a single asterisk".
#[tokio::test]
async fn card_success_redirects_and_pushes_signed() {
    let sandbox = common::start().await;
    let merchant = Merchant::start(&[]).await;
    let mut r = request("ORDER-CARD-1", 10050, Some(&merchant));
    r.shipping_amount = Some(yen(50));
    r.items = vec![Item::new("ITEM-1", "Item", yen(10000), 1)];
    r.enabled_payment_types = vec![PaymentType::Card];
    let payment_key = pop(&sandbox).payment_key(&r).await.unwrap();
    assert_eq!(payment_key.key.len(), 24);
    assert!(payment_key.expires_at > time::OffsetDateTime::now_utc());

    let (status, html) = pay(
        &sandbox,
        &payment_key.key,
        &card_form("4111111111111111", "12/30"),
    )
    .await;
    assert_eq!(status, 200);
    let (action, fields) = redirect_form(&html);
    assert_eq!(action, merchant.url("/success"));
    // The browser's POST, as the merchant receives it.
    let sent = client()
        .post(&action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&fields))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    // The push may arrive first: pick the browser's form POST.
    let body = merchant
        .received()
        .into_iter()
        .find(|r| {
            r.headers
                .get("content-type")
                .is_some_and(|v| v == "application/x-www-form-urlencoded")
        })
        .unwrap()
        .body;
    let redirect = Redirect::verify_and_parse(&body, &key(), "ORDER-CARD-1").unwrap();
    assert!(redirect.notification.is_success());
    assert_eq!(redirect.notification.order_id(), "ORDER-CARD-1");
    assert!(redirect.notification.dummy());
    // Interpretation (sandbox README, POP): the guide shows no success v_result_code; the
    // sandbox answers the card code "authorised", `A001`, of the 3-D Secure guide's table.
    assert_eq!(redirect.notification.v_result_code(), Some("A001"));
    match &redirect.notification {
        Notification::Card(card) => {
            assert_eq!(card.masked_card_number.as_deref(), Some("411111*11"))
        }
        other => panic!("{other:?}"),
    }
    // Tampering is caught.
    let mut tampered = fields.clone();
    tampered[1].1.push('X');
    assert!(Redirect::verify_and_parse(&form_body(&tampered), &key(), "ORDER-CARD-1").is_err());

    let push = &pushes(&merchant, 1).await[0];
    assert!(push.notification.is_success());
    assert_eq!(push.notification.order_id(), "ORDER-CARD-1");
    // Guide, "Handling Notifications": "POP Server adds a signature as the last parameter
    // in both Transaction Status Through Redirection as well as Push Notifications."
    let raw_push = merchant
        .received()
        .into_iter()
        .find(|r| {
            r.headers
                .get("content-type")
                .is_some_and(|v| v == "application/json")
        })
        .unwrap()
        .body;
    let raw_push = String::from_utf8(raw_push.to_vec()).unwrap();
    let last = raw_push.rsplit(',').next().unwrap();
    assert!(last.starts_with("\"signature\":\""), "{raw_push}");
    assert_eq!(fields.last().unwrap().0, "signature");

    // Paying twice has no second effect: the page says the order is finished.
    let again = client()
        .get(format!(
            "{}/pop/v1/pay/{}",
            sandbox.base_url(),
            payment_key.key
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let records = sandbox.inspect().transactions();
    let payment = records.iter().find(|r| r.kind == "payment").unwrap();
    let text = payment.summary.to_string();
    assert!(!text.contains("4111111111111111"), "{text}");
    assert!(records.iter().any(|r| r.kind == "payment_key"));
    assert!(records.iter().any(|r| r.kind == "push"));
}

/// Guide, "Expiration Date": "By entering the following expiration date together with the
/// test card number, the error response is returned" (the table 01/99 AG33 … 03/98 AG51);
/// "Card Number": "If settlement is carried out using card (other than test card), then
/// v_result_code is AC09."
#[tokio::test]
async fn every_error_expiry_yields_its_v_result_code_and_non_test_card_ac09() {
    let sandbox = common::start().await;
    let client_pop = pop(&sandbox);
    let mut cases: Vec<(String, String, &str)> = ERROR_EXPIRY_DATES
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let card = TEST_CARDS[i % TEST_CARDS.len()].number.to_owned();
            (card, e.expiry.to_owned(), e.v_result_code)
        })
        .collect();
    cases.push((
        "4242424242424242".into(),
        "12/30".into(),
        NON_TEST_CARD_V_RESULT_CODE,
    ));
    for (i, (card, expiry, expected)) in cases.iter().enumerate() {
        let merchant_like = "http://127.0.0.1:9";
        let mut r = request(&format!("ORDER-EXP-{i}"), 1000, None);
        r.failure_url = Some(format!("{merchant_like}/failure"));
        let k = client_pop.payment_key(&r).await.unwrap();
        let (status, html) = pay(&sandbox, &k.key, &card_form(card, expiry)).await;
        assert_eq!(status, 200);
        let (action, fields) = redirect_form(&html);
        assert_eq!(action, format!("{merchant_like}/failure"));
        let redirect =
            Redirect::verify_and_parse(&form_body(&fields), &key(), &format!("ORDER-EXP-{i}"))
                .unwrap();
        assert_eq!(*redirect.notification.status(), Status::Failure);
        assert_eq!(
            redirect.notification.v_result_code(),
            Some(*expected),
            "{card} {expiry}"
        );
    }
}

/// Guide, "Convenience Store" (Testing POP): "Specify first 2 digits of telephone number as
/// 09 08 07 06 05 — Transaction success"; "Since Convenience Store payments have two steps, POP
/// will give two Push notifications" (applied, then paid with cvs_type and received_amount).
#[tokio::test]
async fn cvs_applied_then_released_paid() {
    let sandbox = common::start().await;
    let merchant = Merchant::start(&[500]).await; // first push refused: redelivered
    let mut r = request("ORDER-CVS-1", 2500, Some(&merchant));
    r.enabled_payment_types = vec![PaymentType::Cvs];
    r.cvs = vec![CvsParameters::new(CvsSubType::Sej)];
    let k = pop(&sandbox).payment_key(&r).await.unwrap();
    let form = [
        ("payment_type", "cvs"),
        ("payment_sub_type", "sej"),
        ("telephone", "09012345678"),
    ];
    let (_, html) = pay(&sandbox, &k.key, &form).await;
    let (action, fields) = redirect_form(&html);
    assert_eq!(action, merchant.url("/success"));
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key(), "ORDER-CVS-1").unwrap();
    assert!(matches!(redirect.notification, Notification::CvsApplied(_)));

    let applied = pushes(&merchant, 2).await; // the refused attempt and its redelivery
    assert_eq!(applied[0], applied[1]);
    match &applied[1].notification {
        Notification::CvsApplied(n) => {
            assert!(n.receipt_number.is_some());
            // Guide, "Push Notification on Initiating Payment": telephoneno "is returned
            // only if the “Phone Number” checkbox in the “CVS Information - Push
            // Notification Additional Information” section ... is checked" (it is not in the
            // sandbox), and the redirect's CVS parameters do not list it at all.
            assert_eq!(n.telephoneno, None);
        }
        other => panic!("{other:?}"),
    }
    match &redirect.notification {
        Notification::CvsApplied(n) => assert_eq!(n.telephoneno, None),
        other => panic!("{other:?}"),
    }
    let release = client()
        .post(format!(
            "{}/_sandbox/pop/release/ORDER-CVS-1",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(release.status(), 200);
    let paid = pushes(&merchant, 3).await;
    match &paid[2].notification {
        Notification::CvsPaid(n) => {
            assert_eq!(n.received_amount, pop_proto::Yen(2500));
            assert!(paid[2].notification.is_success());
        }
        other => panic!("{other:?}"),
    }
    // Released once only.
    let again = client()
        .post(format!(
            "{}/_sandbox/pop/release/ORDER-CVS-1",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
}

/// Guide, "Convenience Store" (Testing POP): "Specify first 2 digits of telephone number as
/// 00, 01, 02, 03, 04 — Transaction failure".
#[tokio::test]
async fn cvs_failure_prefix_fails() {
    let sandbox = common::start().await;
    let mut r = request("ORDER-CVS-2", 2500, None);
    r.failure_url = Some("http://127.0.0.1:9/failure".into());
    let k = pop(&sandbox).payment_key(&r).await.unwrap();
    let form = [
        ("payment_type", "cvs"),
        ("payment_sub_type", "lawson"),
        ("telephone", "0312345678"),
    ];
    let (_, html) = pay(&sandbox, &k.key, &form).await;
    let (action, fields) = redirect_form(&html);
    assert!(action.ends_with("/failure"));
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key(), "ORDER-CVS-2").unwrap();
    assert_eq!(*redirect.notification.status(), Status::Failure);
    // Nothing to release.
    let release = client()
        .post(format!(
            "{}/_sandbox/pop/release/ORDER-CVS-2",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(release.status(), 409);
}

/// Guide, "Bank" (Testing POP): "The last digit of gross_amount is 0 — The transaction is
/// successful"; "other than 0 — The transaction fails"; "Since Bank payments have two steps,
/// POP will give two Push notifications".
#[tokio::test]
async fn bank_last_digit_rule_and_release() {
    let sandbox = common::start().await;
    let merchant = Merchant::start(&[]).await;
    let client_pop = pop(&sandbox);
    for (order, amount, success) in [("ORDER-BANK-0", 3000, true), ("ORDER-BANK-1", 3001, false)] {
        let mut r = request(order, amount, Some(&merchant));
        r.enabled_payment_types = vec![PaymentType::Bank];
        let k = client_pop.payment_key(&r).await.unwrap();
        let (_, html) = pay(&sandbox, &k.key, &[("payment_type", "bank")]).await;
        let (action, fields) = redirect_form(&html);
        let redirect = Redirect::verify_and_parse(&form_body(&fields), &key(), order).unwrap();
        assert_eq!(redirect.notification.is_success(), success, "{order}");
        assert_eq!(action.ends_with("/success"), success);
    }
    let release = client()
        .post(format!(
            "{}/_sandbox/pop/release/ORDER-BANK-0",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(release.status(), 200);
    let all = pushes(&merchant, 3).await;
    let paid = all
        .iter()
        .find(|p| matches!(p.notification, Notification::BankPaid(_)))
        .expect("a bank paid push");
    assert_eq!(paid.notification.order_id(), "ORDER-BANK-0");
}

/// Sends a request as-is (no client-side validation) and returns (status, body).
async fn raw(sandbox: &RunningSandbox, path: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(format!("{}{path}", sandbox.base_url()))
        .header("authorization", veritrans_sign::pop::authorization(&key()))
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn validation_errors_match_client_side_codes() {
    let sandbox = common::start().await;
    let mut bad = Vec::new();
    bad.push(PaymentKeyRequest::new("ORDER 0001", yen(1000)));
    bad.push(PaymentKeyRequest::new("ORDER-1", yen(0)));
    let mut r = PaymentKeyRequest::new("ORDER-2", yen(1000));
    r.items = vec![Item::new("I", "n", yen(999), 1)];
    bad.push(r);
    let mut r = PaymentKeyRequest::new("ORDER-3", yen(1000));
    r.cvs = vec![
        CvsParameters::new(CvsSubType::Sej),
        CvsParameters::new(CvsSubType::Sej),
    ];
    bad.push(r);
    let mut r = PaymentKeyRequest::new("ORDER-4", yen(1000));
    r.payment_key_expiry_duration = Some(999_999);
    bad.push(r);
    for request in bad {
        let expected = request
            .validate()
            .unwrap_err()
            .iter()
            .next()
            .unwrap()
            .result_code
            .clone();
        let (status, body) = raw(&sandbox, "/pop/v1/payment-key", &json!(request)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["result_code"], expected.as_str(), "{body}");
        assert_eq!(body["status"], "failure");
        assert!(body.get("payment_key").is_none());
    }
    // Malformed input: missing field, not JSON, GET.
    let (status, body) = raw(&sandbox, "/pop/v1/payment-key", &json!({"order_id": "X"})).await;
    assert_eq!((status, body["result_code"].as_str()), (400, Some("RC31")));
    let response = client()
        .post(format!("{}/pop/v1/link-pay", sandbox.base_url()))
        .header("authorization", veritrans_sign::pop::authorization(&key()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["result_code"],
        "RC43"
    );
    let response = client()
        .get(format!("{}/pop/v1/payment-key", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["result_code"],
        "RC32"
    );
}

/// Guide, "HTTP Status Codes": "401 Unauthorized Authorization of the merchant failed.";
/// "RC17 Authentication failed"; "RC20 Order already exists".
#[tokio::test]
async fn wrong_key_is_401_and_duplicate_order_rc20() {
    let sandbox = common::start().await;
    let wrong = Client::new(PopServerKey::new("not-the-key"), sandbox_env(&sandbox)).unwrap();
    match wrong.payment_key(&request("ORDER-AUTH", 1000, None)).await {
        Err(Error::GatewayRefused {
            status,
            result_code,
            ..
        }) => {
            assert_eq!((status, result_code), (401, ResultCode::RC17))
        }
        other => panic!("{other:?}"),
    }
    let ok = pop(&sandbox);
    ok.payment_key(&request("ORDER-DUP", 1000, None))
        .await
        .unwrap();
    match ok.payment_key(&request("ORDER-DUP", 1000, None)).await {
        Err(Error::GatewayRefused {
            status,
            result_code,
            ..
        }) => {
            assert_eq!((status, result_code), (400, ResultCode::RC20))
        }
        other => panic!("{other:?}"),
    }
}

/// Guide, "Payment Link": "In response to a valid request, POP returns the following
/// parameters in addition to the response parameters" (pay_link_url); "Managing PayNowID":
/// the account_mgmt_key "string(24)".
#[tokio::test]
async fn payment_link_and_account_management_key() {
    let sandbox = common::start().await;
    let client_pop = pop(&sandbox);
    let r = PaymentLinkRequest::new("ORDER-LINK", yen(1000));
    let link = client_pop.payment_link(&r).await.unwrap();
    assert!(link.url.starts_with(sandbox.base_url()), "{}", link.url);
    let page = client().get(&link.url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for form in ["card", "cvs", "bank"] {
        assert!(html.contains(&format!("<form id=\"{form}\"")), "{form}");
    }
    let account = client_pop
        .account_management_key(&pop_proto::types::AccountManagementKeyRequest::new(
            "ACCOUNT-1",
        ))
        .await
        .unwrap();
    assert_eq!(account.key.len(), 24);
    let unknown = client()
        .get(format!("{}/pop/v1/pay/NOSUCHKEY", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn concurrent_key_requests_are_all_unique() {
    let sandbox = common::start().await;
    let client_pop = pop(&sandbox);
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let c = client_pop.clone();
            tokio::spawn(async move {
                c.payment_key(&request(&format!("ORDER-C-{i}"), 1000, None))
                    .await
            })
        })
        .collect();
    let mut keys = HashSet::new();
    for t in tasks {
        keys.insert(t.await.unwrap().unwrap().key);
    }
    assert_eq!(keys.len(), 64);
    // The same order ID raced many times: exactly one wins.
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let c = client_pop.clone();
            tokio::spawn(async move { c.payment_key(&request("ORDER-RACE", 1000, None)).await })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
}

#[tokio::test]
async fn page_rejects_bad_form_input_with_400() {
    let sandbox = common::start().await;
    let k = pop(&sandbox)
        .payment_key(&request("ORDER-BAD-FORM", 1000, None))
        .await
        .unwrap();
    let (status, html) = pay(&sandbox, &k.key, &card_form("41111", "12/30")).await;
    assert_eq!(status, 400);
    assert!(html.contains("card_number"), "{html}");
    let (status, _) = pay(&sandbox, &k.key, &card_form("4111111111111111", "13/30")).await;
    assert_eq!(status, 400);
}

/// Guide, incomplete_url: "POP will redirect the customer to this URL if the transaction
/// remains incomplete due to some issues like ... customer clicked back button"; the result
/// code (RC25) and the absence of a push are the sandbox's reading (README).
#[tokio::test]
async fn closing_the_page_redirects_to_incomplete_without_push() {
    let sandbox = common::start().await;
    let merchant = Merchant::start(&[]).await;
    let mut r = request("ORDER-CANCEL", 1000, Some(&merchant));
    r.enabled_payment_types = vec![PaymentType::Cvs];
    r.cvs = vec![CvsParameters::new(CvsSubType::Famima)];
    let k = pop(&sandbox).payment_key(&r).await.unwrap();
    let page = client()
        .get(format!("{}/pop/v1/pay/{}", sandbox.base_url(), k.key))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Only the enabled type, and only the request's store.
    assert!(!page.contains("<form id=\"card\""));
    assert!(!page.contains("<form id=\"bank\""));
    assert!(page.contains("value=\"famima\"") && !page.contains("value=\"sej\""));
    // A store the request did not offer is refused on the page.
    let form = [
        ("payment_type", "cvs"),
        ("payment_sub_type", "sej"),
        ("telephone", "09012345678"),
    ];
    let (status, _) = pay(&sandbox, &k.key, &form).await;
    assert_eq!(status, 400);

    let (status, html) = pay(&sandbox, &k.key, &[("payment_type", "cancel")]).await;
    assert_eq!(status, 200);
    let (action, fields) = redirect_form(&html);
    assert_eq!(action, merchant.url("/incomplete"));
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key(), "ORDER-CANCEL").unwrap();
    assert_eq!(*redirect.notification.result_code(), ResultCode::RC25);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(merchant.received().is_empty());
}

// ------------------------------------------------------------------ result codes
//
// Guide: `pop-api-v1.8.1.en.txt`, "Result Codes" (Common, Merchant Server Integration,
// Client Integration). Every row of the table is either produced by one case below or
// listed, with its reason, in the README's "Result codes the sandbox cannot produce".

const PAYMENT_KEY: &str = "/pop/v1/payment-key";
const LINK: &str = "/pop/v1/link-pay";
const ACCOUNT: &str = "/pop/v1/paynow-acctmgmt-key";

/// A request body: the minimum request of the guide plus `extra` (a JSON object whose
/// `null` members are removed from the body instead).
fn body(order_id: &str, extra: Value) -> Value {
    let mut b = json!({"order_id": order_id, "gross_amount": 1000, "dummy": true});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            b.as_object_mut().unwrap().remove(k);
        } else {
            b[k] = v.clone();
        }
    }
    b
}

/// The JST date `days` from today, `YYYYMMDD`.
fn in_days(days: i64) -> String {
    let d = (time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+9))
        + time::Duration::days(days))
    .date();
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

const BANK_OK: &str = "テスト請求";
const BANK_KANA_OK: &str = "テストセイキュウ";

fn bank(payment_type: Value) -> Value {
    json!({"bank": {"payment_type": payment_type, "contents": BANK_OK, "contents_kana": BANK_KANA_OK}})
}

/// One merchant-server case: the guide's table row, the endpoint, the body, and the
/// sandbox settings (contract, MAP) it needs.
struct ServerCase {
    /// The guide's row, quoted.
    guide: &'static str,
    path: &'static str,
    body: Value,
    settings: Option<Value>,
}

fn server_case(guide: &'static str, path: &'static str, body: Value) -> ServerCase {
    ServerCase {
        guide,
        path,
        body,
        settings: None,
    }
}

fn server_cases() -> Vec<ServerCase> {
    let long = |n: usize| "x".repeat(n);
    vec![
        server_case(
            "R000 Successful transaction",
            PAYMENT_KEY,
            body("RC-R000", json!({})),
        ),
        server_case(
            "RC01 Invalid “Order ID”",
            PAYMENT_KEY,
            body("RC 01", json!({})),
        ),
        server_case(
            "RC03 Invalid “Gross Amount”",
            PAYMENT_KEY,
            body("RC-03", json!({"gross_amount": 0})),
        ),
        server_case(
            "RC04 Invalid value for “Shipping Amount”",
            PAYMENT_KEY,
            body("RC-04", json!({"shipping_amount": -1})),
        ),
        server_case(
            "RC06 Invalid value for “Enabled Payment Types”",
            PAYMENT_KEY,
            body("RC-06", json!({"enabled_payment_types": ["paypay"]})),
        ),
        server_case(
            "RC07 Invalid value for “Success URL”",
            PAYMENT_KEY,
            body("RC-07", json!({"success_url": "not a url"})),
        ),
        server_case(
            "RC08 Invalid value for “Failure URL”",
            PAYMENT_KEY,
            body("RC-08", json!({"failure_url": "not a url"})),
        ),
        server_case(
            "RC09 Invalid value for “Incomplete URL”",
            PAYMENT_KEY,
            body("RC-09", json!({"incomplete_url": "not a url"})),
        ),
        server_case(
            "RC10 Invalid value for “Push URL”",
            PAYMENT_KEY,
            body("RC-10", json!({"push_url": "not a url"})),
        ),
        server_case(
            "RC12 Invalid value for “Payment Key Expiry Duration”",
            PAYMENT_KEY,
            body("RC-12", json!({"payment_key_expiry_duration": 129_601})),
        ),
        server_case(
            "RC13 Invalid value for “Item - ID”",
            PAYMENT_KEY,
            body(
                "RC-13",
                json!({"items": [{"id": long(21), "name": "n", "price": 1000, "quantity": 1}]}),
            ),
        ),
        server_case(
            "RC14 Invalid value for “Item - Name”",
            PAYMENT_KEY,
            body(
                "RC-14",
                json!({"items": [{"id": "I", "name": "", "price": 1000, "quantity": 1}]}),
            ),
        ),
        server_case(
            "RC15 Invalid value for “Item - Price”",
            PAYMENT_KEY,
            body(
                "RC-15",
                json!({"items": [{"id": "I", "name": "n", "price": -1, "quantity": 1}]}),
            ),
        ),
        server_case(
            "RC16 Invalid value for “Item - Quantity”",
            PAYMENT_KEY,
            body(
                "RC-16",
                json!({"items": [{"id": "I", "name": "n", "price": 1000, "quantity": 0}]}),
            ),
        ),
        server_case(
            "RC19 Invalid value for “CVS - Payment Sub Type”",
            PAYMENT_KEY,
            body("RC-19", json!({"cvs": [{"payment_sub_type": "ministop"}]})),
        ),
        ServerCase {
            settings: Some(json!({"payment_types": ["card"]})),
            ..server_case(
                "RC21 “Payment Type” is not in contract",
                PAYMENT_KEY,
                body("RC-21", json!({"enabled_payment_types": ["cvs"]})),
            )
        },
        ServerCase {
            settings: Some(json!({"mpi_contract": false})),
            ..server_case(
                "RC22 MPI cannot be used because there is no contract",
                PAYMENT_KEY,
                body("RC-22", json!({"card": {"mpi": true}})),
            )
        },
        server_case(
            "RC26 Invalid value for “Dummy”",
            PAYMENT_KEY,
            body("RC-26", json!({"dummy": "true"})),
        ),
        server_case(
            "RC27 Invalid value for “Capture”",
            PAYMENT_KEY,
            body("RC-27", json!({"capture": "false"})),
        ),
        server_case(
            "RC28 Invalid value for “Card - MPI”",
            PAYMENT_KEY,
            body("RC-28", json!({"card": {"mpi": 1}})),
        ),
        server_case(
            "RC29 Duplicate “Enabled Payment Types”",
            PAYMENT_KEY,
            body("RC-29", json!({"enabled_payment_types": ["card", "card"]})),
        ),
        server_case(
            "RC31 Required parameter(s) not present",
            PAYMENT_KEY,
            body("RC-31", json!({"gross_amount": null})),
        ),
        server_case(
            "RC33 Invalid “Order Items List”",
            PAYMENT_KEY,
            body("RC-33", json!({"items": {"id": "I"}})),
        ),
        ServerCase {
            settings: Some(json!({"test_merchant": true})),
            ..server_case(
                "RC44 “Dummy” should be “true” for test merchant",
                PAYMENT_KEY,
                body("RC-44", json!({"dummy": false})),
            )
        },
        server_case(
            "RC46 Invalid value for “CVS - Payment Expiry Duration”",
            PAYMENT_KEY,
            body(
                "RC-46",
                json!({"cvs": [{"payment_sub_type": "sej", "payment_expiry_duration": 0}]}),
            ),
        ),
        ServerCase {
            settings: Some(json!({"cvs_sub_types": ["sej"]})),
            ..server_case(
                "RC50 “CVS - Payment Sub Type” is not in contract",
                PAYMENT_KEY,
                body("RC-50", json!({"cvs": [{"payment_sub_type": "famima"}]})),
            )
        },
        server_case(
            "RC51 Duplicate “CVS - Payment Sub Type”",
            PAYMENT_KEY,
            body(
                "RC-51",
                json!({"cvs": [{"payment_sub_type": "sej"}, {"payment_sub_type": "sej"}]}),
            ),
        ),
        server_case(
            "RC5E Invalid value for “CVS - Payment Expiry Date”",
            PAYMENT_KEY,
            body(
                "RC-5E",
                json!({"cvs": [{"payment_sub_type": "sej", "payment_expiry_date": "20991341"}]}),
            ),
        ),
        server_case(
            "RC5F “CVS - Payment Expiry Duration” and “CVS - Payment Expiry Date” both can’t be sent together",
            PAYMENT_KEY,
            body(
                "RC-5F",
                json!({"cvs": [{"payment_sub_type": "sej", "payment_expiry_duration": 10, "payment_expiry_date": "20991231"}]}),
            ),
        ),
        server_case(
            "RC2A Invalid “PayNow Account ID”",
            ACCOUNT,
            json!({"paynow_account_id": long(101)}),
        ),
        server_case(
            "RC2B Invalid value for “Account Management Key Expiry Duration”",
            ACCOUNT,
            json!({"paynow_account_id": "ACCOUNT-1", "account_mgmt_key_expiry_duration": 0}),
        ),
        server_case(
            "RC2D Invalid value for “Save Card”",
            PAYMENT_KEY,
            body(
                "RC-2D",
                json!({"card": {"paynow_account_id": "ACCOUNT-1", "save_card": "sometimes"}}),
            ),
        ),
        server_case(
            "RC2E Invalid value for “Skip Card Selection”",
            PAYMENT_KEY,
            body(
                "RC-2E",
                json!({"card": {"paynow_account_id": "ACCOUNT-1", "skip_card_selection": "yes"}}),
            ),
        ),
        server_case(
            "RC2N “PayNow Account ID” is required if “Save Card” or “Skip Card Selection” is present",
            PAYMENT_KEY,
            body("RC-2N", json!({"card": {"save_card": "always"}})),
        ),
        server_case(
            "RC5A Invalid value for “Customer Email Address”",
            PAYMENT_KEY,
            body(
                "RC-5A",
                json!({"email": {"customer_email_address": "smith.john"}}),
            ),
        ),
        server_case(
            "RC5B Invalid value for “Customer Name”",
            PAYMENT_KEY,
            body("RC-5B", json!({"email": {"customer_name": long(257)}})),
        ),
        ServerCase {
            settings: Some(json!({"bank_sub_types": []})),
            ..server_case(
                "RC1L “Bank - Payment Subtype” is not in contract",
                PAYMENT_KEY,
                body("RC-1L", bank(json!([{"payment_sub_type": "atm"}]))),
            )
        },
        server_case(
            "RC1M Invalid value for “Bank - Payment Expiry Duration”",
            PAYMENT_KEY,
            body(
                "RC-1M",
                bank(json!([{"payment_sub_type": "atm", "payment_expiry_duration": 61}])),
            ),
        ),
        server_case(
            "RC1N Invalid value for “Bank - Payment Subtype”",
            PAYMENT_KEY,
            body("RC-1N", bank(json!([{"payment_sub_type": "net"}]))),
        ),
        server_case(
            "RC1O Duplicate “Bank - Payment Subtype”",
            PAYMENT_KEY,
            body(
                "RC-1O",
                bank(json!([{"payment_sub_type": "atm"}, {"payment_sub_type": "atm"}])),
            ),
        ),
        server_case(
            "RC1R Invalid value for “Bank - Contents”",
            PAYMENT_KEY,
            body(
                "RC-1R",
                json!({"bank": {"contents": long(13), "contents_kana": BANK_KANA_OK}}),
            ),
        ),
        server_case(
            "RC1S Invalid value for “Bank - Kana contents”",
            PAYMENT_KEY,
            body(
                "RC-1S",
                json!({"bank": {"contents": BANK_OK, "contents_kana": "tesuto"}}),
            ),
        ),
        server_case(
            "RC1V Invalid value for “Bank - Payment Expiry Date”",
            PAYMENT_KEY,
            body(
                "RC-1V",
                bank(json!([{"payment_sub_type": "atm", "payment_expiry_date": "20990230"}])),
            ),
        ),
        server_case(
            "RC1W “Bank - Payment Expiry Duration” and “Bank - Payment Expiry Date” both can’t be sent together",
            PAYMENT_KEY,
            body(
                "RC-1W",
                bank(
                    json!([{"payment_sub_type": "atm", "payment_expiry_duration": 10, "payment_expiry_date": in_days(10)}]),
                ),
            ),
        ),
        server_case(
            "RC1X Invalid value for “CVS - Payment Expiry HHMM”",
            PAYMENT_KEY,
            body(
                "RC-1X",
                json!({"cvs": [{"payment_sub_type": "sej", "payment_expiry_date": "20991231", "payment_expiry_hhmm": "2360"}]}),
            ),
        ),
        server_case(
            "RC5G Invalid value for “Custom Message - Show Items Additional Message”",
            PAYMENT_KEY,
            body(
                "RC-5G",
                json!({"custom_message": {"show_items_additional_message": "yes"}}),
            ),
        ),
        server_case(
            "RC5H Invalid value for “Custom Message - Items Additional Message”",
            PAYMENT_KEY,
            body(
                "RC-5H",
                json!({"custom_message": {"items_additional_message": "a\u{1}b"}}),
            ),
        ),
        server_case(
            "RC5J Invalid value for “Card - 3D Secure Version”",
            PAYMENT_KEY,
            body("RC-5J", json!({"card": {"mpi": true, "3ds_version": "3"}})),
        ),
        server_case(
            "RC5M Invalid value for “Cardholder Email Address”",
            PAYMENT_KEY,
            body("RC-5M", json!({"card": {"cardholderEmail": "smith.john"}})),
        ),
        server_case(
            "RC5N Invalid value for “Cardholder Home Phone Number”",
            PAYMENT_KEY,
            body(
                "RC-5N",
                json!({"card": {"cardholderHomePhoneNumber": "03-1234-5678"}}),
            ),
        ),
        server_case(
            "RC5O Invalid value for “Cardholder Mobile Phone Number”",
            PAYMENT_KEY,
            body(
                "RC-5O",
                json!({"card": {"cardholderMobilePhoneNumber": "080-1234-5678"}}),
            ),
        ),
        server_case(
            "RC5P Invalid value for “Cardholder Work Phone Number”",
            PAYMENT_KEY,
            body(
                "RC-5P",
                json!({"card": {"cardholderWorkPhoneNumber": "+81312345678"}}),
            ),
        ),
        server_case(
            "RC5Q Invalid value for “Cardholder Home Phone Number Country Code”",
            PAYMENT_KEY,
            body(
                "RC-5Q",
                json!({"card": {"cardholderHomePhoneNumberCountry": "+81"}}),
            ),
        ),
        server_case(
            "RC5R Invalid value for “Cardholder Mobile Phone Number Country Code”",
            PAYMENT_KEY,
            body(
                "RC-5R",
                json!({"card": {"cardholderMobilePhoneNumberCountry": "8100"}}),
            ),
        ),
        server_case(
            "RC5S Invalid value for “Cardholder Work Phone Number Country Code”",
            PAYMENT_KEY,
            body(
                "RC-5S",
                json!({"card": {"cardholderWorkPhoneNumberCountry": ""}}),
            ),
        ),
    ]
}

/// POSTs `body` with the right key and the given media type; (HTTP status, answer).
async fn post_raw(
    sandbox: &RunningSandbox,
    path: &str,
    authorization: &str,
    content_type: &str,
    body: String,
) -> (u16, Value) {
    let answer = common::raw_http::send(
        client()
            .post(format!("{}{path}", sandbox.base_url()))
            .header("authorization", authorization)
            .header("content-type", content_type)
            .body(body),
    )
    .await;
    (answer.status, answer.json())
}

async fn put_settings(sandbox: &RunningSandbox, settings: &Value) -> Value {
    let response = client()
        .put(format!("{}/_sandbox/pop/settings", sandbox.base_url()))
        .json(settings)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Runs the merchant-server cases and the protocol-level ones (RC17, RC20, RC30, RC32,
/// RC43); returns each code produced, after checking the answer's shape.
async fn produce_server_codes(sandbox: &RunningSandbox) -> Vec<ResultCode> {
    let auth = veritrans_sign::pop::authorization(&key());
    let defaults = put_settings(sandbox, &json!({})).await;
    let mut produced = Vec::new();
    for case in server_cases() {
        let expected = ResultCode::from(&case.guide[..4]);
        if let Some(settings) = &case.settings {
            put_settings(sandbox, settings).await;
        }
        let (status, answer) = raw(sandbox, case.path, &case.body).await;
        put_settings(sandbox, &defaults).await;
        assert_eq!(
            answer["result_code"],
            expected.as_str(),
            "{}: {answer}",
            case.guide
        );
        if expected == ResultCode::R000 {
            assert_eq!(status, 201, "{answer}");
        } else {
            // "400 Bad Request Request parameters validation failure."
            assert_eq!(
                (status, &answer["status"]),
                (400, &json!("failure")),
                "{answer}"
            );
            assert!(answer.get("payment_key").is_none(), "{answer}");
        }
        produced.push(expected);
    }
    // RC17 Authentication failed - Merchant authentication has failed
    // ("401 Unauthorized Authorization of the merchant failed.")
    let wrong = veritrans_sign::pop::authorization(&PopServerKey::new("not-the-key"));
    let minimal = body("RC-17", json!({})).to_string();
    let (status, answer) =
        post_raw(sandbox, PAYMENT_KEY, &wrong, "application/json", minimal).await;
    assert_eq!(
        (status, answer["result_code"].as_str()),
        (401, Some("RC17"))
    );
    produced.push(ResultCode::RC17);
    // RC20 Order already exists
    let first = raw(sandbox, LINK, &body("RC-20", json!({}))).await;
    assert_eq!(first.0, 201);
    let (status, answer) = raw(sandbox, PAYMENT_KEY, &body("RC-20", json!({}))).await;
    assert_eq!(
        (status, answer["result_code"].as_str()),
        (400, Some("RC20"))
    );
    produced.push(ResultCode::RC20);
    // RC30 “Media Type” is not supported
    let text = body("RC-30", json!({})).to_string();
    let (status, answer) = post_raw(sandbox, PAYMENT_KEY, &auth, "text/plain", text).await;
    assert_eq!(
        (status, answer["result_code"].as_str()),
        (400, Some("RC30"))
    );
    produced.push(ResultCode::RC30);
    // RC32 GET method is not supported
    let response = client()
        .get(format!("{}{PAYMENT_KEY}", sandbox.base_url()))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["result_code"],
        "RC32"
    );
    produced.push(ResultCode::RC32);
    // RC43 Invalid JSON string
    let (status, answer) = post_raw(
        sandbox,
        ACCOUNT,
        &auth,
        "application/json",
        "{\"paynow_account_id\":".into(),
    )
    .await;
    assert_eq!(
        (status, answer["result_code"].as_str()),
        (400, Some("RC43"))
    );
    produced.push(ResultCode::RC43);
    produced
}

/// Takes a card payment (or a close) for a fresh key and returns the notification's
/// result code (from the signed redirect form) or the page's `#result_code`.
async fn client_code(
    sandbox: &RunningSandbox,
    request: &Value,
    before: impl AsyncFnOnce(&str),
    form: &[(&str, &str)],
) -> ResultCode {
    let (status, answer) = raw(sandbox, PAYMENT_KEY, request).await;
    assert_eq!(status, 201, "{answer}");
    let payment_key = answer["payment_key"].as_str().unwrap().to_owned();
    before(&payment_key).await;
    let url = format!("{}/pop/v1/pay/{payment_key}", sandbox.base_url());
    let html = client()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (_, fields) = redirect_form(&html);
    let redirect = Redirect::verify_and_parse(
        &form_body(&fields),
        &key(),
        request["order_id"].as_str().unwrap(),
    )
    .unwrap();
    redirect.notification.result_code().clone()
}

fn page_code(html: &str) -> ResultCode {
    let start = html
        .find("<p id=\"result_code\">")
        .expect("a result code on the page")
        + 20;
    ResultCode::from(&html[start..start + 4])
}

async fn expire_key(sandbox: &RunningSandbox, payment_key: &str) {
    let response = client()
        .post(format!(
            "{}/_sandbox/pop/expire/{payment_key}",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// The client-integration codes: "These result codes are returned in the Client
/// Integration step" ("... returned during redirection as well as push notification").
async fn produce_client_codes(sandbox: &RunningSandbox) -> Vec<ResultCode> {
    let urls = json!({"success_url": "http://127.0.0.1:9/s", "failure_url": "http://127.0.0.1:9/f",
        "incomplete_url": "http://127.0.0.1:9/i"});
    let with_urls = |order: &str, extra: Value| {
        let mut b = body(order, urls.clone());
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let noop = async |_: &str| {};
    let mut produced = Vec::new();
    // R000 with a test card ("the success response is returned").
    let code = client_code(
        sandbox,
        &with_urls("CL-R000", json!({})),
        noop,
        &card_form("4111111111111111", "12/30"),
    )
    .await;
    assert_eq!(code, ResultCode::R000);
    // RM01 Gateway error - Error at the Payment Gateway (a test card with 01/99 → AG33).
    let code = client_code(
        sandbox,
        &with_urls("CL-RM01", json!({})),
        noop,
        &card_form("4111111111111111", "01/99"),
    )
    .await;
    assert_eq!(code, ResultCode::RM01);
    produced.extend([ResultCode::R000, ResultCode::RM01]);
    // RC34 “Payment Key” has expired
    let code = client_code(
        sandbox,
        &with_urls("CL-RC34", json!({})),
        async |k: &str| expire_key(sandbox, k).await,
        &card_form("4111111111111111", "12/30"),
    )
    .await;
    assert_eq!(code, ResultCode::RC34);
    produced.push(ResultCode::RC34);
    // RC5C "... 3D Secure Authentication is enabled and the ‘payment_key’ expiry duration
    // is valid for less than a minute, at the time of sending the payment details"
    let code = client_code(
        sandbox,
        &with_urls(
            "CL-RC5C",
            json!({"card": {"mpi": true}, "payment_key_expiry_duration": 1}),
        ),
        noop,
        &card_form("4111111111111111", "12/30"),
    )
    .await;
    assert_eq!(code, ResultCode::RC5C);
    produced.push(ResultCode::RC5C);
    // RC18 Invalid “Payment Key”
    let html = client()
        .get(format!("{}/pop/v1/pay/NOSUCHKEY", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page_code(&html), ResultCode::RC18);
    produced.push(ResultCode::RC18);
    // RC25 Invalid “Payment Key” status - "a POP Client request that does not match the
    // current status of the order": the page of an order already paid.
    let (_, answer) = raw(sandbox, PAYMENT_KEY, &with_urls("CL-RC25", json!({}))).await;
    let payment_key = answer["payment_key"].as_str().unwrap();
    let (_, _) = pay(
        sandbox,
        payment_key,
        &card_form("4111111111111111", "12/30"),
    )
    .await;
    let html = client()
        .get(format!("{}/pop/v1/pay/{payment_key}", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page_code(&html), ResultCode::RC25);
    produced.push(ResultCode::RC25);
    produced
}

/// The codes the README lists as not producible, from its table.
fn readme_not_producible() -> Vec<ResultCode> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("### Result codes the sandbox cannot produce")
        .expect("the README lists the POP codes the sandbox cannot produce");
    let section = &readme[start..];
    let section = &section[..section[4..].find("\n#").map_or(section.len(), |e| e + 4)];
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| ResultCode::from(&l[..4]))
        .collect()
}

#[tokio::test]
async fn every_result_code_is_produced_or_listed_with_its_reason() {
    let sandbox = common::start().await;
    let mut produced = produce_server_codes(&sandbox).await;
    produced.extend(produce_client_codes(&sandbox).await);
    let listed = readme_not_producible();
    for code in &listed {
        assert!(
            !produced.contains(code),
            "{code} is produced but listed as not producible"
        );
        assert!(code.is_known(), "{code} is not a guide code");
    }
    let missing: Vec<_> = ResultCode::KNOWN
        .iter()
        .filter(|c| !produced.contains(c) && !listed.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "neither produced nor listed: {missing:?}"
    );
    assert_eq!(ResultCode::KNOWN.len(), 70);
}

/// Guide, "Result Codes" / "Merchant Server Integration": each parameter has its own
/// "Invalid value for …" code ("RC26 Invalid value for “Dummy”", "RC27 Invalid value for
/// “Capture”", "RC28 Invalid value for “Card - MPI”", "RC33 Invalid “Order Items List”",
/// "RC03 Invalid “Gross Amount”" …); "RC43 Invalid JSON string" is for a body that is not
/// JSON. So a value of the wrong JSON type answers its parameter's code. Where the guide
/// gives a parameter no code (the `card` object itself, the `cvs` list) it stays `RC43`:
/// the project's reading, documented in the README.
#[tokio::test]
async fn a_value_of_the_wrong_json_type_answers_its_parameters_code() {
    let sandbox = common::start().await;
    let item = |k: &str, v: Value| {
        let mut i = json!({"id": "I-1", "name": "n", "price": 1000, "quantity": 1});
        i[k] = v;
        json!({"items": [i]})
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (PAYMENT_KEY, json!({"dummy": "true"}), "RC26", "dummy"),
        (PAYMENT_KEY, json!({"capture": "yes"}), "RC27", "capture"),
        (
            PAYMENT_KEY,
            json!({"card": {"mpi": "true"}}),
            "RC28",
            "card.mpi",
        ),
        (PAYMENT_KEY, json!({"items": "ITEM-0001"}), "RC33", "items"),
        (PAYMENT_KEY, json!({"items": [1]}), "RC33", "items[0]"),
        (
            PAYMENT_KEY,
            json!({"gross_amount": "1000"}),
            "RC03",
            "gross_amount",
        ),
        (
            PAYMENT_KEY,
            json!({"gross_amount": 1000.5}),
            "RC03",
            "gross_amount",
        ),
        (PAYMENT_KEY, json!({"order_id": 1}), "RC01", "order_id"),
        (
            PAYMENT_KEY,
            json!({"shipping_amount": "50"}),
            "RC04",
            "shipping_amount",
        ),
        (
            PAYMENT_KEY,
            json!({"enabled_payment_types": "card"}),
            "RC06",
            "enabled_payment_types",
        ),
        (
            PAYMENT_KEY,
            json!({"enabled_payment_types": [true]}),
            "RC06",
            "enabled_payment_types[0]",
        ),
        (
            PAYMENT_KEY,
            json!({"payment_key_expiry_duration": "60"}),
            "RC12",
            "payment_key_expiry_duration",
        ),
        (
            PAYMENT_KEY,
            json!({"success_url": 1}),
            "RC07",
            "success_url",
        ),
        (
            PAYMENT_KEY,
            item("price", json!("1000")),
            "RC15",
            "items[0].price",
        ),
        (
            PAYMENT_KEY,
            item("quantity", json!(1.5)),
            "RC16",
            "items[0].quantity",
        ),
        (PAYMENT_KEY, item("id", json!(1)), "RC13", "items[0].id"),
        (
            PAYMENT_KEY,
            json!({"cvs": [{"payment_sub_type": 7}]}),
            "RC19",
            "cvs[0].payment_sub_type",
        ),
        (
            PAYMENT_KEY,
            json!({"card": {"paynow_account_id": "A-1", "skip_card_selection": "no"}}),
            "RC2E",
            "card.skip_card_selection",
        ),
        (
            PAYMENT_KEY,
            json!({"card": {"3ds_version": 2}}),
            "RC5J",
            "card.3ds_version",
        ),
        (
            PAYMENT_KEY,
            json!({"custom_message": {"show_items_additional_message": 1}}),
            "RC5G",
            "custom_message.show_items_additional_message",
        ),
        (LINK, json!({"capture": 0}), "RC27", "capture"),
        // No code of its own in the guide: RC43 (the project's reading).
        (PAYMENT_KEY, json!({"card": true}), "RC43", "card"),
        (
            PAYMENT_KEY,
            json!({"cvs": {"payment_sub_type": "sej"}}),
            "RC43",
            "cvs",
        ),
    ];
    for (i, (path, extra, code, at)) in cases.into_iter().enumerate() {
        let request = body(&format!("TYPE-{i}"), extra);
        let (status, answer) = raw(&sandbox, path, &request).await;
        assert_eq!(
            (status, answer["result_code"].as_str()),
            (400, Some(code)),
            "{request}: {answer}"
        );
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(&format!("{at}: not a JSON")), "{message}");
    }
    // The account management request has its own codes too.
    for (extra, code) in [
        (json!({"dummy": "false"}), "RC26"),
        (json!({"account_mgmt_key_expiry_duration": "1440"}), "RC2B"),
        (json!({"paynow_account_id": 101}), "RC2A"),
    ] {
        let mut request = json!({"paynow_account_id": "ACCOUNT-1"});
        for (k, v) in extra.as_object().unwrap() {
            request[k] = v.clone();
        }
        let (status, answer) = raw(&sandbox, ACCOUNT, &request).await;
        assert_eq!(
            (status, answer["result_code"].as_str()),
            (400, Some(code)),
            "{answer}"
        );
    }
}

/// Guide, "Result Codes": "RC31 Required parameter(s) not present" — also for the
/// required parameters of nested objects ("id string(20) (required)", "contents string(12)
/// (required)", "payment_type.payment_sub_type string(3) (required)", CVS
/// "payment_sub_type string (required)").
#[tokio::test]
async fn a_missing_nested_required_parameter_answers_rc31() {
    let sandbox = common::start().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            PAYMENT_KEY,
            json!({"items": [{"id": "I-1", "name": "n", "quantity": 1}]}),
            "items[0].price",
        ),
        (
            PAYMENT_KEY,
            json!({"items": [{"name": "n", "price": 1000, "quantity": 1}]}),
            "items[0].id",
        ),
        (
            PAYMENT_KEY,
            json!({"cvs": [{"payment_expiry_duration": 10}]}),
            "cvs[0].payment_sub_type",
        ),
        (
            PAYMENT_KEY,
            json!({"bank": {"contents": BANK_OK}}),
            "bank.contents_kana",
        ),
        (
            PAYMENT_KEY,
            bank(json!([{"payment_expiry_duration": 10}])),
            "bank.payment_type[0].payment_sub_type",
        ),
        (LINK, json!({"order_id": null}), "order_id"),
        (PAYMENT_KEY, json!({"gross_amount": null}), "gross_amount"),
    ];
    for (i, (path, extra, at)) in cases.into_iter().enumerate() {
        let request = body(&format!("MISSING-{i}"), extra);
        let (status, answer) = raw(&sandbox, path, &request).await;
        assert_eq!(
            (status, answer["result_code"].as_str()),
            (400, Some("RC31")),
            "{request}: {answer}"
        );
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("{at}: required parameter not present")),
            "{message}"
        );
    }
    let (status, answer) = raw(&sandbox, ACCOUNT, &json!({"dummy": true})).await;
    assert_eq!(
        (status, answer["result_code"].as_str()),
        (400, Some("RC31")),
        "{answer}"
    );
}

/// Guide, "Testing POP" / "3D Secure Transaction": "Please note that if you conduct a
/// transaction with a card number that is not listed in “B. List of codes by scenario”,
/// the v_result_code will be NH02." and "Transaction Status Through Redirection":
/// `payment_type` "Values: card, mpi or cvs". `card.mpi`: "If this is not provided then POP
/// will use “Enable 3D Secure” value set in “System Settings”" (a sandbox setting).
#[tokio::test]
async fn a_3d_secure_payment_reports_mpi_and_nh02_for_cards_outside_the_scenario_list() {
    let sandbox = common::start().await;
    let failure =
        json!({"failure_url": "http://127.0.0.1:9/f", "success_url": "http://127.0.0.1:9/s"});
    let mut cases = vec![body("MPI-1", failure.clone())];
    cases[0]["card"] = json!({"mpi": true});
    cases.push(body("MPI-2", failure.clone())); // mpi from the MAP setting below
    put_settings(&sandbox, &json!({"enable_3d_secure": true})).await;
    for request in cases {
        let (status, answer) = raw(&sandbox, PAYMENT_KEY, &request).await;
        assert_eq!(status, 201, "{answer}");
        let (_, html) = pay(
            &sandbox,
            answer["payment_key"].as_str().unwrap(),
            &card_form("4111111111111111", "12/30"),
        )
        .await;
        let (action, fields) = redirect_form(&html);
        assert!(action.ends_with("/f"), "{action}");
        let redirect = Redirect::verify_and_parse(
            &form_body(&fields),
            &key(),
            request["order_id"].as_str().unwrap(),
        )
        .unwrap();
        assert!(
            matches!(redirect.notification, Notification::Mpi(_)),
            "{:?}",
            redirect.notification
        );
        assert_eq!(
            redirect.notification.v_result_code(),
            Some(pop_proto::testing::UNLISTED_3DS_CARD_V_RESULT_CODE)
        );
    }
    // card.mpi false overrides the MAP setting: an ordinary card payment.
    let mut request = body("MPI-3", failure);
    request["card"] = json!({"mpi": false});
    let (_, answer) = raw(&sandbox, PAYMENT_KEY, &request).await;
    let (_, html) = pay(
        &sandbox,
        answer["payment_key"].as_str().unwrap(),
        &card_form("4111111111111111", "12/30"),
    )
    .await;
    let (_, fields) = redirect_form(&html);
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key(), "MPI-3").unwrap();
    assert!(matches!(redirect.notification, Notification::Card(_)));
    assert!(redirect.notification.is_success());
}

#[tokio::test]
async fn settings_refuse_values_the_guide_does_not_list() {
    let sandbox = common::start().await;
    for bad in [
        json!({"payment_types": ["paypay"]}),
        json!({"cvs_sub_types": ["ministop"]}),
        json!({"test": true}),
    ] {
        let response = client()
            .put(format!("{}/_sandbox/pop/settings", sandbox.base_url()))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
    let settings = put_settings(&sandbox, &json!({"test_merchant": true})).await;
    assert_eq!(settings["test_merchant"], true);
    assert_eq!(settings["payment_types"], json!(["card", "cvs", "bank"]));
}
