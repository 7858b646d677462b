//! A real browser on the consumer pages: headless Chromium, driven through
//! ChromeDriver, pays on the sandbox's POP page and picks an outcome on the
//! Unified API's provider page, while the merchant server (in this process)
//! verifies the signed redirects, pushes and webhooks that come back. The test
//! checks what the merchant received, and that the browser ended on the
//! merchant's page.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`; other paths through `$CHROMIUM` and `$CHROMEDRIVER`).
//! When they are missing:
//! - with `CI` set (`.ci/run` exports `CI=true` and installs both when missing),
//!   each test FAILS, saying what to install;
//! - otherwise each test prints `skipped: install chromium chromium-driver …` to
//!   stderr and returns (so `cargo test` on a machine without a browser passes
//!   and says why this test did nothing).
//!
//! Chromium reaches nothing but 127.0.0.1 (see `e2e::webdriver`); it and
//! ChromeDriver are killed when a test ends, also when it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::time::Duration;

use e2e::gateways::{pop_client, unified_client};
use e2e::webdriver::{Browser, INSTALL_HINT, Installation};
use veritrans::pop::ResultCode;
use veritrans::pop::testing::TEST_CARDS;
use veritrans::pop::types::PaymentKeyRequest;
use veritrans::unified::prelude::*;
use veritrans_sandbox::RunningSandbox;
use veritrans_sandbox::merchant::{Merchant, Seen};

/// How long the browser, or an asynchronous notification, may take: generous,
/// for a loaded two-core machine. Waits poll and end as soon as the condition holds.
const WAIT: Duration = Duration::from_secs(20);

/// The Unified API's success code (`resultCode`).
const UNIFIED_SUCCESS: &str = "UA-000-001";

/// The sandbox, the merchant server and headless Chromium; `None` (after saying
/// so) when Chromium is not installed outside CI. In CI a missing browser is a
/// failure.
async fn start(test: &str) -> Option<(RunningSandbox, Merchant, Browser)> {
    let installation = match Installation::locate() {
        Ok(installation) => installation,
        Err(missing) if std::env::var_os("CI").is_some() => {
            panic!(
                "{test}: CI is set, so the browser test must run, but {missing}. \
                 Install them: {INSTALL_HINT} (`.ci/run` does when they are missing)."
            )
        }
        Err(missing) => {
            // Straight to the process's stderr: libtest captures `eprintln!` of a
            // passing test, and this line must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "{test}: skipped: install chromium chromium-driver to run the browser test ({missing})"
            );
            return None;
        }
    };
    let (sandbox, merchant) = e2e::start().await;
    match Browser::start(&installation).await {
        Ok(browser) => Some((sandbox, merchant, browser)),
        Err(e) => panic!("{test}: headless Chromium did not start: {e}"),
    }
}

/// Waits (up to [`WAIT`]) for a verified notification that `find` picks out.
async fn arrival<T>(merchant: &Merchant, what: &str, find: impl Fn(&Seen) -> Option<T>) -> T {
    let arrived = merchant.wait_for(WAIT, |s| find(s).is_some()).await;
    let refused = merchant.seen(|s| s.rejected.clone());
    assert!(
        arrived,
        "no verified {what} within {WAIT:?}; refused: {refused:?}"
    );
    merchant.seen(find).expect("still there")
}

/// The merchant refused nothing: every notification it got verified.
fn nothing_refused(merchant: &Merchant) {
    let refused = merchant.seen(|s| s.rejected.clone());
    assert!(refused.is_empty(), "the merchant refused: {refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pop_card_payment_in_a_real_browser() {
    const ORDER: &str = "browser-pop-1";
    let Some((sandbox, merchant, browser)) = start("pop_card_payment_in_a_real_browser").await
    else {
        return;
    };

    // The merchant's server side: a payment key for 2500 yen, every payment type
    // offered, the consumer coming back to the merchant.
    let pop = pop_client(&sandbox);
    let mut request = PaymentKeyRequest::new(ORDER, veritrans::yen(2500));
    request.success_url = Some(merchant.url(&format!("/pop/return/success/{ORDER}")));
    request.failure_url = Some(merchant.url(&format!("/pop/return/error/{ORDER}")));
    request.incomplete_url = Some(merchant.url(&format!("/pop/return/incomplete/{ORDER}")));
    request.push_url = Some(merchant.url("/pop/push"));
    let key = pop.payment_key(&request).await.expect("payment key").key;

    // The consumer: the payment page, the card form filled in and submitted.
    browser
        .goto(&format!("{}/pop/v1/pay/{key}", sandbox.base_url()))
        .await
        .expect("POP page opens");
    let shown = browser.find("#order_id").await.expect("order shown");
    assert_eq!(browser.text(&shown).await.expect("order text"), ORDER);
    let card = TEST_CARDS[0];
    for (field, value) in [
        ("card_number", card.number),
        ("card_expire", "12/30"),
        ("security_code", "123"),
    ] {
        let input = format!("form#card input[name={field}]");
        let typed = browser.fill(&input, value).await;
        typed.unwrap_or_else(|e| panic!("typing into {field}: {e}"));
    }
    browser
        .click_on("form#card button[type=submit]")
        .await
        .expect("pay by card clicked");

    // The sandbox answers with an auto-submitting signed form: Chromium's own
    // JavaScript posts it to the merchant, which verifies it and thanks the consumer.
    let success_url = merchant.url(&format!("/pop/return/success/{ORDER}"));
    let (url, page) = browser
        .wait_until(
            "the browser back on the merchant's success page",
            WAIT,
            |url, page| url == success_url && page.contains("thank you"),
        )
        .await
        .expect("back at the merchant");
    assert_eq!(url, success_url);
    assert!(page.contains("thank you"), "merchant page: {page}");

    let redirect = merchant.seen(|s| {
        s.pop_redirects
            .iter()
            .find(|r| r.order_id == ORDER)
            .cloned()
    });
    let redirect = redirect.expect("the merchant verified the redirect");
    assert!(redirect.success, "redirect: {redirect:?}");
    assert_eq!(redirect.outcome, "success");
    assert_eq!(redirect.result_code, ResultCode::R000.as_str());

    let push = arrival(&merchant, "push", |s| {
        s.pop_pushes.iter().find(|p| p.order_id == ORDER).cloned()
    })
    .await;
    assert!(push.success, "push: {push:?}");
    assert_eq!(push.result_code, redirect.result_code);
    nothing_refused(&merchant);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unified_paypay_payment_in_a_real_browser() {
    const PAYMENT: &str = "browser-paypay-1";
    let Some((sandbox, merchant, browser)) =
        start("unified_paypay_payment_in_a_real_browser").await
    else {
        return;
    };

    // The merchant's server side: a PayPay payment of 1200 yen, the consumer
    // coming back to the merchant's page for this paymentId, the webhook to the
    // merchant's server.
    let back = merchant.url(&format!("/unified/return/{PAYMENT}"));
    let request = PayRequest::new(
        PayOrder::new(PayType::Paypay, PAYMENT, 1200)
            .with_auth_capture(AuthCaptureType::Auth)
            .with_description("browser test"),
        PayControl::returning_to(back.clone()).with_push_url(merchant.url("/unified/webhook")),
    );
    let paid = unified_client(&sandbox, ResendPolicy::none())
        .send_with(
            &request,
            SendOptions::default().idempotency_key("browser-pay-1"),
        )
        .await
        .expect("pay accepted");
    assert!(paid.is_success(), "pay answered {:?}", paid.result_code);
    let reference = paid
        .fep_reference_id()
        .expect("transaction.fepReferenceId")
        .to_string();
    let provider_page = paid.redirect_url().expect("control.redirectUrl");

    // The consumer: the provider page, "Pay" clicked; the sandbox sends the
    // browser back to the merchant with a signed query.
    browser
        .goto(provider_page)
        .await
        .expect("provider page opens");
    browser
        .click_on("a[data-outcome=\"pay\"]")
        .await
        .expect("the provider page's `pay` clicked");
    let expected_page = format!("thank you ({UNIFIED_SUCCESS})");
    let (url, _) = browser
        .wait_until(
            "the browser back on the merchant's page",
            WAIT,
            |url, page| url.starts_with(&format!("{back}?")) && page.contains(&expected_page),
        )
        .await
        .expect("back at the merchant");
    assert!(url.contains("vAuthInfo="), "signed redirect: {url}");

    let redirects = merchant.seen(|s| s.redirects.clone());
    assert_eq!(redirects.len(), 1, "redirects: {redirects:?}");
    let redirect = &redirects[0];
    assert_eq!(redirect.payment_id, PAYMENT);
    assert_eq!(redirect.result_code.as_deref(), Some(UNIFIED_SUCCESS));
    assert_eq!(
        redirect.fep_reference_id.as_deref(),
        Some(reference.as_str())
    );

    let hook = arrival(&merchant, "webhook", |s| {
        s.webhooks
            .iter()
            .find(|w| w.payment_id.as_deref() == Some(PAYMENT))
            .cloned()
    })
    .await;
    assert_eq!(hook.result_code.as_deref(), Some(UNIFIED_SUCCESS));
    assert!(!hook.duplicate, "the first delivery is not a duplicate");
    nothing_refused(&merchant);
}
