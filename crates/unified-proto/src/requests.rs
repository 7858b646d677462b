//! Constructors for the requests a merchant sends most (`pay`, `subscribe`,
//! `charge`, `capture`, `cancel`, `getTransactionResult`): the generated types mirror the spec
//! field for field, so a literal names every optional member; these name only
//! what the request needs. `requestMode` is left out: the client fills it
//! from its environment.
//!
//! ```
//! use unified_proto::prelude::*;
//!
//! let request = PayRequest::new(
//!     PayOrder::new(PayType::Paypay, "order-1", 1000).with_auth_capture(AuthCaptureType::Auth),
//!     PayControl::returning_to("https://shop.example/return/order-1")
//!         .with_push_url("https://shop.example/webhook"),
//! );
//! assert_eq!(request.order.amount.get(), 1000);
//! assert_eq!(request.control.cancel_url, "https://shop.example/return/order-1");
//! assert!(request.item.is_empty() && request.customer.is_none());
//! ```

use crate::{
    AuthCaptureType, CancelOrder, CancelRequest, CaptureOrder, CaptureRequest, ChargeOrder,
    ChargeRequest, GetTransactionResultRequest, PayControl, PayOrder, PayRequest, PayType,
    RequestMode, SubscribeControl, SubscribeItem, SubscribeOrder, SubscribeRequest,
    TransactionResultQuery, Yen, yen,
};

impl PayRequest {
    /// A `pay` with `order` and `control` only: no customer, items, merchant,
    /// payment instrument or transaction.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let request = PayRequest::new(
    ///     PayOrder::new(PayType::Rakuten, "order-1", 1500),
    ///     PayControl::returning_to("https://shop.example/return/order-1"),
    /// );
    /// assert_eq!(request.order.payment_id, "order-1");
    /// assert!(request.merchant.is_none() && request.transaction.is_none());
    /// ```
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
    ///
    /// ```
    /// use unified_proto::{PayOrder, PayType, yen};
    ///
    /// let order = PayOrder::new(PayType::Docomo, "order-1", 2000);
    /// assert_eq!((order.pay_type, order.amount), (PayType::Docomo, yen(2000)));
    /// assert!(order.auth_capture_type.is_none()); // the gateway's default
    /// ```
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
    ///
    /// ```
    /// use unified_proto::{AuthCaptureType, PayOrder, PayType};
    ///
    /// let order = PayOrder::new(PayType::Paypay, "order-1", 1000).with_auth_capture(AuthCaptureType::Auth);
    /// assert_eq!(order.auth_capture_type, Some(AuthCaptureType::Auth));
    /// ```
    pub fn with_auth_capture(mut self, auth_capture_type: AuthCaptureType) -> Self {
        self.auth_capture_type = Some(auth_capture_type);
        self
    }
    /// The description shown to the consumer.
    ///
    /// ```
    /// use unified_proto::{PayOrder, PayType};
    ///
    /// let order = PayOrder::new(PayType::Paypay, "order-1", 1000).with_description("2 coffees");
    /// assert_eq!(order.description.as_deref(), Some("2 coffees"));
    /// ```
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl PayControl {
    /// The consumer comes back to `return_url` whatever happened (success,
    /// cancel, error): the signed redirect parameters say which. No webhook and
    /// no `requestMode` yet.
    ///
    /// ```
    /// use unified_proto::PayControl;
    ///
    /// let control = PayControl::returning_to("https://shop.example/return/order-1");
    /// assert_eq!(control.success_url, control.error_url);
    /// assert!(control.push_url.is_none() && control.request_mode.is_none());
    /// ```
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
    ///
    /// ```
    /// use unified_proto::PayControl;
    ///
    /// let control = PayControl::returning_to("https://shop.example/return").with_push_url("https://shop.example/webhook");
    /// assert_eq!(control.push_url.as_deref(), Some("https://shop.example/webhook"));
    /// ```
    pub fn with_push_url(mut self, push_url: impl Into<String>) -> Self {
        self.push_url = Some(push_url.into());
        self
    }
    /// `requestMode`. Rarely needed: the client fills it from its environment
    /// and refuses a request whose value contradicts it.
    ///
    /// ```
    /// use unified_proto::{PayControl, RequestMode};
    ///
    /// let control = PayControl::returning_to("https://shop.example/return").with_request_mode(RequestMode::Sandbox);
    /// assert_eq!(control.request_mode, Some(RequestMode::Sandbox));
    /// ```
    pub fn with_request_mode(mut self, request_mode: RequestMode) -> Self {
        self.request_mode = Some(request_mode);
        self
    }
}

impl CaptureRequest {
    /// Capture the whole authorised amount of the order with the merchant's
    /// `payment_id`.
    ///
    /// ```
    /// use unified_proto::{CaptureRequest, yen};
    ///
    /// let capture = CaptureRequest::for_payment("order-1").with_amount(yen(800));
    /// assert_eq!(capture.order.payment_id.as_deref(), Some("order-1"));
    /// assert_eq!(capture.order.amount, Some(yen(800)));
    /// ```
    pub fn for_payment(payment_id: impl Into<String>) -> Self {
        Self {
            order: CaptureOrder {
                payment_id: Some(payment_id.into()),
                ..CaptureOrder::default()
            },
            control: None,
            transaction: None,
        }
    }
    /// Capture `amount` yen instead of the whole authorised amount.
    ///
    /// ```
    /// use unified_proto::{CaptureRequest, yen};
    ///
    /// assert_eq!(CaptureRequest::for_payment("order-1").order.amount, None); // the whole amount
    /// assert_eq!(CaptureRequest::for_payment("order-1").with_amount(yen(700)).order.amount, Some(yen(700)));
    /// ```
    pub fn with_amount(mut self, amount: Yen) -> Self {
        self.order.amount = Some(amount);
        self
    }
}

impl CancelRequest {
    /// Cancel (or refund) the whole order with the merchant's `payment_id`.
    ///
    /// ```
    /// use unified_proto::{CancelRequest, yen};
    ///
    /// let refund = CancelRequest::for_payment("order-1").with_amount(yen(300));
    /// assert_eq!(refund.order.amount, Some(yen(300)));
    /// assert!(refund.control.is_none());
    /// ```
    pub fn for_payment(payment_id: impl Into<String>) -> Self {
        Self {
            order: CancelOrder {
                payment_id: Some(payment_id.into()),
                ..CancelOrder::default()
            },
            control: None,
            transaction: None,
        }
    }
    /// Cancel `amount` yen of it (a partial cancel or refund).
    ///
    /// ```
    /// use unified_proto::{CancelRequest, yen};
    ///
    /// let partial = CancelRequest::for_payment("order-1").with_amount(yen(200));
    /// assert_eq!(partial.order.amount.map(|a| a.get()), Some(200));
    /// ```
    pub fn with_amount(mut self, amount: Yen) -> Self {
        self.order.amount = Some(amount);
        self
    }
}

impl GetTransactionResultRequest {
    /// The result of the request whose answer (or redirect) carried
    /// `fep_reference_id`.
    ///
    /// ```
    /// use unified_proto::GetTransactionResultRequest;
    ///
    /// let query = GetTransactionResultRequest::for_reference("fep-ref-1");
    /// assert_eq!(query.transaction.fep_reference_id, "fep-ref-1");
    /// ```
    pub fn for_reference(fep_reference_id: impl Into<String>) -> Self {
        Self {
            transaction: TransactionResultQuery {
                fep_reference_id: fep_reference_id.into(),
            },
        }
    }
}

impl SubscribeRequest {
    /// A `subscribe` (consent to on-demand payments) with `order`, `control`
    /// and the items the consumer agrees to; nothing else.
    ///
    /// ```
    /// use unified_proto::{PayType, SubscribeControl, SubscribeItem, SubscribeOrder, SubscribeRequest};
    ///
    /// let request = SubscribeRequest::new(
    ///     SubscribeOrder::new(PayType::Rakuten, "sub-1").with_order_name("monthly plan"),
    ///     SubscribeControl::returning_to("https://shop.example/return/sub-1"),
    /// )
    /// .with_item(SubscribeItem { id: Some("plan1".into()), name: Some("plan".into()), category_id: None });
    /// assert_eq!(request.item.len(), 1);
    /// assert!(request.control.request_mode.is_none()); // the client fills it
    /// ```
    pub fn new(order: SubscribeOrder, control: SubscribeControl) -> Self {
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
    /// One more item.
    ///
    /// ```
    /// use unified_proto::{PayType, SubscribeControl, SubscribeItem, SubscribeOrder, SubscribeRequest};
    ///
    /// let item = |id: &str| SubscribeItem { id: Some(id.into()), name: None, category_id: None };
    /// let request = SubscribeRequest::new(
    ///     SubscribeOrder::new(PayType::Paypay, "sub-1"),
    ///     SubscribeControl::returning_to("https://shop.example/return/sub-1"),
    /// )
    /// .with_item(item("a"))
    /// .with_item(item("b"));
    /// assert_eq!(request.item[1].id.as_deref(), Some("b"));
    /// ```
    pub fn with_item(mut self, item: SubscribeItem) -> Self {
        self.item.push(item);
        self
    }
}

impl SubscribeOrder {
    /// A subscription with `pay_type` under the merchant's `payment_id`.
    ///
    /// ```
    /// use unified_proto::{PayType, SubscribeOrder};
    ///
    /// let order = SubscribeOrder::new(PayType::Au, "sub-1");
    /// assert_eq!((order.pay_type, order.payment_id.as_str()), (PayType::Au, "sub-1"));
    /// ```
    pub fn new(pay_type: PayType, payment_id: impl Into<String>) -> Self {
        Self {
            pay_type,
            payment_id: payment_id.into(),
            commodity_type: None,
            description: None,
            order_name: None,
        }
    }
    /// The name of the subscription shown to the consumer.
    ///
    /// ```
    /// use unified_proto::{PayType, SubscribeOrder};
    ///
    /// let order = SubscribeOrder::new(PayType::Rakuten, "sub-1").with_order_name("monthly plan");
    /// assert_eq!(order.order_name.as_deref(), Some("monthly plan"));
    /// ```
    pub fn with_order_name(mut self, order_name: impl Into<String>) -> Self {
        self.order_name = Some(order_name.into());
        self
    }
}

impl SubscribeControl {
    /// The consumer comes back to `return_url` whatever happened; no webhooks.
    ///
    /// ```
    /// use unified_proto::SubscribeControl;
    ///
    /// let control = SubscribeControl::returning_to("https://shop.example/return/sub-1");
    /// assert_eq!(control.cancel_url, "https://shop.example/return/sub-1");
    /// assert!(control.deregistration_push_url.is_none());
    /// ```
    pub fn returning_to(return_url: impl Into<String>) -> Self {
        let url = return_url.into();
        Self {
            success_url: url.clone(),
            cancel_url: url.clone(),
            error_url: url,
            push_url: None,
            deregistration_push_url: None,
            request_mode: None,
        }
    }
    /// Where the gateway POSTs the signed webhook.
    ///
    /// ```
    /// use unified_proto::SubscribeControl;
    ///
    /// let control = SubscribeControl::returning_to("https://shop.example/return").with_push_url("https://shop.example/webhook");
    /// assert_eq!(control.push_url.as_deref(), Some("https://shop.example/webhook"));
    /// ```
    pub fn with_push_url(mut self, push_url: impl Into<String>) -> Self {
        self.push_url = Some(push_url.into());
        self
    }
}

impl ChargeRequest {
    /// An on-demand `charge` of `amount` under the merchant's new `payment_id`,
    /// on the subscription whose `paymentId` was `original_payment_id`.
    ///
    /// ```
    /// use unified_proto::{ChargeRequest, yen};
    ///
    /// let charge = ChargeRequest::on_subscription("sub-1", "charge-1", yen(500));
    /// assert_eq!(charge.order.original_payment_id.as_deref(), Some("sub-1"));
    /// ```
    pub fn on_subscription(
        original_payment_id: impl Into<String>,
        payment_id: impl Into<String>,
        amount: Yen,
    ) -> Self {
        Self {
            order: ChargeOrder {
                amount,
                payment_id: payment_id.into(),
                original_payment_id: Some(original_payment_id.into()),
                original_fep_order_id: None,
                auth_capture_type: None,
                description: None,
            },
            control: None,
            item: Vec::new(),
            merchant: None,
            transaction: None,
        }
    }
    /// Authorise only or capture at once (PayPay requires `auth_with_capture`).
    ///
    /// ```
    /// use unified_proto::{AuthCaptureType, ChargeRequest, yen};
    ///
    /// // PayPay's charge needs auth_with_capture.
    /// let charge = ChargeRequest::on_subscription("sub-1", "charge-1", yen(500))
    ///     .with_auth_capture(AuthCaptureType::AuthWithCapture);
    /// assert_eq!(charge.order.auth_capture_type, Some(AuthCaptureType::AuthWithCapture));
    /// ```
    pub fn with_auth_capture(mut self, auth_capture_type: AuthCaptureType) -> Self {
        self.order.auth_capture_type = Some(auth_capture_type);
        self
    }
}
