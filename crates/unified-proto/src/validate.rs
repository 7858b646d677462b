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

use std::fmt;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;

use crate::{Command, Error};

/// Character sets used by the specs' `pattern`s.
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
    fn accepts(self, value: &str) -> bool {
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

impl PayTypeLimit {
    /// A limit with nothing set yet.
    pub const fn new(pay_type: &'static str) -> Self {
        Self {
            pay_type,
            max_digits: None,
            minimum: None,
            maximum: None,
            max_length: None,
            max_bytes: None,
            charset: None,
            enum_values: &[],
        }
    }
    /// Sets `enum_values`.
    pub const fn one_of_values(mut self, v: &'static [&'static str]) -> Self {
        self.enum_values = v;
        self
    }
    /// Sets `max_digits`.
    pub const fn max_digits(mut self, n: u64) -> Self {
        self.max_digits = Some(n);
        self
    }
    /// Sets `minimum`.
    pub const fn minimum(mut self, n: u64) -> Self {
        self.minimum = Some(n);
        self
    }
    /// Sets `maximum`.
    pub const fn maximum(mut self, n: u64) -> Self {
        self.maximum = Some(n);
        self
    }
    /// Sets `max_length`.
    pub const fn max_length(mut self, n: u64) -> Self {
        self.max_length = Some(n);
        self
    }
    /// Sets `max_bytes`.
    pub const fn max_bytes(mut self, n: u64) -> Self {
        self.max_bytes = Some(n);
        self
    }
    /// Sets `charset`.
    pub const fn charset(mut self, c: Charset) -> Self {
        self.charset = Some(c);
        self
    }
}

/// The rule of one request field, addressed by its wire path; `[]` marks
/// every element of an array (`item[].id`).
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
}

/// `x-onlyWith`: the field may be set only when the field at `path` (a wire
/// path from the body's root) holds one of `values`; when `pay_types` is not
/// empty, only for those payment types.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatetimeWindow {
    /// Earliest allowed value, in minutes after the request time.
    pub min_minutes: u64,
    /// Latest allowed value, in minutes after the request time.
    pub max_minutes: u64,
}

impl FieldRule {
    /// A rule with nothing set yet.
    pub const fn new(path: &'static str) -> Self {
        Self {
            path,
            required: false,
            max_length: None,
            charset: None,
            url: UrlRule::None,
            enum_values: &[],
            pay_types: &[],
            required_for: &[],
            truncated_by_gateway: false,
            limits: &[],
            only_with: None,
            window: None,
        }
    }
    /// Sets the `x-onlyWith` condition.
    pub const fn only_with(
        mut self,
        path: &'static str,
        values: &'static [&'static str],
        pay_types: &'static [&'static str],
    ) -> Self {
        self.only_with = Some(OnlyWith {
            path,
            values,
            pay_types,
        });
        self
    }
    /// Sets the `x-datetimeWindow`.
    pub const fn window(mut self, min_minutes: u64, max_minutes: u64) -> Self {
        self.window = Some(DatetimeWindow {
            min_minutes,
            max_minutes,
        });
        self
    }
    /// Marks the field required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// Sets `max_length`.
    pub const fn max_length(mut self, n: u64) -> Self {
        self.max_length = Some(n);
        self
    }
    /// Sets `charset`.
    pub const fn charset(mut self, c: Charset) -> Self {
        self.charset = Some(c);
        self
    }
    /// https only in live mode.
    pub const fn https_in_live(mut self) -> Self {
        self.url = UrlRule::HttpsInLive;
        self
    }
    /// Webhook URL rules.
    pub const fn push_url(mut self) -> Self {
        self.url = UrlRule::PushUrl;
        self
    }
    /// Sets the allowed values.
    pub const fn one_of_values(mut self, v: &'static [&'static str]) -> Self {
        self.enum_values = v;
        self
    }
    /// Sets the applicable payment types.
    pub const fn pay_types(mut self, v: &'static [&'static str]) -> Self {
        self.pay_types = v;
        self
    }
    /// Sets the payment types requiring the field.
    pub const fn required_for(mut self, v: &'static [&'static str]) -> Self {
        self.required_for = v;
        self
    }
    /// Marks the field as truncated by the gateway.
    pub const fn truncated_by_gateway(mut self) -> Self {
        self.truncated_by_gateway = true;
        self
    }
    /// Sets the per-payment-type limits.
    pub const fn limits(mut self, v: &'static [PayTypeLimit]) -> Self {
        self.limits = v;
        self
    }
}

/// Exactly one of `alternatives` must be present in the object at `object`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneOfRule {
    /// Wire path of the object (`order`).
    pub object: &'static str,
    /// Field names of which exactly one must be set.
    pub alternatives: &'static [&'static str],
}

/// All rules of one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Field rules, by path.
    pub fields: &'static [FieldRule],
    /// One-of groups.
    pub one_of: &'static [OneOfRule],
}

/// `live` or `sandbox`: the environment a request is sent to, which fixes the
/// `requestMode` the request must carry and whether http URLs are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Live environment (real payments).
    Live,
    /// Sandbox environment (simulated providers).
    Sandbox,
}

impl Mode {
    /// The `requestMode` wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Sandbox => "sandbox",
        }
    }
}

/// What validation needs besides the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The environment the request goes to.
    pub mode: Mode,
    /// The order's payment type, when the body does not say it (capture,
    /// cancel, …): enables the per-payment-type limits. When the body has
    /// `order.payType`, that value wins.
    pub pay_type: Option<String>,
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
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            pay_type: None,
            local_push_url: false,
            now: None,
        }
    }
    /// The same context with a fixed request time (for tests and replays).
    pub fn at(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }
    /// The same context with a payment type.
    pub fn with_pay_type(mut self, pay_type: impl Into<String>) -> Self {
        self.pay_type = Some(pay_type.into());
        self
    }
}

/// Which rule a value broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A required field is missing, null or empty.
    Required,
    /// A field required for this payment type is missing.
    RequiredFor {
        /// The payment type.
        pay_type: String,
    },
    /// Longer than `maxLength` characters.
    MaxLength {
        /// The limit.
        max: u64,
        /// The value's length.
        actual: u64,
    },
    /// Characters outside the field's set.
    Charset(Charset),
    /// Not one of the allowed values.
    Enum(&'static [&'static str]),
    /// Not a string, object or array where one is expected.
    Type(&'static str),
    /// A per-payment-type limit.
    PayTypeLimit {
        /// The payment type.
        pay_type: String,
        /// What the limit says.
        limit: String,
    },
    /// Not exactly one of the alternatives.
    OneOf(&'static [&'static str]),
    /// Not an absolute http(s) URL.
    Url,
    /// http in a live mode request.
    HttpsOnlyInLive,
    /// Webhook URL not https.
    PushUrlHttps,
    /// Webhook URL on a port other than 443.
    PushUrlPort,
    /// Webhook URL pointing at a private, loopback or link-local address.
    PushUrlPrivate,
    /// `requestMode` does not match the environment.
    RequestMode {
        /// The environment's mode.
        expected: &'static str,
        /// What the request says (absent means live).
        actual: String,
    },
    /// The command does not support the payment type.
    CommandNotAvailable {
        /// The payment type.
        pay_type: String,
    },
    /// Set although the field it depends on does not allow it (`x-onlyWith`).
    OnlyWith {
        /// Wire path of the other field.
        path: &'static str,
        /// Values of that field that allow this one.
        values: &'static [&'static str],
    },
    /// Not a valid `yyyyMMddHHmmss` calendar date and time.
    Datetime,
    /// Outside the window after the request time (`x-datetimeWindow`).
    DatetimeWindow {
        /// Earliest allowed, minutes after the request time.
        min_minutes: u64,
        /// Latest allowed, minutes after the request time.
        max_minutes: u64,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("required"),
            Self::RequiredFor { pay_type } => write!(f, "required for payType {pay_type}"),
            Self::MaxLength { max, actual } => {
                write!(f, "at most {max} characters (got {actual})")
            }
            Self::Charset(c) => write!(f, "only {}", c.describe()),
            Self::Enum(values) => write!(f, "one of {}", values.join(", ")),
            Self::Type(t) => write!(f, "must be {t}"),
            Self::PayTypeLimit { pay_type, limit } => write!(f, "payType {pay_type}: {limit}"),
            Self::OneOf(alts) => write!(f, "exactly one of {}", alts.join(", ")),
            Self::Url => f.write_str("an absolute http(s) URL"),
            Self::HttpsOnlyInLive => f.write_str("https only in live mode"),
            Self::PushUrlHttps => f.write_str("https only"),
            Self::PushUrlPort => f.write_str("port 443 only"),
            Self::PushUrlPrivate => f.write_str("no private, loopback or link-local address"),
            Self::RequestMode { expected, actual } => {
                write!(f, "must be {expected} for this environment (got {actual})")
            }
            Self::CommandNotAvailable { pay_type } => {
                write!(f, "command not available for payType {pay_type}")
            }
            Self::OnlyWith { path, values } => {
                write!(f, "only with {path} = {}", values.join(" or "))
            }
            Self::Datetime => f.write_str("a valid yyyyMMddHHmmss date and time (JST)"),
            Self::DatetimeWindow {
                min_minutes,
                max_minutes,
            } => write!(
                f,
                "between {min_minutes} and {max_minutes} minutes after the request time (JST)"
            ),
        }
    }
}

/// One broken rule at one wire path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Wire path (`order.amount`, `item[0].id`; empty for the whole body).
    pub path: String,
    /// The rule.
    pub rule: Rule,
}

impl Violation {
    /// The result code the gateway is read to answer for this violation:
    /// `UA-REQ-001` (Invalid message). The guides do not map field errors to a
    /// code; this is the crate's reading, and the code the sandbox answers.
    pub fn result_code(&self) -> crate::ResultCode {
        crate::ResultCode::UaReq001
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(body)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.rule)
    }
}

/// Validates `request` for `ctx`; `Err(Error::InvalidRequest)` lists every
/// violation.
pub fn validate<C: Command>(request: &C, ctx: &Context) -> Result<(), Error> {
    let body = serde_json::to_value(request).map_err(|e| Error::InvalidRequest {
        command: C::NAME,
        violations: vec![Violation {
            path: String::new(),
            rule: Rule::Type(if e.is_data() {
                "serialisable"
            } else {
                "a JSON object"
            }),
        }],
    })?;
    let violations = check(C::RULES, C::PAY_TYPES, &body, ctx);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            command: C::NAME,
            violations,
        })
    }
}

/// Checks a JSON body against `rules`; returns every violation.
pub fn check(
    rules: &Rules,
    command_pay_types: &[&str],
    body: &Value,
    ctx: &Context,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let pay_type = body
        .pointer("/order/payType")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| ctx.pay_type.clone());
    if let Some(pt) = &pay_type
        && !command_pay_types.is_empty()
        && !command_pay_types.contains(&pt.as_str())
    {
        out.push(Violation {
            path: "order.payType".into(),
            rule: Rule::CommandNotAvailable {
                pay_type: pt.clone(),
            },
        });
    }
    for rule in rules.fields {
        let (parent, name) = match rule.path.rsplit_once('.') {
            Some((p, n)) => (p, n),
            None => ("", rule.path),
        };
        for (parent_path, parent_value) in locate(body, parent) {
            let Some(obj) = parent_value.as_object() else {
                continue;
            };
            let path = if parent_path.is_empty() {
                name.trim_end_matches("[]").to_string()
            } else {
                format!("{parent_path}.{}", name.trim_end_matches("[]"))
            };
            let value = obj.get(name).filter(|v| !v.is_null());
            let at = At {
                path: &path,
                body,
                pay_type: pay_type.as_deref(),
            };
            check_field(rule, &at, value, ctx, &mut out);
        }
    }
    for group in rules.one_of {
        for (path, value) in locate(body, group.object) {
            if let Some(obj) = value.as_object() {
                let present = group
                    .alternatives
                    .iter()
                    .filter(|a| obj.get(**a).is_some_and(|v| !is_empty(v)))
                    .count();
                if present != 1 {
                    out.push(Violation {
                        path,
                        rule: Rule::OneOf(group.alternatives),
                    });
                }
            }
        }
    }
    if rules.fields.iter().any(|f| f.path == "control.requestMode")
        && let Some(control) = body.get("control").filter(|v| v.is_object())
    {
        let actual = control
            .get("requestMode")
            .and_then(Value::as_str)
            .unwrap_or("live");
        if actual != ctx.mode.as_str() {
            out.push(Violation {
                path: "control.requestMode".into(),
                rule: Rule::RequestMode {
                    expected: ctx.mode.as_str(),
                    actual: if control.get("requestMode").is_some() {
                        actual.to_string()
                    } else {
                        "absent, which means live".to_string()
                    },
                },
            });
        }
    }
    out
}

fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_str().is_some_and(str::is_empty)
}

/// Every value at `path` (segments separated by `.`, `[]` iterating arrays)
/// with its concrete path.
fn locate<'a>(body: &'a Value, path: &str) -> Vec<(String, &'a Value)> {
    let mut current = vec![(String::new(), body)];
    if path.is_empty() {
        return current;
    }
    for segment in path.split('.') {
        let (name, each) = match segment.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for (p, v) in current {
            let Some(child) = v.get(name).filter(|c| !c.is_null()) else {
                continue;
            };
            let child_path = if p.is_empty() {
                name.to_string()
            } else {
                format!("{p}.{name}")
            };
            if each {
                if let Some(items) = child.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{child_path}[{i}]"), item));
                    }
                }
            } else {
                next.push((child_path, child));
            }
        }
        current = next;
    }
    current
}

/// Where a field sits: its concrete path, the whole body (for `x-onlyWith`)
/// and the order's payment type.
struct At<'a> {
    path: &'a str,
    body: &'a Value,
    pay_type: Option<&'a str>,
}

fn check_field(
    rule: &FieldRule,
    at: &At<'_>,
    value: Option<&Value>,
    ctx: &Context,
    out: &mut Vec<Violation>,
) {
    let (path, pay_type) = (at.path, at.pay_type);
    let mut push = |rule: Rule| {
        out.push(Violation {
            path: path.to_string(),
            rule,
        })
    };
    let missing = value.is_none_or(is_empty);
    if missing {
        if rule.required {
            push(Rule::Required);
        } else if let Some(pt) = pay_type.filter(|pt| rule.required_for.contains(pt)) {
            push(Rule::RequiredFor {
                pay_type: pt.to_string(),
            });
        }
        return;
    }
    let Some(value) = value else { return };
    let Some(text) = value.as_str() else {
        if rule.max_length.is_some() || rule.charset.is_some() || rule.url != UrlRule::None {
            push(Rule::Type("a string"));
        }
        return;
    };
    let chars = text.chars().count() as u64;
    if let Some(max) = rule.max_length
        && chars > max
    {
        push(Rule::MaxLength { max, actual: chars });
    }
    if let Some(c) = rule.charset
        && !c.accepts(text)
    {
        push(Rule::Charset(c));
    }
    if !rule.enum_values.is_empty() && !rule.enum_values.contains(&text) {
        push(Rule::Enum(rule.enum_values));
    }
    if let Some(cond) = rule.only_with
        && (cond.pay_types.is_empty() || pay_type.is_some_and(|pt| cond.pay_types.contains(&pt)))
    {
        let pointer = format!("/{}", cond.path.replace('.', "/"));
        let other = at.body.pointer(&pointer).and_then(Value::as_str);
        if !other.is_some_and(|o| cond.values.contains(&o)) {
            push(Rule::OnlyWith {
                path: cond.path,
                values: cond.values,
            });
        }
    }
    if let Some(window) = rule.window
        && rule.charset.is_none_or(|c| c.accepts(text))
    {
        match jst_datetime_to_unix(text) {
            None => push(Rule::Datetime),
            Some(at_secs) => {
                let now = ctx.now.unwrap_or_else(SystemTime::now);
                let now_secs = now
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
                let after = at_secs - now_secs;
                let (min, max) = (window.min_minutes, window.max_minutes);
                let secs = |m: u64| i64::try_from(m).map_or(i64::MAX, |m| m.saturating_mul(60));
                let inside = after >= secs(min) && after <= secs(max);
                if !inside {
                    push(Rule::DatetimeWindow {
                        min_minutes: min,
                        max_minutes: max,
                    });
                }
            }
        }
    }
    match rule.url {
        UrlRule::None => {}
        UrlRule::HttpsInLive => match url::Url::parse(text) {
            Ok(u) if u.scheme() == "https" => {}
            Ok(u) if u.scheme() == "http" => {
                if ctx.mode == Mode::Live {
                    push(Rule::HttpsOnlyInLive);
                }
            }
            _ => push(Rule::Url),
        },
        UrlRule::PushUrl => match url::Url::parse(text) {
            Ok(u)
                if ctx.local_push_url
                    && ctx.mode != Mode::Live
                    && matches!(u.scheme(), "http" | "https")
                    && veritrans_core::url_rules::is_loopback(&u) => {}
            Ok(u) if u.scheme() == "https" => {
                // `port()` is None for the scheme default, i.e. 443.
                if u.port().is_some_and(|p| p != 443) {
                    push(Rule::PushUrlPort);
                }
                if host_is_private(&u) {
                    push(Rule::PushUrlPrivate);
                }
            }
            Ok(u) if u.scheme() == "http" => push(Rule::PushUrlHttps),
            _ => push(Rule::Url),
        },
    }
    let Some(pt) = pay_type else { return };
    for limit in rule.limits.iter().filter(|l| l.pay_type == pt) {
        let mut broke = |what: String| {
            out.push(Violation {
                path: path.to_string(),
                rule: Rule::PayTypeLimit {
                    pay_type: pt.to_string(),
                    limit: what,
                },
            })
        };
        let numeric = text.parse::<u64>().ok();
        if let Some(n) = limit.max_digits
            && chars > n
        {
            broke(format!("at most {n} digits"));
        }
        if let Some(min) = limit.minimum
            && numeric.is_none_or(|v| v < min)
        {
            broke(format!("at least {min}"));
        }
        if let Some(max) = limit.maximum
            && numeric.is_none_or(|v| v > max)
        {
            broke(format!("at most {max}"));
        }
        if !rule.truncated_by_gateway {
            if let Some(n) = limit.max_length
                && chars > n
            {
                broke(format!("at most {n} characters"));
            }
            if let Some(n) = limit.max_bytes
                && text.len() as u64 > n
            {
                broke(format!("at most {n} bytes"));
            }
        }
        if let Some(c) = limit.charset
            && !c.accepts(text)
        {
            broke(format!("only {}", c.describe()));
        }
        if !limit.enum_values.is_empty() && !limit.enum_values.contains(&text) {
            broke(format!("only {}", limit.enum_values.join(" or ")));
        }
    }
}

/// Seconds since the Unix epoch of a `yyyyMMddHHmmss` date and time in JST
/// (UTC+9), or `None` when it is not a real calendar date and time.
fn jst_datetime_to_unix(text: &str) -> Option<i64> {
    veritrans_core::jst::parse_compact(text).map(|t| t.unix_timestamp())
}

/// Private, loopback, link-local, unspecified or otherwise non-public hosts
/// (including `localhost`). Host names are not resolved: DNS is the
/// gateway's business; literal addresses and `localhost` are caught here.
fn host_is_private(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip_is_private(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => ip_is_private(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => true,
    }
}

fn ip_is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                // 100.64.0.0/10 (carrier-grade NAT)
                || (o[0] == 100 && (o[1] & 0xC0) == 64)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return ip_is_private(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local
                || (seg[0] & 0xffc0) == 0xfe80 // link-local
        }
    }
}

/// Serialises `request` as the exact JSON the client sends.
pub fn body_of<C: Command + Serialize>(request: &C) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(request).map_err(|_| Error::InvalidRequest {
        command: C::NAME,
        violations: vec![Violation {
            path: String::new(),
            rule: Rule::Type("serialisable"),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::jst_datetime_to_unix;

    #[test]
    fn jst_datetimes_convert_and_impossible_dates_are_refused() {
        // 2026-01-01 00:00:00 JST is 2025-12-31 15:00:00 UTC = 1767193200.
        assert_eq!(jst_datetime_to_unix("20260101000000"), Some(1_767_193_200));
        assert_eq!(jst_datetime_to_unix("19700101090000"), Some(0));
        assert_eq!(jst_datetime_to_unix("20240229120000"), Some(1_709_175_600));
        for bad in [
            "20250229120000",
            "20261301000000",
            "20260132000000",
            "20260101240000",
            "2026010112000",
        ] {
            assert_eq!(jst_datetime_to_unix(bad), None, "{bad}");
        }
    }
}
