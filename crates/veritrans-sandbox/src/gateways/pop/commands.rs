//! The server API: `POST` payment key, payment link and account management key.
//!
//! Each request is authorised with the POP server key (`RC17`), read with
//! `pop_proto::Validate::from_json` (`RC31` for a missing parameter, the parameter's
//! own code for a wrong JSON type), checked with `pop_proto::Validate` (the first
//! violation's result code, exactly what `pop_proto`'s client-side validation gives),
//! then against the contract and MAP settings, and an `order_id` already used is
//! `RC20`. Nothing here restates a rule of the guide: those live in the spec.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use pop_proto::endpoints::REQUEST_MEDIA_TYPE;
use pop_proto::types::{
    AccountManagementKeyRequest, BankParameters, CardParameters, CvsParameters, PaymentKeyRequest,
    PaymentLinkRequest,
};
use pop_proto::{BankSubType, CvsSubType, PaymentType, ResultCode, Validate, Yen};
use serde::Serialize;
use time::OffsetDateTime;

use super::answers::{self, Failure};
use super::settings::Terms;
use super::state::Stage;
use super::store::{Order, Store};
use super::{DEFAULT_KEY_EXPIRY_MINUTES, LinkQuery, PAYMENT_LINK_PAGE_PATH, jst_stamp};
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

/// A `GET` on an API path: POP's "Invalid HTTP method".
pub(super) async fn get_refused() -> Response {
    Failure::bad_request(ResultCode::RC32, None).into_response()
}

fn authorised(state: &AppState, headers: &HeaderMap) -> bool {
    let expected = veritrans_sign::pop::authorization(&state.credentials().pop_server_key);
    let given = headers
        .get(http::header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    // Constant-time: the header carries the server key.
    veritrans_core::ct_eq(given, expected.as_bytes())
}

/// Auth, media type, body parsing and validation shared by the three key requests;
/// the error is the finished POP failure answer.
fn read_request<T: Validate>(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Failure> {
    if !authorised(state, headers) {
        return Err(Failure::unauthorized(ResultCode::RC17));
    }
    let media = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if media.as_deref() != Some(REQUEST_MEDIA_TYPE) {
        return Err(Failure::bad_request(ResultCode::RC30, None));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Failure::bad_request(ResultCode::RC43, Some(e.to_string())))?;
    let request = T::from_json(value).map_err(|violation| {
        Failure::bad_request(violation.result_code.clone(), Some(violation.to_string()))
    })?;
    request.validate_on(now_jst().date()).map_err(|errors| {
        let detail = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        let code = errors
            .iter()
            .next()
            .map_or(ResultCode::RA01, |v| v.result_code.clone());
        Failure::bad_request(code, Some(detail))
    })?;
    Ok(request)
}

/// The end of a key's validity: the requested minutes, else the guide's default.
fn expiry(requested: Option<i64>) -> OffsetDateTime {
    now_jst() + time::Duration::minutes(requested.unwrap_or(DEFAULT_KEY_EXPIRY_MINUTES))
}

/// What a payment key or payment link request asks for.
struct NewOrder<'a> {
    order_id: String,
    gross_amount: Yen,
    dummy: Option<bool>,
    expiry: Option<i64>,
    types: Vec<PaymentType>,
    card: Option<&'a CardParameters>,
    cvs: &'a [CvsParameters],
    bank: Option<&'a BankParameters>,
    success_url: Option<String>,
    failure_url: Option<String>,
    incomplete_url: Option<String>,
    push_url: Option<String>,
}

/// The log's summary of a new payment key.
#[derive(Serialize)]
struct KeyRecord<'a> {
    order_id: &'a str,
    gross_amount: Yen,
    expires_at: &'a str,
}

/// Creates the order and its key, or answers what the contract refuses
/// (`settings::Settings::check`) or `RC20` for an order ID already used.
fn create_order(
    state: &AppState,
    store: &Store,
    new: NewOrder<'_>,
    kind: &str,
) -> Result<(String, OffsetDateTime), Failure> {
    let expires_at = expiry(new.expiry);
    let cvs_sub_types: Vec<CvsSubType> =
        new.cvs.iter().map(|c| c.payment_sub_type.clone()).collect();
    let bank_sub_types: Vec<BankSubType> = new
        .bank
        .iter()
        .flat_map(|b| b.payment_type.iter().map(|t| t.payment_sub_type.clone()))
        .collect();
    let mpi = new.card.and_then(|c| c.mpi);
    let key = {
        let mut inner = store.lock();
        let terms = Terms {
            payment_types: &new.types,
            cvs_sub_types: cvs_sub_types.iter().collect(),
            bank_sub_types: bank_sub_types.iter().collect(),
            mpi,
            dummy: new.dummy,
        };
        if let Err((code, detail)) = inner.settings.check(&terms) {
            return Err(Failure::bad_request(code, detail));
        }
        let mpi = inner.settings.mpi(mpi);
        if inner.orders.contains_key(&new.order_id) {
            return Err(Failure::bad_request(ResultCode::RC20, None));
        }
        let key = inner.issue_key();
        let types = if new.types.is_empty() {
            PaymentType::KNOWN.to_vec()
        } else {
            new.types
        };
        inner.keys.insert(key.clone(), new.order_id.clone());
        inner.orders.insert(
            new.order_id.clone(),
            Order {
                order_id: new.order_id.clone(),
                key: key.clone(),
                gross_amount: new.gross_amount,
                dummy: new.dummy.unwrap_or(false),
                expires_at,
                types,
                cvs_sub_types,
                mpi,
                success_url: new.success_url,
                failure_url: new.failure_url,
                incomplete_url: new.incomplete_url,
                push_url: new.push_url,
                stage: Stage::Open,
                applied: None,
            },
        );
        key
    };
    let record = KeyRecord {
        order_id: &new.order_id,
        gross_amount: new.gross_amount,
        expires_at: &jst_stamp(expires_at),
    };
    state.note(Gateway::Pop, kind, key.clone(), to_summary(&record));
    Ok((key, expires_at))
}

/// A log summary from a serialisable record.
pub(super) fn to_summary(record: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_else(|e| serde_json::Value::String(e.to_string()))
}

/// `POST /pop/v1/payment-key`.
pub(super) async fn payment_key(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: PaymentKeyRequest = match read_request(&state, &headers, &body) {
        Ok(r) => r,
        Err(failure) => return failure.into_response(),
    };
    let new = NewOrder {
        order_id: request.order_id,
        gross_amount: request.gross_amount,
        dummy: request.dummy,
        expiry: request.payment_key_expiry_duration,
        types: request.enabled_payment_types,
        card: request.card.as_ref(),
        cvs: &request.cvs,
        bank: request.bank.as_ref(),
        success_url: request.success_url,
        failure_url: request.failure_url,
        incomplete_url: request.incomplete_url,
        push_url: request.push_url,
    };
    match create_order(&state, &store, new, "payment_key") {
        Ok((key, expires_at)) => answers::payment_key(key, jst_stamp(expires_at)),
        Err(failure) => failure.into_response(),
    }
}

/// `POST /pop/v1/link-pay`: a payment key whose page opens from a URL (no redirects).
pub(super) async fn payment_link(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: PaymentLinkRequest = match read_request(&state, &headers, &body) {
        Ok(r) => r,
        Err(failure) => return failure.into_response(),
    };
    let new = NewOrder {
        order_id: request.order_id,
        gross_amount: request.gross_amount,
        dummy: request.dummy,
        expiry: request.payment_key_expiry_duration,
        types: request.enabled_payment_types,
        card: request.card.as_ref(),
        cvs: &request.cvs,
        bank: request.bank.as_ref(),
        success_url: None,
        failure_url: None,
        incomplete_url: None,
        push_url: request.push_url,
    };
    match create_order(&state, &store, new, "payment_link") {
        Ok((key, expires_at)) => {
            let url = LinkQuery::url(state.base_url(), key.clone(), PAYMENT_LINK_PAGE_PATH);
            answers::payment_link(key, jst_stamp(expires_at), url)
        }
        Err(failure) => failure.into_response(),
    }
}

/// The log's summary of a new account management key.
#[derive(Serialize)]
struct AccountKeyRecord<'a> {
    paynow_account_id: &'a str,
    expires_at: &'a str,
}

/// `POST /pop/v1/paynow-acctmgmt-key`.
pub(super) async fn account_management_key(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: AccountManagementKeyRequest = match read_request(&state, &headers, &body) {
        Ok(r) => r,
        Err(failure) => return failure.into_response(),
    };
    let expires_at = expiry(request.account_mgmt_key_expiry_duration);
    let key = {
        let mut inner = store.lock();
        let terms = Terms {
            payment_types: &[],
            cvs_sub_types: Vec::new(),
            bank_sub_types: Vec::new(),
            mpi: None,
            dummy: request.dummy,
        };
        if let Err((code, detail)) = inner.settings.check(&terms) {
            drop(inner);
            return Failure::bad_request(code, detail).into_response();
        }
        let key = inner.issue_key();
        inner
            .account_keys
            .insert(key.clone(), (request.paynow_account_id.clone(), expires_at));
        key
    };
    let record = AccountKeyRecord {
        paynow_account_id: &request.paynow_account_id,
        expires_at: &jst_stamp(expires_at),
    };
    state.note(
        Gateway::Pop,
        "account_management_key",
        key.clone(),
        to_summary(&record),
    );
    answers::account_management_key(key, jst_stamp(expires_at))
}
