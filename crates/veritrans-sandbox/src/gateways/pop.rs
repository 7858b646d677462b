//! VeriTrans4G POP: payment keys, payment links, PayNowID account management keys, the
//! consumer payment page, signed redirects and signed pushes.
//!
//! - `POST /pop/v1/payment-key`, `/pop/v1/link-pay`, `/pop/v1/paynow-acctmgmt-key`: Basic
//!   auth with the configured POP server key (`401` + `RC17` otherwise), the body read with
//!   `pop_proto::Validate::from_json` (`RC31` for a missing parameter, the parameter's own
//!   code for a wrong JSON type) and checked with `pop_proto::Validate` (so the first
//!   violation's result code is exactly what `pop_proto`'s client-side validation gives),
//!   then against the contract and MAP settings (`settings`: `RC21`, `RC22`, `RC44`,
//!   `RC50`, `RC1L`), `RC20` for an `order_id` already used, `201` with a unique
//!   24-character key.
//! - The consumer page stands in for the POP JS screen: `GET /pop/v1/pay/{payment_key}`
//!   (the sandbox path for `pop.pay(payment_key)`) and `GET /pop/v1/payment-link?payment_key=…`
//!   (the `pay_link_url`). Its plain forms POST to `/pop/v1/pay/{payment_key}`; the answer
//!   is an auto-submitting form that POSTs the signed redirect to `success_url`,
//!   `failure_url` or `incomplete_url`, while the signed push goes to `push_url` through
//!   the sandbox's delivery engine.
//! - Outcomes come from `pop_proto::testing`: test cards and the expiry → `v_result_code`
//!   table (a non-test card gives `AC09`), the CVS telephone prefix rule, the bank
//!   last-digit rule. CVS and bank are paid later: `POST /_sandbox/pop/release/{order_id}`
//!   sends the `paid` push.
//! - `POST /_sandbox/pop/expire/{payment_key}` ends a key's validity (`RC34` without
//!   waiting); 3-D Secure orders answer `NH02` (the scenario cards are not in the guide) or
//!   `RC5C` with less than a minute left on the key.

mod settings;

use crate::gateways::html::escape;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use http::{HeaderMap, StatusCode};
use pop_proto::endpoints::{ACCOUNT_MANAGEMENT_KEY_PATH, PAYMENT_KEY_PATH, PAYMENT_LINK_PATH};
use pop_proto::testing::{self, Outcome};
use pop_proto::types::{
    AccountManagementKeyRequest, AccountManagementKeyResponse, ErrorResponse, PaymentKeyRequest,
    PaymentKeyResponse, PaymentLinkRequest, PaymentLinkResponse,
};
use pop_proto::{
    BankSubType, CvsSubType, CvsType, GatewayStatus, NotificationPaymentType, PaymentType,
    ResultCode, ResultType, Status, Validate,
};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::delivery::Delivery;
use crate::error::ApiError;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

/// The consumer page for `pop.pay(payment_key)`, `{payment_key}` appended.
pub const PAY_PATH_PREFIX: &str = "/pop/v1/pay/";
/// The page behind `pay_link_url` (`?payment_key=…`), as in the guide's sample URL.
pub const PAYMENT_LINK_PAGE_PATH: &str = "/pop/v1/payment-link";
/// Releases the second (paid) phase of a CVS or bank payment, `{order_id}` appended.
pub const RELEASE_PATH_PREFIX: &str = "/_sandbox/pop/release/";
/// Makes a payment key expire now (the passage of time, without waiting), `{payment_key}`
/// appended.
pub const EXPIRE_PATH_PREFIX: &str = "/_sandbox/pop/expire/";
/// The contract and MAP settings (`GET`, `PUT`).
pub const SETTINGS_PATH: &str = "/_sandbox/pop/settings";
/// Time a 3-D Secure payment needs left on its key: with less, the guide's `RC5C`.
pub const MPI_MIN_KEY_LIFE: time::Duration = time::Duration::MINUTE;
/// The `merchant_id` in every notification (22 characters, as the guide's field).
pub const MERCHANT_ID: &str = "A100000000000000000001";
/// Default key validity in minutes (`payment_key_expiry_duration`,
/// `account_mgmt_key_expiry_duration`), as the guide says.
pub const DEFAULT_KEY_EXPIRY_MINUTES: i64 = 1440;
/// Length of every key the sandbox issues (the guide's `string(24)`).
pub const KEY_LEN: usize = 24;
/// `v_result_code` of an authorised test card payment: the card code for "authorised".
/// The POP guide does not show a success `v_result_code`; this is a sandbox choice.
pub const CARD_SUCCESS_V_RESULT_CODE: &str = "A001";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(PAYMENT_KEY_PATH, post(payment_key).get(get_refused))
        .route(PAYMENT_LINK_PATH, post(payment_link).get(get_refused))
        .route(
            ACCOUNT_MANAGEMENT_KEY_PATH,
            post(account_management_key).get(get_refused),
        )
        .route(PAYMENT_LINK_PAGE_PATH, get(link_page))
        .route("/pop/v1/pay/{payment_key}", get(pay_page).post(pay_submit))
        .route("/_sandbox/pop/release/{order_id}", post(release))
        .route("/_sandbox/pop/expire/{payment_key}", post(expire))
        .route(
            SETTINGS_PATH,
            get(settings::get_settings).put(settings::put_settings),
        )
        .layer(Extension(Store::default()))
}

/// This gateway's state in one sandbox.
#[derive(Clone, Debug, Default)]
struct Store {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    orders: HashMap<String, Order>,
    keys: HashMap<String, String>,
    account_keys: HashMap<String, (String, OffsetDateTime)>,
    next: u64,
    settings: settings::Settings,
}

impl Store {
    // Every mutation completes under one lock, so a poisoned lock still guards
    // consistent data.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// The consumer has not paid yet.
    Open,
    /// CVS/bank applied; the paid push waits for a release.
    Applied,
    /// Finished (card result, a failure, or CVS/bank paid).
    Done,
}

#[derive(Clone, Debug)]
struct Order {
    order_id: String,
    key: String,
    gross_amount: i64,
    dummy: bool,
    expires_at: OffsetDateTime,
    types: Vec<PaymentType>,
    cvs_sub_types: Vec<CvsSubType>,
    /// Card payments do 3-D Secure (`card.mpi`, else the MAP setting).
    mpi: bool,
    success_url: Option<String>,
    failure_url: Option<String>,
    incomplete_url: Option<String>,
    push_url: Option<String>,
    stage: Stage,
    /// The applied notification's parameters, reused for the paid push.
    applied: Option<Map<String, Value>>,
}

// ---------------------------------------------------------------- server API

/// A POP failure answer: HTTP status, result code, and what exactly was wrong.
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    code: ResultCode,
    detail: Option<String>,
}

fn failure(status: StatusCode, code: ResultCode, detail: Option<String>) -> Failure {
    Failure {
        status,
        code,
        detail,
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let base = self.code.description().unwrap_or("Error").to_owned();
        let message = match self.detail {
            Some(d) => format!("{base} ({d})"),
            None => base,
        };
        let body = ErrorResponse {
            message,
            result_code: self.code,
            status: Status::Failure,
        };
        (self.status, Json(body)).into_response()
    }
}

async fn get_refused() -> Response {
    failure(StatusCode::BAD_REQUEST, ResultCode::RC32, None).into_response()
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

/// Auth, media type and body parsing shared by the three key requests; the error is the
/// finished POP failure response. `pop_proto`'s `Validate::from_json` gives the codes of
/// a missing parameter (`RC31`, at any depth) and of a value of the wrong JSON type (that
/// parameter's own code).
fn parse_request<T: Validate>(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Failure> {
    if !authorised(state, headers) {
        return Err(failure(StatusCode::UNAUTHORIZED, ResultCode::RC17, None));
    }
    let media = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if media.as_deref() != Some("application/json") {
        return Err(failure(StatusCode::BAD_REQUEST, ResultCode::RC30, None));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        failure(
            StatusCode::BAD_REQUEST,
            ResultCode::RC43,
            Some(e.to_string()),
        )
    })?;
    T::from_json(value).map_err(|violation| {
        failure(
            StatusCode::BAD_REQUEST,
            violation.result_code.clone(),
            Some(violation.to_string()),
        )
    })
}

fn validated<T: Validate>(request: &T) -> Result<(), Failure> {
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
        failure(StatusCode::BAD_REQUEST, code, Some(detail))
    })
}

fn expiry_minutes(requested: Option<i64>) -> i64 {
    requested.unwrap_or(DEFAULT_KEY_EXPIRY_MINUTES)
}

/// A 24-character alphanumeric key; uniqueness is enforced by the caller under the lock.
fn new_key(counter: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // RandomState is seeded randomly per instance: unpredictable enough for a sandbox,
    // without a random-number dependency.
    let mut out = String::with_capacity(KEY_LEN);
    let mut round = 0u64;
    while out.len() < KEY_LEN {
        let mut hasher = std::hash::RandomState::new().build_hasher();
        hasher.write_u64(counter);
        hasher.write_u64(round);
        let mut bits = hasher.finish();
        for _ in 0..10 {
            if out.len() == KEY_LEN {
                break;
            }
            out.push(char::from(ALPHABET[(bits % 62) as usize]));
            bits /= 62;
        }
        round += 1;
    }
    out
}

fn issue_key(inner: &mut Inner) -> String {
    loop {
        inner.next += 1;
        let key = new_key(inner.next);
        if !inner.keys.contains_key(&key) && !inner.account_keys.contains_key(&key) {
            return key;
        }
    }
}

struct NewOrder {
    order_id: String,
    gross_amount: i64,
    dummy: Option<bool>,
    expiry: Option<i64>,
    types: Vec<PaymentType>,
    cvs_sub_types: Vec<CvsSubType>,
    bank_sub_types: Vec<BankSubType>,
    mpi: Option<bool>,
    success_url: Option<String>,
    failure_url: Option<String>,
    incomplete_url: Option<String>,
    push_url: Option<String>,
}

/// Creates the order and its key, or answers what the contract refuses
/// (`settings::Settings::check`) or RC20 for an order ID already used.
fn create_order(
    state: &AppState,
    store: &Store,
    new: NewOrder,
    kind: &str,
) -> Result<(String, OffsetDateTime), Failure> {
    let expires_at = now_jst() + time::Duration::minutes(expiry_minutes(new.expiry));
    let key = {
        let mut inner = store.lock();
        let terms = settings::Terms {
            payment_types: &new.types,
            cvs_sub_types: new.cvs_sub_types.iter().collect(),
            bank_sub_types: new.bank_sub_types.iter().collect(),
            mpi: new.mpi,
            dummy: new.dummy,
        };
        if let Err((code, detail)) = inner.settings.check(&terms) {
            return Err(failure(StatusCode::BAD_REQUEST, code, Some(detail)));
        }
        let mpi = inner.settings.mpi(new.mpi);
        if inner.orders.contains_key(&new.order_id) {
            return Err(failure(StatusCode::BAD_REQUEST, ResultCode::RC20, None));
        }
        let key = issue_key(&mut inner);
        let types = if new.types.is_empty() {
            vec![PaymentType::Card, PaymentType::Cvs, PaymentType::Bank]
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
                types: types.clone(),
                cvs_sub_types: new.cvs_sub_types,
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
    state.record(
        Gateway::Pop,
        kind,
        key.clone(),
        json!({
            "order_id": new.order_id,
            "gross_amount": new.gross_amount,
            "expires_at": veritrans_core::jst::format_compact(expires_at),
        }),
    );
    Ok((key, expires_at))
}

async fn payment_key(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: PaymentKeyRequest = match parse_request(&state, &headers, &body) {
        Ok(r) => r,
        Err(response) => return response.into_response(),
    };
    if let Err(response) = validated(&request) {
        return response.into_response();
    }
    let new = NewOrder {
        order_id: request.order_id,
        gross_amount: request.gross_amount,
        dummy: request.dummy,
        expiry: request.payment_key_expiry_duration,
        types: request.enabled_payment_types,
        cvs_sub_types: request
            .cvs
            .iter()
            .map(|c| c.payment_sub_type.clone())
            .collect(),
        bank_sub_types: request
            .bank
            .iter()
            .flat_map(|b| b.payment_type.iter().map(|t| t.payment_sub_type.clone()))
            .collect(),
        mpi: request.card.as_ref().and_then(|c| c.mpi),
        success_url: request.success_url,
        failure_url: request.failure_url,
        incomplete_url: request.incomplete_url,
        push_url: request.push_url,
    };
    match create_order(&state, &store, new, "payment_key") {
        Ok((key, expires_at)) => (
            StatusCode::CREATED,
            Json(PaymentKeyResponse {
                message: "\"Payment Key\" has been generated successfully".into(),
                payment_key: Some(key),
                payment_key_expiry_time: Some(veritrans_core::jst::format_compact(expires_at)),
                result_code: ResultCode::R000,
                status: Status::Success,
            }),
        )
            .into_response(),
        Err(response) => response.into_response(),
    }
}

async fn payment_link(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: PaymentLinkRequest = match parse_request(&state, &headers, &body) {
        Ok(r) => r,
        Err(response) => return response.into_response(),
    };
    if let Err(response) = validated(&request) {
        return response.into_response();
    }
    let new = NewOrder {
        order_id: request.order_id,
        gross_amount: request.gross_amount,
        dummy: request.dummy,
        expiry: request.payment_key_expiry_duration,
        types: request.enabled_payment_types,
        cvs_sub_types: request
            .cvs
            .iter()
            .map(|c| c.payment_sub_type.clone())
            .collect(),
        bank_sub_types: request
            .bank
            .iter()
            .flat_map(|b| b.payment_type.iter().map(|t| t.payment_sub_type.clone()))
            .collect(),
        mpi: request.card.as_ref().and_then(|c| c.mpi),
        success_url: None,
        failure_url: None,
        incomplete_url: None,
        push_url: request.push_url,
    };
    match create_order(&state, &store, new, "payment_link") {
        Ok((key, expires_at)) => (
            StatusCode::CREATED,
            Json(PaymentLinkResponse {
                message: "\"Payment Key\" has been generated successfully".into(),
                pay_link_url: Some(format!(
                    "{}{PAYMENT_LINK_PAGE_PATH}?payment_key={key}",
                    state.base_url()
                )),
                payment_key: Some(key),
                payment_key_expiry_time: Some(veritrans_core::jst::format_compact(expires_at)),
                result_code: ResultCode::R000,
                status: Status::Success,
            }),
        )
            .into_response(),
        Err(response) => response.into_response(),
    }
}

async fn account_management_key(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: AccountManagementKeyRequest = match parse_request(&state, &headers, &body) {
        Ok(r) => r,
        Err(response) => return response.into_response(),
    };
    if let Err(response) = validated(&request) {
        return response.into_response();
    }
    let expires_at = now_jst()
        + time::Duration::minutes(expiry_minutes(request.account_mgmt_key_expiry_duration));
    let key = {
        let mut inner = store.lock();
        let terms = settings::Terms {
            payment_types: &[],
            cvs_sub_types: Vec::new(),
            bank_sub_types: Vec::new(),
            mpi: None,
            dummy: request.dummy,
        };
        if let Err((code, detail)) = inner.settings.check(&terms) {
            drop(inner);
            return failure(StatusCode::BAD_REQUEST, code, Some(detail)).into_response();
        }
        let key = issue_key(&mut inner);
        inner
            .account_keys
            .insert(key.clone(), (request.paynow_account_id.clone(), expires_at));
        key
    };
    state.record(
        Gateway::Pop,
        "account_management_key",
        key.clone(),
        json!({
            "paynow_account_id": request.paynow_account_id,
            "expires_at": veritrans_core::jst::format_compact(expires_at),
        }),
    );
    (
        StatusCode::CREATED,
        Json(AccountManagementKeyResponse {
            account_mgmt_key: Some(key),
            account_mgmt_key_expiry_time: Some(veritrans_core::jst::format_compact(expires_at)),
            message: "Success".into(),
            result_code: ResultCode::R000,
            status: Status::Success,
        }),
    )
        .into_response()
}

// ---------------------------------------------------------------- consumer page

fn page(status: StatusCode, title: &str, body: &str) -> Response {
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

fn find_by_key(store: &Store, key: &str) -> Option<Order> {
    let inner = store.lock();
    inner
        .keys
        .get(key)
        .and_then(|order_id| inner.orders.get(order_id))
        .cloned()
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

#[derive(Debug, serde::Deserialize)]
struct LinkQuery {
    payment_key: String,
}

async fn link_page(
    Extension(store): Extension<Store>,
    query: Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match query {
        Ok(Query(q)) => render_pay_page(&store, &q.payment_key, None),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn pay_page(Extension(store): Extension<Store>, Path(key): Path<String>) -> Response {
    render_pay_page(&store, &key, None)
}

fn render_pay_page(store: &Store, key: &str, error: Option<&str>) -> Response {
    let Some(order) = find_by_key(store, key) else {
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
    if now_jst() > order.expires_at {
        // Any submission now sends the browser to incomplete_url with RC34.
        return page(
            StatusCode::GONE,
            "POP sandbox: payment key expired",
            &format!(
                "{}<form id=\"cancel\" method=\"post\" action=\"{action}\">\
                 <input type=\"hidden\" name=\"payment_type\" value=\"cancel\">\
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
            "<form id=\"card\" method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"payment_type\" value=\"card\">\
             <h2>Card</h2>\
             <label>Card number <input name=\"card_number\" inputmode=\"numeric\" autocomplete=\"off\"></label>\
             <label>Expiry (MM/YY) <input name=\"card_expire\" placeholder=\"12/30\"></label>\
             <label>Security code <input name=\"security_code\" inputmode=\"numeric\"></label>\
             <button type=\"submit\">Pay by card</button></form>\n"
        ));
    }
    if order.types.contains(&PaymentType::Cvs) {
        let subs = if order.cvs_sub_types.is_empty() {
            vec![
                CvsSubType::Sej,
                CvsSubType::Lawson,
                CvsSubType::Famima,
                CvsSubType::Econ,
                CvsSubType::Other,
            ]
        } else {
            order.cvs_sub_types.clone()
        };
        let options: String = subs
            .iter()
            .map(|s| format!("<option value=\"{0}\">{0}</option>", escape(s.as_str())))
            .collect();
        html.push_str(&format!(
            "<form id=\"cvs\" method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"payment_type\" value=\"cvs\">\
             <h2>Convenience store</h2>\
             <label>Store <select name=\"payment_sub_type\">{options}</select></label>\
             <label>Telephone <input name=\"telephone\" inputmode=\"numeric\"></label>\
             <button type=\"submit\">Pay at a convenience store</button></form>\n"
        ));
    }
    if order.types.contains(&PaymentType::Bank) {
        html.push_str(&format!(
            "<form id=\"bank\" method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"payment_type\" value=\"bank\">\
             <h2>Bank (Pay-easy ATM)</h2>\
             <button type=\"submit\">Pay at an ATM</button></form>\n"
        ));
    }
    html.push_str(&format!(
        "<form id=\"cancel\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"payment_type\" value=\"cancel\">\
         <button type=\"submit\">Close without paying</button></form>\n"
    ));
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(status, "POP sandbox payment", &html)
}

/// What a submitted form decided.
struct Decision {
    /// The notification's parameters (no signature).
    params: Map<String, Value>,
    /// Where the browser goes.
    target: Target,
    next_stage: Stage,
}

enum Target {
    Success,
    Failure,
    Incomplete,
}

async fn pay_submit(
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
    let Some(order) = find_by_key(&store, &key) else {
        return unknown_key();
    };
    if order.stage != Stage::Open {
        return render_pay_page(&store, &key, None);
    }
    let mut params = Map::new();
    for (name, value) in [
        ("merchant_id", MERCHANT_ID.to_owned()),
        ("order_id", order.order_id.clone()),
    ] {
        params.insert(name.into(), Value::String(value));
    }
    params.insert("dummy".into(), Value::Bool(order.dummy));

    let payment_type = field("payment_type");
    let decision = if now_jst() > order.expires_at {
        Ok::<Decision, String>(incomplete(params, ResultCode::RC34))
    } else {
        match payment_type.as_str() {
            "card" if order.types.contains(&PaymentType::Card) => card(
                params,
                &order,
                &field("card_number"),
                &field("card_expire"),
                &field("security_code"),
            ),
            "cvs" if order.types.contains(&PaymentType::Cvs) => cvs(
                params,
                &state,
                &order,
                &field("payment_sub_type"),
                &field("telephone"),
            ),
            "bank" if order.types.contains(&PaymentType::Bank) => bank(params, &order),
            "cancel" => Ok(incomplete(params, ResultCode::RC25)),
            other => Err(format!(
                "payment_type: {other:?} is not offered for this order"
            )),
        }
    };
    let decision = match decision {
        Ok(d) => d,
        Err(message) => return render_pay_page(&store, &key, Some(&message)),
    };

    // Apply once: a second submission (double click, reload) sees the order finished.
    {
        let mut inner = store.lock();
        let Some(stored) = inner.orders.get_mut(&order.order_id) else {
            return render_pay_page(&store, &key, None);
        };
        if stored.stage != Stage::Open {
            drop(inner);
            return render_pay_page(&store, &key, None);
        }
        stored.stage = decision.next_stage.clone();
        if decision.next_stage == Stage::Applied {
            stored.applied = Some(decision.params.clone());
        }
    }
    let push = order
        .push_url
        .as_deref()
        .filter(|_| !matches!(decision.target, Target::Incomplete))
        .map(|url| push(&state, &store, url, &decision.params));
    // The notification parameters hold only the masked card number.
    let mut summary = decision.params.clone();
    summary.insert("push".into(), json!(push));
    state.record(
        Gateway::Pop,
        "payment",
        order.order_id.clone(),
        Value::Object(summary),
    );
    let url = match decision.target {
        Target::Success => order.success_url.as_deref(),
        Target::Failure => order.failure_url.as_deref(),
        Target::Incomplete => order.incomplete_url.as_deref(),
    };
    redirect(&state, url, &decision.params)
}

fn incomplete(mut params: Map<String, Value>, code: ResultCode) -> Decision {
    set(&mut params, "status", Status::Failure.as_str());
    params.insert("result_code".into(), Value::String(code.as_str().into()));
    Decision {
        params,
        target: Target::Incomplete,
        next_stage: Stage::Done,
    }
}

fn set(params: &mut Map<String, Value>, name: &str, value: impl Into<String>) {
    params.insert(name.into(), Value::String(value.into()));
}

/// A card payment. The guide ("Testing POP", Credit Card): a test card with an arbitrary
/// expiry succeeds, the expiry table's dates fail with their `v_result_code`, another
/// card fails with `AC09`; with 3-D Secure, a card not in the 3DS2.0 supplementary
/// material's scenario list gives `NH02` (the list is not in the guide, so every card
/// does), and a key with less than a minute left gives `RC5C`.
fn card(
    mut params: Map<String, Value>,
    order: &Order,
    number: &str,
    expire: &str,
    security_code: &str,
) -> Result<Decision, String> {
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("card_number: 12 to 19 half-width digits".into());
    }
    let expire_ok = expire.len() == 5
        && expire.as_bytes()[2] == b'/'
        && expire[..2].bytes().all(|b| b.is_ascii_digit())
        && expire[3..].bytes().all(|b| b.is_ascii_digit())
        && matches!(expire[..2].parse::<u8>(), Ok(1..=12));
    if !expire_ok {
        return Err("card_expire: MM/YY".into());
    }
    if !testing::SECURITY_CODE_DIGITS.contains(&security_code.len())
        || !security_code.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("security_code: 3 or 4 digits".into());
    }
    let payment_type = if order.mpi {
        NotificationPaymentType::Mpi
    } else {
        NotificationPaymentType::Card
    };
    set(&mut params, "payment_type", payment_type.as_str());
    if order.mpi && order.expires_at - now_jst() < MPI_MIN_KEY_LIFE {
        // Refused before the payment gateway: no m_status, v_result_code or card data.
        set(&mut params, "status", Status::Failure.as_str());
        set(&mut params, "result_code", ResultCode::RC5C.as_str());
        return Ok(Decision {
            params,
            target: Target::Failure,
            next_stage: Stage::Done,
        });
    }
    let is_test = testing::TEST_CARDS.iter().any(|c| c.number == number);
    let v_code = if order.mpi {
        Some(testing::UNLISTED_3DS_CARD_V_RESULT_CODE)
    } else if is_test {
        testing::v_result_code_for_expiry(expire)
    } else {
        Some(testing::NON_TEST_CARD_V_RESULT_CODE)
    };
    let success = v_code.is_none();
    let (status, m_status, code) = if success {
        (Status::Success, GatewayStatus::Success, ResultCode::R000)
    } else {
        (Status::Failure, GatewayStatus::Failure, ResultCode::RM01)
    };
    set(&mut params, "status", status.as_str());
    set(&mut params, "result_code", code.as_str());
    set(&mut params, "m_status", m_status.as_str());
    set(
        &mut params,
        "v_result_code",
        v_code.unwrap_or(CARD_SUCCESS_V_RESULT_CODE),
    );
    set(
        &mut params,
        "transaction_datetime",
        veritrans_core::jst::format_compact(now_jst()),
    );
    // The guide's format: first 6 and last 2 digits, one `*` between.
    set(
        &mut params,
        "masked_card_number",
        format!("{}*{}", &number[..6], &number[number.len() - 2..]),
    );
    if success {
        set(&mut params, "auth_code", "000000");
    }
    Ok(Decision {
        params,
        target: if success {
            Target::Success
        } else {
            Target::Failure
        },
        next_stage: Stage::Done,
    })
}

fn digits(seed: u64, len: usize) -> String {
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(seed);
    let n = hasher.finish();
    let text = format!("{:020}", n);
    text[text.len() - len..].to_owned()
}

fn cvs(
    mut params: Map<String, Value>,
    state: &AppState,
    order: &Order,
    sub_type: &str,
    telephone: &str,
) -> Result<Decision, String> {
    let sub: CvsSubType = sub_type
        .parse()
        .map_err(|_| format!("payment_sub_type: {sub_type:?} is not a store"))?;
    let offered = order.cvs_sub_types.is_empty() || order.cvs_sub_types.contains(&sub);
    if matches!(sub, CvsSubType::Unknown(_)) || !offered {
        return Err(format!("payment_sub_type: {sub_type:?} is not offered"));
    }
    if !telephone.bytes().all(|b| b.is_ascii_digit()) || !(10..=11).contains(&telephone.len()) {
        return Err("telephone: 10 or 11 half-width digits".into());
    }
    let outcome = testing::cvs_outcome(telephone).ok_or_else(|| {
        "telephone: the guide's test rule needs the first two digits 00–09".to_owned()
    })?;
    set(
        &mut params,
        "payment_type",
        NotificationPaymentType::Cvs.as_str(),
    );
    set(&mut params, "payment_sub_type", sub.as_str());
    set(
        &mut params,
        "transaction_datetime",
        veritrans_core::jst::format_compact(now_jst()),
    );
    Ok(match outcome {
        Outcome::Success => {
            set(&mut params, "status", Status::Success.as_str());
            set(&mut params, "result_code", ResultCode::R000.as_str());
            set(&mut params, "m_status", GatewayStatus::Pending.as_str());
            set(&mut params, "result_type", ResultType::Applied.as_str());
            // No `telephoneno` (nor `first_name`/`last_name`): the guide returns them "only
            // if the “Phone Number” checkbox ... in POP Settings is checked", which the
            // sandbox's MAP does not.
            set(
                &mut params,
                "receipt_number",
                digits(order.gross_amount as u64, 13),
            );
            if matches!(sub, CvsSubType::Sej | CvsSubType::Other) {
                set(
                    &mut params,
                    "haraikomi_url",
                    format!("{}/pop/v1/haraikomi/{}", state.base_url(), order.key),
                );
            }
            Decision {
                params,
                target: Target::Success,
                next_stage: Stage::Applied,
            }
        }
        Outcome::Failure => {
            set(&mut params, "status", Status::Failure.as_str());
            set(&mut params, "result_code", ResultCode::RM01.as_str());
            set(&mut params, "m_status", GatewayStatus::Failure.as_str());
            set(&mut params, "result_type", ResultType::Applied.as_str());
            Decision {
                params,
                target: Target::Failure,
                next_stage: Stage::Done,
            }
        }
    })
}

fn bank(mut params: Map<String, Value>, order: &Order) -> Result<Decision, String> {
    set(
        &mut params,
        "payment_type",
        NotificationPaymentType::Bank.as_str(),
    );
    set(&mut params, "payment_sub_type", BankSubType::Atm.as_str());
    set(&mut params, "result_type", ResultType::Applied.as_str());
    set(
        &mut params,
        "transaction_datetime",
        veritrans_core::jst::format_compact(now_jst()),
    );
    Ok(match testing::bank_outcome(order.gross_amount) {
        Outcome::Success => {
            set(&mut params, "status", Status::Success.as_str());
            set(&mut params, "result_code", ResultCode::R000.as_str());
            set(&mut params, "m_status", GatewayStatus::Pending.as_str());
            set(&mut params, "agency_code", "58091");
            set(
                &mut params,
                "customer_no",
                digits(order.gross_amount as u64, 20),
            );
            set(
                &mut params,
                "confirm_no",
                digits(!(order.gross_amount as u64), 6),
            );
            Decision {
                params,
                target: Target::Success,
                next_stage: Stage::Applied,
            }
        }
        Outcome::Failure => {
            set(&mut params, "status", Status::Failure.as_str());
            set(&mut params, "result_code", ResultCode::RM01.as_str());
            set(&mut params, "m_status", GatewayStatus::Failure.as_str());
            Decision {
                params,
                target: Target::Failure,
                next_stage: Stage::Done,
            }
        }
    })
}

fn text_pairs(params: &Map<String, Value>) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The auto-submitting form that POSTs the signed redirect, or a result page when the
/// order has no URL for this outcome.
fn redirect(state: &AppState, url: Option<&str>, params: &Map<String, Value>) -> Response {
    let pairs = text_pairs(params);
    let signature = veritrans_sign::pop::sign(&pairs, &state.credentials().pop_server_key);
    let Some(url) = url else {
        let status = params.get("status").and_then(Value::as_str).unwrap_or("");
        let code = params
            .get("result_code")
            .and_then(Value::as_str)
            .unwrap_or("");
        return page(
            StatusCode::OK,
            "POP sandbox: payment finished",
            &format!(
                "<p id=\"status\">{}</p><p id=\"result_code\">{}</p>\
                 <p>The order has no URL to send the browser to.</p>",
                escape(status),
                escape(code)
            ),
        );
    };
    let inputs: String = pairs
        .iter()
        .chain(std::iter::once(&("signature".to_owned(), signature)))
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
             enctype=\"application/x-www-form-urlencoded\">{inputs}\
             <noscript><button type=\"submit\">Continue</button></noscript></form>\
             <script>document.getElementById('redirect').submit();</script>",
            escape(url)
        ),
    )
}

/// Signs and queues a push; returns the delivery ID (or the reason it was not queued).
fn push(state: &AppState, store: &Store, url: &str, params: &Map<String, Value>) -> Value {
    let n = {
        let mut inner = store.lock();
        inner.next += 1;
        inner.next
    };
    let body = match testing::signed_push_body(params, &state.credentials().pop_server_key) {
        Ok(b) => b,
        Err(e) => return json!({ "error": e.to_string() }),
    };
    let delivery = Delivery::new(Gateway::Pop, format!("pop-push-{n}"), url)
        .header("content-type", "application/json")
        .body(body);
    match state.deliver(delivery) {
        Ok(id) => {
            state.record(
                Gateway::Pop,
                "push",
                id.clone(),
                json!({
                    "order_id": params.get("order_id"),
                    "status": params.get("status"),
                    "result_type": params.get("result_type"),
                }),
            );
            json!(id)
        }
        Err(e) => json!({ "error": e.to_string() }),
    }
}

// ---------------------------------------------------------------- release

async fn release(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    Path(order_id): Path<String>,
) -> Response {
    let (order, applied) = {
        let mut inner = store.lock();
        let Some(order) = inner.orders.get_mut(&order_id) else {
            return ApiError::not_found(format!("order_id {order_id:?}: no such POP order"))
                .into_response();
        };
        let Some(applied) = order
            .applied
            .clone()
            .filter(|_| order.stage == Stage::Applied)
        else {
            return ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "order_id {order_id:?}: not an applied CVS or bank payment awaiting release"
                ),
            )
            .into_response();
        };
        order.stage = Stage::Done;
        (order.clone(), applied)
    };
    let mut params = Map::new();
    for name in [
        "merchant_id",
        "order_id",
        "dummy",
        "payment_type",
        "payment_sub_type",
    ] {
        if let Some(v) = applied.get(name) {
            params.insert(name.into(), v.clone());
        }
    }
    set(&mut params, "status", Status::Success.as_str());
    set(&mut params, "result_code", ResultCode::R000.as_str());
    set(&mut params, "m_status", GatewayStatus::Success.as_str());
    set(&mut params, "result_type", ResultType::Paid.as_str());
    set(
        &mut params,
        "received_amount",
        order.gross_amount.to_string(),
    );
    set(
        &mut params,
        "transaction_datetime",
        veritrans_core::jst::format_compact(now_jst()),
    );
    let is_cvs = applied.get("payment_type").and_then(Value::as_str)
        == Some(NotificationPaymentType::Cvs.as_str());
    if is_cvs {
        let sub: CvsSubType = applied
            .get("payment_sub_type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .parse()
            .unwrap_or(CvsSubType::Unknown(String::new()));
        let cvs_type = match sub {
            CvsSubType::Sej => CvsType::Sej,
            CvsSubType::Lawson | CvsSubType::Econ => CvsType::EconLw,
            CvsSubType::Famima => CvsType::EconFm,
            _ => CvsType::Other,
        };
        set(&mut params, "cvs_type", cvs_type.as_str());
        if let Some(v) = applied.get("receipt_number") {
            params.insert("receipt_number".into(), v.clone());
        }
    } else {
        for name in ["agency_code", "customer_no", "confirm_no"] {
            if let Some(v) = applied.get(name) {
                params.insert(name.into(), v.clone());
            }
        }
        set(&mut params, "company_code", "00001");
    }
    let push = order
        .push_url
        .as_deref()
        .map(|url| push(&state, &store, url, &params));
    state.record(
        Gateway::Pop,
        "paid",
        order.order_id.clone(),
        json!({
            "payment_type": applied.get("payment_type"),
            "received_amount": order.gross_amount,
            "push": push,
        }),
    );
    Json(json!({
        "order_id": order.order_id,
        "result_type": ResultType::Paid.as_str(),
        "push": push,
    }))
    .into_response()
}

// ---------------------------------------------------------------- expire

/// Ends a payment key's validity now, so a test sees what the guide says of an expired
/// key (`RC34`, the browser sent to `incomplete_url`) without waiting for the shortest
/// validity the guide allows (one minute).
async fn expire(
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
    state.record(
        Gateway::Pop,
        "expire",
        order_id.clone(),
        json!({ "order_id": order_id }),
    );
    Json(json!({ "order_id": order_id, "expired": true })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_24_alphanumeric_and_distinct() {
        let a = new_key(1);
        let b = new_key(1);
        assert_eq!(a.len(), KEY_LEN);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
