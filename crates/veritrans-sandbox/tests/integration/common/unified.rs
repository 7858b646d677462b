//! Unified API request builders shared by the Unified test files.

use unified_proto::{CancelRequest, CaptureRequest, yen};

/// A capture of `payment_id`: the whole authorised amount, or `amount`.
pub fn capture(payment_id: &str, amount: Option<u64>) -> CaptureRequest {
    let mut request = CaptureRequest::for_payment(payment_id);
    request.order.amount = amount.map(yen);
    request
}

/// A cancel of `payment_id`: in full, or `amount` (a partial refund after capture).
pub fn cancel(payment_id: &str, amount: Option<u64>) -> CancelRequest {
    let mut request = CancelRequest::for_payment(payment_id);
    request.order.amount = amount.map(yen);
    request
}
