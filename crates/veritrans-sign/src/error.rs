//! The one error type of this crate.

use std::fmt;

/// Everything that can go wrong while signing or verifying.
///
/// Every variant names what was wrong; none ever carries a secret key. Values that
/// are not secret (a CCID, a `paymentId`, a parameter name) are shown so that a
/// merchant can see at once which side is misconfigured.
///
/// ```
/// use veritrans_sign::{pop, Error, PopServerKey};
///
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// let err = pop::verify(&[("order_id", "ORDER-0001")], &key).unwrap_err();
/// assert_eq!(err, Error::MissingParameter { name: "signature".into() });
/// assert_eq!(err.to_string(), "missing parameter `signature`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter the scheme needs was not received.
    #[error("missing parameter `{name}`")]
    MissingParameter {
        /// The parameter's name.
        name: String,
    },
    /// A parameter arrived more than once, so the value that was signed is ambiguous.
    #[error(
        "duplicate parameter `{name}`: it appears more than once, so its signed value is ambiguous"
    )]
    DuplicateParameter {
        /// The parameter's name.
        name: String,
    },
    /// The received signature is not the hex encoding of a digest of the right size.
    #[error("malformed {what}: {defect}")]
    MalformedSignature {
        /// Which signature (`POP signature`, `vAuthInfo`, …).
        what: &'static str,
        /// What is wrong with it.
        defect: SignatureDefect,
    },
    /// The signature is well formed but does not match: wrong key, or altered message.
    #[error("{what} does not match: the message was altered or signed with another key")]
    SignatureMismatch {
        /// Which signature (`POP signature`, `vAuthInfo`, …).
        what: &'static str,
    },
    /// A header value could not be parsed.
    #[error("malformed {header} header: {reason}")]
    MalformedHeader {
        /// The header's name.
        header: &'static str,
        /// Which field is wrong and why.
        reason: String,
    },
    /// The `h` field of `X-VT-Content-hmac` names an algorithm this crate does not implement.
    #[error("unsupported signature algorithm `{found}` (expected `{expected}`)")]
    UnsupportedAlgorithm {
        /// The algorithm the header names.
        found: String,
        /// The algorithm this crate implements.
        expected: &'static str,
    },
    /// The `s` field of `X-VT-Content-hmac` names another merchant CCID.
    #[error("CCID mismatch: the header names `{found}`, the configured CCID is `{expected}`")]
    CcidMismatch {
        /// The configured CCID.
        expected: String,
        /// The CCID the header names.
        found: String,
    },
    /// The redirect is validly signed but belongs to another payment (e.g. a replayed redirect).
    #[error(
        "paymentId mismatch: the redirect names `{found}`, the expected paymentId is `{expected}`"
    )]
    PaymentIdMismatch {
        /// The paymentId the merchant expected.
        expected: String,
        /// The paymentId the redirect carries.
        found: String,
    },
    /// A parameter that must be covered by the signature is not listed in `authParams`.
    #[error("parameter `{name}` is not covered by authParams, so it cannot be trusted")]
    UnsignedParameter {
        /// The parameter's name.
        name: String,
    },
    /// A value that must be Base64 is not.
    #[error("invalid Base64 in `{name}`: {reason}")]
    InvalidBase64 {
        /// The parameter's name.
        name: String,
        /// What the decoder rejected.
        reason: String,
    },
    /// `authParams` decoded, but not to a usable list of parameter names.
    #[error("malformed authParams: {reason}")]
    MalformedAuthParams {
        /// What is wrong with the decoded list.
        reason: String,
    },
    /// A `%` escape in a form body or query string is not followed by two hex digits.
    #[error("invalid percent-encoding in {what} at byte {position}")]
    InvalidPercentEncoding {
        /// Where (`form body`, `query string`, …).
        what: &'static str,
        /// Byte offset of the `%`.
        position: usize,
    },
    /// Bytes that must be UTF-8 are not.
    #[error("invalid UTF-8 in {what} (valid up to byte {valid_up_to})")]
    InvalidUtf8 {
        /// What was being decoded, e.g. `value of parameter `order_id``.
        what: String,
        /// Length of the valid prefix.
        valid_up_to: usize,
    },
    /// A body that must carry a message is empty.
    #[error("empty {what}")]
    EmptyBody {
        /// Which body.
        what: &'static str,
    },
    /// An input is larger than this crate accepts (see [`MAX_INPUT_LEN`](crate::MAX_INPUT_LEN)).
    #[error("{what} is {len} bytes, more than the maximum of {max} bytes")]
    BodyTooLarge {
        /// Which input.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The maximum accepted.
        max: usize,
    },
    /// A JSON body is not valid JSON.
    #[error("invalid JSON: {reason}")]
    InvalidJson {
        /// The parser's complaint (category, line and column; never the body's content).
        reason: String,
    },
    /// A JSON body is valid JSON but not a flat object of scalars.
    #[error("JSON body is not a flat object: {reason}")]
    NotFlatJson {
        /// Which member (or the top level) is not a scalar.
        reason: String,
    },
    /// A key could not be used in the requested mode.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// Why (never the key itself).
        reason: &'static str,
    },
}

/// Why a received signature is malformed (as opposed to merely wrong).
///
/// ```
/// use veritrans_sign::SignatureDefect;
///
/// let d = SignatureDefect::Length { expected: 128, found: 64 };
/// assert_eq!(d.to_string(), "expected 128 hex digits, found 64 characters");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureDefect {
    /// Not the number of hex digits the digest needs (odd lengths land here too).
    Length {
        /// Hex digits the digest needs.
        expected: usize,
        /// Characters received.
        found: usize,
    },
    /// A character that is not a hex digit.
    NonHex {
        /// Its character index.
        position: usize,
    },
}

impl fmt::Display for SignatureDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { expected, found } if found % 2 == 1 => write!(
                f,
                "expected {expected} hex digits, found {found} characters (odd length)"
            ),
            Self::Length { expected, found } => {
                write!(
                    f,
                    "expected {expected} hex digits, found {found} characters"
                )
            }
            Self::NonHex { position } => write!(f, "non-hex character at position {position}"),
        }
    }
}
