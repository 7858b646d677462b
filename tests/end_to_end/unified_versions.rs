//! The version a merchant pins is the version the sandbox emulates: the same
//! Unified API integration (an au checkout: `pay`, the consumer's approval on
//! the provider page, the signed redirect, the webhook, `capture`) against a
//! sandbox started for guide 1.1.1 RC and one started for 1.1.3, and where the
//! two answer differently.
//!
//! The merchant's code is written once, generic over the request types of the
//! guide it pins (`unified_proto::v1_1_1_rc::*` or the root's): the client
//! checks a request with the pinned guide's rules, the sandbox with the rules
//! of the guide it emulates.
#![allow(clippy::unwrap_used)]

use e2e::browser::Browser;
use e2e::gateways::unified_client;
use e2e::{at_least, start_unified};
use serde::de::DeserializeOwned;
use veritrans::unified::prelude::*;
use veritrans::unified::{Command, ResultCode, v1_1_1_rc};
use veritrans_sandbox::RunningSandbox;
use veritrans_sandbox::merchant::Merchant;

/// 12,000,000 yen: eight digits, its last digit 0 (au's Testing table: "0
/// UA-000-001 W001", a success).
const EIGHT_DIGITS: u64 = 12_000_000;
/// 1,200,000 yen: seven digits, last digit 0.
const SEVEN_DIGITS: u64 = 1_200_000;

/// The checkout's `pay` for au, typed as the pinned guide's `P`: the same body
/// whichever guide the merchant pins.
fn pay_as<P: DeserializeOwned>(merchant: &Merchant, payment_id: &str, amount: u64) -> P {
    let back = merchant.url(&format!("/unified/return/{payment_id}"));
    let request = PayRequest::new(
        PayOrder::new(PayType::Au, payment_id, amount)
            .with_auth_capture(AuthCaptureType::Auth)
            .with_description("e2e order"),
        PayControl::returning_to(back).with_push_url(merchant.url("/unified/webhook")),
    );
    serde_json::from_value(serde_json::to_value(request).unwrap()).unwrap()
}

/// `capture` of the whole order, typed as the pinned guide's `C`.
fn capture_as<C: DeserializeOwned>(payment_id: &str) -> C {
    let request = CaptureRequest::for_payment(payment_id);
    serde_json::from_value(serde_json::to_value(request).unwrap()).unwrap()
}

/// The au checkout, end to end, with the request types `P` (pay) and `C`
/// (capture) of the guide the merchant pins; `Err` is the gateway's refusal
/// of the `pay`.
async fn checkout<P, C>(
    sandbox: &RunningSandbox,
    merchant: &Merchant,
    payment_id: &str,
    amount: u64,
) -> Result<(), Box<Refusal>>
where
    P: Command + DeserializeOwned,
    C: Command + DeserializeOwned,
{
    let client = unified_client(sandbox, ResendPolicy::none());
    let answer = match client
        .send(&pay_as::<P>(merchant, payment_id, amount))
        .await
    {
        Ok(answer) => answer,
        Err(UnifiedError::GatewayRefused(refusal)) => return Err(refusal),
        Err(other) => panic!("pay failed: {other}"),
    };
    assert!(answer.is_success(), "{:?}", answer.result_code);
    let reference = answer.raw["transaction"]["fepReferenceId"]
        .as_str()
        .unwrap()
        .to_string();
    let provider_page = answer.raw["control"]["redirectUrl"].as_str().unwrap();

    let browser = Browser::new();
    let page = browser.open(provider_page).await;
    let back = browser.click_outcome(&page, "pay").await;
    assert_eq!(
        (back.status, back.html.as_str()),
        (200, "thank you (UA-000-001)")
    );
    let redirect = merchant.seen(|s| s.redirects.last().cloned()).unwrap();
    assert_eq!(redirect.payment_id, payment_id);
    assert_eq!(
        redirect.fep_reference_id.as_deref(),
        Some(reference.as_str())
    );
    let hooks = at_least(merchant, 1, payment_id, |s| {
        let hooks = s.webhooks.iter();
        let mine = hooks.filter(|w| w.payment_id.as_deref() == Some(payment_id));
        mine.cloned().collect()
    })
    .await;
    assert_eq!(hooks[0].result_code.as_deref(), Some("UA-000-001"));

    let au = SendOptions::default().pay_type(PayType::Au);
    let captured = client
        .send_with(&capture_as::<C>(payment_id), au)
        .await
        .unwrap();
    assert!(captured.is_success(), "{:?}", captured.result_code);
    assert_eq!(
        captured.raw["order"]["amount"].as_str(),
        Some(amount.to_string().as_str())
    );
    Ok(())
}

/// The limit on au's `order.amount` is where the two guides differ for this
/// checkout.
///
/// - unified-api-1.1.3.en.txt, Payment Request, `order.amount`: "au:Numerical
///   value 7 digits or less"; its Revision History, 1.1.2 RC item 2: "changed the
///   maximum number of digits in order.amount in the request item for au/docomo,
///   from "12" to "7" for au and "8" for docomo" (Payment Request, Cancel,
///   On-Demand payment, Payment Request Change).
/// - unified-api-1.1.1-rc.ja.txt predates that change: 1.1.1 RC's limit for au is
///   12 digits (`specs/unified/1.1.1-rc/openapi.yaml`, `x-payTypeLimits.au.maxDigits:
///   12`, written from the 1.1.3 revision history, since the Japanese text collapses
///   the request fields: see /work/shared/seeds/README.md).
/// - The guide does not say which result code a malformed field gets; the project
///   reads it as UA-REQ-001 "Invalid message" (400, failure, confirm_request), the
///   same in both guides' result-code tables.
#[tokio::test]
async fn the_same_au_checkout_on_guide_1_1_1_rc_and_1_1_3() {
    // A merchant pinned on 1.1.1 RC, against a sandbox emulating 1.1.1 RC: an
    // eight-digit au payment goes through the whole checkout.
    let (old, merchant) = start_unified("1.1.1-rc").await;
    checkout::<v1_1_1_rc::PayRequest, v1_1_1_rc::CaptureRequest>(
        &old,
        &merchant,
        "e2e-v-old-1",
        EIGHT_DIGITS,
    )
    .await
    .unwrap();

    // The same merchant (its client still checks with 1.1.1 RC's rules, so the
    // request is sent) against a sandbox emulating 1.1.3: refused by the gateway.
    let (new, merchant) = start_unified("1.1.3").await;
    let refusal = checkout::<v1_1_1_rc::PayRequest, v1_1_1_rc::CaptureRequest>(
        &new,
        &merchant,
        "e2e-v-new-1",
        EIGHT_DIGITS,
    )
    .await
    .unwrap_err();
    assert_eq!(refusal.http_status, 400);
    assert_eq!(refusal.result_code, Some(ResultCode::UaReq001));
    let message = refusal.message.unwrap_or_default();
    assert!(message.contains("order.amount"), "{message}");

    // A merchant upgraded to 1.1.3: its client refuses the eight digits before
    // sending, and seven digits go through on the 1.1.3 sandbox.
    let client = unified_client(&new, ResendPolicy::none());
    let Err(UnifiedError::InvalidRequest { violations, .. }) = client
        .pay(&pay_as::<PayRequest>(
            &merchant,
            "e2e-v-new-2",
            EIGHT_DIGITS,
        ))
        .await
    else {
        panic!("the 1.1.3 client sent an eight-digit au amount");
    };
    let said: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(said.join("; ").contains("order.amount"), "{said:?}");
    checkout::<PayRequest, CaptureRequest>(&new, &merchant, "e2e-v-new-3", SEVEN_DIGITS)
        .await
        .unwrap();
    // The 1.1.1 RC sandbox also takes seven digits: the limit only got tighter.
    let (old, merchant) = start_unified("1.1.1-rc").await;
    checkout::<v1_1_1_rc::PayRequest, v1_1_1_rc::CaptureRequest>(
        &old,
        &merchant,
        "e2e-v-old-2",
        SEVEN_DIGITS,
    )
    .await
    .unwrap();
}
