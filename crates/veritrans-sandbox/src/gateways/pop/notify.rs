//! Notifications leave the sandbox here: each a typed `pop_proto` notification, encoded
//! and signed by `pop_proto`'s encoder (`veritrans-sign` underneath) — the redirect as
//! an auto-submitting form, the push through the sandbox's delivery engine.

use axum::response::Response;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use pop_proto::endpoints::PUSH_MEDIA_TYPE;
use pop_proto::types::{BankPaidNotification, CvsPaidNotification};
use pop_proto::{
    CvsSubType, CvsType, GatewayStatus, Notification, ResultCode, ResultType, Status, Yen,
};
use serde::Serialize;

use super::commands::to_summary;
use super::page::page;
use super::store::Store;
use super::{BANK_COMPANY_CODE, jst_stamp};
use crate::delivery::Delivery;
use crate::gateways::html::escape;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

/// The convenience store chain (`cvs_type`) of a store choice (`payment_sub_type`).
/// The guide gives both lists but no mapping; this is the sandbox's reading
/// (lawson/econ → econ-lw, famima → econ-fm).
fn cvs_type(sub: &CvsSubType) -> CvsType {
    match sub {
        CvsSubType::Sej => CvsType::Sej,
        CvsSubType::Lawson | CvsSubType::Econ => CvsType::EconLw,
        CvsSubType::Famima => CvsType::EconFm,
        _ => CvsType::Other,
    }
}

/// The paid push that follows an applied CVS or bank notification, the whole
/// `gross_amount` received; `None` for any other notification.
pub(super) fn paid(applied: &Notification, received_amount: Yen) -> Option<Notification> {
    let transaction_datetime = jst_stamp(now_jst());
    match applied {
        Notification::CvsApplied(a) => Some(Notification::CvsPaid(CvsPaidNotification {
            merchant_id: a.merchant_id.clone(),
            order_id: a.order_id.clone(),
            dummy: a.dummy,
            status: Status::Success,
            result_code: ResultCode::R000,
            m_status: Some(GatewayStatus::Success),
            v_result_code: None,
            payment_type: a.payment_type.clone(),
            transaction_datetime: Some(transaction_datetime),
            result_type: ResultType::Paid,
            cvs_type: cvs_type(a.payment_sub_type.as_ref()?),
            payment_sub_type: a.payment_sub_type.clone()?,
            receipt_number: a.receipt_number.clone()?,
            received_amount,
            signature: String::new(),
        })),
        Notification::BankApplied(a) => Some(Notification::BankPaid(BankPaidNotification {
            merchant_id: a.merchant_id.clone(),
            order_id: a.order_id.clone(),
            dummy: a.dummy,
            status: Status::Success,
            result_code: ResultCode::R000,
            m_status: Some(GatewayStatus::Success),
            v_result_code: None,
            payment_type: a.payment_type.clone(),
            transaction_datetime,
            result_type: ResultType::Paid,
            payment_sub_type: a.payment_sub_type.clone()?,
            received_amount,
            agency_code: a.agency_code.clone()?,
            customer_no: a.customer_no.clone()?,
            confirm_no: a.confirm_no.clone()?,
            company_code: BANK_COMPANY_CODE.into(),
            signature: String::new(),
        })),
        _ => None,
    }
}

/// The auto-submitting form that POSTs the signed redirect, or a result page when the
/// order has no URL for this outcome.
pub(super) fn redirect(
    state: &AppState,
    url: Option<&str>,
    notification: &Notification,
) -> Response {
    let Some(url) = url else {
        return page(
            StatusCode::OK,
            "POP sandbox: payment finished",
            &format!(
                "<p id=\"status\">{}</p><p id=\"result_code\">{}</p>\
                 <p>The order has no URL to send the browser to.</p>",
                escape(notification.status().as_str()),
                escape(notification.result_code().as_str())
            ),
        );
    };
    let pairs = match notification.to_redirect_form(&state.credentials().pop_server_key) {
        Ok(pairs) => pairs,
        Err(e) => {
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "POP sandbox: notification not sent",
                &format!("<p id=\"error\">{}</p>", escape(&e.to_string())),
            );
        }
    };
    let inputs: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    page(
        StatusCode::OK,
        "POP sandbox: returning to the shop",
        &format!(
            "<form id=\"redirect\" method=\"post\" action=\"{}\" \
             enctype=\"{}\">{inputs}\
             <noscript><button type=\"submit\">Continue</button></noscript></form>\
             <script>document.getElementById('redirect').submit();</script>",
            escape(url),
            escape(pop_proto::endpoints::REDIRECT_MEDIA_TYPE)
        ),
    )
}

/// The log's summary of a push.
#[derive(Serialize)]
struct PushRecord<'a> {
    order_id: &'a str,
    status: &'a Status,
    kind: String,
}

/// What a push became: its delivery ID, or why it was not queued.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum Queued {
    Id(String),
    Error { error: String },
}

/// Signs and queues a push.
pub(super) fn push(
    state: &AppState,
    store: &Store,
    url: &str,
    notification: &Notification,
) -> Queued {
    let n = {
        let mut inner = store.lock();
        inner.next += 1;
        inner.next
    };
    let body = match notification.to_push_body(&state.credentials().pop_server_key) {
        Ok(b) => b,
        Err(e) => {
            return Queued::Error {
                error: e.to_string(),
            };
        }
    };
    let delivery = Delivery::new(Gateway::Pop, format!("pop-push-{n}"), url)
        .header(CONTENT_TYPE.as_str(), PUSH_MEDIA_TYPE)
        .body(body);
    match state.deliver(delivery) {
        Ok(id) => {
            let record = PushRecord {
                order_id: notification.order_id(),
                status: notification.status(),
                kind: format!("{:?}", notification.kind()),
            };
            state.note(Gateway::Pop, "push", id.clone(), to_summary(&record));
            Queued::Id(id)
        }
        Err(e) => Queued::Error {
            error: e.to_string(),
        },
    }
}
