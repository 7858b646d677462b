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

use std::fmt;
use std::net::IpAddr;

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
            Self::IdChars => value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
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
            Self::IdChars => "half-width alphanumerics, '-' and '_'",
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
        }
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
        }
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
}

impl Context {
    /// Context for `mode` without a known payment type.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            pay_type: None,
            local_push_url: false,
        }
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
            check_field(rule, &path, value, pay_type.as_deref(), ctx, &mut out);
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

fn check_field(
    rule: &FieldRule,
    path: &str,
    value: Option<&Value>,
    pay_type: Option<&str>,
    ctx: &Context,
    out: &mut Vec<Violation>,
) {
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
                    && host_is_loopback(&u) => {}
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
    }
}

/// Private, loopback, link-local, unspecified or otherwise non-public hosts
/// (including `localhost`). Host names are not resolved: DNS is the
/// gateway's business; literal addresses and `localhost` are caught here.
fn host_is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

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
