//! Errors of the sandbox itself, and the JSON error body its own endpoints answer with.

use std::net::SocketAddr;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};

/// An error starting, configuring or stopping the sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("cannot bind the sandbox to {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A builder setting is out of range; the message names the setting and the rule.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The HTTP client used for outbound deliveries could not be built.
    #[error("cannot build the delivery HTTP client: {0}")]
    DeliveryClient(#[source] reqwest::Error),
    /// The server stopped with an I/O error.
    #[error("the sandbox server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The server task panicked or was cancelled.
    #[error("the sandbox server task ended abnormally: {0}")]
    Task(String),
}

/// The JSON body of every error the sandbox's own layer answers with.
///
/// Shape (stable; `error` is a machine-readable code, `message` a human-readable text
/// that names what was wrong):
///
/// ```json
/// {"error": "payload_too_large", "message": "request body exceeds the limit of 1048576 bytes"}
/// ```
///
/// Codes used by the core: `bad_request` (400), `not_found` (404),
/// `method_not_allowed` (405), `conflict` (409), `payload_too_large` (413),
/// `unsupported_media_type` (415), `shutting_down` (503),
/// `injected_fault` (status chosen by the fault rule), `internal_error` (500, only if a
/// handler panicked — a bug in the sandbox, never the request's fault).
///
/// Gateway routes answer in their gateway's own error format; this shape is for the
/// sandbox's `/_sandbox/` API and for requests no gateway route handles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// HTTP status; not part of the body.
    #[serde(skip, default = "default_status")]
    pub status: StatusCode,
    /// Machine-readable error code.
    pub error: String,
    /// What was wrong, in words.
    pub message: String,
}

fn default_status() -> StatusCode {
    StatusCode::BAD_REQUEST
}

impl ApiError {
    /// An error with the given status, code and message.
    pub fn new(status: StatusCode, error: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            error: error.into(),
            message: message.into(),
        }
    }

    /// `400 bad_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// `404 not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// `413 payload_too_large` for a body over `limit` bytes.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body exceeds the limit of {limit} bytes"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        (status, Json(self)).into_response()
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        from_rejection(rejection.status(), rejection.body_text())
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        from_rejection(rejection.status(), rejection.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        from_rejection(rejection.status(), rejection.body_text())
    }
}

/// Keeps axum's message (it names the field and the rule) but answers in our shape;
/// axum's 422 for well-formed JSON of the wrong shape becomes 400, so "malformed" is
/// always 400, while 413 and 415 keep their meaning.
fn from_rejection(status: StatusCode, message: String) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(status, "payload_too_large", message),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(status, "unsupported_media_type", message)
        }
        s if s.is_server_error() => ApiError::new(status, "internal_error", message),
        _ => ApiError::bad_request(message),
    }
}
