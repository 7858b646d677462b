//! The VeriTrans4G POP part of the tour: a payment key with `pop-proto`'s
//! client, a card payment on the sandbox's stand-in for the POP screen, the
//! signed redirect and push verified by the merchant server.

use std::time::Duration;

use veritrans::pop::PaymentType;
use veritrans::pop::types::PaymentKeyRequest;
use veritrans::pop::wire::field;

use super::{Ctx, Tour, check, done};

const GATEWAY: &str = veritrans::Gateway::Pop.as_str();
const ORDER: &str = "tour-pop-1";

pub async fn run(tour: &mut Tour, ctx: &Ctx) {
    tour.section("POP: card payment");
    let Some(payment_key) = tour
        .step(GATEWAY, "POP payment key", async {
            let mut request = PaymentKeyRequest::new(ORDER, veritrans::yen(1500));
            request.success_url = Some(ctx.merchant.url(&format!("/pop/return/success/{ORDER}")));
            request.failure_url = Some(ctx.merchant.url(&format!("/pop/return/failure/{ORDER}")));
            request.incomplete_url =
                Some(ctx.merchant.url(&format!("/pop/return/incomplete/{ORDER}")));
            request.push_url = Some(ctx.merchant.url("/pop/push"));
            request.enabled_payment_types = vec![PaymentType::Card];
            let key = ctx
                .pop
                .payment_key(&request)
                .await
                .map_err(|e| e.to_string())?;
            done(key.key, "payment key issued for 1500 yen (card)")
        })
        .await
    else {
        return;
    };

    let Some(()) = tour
        .step(GATEWAY, "card payment on the POP page", async {
            let page = format!("{}/pop/v1/pay/{payment_key}", ctx.sandbox.base_url());
            let shown = ctx
                .browser
                .get(&page)
                .send()
                .await
                .map_err(|e| format!("POP page: {e}"))?;
            check(shown.status() == 200, || {
                format!("POP page answered {}", shown.status())
            })?;
            let form = [
                (field::PAYMENT_TYPE, PaymentType::Card.as_str()),
                ("card_number", "4111111111111111"),
                ("card_expire", "12/30"),
                ("security_code", "123"),
            ];
            let paid = ctx
                .browser
                .post(&page)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(form).map_err(|e| e.to_string())?)
                .send()
                .await
                .map_err(|e| format!("POP page: {e}"))?;
            check(paid.status() == 200, || {
                format!("paying answered {}", paid.status())
            })?;
            let html = paid.text().await.map_err(|e| format!("POP page: {e}"))?;
            let (action, fields) = redirect_form(&html)?;
            let back = ctx
                .browser
                .post(&action)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(&fields).map_err(|e| e.to_string())?)
                .send()
                .await
                .map_err(|e| format!("back at the merchant: {e}"))?;
            check(back.status() == 200, || {
                format!("the merchant refused the redirect ({})", back.status())
            })?;
            let seen = ctx
                .merchant
                .seen(|s| {
                    s.pop_redirects
                        .iter()
                        .find(|r| r.order_id == ORDER)
                        .cloned()
                })
                .ok_or("the merchant recorded no redirect")?;
            check(seen.success, || "the redirect reports no success".into())?;
            done(
                (),
                "test card 411111******1111 paid; the redirect's signature verified",
            )
        })
        .await
    else {
        return;
    };

    tour.step(GATEWAY, "POP push verified by the merchant", async {
        let arrived = ctx
            .merchant
            .wait_for(Duration::from_secs(5), |s| {
                s.pop_pushes.iter().any(|p| p.order_id == ORDER)
            })
            .await;
        check(arrived, || "no verified push within 5 s".into())?;
        let push = ctx
            .merchant
            .seen(|s| s.pop_pushes.iter().find(|p| p.order_id == ORDER).cloned())
            .ok_or("push vanished")?;
        check(push.success, || "the push reports no success".into())?;
        done((), format!("signature valid, {ORDER} paid"))
    })
    .await;
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The auto-submitting redirect form: its action and fields, as a browser sends them.
fn redirect_form(html: &str) -> Result<(String, Vec<(String, String)>), String> {
    let start = html
        .find("<form id=\"redirect\"")
        .ok_or("the answer has no redirect form")?;
    let form = &html[start..];
    let value = |text: &str, name: &str| -> Result<String, String> {
        let after = text
            .split(&format!("{name}=\""))
            .nth(1)
            .ok_or_else(|| format!("redirect form without {name}"))?;
        let end = after.find('"').ok_or("unterminated attribute")?;
        Ok(unescape(&after[..end]))
    };
    let action = value(form, "action")?;
    let end = form.find("</form>").unwrap_or(form.len());
    let mut fields = Vec::new();
    for input in form[..end].split("<input ").skip(1) {
        fields.push((value(input, "name")?, value(input, "value")?));
    }
    Ok((action, fields))
}
