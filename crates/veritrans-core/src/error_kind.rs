//! What kind of failure an error is, the same words for every gateway.

/// What went wrong, in terms a merchant acts on. Every protocol crate's `Error::kind()`
/// answers it for each of its own variants (an exhaustive match there: a new variant
/// does not compile until it is classified), and the facade delegates to them.
///
/// ```
/// use veritrans_core::ErrorKind;
///
/// // A merchant's one decision table for every gateway's errors.
/// fn retry_later(kind: ErrorKind) -> bool {
///     matches!(kind, ErrorKind::Transport)
/// }
/// assert!(retry_later(ErrorKind::Transport));
/// assert!(!retry_later(ErrorKind::Unverified)); // answer 4xx and alert instead
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Refused before anything was sent: the message names the field and the
    /// rule (and the gateway's result code where it has one). Fix the input.
    InvalidRequest,
    /// The gateway answered and refused; `result_code()` says why.
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
}
