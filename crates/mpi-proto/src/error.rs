//! The crate's error type.

use thiserror::Error;
use veritrans_core::ErrorKind;

/// Why a 16-character `vresult_code` was rejected.
///
/// ```
/// use mpi_proto::{VResultCode, VResultCodeError};
///
/// assert_eq!(VResultCode::parse("G011"), Err(VResultCodeError::Length { len: 4 }));
/// assert!(matches!(VResultCode::parse("g011A00100000000"), Err(VResultCodeError::Lowercase { position: 0, .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VResultCodeError {
    /// Not exactly 16 characters.
    #[error("must be 16 characters, got {len}")]
    Length {
        /// Number of characters received.
        len: usize,
    },
    /// A lowercase letter: the guide's codes are uppercase, and a lowercase
    /// code means the value was altered on the way.
    #[error("lowercase letter {found:?} at position {position}; codes are uppercase")]
    Lowercase {
        /// Zero-based character position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Not a half-width alphanumeric character.
    #[error("{found:?} at position {position} is not a half-width alphanumeric character")]
    Charset {
        /// Zero-based character position.
        position: usize,
        /// The offending character.
        found: char,
    },
}

/// Everything that can go wrong in this crate. Messages name the field
/// (JSON path or parameter name) and the rule; they never contain secrets.
///
/// ```
/// use mpi_proto::{Error, ErrorKind, RedirectParameters};
///
/// let err = RedirectParameters::validate_order_id("order#1").unwrap_err();
/// assert!(matches!(err, Error::Constraint { .. }));
/// assert_eq!(err.kind(), ErrorKind::Malformed); // a value as received breaks the spec
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// A `vresult_code` that is not 16 uppercase half-width alphanumerics.
    #[error("{path}: invalid vresult_code: {source}")]
    VResultCode {
        /// Where the code was read.
        path: String,
        /// What was wrong with it.
        source: VResultCodeError,
    },
    /// A value breaking a length or charset rule of the spec.
    #[error("{schema}.{field}: {rule}")]
    Constraint {
        /// Schema name in `specs/mpi/openapi.yaml`.
        schema: &'static str,
        /// Wire name of the field.
        field: &'static str,
        /// The rule that failed, in words.
        rule: String,
    },
    /// A member the operation needs is absent.
    #[error("{path}: missing")]
    Missing {
        /// JSON path (or parameter name) of the absent member.
        path: String,
    },
    /// A JSON body that does not have the documented shape.
    #[error("{path}: {message}")]
    Json {
        /// JSON path where parsing failed (`.` for the document itself).
        path: String,
        /// What serde reported.
        message: String,
    },
    /// A redirect form body that could not be read.
    #[error("redirect parameters: {0}")]
    Form(String),
    /// A timestamp not in a documented format.
    #[error("{path}: {value:?} is not a date-time in a documented format ({expected})")]
    DateTime {
        /// Where the value was read.
        path: String,
        /// The value received (timestamps are not secret).
        value: String,
        /// The formats accepted.
        expected: &'static str,
    },
    /// The search itself did not succeed: no result to decide on.
    #[error(
        "search did not succeed: mstatus {mstatus:?}, code {code:?}, status {status:?}, message {message:?}"
    )]
    SearchFailed {
        /// Top-level `mstatus`.
        mstatus: Option<String>,
        /// Top-level `code`.
        code: Option<String>,
        /// Top-level `status`.
        status: Option<String>,
        /// Top-level `message`.
        message: Option<String>,
    },
    /// A push whose `Authorization` header is missing its `Basic ` scheme,
    /// malformed, or does not match the body: it was not parsed.
    #[error("push notification rejected: {0}")]
    Signature(#[from] veritrans_sign::Error),
    /// The search result (or the browser's redirect) is about another order than
    /// the one the merchant expects.
    #[error("order_info.order_id: expected {expected:?}, got {actual:?}")]
    OrderMismatch {
        /// The `OrderId` the merchant expects.
        expected: String,
        /// The `order_id` the search returned.
        actual: Option<String>,
    },
}

impl Error {
    /// What kind of failure this is (the same words for every gateway).
    ///
    /// ```
    /// use mpi_proto::{Error, ErrorKind};
    /// let err = Error::OrderMismatch { expected: "o-1".into(), actual: None };
    /// assert_eq!(err.kind(), ErrorKind::Unverified);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::VResultCode { .. }
            | Self::Constraint { .. }
            | Self::Missing { .. }
            | Self::Json { .. }
            | Self::Form(_)
            | Self::DateTime { .. } => ErrorKind::Malformed,
            Self::SearchFailed { .. } => ErrorKind::Refused,
            // A search about another order must not decide this one's shipment.
            Self::Signature(_) | Self::OrderMismatch { .. } => ErrorKind::Unverified,
        }
    }

    /// The search's `code` when the search did not succeed.
    ///
    /// ```
    /// use mpi_proto::SearchResponse;
    ///
    /// let failed = SearchResponse::from_json(br#"{"mstatus": "failure", "code": "Q001"}"#)?;
    /// assert_eq!(failed.ensure_succeeded().unwrap_err().result_code(), Some("Q001"));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn result_code(&self) -> Option<&str> {
        match self {
            Self::SearchFailed { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn missing(path: impl Into<String>) -> Self {
        Error::Missing { path: path.into() }
    }

    /// Parses JSON into `T`, naming the path of the first mismatch.
    pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Self> {
        // The path is tracked only once there is a failure: untracked first
        // (`serde_path_to_error` copies every member name it passes), and
        // only when that fails parsed again, tracked, for the same error with
        // its path.
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        if let Ok(value) = T::deserialize(&mut deserializer)
            && deserializer.end().is_ok()
        {
            return Ok(value);
        }
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let value =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|err| Error::Json {
                path: err.path().to_string(),
                message: err.inner().to_string(),
            })?;
        deserializer.end().map_err(|err| Error::Json {
            path: ".".to_owned(),
            message: err.to_string(),
        })?;
        Ok(value)
    }
}
