//! The crate's errors: one enum separating a request refused before
//! sending, a gateway's error answer, a malformed answer and transport.

use std::fmt;

use veritrans_core::ErrorKind;
use veritrans_core::blocking::InsideAsyncRuntime;

use crate::charset::CharsetError;
use crate::generated::ErrorCode;

/// Everything that can go wrong.
///
/// ```
/// use jpayment_proto::{Charset, Error, ErrorCode, ErrorKind, Operation, RegisterUser};
///
/// // Refused before sending: the guide requires an e-mail address or a phone number.
/// let user = RegisterUser::new("123456", "customer42");
/// let err = Error::from(user.validate().unwrap_err());
/// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
///
/// // The gateway's bare error code, as it answers a call from an unregistered address.
/// let err = user.decode_reply(b"ER003", Charset::Utf8).unwrap_err();
/// assert!(matches!(&err, Error::Gateway(refused) if refused.code == ErrorCode::SourceIp));
/// assert_eq!(err.kind(), ErrorKind::Refused);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a rule of the guide; nothing was sent.
    #[error("invalid request: {0}")]
    Invalid(#[from] ValidationError),
    /// The gateway answered with an error (`rst=2` or a bare error code).
    #[error(transparent)]
    Gateway(Box<GatewayError>),
    /// The answer (or kickback) does not match the spec.
    #[error("malformed answer: {0}")]
    Malformed(#[from] MalformedResponse),
    /// The HTTP exchange failed (connection, timeout, TLS). A charge whose
    /// transport failed may still have gone through: check before charging
    /// again. The variant exists whatever the features; the source is the HTTP
    /// client's error (a `reqwest::Error`, without its URL, with `http-client`).
    #[error("transport: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The gateway answered with an HTTP status other than 2xx.
    #[error("HTTP status {status} from {endpoint}")]
    Status {
        /// The status code.
        status: u16,
        /// The endpoint called.
        endpoint: &'static str,
    },
    /// The client could not be built (bad base URL, TLS setup).
    #[error("client configuration: {0}")]
    Config(String),
    /// A blocking client was called from inside an async runtime; nothing
    /// was sent (use the async client there). Its kind is
    /// [`ErrorKind::Config`].
    ///
    /// ```
    /// # #[cfg(feature = "blocking")]
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), jpayment_proto::Error> {
    /// use jpayment_proto::prelude::*;
    ///
    /// let client = jpayment_proto::blocking::Client::new(Environment::Live)?;
    /// // Inside an async runtime: refused, nothing sent.
    /// let err = client.send(&RegisterUser::new("123456", "customer42")).unwrap_err();
    /// assert!(matches!(err, jpayment_proto::Error::InsideAsyncRuntime(_)));
    /// assert_eq!(err.kind(), ErrorKind::Config);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "blocking"))] fn main() {}
    /// ```
    #[error(transparent)]
    InsideAsyncRuntime(#[from] InsideAsyncRuntime),
}

impl From<GatewayError> for Error {
    fn from(error: GatewayError) -> Self {
        Error::Gateway(Box::new(error))
    }
}

impl Error {
    /// What kind of failure this is (the same words for every gateway).
    ///
    /// ```
    /// use jpayment_proto::{Error, ErrorKind};
    /// assert_eq!(Error::Config("bad URL".into()).kind(), ErrorKind::Config);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid(_) => ErrorKind::InvalidRequest,
            Self::Gateway(_) => ErrorKind::Refused,
            Self::Malformed(_) => ErrorKind::Malformed,
            // An HTTP error status carries no J-Payment answer: the outcome is unknown.
            Self::Transport(_) | Self::Status { .. } => ErrorKind::Transport,
            Self::Config(_) | Self::InsideAsyncRuntime(_) => ErrorKind::Config,
        }
    }

    /// The gateway's error code when it refused (the same as
    /// [`gateway_code`](Self::gateway_code), under the name every crate uses).
    ///
    /// ```
    /// use jpayment_proto::{Charset, ErrorCode, Operation, RegisterUser};
    ///
    /// let err = RegisterUser::new("123456", "customer42").decode_reply(b"ER010", Charset::Utf8).unwrap_err();
    /// assert_eq!(err.result_code(), Some(&ErrorCode::Busy));
    /// ```
    pub fn result_code(&self) -> Option<&ErrorCode> {
        self.gateway_code()
    }

    /// The gateway's error code, when the gateway refused.
    ///
    /// ```
    /// use jpayment_proto::{Charset, ErrorCode, Operation, RegisterUser};
    ///
    /// let err = RegisterUser::new("123456", "customer42").decode_reply(b"ER003", Charset::Utf8).unwrap_err();
    /// assert_eq!(err.gateway_code(), Some(&ErrorCode::SourceIp));
    /// assert_eq!(jpayment_proto::Error::Config("x".into()).gateway_code(), None);
    /// ```
    pub fn gateway_code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Gateway(e) => Some(&e.code),
            _ => None,
        }
    }
}

/// A request value that breaks a rule of the guide.
///
/// ```
/// use jpayment_proto::{Operation, RegisterUser, Rule};
///
/// let err = RegisterUser::new("123456", "customer 42").validate().unwrap_err();
/// assert_eq!((err.operation, err.field), ("register_user", "uid"));
/// assert!(matches!(err.rule, Rule::Charset(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: `{field}` ({label}): {rule}")]
pub struct ValidationError {
    /// The operation (`register_user`, …).
    pub operation: &'static str,
    /// The wire name of the offending field (`uid`, …; `other` for the
    /// free other data).
    pub field: &'static str,
    /// The guide's Japanese label of the field.
    pub label: &'static str,
    /// The rule that was broken.
    pub rule: Rule,
}

/// The rule a request value broke.
///
/// ```
/// use jpayment_proto::{Operation, RegisterUser, Rule};
///
/// let err = RegisterUser::new("123456", "customer42").validate().unwrap_err();
/// assert!(matches!(err.rule, Rule::AtLeastOneOf(fields) if fields.contains(&"em")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A required field is missing or empty.
    Required,
    /// The value must have exactly this many characters.
    ExactLength(usize),
    /// The value has more characters than allowed.
    MaxChars(usize),
    /// The value has more bytes than allowed (in the charset, or as sent).
    MaxBytes(usize),
    /// The value contains characters outside the allowed set.
    Charset(&'static str),
    /// The value must be this constant.
    Constant(&'static str),
    /// The value is not one of the allowed values.
    OneOf(&'static [&'static str]),
    /// The number is not one of the allowed numbers.
    OneOfNumbers(&'static [u8]),
    /// At least one of these fields is required.
    AtLeastOneOf(&'static [&'static str]),
    /// Required because another field has a value.
    RequiredWhen {
        /// The deciding field.
        when: &'static str,
        /// Its value.
        equals: &'static str,
    },
    /// Refused because another field does not have a value.
    OnlyWhen {
        /// The deciding field.
        when: &'static str,
        /// The value it must have.
        equals: &'static str,
    },
    /// A name of the free other data is empty.
    EmptyName,
    /// A name of the free other data is a parameter of the protocol.
    ReservedName(String),
    /// The value cannot be written in the configured charset.
    Unencodable(&'static str),
    /// A received parameter of the protocol that this operation does not
    /// have.
    NotInOperation,
    /// A received parameter came more than once.
    Duplicate,
    /// A received value has the right characters but is out of range.
    OutOfRange,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::ExactLength(n) => write!(f, "must be exactly {n} characters"),
            Rule::MaxChars(n) => write!(f, "must be at most {n} characters"),
            Rule::MaxBytes(n) => write!(f, "must be at most {n} bytes"),
            Rule::Charset(what) => write!(f, "may only contain {what}"),
            Rule::Constant(value) => write!(f, "must be {value}"),
            Rule::OneOf(values) => write!(f, "must be one of {}", values.join(", ")),
            Rule::OneOfNumbers(values) => {
                let list: Vec<String> = values.iter().map(u8::to_string).collect();
                write!(f, "must be one of {}", list.join(", "))
            }
            Rule::AtLeastOneOf(fields) => {
                write!(f, "at least one of {} is required", fields.join(", "))
            }
            Rule::RequiredWhen { when, equals } => write!(f, "is required when {when}={equals}"),
            Rule::OnlyWhen { when, equals } => {
                write!(f, "is only allowed when {when}={equals}")
            }
            Rule::EmptyName => f.write_str("a parameter name is empty"),
            Rule::ReservedName(name) => {
                write!(
                    f,
                    "`{name}` is a parameter of the protocol and cannot be other data"
                )
            }
            Rule::Unencodable(charset) => write!(f, "cannot be written in {charset}"),
            Rule::NotInOperation => f.write_str("is not a parameter of this operation"),
            Rule::Duplicate => f.write_str("appears more than once"),
            Rule::OutOfRange => f.write_str("is out of range"),
        }
    }
}

/// Where in an answer something was wrong.
///
/// ```
/// use jpayment_proto::error::{MalformedResponse, Place};
/// use jpayment_proto::{Charset, Error, Operation, RegisterCard};
///
/// let card = RegisterCard::new("123456", "customer42", "vnjpBycDO5", "token");
/// // `rst` must be 1 or 2.
/// let Err(Error::Malformed(MalformedResponse::Value { place, .. })) = card.decode_reply(b"7,1", Charset::Utf8) else {
///     unreachable!()
/// };
/// assert!(matches!(place, Place::Column { name: "rst", .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A column of a comma-separated answer (1-based, as the guide numbers
    /// them).
    Column {
        /// 1-based position.
        position: usize,
        /// The parameter name.
        name: &'static str,
        /// The guide's label.
        label: &'static str,
    },
    /// A kickback parameter.
    Parameter {
        /// The parameter name.
        name: &'static str,
        /// The guide's label.
        label: &'static str,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Column {
                position,
                name,
                label,
            } => write!(f, "column {position} (`{name}`, {label})"),
            Place::Parameter { name, label } => write!(f, "parameter `{name}` ({label})"),
        }
    }
}

/// An answer that does not match the spec. Nothing is decoded from it.
///
/// ```
/// use jpayment_proto::error::MalformedResponse;
/// use jpayment_proto::{Charset, Error, Operation, RegisterUser};
///
/// let user = RegisterUser::new("123456", "customer42");
/// let page = b"<html><body>Service Unavailable</body></html>";
/// let err = user.decode_reply(page, Charset::Utf8).unwrap_err();
/// assert!(matches!(err, Error::Malformed(MalformedResponse::Html { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedResponse {
    /// Invalid bytes for the configured charset.
    #[error("{0}")]
    Charset(#[from] CharsetError),
    /// The body is empty.
    #[error("empty body for {shape}")]
    Empty {
        /// The expected shape.
        shape: &'static str,
    },
    /// An HTML page came instead of comma-separated values.
    #[error("an HTML page instead of {shape} (starts with {start:?})")]
    Html {
        /// The expected shape.
        shape: &'static str,
        /// The first characters of the page.
        start: String,
    },
    /// More than one non-empty line.
    #[error("{lines} lines where {shape} is one line")]
    Lines {
        /// The expected shape.
        shape: &'static str,
        /// How many non-empty lines came.
        lines: usize,
    },
    /// Fewer columns than the spec lists.
    #[error(
        "{shape} has {expected} columns ({names}) but {found} came; the first missing is column {missing_position} (`{missing}`)"
    )]
    MissingColumns {
        /// The expected shape.
        shape: &'static str,
        /// How many columns the spec lists.
        expected: usize,
        /// How many came.
        found: usize,
        /// The spec's column names in order.
        names: String,
        /// The first missing column's name.
        missing: &'static str,
        /// Its 1-based position.
        missing_position: usize,
    },
    /// More columns than the spec lists, although no other data was sent.
    #[error(
        "{shape} has {expected} columns but more came although no other data was sent: {extra:?}"
    )]
    ExtraColumns {
        /// The expected shape.
        shape: &'static str,
        /// How many columns the spec lists.
        expected: usize,
        /// The text after the last expected column.
        extra: String,
    },
    /// A value breaks its column's format.
    #[error("{place}: {rule}{}", found.as_ref().map(|v| format!(" (found {v:?})")).unwrap_or_default())]
    Value {
        /// The column or parameter.
        place: Place,
        /// What was expected.
        rule: String,
        /// The value found, unless the column is sensitive.
        found: Option<String>,
    },
    /// A kickback parameter came twice.
    #[error("parameter `{name}` appears more than once")]
    DuplicateParameter {
        /// The name.
        name: String,
    },
    /// A kickback query is not valid percent-encoding of the charset.
    #[error("query parameter {index} is not valid: {reason}")]
    Query {
        /// 1-based position of the `name=value` pair.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The direct answer to `rt=0` is neither `OK` nor an error code.
    #[error("expected `OK` or an error code for rt=0, found {found:?}")]
    Direct {
        /// What came (first characters).
        found: String,
    },
    /// A kickback carries some but not all of the parameters that tell the
    /// bulk registration result from the one-touch result.
    #[error("kickback has {present} but not {missing}: neither a bulk nor a one-touch result")]
    AmbiguousKickback {
        /// The parameters present.
        present: String,
        /// The parameters missing.
        missing: String,
    },
}

/// The gateway's error answer: `rst=2` with its `ec`, or a bare error code.
///
/// ```
/// use jpayment_proto::{Charset, Error, JobType, OnetouchCharge, Operation, ReplyMethod, yen};
///
/// let charge = OnetouchCharge::new("123456", ReplyMethod::Response, "customer42",
///     "vnjpBycDO5", 1, JobType::Capture, yen(1000), yen(2), yen(4));
/// // A failed payment (rst=2): it has an ID, and the card company's code.
/// let answer = b"1095730,2,,G55,205686,order-17,1000,2,4,1006,,\r\n";
/// let Err(Error::Gateway(refused)) = charge.decode_reply(answer, Charset::Utf8) else { unreachable!() };
/// assert_eq!(refused.code.to_string(), "G55");
/// assert_eq!(refused.field("gid"), Some("1095730"));
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("gateway error {code} ({})", code.description())]
pub struct GatewayError {
    /// The shape that was expected.
    pub shape: &'static str,
    /// The error code (`ER003`, `G55`, …; `Unknown("")` when `rst=2`
    /// came with an empty `ec`).
    pub code: ErrorCode,
    /// The other non-empty columns or parameters that came with it, by name
    /// (the payment ID and order reference of a failed payment, for
    /// instance), sensitive ones included for the merchant's records.
    pub fields: Vec<(&'static str, String)>,
    /// Whether the corresponding field is sensitive (hidden by `Debug`).
    pub(crate) sensitive: Vec<bool>,
    /// Echoed other data.
    pub echo: crate::values::Echo,
}

impl GatewayError {
    /// The value of the column or parameter `name`, when it came.
    ///
    /// ```
    /// use jpayment_proto::{Charset, Error, JobType, OnetouchCharge, Operation, ReplyMethod, yen};
    ///
    /// let charge = OnetouchCharge::new("123456", ReplyMethod::Response, "customer42",
    ///     "vnjpBycDO5", 1, JobType::Capture, yen(1000), yen(2), yen(4));
    /// let answer = b"1095730,2,,G55,205686,order-17,1000,2,4,1006,,\r\n";
    /// let Err(Error::Gateway(refused)) = charge.decode_reply(answer, Charset::Utf8) else { unreachable!() };
    /// assert_eq!(refused.field("cod"), Some("order-17"));
    /// assert_eq!(refused.field("ap"), None); // empty: not kept
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .zip(self.sensitive.iter().chain(std::iter::repeat(&true)))
            .map(|((n, v), s)| {
                (
                    *n,
                    if *s {
                        veritrans_core::REDACTED
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("GatewayError")
            .field("shape", &self.shape)
            .field("code", &self.code)
            .field("fields", &fields)
            .field("echo", &self.echo)
            .finish()
    }
}
