//! The crate's one error type.

use crate::validate::Violation;
use crate::{ActionCode, ResultCode, Status};

/// Everything that can go wrong, kept apart so callers can decide: the
/// request was never sent (`InvalidRequest`), it may or may not have arrived
/// (`Transport`), the gateway answered with a refusal (`GatewayRefused`), the
/// answer could not be read (`MalformedResponse`), or a notification was not
/// authentic (`Signature`, `InvalidNotification`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Caught before sending; nothing went over the wire.
    #[error("invalid {command} request: {}", join(violations))]
    InvalidRequest {
        /// The command.
        command: &'static str,
        /// Every broken rule, with its wire path.
        violations: Vec<Violation>,
    },
    /// Timeout, connection or TLS failure. The request may have reached the
    /// gateway: resend with the same `idempotency_key` to get its answer
    /// without a second charge.
    #[error("{command}: transport error ({kind}); idempotency key {idempotency_key}")]
    Transport {
        /// The command.
        command: &'static str,
        /// What failed, e.g. `timeout`, `connect`.
        kind: &'static str,
        /// The key the request carried.
        idempotency_key: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A non-2xx answer (boxed: it carries the whole body).
    #[error("{0}")]
    GatewayRefused(Box<Refusal>),
    /// A 2xx answer (or a notification) whose body could not be read.
    #[error("malformed {what} at `{path}`: {reason}")]
    MalformedResponse {
        /// `pay response`, `webhook`, …
        what: String,
        /// JSON path of the failure (`.` for the whole document).
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// A webhook or redirect whose signature does not verify.
    #[error("{what}: signature verification failed: {source}")]
    Signature {
        /// `webhook` or `redirect`.
        what: &'static str,
        /// The verifier's reason.
        #[source]
        source: veritrans_sign::Error,
    },
    /// A notification missing a header or parameter it must have.
    #[error("{what}: {reason}")]
    InvalidNotification {
        /// `webhook` or `redirect`.
        what: &'static str,
        /// What is missing or wrong.
        reason: String,
    },
    /// A client option could not be used (e.g. an unparsable base URL).
    #[error("client configuration: {0}")]
    Config(String),
}

/// What the gateway said when it refused a request. The codes are `None`
/// when it sent only an HTTP status (empty body, HTML error page, 404 page
/// not found).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The command.
    pub command: &'static str,
    /// The HTTP status.
    pub http_status: u16,
    /// `result.resultCode`.
    pub result_code: Option<ResultCode>,
    /// `result.status`.
    pub status: Option<Status>,
    /// `result.actionCode`.
    pub action_code: Option<ActionCode>,
    /// `result.message`.
    pub message: Option<String>,
    /// The whole JSON body when there was one.
    pub body: Option<serde_json::Value>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} refused: HTTP {}, resultCode {}, status {}, actionCode {}",
            self.command,
            self.http_status,
            opt(&self.result_code),
            opt(&self.status),
            opt(&self.action_code)
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

fn join(v: &[Violation]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_string(), ToString::to_string)
}

impl Error {
    /// The violations of an `InvalidRequest`, else empty.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Self::InvalidRequest { violations, .. } => violations,
            _ => &[],
        }
    }

    /// The refusal of a `GatewayRefused`, else `None`.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::GatewayRefused(r) => Some(r),
            _ => None,
        }
    }
}

/// Parses `bytes` as `T`, reporting the JSON path of a failure.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    what: &str,
    bytes: &[u8],
) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| Error::MalformedResponse {
        what: what.to_string(),
        path: e.path().to_string(),
        reason: e.inner().to_string(),
    })
}

/// Converts a parsed JSON value to `T`, reporting the JSON path of a failure.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(
    what: &str,
    value: serde_json::Value,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| Error::MalformedResponse {
        what: what.to_string(),
        path: e.path().to_string(),
        reason: e.inner().to_string(),
    })
}
