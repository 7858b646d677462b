//! One whole payment per gateway, as a careful merchant runs it when any
//! request may be lost:
//!
//! - **Unified API**: every command carries an idempotency key; an answer that
//!   did not arrive (a transport error, or a 5xx/429 without the gateway's
//!   body) is asked for again with the *same* key — the key the error carries
//!   (`Error::Transport { idempotency_key, .. }`) — so the gateway answers the
//!   first result instead of applying it twice.
//! - **POP** and **MPI**: a request is only sent again where the gateway
//!   itself refuses a second one for the same order (POP `RC20`, MPI's
//!   order ID conflict); such a refusal says the first was applied and its
//!   answer (the key) is lost, so the merchant abandons that order ID and
//!   starts over with a new one (no money has moved).
//! - **J-Payment**: never resent blindly. An uncertain charge is reconciled
//!   first: wait until no delayed request can still land, then look in the
//!   merchant console's payment list; only a charge that is not there is
//!   sent again. An uncertain registration is abandoned (no money moved).
//! - The consumer's browser reloads a page whose answer did not come; the
//!   gateways apply a page submission once per order.

use std::time::Duration;

use serde_json::{Value, json};
use veritrans_sandbox::Gateway;
use veritrans_sandbox::merchant::Seen;

use super::world::{Attempt, Outcome, World};

/// Tries per request before the merchant gives up (and reports a lost payment).
const MAX_TRIES: u32 = 40;

fn backoff(try_number: u32) -> Duration {
    Duration::from_millis(20 * u64::from(try_number.min(10)))
}

/// An answer to a plain HTTP request, or why it did not come.
enum Http {
    Answer(u16, bytes::Bytes),
    Transient(Option<u64>),
}

async fn http_once(request: reqwest::RequestBuilder) -> Http {
    let Ok(answer) = request.send().await else {
        return Http::Transient(None);
    };
    let status = answer.status().as_u16();
    let retry_after = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if status >= 500 || status == 429 {
        return Http::Transient(retry_after);
    }
    match answer.bytes().await {
        Ok(body) => Http::Answer(status, body),
        Err(_) => Http::Transient(None),
    }
}

/// Sends until an answer other than a transient failure arrives; every send
/// after the first is noted as a resend of `kind` for `id`. Honours
/// `Retry-After`.
async fn http_until(
    world: &World,
    (gateway, kind, id): (Gateway, &'static str, &str),
    make: impl Fn() -> reqwest::RequestBuilder,
) -> Result<(u16, bytes::Bytes, u32), String> {
    for n in 0..MAX_TRIES {
        if n > 0 {
            world.resend(gateway, kind, id);
        }
        match http_once(make()).await {
            Http::Answer(status, body) => return Ok((status, body, n)),
            Http::Transient(Some(seconds)) => {
                tokio::time::sleep(Duration::from_secs(seconds.min(2))).await;
            }
            Http::Transient(None) => tokio::time::sleep(backoff(n)).await,
        }
    }
    Err(format!(
        "{kind} for {id}: no answer after {MAX_TRIES} tries"
    ))
}

async fn wait_seen(world: &World, m: usize, ready: impl Fn(&Seen) -> bool) -> bool {
    world.merchants[m]
        .wait_for(world.notification_timeout, ready)
        .await
}

fn conclude(world: &World, gateway: Gateway, id: &str, m: usize, outcome: Result<Outcome, String>) {
    world.conclude(Attempt {
        gateway,
        id: id.to_owned(),
        merchant: m,
        notice: id.to_owned(),
        outcome,
    });
}

fn abandon(world: &World, gateway: Gateway, id: &str, m: usize, why: &str) {
    world
        .abandoned
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    conclude(world, gateway, id, m, Ok(Outcome::Failed(why.to_owned())));
}

// ---------------------------------------------------------------- POP

/// POP: payment key → the consumer pays on the POP page → the signed push.
pub async fn pop(world: &World, m: usize, n: u64) {
    let declined = n % 8 == 7;
    let amount = pop_proto::yen(1000 + 10 * (n % 50));
    for round in 0..3 {
        let order_id = format!("m{m}-pop-{n}-{round}");
        match pop_key(world, m, &order_id, amount).await {
            Ok(Some(key)) => {
                let outcome = pop_pay(world, m, &order_id, &key, declined).await;
                conclude(world, Gateway::Pop, &order_id, m, outcome);
                return;
            }
            Ok(None) => abandon(
                world,
                Gateway::Pop,
                &order_id,
                m,
                "payment key issued but its answer was lost (RC20 on resend); order abandoned",
            ),
            Err(e) => {
                conclude(world, Gateway::Pop, &order_id, m, Err(e));
                return;
            }
        }
    }
}

/// The key, `None` when the gateway says one was issued but it never arrived.
async fn pop_key(
    world: &World,
    m: usize,
    order_id: &str,
    amount: pop_proto::Yen,
) -> Result<Option<String>, String> {
    use pop_proto::types::PaymentKeyRequest;
    use pop_proto::{Error, PaymentType, ResultCode};
    let merchant = &world.merchants[m];
    let mut request = PaymentKeyRequest::new(order_id, amount);
    request.success_url = Some(merchant.url(&format!("/pop/return/success/{order_id}")));
    request.failure_url = Some(merchant.url(&format!("/pop/return/failure/{order_id}")));
    request.incomplete_url = Some(merchant.url(&format!("/pop/return/incomplete/{order_id}")));
    request.push_url = Some(world.notify_url(m, "/pop/push"));
    request.enabled_payment_types = vec![PaymentType::Card];
    for n in 0..MAX_TRIES {
        if n > 0 {
            world.resend(Gateway::Pop, "payment_key", order_id);
            tokio::time::sleep(backoff(n)).await;
        }
        match world.pop.payment_key(&request).await {
            Ok(key) => return Ok(Some(key.key)),
            // The order ID is used: our earlier request was applied.
            Err(Error::GatewayRefused { result_code, .. })
                if n > 0 && result_code == ResultCode::RC20 =>
            {
                return Ok(None);
            }
            Err(Error::GatewayRefused { status, .. }) if status < 500 && status != 429 => {
                return Err(format!(
                    "payment key for {order_id} refused (HTTP {status})"
                ));
            }
            // Transport errors, 5xx/429, bodies that are not POP's: uncertain.
            Err(_) => {}
        }
    }
    Err(format!(
        "payment key for {order_id}: no answer after {MAX_TRIES} tries"
    ))
}

async fn pop_pay(
    world: &World,
    m: usize,
    order_id: &str,
    key: &str,
    declined: bool,
) -> Result<Outcome, String> {
    let expire = if declined { "01%2F99" } else { "12%2F30" };
    let form = format!(
        "payment_type=card&card_number=4111111111111111&card_expire={expire}&security_code=123"
    );
    let url = format!("{}/pop/v1/pay/{key}", world.base());
    let (status, _, tries) = http_until(world, (Gateway::Pop, "payment", order_id), || {
        world
            .http
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.clone())
    })
    .await?;
    // 409 on a resubmission: the lost first submission already paid the order.
    if status != 200 && !(status == 409 && tries > 0) {
        return Err(format!("POP page for {order_id}: HTTP {status}"));
    }
    let mine = |s: &Seen| s.pop_pushes.iter().any(|p| p.order_id == order_id);
    if !wait_seen(world, m, mine).await {
        return Err(format!("no push for {order_id}"));
    }
    let push = world.merchants[m].seen(|s| {
        s.pop_pushes
            .iter()
            .find(|p| p.order_id == order_id)
            .cloned()
    });
    match push {
        Some(p) if p.success => Ok(Outcome::Succeeded),
        Some(p) => Ok(Outcome::Failed(format!("declined ({})", p.result_code))),
        None => Err(format!("no push for {order_id}")),
    }
}

// ---------------------------------------------------------------- Unified

/// Sends a Unified command with idempotency key `{pid}-{kind}` until an
/// answer arrives; a lost answer is asked for again with the same key.
async fn keyed<C: unified_proto::Command>(
    world: &World,
    request: &C,
    pid: &str,
    kind: &'static str,
    pay_type: Option<unified_proto::PayType>,
) -> Result<unified_proto::Response<C::Response>, String> {
    use unified_proto::Error;
    use unified_proto::client::SendOptions;
    let mut key = format!("{pid}-{kind}");
    for n in 0..MAX_TRIES {
        if n > 0 {
            world.resend(Gateway::Unified, kind, pid);
            tokio::time::sleep(backoff(n)).await;
        }
        let mut options = SendOptions::default().idempotency_key(key.clone());
        if let Some(p) = pay_type {
            options = options.pay_type(p);
        }
        match world.unified.send_with(request, options).await {
            Ok(answer) => return Ok(answer),
            Err(Error::Transport {
                idempotency_key, ..
            }) => key = idempotency_key,
            // A bare 5xx/429 (no gateway body) is an answer that did not come.
            Err(Error::GatewayRefused(r))
                if r.result_code.is_none() && (r.http_status >= 500 || r.http_status == 429) => {}
            Err(e) => return Err(format!("{kind} for {pid}: {e}")),
        }
    }
    Err(format!(
        "{kind} for {pid}: no answer after {MAX_TRIES} tries"
    ))
}

/// The result of a payment the consumer cancelled, from `getTransactionResult` (asked
/// again while its answer is lost, like every Unified request here).
async fn cancelled_result(world: &World, pid: &str, reference: &str) -> Result<Outcome, String> {
    use unified_proto::*;
    let query = GetTransactionResultRequest {
        transaction: TransactionResultQuery {
            fep_reference_id: reference.to_owned(),
        },
    };
    for n in 0..MAX_TRIES {
        if n > 0 {
            world.resend(Gateway::Unified, "result", pid);
            tokio::time::sleep(backoff(n)).await;
        }
        let code = match world.unified.send(&query).await {
            Ok(answer) if answer.is_success() => {
                return Err(format!("cancelled {pid} reads as paid"));
            }
            Ok(answer) => answer.result_code,
            Err(Error::GatewayRefused(r)) if r.result_code.is_some() => r.result_code,
            Err(_) => continue,
        };
        return Ok(Outcome::Failed(format!("consumer cancelled ({code:?})")));
    }
    Err(format!(
        "getTransactionResult for {pid}: no answer after {MAX_TRIES} tries"
    ))
}

/// Unified API: pay → the consumer's choice on the provider page → the
/// webhook → capture → a partial refund; a cancelled choice has no webhook.
pub async fn unified(world: &World, m: usize, n: u64) {
    let pid = format!("m{m}-u-{n}");
    let outcome = unified_flow(world, m, n, &pid).await;
    conclude(world, Gateway::Unified, &pid, m, outcome);
}

async fn unified_flow(world: &World, m: usize, n: u64, pid: &str) -> Result<Outcome, String> {
    use unified_proto::*;
    let pay_type = if n.is_multiple_of(2) {
        PayType::Paypay
    } else {
        PayType::Merpay
    };
    // Amounts ending in 0: the guide's Testing tables simulate no failure for them.
    let amount = 1000 + 20 * (n % 50);
    let back = world.merchants[m].url(&format!("/unified/return/{pid}"));
    let request = PayRequest::new(
        PayOrder::new(pay_type, pid, amount).with_auth_capture(AuthCaptureType::Auth),
        PayControl::returning_to(back).with_push_url(world.notify_url(m, "/unified/webhook")),
    );
    let paid = keyed(world, &request, pid, "pay", None).await?;
    if !paid.is_pending() && !paid.is_success() {
        return Err(format!("pay for {pid}: {:?}", paid.result_code));
    }
    let reference = paid
        .fep_reference_id()
        .ok_or_else(|| format!("pay for {pid}: no fepReferenceId"))?
        .to_string();
    let page = paid
        .redirect_url()
        .ok_or_else(|| format!("pay for {pid}: no redirectUrl"))?
        .to_string();

    let (status, _, _) = http_until(world, (Gateway::Unified, "page", pid), || {
        world.http.get(&page)
    })
    .await?;
    // 409: an earlier, lost choice already completed it.
    if status != 200 && status != 409 {
        return Err(format!("provider page for {pid}: HTTP {status}"));
    }
    let choice = if n % 10 == 9 { "cancel" } else { "pay" };
    let url = format!("{page}/{choice}");
    let (status, _, tries) = http_until(world, (Gateway::Unified, "provider", pid), || {
        world.http_no_redirect.get(&url)
    })
    .await?;
    if status != 303 && !(status == 409 && tries > 0) {
        return Err(format!("provider choice for {pid}: HTTP {status}"));
    }

    if choice == "cancel" {
        // Guide 1.1.3, Webhook: "the notification can be sent only in cases of successful
        // orders", so a cancelled payment has none: the merchant asks for the result.
        return cancelled_result(world, pid, &reference).await;
    }

    let mine = |s: &Seen| {
        s.webhooks
            .iter()
            .any(|w| w.payment_id.as_deref() == Some(pid))
    };
    if !wait_seen(world, m, mine).await {
        return Err(format!("no webhook for {pid}"));
    }
    let code = world.merchants[m].seen(|s| {
        s.webhooks
            .iter()
            .find(|w| w.payment_id.as_deref() == Some(pid))
            .and_then(|w| w.result_code.clone())
    });
    let approved = code
        .as_deref()
        .and_then(|c| c.parse::<ResultCode>().ok())
        .is_some_and(|c| c.is_success());
    if !approved {
        return Ok(Outcome::Failed(format!("not approved ({code:?})")));
    }

    let capture = CaptureRequest::for_payment(pid);
    let captured = keyed(world, &capture, pid, "capture", Some(pay_type)).await?;
    if !captured.is_success() {
        return Err(format!("capture for {pid}: {:?}", captured.result_code));
    }
    let refund = CancelRequest::for_payment(pid).with_amount(yen(amount / 2));
    let refunded = keyed(world, &refund, pid, "cancel", Some(pay_type)).await?;
    if !refunded.is_success() {
        return Err(format!("refund for {pid}: {:?}", refunded.result_code));
    }
    Ok(Outcome::Succeeded)
}

// ---------------------------------------------------------------- J-Payment

/// J-Payment: a user, a card from a token, a one-touch charge whose result
/// comes as a kickback.
pub async fn jpayment(world: &World, m: usize, n: u64) {
    use jpayment_proto::{RegisterCard, RegisterUser};
    let aid = world.sandbox.credentials().jpayment_aid.clone();
    let card = if n % 8 == 5 {
        "4000000000000002" // refused by the card company (G12)
    } else {
        "4111111111111111"
    };
    for round in 0..3 {
        let uid = format!("m{m}j{n}r{round}");
        let token = match jpayment_token(world, card).await {
            Ok(t) => t,
            Err(e) => return conclude(world, Gateway::JPayment, &uid, m, Err(e)),
        };
        let mut register = RegisterUser::new(aid.as_str(), &uid);
        register.email = Some(format!("{uid}@example.jp"));
        let user = match world.jpayment.send(&register).await {
            Ok(user) => user,
            Err(e) if !uncertain(&e) => {
                let e = format!("user {uid} refused: {e}");
                return conclude(world, Gateway::JPayment, &uid, m, Err(e));
            }
            Err(e) => {
                let why = format!("user registration answer lost: {e}");
                abandon(world, Gateway::JPayment, &uid, m, &why);
                continue;
            }
        };
        let register = RegisterCard::new(aid.as_str(), &uid, user.user_key.clone(), token);
        let stored = match world.jpayment.send(&register).await {
            Ok(card) => card,
            Err(e) if !uncertain(&e) => {
                let e = format!("card for {uid} refused: {e}");
                return conclude(world, Gateway::JPayment, &uid, m, Err(e));
            }
            Err(e) => {
                let why = format!("card registration answer lost: {e}");
                abandon(world, Gateway::JPayment, &uid, m, &why);
                continue;
            }
        };
        let order_ref = format!("m{m}-jp-{n}");
        let outcome = jpayment_charge(
            world,
            m,
            &order_ref,
            n,
            &uid,
            &aid,
            user.user_key,
            stored.card_seq,
        )
        .await;
        return world.conclude(Attempt {
            gateway: Gateway::JPayment,
            id: uid,
            merchant: m,
            notice: order_ref,
            outcome,
        });
    }
}

/// An error after which the request may or may not have been applied.
fn uncertain(e: &jpayment_proto::Error) -> bool {
    use jpayment_proto::Error;
    matches!(
        e,
        Error::Transport(_) | Error::Status { .. } | Error::Malformed(_)
    )
}

async fn jpayment_token(world: &World, card: &str) -> Result<jpayment_proto::Token, String> {
    let body = json!({"cn": card, "ed": "3012", "fn": "TARO", "ln": "YAMADA"});
    let url = format!("{}/_sandbox/jpayment/token", world.base());
    let answer: Value = world
        .http
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("token: {e}"))?
        .json()
        .await
        .map_err(|e| format!("token: {e}"))?;
    let token = answer["tkn"].as_str().ok_or("token: no tkn")?;
    Ok(jpayment_proto::Token::new(token))
}

/// Console lookups a merchant makes before it gives a reconciliation up.
const CONSOLE_ATTEMPTS: u32 = 5;

/// Whether the console lists a payment for `uid` (every attempt has its own user).
///
/// The lookup only reads, so a failed one is simply asked again: nothing can be applied
/// twice. (The whole list grows with the run; on a starved machine its answer can take
/// longer than the client timeout, which a one-shot lookup reported as a lost payment.)
async fn jpayment_reconcile(world: &World, uid: &str) -> Result<bool, String> {
    let url = format!("{}/_sandbox/jpayment/payments", world.base());
    let mut last = String::new();
    for attempt in 0..CONSOLE_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let answer = match world.http.get(&url).send().await {
            Ok(response) => response.json::<Value>().await,
            Err(e) => Err(e),
        };
        match answer {
            Ok(answer) => {
                let payments = answer["payments"].as_array().cloned().unwrap_or_default();
                return Ok(payments.iter().any(|p| p["uid"] == uid));
            }
            Err(e) => last = format!("console ({} attempts): {e}", attempt + 1),
        }
    }
    Err(last)
}

#[allow(clippy::too_many_arguments)]
async fn jpayment_charge(
    world: &World,
    m: usize,
    order_ref: &str,
    n: u64,
    uid: &str,
    aid: &str,
    key: jpayment_proto::UserKey,
    card_seq: u32,
) -> Result<Outcome, String> {
    use jpayment_proto::{Error, JobType, OnetouchCharge, ReplyMethod, yen};
    let mut charge = OnetouchCharge::new(
        aid,
        ReplyMethod::Kickback,
        uid,
        key,
        card_seq,
        JobType::Capture,
        yen(1000 + 10 * (n % 50)),
        yen(80),
        yen(0),
    );
    charge.order_ref = Some(order_ref.to_owned());
    let mut applied = false;
    for n in 0..MAX_TRIES {
        if n > 0 {
            world.resend(Gateway::JPayment, "onetouch_charge", uid);
        }
        match world.jpayment.send(&charge).await {
            Ok(_) => {
                applied = true;
                break;
            }
            Err(Error::Gateway(g)) => {
                return Ok(Outcome::Failed(format!(
                    "refused before payment: {}",
                    g.code
                )));
            }
            Err(e) if !uncertain(&e) => return Err(format!("charge for {uid}: {e}")),
            Err(_) => {
                // Uncertain: let any delayed request land, then look before resending.
                tokio::time::sleep(world.settle).await;
                if jpayment_reconcile(world, uid).await? {
                    world
                        .reconciled
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    applied = true;
                    break;
                }
            }
        }
    }
    if !applied {
        return Err(format!(
            "charge for {uid}: no answer after {MAX_TRIES} tries"
        ));
    }
    let mine = |s: &Seen| {
        s.kickbacks
            .iter()
            .any(|k| k.order_ref.as_deref() == Some(order_ref))
    };
    if !wait_seen(world, m, mine).await {
        return Err(format!("no kickback for {order_ref}"));
    }
    let error = world.merchants[m].seen(|s| {
        s.kickbacks
            .iter()
            .find(|k| k.order_ref.as_deref() == Some(order_ref))
            .map(|k| k.error_code.clone())
    });
    match error {
        Some(None) => Ok(Outcome::Succeeded),
        Some(Some(code)) => Ok(Outcome::Failed(format!("declined ({code})"))),
        None => Err(format!("no kickback for {order_ref}")),
    }
}

// ---------------------------------------------------------------- MPI

/// MPI: start 3-D Secure → the authentication page → the signed push → the
/// search and `mpi-proto`'s ship / don't-ship decision.
pub async fn mpi(world: &World, m: usize, n: u64) {
    use mpi_proto::ServiceOptionType;
    // Row 3 of the guide's scenarios under mpi-complete: authenticated
    // conditionally, not to be shipped.
    let (card, option) = if n % 8 == 3 {
        ("5555555555554444", ServiceOptionType::MpiComplete)
    } else {
        ("4111111111111111", ServiceOptionType::MpiCompany)
    };
    for round in 0..3 {
        let order_id = format!("m{m}-3ds-{n}-{round}");
        match mpi_start(world, m, &order_id, card, &option).await {
            Ok(Some(started)) => {
                let outcome = mpi_finish(world, m, &order_id, &option, &started).await;
                return conclude(world, Gateway::Mpi, &order_id, m, outcome);
            }
            Ok(None) => abandon(
                world,
                Gateway::Mpi,
                &order_id,
                m,
                "3-D Secure started but its answer was lost (order ID conflict on resend); abandoned",
            ),
            Err(e) => return conclude(world, Gateway::Mpi, &order_id, m, Err(e)),
        }
    }
}

async fn mpi_start(
    world: &World,
    m: usize,
    order_id: &str,
    card: &str,
    option: &mpi_proto::ServiceOptionType,
) -> Result<Option<Value>, String> {
    let body = json!({
        "order_id": order_id,
        "amount": 4800,
        "card_number": card,
        "service_option_type": option.as_str(),
        "redirection_uri": world.merchants[m].url("/mpi/return"),
        "push_uri": world.notify_url(m, "/mpi/push"),
    });
    let url = format!("{}/mpi/mpi_charges", world.base());
    let (status, answer, tries) = http_until(world, (Gateway::Mpi, "authorize", order_id), || {
        world.http.post(&url).json(&body)
    })
    .await?;
    match status {
        200 => serde_json::from_slice(&answer)
            .map(Some)
            .map_err(|e| format!("mpi_charges for {order_id}: {e}")),
        409 if tries > 0 => Ok(None),
        other => Err(format!("mpi_charges for {order_id}: HTTP {other}")),
    }
}

async fn mpi_finish(
    world: &World,
    m: usize,
    order_id: &str,
    option: &mpi_proto::ServiceOptionType,
    started: &Value,
) -> Result<Outcome, String> {
    let request_id = started["request_id"]
        .as_str()
        .ok_or_else(|| format!("mpi_charges for {order_id}: no request_id"))?;
    if let Some(page) = started["redirect_url"].as_str() {
        let (status, _, _) = http_until(world, (Gateway::Mpi, "page", order_id), || {
            world.http.get(page)
        })
        .await?;
        if status != 200 {
            return Err(format!("authentication page for {order_id}: HTTP {status}"));
        }
        let (status, _, _) = http_until(world, (Gateway::Mpi, "verify", order_id), || {
            world
                .http
                .post(page)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("")
        })
        .await?;
        if status != 200 {
            return Err(format!("authentication of {order_id}: HTTP {status}"));
        }
        let mine = |s: &Seen| {
            s.pushes
                .iter()
                .any(|p| p.order_id.as_deref() == Some(order_id))
        };
        if !wait_seen(world, m, mine).await {
            return Err(format!("no push for {order_id}"));
        }
    }
    let url = format!("{}/mpi/search", world.base());
    let body = json!({ "request_id": request_id });
    let (status, answer, _) = http_until(world, (Gateway::Mpi, "search", order_id), || {
        world.http.post(&url).json(&body)
    })
    .await?;
    if status != 200 {
        return Err(format!("search for {order_id}: HTTP {status}"));
    }
    let search = mpi_proto::SearchResponse::from_json(&answer)
        .map_err(|e| format!("search for {order_id}: {e}"))?;
    search
        .ensure_order(order_id)
        .map_err(|e| format!("search for {order_id}: {e}"))?;
    let decision = mpi_proto::Decision::from_search(option, &search)
        .map_err(|e| format!("decision for {order_id}: {e}"))?;
    if decision.should_ship() {
        Ok(Outcome::Succeeded)
    } else {
        Ok(Outcome::Failed(format!(
            "not shipped ({:?})",
            decision.outcome
        )))
    }
}
