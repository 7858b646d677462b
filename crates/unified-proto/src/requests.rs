//! Constructors for the request a merchant sends most, `pay`: the generated
//! types mirror the spec field for field, so a literal names every optional
//! member; these name only what a payment needs.
//!
//! ```
//! use unified_proto::{AuthCaptureType, PayControl, PayOrder, PayRequest, PayType, RequestMode};
//!
//! let request = PayRequest::new(
//!     PayOrder::new(PayType::Paypay, "order-1", 1000).with_auth_capture(AuthCaptureType::Auth),
//!     PayControl::returning_to("https://shop.example/return/order-1")
//!         .with_push_url("https://shop.example/webhook")
//!         .with_request_mode(RequestMode::Sandbox),
//! );
//! assert_eq!(request.order.amount.get(), 1000);
//! assert_eq!(request.control.cancel_url, "https://shop.example/return/order-1");
//! assert!(request.item.is_empty() && request.customer.is_none());
//! ```

use crate::{AuthCaptureType, PayControl, PayOrder, PayRequest, PayType, RequestMode, yen};

impl PayRequest {
    /// A `pay` with `order` and `control` only: no customer, items, merchant,
    /// payment instrument or transaction.
    pub fn new(order: PayOrder, control: PayControl) -> Self {
        Self {
            order,
            control,
            customer: None,
            item: Vec::new(),
            merchant: None,
            payment_instrument: None,
            transaction: None,
        }
    }
}

impl PayOrder {
    /// `amount` yen paid with `pay_type` under the merchant's `payment_id`; the
    /// capture type, commodity type and description left to the gateway's
    /// defaults.
    pub fn new(pay_type: PayType, payment_id: impl Into<String>, amount: u64) -> Self {
        Self {
            pay_type,
            payment_id: payment_id.into(),
            amount: yen(amount),
            auth_capture_type: None,
            commodity_type: None,
            description: None,
        }
    }
    /// Authorise only (`auth`, captured later) or capture at once (`capture`).
    pub fn with_auth_capture(mut self, auth_capture_type: AuthCaptureType) -> Self {
        self.auth_capture_type = Some(auth_capture_type);
        self
    }
    /// The description shown to the consumer.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl PayControl {
    /// The consumer comes back to `return_url` whatever happened (success,
    /// cancel, error): the signed redirect parameters say which. No webhook and
    /// no `requestMode` yet.
    pub fn returning_to(return_url: impl Into<String>) -> Self {
        let url = return_url.into();
        Self {
            success_url: url.clone(),
            cancel_url: url.clone(),
            error_url: url,
            push_url: None,
            request_mode: None,
        }
    }
    /// Where the gateway POSTs the signed webhook.
    pub fn with_push_url(mut self, push_url: impl Into<String>) -> Self {
        self.push_url = Some(push_url.into());
        self
    }
    /// `requestMode`; the client checks it against its environment.
    pub fn with_request_mode(mut self, request_mode: RequestMode) -> Self {
        self.request_mode = Some(request_mode);
        self
    }
}
