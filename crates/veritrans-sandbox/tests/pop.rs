//! POP as a merchant sees it: pop-proto's client for keys, the consumer page driven with
//! plain form posts, redirects and pushes verified with pop-proto.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{Merchant, client};
use pop_proto::client::Client;
use pop_proto::testing::{ERROR_EXPIRY_DATES, NON_TEST_CARD_V_RESULT_CODE, TEST_CARDS};
use pop_proto::types::{CvsParameters, Item, PaymentKeyRequest, PaymentLinkRequest};
use pop_proto::{
    CvsSubType, Error, Notification, PaymentType, Push, Redirect, ResultCode, Status, Validate,
};
use serde_json::{Value, json};
use veritrans_sandbox::{Credentials, RunningSandbox};
use veritrans_sign::PopServerKey;

fn key() -> PopServerKey {
    PopServerKey::new(Credentials::DEFAULT_POP_SERVER_KEY)
}

fn pop(sandbox: &RunningSandbox) -> Client {
    Client::builder(key())
        .base_url(sandbox.base_url())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn request(order_id: &str, amount: i64, merchant: Option<&Merchant>) -> PaymentKeyRequest {
    let mut r = PaymentKeyRequest::new(order_id, amount);
    r.dummy = Some(true);
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

#[tokio::test]
async fn card_success_redirects_and_pushes_signed() {
    let sandbox = common::start().await;
    let merchant = Merchant::start(&[]).await;
    let mut r = request("ORDER-CARD-1", 10050, Some(&merchant));
    r.shipping_amount = Some(50);
    r.items = vec![Item::new("ITEM-1", "Item", 10000, 1)];
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
    let redirect = Redirect::verify_and_parse(&body, &key()).unwrap();
    assert!(redirect.notification.is_success());
    assert_eq!(redirect.notification.order_id(), "ORDER-CARD-1");
    assert!(redirect.notification.dummy());
    match &redirect.notification {
        Notification::Card(card) => {
            assert_eq!(card.masked_card_number.as_deref(), Some("411111*11"))
        }
        other => panic!("{other:?}"),
    }
    // Tampering is caught.
    let mut tampered = fields.clone();
    tampered[1].1.push('X');
    assert!(Redirect::verify_and_parse(&form_body(&tampered), &key()).is_err());

    let push = &pushes(&merchant, 1).await[0];
    assert!(push.notification.is_success());
    assert_eq!(push.notification.order_id(), "ORDER-CARD-1");

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
        let redirect = Redirect::verify_and_parse(&form_body(&fields), &key()).unwrap();
        assert_eq!(*redirect.notification.status(), Status::Failure);
        assert_eq!(
            redirect.notification.v_result_code(),
            Some(*expected),
            "{card} {expiry}"
        );
    }
}

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
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key()).unwrap();
    assert!(matches!(redirect.notification, Notification::CvsApplied(_)));

    let applied = pushes(&merchant, 2).await; // the refused attempt and its redelivery
    assert_eq!(applied[0], applied[1]);
    match &applied[1].notification {
        Notification::CvsApplied(n) => assert!(n.receipt_number.is_some()),
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
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key()).unwrap();
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
        let redirect = Redirect::verify_and_parse(&form_body(&fields), &key()).unwrap();
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
    bad.push(PaymentKeyRequest::new("ORDER 0001", 1000));
    bad.push(PaymentKeyRequest::new("ORDER-1", 0));
    let mut r = PaymentKeyRequest::new("ORDER-2", 1000);
    r.items = vec![Item::new("I", "n", 999, 1)];
    bad.push(r);
    let mut r = PaymentKeyRequest::new("ORDER-3", 1000);
    r.cvs = vec![
        CvsParameters::new(CvsSubType::Sej),
        CvsParameters::new(CvsSubType::Sej),
    ];
    bad.push(r);
    let mut r = PaymentKeyRequest::new("ORDER-4", 1000);
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

#[tokio::test]
async fn wrong_key_is_401_and_duplicate_order_rc20() {
    let sandbox = common::start().await;
    let wrong = Client::builder(PopServerKey::new("not-the-key"))
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
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

#[tokio::test]
async fn payment_link_and_account_management_key() {
    let sandbox = common::start().await;
    let client_pop = pop(&sandbox);
    let mut r = PaymentLinkRequest {
        ..serde_json::from_value(json!({"order_id": "ORDER-LINK", "gross_amount": 1000})).unwrap()
    };
    r.dummy = Some(true);
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
    let redirect = Redirect::verify_and_parse(&form_body(&fields), &key()).unwrap();
    assert_eq!(*redirect.notification.result_code(), ResultCode::RC25);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(merchant.received().is_empty());
}
