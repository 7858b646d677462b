//! The consumer page standing in for the POP JS screen: `GET /pop/v1/pay/{payment_key}`
//! (the sandbox path for `pop.pay(payment_key)`), `GET /pop/v1/payment-link?payment_key=…`
//! (the `pay_link_url`), and the plain forms' `POST /pop/v1/pay/{payment_key}`, whose
//! answer carries the signed redirect while the push is queued.
//!
//! The form fields here (`card_number`, `telephone`, …) are the sandbox page's own, not
//! POP's wire: the real screen is POP's JavaScript.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;
use pop_proto::{CvsSubType, PaymentType, ResultCode, wire};
use serde::Serialize;

use super::commands::to_summary;
use super::notify::{self, Queued};
use super::payment::{self, Decision, Target};
use super::state::Stage;
use super::store::Store;
use super::{HARAIKOMI_PATH_PREFIX, LinkQuery, PAY_PATH_PREFIX};
use crate::error::ApiError;
use crate::gateways::html::escape;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

/// The page's own choice for leaving without paying (not a POP payment type).
const CANCEL: &str = "cancel";

/// A sandbox HTML page.
pub(super) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        Html(format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>{t}</title></head><body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
            t = escape(title)
        )),
    )
        .into_response()
}

/// A result code and the guide's description, as the page shows them.
fn code_html(code: &ResultCode) -> String {
    format!(
        "<p id=\"result_code\">{}: {}</p>",
        escape(code.as_str()),
        escape(code.description().unwrap_or_default())
    )
}

fn unknown_key() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "POP sandbox: unknown payment key",
        &code_html(&ResultCode::RC18),
    )
}

/// `GET /pop/v1/payment-link?payment_key=…`.
pub(super) async fn link_page(
    Extension(store): Extension<Store>,
    query: Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match query {
        Ok(Query(q)) => render(&store, &q.payment_key, None),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `GET /pop/v1/pay/{payment_key}`.
pub(super) async fn pay_page(
    Extension(store): Extension<Store>,
    Path(key): Path<String>,
) -> Response {
    render(&store, &key, None)
}

/// A hidden input naming the form's payment choice.
fn choice(value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        wire::field::PAYMENT_TYPE,
        escape(value)
    )
}

fn render(store: &Store, key: &str, error: Option<&str>) -> Response {
    let Some(order) = store.find_by_key(key) else {
        return unknown_key();
    };
    if order.stage != Stage::Open {
        return page(
            StatusCode::CONFLICT,
            "POP sandbox: payment already made",
            &code_html(&ResultCode::RC25),
        );
    }
    let action = escape(&format!("{PAY_PATH_PREFIX}{key}"));
    let cancel = choice(CANCEL);
    if now_jst() > order.expires_at {
        // Any submission now sends the browser to incomplete_url with RC34.
        return page(
            StatusCode::GONE,
            "POP sandbox: payment key expired",
            &format!(
                "{}<form id=\"cancel\" method=\"post\" action=\"{action}\">{cancel}\
                 <button type=\"submit\">Return to the shop</button></form>",
                code_html(&ResultCode::RC34)
            ),
        );
    }
    let mut html = format!(
        "<p>Sandbox stand-in for the POP payment screen. Outcomes follow the guide's \
         “Testing POP” rules.</p>\n<dl><dt>Order ID</dt><dd id=\"order_id\">{}</dd>\
         <dt>Amount</dt><dd id=\"gross_amount\">{} yen</dd></dl>\n",
        escape(&order.order_id),
        order.gross_amount
    );
    if let Some(error) = error {
        html.push_str(&format!(
            "<p id=\"error\" role=\"alert\">{}</p>\n",
            escape(error)
        ));
    }
    if order.types.contains(&PaymentType::Card) {
        html.push_str(&format!(
            "<form id=\"card\" method=\"post\" action=\"{action}\">{}\
             <h2>Card</h2>\
             <label>Card number <input name=\"card_number\" inputmode=\"numeric\" autocomplete=\"off\"></label>\
             <label>Expiry (MM/YY) <input name=\"card_expire\" placeholder=\"12/30\"></label>\
             <label>Security code <input name=\"security_code\" inputmode=\"numeric\"></label>\
             <button type=\"submit\">Pay by card</button></form>\n",
            choice(PaymentType::Card.as_str())
        ));
    }
    if order.types.contains(&PaymentType::Cvs) {
        let subs = if order.cvs_sub_types.is_empty() {
            CvsSubType::KNOWN.to_vec()
        } else {
            order.cvs_sub_types.clone()
        };
        let options: String = subs
            .iter()
            .map(|s| format!("<option value=\"{0}\">{0}</option>", escape(s.as_str())))
            .collect();
        html.push_str(&format!(
            "<form id=\"cvs\" method=\"post\" action=\"{action}\">{}\
             <h2>Convenience store</h2>\
             <label>Store <select name=\"{sub_type}\">{options}</select></label>\
             <label>Telephone <input name=\"telephone\" inputmode=\"numeric\"></label>\
             <button type=\"submit\">Pay at a convenience store</button></form>\n",
            choice(PaymentType::Cvs.as_str()),
            sub_type = wire::field::PAYMENT_SUB_TYPE,
        ));
    }
    if order.types.contains(&PaymentType::Bank) {
        html.push_str(&format!(
            "<form id=\"bank\" method=\"post\" action=\"{action}\">{}\
             <h2>Bank (Pay-easy ATM)</h2>\
             <button type=\"submit\">Pay at an ATM</button></form>\n",
            choice(PaymentType::Bank.as_str())
        ));
    }
    html.push_str(&format!(
        "<form id=\"cancel\" method=\"post\" action=\"{action}\">{cancel}\
         <button type=\"submit\">Close without paying</button></form>\n"
    ));
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(status, "POP sandbox payment", &html)
}

/// The log's summary of a payment: the notification's parameters (the card number
/// only masked) and what became of the push.
#[derive(Serialize)]
struct PaymentRecord {
    #[serde(flatten)]
    notification: serde_json::Value,
    push: Option<Queued>,
}

/// `POST /pop/v1/pay/{payment_key}`: one of the page's forms.
pub(super) async fn pay_submit(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    let form = match veritrans_sign::pop::form_params(&body) {
        Ok(f) => f,
        Err(e) => return ApiError::bad_request(format!("form body: {e}")).into_response(),
    };
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let Some(order) = store.find_by_key(&key) else {
        return unknown_key();
    };
    if order.stage != Stage::Open {
        return render(&store, &key, None);
    }
    let choice = field(wire::field::PAYMENT_TYPE);
    let offered = |t: PaymentType| choice == t.as_str() && order.types.contains(&t);
    let decision: Result<Decision, String> = if now_jst() > order.expires_at {
        Ok(payment::incomplete(&order, ResultCode::RC34))
    } else if offered(PaymentType::Card) {
        payment::card(
            &order,
            &field("card_number"),
            &field("card_expire"),
            &field("security_code"),
        )
    } else if offered(PaymentType::Cvs) {
        let haraikomi_url = format!("{}{HARAIKOMI_PATH_PREFIX}{}", state.base_url(), order.key);
        payment::cvs(
            &order,
            haraikomi_url,
            &field(wire::field::PAYMENT_SUB_TYPE),
            &field("telephone"),
        )
    } else if offered(PaymentType::Bank) {
        Ok(payment::bank(&order))
    } else if choice == CANCEL {
        Ok(payment::incomplete(&order, ResultCode::RC25))
    } else {
        Err(format!(
            "payment_type: {choice:?} is not offered for this order"
        ))
    };
    let decision = match decision {
        Ok(d) => d,
        Err(message) => return render(&store, &key, Some(&message)),
    };

    // Apply once: a second submission (double click, reload) sees the order finished.
    {
        let mut inner = store.lock();
        let Some(stored) = inner.orders.get_mut(&order.order_id) else {
            return render(&store, &key, None);
        };
        let Some(next) = stored.stage.after(decision.event) else {
            drop(inner);
            return render(&store, &key, None);
        };
        stored.stage = next;
        if next == Stage::Applied {
            stored.applied = Some(decision.notification.clone());
        }
    }
    let push = order
        .push_url
        .as_deref()
        .filter(|_| decision.target != Target::Incomplete)
        .map(|url| notify::push(&state, &store, url, &decision.notification));
    let record = PaymentRecord {
        notification: notification_summary(&decision.notification),
        push,
    };
    state.note(
        Gateway::Pop,
        "payment",
        order.order_id.clone(),
        to_summary(&record),
    );
    let url = match decision.target {
        Target::Success => order.success_url.as_deref(),
        Target::Failure => order.failure_url.as_deref(),
        Target::Incomplete => order.incomplete_url.as_deref(),
    };
    notify::redirect(&state, url, &decision.notification)
}

/// The notification's parameters for the log, unsigned (as the typed struct has them).
fn notification_summary(n: &pop_proto::Notification) -> serde_json::Value {
    use pop_proto::Notification as N;
    match n {
        N::Unspecified(x) => to_summary(x),
        N::Card(x) | N::Mpi(x) => to_summary(x),
        N::CvsApplied(x) => to_summary(x),
        N::CvsPaid(x) => to_summary(x),
        N::BankApplied(x) => to_summary(x),
        N::BankPaid(x) => to_summary(x),
    }
}
