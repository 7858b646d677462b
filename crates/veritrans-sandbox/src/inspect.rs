//! Inspection and fault injection, as a Rust handle and as HTTP under `/_sandbox/`.
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /_sandbox/health` | `200 {"status": "ok", "gateways": [...], "versions": {"unified": {"version", "liveUrl", "sandboxUrl", ...}}, "retention": {...}, "transactions": {...}, "deliveries": {...}}`: the emulated gateways, the [`GuideVersions`](crate::GuideVersions) emulated (with the hosts each guide names), the [`Retention`](crate::Retention), and per gateway the log entries and finished deliveries `retained` and `evicted` |
//! | `GET /_sandbox/transactions[?gateway=&kind=&id=&since=]` | `200 {"transactions": [TransactionRecord…]}` |
//! | `GET /_sandbox/deliveries` | `200 {"deliveries": [DeliveryRecord…]}` |
//! | `GET /_sandbox/deliveries/{id}` | `200 DeliveryRecord`, or `404` |
//! | `POST /_sandbox/deliveries/{id}/redeliver` | `202 DeliveryRecord` (sent again: a duplicate notification), `404`, or `409` while still pending |
//! | `GET /_sandbox/faults` | `200 {"faults": [Fault…]}` |
//! | `POST /_sandbox/faults` with a [`FaultRule`] as JSON | `201 Fault`, or `400` naming the field |
//! | `DELETE /_sandbox/faults` | `204`, every rule removed |
//! | `DELETE /_sandbox/faults/{id}` | `204`, or `404` |
//! | `GET /_sandbox/clock` | `200 {"offsetMs": n}`: how far the sandbox's clock is ahead of real time |
//! | `POST /_sandbox/clock/advance` with `{"seconds": n}` | `200 {"offsetMs": n}`, or `400` past [`MAX_CLOCK_OFFSET`](crate::MAX_CLOCK_OFFSET) |
//!
//! Errors use the [`ApiError`] JSON shape.

use std::time::Duration;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use http::StatusCode;
use serde_json::json;

use crate::clock::ClockError;
use crate::delivery::{DeliveryError, DeliveryRecord};
use crate::error::ApiError;
use crate::faults::{Fault, FaultError, FaultId, FaultRule};
use crate::gateways;
use crate::log::{TransactionFilter, TransactionRecord};
use crate::state::AppState;

/// Inspects a running sandbox and injects faults; the Rust twin of the `/_sandbox/` API.
///
/// Obtained from [`RunningSandbox::inspect`](crate::RunningSandbox::inspect); cloning
/// shares the same sandbox.
#[derive(Clone, Debug)]
pub struct Inspector {
    state: AppState,
}

impl Inspector {
    pub(crate) fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Every transaction/event record, oldest first.
    pub fn transactions(&self) -> Vec<TransactionRecord> {
        self.state
            .transactions()
            .list(&TransactionFilter::default())
    }

    /// The records matching `filter`, oldest first.
    pub fn transactions_matching(&self, filter: &TransactionFilter) -> Vec<TransactionRecord> {
        self.state.transactions().list(filter)
    }

    /// Every delivery, in the order queued.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.deliveries().list()
    }

    /// One delivery by ID.
    pub fn delivery(&self, id: &str) -> Option<DeliveryRecord> {
        self.state.deliveries().get(id)
    }

    /// Waits until delivery `id` is delivered, failed or cancelled, or `timeout` passes;
    /// see [`DeliveryLog::wait_settled`](crate::DeliveryLog::wait_settled).
    pub async fn wait_delivery_settled(
        &self,
        id: &str,
        timeout: Duration,
    ) -> Option<DeliveryRecord> {
        self.state.deliveries().wait_settled(id, timeout).await
    }

    /// Sends a settled delivery once more; see [`AppState::redeliver`].
    pub fn redeliver(&self, id: &str) -> Result<(), DeliveryError> {
        self.state.redeliver(id)
    }

    /// Adds a fault rule; it applies to the next `rule.count` matching requests.
    pub fn add_fault(&self, rule: FaultRule) -> Result<Fault, FaultError> {
        self.state.faults().add(rule)
    }

    /// The active fault rules.
    pub fn faults(&self) -> Vec<Fault> {
        self.state.faults().list()
    }

    /// Removes one rule; `false` if it was not active (expired or never added).
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.state.faults().remove(id)
    }

    /// Removes every rule.
    pub fn clear_faults(&self) {
        self.state.faults().clear();
    }

    /// Moves the sandbox's clock forward (e.g. past the Unified API's 24-hour
    /// idempotency window); returns how far it is now ahead of real time.
    pub fn advance_clock(&self, by: Duration) -> Result<Duration, ClockError> {
        self.state.clock().advance(by)
    }
}

/// The `/_sandbox/` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sandbox/health", get(health))
        .route("/_sandbox/transactions", get(transactions))
        .route("/_sandbox/deliveries", get(deliveries))
        .route("/_sandbox/deliveries/{id}", get(delivery))
        .route("/_sandbox/deliveries/{id}/redeliver", post(redeliver))
        .route(
            "/_sandbox/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/faults/{id}", delete(remove_fault))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
}

async fn clock(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({"offsetMs": millis(state.clock().offset())}))
}

/// The body of `POST /_sandbox/clock/advance`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: u64,
}

async fn advance_clock(
    State(state): State<AppState>,
    body: Result<Json<Advance>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(Advance { seconds }) = body?;
    let offset = state
        .clock()
        .advance(Duration::from_secs(seconds))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Json(json!({"offsetMs": millis(offset)})))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let mut transactions = serde_json::Map::new();
    let mut deliveries = serde_json::Map::new();
    for gateway in crate::log::Gateway::ALL {
        let name = gateway.as_str().to_owned();
        transactions.insert(name.clone(), json!(state.transactions().counts(gateway)));
        deliveries.insert(name, json!(state.deliveries().counts(gateway)));
    }
    Json(json!({
        "status": "ok",
        "gateways": gateways::EMULATED,
        "versions": state.versions().report(),
        "retention": state.retention(),
        "transactions": transactions,
        "deliveries": deliveries,
    }))
}

async fn transactions(
    State(state): State<AppState>,
    filter: Result<Query<TransactionFilter>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(filter) = filter?;
    let records = state.transactions().list(&filter);
    Ok(Json(json!({"transactions": records})))
}

async fn deliveries(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({"deliveries": state.deliveries().list()}))
}

async fn delivery(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<DeliveryRecord>, ApiError> {
    let Path(id) = id?;
    state
        .deliveries()
        .get(&id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no delivery with id {id:?}")))
}

async fn redeliver(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    match state.redeliver(&id) {
        Ok(()) => {
            let record = state.deliveries().get(&id);
            Ok((StatusCode::ACCEPTED, Json(record)).into_response())
        }
        Err(e @ DeliveryError::UnknownId(_)) => Err(ApiError::not_found(e.to_string())),
        Err(e @ DeliveryError::StillPending(_)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            e.to_string(),
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            e.to_string(),
        )),
    }
}

async fn faults(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({"faults": state.faults().list()}))
}

async fn add_fault(
    State(state): State<AppState>,
    rule: Result<Json<FaultRule>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(rule) = rule?;
    let fault = state
        .faults()
        .add(rule)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(fault)).into_response())
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

async fn remove_fault(
    State(state): State<AppState>,
    id: Result<Path<u64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    if state.faults().remove(FaultId(id)) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no active fault with id {id}")))
    }
}
