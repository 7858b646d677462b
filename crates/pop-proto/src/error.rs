//! The crate's one error type.

use veritrans_core::blocking::InsideAsyncRuntime;
use veritrans_core::{ErrorKind, Mode};

use crate::{ResultCode, ValidationErrors};

/// Everything that can go wrong talking to POP or reading its notifications.
///
/// Messages name what was wrong (field path, rule, result code) and never
/// contain the server key.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use pop_proto::prelude::*;
/// use pop_proto::{ErrorKind, ResultCode};
///
/// let client = PopClient::new(PopServerKey::new("server-key"), Environment::Dummy).unwrap();
/// // Caught before sending: an order ID with a space (RC01).
/// let err = client.payment_key(&PaymentKeyRequest::new("ORDER 0001", yen(1000))).await.unwrap_err();
/// assert!(matches!(err, PopError::InvalidRequest(_)));
/// assert_eq!((err.kind(), err.result_code()), (ErrorKind::InvalidRequest, Some(&ResultCode::RC01)));
///
/// // `dummy: false` from a test client would move real money: refused, nothing sent.
/// let mut real = PaymentKeyRequest::new("ORDER-0001", yen(1000));
/// real.dummy = Some(false);
/// let err = client.payment_key(&real).await.unwrap_err();
/// assert!(matches!(err, PopError::DummyConflict { dummy: false, .. }));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks the guide's constraints; nothing was sent.
    #[error("invalid request, not sent: {0}")]
    InvalidRequest(#[from] ValidationErrors),

    /// The request's own `dummy` contradicts the client's environment; nothing
    /// was sent. A test client sets `dummy: true` on every request and a live
    /// client never sets it, so a request leaves `dummy` unset: `false` sent
    /// by a test client would move real money, `true` sent by a live client
    /// would silently test.
    #[error(
        "invalid request, not sent: dummy = {dummy} contradicts the client's {mode} environment \
         (the client sets dummy itself: true in test, never in live; leave it unset)"
    )]
    DummyConflict {
        /// The request's `dummy`.
        dummy: bool,
        /// The client's mode.
        mode: Mode,
    },

    /// A blocking client was called from inside an async runtime; nothing was
    /// sent (use the async client there).
    #[error(transparent)]
    InsideAsyncRuntime(#[from] InsideAsyncRuntime),

    /// The request could not be sent or the response not received
    /// (connection, TLS, timeout). The variant exists whatever the features, so a
    /// `match` written against the crate compiles with or without the client; the
    /// source is the HTTP client's error (a `reqwest::Error` with the `http-client`
    /// feature).
    #[error("transport error talking to POP: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// The client could not be built (bad base URL, TLS setup).
    #[error("POP client configuration: {0}")]
    Config(String),

    /// POP answered with a failure: HTTP status and the result code it gave.
    #[error("POP refused the request (HTTP {status}): {result_code} {message}")]
    GatewayRefused {
        /// HTTP status (400 validation, 401 authentication, 500 server error).
        status: u16,
        /// The POP result code; `description()` explains it.
        result_code: ResultCode,
        /// POP's message.
        message: String,
    },

    /// The response is not what the guide describes (not JSON, a missing
    /// field, an unparseable time stamp, a success without a key).
    #[error("malformed POP response (HTTP {status}): {detail}")]
    MalformedResponse {
        /// HTTP status.
        status: u16,
        /// What was wrong, with the JSON path where there is one.
        detail: String,
    },

    /// The notification body could not be read as parameters (not UTF-8,
    /// a duplicated form key, not a flat JSON object).
    #[error("unreadable notification body: {0}")]
    NotificationBody(#[source] veritrans_sign::Error),

    /// The notification has no `signature` parameter.
    #[error("notification has no signature parameter")]
    MissingSignature,

    /// The notification's signature does not match its parameters and the
    /// server key: it was not sent by POP or was altered.
    #[error("notification signature does not match: {0}")]
    Signature(#[source] veritrans_sign::Error),

    /// A verified notification whose `payment_type` / `result_type` pair the
    /// guide does not describe.
    #[error(
        "notification with unknown payment_type {payment_type:?} / result_type {result_type:?}"
    )]
    UnknownPaymentType {
        /// The `payment_type` received.
        payment_type: Option<String>,
        /// The `result_type` received.
        result_type: Option<String>,
    },

    /// A verified redirect about another order than the one the merchant expected:
    /// a genuine redirect of one order replayed to another order's page.
    #[error("redirect order_id: expected {expected:?}, got {actual:?}")]
    OrderMismatch {
        /// The `order_id` the merchant expected.
        expected: String,
        /// The `order_id` the redirect carries.
        actual: String,
    },

    /// A verified notification whose parameters do not fit the guide's
    /// types (a number where a string is expected, a missing required
    /// parameter, `dummy` not `true`/`false`).
    #[error("malformed notification at {path}: {detail}")]
    MalformedNotification {
        /// The parameter.
        path: String,
        /// What was wrong.
        detail: String,
    },
}

impl Error {
    /// What kind of failure this is (the same words for every gateway).
    ///
    /// ```
    /// use pop_proto::{Error, ErrorKind};
    /// assert_eq!(Error::MissingSignature.kind(), ErrorKind::Unverified);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidRequest(_) | Self::DummyConflict { .. } => ErrorKind::InvalidRequest,
            Self::Transport(_) => ErrorKind::Transport,
            Self::Config(_) | Self::InsideAsyncRuntime(_) => ErrorKind::Config,
            Self::GatewayRefused { .. } => ErrorKind::Refused,
            Self::MalformedResponse { .. } => ErrorKind::Malformed,
            // A notification that could not be read for verification, or did not verify,
            // or belongs to another order: act on nothing in it.
            Self::NotificationBody(_)
            | Self::MissingSignature
            | Self::Signature(_)
            | Self::OrderMismatch { .. } => ErrorKind::Unverified,
            Self::UnknownPaymentType { .. } | Self::MalformedNotification { .. } => {
                ErrorKind::Malformed
            }
        }
    }

    /// POP's result code: the one it refused with, or the one local validation maps the
    /// first broken rule to (the code POP itself would answer).
    ///
    /// ```
    /// use pop_proto::{ResultCode, payment_key};
    ///
    /// // The guide's failure response (pop-api-v1.8.1.en.txt, Merchant Server Integration › Response).
    /// let failure = br#"{
    ///     "result_code" : "RC01",
    ///     "status" : "failure",
    ///     "message" : "Invalid \"Order ID\""
    /// }"#;
    /// let err = payment_key(400, Some("application/json"), failure).unwrap_err();
    /// assert_eq!(err.result_code(), Some(&ResultCode::RC01));
    /// ```
    pub fn result_code(&self) -> Option<&ResultCode> {
        match self {
            Self::GatewayRefused { result_code, .. } => Some(result_code),
            Self::InvalidRequest(errors) => errors.iter().next().map(|v| &v.result_code),
            _ => None,
        }
    }
}
