//! Pushes: after the verify step, the result is POSTed to `push_uri` as the generated
//! `PushNotification`, written by `mpi_proto`'s encoder and signed over those exact bytes
//! with `veritrans_sign::mpi::authorization`, with the spec's header and content type.

use http::StatusCode;
use http::header::CONTENT_TYPE;
use mpi_proto::wire::field;
use mpi_proto::{
    MStatus, PUSH_CONTENT_TYPE, PUSH_SIGNATURE_HEADER, PushData, PushNotification,
    TransactionCommand,
};
use serde_json::{Map, Value, json};

use crate::delivery::Delivery;
use crate::error::ApiError;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

use super::answers::{note_1, paid};
use super::state::{Store, Txn};

/// `YYYY/MM/DD hh:mm:ss`, JST, as in the push field table.
fn push_time() -> String {
    veritrans_core::jst::format(now_jst(), veritrans_core::jst::SLASHES)
}

/// The card payment's status in a push for `code`: `success` when the card part says
/// paid, blank after a 3-D Secure failure, `pending` otherwise.
pub(super) fn card_status(code: &str) -> MStatus {
    if paid(code) {
        MStatus::Success
    } else if note_1(code) == MStatus::Failure {
        // The guide: "Blank when 3-D Secure result code is failure".
        MStatus::Unknown(String::new())
    } else {
        MStatus::Pending
    }
}

/// The push for a completed verify step.
pub(super) fn notification(txn: &Txn, code: &str, push_id: &str) -> PushNotification {
    PushNotification {
        push_time: Some(push_time()),
        push_id: Some(push_id.to_owned()),
        data: vec![PushData {
            order_id: Some(txn.order_id.clone()),
            vresult_code: Some(code.to_owned()),
            transaction_type: Some(TransactionCommand::Verify.as_str().to_owned()),
            mpi_mstatus: Some(note_1(code)),
            card_mstatus: Some(card_status(code)),
            test_mode: Some(true),
            extra: Map::new(),
        }],
        extra: Map::new(),
    }
}

/// Builds, signs and queues the push for a completed verify step; returns the delivery.
pub(super) fn push(
    state: &AppState,
    store: &Store,
    txn: &Txn,
    code: &str,
    uri: &str,
) -> Result<Value, ApiError> {
    let push_id = {
        let mut inner = store.lock();
        inner.next_push = inner.next_push % 99_999_999 + 1;
        format!("{:08}", inner.next_push)
    };
    let body = notification(txn, code, &push_id).to_json().map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            format!("cannot serialise the push: {e}; this is a sandbox bug"),
        )
    })?;
    let authorization =
        veritrans_sign::mpi::authorization(&body, &state.credentials().mpi_server_key);
    let delivery_id = format!("mpi-push-{}-{push_id}", txn.request_id);
    let delivery = Delivery::new(Gateway::Mpi, delivery_id, uri)
        .header(CONTENT_TYPE.as_str(), PUSH_CONTENT_TYPE)
        .header(PUSH_SIGNATURE_HEADER, authorization)
        .body(body);
    match state.deliver(delivery) {
        Ok(id) => Ok(json!({(field::PUSH_ID): push_id, "delivery_id": id})),
        // The URI was checked when the transaction started; what remains is a shutdown.
        Err(e) => Ok(json!({(field::PUSH_ID): push_id, "not_queued": e.to_string()})),
    }
}
