//! How a VeriTrans4G POP integration works, end to end.
//!
//! 1. The merchant's server asks for a payment key (`pop-proto`'s client),
//!    naming its own success / failure / incomplete pages and its push URL.
//! 2. The consumer's browser shows the POP payment screen for that key (the
//!    sandbox's stand-in page) and pays.
//! 3. POP sends the browser back to one of the merchant's pages with a signed
//!    form, and pushes a signed JSON notification to the merchant's server.
//!    The merchant verifies both (`pop_proto::Redirect` / `Push`) before
//!    believing anything in them.
//! 4. Convenience store and bank payments have a second phase: the consumer
//!    pays at the store or ATM later, and only a second push says "paid".
//!
//! The merchant server here is `veritrans_sandbox::merchant::Merchant`; what it
//! verified is what these tests check.
#![allow(clippy::unwrap_used)]

use e2e::browser::{Browser, Page};
use e2e::gateways::{pop_client, pop_env, pop_release};
use e2e::{at_least, raw_http, start};
use veritrans::pop::types::{CvsParameters, PaymentKeyRequest};
use veritrans::pop::{
    CvsSubType, Environment, Error, Mode, NotificationKind, PaymentType, ResultCode,
};
use veritrans_sandbox::RunningSandbox;
use veritrans_sandbox::merchant::{Merchant, PopSeen, Seen};

/// The order as the merchant's checkout creates it: every way back leads to
/// the merchant's own server.
fn order(
    merchant: &Merchant,
    order_id: &str,
    amount: u64,
    types: &[PaymentType],
) -> PaymentKeyRequest {
    let mut request = PaymentKeyRequest::new(order_id, veritrans::yen(amount));
    request.success_url = Some(merchant.url(&format!("/pop/return/success/{order_id}")));
    request.failure_url = Some(merchant.url(&format!("/pop/return/failure/{order_id}")));
    request.incomplete_url = Some(merchant.url(&format!("/pop/return/incomplete/{order_id}")));
    request.push_url = Some(merchant.url("/pop/push"));
    request.enabled_payment_types = types.to_vec();
    request
}

/// The consumer opens the POP screen for `payment_key`, fills in `form`, and
/// the screen's auto-submitting form takes the browser back to the merchant.
/// Returns the merchant page the consumer ends on.
async fn pay(
    sandbox: &RunningSandbox,
    payment_key: &str,
    form: &str,
    fill: &[(&str, &str)],
) -> Page {
    let browser = Browser::new();
    let screen = browser
        .open(&format!("{}/pop/v1/pay/{payment_key}", sandbox.base_url()))
        .await;
    assert_eq!(screen.status, 200, "{}", screen.html);
    let returning = browser.submit(&screen, Some(form), fill).await;
    assert_eq!(returning.status, 200, "{}", returning.html);
    browser.submit(&returning, Some("redirect"), &[]).await
}

/// The verified redirects the merchant received for `order_id`.
fn redirects(merchant: &Merchant, order_id: &str) -> Vec<PopSeen> {
    merchant.seen(|s| {
        let mine = s.pop_redirects.iter().filter(|r| r.order_id == order_id);
        mine.cloned().collect()
    })
}

/// Waits for a verified push of `kind` for `order_id`; all of them so far (a
/// push the merchant answered late is sent again, the same).
async fn pushes(merchant: &Merchant, order_id: &str, kind: NotificationKind) -> Vec<PopSeen> {
    let what = format!("{kind:?} pushes for {order_id}");
    at_least(merchant, 1, &what, |s| {
        let all = s.pop_pushes.iter();
        let mine = all.filter(|p| p.order_id == order_id && p.kind == kind);
        mine.cloned().collect()
    })
    .await
}

#[tokio::test]
async fn card_payment_comes_back_as_a_signed_redirect_and_a_signed_push() {
    let (sandbox, merchant) = start().await;
    let key = pop_client(&sandbox)
        .payment_key(&order(&merchant, "pop-card-1", 2500, &[PaymentType::Card]))
        .await
        .unwrap();
    assert_eq!(key.key.len(), 24, "the guide's 24-character payment key");

    let card = [
        ("card_number", "4111111111111111"),
        ("card_expire", "12/30"),
        ("security_code", "123"),
    ];
    let back = pay(&sandbox, &key.key, "card", &card).await;

    // The browser landed on the merchant's success page, which verified it.
    assert_eq!(
        back.url.as_str(),
        merchant.url("/pop/return/success/pop-card-1")
    );
    assert_eq!((back.status, back.html.as_str()), (200, "thank you"));
    let redirect = redirects(&merchant, "pop-card-1");
    assert_eq!(redirect.len(), 1);
    assert_eq!(redirect[0].result_code, "R000");
    assert!(redirect[0].success);
    assert_eq!(redirect[0].kind, NotificationKind::Card);

    // The push arrives on its own, server to server, and verifies too.
    let push = pushes(&merchant, "pop-card-1", NotificationKind::Card).await;
    assert!(push.iter().all(|p| *p == push[0]), "{push:?}");
    assert_eq!(
        (push[0].result_code.as_str(), push[0].success),
        ("R000", true)
    );
    assert!(merchant.seen(|s| s.rejected.is_empty()));
}

#[tokio::test]
async fn declined_card_comes_back_to_the_failure_page() {
    let (sandbox, merchant) = start().await;
    let request = order(&merchant, "pop-card-2", 2500, &[PaymentType::Card]);
    let key = pop_client(&sandbox).payment_key(&request).await.unwrap();

    // The guide's test card with an expiry from its error table: declined.
    let card = [
        ("card_number", "4111111111111111"),
        ("card_expire", "01/99"),
        ("security_code", "123"),
    ];
    let back = pay(&sandbox, &key.key, "card", &card).await;

    assert_eq!(
        back.url.as_str(),
        merchant.url("/pop/return/failure/pop-card-2")
    );
    let redirect = redirects(&merchant, "pop-card-2");
    assert_eq!(redirect.len(), 1);
    assert_eq!(
        (redirect[0].result_code.as_str(), redirect[0].success),
        ("RM01", false)
    );
    let push = pushes(&merchant, "pop-card-2", NotificationKind::Card).await;
    assert_eq!(
        (push[0].result_code.as_str(), push[0].success),
        ("RM01", false)
    );
}

/// A payment whose money arrives later: applied now, paid when the consumer
/// pays at the store (CVS) or the ATM (bank), announced by a second push.
async fn applied_then_paid(
    order_id: &str,
    types: &[PaymentType],
    form: &str,
    fill: &[(&str, &str)],
    phases: (NotificationKind, NotificationKind),
) {
    let (sandbox, merchant) = start().await;
    let mut request = order(&merchant, order_id, 3000, types);
    if types.contains(&PaymentType::Cvs) {
        request.cvs = vec![CvsParameters::new(CvsSubType::Sej)];
    }
    let key = pop_client(&sandbox).payment_key(&request).await.unwrap();

    let back = pay(&sandbox, &key.key, form, fill).await;
    assert_eq!(
        back.url.as_str(),
        merchant.url(&format!("/pop/return/success/{order_id}"))
    );
    let redirect = redirects(&merchant, order_id);
    assert_eq!((redirect[0].kind, redirect[0].success), (phases.0, true));
    let applied = pushes(&merchant, order_id, phases.0).await;
    assert_eq!(applied[0].result_code, "R000");

    // Not paid yet: the merchant must not ship on the applied push alone.
    let paid_yet = |s: &Seen| s.pop_pushes.iter().any(|p| p.kind == phases.1);
    assert!(!merchant.seen(paid_yet));
    let (status, released) = pop_release(&sandbox, order_id).await;
    assert_eq!(status, 200, "{released}");
    assert_eq!(released["result_type"], "paid");
    let paid = pushes(&merchant, order_id, phases.1).await;
    assert_eq!(
        (paid[0].result_code.as_str(), paid[0].success),
        ("R000", true)
    );

    // Paid once: nothing more to release.
    assert_eq!(pop_release(&sandbox, order_id).await.0, 409);
}

#[tokio::test]
async fn convenience_store_payment_is_applied_then_paid() {
    applied_then_paid(
        "pop-cvs-1",
        &[PaymentType::Cvs],
        "cvs",
        &[("telephone", "0901234567")],
        (NotificationKind::CvsApplied, NotificationKind::CvsPaid),
    )
    .await;
}

#[tokio::test]
async fn bank_payment_is_applied_then_paid() {
    applied_then_paid(
        "pop-bank-1",
        &[PaymentType::Bank],
        "bank",
        &[],
        (NotificationKind::BankApplied, NotificationKind::BankPaid),
    )
    .await;
}

#[tokio::test]
async fn invalid_request_is_refused_before_sending_naming_the_field() {
    let (sandbox, merchant) = start().await;
    let request = order(&merchant, "pop-invalid-1", 0, &[PaymentType::Card]);
    let Err(Error::InvalidRequest(errors)) = pop_client(&sandbox).payment_key(&request).await
    else {
        panic!("a zero amount was not refused before sending");
    };
    let violations = errors.into_vec();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].path, "gross_amount");
    // The code the POP server itself would answer.
    assert_eq!(violations[0].result_code, ResultCode::RC03);
    let sent = sandbox.inspect().transactions();
    assert!(sent.is_empty(), "the sandbox received {sent:?}");
}

#[tokio::test]
async fn an_order_id_is_used_once() {
    let (sandbox, merchant) = start().await;
    let client = pop_client(&sandbox);
    let request = order(&merchant, "pop-dup-1", 1000, &[PaymentType::Card]);
    let first = client.payment_key(&request).await.unwrap();
    match client.payment_key(&request).await {
        Err(Error::GatewayRefused {
            status,
            result_code,
            ..
        }) => assert_eq!((status, result_code), (400, ResultCode::RC20)),
        other => panic!("a second key for the order: {other:?}"),
    }
    // The first key still works.
    let screen = Browser::new()
        .open(&format!("{}/pop/v1/pay/{}", sandbox.base_url(), first.key))
        .await;
    assert_eq!(screen.status, 200);
    assert!(screen.html.contains("pop-dup-1"));
}

/// The environment decides `dummy`, and a test merchant's POP insists on it.
///
/// The guide (`pop-api-v1.8.1.en.txt`, "Going Live"): "To do test transaction, in
/// request, set the value of dummy to true. [...] it is not necessary to change the
/// endpoint"; its result codes: "RC44 “Dummy” should be “true” for test merchant".
/// The requests below never set `dummy`: the test client adds it, the live one
/// does not, and the sandbox (as a test merchant) answers each as POP would.
#[tokio::test]
async fn the_client_environment_decides_dummy() {
    let (sandbox, merchant) = start().await;
    let settings = format!("{}/_sandbox/pop/settings", sandbox.base_url());
    let answer = raw_http::put_json(settings, &serde_json::json!({"test_merchant": true})).await;
    assert_eq!(answer.status, 200);

    let request = order(&merchant, "pop-env-test", 1000, &[PaymentType::Card]);
    assert_eq!(request.dummy, None);
    pop_client(&sandbox).payment_key(&request).await.unwrap();

    let live = Environment::custom(sandbox.base_url(), Mode::Live);
    let key = sandbox.credentials().pop_server_key.clone();
    let live = veritrans::pop::client::Client::new(key, live).unwrap();
    let request = order(&merchant, "pop-env-live", 1000, &[PaymentType::Card]);
    match live.payment_key(&request).await {
        Err(Error::GatewayRefused { result_code, .. }) => assert_eq!(result_code, ResultCode::RC44),
        other => panic!("a live request to a test merchant: {other:?}"),
    }
}

/// The blocking client from a plain `fn` (no runtime of the caller's), the
/// sandbox and the merchant server on a runtime of their own.
#[test]
fn the_blocking_client_gets_a_payment_key_without_an_async_caller() {
    let servers = tokio::runtime::Runtime::new().unwrap();
    let (sandbox, merchant) = servers.block_on(start());
    let key = sandbox.credentials().pop_server_key.clone();
    let client = veritrans::pop::blocking::Client::new(key, pop_env(&sandbox)).unwrap();
    let request = order(&merchant, "pop-blocking-1", 1000, &[PaymentType::Card]);
    let key = client.payment_key(&request).unwrap();
    let page = servers.block_on(Browser::new().open(&format!(
        "{}/pop/v1/pay/{}",
        sandbox.base_url(),
        key.key
    )));
    assert_eq!(page.status, 200);
    assert!(page.html.contains("pop-blocking-1"));
}
