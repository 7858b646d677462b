//! The endpoints: the sandbox-only 3-D Secure request and search request (their JSON is
//! the sandbox's own convention: the guide does not document either request), and the
//! consumer-side authentication page.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json};
use http::StatusCode;
use mpi_proto::testing::Scenario;
use mpi_proto::wire::field;
use mpi_proto::{MStatus, RedirectParameters, SearchResponse, ServiceOptionType};
use serde::{Deserialize, Serialize};
use serde_json::json;
use veritrans_core::url_rules::http_scheme;

use crate::error::ApiError;
use crate::log::{Gateway, now_jst};
use crate::state::AppState;

use super::answers::{authorize_transaction, note_1, search_answer, search_not_found, verify};
use super::state::{OnReturn, Stage, Store, Txn};
use super::{ACS_PATH_PREFIX, MAX_AMOUNT, MAX_URI_LEN, non_test_card_code, notify, pages};

/// The body of `POST /mpi/mpi_charges` (sandbox-only).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChargeRequest {
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
pub(super) struct ChargeResponse {
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
pub(super) struct SearchRequest {
    request_id: String,
}

pub(super) async fn charge(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    body: Result<Json<ChargeRequest>, JsonRejection>,
) -> Result<Json<ChargeResponse>, ApiError> {
    let Json(request) = body?;
    let option = service_option_type(&request.service_option_type)?;
    RedirectParameters::validate_order_id(&request.order_id)
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
        None => (Some(non_test_card_code()), None),
    };
    let authorize_code = authorize_code.ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the scenario table has no authorize code for this card and option; this is a sandbox bug",
        )
    })?;
    let status = note_1(&authorize_code);
    let stage = Stage::after_authorize(&status);
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
            stage,
            last_success_command: (stage != Stage::Ended)
                .then_some(mpi_proto::TransactionCommand::Authorize),
            transactions: vec![authorize_transaction(request.amount, &authorize_code)],
        };
        inner
            .order_ids
            .insert(request.order_id.clone(), request_id.clone());
        inner.by_request.insert(request_id.clone(), txn);
        request_id
    };

    let redirect_url = (stage == Stage::AwaitingBrowser)
        .then(|| format!("{}{ACS_PATH_PREFIX}{request_id}", state.base_url()));
    state.note(
        Gateway::Mpi,
        "authorize",
        request_id.clone(),
        json!({
            (field::order_id): request.order_id,
            (field::AMOUNT): request.amount,
            "card": card_masked,
            "service_option_type": option.as_str(),
            "scenario": scenario.map(|s| s.no),
            (field::MSTATUS): status.as_str(),
            (field::VRESULT_CODE): authorize_code,
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

pub(super) async fn acs_page(
    Extension(store): Extension<Store>,
    request_id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, ApiError> {
    let Path(request_id) = request_id?;
    let txn = find(&store, &request_id)?;
    if txn.stage == Stage::Ended {
        return Err(ended(&txn));
    }
    Ok(Html(pages::acs_page(&txn)))
}

pub(super) async fn acs_complete(
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
        let (action, next) = txn.stage.on_browser_return();
        match action {
            OnReturn::Refuse => return Err(ended(txn)),
            OnReturn::RedirectAgain => (txn.clone(), false),
            OnReturn::Verify => {
                txn.stage = next;
                if let Some(code) = txn.verify_code.clone() {
                    verify(txn, &code, &store.sample);
                }
                (txn.clone(), true)
            }
        }
    };

    if newly_completed {
        let push = match (&txn.verify_code, &txn.push_uri) {
            (Some(code), Some(uri)) => Some(notify::push(&state, &store, &txn, code, uri)?),
            _ => None,
        };
        state.note(
            Gateway::Mpi,
            "verify",
            txn.request_id.clone(),
            json!({
                (field::order_id): txn.order_id,
                (field::VRESULT_CODE): txn.verify_code,
                (field::MSTATUS): txn.verify_code.as_deref().map(|c| note_1(c).as_str().to_owned()),
                "push": push,
            }),
        );
    }
    let form = pages::redirect_form(&txn).ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the redirect parameters cannot be written as a form; this is a sandbox bug",
        )
    })?;
    Ok(Html(form))
}

pub(super) async fn search(
    Extension(store): Extension<Store>,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> Result<Json<SearchResponse>, Response> {
    let Json(request) = body.map_err(|e| ApiError::from(e).into_response())?;
    RedirectParameters::validate_request_id(&request.request_id)
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
        let message = format!(
            "no 3-D Secure transaction with request_id {:?}",
            request.request_id
        );
        return Err((StatusCode::NOT_FOUND, Json(search_not_found(message))).into_response());
    };
    Ok(Json(search_answer(txn, sample)))
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
            "request_id {:?}: the authorize step failed (mstatus {}), so there is no authentication to complete",
            txn.request_id,
            MStatus::Failure.as_str()
        ),
    )
}

fn service_option_type(value: &str) -> Result<ServiceOptionType, ApiError> {
    let option = ServiceOptionType::from(value);
    match option {
        ServiceOptionType::MpiComplete | ServiceOptionType::MpiCompany => Ok(option),
        ServiceOptionType::Unknown(_) => Err(ApiError::bad_request(format!(
            "service_option_type: unknown value {value:?}; the sandbox emulates {} and {}",
            ServiceOptionType::MpiComplete.as_str(),
            ServiceOptionType::MpiCompany.as_str()
        ))),
        _ => Err(ApiError::bad_request(format!(
            "service_option_type: {value:?} is not emulated: the guide's scenario table has columns for {} and {} only",
            ServiceOptionType::MpiComplete.as_str(),
            ServiceOptionType::MpiCompany.as_str()
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
    // A plain http(s) URL passes without the `url` crate's whole parse (7 % of a charge's
    // instructions, callgrind); any other text is parsed below for the error to name.
    if http_scheme(uri).is_some() {
        return Ok(());
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `check_uri` answered before its plain-URL shortcut: the `url` crate's parse,
    /// then the scheme.
    fn parsed_only(field: &str, uri: &str) -> Result<(), String> {
        let parsed =
            reqwest::Url::parse(uri).map_err(|e| format!("{field}: not an absolute URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("{field}: the scheme must be http or https"));
        }
        Ok(())
    }

    /// The shortcut changes no answer and no message: plain URLs, URLs only the parse
    /// accepts, texts it refuses, and other schemes.
    #[test]
    fn check_uri_answers_as_the_parse_alone() {
        for uri in [
            "https://merchant.example.com/3ds/return?order=1",
            "http://127.0.0.1:8080/push",
            "HTTPS://Merchant.Example.COM/return",
            "https://xn--bcher-kva.example/",
            "http://[::1]:9/push",
            "https://a:99999/",
            "https://exa mple.com/",
            "not a url",
            "/relative/path",
            "ftp://merchant.example.com/",
            "mailto:merchant@example.com",
        ] {
            let got = check_uri("redirection_uri", uri).map_err(|e| e.message);
            assert_eq!(got, parsed_only("redirection_uri", uri), "{uri:?}");
        }
        let long = format!("https://merchant.example.com/{}", "a".repeat(MAX_URI_LEN));
        let refused = check_uri("push_uri", &long).map_err(|e| e.message);
        assert!(refused.is_err_and(|m| m.starts_with("push_uri: at most")));
    }
}
