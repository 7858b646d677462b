//! The server API's answers: every one a generated `pop_proto::types` response, its
//! result code and status from the generated enums.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use pop_proto::types::{
    AccountManagementKeyResponse, ErrorResponse, PaymentKeyResponse, PaymentLinkResponse,
};
use pop_proto::{ResultCode, Status};

/// The guide's `message` of a successful payment key or payment link request.
const KEY_MESSAGE: &str = "\"Payment Key\" has been generated successfully";
/// The guide's `message` of a successful account management key request.
const ACCOUNT_KEY_MESSAGE: &str = "Success";

/// A POP failure answer: HTTP status, result code, and what exactly was wrong.
#[derive(Debug)]
pub(super) struct Failure {
    status: StatusCode,
    code: ResultCode,
    detail: Option<String>,
}

impl Failure {
    /// A `400` with the result code and what was wrong.
    pub(super) fn bad_request(code: ResultCode, detail: impl Into<Option<String>>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            detail: detail.into(),
        }
    }

    /// A `401`: the merchant's authorisation failed.
    pub(super) fn unauthorized(code: ResultCode) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code,
            detail: None,
        }
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

/// `201` with a new payment key.
pub(super) fn payment_key(key: String, expiry_time: String) -> Response {
    created(PaymentKeyResponse {
        message: KEY_MESSAGE.into(),
        payment_key: Some(key),
        payment_key_expiry_time: Some(expiry_time),
        result_code: ResultCode::R000,
        status: Status::Success,
    })
}

/// `201` with a new payment key and its link.
pub(super) fn payment_link(key: String, expiry_time: String, url: String) -> Response {
    created(PaymentLinkResponse {
        message: KEY_MESSAGE.into(),
        pay_link_url: Some(url),
        payment_key: Some(key),
        payment_key_expiry_time: Some(expiry_time),
        result_code: ResultCode::R000,
        status: Status::Success,
    })
}

/// `201` with a new account management key.
pub(super) fn account_management_key(key: String, expiry_time: String) -> Response {
    created(AccountManagementKeyResponse {
        account_mgmt_key: Some(key),
        account_mgmt_key_expiry_time: Some(expiry_time),
        message: ACCOUNT_KEY_MESSAGE.into(),
        result_code: ResultCode::R000,
        status: Status::Success,
    })
}

fn created(body: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}
