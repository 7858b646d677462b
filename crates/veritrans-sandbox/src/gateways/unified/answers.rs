//! What the emulated gateway answers: one HTTP answer type, and the generated bodies it
//! carries (`WebhookPayload` for every command's answer and refusal,
//! `GetTransactionResultResponse` for `getTransactionResult`), with `result` filled
//! from the result-code table of the guide version the sandbox emulates.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde::Serialize;

use unified_proto::versions::GuideVersion;
use unified_proto::{
    ActionCode, ResponseOrder, ResponseTransaction, ResultCode, ResultInfo, Status,
    TransactionCommand, WebhookPayload, yen,
};

use super::sim::Cell;
use super::store::Order;

/// One HTTP answer of the gateway.
///
/// The body is kept as the JSON text it is sent as: an answer is also stored for 24 hours
/// for idempotent replays, and as text it is a fraction of a `serde_json::Value` tree's
/// size (about 1 KB instead of 5) and cloned without copying.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    status: StatusCode,
    body: Option<Bytes>,
}

impl Answer {
    /// The guide's "404 - Page not found": a status without a result code.
    pub(super) fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            body: None,
        }
    }

    /// `body` (a generated type) serialised, with `status`.
    pub(super) fn of<T: Serialize>(status: StatusCode, body: &T) -> Self {
        // Through a `Value` (sorted keys), as the answers were always written.
        match serde_json::to_value(body).and_then(|v| serde_json::to_vec(&v)) {
            Ok(body) => Self {
                status,
                body: Some(Bytes::from(body)),
            },
            // The generated types serialise; should one not, answer 500 with a
            // result-less body instead of panicking.
            Err(e) => {
                tracing::error!(error = %e, "unified answer not serialisable");
                Self {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    body: Some(Bytes::from_static(b"null")),
                }
            }
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.body {
            Some(body) => (self.status, [(header::CONTENT_TYPE, JSON)], body).into_response(),
            // The guide's "404 - Page not found": a status without a result code.
            None => (self.status, "Page not found").into_response(),
        }
    }
}

/// The media type of every answer and webhook body (the spec's `application/json`).
pub(super) const JSON: &str = "application/json";

/// `result` of an answer: HTTP status, status, action code and message from the row of
/// the cell's result code in `guide`'s generated table (the version the sandbox
/// emulates). A code that version does not list has no row: it is answered with HTTP
/// 500 and no status or actionCode (the sandbox's Testing tables are 1.1.3's; see the
/// README's "Guide versions").
pub(super) fn result_info(
    guide: &GuideVersion,
    cell: &Cell,
    message: Option<String>,
) -> (StatusCode, ResultInfo) {
    let info = guide.result_code(cell.code().as_str());
    let status = info
        .and_then(|i| StatusCode::from_u16(i.http_status).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        ResultInfo {
            result_code: Some(cell.code()),
            status: info.map(|i| Status::from(i.status)),
            action_code: info.map(|i| ActionCode::from(i.action_code)),
            message: message.or_else(|| info.map(|i| i.description.to_string())),
            v_result_code: cell.v_result_code.clone(),
        },
    )
}

/// An answer carrying only `result` (refusals before any order is touched): the
/// generated answer body with nothing but its result block.
pub(super) fn failure(guide: &GuideVersion, code: &ResultCode, message: String) -> Answer {
    let cell = Cell::of(code, None);
    let described = guide
        .result_code(code.as_str())
        .map(|i| format!("{}: {message}", i.description))
        .unwrap_or(message);
    let (status, info) = result_info(guide, &cell, Some(described));
    Answer::of(
        status,
        &WebhookPayload {
            result: Some(info),
            ..Default::default()
        },
    )
}

/// `UA-REQ-007` ("API cannot be executed (internal status invalid)"): the state
/// machine does not allow `command` for this order.
pub(super) fn state_error(
    guide: &GuideVersion,
    command: &TransactionCommand,
    order: &Order,
) -> Answer {
    failure(
        guide,
        &ResultCode::UaReq007,
        format!(
            "{command} is not possible for order {} in state {:?}",
            order.payment_id, order.state
        ),
    )
}

/// `yyyyMMddHHmmss` in JST.
fn jst_now() -> String {
    veritrans_core::jst::format_compact(veritrans_core::jst::now())
}

/// The body every command answers with (and webhooks carry): result, order, transaction.
///
/// `amount` is `order.amount`: the guide's "Amount to be processed (amount set at the time
/// of request, balance amount when not set)", which each command works out.
pub(super) fn response(
    guide: &GuideVersion,
    order: &Order,
    command: &TransactionCommand,
    reference: &str,
    cell: &Cell,
    amount: Option<u64>,
) -> (StatusCode, WebhookPayload) {
    let (status, result) = result_info(guide, cell, None);
    let payload = WebhookPayload {
        result: Some(result),
        order: Some(ResponseOrder {
            payment_id: Some(order.payment_id.clone()),
            fep_order_id: Some(order.fep_order_id.clone()),
            pay_type: Some(order.pay_type.to_string()),
            amount: amount.map(yen),
            ..Default::default()
        }),
        transaction: Some(ResponseTransaction {
            command: Some(command.as_str().to_string()),
            fep_reference_id: Some(reference.to_string()),
            transaction_datetime: Some(jst_now()),
            merchant_request_key1: order.merchant_keys.0.clone(),
            merchant_request_key2: order.merchant_keys.1.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    (status, payload)
}
