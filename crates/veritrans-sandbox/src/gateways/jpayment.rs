//! J-Payment (ROBOT PAYMENT): card-on-file users, numbered card slots, one-touch charges
//! and bulk registration with payment, at the gateway's real `.aspx` paths.
//!
//! Requests are read with `jpayment-proto`'s server-side reader
//! ([`AnyRequest::from_pairs`]) and answered with its encoders, so the sandbox speaks
//! exactly the format the client decodes. The gateway's data lives in this module's own
//! `Store` behind one mutex, handed to these routes only (an axum `Extension` layer on
//! this router), so no other gateway's code or the shared [`AppState`] changes.
//!
//! | path (GET or POST) | operations |
//! |---|---|
//! | `/gateway/carduser.aspx` | user register/update/delete/reference (`cmd` 0/1/2/3), card reference/delete (6/5) |
//! | `/gateway/carduser_token.aspx` | card register (`cmd=4`), card update (`cmd=4` with `num`) |
//! | `/gateway/gateway_token.aspx` | user-and-card bulk registration with payment (with or without `iid`) |
//! | `/gateway/onetouch.aspx` | one-touch charge (with or without `iid`) |
//!
//! Sandbox-only endpoints (never subject to fault injection):
//!
//! | method and path | meaning |
//! |---|---|
//! | `POST /_sandbox/jpayment/token` `{"cn","ed","fn","ln","cvv"?}` | `201 {"tkn","card"}`: a single-use token, instead of `CPToken.js` |
//! | `GET`/`PUT /_sandbox/jpayment/settings` `{"charset"?,"kickback_url"?}` | the console settings: charset, 決済結果通知URL |
//! | `POST /_sandbox/jpayment/items` `{"iid","am","tx","sf","jb","content"?}` | `201`: a registered item (商品登録) |
//! | `GET /_sandbox/jpayment/payments` | every payment that reached the card company |

mod store;
mod triggers;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{HeaderValue, Method, StatusCode, Uri, header};
use jpayment_proto::response::query_pairs;
use jpayment_proto::{AnyRequest, Charset, JobType, MaskedCardNumber, UserRecord};
use serde::Deserialize;
use serde_json::json;

use crate::delivery::Delivery;
use crate::error::ApiError;
use crate::log::Gateway;
use crate::state::AppState;

use store::{Answer, Card, Item, Outcome, Store};

/// The gateway's path prefix: the client joins endpoints to a base URL ending in it.
pub const PATH_PREFIX: &str = "/gateway/";

/// Header carrying the sandbox's explanation of a refusal (the gateway itself only
/// answers a code); never holds secrets.
pub const REASON_HEADER: &str = "x-sandbox-reason";

type Shared = Arc<Mutex<Store>>;

fn lock(store: &Shared) -> MutexGuard<'_, Store> {
    // Every operation completes its writes before releasing the lock without panicking
    // paths in between, so a poisoned lock still holds consistent data.
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The J-Payment routes, with a fresh gateway state for this sandbox.
pub(crate) fn routes() -> Router<AppState> {
    let store: Shared = Arc::new(Mutex::new(Store::default()));
    Router::new()
        .route("/gateway/carduser.aspx", get(endpoint).post(endpoint))
        .route("/gateway/carduser_token.aspx", get(endpoint).post(endpoint))
        .route("/gateway/gateway_token.aspx", get(endpoint).post(endpoint))
        .route("/gateway/onetouch.aspx", get(endpoint).post(endpoint))
        .route("/_sandbox/jpayment/token", post(token))
        .route(
            "/_sandbox/jpayment/settings",
            get(settings).put(put_settings),
        )
        .route("/_sandbox/jpayment/items", post(item))
        .route("/_sandbox/jpayment/payments", get(payments))
        .layer(Extension(store))
}

fn charset_name(charset: Charset) -> &'static str {
    match charset {
        Charset::Utf8 => "utf-8",
        Charset::ShiftJis => "Shift_JIS",
    }
}

/// The answer body in the configured charset, served as the guide's "HTML出力".
fn text_answer(text: &str, charset: Charset, reason: Option<&str>) -> Response {
    // Everything written comes from the request (decoded in this charset) or is ASCII.
    let bytes = charset
        .encode(text)
        .map_or_else(|| text.as_bytes().to_vec(), |b| b.into_owned());
    let content_type = format!("text/html; charset={}", charset_name(charset));
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type)],
        bytes,
    )
        .into_response();
    if let Some(value) = reason.and_then(|r| HeaderValue::from_str(&ascii_only(r)).ok()) {
        response.headers_mut().insert(REASON_HEADER, value);
    }
    response
}

/// Header values must be visible ASCII; the reasons are written in English anyway.
fn ascii_only(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

fn is_payment(endpoint: &str) -> bool {
    matches!(endpoint, "gateway_token.aspx" | "onetouch.aspx")
}

/// A refusal before the operation is known: payments answer the bare code, user and
/// card operations `2,{code},{uid},`.
fn early_refusal(endpoint: &str, code: &str, uid: &str) -> String {
    if is_payment(endpoint) {
        code.to_owned()
    } else {
        jpayment_proto::response::encode_failed_csv(
            <UserRecord as jpayment_proto::Record>::SHAPE,
            code,
            &[("uid", uid)],
        )
    }
}

async fn endpoint(
    State(app): State<AppState>,
    Extension(store): Extension<Shared>,
    method: Method,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "payload_too_large"
            } else {
                "bad_request"
            };
            return ApiError::new(status, code, rejection.body_text()).into_response();
        }
    };
    let endpoint = uri.path().rsplit('/').next().unwrap_or_default().to_owned();
    let charset = lock(&store).settings.charset;
    // ASP.NET reads parameters from the query string and the form alike.
    let mut pairs = match query_pairs(uri.query().unwrap_or("").as_bytes(), charset) {
        Ok(pairs) => pairs,
        Err(e) => return bad_parameters(&app, &endpoint, charset, "query string", &e),
    };
    if method == Method::POST {
        match query_pairs(&body, charset) {
            Ok(more) => pairs.extend(more),
            Err(e) => return bad_parameters(&app, &endpoint, charset, "form body", &e),
        }
    }
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let uid = param("uid").unwrap_or_default();
    let expected_aid = app.credentials().jpayment_aid.clone();
    if let Some(aid) = param("aid").filter(|aid| *aid != expected_aid) {
        let reason = "aid is not the shop ID this sandbox is configured with";
        app.record(
            Gateway::JPayment,
            "refused",
            uid.clone(),
            json!({"endpoint": endpoint, "result": triggers::SOURCE_IP, "reason": reason, "aid": aid}),
        );
        let line = early_refusal(&endpoint, triggers::SOURCE_IP, &uid);
        return text_answer(&line, charset, Some(reason));
    }
    let request = match AnyRequest::from_pairs(&endpoint, &pairs) {
        Some(Ok(request)) => request,
        Some(Err(invalid)) => {
            let reason = invalid.to_string();
            app.record(
                Gateway::JPayment,
                "refused",
                uid.clone(),
                json!({"endpoint": endpoint, "result": triggers::INVALID_REQUEST, "reason": reason}),
            );
            let line = early_refusal(&endpoint, triggers::INVALID_REQUEST, &uid);
            return text_answer(&line, charset, Some(&reason));
        }
        None => {
            return ApiError::not_found(format!("no J-Payment endpoint {endpoint}"))
                .into_response();
        }
    };
    let (outcome, kickback_url) = {
        let mut store = lock(&store);
        let outcome = match &request {
            AnyRequest::RegisterUser(op) => store.register_user(op),
            AnyRequest::ReferenceUser(op) => store.reference_user(op),
            AnyRequest::UpdateUser(op) => store.update_user(op),
            AnyRequest::DeleteUser(op) => store.delete_user(op),
            AnyRequest::RegisterCard(op) => store.register_card(op),
            AnyRequest::ReferenceCard(op) => store.reference_card(op),
            AnyRequest::UpdateCard(op) => store.update_card(op),
            AnyRequest::DeleteCard(op) => store.delete_card(op),
            AnyRequest::BulkRegisterAndPay(op) => store.bulk(op),
            AnyRequest::BulkRegisterAndPayItem(op) => store.bulk_item(op),
            AnyRequest::OnetouchCharge(op) => store.onetouch(op),
            AnyRequest::OnetouchChargeItem(op) => store.onetouch_item(op),
        };
        (outcome, store.settings.kickback_url.clone())
    };
    respond(&app, outcome, kickback_url, charset)
}

fn respond(
    app: &AppState,
    outcome: Outcome,
    kickback_url: Option<String>,
    charset: Charset,
) -> Response {
    let Outcome {
        answer,
        kind,
        id,
        mut summary,
    } = outcome;
    let reason = summary
        .get("reason")
        .and_then(|r| r.as_str())
        .map(str::to_owned);
    match answer {
        Answer::Line(line) => {
            app.record(Gateway::JPayment, kind, id, summary);
            text_answer(&line, charset, reason.as_deref())
        }
        Answer::Accepted { gid, query } => {
            match kickback_url {
                Some(url) => {
                    let separator = if url.contains('?') { '&' } else { '?' };
                    let delivery = Delivery::new(
                        Gateway::JPayment,
                        format!("jpayment-kickback-{gid}"),
                        format!("{url}{separator}{query}"),
                    )
                    .method(Method::GET)
                    .requires_body();
                    match app.deliver(delivery) {
                        Ok(id) => summary["kickback"] = json!(id),
                        Err(e) => summary["kickback_error"] = json!(e.to_string()),
                    }
                }
                None => summary["kickback"] = json!("not sent: no kickback_url configured"),
            }
            app.record(Gateway::JPayment, kind, id, summary);
            text_answer("OK", charset, None)
        }
    }
}

fn bad_parameters(
    app: &AppState,
    endpoint: &str,
    charset: Charset,
    part: &str,
    error: &dyn std::fmt::Display,
) -> Response {
    let message = format!("{endpoint}: the {part} is not valid {charset} parameters: {error}");
    app.record(
        Gateway::JPayment,
        "malformed",
        "",
        json!({"endpoint": endpoint, "reason": message}),
    );
    ApiError::bad_request(message).into_response()
}

/// `POST /_sandbox/jpayment/token`: what `CPToken.TokenCreate` does in the browser.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    /// Card number, 14 to 16 digits passing the Luhn check.
    cn: String,
    /// Expiry, YYMM.
    ed: String,
    #[serde(rename = "fn")]
    first_name: String,
    #[serde(rename = "ln")]
    last_name: String,
    /// Security code, 3 or 4 digits, when given.
    cvv: Option<String>,
    /// The shop ID, when given (must be the configured one).
    aid: Option<String>,
}

fn card_from(request: &TokenRequest, expected_aid: &str) -> Result<Card, String> {
    if request
        .aid
        .as_deref()
        .is_some_and(|aid| aid != expected_aid)
    {
        return Err("aid: not the shop ID this sandbox is configured with".into());
    }
    let cn = request.cn.as_str();
    if !(14..=16).contains(&cn.len()) || !cn.bytes().all(|b| b.is_ascii_digit()) {
        return Err("cn: must be 14 to 16 digits".into());
    }
    if !veritrans_core::card::luhn(cn) {
        return Err("cn: fails the Luhn check".into());
    }
    let ed = request.ed.as_str();
    let month = ed.get(2..).and_then(|m| m.parse::<u8>().ok());
    if ed.len() != 4 || !ed.bytes().all(|b| b.is_ascii_digit()) || !matches!(month, Some(1..=12)) {
        return Err("ed: must be the expiry as YYMM".into());
    }
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !name_ok(&request.first_name) || !name_ok(&request.last_name) {
        return Err("fn, ln: must be ASCII letters, digits, `.` or `-`".into());
    }
    if request.first_name.len() + request.last_name.len() > 44 {
        return Err("fn, ln: at most 44 characters together".into());
    }
    if let Some(cvv) = &request.cvv
        && (!(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("cvv: must be 3 or 4 digits".into());
    }
    let masked = MaskedCardNumber::parse(&veritrans_core::card::mask_all_but_last4(cn))
        .ok_or_else(|| "cn: cannot be masked".to_owned())?;
    Ok(Card {
        masked,
        expiry: ed.to_owned(),
        first_name: request.first_name.clone(),
        last_name: request.last_name.clone(),
        refusal: triggers::refusal_of(cn),
    })
}

async fn token(
    State(app): State<AppState>,
    Extension(store): Extension<Shared>,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let Json(request) = body?;
    let card =
        card_from(&request, &app.credentials().jpayment_aid).map_err(ApiError::bad_request)?;
    let masked = card.masked.as_str().to_owned();
    let tkn = lock(&store).issue_token(card);
    app.record(
        Gateway::JPayment,
        "token",
        masked.clone(),
        json!({"card": masked}),
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({"tkn": tkn, "card": masked})),
    ))
}

fn settings_json(store: &Store) -> serde_json::Value {
    json!({
        "charset": store.settings.charset.name(),
        "kickback_url": store.settings.kickback_url,
    })
}

async fn settings(Extension(store): Extension<Shared>) -> Json<serde_json::Value> {
    Json(settings_json(&lock(&store)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsRequest {
    /// `UTF-8` or `Shift_JIS` (case-insensitive, `-`/`_` alike).
    charset: Option<String>,
    /// An `http(s)` URL, or `""` to send no kickbacks.
    kickback_url: Option<String>,
}

async fn put_settings(
    Extension(store): Extension<Shared>,
    body: Result<Json<SettingsRequest>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(request) = body?;
    let charset = match request.charset.as_deref() {
        None => None,
        Some(name) => match name.to_ascii_lowercase().replace('-', "_").as_str() {
            "utf_8" | "utf8" => Some(Charset::Utf8),
            "shift_jis" | "sjis" => Some(Charset::ShiftJis),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "charset: {name:?} is neither UTF-8 nor Shift_JIS"
                )));
            }
        },
    };
    let url = match request.kickback_url {
        None => None,
        Some(url) if url.is_empty() => Some(None),
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => Some(Some(url)),
        Some(url) => {
            return Err(ApiError::bad_request(format!(
                "kickback_url: {url:?} is not an http(s) URL"
            )));
        }
    };
    let mut store = lock(&store);
    if let Some(charset) = charset {
        store.settings.charset = charset;
    }
    if let Some(url) = url {
        store.settings.kickback_url = url;
    }
    Ok(Json(settings_json(&store)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemRequest {
    iid: String,
    am: u64,
    #[serde(default)]
    tx: u64,
    #[serde(default)]
    sf: u64,
    /// `AUTH` or `CAPTURE`; `CAPTURE` when absent.
    jb: Option<String>,
    /// A content (ID/PW) item: its payments return an issued `id` and `ps`.
    #[serde(default)]
    content: bool,
}

async fn item(
    State(app): State<AppState>,
    Extension(store): Extension<Shared>,
    body: Result<Json<ItemRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let Json(request) = body?;
    if request.iid.is_empty()
        || request.iid.len() > 50
        || !request.iid.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(ApiError::bad_request(
            "iid: must be 1 to 50 ASCII letters and digits",
        ));
    }
    let job = match request.jb.as_deref() {
        None => JobType::Capture,
        Some(wire) => JobType::from_wire(wire).ok_or_else(|| {
            ApiError::bad_request(format!("jb: {wire:?} is neither AUTH nor CAPTURE"))
        })?,
    };
    if request
        .am
        .checked_add(request.tx)
        .and_then(|t| t.checked_add(request.sf))
        .is_none()
    {
        return Err(ApiError::bad_request("am + tx + sf overflows"));
    }
    let summary = json!({
        "iid": request.iid, "am": request.am, "tx": request.tx, "sf": request.sf,
        "jb": job.as_wire(), "content": request.content,
    });
    lock(&store).put_item(
        request.iid.clone(),
        Item {
            amount: request.am,
            tax: request.tx,
            shipping: request.sf,
            job,
            content: request.content,
        },
    );
    app.record(Gateway::JPayment, "item", request.iid, summary.clone());
    Ok((StatusCode::CREATED, Json(summary)))
}

async fn payments(Extension(store): Extension<Shared>) -> Json<serde_json::Value> {
    let store = lock(&store);
    let list: Vec<_> = store
        .payments()
        .iter()
        .map(|p| {
            json!({"gid": p.gid, "uid": p.uid, "num": p.num, "ta": p.total, "result": p.code.unwrap_or("ok")})
        })
        .collect();
    Json(json!({"payments": list}))
}
