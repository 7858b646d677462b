//! Character rules shared by several gateways' identifiers.

/// What [`is_id_chars`] accepts, for error messages.
///
/// ```
/// use veritrans_core::charset::{ID_CHARS, is_id_chars};
///
/// assert!(!is_id_chars("order 1"));
/// let message = format!("order.paymentId: only {ID_CHARS}");
/// assert_eq!(message, "order.paymentId: only half-width alphanumerics, '-' and '_'");
/// ```
pub const ID_CHARS: &str = "half-width alphanumerics, '-' and '_'";

/// Whether every byte of `value` is a half-width alphanumeric, `-` or `_`: the rule of the
/// Unified API's IDs and `X-VT-Idempotency-Key`, of `X-VT-webhook-id`, and of MPI's
/// `order_id`. (Emptiness and length are each field's own rule, checked apart.)
///
/// ```
/// use veritrans_core::charset::is_id_chars;
/// assert!(is_id_chars("order-0001_A"));
/// assert!(!is_id_chars("order 1"));
/// assert!(!is_id_chars("注文"));
/// assert!(is_id_chars(""));
/// ```
pub fn is_id_chars(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
