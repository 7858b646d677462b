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
    ///
    /// Written straight from the type: the generated types declare their fields in the
    /// order of their JSON names, so the bytes are those the answers were written with
    /// when they went through a sorted `serde_json::Value` first (checked by
    /// `tests::answers_keep_their_sorted_keys`), without building and dropping that tree
    /// on every request (about 7 % of a payment's CPU time under load, `perf`,
    /// docs/performance.md).
    pub(super) fn of<T: Serialize>(status: StatusCode, body: &T) -> Self {
        // A payment's answer is about 480 bytes: room for it at once, where `to_vec`'s
        // 128 bytes grew twice (to the same 512).
        let mut text = Vec::with_capacity(512);
        match serde_json::to_writer(&mut text, body) {
            Ok(()) => Self {
                status,
                body: Some(Bytes::from(text)),
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

impl Answer {
    /// The body's JSON text (shared, not copied); `None` for a 404.
    pub(super) fn text(&self) -> Option<Bytes> {
        self.body.clone()
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

#[cfg(test)]
mod tests {
    use super::*;
    use unified_proto::GetTransactionResultResponse;

    /// The body [`Answer::of`] wrote before it serialised straight from the type: through
    /// a `serde_json::Value`, whose maps sort their keys.
    fn through_sorted_value<T: Serialize>(body: &T) -> Vec<u8> {
        let value = serde_json::to_value(body).expect("serialisable");
        serde_json::to_vec(&value).expect("serialisable")
    }

    fn written<T: Serialize>(body: &T) -> Vec<u8> {
        let answer = Answer::of(StatusCode::OK, body);
        answer.body.expect("a body").to_vec()
    }

    /// Every byte of an answer is as it was when answers went through a sorted `Value`:
    /// an idempotent replay, a stored answer and a client's recorded fixture stay the same.
    /// Checked on the richest bodies at hand (the guide-shaped webhook of the signing
    /// benchmarks, with every block the guide lists, and the protocol crate's answer
    /// fixtures), typed as the sandbox answers them.
    #[test]
    fn answers_keep_their_sorted_keys() {
        let webhooks = [
            include_str!("../../../../veritrans-sign/benches/data/unified-webhook.json"),
            include_str!("../../../../unified-proto/tests/fixtures/webhook_capture.json"),
            include_str!("../../../../unified-proto/tests/fixtures/webhook_deregistration.json"),
            include_str!("../../../../unified-proto/tests/fixtures/pay_response.json"),
            include_str!(
                "../../../../unified-proto/tests/fixtures/charge_response_surprising.json"
            ),
        ];
        for text in webhooks {
            let body: WebhookPayload = serde_json::from_str(text).expect("a webhook body");
            assert_eq!(
                String::from_utf8(written(&body)),
                String::from_utf8(through_sorted_value(&body)),
                "{text}"
            );
        }
        let result: GetTransactionResultResponse = serde_json::from_str(include_str!(
            "../../../../unified-proto/tests/fixtures/transaction_result.json"
        ))
        .expect("a getTransactionResult body");
        assert_eq!(written(&result), through_sorted_value(&result));
        // And a refusal as the sandbox writes it.
        let refusal = failure(
            unified_proto::versions::LATEST,
            &ResultCode::UaReq001,
            "body: must be a JSON object".into(),
        );
        let text = refusal.body.expect("a body");
        let parsed: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
        assert_eq!(text.to_vec(), serde_json::to_vec(&parsed).expect("JSON"));
    }
}
