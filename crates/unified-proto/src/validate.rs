//! Client-side validation of requests before they are sent.
//!
//! The rules themselves are generated from the spec (`generated/*/tables.rs`:
//! maxLength, character sets, required fields, one-of groups, URL rules and
//! the `x-payTypeLimits` per payment type); this module only interprets them
//! over the JSON body exactly as it will be sent, so every error names the
//! wire path (`order.amount`, `item[1].id`) and the rule.
//!
//! Decisions the guides leave open, taken here:
//! - A field listed for other payment types is not rejected: the guide says
//!   such values are ignored by the gateway (e.g. `description` for Rakuten).
//! - Fields the gateway truncates (`x-truncatedByGateway`, e.g. item names)
//!   are checked only against their overall `maxLength`, not per payment type.
//! - Rakuten Pay's 100-yen minimum can be lowered by agreement with Rakuten;
//!   only the hard 2-yen floor is enforced.
//! - A required string that is empty counts as missing.
//! - `x-datetimeWindow` (e.g. `recoveryExpiredDatetime`: "10 minutes to 48
//!   hours after the request date and time") is measured from the moment of
//!   validation ([`Context::now`], the system clock by default), not from the
//!   gateway's receipt of the request, which the client cannot know.
//! - [`Violation::result_code`]: the guides do not say which result code a
//!   malformed field gets; this crate (and the sandbox) reads it as
//!   `UA-REQ-001` (Invalid message).
//!
//! The module is three files: `rules.rs` (the rule tables the generator emits:
//! [`FieldRule`], [`Rules`], …), `checker.rs` (walks a body and reports every
//! [`Violation`]) and `url_policy.rs` (which URLs a `pushUrl` or a return URL may
//! be); this file holds what a check needs besides the body ([`Context`]).

mod checker;
mod rules;
mod url_policy;
mod view;

use std::time::SystemTime;

pub use checker::{Rule, Violation, body_of, check, check_value, check_view, validate, value_of};
pub(crate) use rules::PathSplit;
pub use rules::{
    Charset, DatetimeWindow, FieldRule, OneOfRule, OnlyWith, PayTypeLimit, Rules, UrlRule,
};
pub use view::BodyView;

/// Live money or test: the one [`veritrans_core::Mode`] every client of the
/// workspace is built with. For the Unified API it fixes the `requestMode` a
/// request carries ([`request_mode`]) and whether http URLs are allowed.
pub use veritrans_core::Mode;

/// The `requestMode` a request sent in `mode` carries, as the spec spells it:
/// [`Mode::Live`] is `live`, [`Mode::Test`] is the guide's `sandbox`.
///
/// ```
/// use unified_proto::RequestMode;
/// use unified_proto::validate::{Mode, request_mode};
///
/// assert_eq!(request_mode(Mode::Test), RequestMode::Sandbox);
/// assert_eq!(request_mode(Mode::Live).to_string(), "live");
/// ```
pub fn request_mode(mode: Mode) -> crate::RequestMode {
    match mode {
        Mode::Live => crate::RequestMode::Live,
        Mode::Test => crate::RequestMode::Sandbox,
    }
}

/// What validation needs besides the body.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use unified_proto::PayType;
/// use unified_proto::validate::{Context, Mode};
///
/// let ctx = Context::new(Mode::Test)
///     .with_pay_type(PayType::Paypay)
///     .at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// assert_eq!(ctx.pay_type, Some(PayType::Paypay));
/// assert!(ctx.now.is_some() && !ctx.local_push_url);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The environment the request goes to.
    pub mode: Mode,
    /// The order's payment type, when the body does not say it (capture,
    /// cancel, …): enables the per-payment-type limits. When the body has
    /// `order.payType`, that value wins.
    pub pay_type: Option<crate::PayType>,
    /// Accept a `pushUrl` on this machine's loopback (`127.0.0.0/8`, `::1`,
    /// `localhost`), over http and on any port: for a merchant server under test
    /// receiving webhooks from a local emulator. Never in [`Mode::Live`]; every other
    /// private address stays refused.
    pub local_push_url: bool,
    /// The request time that `x-datetimeWindow` rules count from; `None`
    /// means the system clock at validation.
    pub now: Option<SystemTime>,
}

impl Context {
    /// Context for `mode` without a known payment type.
    ///
    /// ```
    /// use unified_proto::validate::{Context, Mode};
    ///
    /// let ctx = Context::new(Mode::Live);
    /// assert_eq!((ctx.mode, ctx.pay_type, ctx.now), (Mode::Live, None, None));
    /// ```
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            pay_type: None,
            local_push_url: false,
            now: None,
        }
    }
    /// The same context with a fixed request time (for tests and replays).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use unified_proto::validate::{Context, Mode};
    ///
    /// let now = SystemTime::now();
    /// assert_eq!(Context::new(Mode::Test).at(now).now, Some(now));
    /// ```
    pub fn at(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }
    /// The same context with a payment type.
    ///
    /// ```
    /// use unified_proto::validate::{Context, Mode, validate};
    /// use unified_proto::{CaptureRequest, PayType, yen};
    ///
    /// // A Merpay capture amount has at most 7 digits; a capture body does not name the payment type.
    /// let capture = CaptureRequest::for_payment("order-1").with_amount(yen(12_345_678));
    /// let merpay = Context::new(Mode::Test).with_pay_type(PayType::Merpay);
    /// assert!(validate(&capture, &merpay).is_err());
    /// ```
    pub fn with_pay_type(mut self, pay_type: crate::PayType) -> Self {
        self.pay_type = Some(pay_type);
        self
    }
}
