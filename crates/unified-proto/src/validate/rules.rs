//! The rule tables `cargo xtask codegen` emits for every command (`FieldRule`,
//! `Rules`, …): plain data, written by the generator as struct literals
//! (`xtask/src/core/const_data.rs`) and interpreted by the checker.

/// Character sets used by the specs' `pattern`s.
///
/// ```
/// use unified_proto::validate::Charset;
/// use unified_proto::{CaptureRequest, Command};
///
/// let payment_id = CaptureRequest::RULES.fields.iter().find(|f| f.path == "order.paymentId").unwrap();
/// assert_eq!(payment_id.charset, Some(Charset::IdChars));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// Half-width alphanumerics, `-` and `_`.
    IdChars,
    /// Half-width digits.
    Digits,
    /// Half-width alphanumerics.
    Alnum,
    /// `yyyyMMddHHmmss`: exactly 14 digits.
    Datetime14,
    /// PayPay item IDs: alphanumerics and `* - _ @ . ` (space).
    PaypayItemId,
}

impl Charset {
    pub(super) fn accepts(self, value: &str) -> bool {
        match self {
            Self::IdChars => veritrans_core::charset::is_id_chars(value),
            Self::Digits => value.bytes().all(|b| b.is_ascii_digit()),
            Self::Alnum => value.bytes().all(|b| b.is_ascii_alphanumeric()),
            Self::Datetime14 => value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit()),
            Self::PaypayItemId => value.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'_' | b'@' | b' ' | b'.')
            }),
        }
    }

    /// Human-readable name used in error messages.
    ///
    /// ```
    /// use unified_proto::validate::Charset;
    ///
    /// assert_eq!(Charset::Digits.describe(), "half-width digits");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Self::IdChars => veritrans_core::charset::ID_CHARS,
            Self::Digits => "half-width digits",
            Self::Alnum => "half-width alphanumerics",
            Self::Datetime14 => "14 digits (yyyyMMddHHmmss)",
            Self::PaypayItemId => "half-width alphanumerics and '* - _ @ . ' (space)",
        }
    }
}

/// URL rules of a field.
///
/// ```
/// use unified_proto::validate::UrlRule;
/// use unified_proto::{Command, PayRequest};
///
/// let url_of = |path: &str| PayRequest::RULES.fields.iter().find(|f| f.path == path).unwrap().url;
/// assert_eq!(url_of("control.pushUrl"), UrlRule::PushUrl);
/// assert_eq!(url_of("control.successUrl"), UrlRule::HttpsInLive);
/// assert_eq!(url_of("order.paymentId"), UrlRule::None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRule {
    /// Not a URL.
    None,
    /// A http(s) URL; https only for live mode requests.
    HttpsInLive,
    /// A Webhook URL: https, port 443, not a private address.
    PushUrl,
}

/// A limit that applies to one payment type (`x-payTypeLimits`).
///
/// ```
/// use unified_proto::{CancelRequest, Command};
///
/// let amount = CancelRequest::RULES.fields.iter().find(|f| f.path == "order.amount").unwrap();
/// let docomo = amount.limits.iter().find(|l| l.pay_type == "docomo").unwrap();
/// assert_eq!(docomo.max_digits, Some(8)); // d Payment: 8 digits
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayTypeLimit {
    /// The payment type (`paypay`, `rakuten`, …).
    pub pay_type: &'static str,
    /// Maximum number of digits of an amount.
    pub max_digits: Option<u64>,
    /// Minimum numeric value.
    pub minimum: Option<u64>,
    /// Maximum numeric value.
    pub maximum: Option<u64>,
    /// Maximum number of characters.
    pub max_length: Option<u64>,
    /// Maximum number of bytes (UTF-8).
    pub max_bytes: Option<u64>,
    /// Character set.
    pub charset: Option<Charset>,
    /// Allowed values for this payment type (empty: any).
    pub enum_values: &'static [&'static str],
}

/// The rule of one request field, addressed by its wire path; `[]` marks
/// every element of an array (`item[].id`).
///
/// ```
/// use unified_proto::{Command, PayRequest};
///
/// let push_url = PayRequest::RULES.fields.iter().find(|f| f.path == "control.pushUrl").unwrap();
/// assert_eq!((push_url.required, push_url.max_length), (false, Some(1024)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    /// Wire path, e.g. `order.amount`.
    pub path: &'static str,
    /// Required whenever its parent object is present.
    pub required: bool,
    /// Maximum number of characters.
    pub max_length: Option<u64>,
    /// Character set.
    pub charset: Option<Charset>,
    /// URL rule.
    pub url: UrlRule,
    /// Allowed values (empty: any).
    pub enum_values: &'static [&'static str],
    /// Payment types the field applies to (empty: those of the command).
    pub pay_types: &'static [&'static str],
    /// Payment types for which an optional field is required.
    pub required_for: &'static [&'static str],
    /// Over-long values are truncated by the gateway (limits informative).
    pub truncated_by_gateway: bool,
    /// Per-payment-type limits.
    pub limits: &'static [PayTypeLimit],
    /// The field may only be set when another field has one of some values
    /// (`x-onlyWith`).
    pub only_with: Option<OnlyWith>,
    /// A `yyyyMMddHHmmss` (JST) value must lie in this window after the
    /// request time (`x-datetimeWindow`).
    pub window: Option<DatetimeWindow>,
    /// `path` cut where the checker reads it, by the generator. Crate-private, so a
    /// rule comes only from the generated tables and never holds a cut that
    /// disagrees with its path.
    pub(crate) at: PathSplit,
}

/// A rule's path cut at its last `.`, written by the generator next to the path:
/// the checker runs every rule of a command for every request, and searching each
/// path for its last `.` and a `[` cost ≈ 6.4 k of the sandbox's ≈ 115 k instructions
/// a `POST /fep/pay` (callgrind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathSplit {
    /// The parent object's path, before the last `.` (empty at the top).
    pub(crate) parent: &'static str,
    /// The field's name, after it.
    pub(crate) name: &'static str,
    /// Whether the parent crosses an array (`item[]`): then every element's field
    /// is checked.
    pub(crate) in_array: bool,
}

/// `x-onlyWith`: the field may be set only when the field at `path` (a wire
/// path from the body's root) holds one of `values`; when `pay_types` is not
/// empty, only for those payment types.
///
/// ```
/// use unified_proto::{ChargeRequest, Command};
///
/// let rule = ChargeRequest::RULES.fields.iter()
///     .find(|f| f.path == "control.protocol.recoveryExpiredDatetime").unwrap();
/// let only_with = rule.only_with.unwrap();
/// assert_eq!((only_with.path, only_with.values), ("control.protocol.recoveryType", &["recovery"][..]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlyWith {
    /// Wire path of the other field, e.g. `control.protocol.recoveryType`.
    pub path: &'static str,
    /// Values of that field that allow this one.
    pub values: &'static [&'static str],
    /// Payment types the condition applies to (empty: all).
    pub pay_types: &'static [&'static str],
}

/// `x-datetimeWindow`: minutes after the request time.
///
/// ```
/// use unified_proto::validate::DatetimeWindow;
/// use unified_proto::{ChargeRequest, Command};
///
/// let rule = ChargeRequest::RULES.fields.iter()
///     .find(|f| f.path == "control.protocol.recoveryExpiredDatetime").unwrap();
/// // "10 minutes to 48 hours" after the request time.
/// assert_eq!(rule.window, Some(DatetimeWindow { min_minutes: 10, max_minutes: 48 * 60 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatetimeWindow {
    /// Earliest allowed value, in minutes after the request time.
    pub min_minutes: u64,
    /// Latest allowed value, in minutes after the request time.
    pub max_minutes: u64,
}

/// Exactly one of `alternatives` must be present in the object at `object`.
///
/// ```
/// use unified_proto::{ChargeRequest, Command};
///
/// let group = &ChargeRequest::RULES.one_of[0];
/// assert_eq!((group.object, group.alternatives), ("order", &["originalPaymentId", "originalFepOrderId"][..]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneOfRule {
    /// Wire path of the object (`order`).
    pub object: &'static str,
    /// Field names of which exactly one must be set.
    pub alternatives: &'static [&'static str],
}

/// All rules of one command.
///
/// ```
/// use unified_proto::{Command, GetTransactionResultRequest};
///
/// let rules = GetTransactionResultRequest::RULES;
/// assert!(rules.fields.iter().any(|f| f.path == "transaction.fepReferenceId" && f.required));
/// assert!(rules.one_of.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Field rules, by path.
    pub fields: &'static [FieldRule],
    /// One-of groups.
    pub one_of: &'static [OneOfRule],
}
