//! One error type across the gateways, and what kind of failure each is.
//!
//! Each protocol crate has its own error enum, shaped by its guide. A service
//! that talks to several gateways converts them into [`Error`] with `?` and
//! decides what to do from [`Error::kind`], the same way for every gateway.

pub use veritrans_core::{ErrorKind, Gateway};

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
    ///
    /// ```
    /// # #[cfg(all(feature = "mpi", feature = "jpayment"))] {
    /// use veritrans::{Error, Gateway};
    ///
    /// let mpi: Error = veritrans::mpi::RedirectParameters::validate_order_id("order#1").unwrap_err().into();
    /// assert_eq!(mpi.gateway(), Some(Gateway::Mpi));
    /// let jpayment: Error = veritrans::jpayment::Error::Config("bad URL".into()).into();
    /// assert_eq!(jpayment.gateway(), Some(Gateway::JPayment));
    /// # }
    /// ```
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

    /// What kind of failure it is: each protocol crate's own `kind()`, which
    /// classifies every one of its variants (a new variant does not compile there
    /// until it is classified, so none silently becomes "other" here).
    ///
    /// ```
    /// # #[cfg(feature = "unified")] {
    /// use veritrans::{Error, ErrorKind};
    /// use veritrans::unified::validate::{Context, Mode, validate};
    ///
    /// // 8 digits: more than PayPay's limit; nothing was sent.
    /// let refund = veritrans::unified::CancelRequest::for_payment("order-1").with_amount(veritrans::yen(12_345_678));
    /// let ctx = Context::new(Mode::Test).with_pay_type(veritrans::unified::PayType::Paypay);
    /// let err: Error = validate(&refund, &ctx).unwrap_err().into();
    /// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    /// # }
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Sign(e) => sign_kind(e),
            #[cfg(feature = "pop")]
            Self::Pop(e) => e.kind(),
            #[cfg(feature = "unified")]
            Self::Unified(e) => e.kind(),
            #[cfg(feature = "jpayment")]
            Self::JPayment(e) => e.kind(),
            #[cfg(feature = "mpi")]
            Self::Mpi(e) => e.kind(),
        }
    }

    /// The gateway's result code when it refused ([`ErrorKind::Refused`]) or
    /// when local validation maps to one: POP `RCxx`, Unified API `UA-…`,
    /// J-Payment `ER…`/`G…`, MPI search `code`. Each protocol crate's own
    /// `result_code()`, as text.
    ///
    /// ```
    /// # #[cfg(all(feature = "jpayment", feature = "pop"))] {
    /// use veritrans::Error;
    /// use veritrans::jpayment::{Charset, Operation, RegisterUser};
    ///
    /// // J-Payment's bare answer to a call from an unregistered address.
    /// let refused = RegisterUser::new("123456", "customer42").decode_reply(b"ER003", Charset::Utf8).unwrap_err();
    /// assert_eq!(Error::from(refused).result_code().as_deref(), Some("ER003"));
    ///
    /// // POP's code for an order ID it would refuse, found before sending.
    /// use veritrans::pop::{Validate, types::PaymentKeyRequest};
    /// let invalid = PaymentKeyRequest::new("ORDER 0001", veritrans::yen(1000)).validate().unwrap_err();
    /// assert_eq!(Error::from(veritrans::pop::Error::from(invalid)).result_code().as_deref(), Some("RC01"));
    /// # }
    /// ```
    pub fn result_code(&self) -> Option<String> {
        match self {
            Self::Sign(_) => None,
            #[cfg(feature = "pop")]
            Self::Pop(e) => e.result_code().map(ToString::to_string),
            #[cfg(feature = "unified")]
            Self::Unified(e) => e.result_code().map(ToString::to_string),
            #[cfg(feature = "jpayment")]
            Self::JPayment(e) => e.result_code().map(ToString::to_string),
            #[cfg(feature = "mpi")]
            Self::Mpi(e) => e.result_code().map(ToString::to_string),
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
