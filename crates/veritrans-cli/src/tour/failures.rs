//! What a merchant sees when something is wrong: a tampered notification
//! refused with its reason, a request refused before sending with the field
//! named, and a request whose answer was lost, resent with the same
//! idempotency key and applied once.

use veritrans::unified::TransactionCommand;
use veritrans::unified::prelude::*;
use veritrans::unified::wire::field;
use veritrans_sandbox::{FaultAction, FaultRule};

use super::unified::paypay_pay;
use super::{Ctx, Tour, check, done};

const GATEWAY: &str = veritrans::Gateway::Unified.as_str();
const RETRIED: &str = "tour-paypay-retry";
const RETRY_KEY: &str = "tour-retry-key-1";

pub async fn run(tour: &mut Tour, ctx: &Ctx) {
    tour.section("When something goes wrong");
    tampered_webhook(tour, ctx).await;
    validation_error(tour, ctx).await;
    lost_answer(tour, ctx).await;
}

async fn tampered_webhook(tour: &mut Tour, ctx: &Ctx) {
    tour.step(GATEWAY, "tampered webhook rejected", async {
        let (headers, body) = ctx
            .merchant
            .seen(|s| s.first_webhook.clone())
            .ok_or("no genuine webhook to tamper with (the PayPay steps did not get one)")?;
        let text = String::from_utf8_lossy(&body);
        check(text.contains("\"1000\""), || {
            "the webhook has no amount 1000".into()
        })?;
        // An attacker raises the amount and replays the genuine headers.
        let forged = text.replacen("\"1000\"", "\"9000\"", 1);
        let mut request = ctx
            .browser
            .post(ctx.merchant.url("/unified/webhook"))
            .body(forged);
        for (name, value) in &headers {
            if name != axum::http::header::CONTENT_LENGTH && name != axum::http::header::HOST {
                request = request.header(name, value);
            }
        }
        let answer = request.send().await.map_err(|e| e.to_string())?;
        let status = answer.status();
        let reason = answer.text().await.unwrap_or_default();
        check(status == 401, || {
            format!("the merchant answered {status}: {reason}")
        })?;
        check(reason.contains("signature"), || {
            format!("unclear reason: {reason}")
        })?;
        let processed = ctx
            .merchant
            .seen(|s| s.webhooks.iter().filter(|w| !w.duplicate).count());
        check(processed == 1, || format!("{processed} webhooks processed"))?;
        done((), format!("401, not processed: {reason}"))
    })
    .await;
}

async fn validation_error(tour: &mut Tour, ctx: &Ctx) {
    tour.step(GATEWAY, "invalid request caught before sending", async {
        let before = ctx.sandbox.inspect().transactions().len();
        let mut request = paypay_pay(ctx, "tour-au-too-much", 12_345_678, None);
        request.order.pay_type = PayType::Au;
        request.order.auth_capture_type = Some(AuthCaptureType::Auth);
        let refused = match ctx.unified.pay(&request).await {
            Ok(r) => return Err(format!("sent and answered {:?}", r.result_code)),
            Err(e @ UnifiedError::InvalidRequest { .. }) => e.to_string(),
            Err(e) => return Err(format!("expected a validation error, got: {e}")),
        };
        check(refused.contains("order.amount"), || {
            format!("field not named: {refused}")
        })?;
        let after = ctx.sandbox.inspect().transactions().len();
        check(before == after, || "the request reached the sandbox".into())?;
        done((), format!("nothing sent: {refused}"))
    })
    .await;
}

async fn lost_answer(tour: &mut Tour, ctx: &Ctx) {
    tour.step(GATEWAY, "lost answer resent with its idempotency key", async {
        let request = paypay_pay(ctx, RETRIED, 2000, None);
        let options = SendOptions::default().idempotency_key(RETRY_KEY);
        // The sandbox applies the next pay and then drops its answer; the client
        // resends it by itself with the same key and gets the stored answer.
        ctx.sandbox
            .inspect()
            .add_fault(FaultRule::new("/fep/pay", FaultAction::DropResponse).method("POST"))
            .map_err(|e| format!("fault: {e}"))?;
        let resent = ctx.unified.send_with(&request, options).await;
        let resent = resent.map_err(|e| e.to_string())?;
        check(resent.is_success(), || {
            format!("{} {:?}", field::RESULT_CODE, resent.result_code)
        })?;
        check(resent.idempotency_key == RETRY_KEY, || "another key was sent".into())?;
        let applied = ctx
            .sandbox
            .inspect()
            .transactions()
            .into_iter()
            .filter(|t| {
                t.kind == TransactionCommand::Pay.as_str() && t.summary[field::PAYMENT_ID] == RETRIED
            })
            .count();
        check(applied == 1, || format!("the sandbox's log holds {applied} payments"))?;
        done(
            (),
            format!("answer dropped; the client resent it with key {RETRY_KEY} and got the original answer: 1 payment in the sandbox's log"),
        )
    })
    .await;
}
