//! The crate's one error type.

use crate::validate::Violation;
use veritrans_core::ErrorKind;

use crate::{ActionCode, ResultCode, Status};

/// Everything that can go wrong, kept apart so callers can decide: the
/// request was never sent (`InvalidRequest`), it may or may not have arrived
/// (`Transport`), the gateway answered with a refusal (`GatewayRefused`), the
/// answer could not be read (`MalformedResponse`), or a notification was not
/// authentic (`Signature`, `InvalidNotification`).
///
/// [`Error::next_step`] says what the caller may still do after a
/// `Transport` or `GatewayRefused` error (see [`NextStep`]).
///
/// ```
/// use unified_proto::prelude::*;
/// use unified_proto::validate::{Context, validate};
/// use unified_proto::{ErrorKind, RequestMode};
///
/// // 8 digits: more than PayPay's 7-digit limit, caught before anything is sent.
/// let too_much = PayRequest::new(
///     PayOrder::new(PayType::Paypay, "order-1", 12_345_678),
///     PayControl::returning_to("https://shop.example/return/order-1").with_request_mode(RequestMode::Sandbox),
/// );
/// let err = validate(&too_much, &Context::new(Mode::Test)).unwrap_err();
/// assert!(matches!(err, UnifiedError::InvalidRequest { command: "pay", .. }));
/// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
/// assert_eq!(err.violations().len(), 1);
/// assert_eq!(err.violations()[0].path, "order.amount");
/// assert!(err.to_string().starts_with("invalid pay request: order.amount: payType paypay"));
/// assert_eq!(err.next_step(), None); // fix the request: no resend helps
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Caught before sending; nothing went over the wire.
    #[error("invalid {command} request: {}", join(violations))]
    InvalidRequest {
        /// The command.
        command: &'static str,
        /// Every broken rule, with its wire path.
        violations: Vec<Violation>,
    },
    /// Timeout, connection or TLS failure on the last attempt: the answer
    /// was lost, and the client already resent the request with the same
    /// key as often as its `ResendPolicy` allows. The request may have reached
    /// the gateway: resend later with the same `idempotency_key` (within
    /// 24 h) to get its answer without a second charge
    /// ([`NextStep::ResendSameKey`]).
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
    /// A blocking client was called from inside an async runtime (use the
    /// async client there); nothing was sent.
    #[error(transparent)]
    InsideAsyncRuntime(#[from] veritrans_core::blocking::InsideAsyncRuntime),
}

/// What the gateway said when it refused a request. The codes are `None`
/// when it sent only an HTTP status (empty body, HTML error page, 404 page
/// not found). [`Refusal::next_step`] says what the caller may do next.
///
/// ```
/// # #[cfg(feature = "http-client")] {
/// use unified_proto::client::interpret;
/// use unified_proto::{CaptureRequest, NextStep, ResultCode};
///
/// // A provider error (HTTP 502, actionCode retry_request) as the gateway answers it.
/// let body = br#"{"result":{"resultCode":"UA-PRV-001","status":"failure","actionCode":"retry_request","message":"Provider error"}}"#;
/// let err = interpret::<CaptureRequest>(502, body, "key-1").unwrap_err();
/// let refusal = err.refusal().expect("the gateway's refusal");
/// assert_eq!((refusal.command, refusal.http_status), ("capture", 502));
/// assert_eq!(refusal.result_code, Some(ResultCode::UaPrv001));
/// assert_eq!(refusal.idempotency_key, "key-1");
/// assert_eq!(refusal.next_step(), NextStep::NewKeyAfterCheck);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// The `X-VT-Idempotency-Key` of the last attempt (the same on every
    /// attempt except for `getTransactionResult`, see `Response::idempotency_key`).
    pub idempotency_key: String,
    /// How many times the client sent the request.
    pub attempts: u32,
}

/// What a caller may do after a refusal or a transport error. The client
/// has already done what it does by itself (see the `client` module); this
/// is what is left to the caller.
///
/// The guide ("About Idempotency"): a request repeated with the same
/// `X-VT-Idempotency-Key`, API and paymentId within 24 hours "returns the
/// result from the previous request without actual processing"; the feature
/// is "to allow merchants to reacquire responses they failed to receive".
///
/// ```
/// # #[cfg(feature = "http-client")] {
/// use unified_proto::client::interpret;
/// use unified_proto::{CaptureRequest, NextStep};
///
/// // A bare 503 (a proxy's page, no JSON): the answer was lost, resend with the same key.
/// let lost = interpret::<CaptureRequest>(503, b"<html>busy</html>", "key-1").unwrap_err();
/// assert_eq!(lost.next_step(), Some(NextStep::ResendSameKey));
///
/// // UA-REQ-005 (in process): the same key later returns the first request's answer.
/// let in_process = br#"{"result":{"resultCode":"UA-REQ-005","status":"failure","actionCode":"retry_request"}}"#;
/// let err = interpret::<CaptureRequest>(406, in_process, "key-1").unwrap_err();
/// assert_eq!(err.next_step(), Some(NextStep::ResendSameKey));
///
/// // UA-REQ-001 (invalid message): final, act on the actionCode.
/// let invalid = br#"{"result":{"resultCode":"UA-REQ-001","status":"failure","actionCode":"confirm_request"}}"#;
/// let err = interpret::<CaptureRequest>(400, invalid, "key-1").unwrap_err();
/// assert_eq!(err.next_step(), Some(NextStep::FollowActionCode));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextStep {
    /// The answer was lost (transport error, or an HTTP status without the
    /// gateway's JSON body), or the first request is still in process
    /// (`UA-REQ-005`), and the client's attempts ran out. Resend the same
    /// request with the same `idempotency_key` (within 24 hours) to get the
    /// original answer; never a new key before that answer is known, or a
    /// request that did arrive may be applied twice.
    ResendSameKey,
    /// The gateway processed the request and answered with
    /// `actionCode=retry_request` (`UA-PRV-001`, `UA-SYS-003`, `UA-SYS-004`,
    /// `UA-LMT-001`). That answer is stored under the key, so resending the
    /// same key only replays it. The guide's action: "Please wait for a
    /// while and then attempt the payment again. If the error persists,
    /// contact Technical Support." A new attempt needs a **new** key
    /// (`SendOptions::default()` makes one); for a command that moves money,
    /// first check the order (`getTransactionResult` with the answer's
    /// `fepReferenceId`, or MAP) — that check is this crate's advice, not the
    /// guide's words. For pay and charge the same `paymentId` may be sent
    /// again after a failure (the guide's Payment Life Cycle: "it is possible
    /// to retry with the same paymentId not only in the case of a payment
    /// failure but also in the event of a charge failure").
    NewKeyAfterCheck,
    /// The answer is final for this request: resending it, with any key,
    /// does not help. Act on its `actionCode` (fix the request, check the
    /// merchant settings or the order status, offer another payment, …).
    FollowActionCode,
}

impl Refusal {
    /// What the caller may do next, from the answer's codes.
    ///
    /// ```
    /// # #[cfg(feature = "http-client")] {
    /// use unified_proto::client::interpret;
    /// use unified_proto::{CancelRequest, NextStep};
    ///
    /// let too_busy = br#"{"result":{"resultCode":"UA-LMT-001","status":"failure","actionCode":"retry_request"}}"#;
    /// let err = interpret::<CancelRequest>(429, too_busy, "key-1").unwrap_err();
    /// // The answer arrived and is stored under key-1: a new attempt needs a new key.
    /// assert_eq!(err.refusal().unwrap().next_step(), NextStep::NewKeyAfterCheck);
    /// # }
    /// ```
    pub fn next_step(&self) -> NextStep {
        if self.result_code.is_none() && crate::resend::is_lost(self.http_status) {
            return NextStep::ResendSameKey;
        }
        match crate::resend::kind_of(self.result_code.as_ref(), self.action_code.as_ref()) {
            crate::resend::Kind::InProcess => NextStep::ResendSameKey,
            crate::resend::Kind::Stored => NextStep::NewKeyAfterCheck,
            crate::resend::Kind::Final => NextStep::FollowActionCode,
        }
    }
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
    /// What kind of failure this is (the same words for every gateway).
    ///
    /// ```
    /// use unified_proto::{Error, ErrorKind};
    /// assert_eq!(Error::Config("bad URL".into()).kind(), ErrorKind::Config);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Self::Transport { .. } => ErrorKind::Transport,
            Self::GatewayRefused(_) => ErrorKind::Refused,
            Self::MalformedResponse { .. } => ErrorKind::Malformed,
            // A notification missing what verification needs cannot be trusted either.
            Self::Signature { .. } | Self::InvalidNotification { .. } => ErrorKind::Unverified,
            Self::Config(_) | Self::InsideAsyncRuntime(_) => ErrorKind::Config,
        }
    }

    /// `result.resultCode` of the gateway's refusal, when it sent one.
    ///
    /// ```
    /// # #[cfg(feature = "http-client")] {
    /// use unified_proto::client::interpret;
    /// use unified_proto::{CaptureRequest, Error, ResultCode};
    ///
    /// let body = br#"{"result":{"resultCode":"UA-REQ-001","status":"failure","actionCode":"confirm_request"}}"#;
    /// let err = interpret::<CaptureRequest>(400, body, "key-1").unwrap_err();
    /// assert_eq!(err.result_code(), Some(&ResultCode::UaReq001));
    /// assert_eq!(Error::Config("no code".into()).result_code(), None);
    /// # }
    /// ```
    pub fn result_code(&self) -> Option<&ResultCode> {
        match self {
            Self::GatewayRefused(refusal) => refusal.result_code.as_ref(),
            _ => None,
        }
    }

    /// The violations of an `InvalidRequest`, else empty.
    ///
    /// ```
    /// use unified_proto::validate::{Context, Mode, Rule, validate};
    /// use unified_proto::CaptureRequest;
    ///
    /// // The guide's "paymentId or fepOrderId": an empty value counts as missing.
    /// let nameless = CaptureRequest::for_payment("");
    /// let err = validate(&nameless, &Context::new(Mode::Test)).unwrap_err();
    /// assert!(err.violations().iter().any(|v| v.path == "order" && matches!(v.rule, Rule::OneOf(_))));
    /// ```
    pub fn violations(&self) -> &[Violation] {
        match self {
            Self::InvalidRequest { violations, .. } => violations,
            _ => &[],
        }
    }

    /// What the caller may do next after a `Transport` error
    /// ([`NextStep::ResendSameKey`]) or a `GatewayRefused` one
    /// ([`Refusal::next_step`]); `None` for the others, which no resend
    /// fixes.
    ///
    /// ```
    /// use unified_proto::Error;
    ///
    /// // Only a transport error or a refusal leaves something to resend.
    /// assert_eq!(Error::Config("base URL: empty host".into()).next_step(), None);
    /// ```
    pub fn next_step(&self) -> Option<NextStep> {
        match self {
            Self::Transport { .. } => Some(NextStep::ResendSameKey),
            Self::GatewayRefused(r) => Some(r.next_step()),
            _ => None,
        }
    }

    /// The refusal of a `GatewayRefused`, else `None`.
    ///
    /// ```
    /// use unified_proto::Error;
    ///
    /// assert!(Error::Config("base URL: empty host".into()).refusal().is_none());
    /// # #[cfg(feature = "http-client")] {
    /// let err = unified_proto::client::interpret::<unified_proto::CaptureRequest>(500, b"", "key-1").unwrap_err();
    /// let refusal = err.refusal().unwrap();
    /// assert_eq!((refusal.http_status, refusal.result_code.as_ref()), (500, None));
    /// # }
    /// ```
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::GatewayRefused(r) => Some(r),
            _ => None,
        }
    }
}

/// Parses `bytes` as `T`, reporting the JSON path of a failure.
///
/// The path is tracked only once there is a failure: `bytes` are parsed
/// untracked first (`serde_path_to_error` copies every member name it passes),
/// and only when that fails parsed again, tracked, for the same error with its
/// path.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    what: &str,
    bytes: &[u8],
) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    if let Ok(value) = T::deserialize(&mut *de)
        && de.end().is_ok()
    {
        return Ok(value);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value =
        serde_path_to_error::deserialize(&mut *de).map_err(|e| Error::MalformedResponse {
            what: what.to_string(),
            path: e.path().to_string(),
            reason: e.inner().to_string(),
        })?;
    // Bytes after the JSON value make the body malformed, not a value with noise ignored.
    de.end().map_err(|e| Error::MalformedResponse {
        what: what.to_string(),
        path: String::new(),
        reason: e.to_string(),
    })?;
    Ok(value)
}

/// Converts a parsed JSON value to `T`, reporting the JSON path of a failure.
#[cfg(feature = "http-client")] // the client's only; notifications read borrowed trees
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
