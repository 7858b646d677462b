//! One error type across the gateways, and what kind of failure each is.
//!
//! Each protocol crate has its own error enum, shaped by its guide. A service
//! that talks to several gateways converts them into [`Error`] with `?` and
//! decides what to do from [`Error::kind`], the same way for every gateway.

use std::fmt;

/// The gateway an [`Error`] (or anything else) comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Gateway {
    /// VeriTrans4G POP.
    Pop,
    /// VeriTrans4G Unified API.
    Unified,
    /// J-Payment (ROBOT PAYMENT).
    JPayment,
    /// VeriTrans 3-D Secure (MPI).
    Mpi,
}

impl fmt::Display for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pop => "POP",
            Self::Unified => "Unified API",
            Self::JPayment => "J-Payment",
            Self::Mpi => "MPI",
        })
    }
}

/// What went wrong, in terms a merchant acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Refused before anything was sent: the message names the field and the
    /// rule (and the gateway's result code where it has one). Fix the input.
    InvalidRequest,
    /// The gateway answered and refused; [`Error::result_code`] says why.
    Refused,
    /// No usable answer (network failure, timeout, an HTTP error status with no
    /// gateway answer): whether the gateway acted is unknown. Reconcile before
    /// charging again; the Unified API client's error carries the idempotency key
    /// to resend with.
    Transport,
    /// A notification that did not verify (signature, CCID, `paymentId`, order),
    /// or could not even be read for verification. Answer 4xx, act on nothing in
    /// it, and alert: it was altered, forged, or signed with another key.
    Unverified,
    /// A response or verified notification without the documented shape.
    Malformed,
    /// The client is misconfigured (base URL, key, TLS).
    Config,
    /// A failure this version of the facade does not classify yet; its message
    /// still says what happened.
    Other,
}

/// Any gateway's error.
///
/// ```
/// use veritrans::{Error, ErrorKind, Gateway, PopServerKey};
///
/// // A push whose signature does not match, as an attacker would send it.
/// let body = br#"{"orderId":"o-1","vResultCode":"A001","signature":"00"}"#;
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// let err: Error = veritrans::pop::Push::verify_and_parse(body, &key)
///     .unwrap_err()
///     .into();
/// assert_eq!(err.gateway(), Some(Gateway::Pop));
/// assert_eq!(err.kind(), ErrorKind::Unverified);
/// assert!(!err.to_string().contains("Test-POP-Server-Key"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A signature scheme's error, outside any gateway's own verification.
    #[error(transparent)]
    Sign(#[from] veritrans_sign::Error),
    /// VeriTrans4G POP.
    #[cfg(feature = "pop")]
    #[error("POP: {0}")]
    Pop(#[from] pop_proto::Error),
    /// VeriTrans4G Unified API.
    #[cfg(feature = "unified")]
    #[error("Unified API: {0}")]
    Unified(#[from] unified_proto::Error),
    /// J-Payment.
    #[cfg(feature = "jpayment")]
    #[error("J-Payment: {0}")]
    JPayment(#[from] jpayment_proto::Error),
    /// VeriTrans 3-D Secure (MPI).
    #[cfg(feature = "mpi")]
    #[error("MPI: {0}")]
    Mpi(#[from] mpi_proto::Error),
}

impl Error {
    /// The gateway the error comes from; `None` for [`Error::Sign`].
    pub fn gateway(&self) -> Option<Gateway> {
        match self {
            Self::Sign(_) => None,
            #[cfg(feature = "pop")]
            Self::Pop(_) => Some(Gateway::Pop),
            #[cfg(feature = "unified")]
            Self::Unified(_) => Some(Gateway::Unified),
            #[cfg(feature = "jpayment")]
            Self::JPayment(_) => Some(Gateway::JPayment),
            #[cfg(feature = "mpi")]
            Self::Mpi(_) => Some(Gateway::Mpi),
        }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Sign(e) => sign_kind(e),
            #[cfg(feature = "pop")]
            Self::Pop(e) => pop_kind(e),
            #[cfg(feature = "unified")]
            Self::Unified(e) => unified_kind(e),
            #[cfg(feature = "jpayment")]
            Self::JPayment(e) => jpayment_kind(e),
            #[cfg(feature = "mpi")]
            Self::Mpi(e) => mpi_kind(e),
        }
    }

    /// The gateway's result code when it refused ([`ErrorKind::Refused`]) or
    /// when local validation maps to one: POP `RCxx`, Unified API `UA-…`,
    /// J-Payment `ER…`/`G…`, MPI search `code`.
    pub fn result_code(&self) -> Option<String> {
        match self {
            Self::Sign(_) => None,
            #[cfg(feature = "pop")]
            Self::Pop(pop_proto::Error::GatewayRefused { result_code, .. }) => {
                Some(result_code.to_string())
            }
            #[cfg(feature = "unified")]
            Self::Unified(unified_proto::Error::GatewayRefused(refusal)) => {
                refusal.result_code.as_ref().map(ToString::to_string)
            }
            #[cfg(feature = "jpayment")]
            Self::JPayment(jpayment_proto::Error::Gateway(refused)) => {
                Some(refused.code.to_string())
            }
            #[cfg(feature = "mpi")]
            Self::Mpi(mpi_proto::Error::SearchFailed { code, .. }) => code.clone(),
            #[allow(unreachable_patterns)] // unreachable only when no gateway feature is on
            _ => None,
        }
    }
}

fn sign_kind(e: &veritrans_sign::Error) -> ErrorKind {
    match e {
        veritrans_sign::Error::InvalidKey { .. } => ErrorKind::Config,
        // Every other signature error is about a message that did not verify.
        _ => ErrorKind::Unverified,
    }
}

#[cfg(feature = "pop")]
fn pop_kind(e: &pop_proto::Error) -> ErrorKind {
    use pop_proto::Error as E;
    match e {
        E::InvalidRequest(_) => ErrorKind::InvalidRequest,
        E::Transport(_) => ErrorKind::Transport,
        E::Config(_) => ErrorKind::Config,
        E::GatewayRefused { .. } => ErrorKind::Refused,
        E::MalformedResponse { .. } => ErrorKind::Malformed,
        E::NotificationBody(_) | E::MissingSignature | E::Signature(_) => ErrorKind::Unverified,
        E::UnknownPaymentType { .. } | E::MalformedNotification { .. } => ErrorKind::Malformed,
        _ => ErrorKind::Other,
    }
}

#[cfg(feature = "unified")]
fn unified_kind(e: &unified_proto::Error) -> ErrorKind {
    use unified_proto::Error as E;
    match e {
        E::InvalidRequest { .. } => ErrorKind::InvalidRequest,
        E::Transport { .. } => ErrorKind::Transport,
        E::GatewayRefused(_) => ErrorKind::Refused,
        E::MalformedResponse { .. } => ErrorKind::Malformed,
        // A notification missing what verification needs cannot be trusted either.
        E::Signature { .. } | E::InvalidNotification { .. } => ErrorKind::Unverified,
        E::Config(_) => ErrorKind::Config,
        _ => ErrorKind::Other,
    }
}

#[cfg(feature = "jpayment")]
fn jpayment_kind(e: &jpayment_proto::Error) -> ErrorKind {
    use jpayment_proto::Error as E;
    match e {
        E::Invalid(_) => ErrorKind::InvalidRequest,
        E::Gateway(_) => ErrorKind::Refused,
        E::Malformed(_) => ErrorKind::Malformed,
        // An HTTP error status carries no J-Payment answer: the outcome is unknown.
        E::Transport(_) | E::Status { .. } => ErrorKind::Transport,
        E::Config(_) => ErrorKind::Config,
    }
}

#[cfg(feature = "mpi")]
fn mpi_kind(e: &mpi_proto::Error) -> ErrorKind {
    use mpi_proto::Error as E;
    match e {
        E::VResultCode { .. }
        | E::Constraint { .. }
        | E::Missing { .. }
        | E::Json { .. }
        | E::Form(_)
        | E::DateTime { .. } => ErrorKind::Malformed,
        E::SearchFailed { .. } => ErrorKind::Refused,
        // A search about another order must not decide this one's shipment.
        E::Signature(_) | E::OrderMismatch { .. } => ErrorKind::Unverified,
        _ => ErrorKind::Other,
    }
}
