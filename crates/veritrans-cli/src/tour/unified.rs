//! The VeriTrans4G Unified API part of the tour: a PayPay payment from the
//! request to a partial refund, a Rakuten Pay subscription with an on-demand
//! charge, and a provider failure from the guide's Testing tables.

use std::time::Duration;

use veritrans::unified::prelude::*;
use veritrans::unified::testing::{self, PageRequest, RedirectTo};
use veritrans::unified::wire::field;
use veritrans::unified::{CONTENT_HMAC_HEADER, TransactionCommand, WEBHOOK_ID_HEADER};

use super::{Ctx, Tour, check, done};

const GATEWAY: &str = veritrans::Gateway::Unified.as_str();
/// The code of every successful answer, redirect and webhook in the tour.
const SUCCESS: ResultCode = ResultCode::Ua000001;
/// The command the capture step sends, named as the tour's step.
const CAPTURE: &TransactionCommand = &TransactionCommand::Capture;
const PAYMENT: &str = "tour-paypay-1";
const SUBSCRIPTION: &str = "tour-rakuten-sub-1";
const ON_DEMAND: &str = "tour-rakuten-charge-1";

pub async fn run(tour: &mut Tour, ctx: &Ctx) {
    tour.section("Unified API: PayPay payment");
    paypay(tour, ctx).await;
    tour.section("Unified API: Rakuten Pay subscription");
    rakuten(tour, ctx).await;
    tour.section("Unified API: a provider failure");
    provider_failure(tour, ctx).await;
}

/// The merchant's pages the consumer comes back to. The paymentId in the
/// path is the merchant's session: the redirect must carry that paymentId.
fn pay_control(ctx: &Ctx, payment_id: &str, push_url: Option<String>) -> PayControl {
    let back = ctx.merchant.url(&format!("/unified/return/{payment_id}"));
    let control = PayControl::returning_to(back);
    match push_url {
        Some(url) => control.with_push_url(url),
        None => control,
    }
}

pub fn paypay_pay(
    ctx: &Ctx,
    payment_id: &str,
    amount: u64,
    push_url: Option<String>,
) -> PayRequest {
    let order = PayOrder::new(PayType::Paypay, payment_id, amount)
        .with_auth_capture(AuthCaptureType::Auth)
        .with_description("veritrans tour");
    PayRequest::new(order, pay_control(ctx, payment_id, push_url))
}

/// The id of the choice on `pay_type`'s provider page for `request` that
/// succeeds, from the guide's Testing tables (`unified_proto::testing`).
pub fn success_choice(pay_type: PayType, request: PageRequest) -> Result<&'static str, String> {
    testing::page_choices(pay_type, request)
        .find(|c| c.redirect == RedirectTo::Success && !c.sandbox_only)
        .map(|c| c.id)
        .ok_or_else(|| format!("no success choice on the {pay_type} {request:?} page"))
}

/// The consumer's browser: opens the provider page, clicks `outcome`, and
/// follows the 303 back to the merchant. Returns the redirect's URL.
pub async fn consumer_chooses(
    ctx: &Ctx,
    redirect_url: &str,
    outcome: &str,
) -> Result<String, String> {
    let page = ctx
        .browser
        .get(redirect_url)
        .send()
        .await
        .map_err(|e| format!("provider page: {e}"))?;
    check(page.status() == 200, || {
        format!("provider page answered {}", page.status())
    })?;
    let html = page
        .text()
        .await
        .map_err(|e| format!("provider page: {e}"))?;
    check(
        html.contains(&format!("data-outcome=\"{outcome}\"")),
        || format!("the provider page offers no `{outcome}`"),
    )?;
    let chosen = ctx
        .browser
        .get(format!("{redirect_url}/{outcome}"))
        .send()
        .await
        .map_err(|e| format!("choosing {outcome}: {e}"))?;
    check(chosen.status() == 303, || {
        format!(
            "choosing {outcome} answered {}, expected 303",
            chosen.status()
        )
    })?;
    let location = chosen
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("the 303 has no Location")?
        .to_string();
    let back = ctx
        .browser
        .get(&location)
        .send()
        .await
        .map_err(|e| format!("back at the merchant: {e}"))?;
    let status = back.status();
    let text = back.text().await.unwrap_or_default();
    check(status == 200, || {
        format!("the merchant refused the redirect ({status}): {text}")
    })?;
    Ok(location)
}

async fn paypay(tour: &mut Tour, ctx: &Ctx) {
    let push_url = ctx.merchant.url("/unified/webhook");
    let Some((reference, redirect_url)) = tour
        .step(GATEWAY, "PayPay pay 1000 yen", async {
            let request = paypay_pay(ctx, PAYMENT, 1000, Some(push_url));
            let options = SendOptions::default().idempotency_key("tour-pay-1");
            let paid = ctx
                .unified
                .send_with(&request, options)
                .await
                .map_err(|e| e.to_string())?;
            check(paid.is_success(), || {
                format!("pay answered {:?}", paid.result_code)
            })?;
            let reference = paid
                .fep_reference_id()
                .ok_or("no transaction.fepReferenceId")?;
            let redirect_url = paid.redirect_url().ok_or("no control.redirectUrl")?;
            let detail = format!(
                "{}, {} {reference}",
                SUCCESS.as_str(),
                field::FEP_REFERENCE_ID
            );
            done((reference.to_string(), redirect_url.to_string()), detail)
        })
        .await
    else {
        return;
    };

    let paid_redirect = tour
        .step(GATEWAY, "consumer pays on the provider page", async {
            let choice = success_choice(PayType::Paypay, PageRequest::Pay)?;
            let location = consumer_chooses(ctx, &redirect_url, choice).await?;
            let seen = ctx.merchant.seen(|s| s.redirects.last().cloned());
            let seen = seen.ok_or("the merchant recorded no redirect")?;
            check(seen.payment_id == PAYMENT, || {
                format!("redirect for {}", seen.payment_id)
            })?;
            check(
                seen.result_code.as_deref() == Some(SUCCESS.as_str()),
                || format!("redirect {} {:?}", field::RESULT_CODE, seen.result_code),
            )?;
            check(
                seen.fep_reference_id.as_deref() == Some(reference.as_str()),
                || format!("redirect fepReferenceId {:?}", seen.fep_reference_id),
            )?;
            done(
                location,
                "303 to the merchant; Redirect::verify checked vAuthInfo and paymentId",
            )
        })
        .await;
    if paid_redirect.is_none() {
        return;
    }

    let webhook_id = tour
        .step(GATEWAY, "webhook verified by the merchant", async {
            let arrived = ctx
                .merchant
                .wait_for(Duration::from_secs(5), |s| {
                    s.webhooks
                        .iter()
                        .any(|w| w.payment_id.as_deref() == Some(PAYMENT))
                })
                .await;
            check(arrived, || "no verified webhook within 5 s".into())?;
            let hook = ctx
                .merchant
                .seen(|s| {
                    s.webhooks
                        .iter()
                        .find(|w| w.payment_id.as_deref() == Some(PAYMENT))
                        .cloned()
                })
                .ok_or("webhook vanished")?;
            check(
                hook.result_code.as_deref() == Some(SUCCESS.as_str()),
                || format!("webhook {} {:?}", field::RESULT_CODE, hook.result_code),
            )?;
            check(!hook.duplicate, || {
                "the first delivery was taken for a duplicate".into()
            })?;
            let detail = format!(
                "{} valid, {} {}, {}",
                CONTENT_HMAC_HEADER,
                WEBHOOK_ID_HEADER,
                hook.id,
                SUCCESS.as_str()
            );
            done(hook.id, detail)
        })
        .await;

    if let Some(webhook_id) = webhook_id {
        tour.step(GATEWAY, "duplicate webhook recognised and skipped", async {
            let hook_url = ctx.merchant.url("/unified/webhook");
            let inspect = ctx.sandbox.inspect();
            let delivery = inspect
                .deliveries()
                .into_iter()
                .find(|d| d.url == hook_url)
                .ok_or("the sandbox made no delivery to the merchant")?;
            inspect
                .wait_delivery_settled(&delivery.id, Duration::from_secs(5))
                .await
                .ok_or("the first delivery did not settle")?;
            inspect
                .redeliver(&delivery.id)
                .map_err(|e| format!("redeliver: {e}"))?;
            let skipped = ctx
                .merchant
                .wait_for(Duration::from_secs(5), |s| {
                    s.webhooks.iter().any(|w| w.id == webhook_id && w.duplicate)
                })
                .await;
            check(skipped, || {
                "the redelivered webhook was not recognised".into()
            })?;
            let (deliveries, processed) = ctx.merchant.seen(|s| {
                let same: Vec<_> = s.webhooks.iter().filter(|w| w.id == webhook_id).collect();
                (same.len(), same.iter().filter(|w| !w.duplicate).count())
            });
            check(processed == 1, || format!("processed {processed} times"))?;
            done(
                (),
                format!(
                    "{deliveries} deliveries of {webhook_id}, processed once, each answered 200"
                ),
            )
        })
        .await;
    }

    let Some(()) = tour
        .step(GATEWAY, "getTransactionResult", async {
            let query = GetTransactionResultRequest::for_reference(reference.clone());
            let result = ctx.unified.get_transaction_result(&query).await;
            let result = result.map_err(|e| e.to_string())?;
            check(result.is_success(), || {
                format!("{} {:?}", field::RESULT_CODE, result.result_code)
            })?;
            let amount = result.amount();
            check(amount == Some(yen(1000)), || {
                format!("{} {amount:?}", field::AMOUNT)
            })?;
            done((), format!("{}, authorised 1000 yen", SUCCESS.as_str()))
        })
        .await
    else {
        return;
    };

    let Some(()) = tour
        .step(GATEWAY, CAPTURE.as_str(), async {
            let capture = CaptureRequest::for_payment(PAYMENT);
            let captured = ctx.unified.capture(&capture).await;
            let captured = captured.map_err(|e| e.to_string())?;
            check(captured.is_success(), || {
                format!("{} {:?}", field::RESULT_CODE, captured.result_code)
            })?;
            let amount = captured.amount();
            check(amount == Some(yen(1000)), || format!("captured {amount:?}"))?;
            done((), "captured 1000 yen")
        })
        .await
    else {
        return;
    };

    tour.step(GATEWAY, "partial refund 300 yen", async {
        let refund = CancelRequest::for_payment(PAYMENT).with_amount(yen(300));
        let paypay = SendOptions::default().pay_type(PayType::Paypay);
        let refunded = ctx.unified.send_with(&refund, paypay).await;
        let refunded = refunded.map_err(|e| e.to_string())?;
        check(refunded.is_success(), || {
            format!("{} {:?}", field::RESULT_CODE, refunded.result_code)
        })?;
        // order.amount is the amount processed ("amount set at the time of request,
        // balance amount when not set", the guide's Webhook section), not what is left.
        let refunded_amount = refunded.amount();
        check(refunded_amount == Some(yen(300)), || {
            format!("order.amount {refunded_amount:?}, expected the 300 refunded")
        })?;
        done(
            (),
            "cancel with amount 300: 300 yen refunded, 700 yen still captured",
        )
    })
    .await;
}

async fn rakuten(tour: &mut Tour, ctx: &Ctx) {
    let Some(redirect_url) = tour
        .step(GATEWAY, "Rakuten Pay subscribe", async {
            let back = ctx.merchant.url(&format!("/unified/return/{SUBSCRIPTION}"));
            let order = SubscribeOrder::new(PayType::Rakuten, SUBSCRIPTION);
            let request = SubscribeRequest::new(
                order.with_order_name("monthly plan"),
                SubscribeControl::returning_to(back),
            )
            .with_item(SubscribeItem {
                id: Some("plan1".into()),
                name: Some("plan".into()),
                category_id: None,
            });
            let answer = ctx.unified.subscribe(&request).await;
            let answer = answer.map_err(|e| e.to_string())?;
            check(answer.is_success(), || {
                format!("{} {:?}", field::RESULT_CODE, answer.result_code)
            })?;
            let url = answer.redirect_url().ok_or("no control.redirectUrl")?;
            done(
                url.to_string(),
                format!(
                    "{}, consumer sent to agree on the provider page",
                    SUCCESS.as_str()
                ),
            )
        })
        .await
    else {
        return;
    };

    let Some(()) = tour
        .step(GATEWAY, "consumer agrees to the subscription", async {
            let choice = success_choice(PayType::Rakuten, PageRequest::Subscribe)?;
            consumer_chooses(ctx, &redirect_url, choice).await?;
            let seen = ctx
                .merchant
                .seen(|s| {
                    s.redirects
                        .iter()
                        .find(|r| r.payment_id == SUBSCRIPTION)
                        .cloned()
                })
                .ok_or("the merchant recorded no redirect")?;
            check(
                seen.result_code.as_deref() == Some(SUCCESS.as_str()),
                || format!("redirect {} {:?}", field::RESULT_CODE, seen.result_code),
            )?;
            done((), format!("redirect verified: {}", SUCCESS.as_str()))
        })
        .await
    else {
        return;
    };

    tour.step(GATEWAY, "on-demand charge 500 yen", async {
        let charge = ChargeRequest::on_subscription(SUBSCRIPTION, ON_DEMAND, yen(500));
        let charged = ctx.unified.charge(&charge).await;
        let charged = charged.map_err(|e| e.to_string())?;
        check(charged.is_success(), || {
            format!("{} {:?}", field::RESULT_CODE, charged.result_code)
        })?;
        let v = charged.body.result.and_then(|r| r.v_result_code);
        let original = charged.body.order.and_then(|o| o.original_payment_id);
        check(original.as_deref() == Some(SUBSCRIPTION), || {
            format!("{} {original:?}", field::ORIGINAL_PAYMENT_ID)
        })?;
        done(
            (),
            format!(
                "{} ({} {}) on {SUBSCRIPTION}",
                SUCCESS.as_str(),
                field::V_RESULT_CODE,
                v.unwrap_or_default()
            ),
        )
    })
    .await;
}

async fn provider_failure(tour: &mut Tour, ctx: &Ctx) {
    tour.step(GATEWAY, "simulated provider failure (amount 1008)", async {
        // The guide's PayPay Testing table: an amount ending in 8 makes the
        // provider fail the payment.
        let request = paypay_pay(ctx, "tour-paypay-fail", 1008, None);
        let refused = match ctx.unified.pay(&request).await {
            Ok(r) => return Err(format!("expected a refusal, got {:?}", r.result_code)),
            Err(UnifiedError::GatewayRefused(r)) => r,
            Err(e) => return Err(e.to_string()),
        };
        let provider_failed = ResultCode::UaPrv001;
        check(
            refused.result_code.as_ref() == Some(&provider_failed),
            || refused.to_string(),
        )?;
        // The answer arrived and is stored under its key: resending that key would
        // only replay it, so the client hands it over with its advice.
        check(refused.attempts == 1, || {
            format!("resent {} times", refused.attempts)
        })?;
        check(refused.next_step() == NextStep::NewKeyAfterCheck, || {
            format!("next step {:?}", refused.next_step())
        })?;
        let v = refused
            .body
            .as_ref()
            .and_then(|b| b.get(field::RESULT))
            .and_then(|r| r.get(field::V_RESULT_CODE))
            .and_then(|v| v.as_str())
            .unwrap_or("-")
            .to_string();
        let action = refused
            .action_code
            .as_ref()
            .map_or_else(|| "-".to_string(), ToString::to_string);
        done(
            (),
            format!(
                "HTTP {}, {}, {} {v}, {} {action}; not resent: a new attempt needs a new key",
                refused.http_status,
                provider_failed.as_str(),
                field::V_RESULT_CODE,
                field::ACTION_CODE,
            ),
        )
    })
    .await;
}
