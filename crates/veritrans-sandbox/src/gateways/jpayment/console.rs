//! The sandbox-only endpoints under `/_sandbox/jpayment/`: what the browser's
//! `CPToken.js` and the merchant console do at the real gateway (tokens, settings,
//! registered items), and the list of payments for tests. Never subject to fault
//! injection; their JSON is the sandbox's own format, not the gateway's.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Extension, State};
use http::StatusCode;
use jpayment_proto::{Charset, JobType, MaskedCardNumber, param};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::log::Gateway;
use crate::state::AppState;

use super::state::{Card, Item, Store};
use super::{Shared, lock, triggers};

/// A sandbox-only JSON body whose members are named like the gateway's parameters
/// (`jpayment_proto::param`), so those names are written once, in the spec.
struct Members(serde_json::Map<String, Value>);

impl Members {
    /// The body's object, refusing members not in `allowed`.
    fn new(body: Value, allowed: &[&str]) -> Result<Self, String> {
        let Value::Object(map) = body else {
            return Err("the body must be a JSON object".into());
        };
        if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(format!(
                "{unknown}: unknown member; expected one of {}",
                allowed.join(", ")
            ));
        }
        Ok(Self(map))
    }

    fn string(&self, name: &str) -> Result<Option<String>, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{name}: must be a string")),
        }
    }

    fn required_string(&self, name: &str) -> Result<String, String> {
        self.string(name)?.ok_or_else(|| format!("{name}: missing"))
    }

    fn amount(&self, name: &str) -> Result<Option<u64>, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("{name}: must be a non-negative integer")),
        }
    }

    fn flag(&self, name: &str) -> Result<bool, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("{name}: must be true or false")),
        }
    }
}

/// The security code's member in the token body: `CPToken.js`'s name, which the guide's
/// request tables do not list (so it is not in the spec).
const CVV: &str = "cvv";

/// `POST /_sandbox/jpayment/token`: what `CPToken.TokenCreate` does in the browser.
/// Members: `cn` (card number, 14 to 16 digits passing the Luhn check), `ed` (expiry,
/// YYMM), `fn`, `ln` (the cardholder's names), `cvv` (3 or 4 digits, optional), `aid`
/// (optional; must be the configured shop ID).
fn card_from(body: Value, expected_aid: &str) -> Result<Card, String> {
    let m = Members::new(
        body,
        &[param::CN, param::ED, param::FN, param::LN, CVV, param::AID],
    )?;
    if m.string(param::AID)?.is_some_and(|aid| aid != expected_aid) {
        return Err(format!(
            "{}: not the shop ID this sandbox is configured with",
            param::AID
        ));
    }
    let cn = m.required_string(param::CN)?;
    if !(14..=16).contains(&cn.len()) || !cn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{}: must be 14 to 16 digits", param::CN));
    }
    if !veritrans_core::card::luhn(&cn) {
        return Err(format!("{}: fails the Luhn check", param::CN));
    }
    let ed = m.required_string(param::ED)?;
    let month = ed.get(2..).and_then(|m| m.parse::<u8>().ok());
    if ed.len() != 4 || !ed.bytes().all(|b| b.is_ascii_digit()) || !matches!(month, Some(1..=12)) {
        return Err(format!("{}: must be the expiry as YYMM", param::ED));
    }
    let first_name = m.required_string(param::FN)?;
    let last_name = m.required_string(param::LN)?;
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !name_ok(&first_name) || !name_ok(&last_name) {
        return Err(format!(
            "{}, {}: must be ASCII letters, digits, `.` or `-`",
            param::FN,
            param::LN
        ));
    }
    if first_name.len() + last_name.len() > 44 {
        return Err(format!(
            "{}, {}: at most 44 characters together",
            param::FN,
            param::LN
        ));
    }
    if let Some(cvv) = m.string(CVV)?
        && (!(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("{CVV}: must be 3 or 4 digits"));
    }
    let masked = MaskedCardNumber::parse(&veritrans_core::card::mask_all_but_last4(&cn))
        .ok_or_else(|| format!("{}: cannot be masked", param::CN))?;
    Ok(Card {
        masked,
        expiry: ed,
        first_name,
        last_name,
        refusal: triggers::refusal_of(&cn),
    })
}

pub(super) async fn token(
    State(app): State<AppState>,
    Extension(store): Extension<Shared>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body?;
    let card = card_from(body, &app.credentials().jpayment_aid).map_err(ApiError::bad_request)?;
    let masked = card.masked.as_str().to_owned();
    let tkn = lock(&store).issue_token(card);
    app.note(
        Gateway::JPayment,
        "token",
        masked.clone(),
        json!({"card": masked}),
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({(param::TKN): tkn, "card": masked})),
    ))
}

fn settings_json(store: &Store) -> serde_json::Value {
    json!({
        "charset": store.settings.charset.name(),
        "kickback_url": store.settings.kickback_url,
    })
}

pub(super) async fn settings(Extension(store): Extension<Shared>) -> Json<serde_json::Value> {
    Json(settings_json(&lock(&store)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SettingsRequest {
    /// `UTF-8` or `Shift_JIS` (case-insensitive, `-`/`_` alike).
    charset: Option<String>,
    /// An `http(s)` URL, or `""` to send no kickbacks.
    kickback_url: Option<String>,
}

pub(super) async fn put_settings(
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

/// Whether a registered item is a content (ID/PW) item: its payments return an issued
/// `id` and `ps`. The sandbox's own member, not a gateway parameter.
const CONTENT: &str = "content";

/// `POST /_sandbox/jpayment/items`: an item registered in the console (商品登録).
/// Members: `iid` (1 to 50 ASCII letters and digits), `am`, `tx`, `sf` (yen; `tx` and
/// `sf` 0 when absent), `jb` (`AUTH` or `CAPTURE`; `CAPTURE` when absent), `content`.
pub(super) async fn item(
    State(app): State<AppState>,
    Extension(store): Extension<Shared>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body?;
    let item = item_from(body).map_err(ApiError::bad_request)?;
    let (iid, item) = item;
    let summary = json!({
        (param::IID): iid, (param::AM): item.amount, (param::TX): item.tax, (param::SF): item.shipping,
        (param::JB): item.job.as_wire(), (CONTENT): item.content,
    });
    lock(&store).put_item(iid.clone(), item);
    app.note(Gateway::JPayment, "item", iid, summary.clone());
    Ok((StatusCode::CREATED, Json(summary)))
}

fn item_from(body: Value) -> Result<(String, Item), String> {
    let m = Members::new(
        body,
        &[
            param::IID,
            param::AM,
            param::TX,
            param::SF,
            param::JB,
            CONTENT,
        ],
    )?;
    let iid = m.required_string(param::IID)?;
    if iid.is_empty() || iid.len() > 50 || !iid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "{}: must be 1 to 50 ASCII letters and digits",
            param::IID
        ));
    }
    let amount = m
        .amount(param::AM)?
        .ok_or_else(|| format!("{}: missing", param::AM))?;
    let tax = m.amount(param::TX)?.unwrap_or(0);
    let shipping = m.amount(param::SF)?.unwrap_or(0);
    let job = match m.string(param::JB)? {
        None => JobType::Capture,
        Some(wire) => JobType::from_wire(&wire).ok_or_else(|| {
            format!(
                "{}: {wire:?} is neither {} nor {}",
                param::JB,
                JobType::Auth.as_wire(),
                JobType::Capture.as_wire()
            )
        })?,
    };
    if amount
        .checked_add(tax)
        .and_then(|t| t.checked_add(shipping))
        .is_none()
    {
        return Err(format!(
            "{} + {} + {} overflows",
            param::AM,
            param::TX,
            param::SF
        ));
    }
    Ok((
        iid,
        Item {
            amount,
            tax,
            shipping,
            job,
            content: m.flag(CONTENT)?,
        },
    ))
}

pub(super) async fn payments(Extension(store): Extension<Shared>) -> Json<serde_json::Value> {
    let store = lock(&store);
    let list: Vec<_> = store
        .payments()
        .iter()
        .map(|p| {
            json!({(param::GID): p.gid, (param::UID): p.uid, (param::NUM): p.num, (param::TA): p.total, "result": p.code.unwrap_or("ok")})
        })
        .collect();
    Json(json!({"payments": list}))
}
