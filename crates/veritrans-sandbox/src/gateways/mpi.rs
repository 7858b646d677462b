//! VeriTrans 3-D Secure (MPI): the documented search response and signed pushes, driven
//! by sandbox-only request conventions.
//!
//! The guide documents what comes *back* to a merchant — the browser's form POST to
//! `redirection_uri` (`RequestId`, `OrderId`), the `/search` response, the signed push —
//! but neither the 3-D Secure request (`/mpi_charges`) nor the search request. So the two
//! requests here are **sandbox-only conventions**, the least needed to drive the
//! documented parts (see the crate README, section "MPI"):
//!
//! - `POST /mpi/mpi_charges` (JSON: `order_id`, `amount`, `card_number`,
//!   `service_option_type`, `redirection_uri`, optional `push_uri`) runs the "MPI
//!   Authorize" step and answers `mstatus`, `vresult_code`, `request_id` and, when the
//!   browser has somewhere to go, `redirect_url`;
//! - `GET /mpi/acs/{request_id}` is the consumer-side page standing in for the card
//!   company's authentication server (or, for rows 4 and 5-1 under `mpi-company`, the
//!   gateway's payment step); `POST` to the same path completes it: the "Verify" step
//!   is applied, the push is queued, and the answer is an auto-submitting form that
//!   POSTs `RequestId` and `OrderId` to `redirection_uri`;
//! - `POST /mpi/search` (JSON: `request_id`) answers the documented search response.
//!
//! Every outcome comes from `mpi_proto::testing`'s scenario table (per test card and
//! service option type); every body is one of `mpi_proto`'s own types; pushes are signed
//! with `veritrans_sign::mpi::authorization`.

use crate::gateways::html::escape;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use http::StatusCode;
use mpi_proto::testing::{SEARCH_SAMPLE, Scenario};
use mpi_proto::{
    CardCode, CardTransactionInfo, MStatus, MpiTransactionInfo, OrderInfo, ProperTransactionInfo,
    PushData, PushNotification, SearchResponse, ServiceOptionType, TransactionInfo, VResultCode,
    validate,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};

use crate::delivery::Delivery;
use crate::error::ApiError;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

/// Starts a 3-D Secure transaction (sandbox-only request format).
pub const CHARGES_PATH: &str = "/mpi/mpi_charges";
/// The search API (sandbox-only request format, documented response).
pub const SEARCH_PATH: &str = "/mpi/search";
/// The consumer-side authentication page, `{request_id}` appended.
pub const ACS_PATH_PREFIX: &str = "/mpi/acs/";

/// The 3-D Secure code of a card that is not one of the guide's test cards, under every
/// option: `GE04` ("Error occurred in MPI library"), an abnormal end at the authorize
/// step. A sandbox choice: it never pays and never sends the browser anywhere.
pub const NON_TEST_CARD_CODE: &str = "GE04000000000000";

/// Largest accepted `amount` (yen). The guide states no limit; this is the sandbox's.
pub const MAX_AMOUNT: i64 = 99_999_999;

/// Longest accepted `redirection_uri` / `push_uri`. The guide states no limit.
pub const MAX_URI_LEN: usize = 2048;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(CHARGES_PATH, post(charge))
        .route(SEARCH_PATH, post(search))
        .route("/mpi/acs/{request_id}", get(acs_page).post(acs_complete))
        .layer(Extension(Store::new()))
}

/// This gateway's state in one sandbox: the transactions by Request ID.
#[derive(Clone, Debug)]
struct Store {
    inner: Arc<Mutex<Inner>>,
    sample: Arc<Option<Sample>>,
}

#[derive(Debug, Default)]
struct Inner {
    by_request: HashMap<String, Txn>,
    order_ids: HashMap<String, String>,
    next_request: u64,
    next_push: u64,
}

/// The parts of the guide's search sample the sandbox answers with, read from
/// `mpi_proto::testing::SEARCH_SAMPLE` so the guide's data lives in one place.
#[derive(Debug)]
struct Sample {
    envelope: SearchResponse,
    mpi: MpiTransactionInfo,
    card: CardTransactionInfo,
}

impl Sample {
    fn load() -> Option<Sample> {
        let envelope = SearchResponse::from_json(SEARCH_SAMPLE.as_bytes()).ok()?;
        let transactions = &envelope.order_info.as_ref()?.transaction_info_array;
        let mut mpi = None;
        let mut card = None;
        for t in transactions {
            match &t.proper_transaction_info {
                Some(ProperTransactionInfo::Mpi(info)) => mpi = Some(info.clone()),
                Some(ProperTransactionInfo::Card(info)) => card = Some(info.clone()),
                _ => {}
            }
        }
        Some(Sample {
            mpi: mpi?,
            card: card?,
            envelope: SearchResponse {
                order_info: None,
                ..envelope
            },
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// The authorize step failed: no redirect, no verify step, no push.
    Ended,
    /// The browser was sent to the authentication page.
    AwaitingBrowser,
    /// The verify step ran; the browser was sent back to `redirection_uri`.
    Completed,
}

#[derive(Clone, Debug)]
struct Txn {
    request_id: String,
    order_id: String,
    amount: i64,
    card_masked: String,
    option: ServiceOptionType,
    scenario: Option<&'static Scenario>,
    verify_code: Option<String>,
    redirection_uri: String,
    push_uri: Option<String>,
    stage: Stage,
    last_success_command: Option<&'static str>,
    transactions: Vec<TransactionInfo>,
}

impl Store {
    fn new() -> Self {
        Self {
            inner: Arc::default(),
            sample: Arc::new(Sample::load()),
        }
    }

    // Every mutation completes under one lock, so a poisoned lock still guards
    // consistent data.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The body of `POST /mpi/mpi_charges` (sandbox-only).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChargeRequest {
    order_id: String,
    amount: i64,
    card_number: String,
    service_option_type: String,
    redirection_uri: String,
    #[serde(default)]
    push_uri: Option<String>,
}

/// The answer of `POST /mpi/mpi_charges` (sandbox-only).
#[derive(Debug, Serialize)]
struct ChargeResponse {
    mstatus: MStatus,
    vresult_code: String,
    order_id: String,
    request_id: String,
    service_option_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_url: Option<String>,
}

/// The body of `POST /mpi/search` (sandbox-only).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchRequest {
    request_id: String,
}

async fn charge(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    body: Result<Json<ChargeRequest>, JsonRejection>,
) -> Result<Json<ChargeResponse>, ApiError> {
    let Json(request) = body?;
    let option = service_option_type(&request.service_option_type)?;
    validate::check("RedirectParameters", "OrderId", &request.order_id)
        .map_err(|e| ApiError::bad_request(format!("order_id: {e}")))?;
    if !(1..=MAX_AMOUNT).contains(&request.amount) {
        return Err(ApiError::bad_request(format!(
            "amount: must be an integer number of yen from 1 to {MAX_AMOUNT}, got {}",
            request.amount
        )));
    }
    check_card_number(&request.card_number)?;
    check_uri("redirection_uri", &request.redirection_uri)?;
    if let Some(uri) = &request.push_uri {
        check_uri("push_uri", uri)?;
    }

    let scenario = Scenario::by_card(&request.card_number);
    let (authorize_code, verify_code) = match scenario {
        Some(s) => (
            s.authorize_code_for_card(&request.card_number, &option),
            s.verify_code_for_card(&request.card_number, &option),
        ),
        None => (Some(NON_TEST_CARD_CODE.to_owned()), None),
    };
    let authorize_code = authorize_code.ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the scenario table has no authorize code for this card and option; this is a sandbox bug",
        )
    })?;
    let status = note_1(&authorize_code);
    let card_masked = veritrans_core::card::mask(&request.card_number);

    let request_id = {
        let mut inner = store.lock();
        if let Some(existing) = inner.order_ids.get(&request.order_id) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "order_id: {:?} was already used (request_id {existing:?}); order IDs are unique",
                    request.order_id
                ),
            ));
        }
        inner.next_request += 1;
        let request_id = format!(
            "mpi-{}-{:06}",
            now_jst().unix_timestamp(),
            inner.next_request
        );
        let authorize = TransactionInfo {
            amount: Some(request.amount),
            command: Some("Authorize".to_owned()),
            mstatus: Some(status.clone()),
            proper_transaction_info: Some(ProperTransactionInfo::Mpi(empty_mpi_info())),
            transaction_datetime: Some(transaction_datetime()),
            vresult_code: Some(authorize_code.clone()),
            extra: Map::new(),
        };
        let ended = status == MStatus::Failure;
        let txn = Txn {
            request_id: request_id.clone(),
            order_id: request.order_id.clone(),
            amount: request.amount,
            card_masked: card_masked.clone(),
            option: option.clone(),
            scenario,
            verify_code,
            redirection_uri: request.redirection_uri,
            push_uri: request.push_uri,
            stage: if ended {
                Stage::Ended
            } else {
                Stage::AwaitingBrowser
            },
            last_success_command: (!ended).then_some("Authorize"),
            transactions: vec![authorize],
        };
        inner
            .order_ids
            .insert(request.order_id.clone(), request_id.clone());
        inner.by_request.insert(request_id.clone(), txn);
        request_id
    };

    let redirect_url = (status == MStatus::Success)
        .then(|| format!("{}{ACS_PATH_PREFIX}{request_id}", state.base_url()));
    state.record(
        Gateway::Mpi,
        "authorize",
        request_id.clone(),
        json!({
            "order_id": request.order_id,
            "amount": request.amount,
            "card": card_masked,
            "service_option_type": option.as_str(),
            "scenario": scenario.map(|s| s.no),
            "mstatus": status.as_str(),
            "vresult_code": authorize_code,
        }),
    );
    Ok(Json(ChargeResponse {
        mstatus: status,
        vresult_code: authorize_code,
        order_id: request.order_id,
        request_id,
        service_option_type: option.as_str().to_owned(),
        redirect_url,
    }))
}

async fn acs_page(
    Extension(store): Extension<Store>,
    request_id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, ApiError> {
    let Path(request_id) = request_id?;
    let txn = find(&store, &request_id)?;
    if txn.stage == Stage::Ended {
        return Err(ended(&txn));
    }
    let expected = txn
        .verify_code
        .as_deref()
        .unwrap_or("(no verify step: the authorize result stands)");
    let scenario = txn.scenario.map_or_else(
        || "not a test card".to_owned(),
        |s| format!("row {} — {}", s.no, s.title),
    );
    Ok(Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>3-D Secure sandbox authentication</title></head><body>\n\
         <h1>3-D Secure sandbox authentication</h1>\n\
         <p>This page stands in for the card company's authentication server. \
         The outcome is set by the test card and the service option type \
         (the guide's scenario table), not by anything entered here.</p>\n\
         <dl><dt>Order ID</dt><dd>{order}</dd><dt>Amount</dt><dd>{amount} yen</dd>\
         <dt>Card</dt><dd>{card}</dd><dt>Service option type</dt><dd>{option}</dd>\
         <dt>Scenario</dt><dd>{scenario}</dd><dt>Verify result</dt><dd>{expected}</dd></dl>\n\
         <form method=\"post\" action=\"{action}\">\
         <button type=\"submit\">Complete authentication</button></form>\n\
         </body></html>\n",
        order = escape(&txn.order_id),
        amount = txn.amount,
        card = escape(&txn.card_masked),
        option = escape(txn.option.as_str()),
        scenario = escape(&scenario),
        expected = escape(expected),
        action = escape(&format!("{ACS_PATH_PREFIX}{}", txn.request_id)),
    )))
}

async fn acs_complete(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    request_id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, ApiError> {
    let Path(request_id) = request_id?;
    // Apply the verify step once: a repeated POST (reload, back button) only shows the
    // redirect form again.
    let (txn, newly_completed) = {
        let mut inner = store.lock();
        let Some(txn) = inner.by_request.get_mut(&request_id) else {
            return Err(unknown_request(&request_id));
        };
        match txn.stage {
            Stage::Ended => return Err(ended(txn)),
            Stage::Completed => (txn.clone(), false),
            Stage::AwaitingBrowser => {
                txn.stage = Stage::Completed;
                if let Some(code) = txn.verify_code.clone() {
                    verify(txn, &code, &store.sample);
                }
                (txn.clone(), true)
            }
        }
    };

    if newly_completed {
        let push = match (&txn.verify_code, &txn.push_uri) {
            (Some(code), Some(uri)) => Some(push(&state, &store, &txn, code, uri)?),
            _ => None,
        };
        state.record(
            Gateway::Mpi,
            "verify",
            txn.request_id.clone(),
            json!({
                "order_id": txn.order_id,
                "vresult_code": txn.verify_code,
                "mstatus": txn.verify_code.as_deref().map(|c| note_1(c).as_str().to_owned()),
                "push": push,
            }),
        );
    }
    Ok(Html(redirect_form(&txn)))
}

/// Appends the verify step's transactions: the `mpi` one, and the `card` one when the
/// card part says the payment was made (`A001`), as in the guide's sample.
fn verify(txn: &mut Txn, code: &str, sample: &Option<Sample>) {
    let status = note_1(code);
    let paid = VResultCode::parse(code).is_ok_and(|c| c.card() == CardCode::Authorized);
    let mut mpi = match (sample, &code[..code.len().min(4)]) {
        (Some(sample), "G011") => sample.mpi.clone(),
        // An attempt: the sample's values with the 3-D Secure "attempted" status.
        (Some(sample), "G012") => MpiTransactionInfo {
            res_3d_eci: Some("06".to_owned()),
            res_3d_transaction_status: Some("A".to_owned()),
            ..sample.mpi.clone()
        },
        _ => empty_mpi_info(),
    };
    mpi.transaction_type = sample.as_ref().and_then(|s| s.mpi.transaction_type.clone());
    let info = |info: ProperTransactionInfo| TransactionInfo {
        amount: Some(txn.amount),
        command: Some("Verify".to_owned()),
        mstatus: Some(status.clone()),
        proper_transaction_info: Some(info),
        transaction_datetime: Some(transaction_datetime()),
        vresult_code: Some(code.to_owned()),
        extra: Map::new(),
    };
    txn.transactions.push(info(ProperTransactionInfo::Mpi(mpi)));
    if paid {
        let card = sample.as_ref().map_or_else(
            || CardTransactionInfo {
                res_auth_code: None,
                res_center_error_code: None,
                extra: Map::new(),
            },
            |s| s.card.clone(),
        );
        txn.transactions
            .push(info(ProperTransactionInfo::Card(card)));
    }
    if status == MStatus::Success {
        txn.last_success_command = Some("Verify");
    }
}

/// Builds, signs and queues the push for a completed verify step; returns the delivery.
fn push(
    state: &AppState,
    store: &Store,
    txn: &Txn,
    code: &str,
    uri: &str,
) -> Result<serde_json::Value, ApiError> {
    let push_id = {
        let mut inner = store.lock();
        inner.next_push = inner.next_push % 99_999_999 + 1;
        format!("{:08}", inner.next_push)
    };
    let mpi_status = note_1(code);
    let card_status = if VResultCode::parse(code).is_ok_and(|c| c.card() == CardCode::Authorized) {
        MStatus::Success
    } else if mpi_status == MStatus::Failure {
        // The guide: "Blank when 3-D Secure result code is failure".
        MStatus::Unknown(String::new())
    } else {
        MStatus::Pending
    };
    let notification = PushNotification {
        push_time: Some(push_time()),
        push_id: Some(push_id.clone()),
        data: vec![PushData {
            order_id: Some(txn.order_id.clone()),
            vresult_code: Some(code.to_owned()),
            transaction_type: Some("Verify".to_owned()),
            mpi_mstatus: Some(mpi_status),
            card_mstatus: Some(card_status),
            test_mode: Some(true),
            extra: Map::new(),
        }],
        extra: Map::new(),
    };
    let body = serde_json::to_vec(&notification).map_err(|e| {
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
        .header("content-type", "application/json")
        .header("authorization", authorization)
        .body(body);
    match state.deliver(delivery) {
        Ok(id) => Ok(json!({"push_id": push_id, "delivery_id": id})),
        // The URI was checked when the transaction started; what remains is a shutdown.
        Err(e) => Ok(json!({"push_id": push_id, "not_queued": e.to_string()})),
    }
}

async fn search(
    Extension(store): Extension<Store>,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> Result<Json<SearchResponse>, Response> {
    let Json(request) = body.map_err(|e| ApiError::from(e).into_response())?;
    validate::check("RedirectParameters", "RequestId", &request.request_id)
        .map_err(|e| ApiError::bad_request(format!("request_id: {e}")).into_response())?;
    let Some(sample) = store.sample.as_ref() else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "mpi_proto::testing::SEARCH_SAMPLE did not parse; this is a sandbox bug",
        )
        .into_response());
    };
    let Some(txn) = store.lock().by_request.get(&request.request_id).cloned() else {
        // Both the sandbox's error shape and a search that did not succeed, so
        // `SearchResponse::ensure_succeeded` reports it with the message.
        let message = format!(
            "no 3-D Secure transaction with request_id {:?}",
            request.request_id
        );
        return Err((
            StatusCode::NOT_FOUND,
            Json(json!({
                "error": "not_found",
                "message": message,
                "mstatus": "failure",
                "status": "failure",
            })),
        )
            .into_response());
    };
    Ok(Json(SearchResponse {
        order_info: Some(OrderInfo {
            order_id: Some(txn.order_id.clone()),
            service_type_code: Some("mpi".to_owned()),
            last_success_command: txn.last_success_command.map(str::to_owned),
            success_detail_transaction_type: None,
            proper_order_info: None,
            transaction_info_array: txn.transactions,
            extra: Map::new(),
        }),
        ..sample.envelope.clone()
    }))
}

/// The auto-submitting form that takes the browser back to `redirection_uri` with the
/// guide's redirect parameters.
fn redirect_form(txn: &Txn) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Returning to the shop</title></head>\n\
         <body onload=\"document.forms[0].submit()\">\n\
         <form method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"RequestId\" value=\"{request_id}\">\n\
         <input type=\"hidden\" name=\"OrderId\" value=\"{order_id}\">\n\
         <noscript><button type=\"submit\">Return to the shop</button></noscript>\n\
         </form></body></html>\n",
        action = escape(&txn.redirection_uri),
        request_id = escape(&txn.request_id),
        order_id = escape(&txn.order_id),
    )
}

fn find(store: &Store, request_id: &str) -> Result<Txn, ApiError> {
    store
        .lock()
        .by_request
        .get(request_id)
        .cloned()
        .ok_or_else(|| unknown_request(request_id))
}

fn unknown_request(request_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "no 3-D Secure transaction with request_id {request_id:?}"
    ))
}

fn ended(txn: &Txn) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "conflict",
        format!(
            "request_id {:?}: the authorize step failed (mstatus failure), so there is no authentication to complete",
            txn.request_id
        ),
    )
}

fn service_option_type(value: &str) -> Result<ServiceOptionType, ApiError> {
    let option = ServiceOptionType::from_wire(value);
    match option {
        ServiceOptionType::MpiComplete | ServiceOptionType::MpiCompany => Ok(option),
        ServiceOptionType::Unknown(_) => Err(ApiError::bad_request(format!(
            "service_option_type: unknown value {value:?}; the sandbox emulates mpi-complete and mpi-company"
        ))),
        _ => Err(ApiError::bad_request(format!(
            "service_option_type: {value:?} is not emulated: the guide's scenario table has columns for mpi-complete and mpi-company only"
        ))),
    }
}

fn check_card_number(number: &str) -> Result<(), ApiError> {
    let len = number.len();
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "card_number: only half-width digits are allowed",
        ));
    }
    if !(12..=19).contains(&len) {
        return Err(ApiError::bad_request(format!(
            "card_number: must have 12 to 19 digits, got {len}"
        )));
    }
    if !veritrans_core::card::luhn(number) {
        return Err(ApiError::bad_request(
            "card_number: fails the Luhn check digit",
        ));
    }
    Ok(())
}

fn check_uri(field: &str, uri: &str) -> Result<(), ApiError> {
    if uri.len() > MAX_URI_LEN {
        return Err(ApiError::bad_request(format!(
            "{field}: at most {MAX_URI_LEN} characters allowed, got {}",
            uri.len()
        )));
    }
    let parsed = reqwest::Url::parse(uri)
        .map_err(|e| ApiError::bad_request(format!("{field}: not an absolute URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ApiError::bad_request(format!(
            "{field}: the scheme must be http or https"
        )));
    }
    Ok(())
}

/// Note *1 of the code list: `GExx` → `failure`, `G0xx` → `success`, read from
/// `mpi_proto`'s code groups.
fn note_1(code: &str) -> MStatus {
    let failure = VResultCode::parse(code)
        .ok()
        .and_then(|c| c.three_d_secure().group())
        .is_none_or(|g| g.is_failure());
    if failure {
        MStatus::Failure
    } else {
        MStatus::Success
    }
}

fn empty_mpi_info() -> MpiTransactionInfo {
    MpiTransactionInfo {
        res_3d_cavv: None,
        res_3d_cavv_algorithm: None,
        res_3d_eci: None,
        res_3d_message_version: None,
        res_3d_transaction_id: None,
        res_3d_transaction_status: None,
        transaction_type: None,
        extra: Map::new(),
    }
}

/// `YYYY-MM-DD hh:mm:ss.SSS`, JST, as in the search sample.
fn transaction_datetime() -> String {
    veritrans_core::jst::format(now_jst(), veritrans_core::jst::DASHES_MILLIS)
}

/// `YYYY/MM/DD hh:mm:ss`, JST, as in the push field table.
fn push_time() -> String {
    veritrans_core::jst::format(now_jst(), veritrans_core::jst::SLASHES)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_sample_feeds_the_answers() {
        let sample = Sample::load().unwrap();
        assert_eq!(sample.envelope.code.as_deref(), Some("Q000"));
        assert_eq!(sample.mpi.res_3d_eci.as_deref(), Some("05"));
        assert_eq!(sample.card.res_auth_code.as_deref(), Some("000000"));
    }

    #[test]
    fn note_1_and_masking() {
        assert_eq!(note_1("G011A00100000000"), MStatus::Success);
        assert_eq!(note_1("GE11000000000000"), MStatus::Failure);
        assert_eq!(note_1("XXXX000000000000"), MStatus::Failure);
        assert_eq!(veritrans_core::card::mask("411111111111"), "411111**1111");
    }
}
