//! The VeriTrans 3-D Secure (MPI) part of the tour: a transaction with a test
//! card, the cardholder's authentication page, the browser's return, the
//! signed push, the search, and `mpi-proto`'s ship / don't-ship decision.
//!
//! The guide documents only what comes back to the merchant (the return
//! form, the push, the search response); starting a transaction and the
//! search request are the sandbox's own conventions (its README), so those
//! two requests are plain JSON here. Everything received is read with
//! `mpi-proto`.

use std::time::Duration;

use serde_json::{Value, json};
use veritrans::mpi::wire::field;
use veritrans::mpi::{
    Action, Decision, MStatus, PUSH_SIGNATURE_HEADER, SearchResponse, ServiceOptionType,
};

use super::{Ctx, Tour, check, done};

const GATEWAY: &str = veritrans::Gateway::Mpi.as_str();
const ORDER: &str = "tour-3ds-1";
const DECLINED_ORDER: &str = "tour-3ds-2";
/// The guide's scenario row 2: the password matches, the card is paid.
const CARD: &str = "4111111111111111";
/// Scenario row 1: authentication fails (GE11).
const FAILING_CARD: &str = "5555444455554442";

pub async fn run(tour: &mut Tour, ctx: &Ctx) {
    tour.section("3-D Secure (MPI)");
    let Some((request_id, page)) = tour
        .step(GATEWAY, "start 3-D Secure with a test card", async {
            let started = start(ctx, ORDER, CARD).await?;
            let mstatus = started.get(field::MSTATUS).and_then(Value::as_str);
            check(mstatus == Some(MStatus::Success.as_str()), || {
                format!("answer {started}")
            })?;
            let request_id = text(&started, "request_id")?;
            let page = text(&started, "redirect_url")?;
            let code = text(&started, field::VRESULT_CODE)?;
            let detail = format!(
                "{}, card 411111******1111: {code}, {} {request_id}",
                ServiceOptionType::MpiCompany.as_str(),
                field::REQUEST_ID
            );
            done((request_id, page), detail)
        })
        .await
    else {
        return;
    };

    let Some(()) = tour
        .step(GATEWAY, "cardholder completes the ACS step", async {
            complete(ctx, &page).await?;
            let back = ctx
                .merchant
                .seen(|s| s.mpi_returns.iter().find(|r| r.order_id == ORDER).cloned())
                .ok_or("the merchant got no return")?;
            check(back.request_id == request_id, || {
                format!("returned {} {}", field::REQUEST_ID, back.request_id)
            })?;
            done(
                (),
                format!(
                    "browser returned {} and {} to the merchant",
                    field::REQUEST_ID,
                    field::OrderId
                ),
            )
        })
        .await
    else {
        return;
    };

    tour.step(GATEWAY, "push verified by the merchant", async {
        let arrived = ctx
            .merchant
            .wait_for(Duration::from_secs(5), |s| {
                s.pushes
                    .iter()
                    .any(|p| p.order_id.as_deref() == Some(ORDER))
            })
            .await;
        check(arrived, || "no verified push within 5 s".into())?;
        let push = ctx
            .merchant
            .seen(|s| {
                s.pushes
                    .iter()
                    .find(|p| p.order_id.as_deref() == Some(ORDER))
                    .cloned()
            })
            .ok_or("push vanished")?;
        check(!push.duplicate, || {
            "the first push was taken for a duplicate".into()
        })?;
        done(
            (),
            format!(
                "{} valid, {} {}, {} {}",
                PUSH_SIGNATURE_HEADER,
                field::PUSH_ID,
                push.push_id,
                field::VRESULT_CODE,
                push.vresult_code.unwrap_or_default()
            ),
        )
    })
    .await;

    tour.step(GATEWAY, "search and decide: ship", async {
        let decision = search_and_decide(ctx, &request_id, ORDER).await?;
        check(decision.action == Action::Ship, || {
            format!(
                "decision {:?} for {}",
                decision.action, decision.vresult_code
            )
        })?;
        done(
            (),
            format!("{}: {:?}, ship", decision.vresult_code, decision.outcome),
        )
    })
    .await;

    tour.step(GATEWAY, "failed authentication: don't ship", async {
        let started = start(ctx, DECLINED_ORDER, FAILING_CARD).await?;
        let request_id = text(&started, "request_id")?;
        complete(ctx, &text(&started, "redirect_url")?).await?;
        let decision = search_and_decide(ctx, &request_id, DECLINED_ORDER).await?;
        check(decision.action == Action::DoNotShip, || {
            format!(
                "decision {:?} for {}",
                decision.action, decision.vresult_code
            )
        })?;
        done(
            (),
            format!(
                "card 555544******4442: {}: {:?}, do not ship",
                decision.vresult_code, decision.outcome
            ),
        )
    })
    .await;
}

fn text(answer: &Value, field: &str) -> Result<String, String> {
    answer
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("answer without {field}: {answer}"))
}

/// The sandbox-only start request (see the module docs).
async fn start(ctx: &Ctx, order_id: &str, card: &str) -> Result<Value, String> {
    let answer = ctx
        .browser
        .post(format!("{}/mpi/mpi_charges", ctx.sandbox.base_url()))
        .json(&json!({
            (field::order_id): order_id,
            (field::AMOUNT): 1200,
            "card_number": card,
            "service_option_type": ServiceOptionType::MpiCompany.as_str(),
            "redirection_uri": ctx.merchant.url("/mpi/return"),
            "push_uri": ctx.merchant.url("/mpi/push"),
        }))
        .send()
        .await
        .map_err(|e| format!("mpi_charges: {e}"))?;
    let status = answer.status();
    let body: Value = answer
        .json()
        .await
        .map_err(|e| format!("mpi_charges: {e}"))?;
    check(status == 200, || {
        format!("mpi_charges answered {status}: {body}")
    })?;
    Ok(body)
}

/// The cardholder's browser: opens the authentication page, submits it, and
/// posts the auto-submitting return form to the merchant, as a browser would.
async fn complete(ctx: &Ctx, page: &str) -> Result<(), String> {
    let shown = ctx
        .browser
        .get(page)
        .send()
        .await
        .map_err(|e| format!("ACS page: {e}"))?;
    check(shown.status() == 200, || {
        format!("ACS page answered {}", shown.status())
    })?;
    let submitted = ctx
        .browser
        .post(page)
        .send()
        .await
        .map_err(|e| format!("ACS submit: {e}"))?;
    check(submitted.status() == 200, || {
        format!("ACS submit answered {}", submitted.status())
    })?;
    let html = submitted
        .text()
        .await
        .map_err(|e| format!("ACS submit: {e}"))?;
    let action = attribute(&html, "action=\"")?;
    let fields = [field::REQUEST_ID, field::OrderId]
        .into_iter()
        .map(|name| {
            Ok((
                name,
                attribute(&html, &format!("name=\"{name}\" value=\""))?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let body = serde_urlencoded::to_string(fields).map_err(|e| e.to_string())?;
    let back = ctx
        .browser
        .post(action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("return to the merchant: {e}"))?;
    check(back.status() == 200, || {
        format!("the merchant refused the return ({})", back.status())
    })
}

/// An HTML attribute value after `marker`, unescaped.
fn attribute(html: &str, marker: &str) -> Result<String, String> {
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .ok_or_else(|| format!("the return page has no {marker}"))?;
    let len = html[start..]
        .find('"')
        .ok_or_else(|| format!("unterminated {marker}"))?;
    Ok(html[start..start + len]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&"))
}

async fn search_and_decide(
    ctx: &Ctx,
    request_id: &str,
    order_id: &str,
) -> Result<Decision, String> {
    let answer = ctx
        .browser
        .post(format!("{}/mpi/search", ctx.sandbox.base_url()))
        .json(&json!({ "request_id": request_id }))
        .send()
        .await
        .map_err(|e| format!("search: {e}"))?;
    check(answer.status() == 200, || {
        format!("search answered {}", answer.status())
    })?;
    let bytes = answer.bytes().await.map_err(|e| format!("search: {e}"))?;
    let search = SearchResponse::from_json(&bytes).map_err(|e| e.to_string())?;
    search.ensure_order(order_id).map_err(|e| e.to_string())?;
    Decision::from_search(&ServiceOptionType::MpiCompany, &search).map_err(|e| e.to_string())
}
