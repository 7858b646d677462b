//! The gateway's `.aspx` endpoints: read the parameters as ASP.NET does (query string
//! and form alike), check the shop ID, parse with `jpayment-proto`, run the operation
//! under the store's lock, answer.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode, Uri};
use jpayment_proto::response::query_pairs;
use jpayment_proto::{AnyRequest, Charset, param};
use serde_json::json;

use crate::error::ApiError;
use crate::log::Gateway;
use crate::state::AppState;

use super::answers::{Answer, Outcome, early_refusal, text_answer};
use super::{Shared, lock, notify, triggers};

pub(super) async fn endpoint(
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
    let value_of = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let uid = value_of(param::UID).unwrap_or_default();
    let expected_aid = app.credentials().jpayment_aid.clone();
    if let Some(aid) = value_of(param::AID).filter(|aid| *aid != expected_aid) {
        let reason = format!(
            "{}: not the shop ID this sandbox is configured with",
            param::AID
        );
        app.note(
            Gateway::JPayment,
            "refused",
            uid.clone(),
            json!({"endpoint": endpoint, "result": triggers::SOURCE_IP, "reason": reason, (param::AID): aid}),
        );
        let line = early_refusal(&endpoint, triggers::SOURCE_IP, &uid);
        return text_answer(&line, charset, Some(&reason));
    }
    let request = match AnyRequest::from_pairs(&endpoint, &pairs) {
        Some(Ok(request)) => request,
        Some(Err(invalid)) => {
            let reason = invalid.to_string();
            app.note(
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
            app.note(Gateway::JPayment, kind, id, summary);
            text_answer(&line, charset, reason.as_deref())
        }
        Answer::Accepted { gid, query } => {
            notify::kickback(app, kickback_url, &gid, &query, &mut summary);
            app.note(Gateway::JPayment, kind, id, summary);
            text_answer(jpayment_proto::ACCEPTED_ANSWER, charset, None)
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
    app.note(
        Gateway::JPayment,
        "malformed",
        "",
        json!({"endpoint": endpoint, "reason": message}),
    );
    ApiError::bad_request(message).into_response()
}
