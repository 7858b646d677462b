//! The checker: walks a JSON body as it will be sent and reports every broken rule
//! with its wire path.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;

use super::rules::{Charset, FieldRule, Rules, UrlRule};
use super::view::{BodyView, Json};
use super::{Context, url_policy};
use crate::{Command, Error};

/// Which rule a value broke.
///
/// ```
/// use unified_proto::validate::{Context, Mode, Rule, Violation, validate};
/// use unified_proto::{PayControl, PayOrder, PayRequest, PayType, RequestMode};
///
/// let request = PayRequest::new(
///     PayOrder::new(PayType::Paypay, "order-1", 1000),
///     PayControl::returning_to("https://shop.example/return")
///         .with_push_url("https://shop.example:8443/webhook")
///         .with_request_mode(RequestMode::Sandbox),
/// );
/// let err = validate(&request, &Context::new(Mode::Test)).unwrap_err();
/// assert_eq!(err.violations(), [Violation { path: "control.pushUrl".into(), rule: Rule::PushUrlPort }]);
/// assert_eq!(Rule::PushUrlPort.to_string(), "port 443 only");
/// ```
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
        /// The `requestMode` of the client's environment.
        expected: crate::RequestMode,
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
///
/// ```
/// use unified_proto::validate::{Context, Mode, Rule, validate};
/// use unified_proto::{CaptureRequest, ResultCode};
///
/// let err = validate(&CaptureRequest::for_payment("order 1"), &Context::new(Mode::Test)).unwrap_err();
/// let violation = &err.violations()[0];
/// assert_eq!(violation.path, "order.paymentId");
/// assert!(matches!(violation.rule, Rule::Charset(_)));
/// assert_eq!(violation.to_string(), "order.paymentId: only half-width alphanumerics, '-' and '_'");
/// assert_eq!(violation.result_code(), ResultCode::UaReq001);
/// ```
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
    ///
    /// ```
    /// use unified_proto::validate::{Rule, Violation};
    /// use unified_proto::ResultCode;
    ///
    /// let violation = Violation { path: "order.amount".into(), rule: Rule::Required };
    /// assert_eq!(violation.result_code(), ResultCode::UaReq001); // the crate's reading
    /// ```
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
///
/// ```
/// use unified_proto::validate::{Context, Mode, validate};
/// use unified_proto::{PayControl, PayOrder, PayRequest, PayType, RequestMode};
///
/// // The body as the client sends it, `requestMode` filled from the environment.
/// let request = |mode| PayRequest::new(
///     PayOrder::new(PayType::Paypay, "order-1", 1000),
///     PayControl::returning_to("http://shop.example/return").with_request_mode(mode),
/// );
/// assert!(validate(&request(RequestMode::Sandbox), &Context::new(Mode::Test)).is_ok());
/// let err = validate(&request(RequestMode::Live), &Context::new(Mode::Live)).unwrap_err();
/// assert!(err.to_string().contains("control.successUrl: https only in live mode"), "{err}");
/// ```
pub fn validate<C: Command>(request: &C, ctx: &Context) -> Result<(), Error> {
    let body = value_of(request)?;
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
///
/// ```
/// use serde_json::json;
/// use unified_proto::validate::{Context, Mode, Rule, check};
/// use unified_proto::{CancelRequest, Command};
///
/// // Both alternatives of the guide's "paymentId or fepOrderId".
/// let body = json!({"order": {"paymentId": "order-1", "fepOrderId": "fep-1"}});
/// let violations = check(CancelRequest::RULES, CancelRequest::PAY_TYPES, &body, &Context::new(Mode::Test));
/// assert!(violations.iter().any(|v| matches!(v.rule, Rule::OneOf(_)) && v.path == "order"));
/// ```
pub fn check(
    rules: &Rules,
    command_pay_types: &[&str],
    body: &Value,
    ctx: &Context,
) -> Vec<Violation> {
    check_json(rules, command_pay_types, body, ctx)
}

/// [`check`] over a [`BodyView`] of the body's bytes instead of a [`Value`]: the same
/// violations for the same text, without building the `Value` (see [`BodyView`]).
pub fn check_view(
    rules: &Rules,
    command_pay_types: &[&str],
    body: &BodyView<'_>,
    ctx: &Context,
) -> Vec<Violation> {
    check_json(rules, command_pay_types, &body.0, ctx)
}

fn check_json<J: Json>(
    rules: &Rules,
    command_pay_types: &[&str],
    body: &J,
    ctx: &Context,
) -> Vec<Violation> {
    let mut out = Vec::new();
    // `get` twice rather than `pointer`, which unescapes each token into a new string.
    let pay_type = walk(body, "order.payType")
        .and_then(J::as_str)
        .map(String::from)
        .or_else(|| ctx.pay_type.map(|pt| pt.to_string()));
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
    // The parent the previous rule walked to: the rules come sorted by path, so fields of
    // one object follow each other and share the walk.
    let mut last_parent: Option<(&str, Option<&J>)> = None;
    for rule in rules.fields {
        let (parent, name) = (rule.at.parent, rule.at.name);
        let mut check_in = |path: &str, parent_value: &J| {
            if !parent_value.is_object() {
                return;
            }
            let value = parent_value.get(name).filter(|v| !v.is_null());
            let at = At {
                path,
                body,
                pay_type: pay_type.as_deref(),
            };
            check_field(rule, &at, value, ctx, &mut out);
        };
        if rule.at.in_array {
            for (parent_path, parent_value) in locate(body, parent) {
                let path = if parent_path.is_empty() {
                    name.trim_end_matches("[]").to_string()
                } else {
                    format!("{parent_path}.{}", name.trim_end_matches("[]"))
                };
                check_in(&path, parent_value);
            }
        } else {
            let found = match last_parent {
                Some((walked, found)) if walked == parent => found,
                _ => {
                    let found = walk(body, parent);
                    last_parent = Some((parent, found));
                    found
                }
            };
            // No array on the way: at most one parent, whose concrete path is the rule's
            // own (what `locate` and the `format!` above would build, without building it
            // for every rule of every request).
            if let Some(parent_value) = found {
                let path = if rule.path.ends_with(']') {
                    rule.path.trim_end_matches("[]")
                } else {
                    rule.path
                };
                check_in(path, parent_value);
            }
        }
    }
    for group in rules.one_of {
        for (path, value) in locate(body, group.object) {
            if value.is_object() {
                let present = group
                    .alternatives
                    .iter()
                    .filter(|a| value.get(a).is_some_and(|v| !is_empty(v)))
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
        let expected = crate::validate::request_mode(ctx.mode);
        let actual = control
            .get("requestMode")
            .and_then(J::as_str)
            .unwrap_or("live");
        if actual != expected.to_string() {
            out.push(Violation {
                path: "control.requestMode".into(),
                rule: Rule::RequestMode {
                    expected,
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
/// Checks one value outside a JSON body (a header such as `X-VT-Idempotency-Key`,
/// whose rule the generator emits as `IDEMPOTENCY_KEY_RULE`) against `rule`;
/// `value` is `None` when it is absent. The violations name `rule.path`.
///
/// ```
/// use unified_proto::IDEMPOTENCY_KEY_RULE;
/// use unified_proto::validate::{Context, Mode, Rule, check_value};
///
/// let ctx = Context::new(Mode::Test);
/// assert!(check_value(&IDEMPOTENCY_KEY_RULE, Some("order-1-capture"), &ctx).is_empty());
/// let missing = check_value(&IDEMPOTENCY_KEY_RULE, None, &ctx);
/// assert_eq!((missing[0].path.as_str(), &missing[0].rule), ("X-VT-Idempotency-Key", &Rule::Required));
/// let long = "k".repeat(101);
/// assert!(matches!(check_value(&IDEMPOTENCY_KEY_RULE, Some(&long), &ctx)[0].rule, Rule::MaxLength { max: 100, .. }));
/// ```
pub fn check_value(rule: &FieldRule, value: Option<&str>, ctx: &Context) -> Vec<Violation> {
    let body = Value::Null;
    let pay_type = ctx.pay_type.map(|pt| pt.to_string());
    let at = At {
        path: rule.path,
        body: &body,
        pay_type: pay_type.as_deref(),
    };
    let value = value.map(|v| Value::String(v.to_string()));
    let mut out = Vec::new();
    check_field(rule, &at, value.as_ref(), ctx, &mut out);
    out
}

fn is_empty<J: Json>(v: &J) -> bool {
    v.is_null() || v.as_str().is_some_and(str::is_empty)
}

/// The value at `path` (segments separated by `.`, no `[]`), as [`locate`] finds it:
/// `None` where a segment is absent or `null`.
fn walk<'a, J: Json>(body: &'a J, path: &str) -> Option<&'a J> {
    if path.is_empty() {
        return Some(body);
    }
    path.split('.')
        .try_fold(body, |v, name| v.get(name).filter(|c| !c.is_null()))
}

/// Every value at `path` (segments separated by `.`, `[]` iterating arrays)
/// with its concrete path.
fn locate<'a, J: Json>(body: &'a J, path: &str) -> Vec<(String, &'a J)> {
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
struct At<'a, J> {
    path: &'a str,
    body: &'a J,
    pay_type: Option<&'a str>,
}

fn check_field<J: Json>(
    rule: &FieldRule,
    at: &At<'_, J>,
    value: Option<&J>,
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
        // A dotted path of object keys (the spec's `x-onlyWith` paths): the value a JSON
        // pointer with `/` for `.` would find, without building and unescaping one.
        let other = walk(at.body, cond.path).and_then(J::as_str);
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
    if rule.url != UrlRule::None {
        for broken in url_policy::violations(rule.url, text, ctx) {
            push(broken);
        }
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
/// The JSON tree of `request` (what [`check`] reads and the client sends),
/// or a violation naming why it cannot be serialised.
///
/// ```
/// use unified_proto::validate::value_of;
/// use unified_proto::{CaptureRequest, yen};
///
/// let tree = value_of(&CaptureRequest::for_payment("order-1").with_amount(yen(800)))?;
/// assert_eq!(tree["order"]["amount"], "800"); // digits as a string, as on the wire
/// # Ok::<(), unified_proto::Error>(())
/// ```
pub fn value_of<C: Command>(request: &C) -> Result<Value, Error> {
    serde_json::to_value(request).map_err(|e| Error::InvalidRequest {
        command: C::NAME,
        violations: vec![Violation {
            path: String::new(),
            rule: Rule::Type(if e.is_data() {
                "serialisable"
            } else {
                "a JSON object"
            }),
        }],
    })
}

/// Serialises `request` as JSON (the client sends the same members, with
/// `control.requestMode` filled from its environment).
///
/// ```
/// use unified_proto::validate::body_of;
/// use unified_proto::GetTransactionResultRequest;
///
/// let body = body_of(&GetTransactionResultRequest::for_reference("ref-1"))?;
/// assert_eq!(body, br#"{"transaction":{"fepReferenceId":"ref-1"}}"#);
/// # Ok::<(), unified_proto::Error>(())
/// ```
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
    use super::{Rule, check_value, jst_datetime_to_unix};
    use crate::validate::{Charset, Context, Mode};

    /// The guide (1.1.3, About API → Request Header): "X-VT-Idempotency-Key Optional
    /// Single byte alphanumeric characters and symbols, 100 bytes or less ... *For
    /// symbols, a hyphen (-) and an underscore (_) can be used." The rule is the spec's
    /// header schema, generated as `IDEMPOTENCY_KEY_RULE`.
    #[test]
    fn the_idempotency_key_header_is_checked_with_its_generated_rule() {
        let ctx = Context::new(Mode::Test);
        let rule = &crate::IDEMPOTENCY_KEY_RULE;
        assert_eq!(rule.path, crate::IDEMPOTENCY_KEY_HEADER);
        let rules_of = |key: &str| -> Vec<Rule> {
            check_value(rule, Some(key), &ctx)
                .into_iter()
                .map(|v| {
                    assert_eq!(v.path, "X-VT-Idempotency-Key");
                    v.rule
                })
                .collect()
        };
        assert!(rules_of("29eb1743-b37c-d7c4-badb-7bc4056d9a98").is_empty());
        assert!(
            rules_of(&"a_-9".repeat(25)).is_empty(),
            "100 bytes is allowed"
        );
        assert_eq!(
            rules_of(&"a".repeat(101)),
            vec![Rule::MaxLength {
                max: 100,
                actual: 101
            }]
        );
        assert_eq!(rules_of("key.1"), vec![Rule::Charset(Charset::IdChars)]);
        assert_eq!(rules_of(""), vec![Rule::Required]);
        assert!(
            check_value(rule, None, &ctx)
                == vec![super::Violation {
                    path: "X-VT-Idempotency-Key".into(),
                    rule: Rule::Required
                }]
        );
    }

    /// `walk`, the checker's path for rules with no array on the way, finds what `locate`
    /// finds there: the one value (absent where a segment is missing or `null`).
    #[test]
    fn walk_finds_what_locate_finds_without_arrays() {
        let body = serde_json::json!({
            "order": {"paymentId": "p1", "amount": "100", "gone": null,
                      "customer": {"name": "n"}},
            "item": [{"name": "a"}, {"name": "b"}],
            "flag": true,
        });
        for path in [
            "",
            "order",
            "order.customer",
            "order.customer.name",
            "order.gone",
            "order.gone.x",
            "missing",
            "missing.x",
            "item",
            "flag",
            "flag.x",
            "order..x",
        ] {
            let located: Vec<(String, &serde_json::Value)> = super::locate(&body, path);
            let walked = super::walk(&body, path);
            assert_eq!(located.len(), usize::from(walked.is_some()), "{path}");
            if let (Some((concrete, v)), Some(w)) = (located.first(), walked) {
                assert_eq!((concrete.as_str(), *v), (path, w), "{path}");
            }
        }
    }

    /// The generator's cut of every rule path (the body rules of every command of
    /// every generated version, and every request header's rule) is the path's own:
    /// before and after its last `.`, and whether the part before holds a `[`.
    #[test]
    fn every_generated_rule_is_cut_where_its_path_says() {
        let rules = crate::versions::KNOWN.iter().flat_map(|v| {
            v.commands
                .iter()
                .flat_map(|c| c.rules.fields.iter())
                .chain(v.request_headers)
        });
        let mut seen = 0;
        for rule in rules {
            let path = rule.path;
            let (parent, name) = path.rsplit_once('.').unwrap_or(("", path));
            let at = rule.at;
            assert_eq!(
                (at.parent, at.name, at.in_array),
                (parent, name, parent.contains('[')),
                "{path}"
            );
            seen += 1;
        }
        assert!(seen > 100, "only {seen} rules");
    }

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
