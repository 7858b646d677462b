//! The sandbox's own controls for what only time or the consumer would do:
//! `POST /_sandbox/pop/release/{order_id}` (the consumer pays at the store or ATM: the
//! paid push) and `POST /_sandbox/pop/expire/{payment_key}` (a key's validity ends).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::StatusCode;
use pop_proto::ResultType;
use serde::Serialize;

use super::commands::to_summary;
use super::notify::{self, Queued};
use super::state::Event;
use super::store::Store;
use crate::error::ApiError;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

/// The answer to a release, also its log summary.
#[derive(Serialize)]
struct Released {
    order_id: String,
    result_type: ResultType,
    push: Option<Queued>,
}

/// Sends the paid push of an applied CVS or bank payment.
pub(super) async fn release(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    Path(order_id): Path<String>,
) -> Response {
    let conflict = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("order_id {order_id:?}: not an applied CVS or bank payment awaiting release"),
        )
        .into_response()
    };
    let (paid, push_url) = {
        let mut inner = store.lock();
        let Some(order) = inner.orders.get_mut(&order_id) else {
            return ApiError::not_found(format!("order_id {order_id:?}: no such POP order"))
                .into_response();
        };
        let Some(next) = order.stage.after(Event::Paid) else {
            return conflict();
        };
        let Some(paid) = order
            .applied
            .as_ref()
            .and_then(|applied| notify::paid(applied, order.gross_amount))
        else {
            return conflict();
        };
        order.stage = next;
        (paid, order.push_url.clone())
    };
    let push = push_url.map(|url| notify::push(&state, &store, &url, &paid));
    let released = Released {
        order_id: paid.order_id().to_owned(),
        result_type: ResultType::Paid,
        push,
    };
    state.note(
        Gateway::Pop,
        "paid",
        order_id.clone(),
        to_summary(&released),
    );
    Json(released).into_response()
}

/// The answer to an expiry.
#[derive(Serialize)]
struct Expired {
    order_id: String,
    expired: bool,
}

/// Ends a payment key's validity now, so a test sees what the guide says of an expired
/// key (`RC34`, the browser sent to `incomplete_url`) without waiting for the shortest
/// validity the guide allows (one minute).
pub(super) async fn expire(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    Path(payment_key): Path<String>,
) -> Response {
    let order_id = {
        let mut inner = store.lock();
        let Some(order_id) = inner.keys.get(&payment_key).cloned() else {
            return ApiError::not_found("payment_key: no such POP payment key").into_response();
        };
        let Some(order) = inner.orders.get_mut(&order_id) else {
            return ApiError::not_found("payment_key: no such POP payment key").into_response();
        };
        order.expires_at = now_jst() - time::Duration::SECOND;
        order_id
    };
    let expired = Expired {
        order_id,
        expired: true,
    };
    state.note(
        Gateway::Pop,
        "expire",
        expired.order_id.clone(),
        to_summary(&expired),
    );
    Json(expired).into_response()
}
