//! Unified API request builders shared by the Unified test files.

use unified_proto::{CancelOrder, CancelRequest, CaptureOrder, CaptureRequest, yen};

/// A capture of `payment_id`: the whole authorised amount, or `amount`.
pub fn capture(payment_id: &str, amount: Option<u64>) -> CaptureRequest {
    CaptureRequest {
        order: CaptureOrder {
            payment_id: Some(payment_id.into()),
            amount: amount.map(yen),
            ..Default::default()
        },
        control: None,
        transaction: None,
    }
}

/// A cancel of `payment_id`: in full, or `amount` (a partial refund after capture).
pub fn cancel(payment_id: &str, amount: Option<u64>) -> CancelRequest {
    CancelRequest {
        order: CancelOrder {
            payment_id: Some(payment_id.into()),
            amount: amount.map(yen),
            ..Default::default()
        },
        control: None,
        transaction: None,
    }
}
