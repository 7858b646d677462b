//! Client-side validation of request bodies.
//!
//! The checks are generated from the spec's constraints and `x-rules`
//! (`generated/validate.rs`); this module holds the rule vocabulary and the
//! few primitive checks the generated code calls. Every violation names the
//! field path (`cvs[1].payment_expiry_date`), the rule, and the result code
//! the POP server would return for it, so a request refused here would have
//! been refused there with the same code.

use std::fmt;

use time::{Date, Month};

use crate::ResultCode;

/// Something that can be checked against the spec before it is sent.
///
/// Implemented for the three request bodies:
/// [`PaymentKeyRequest`](crate::types::PaymentKeyRequest),
/// [`PaymentLinkRequest`](crate::types::PaymentLinkRequest) and
/// [`AccountManagementKeyRequest`](crate::types::AccountManagementKeyRequest).
///
/// ```
/// use pop_proto::{ResultCode, Validate, types::PaymentKeyRequest};
///
/// let request = PaymentKeyRequest::new("ORDER 0001", 0);
/// let errors = request.validate().unwrap_err();
/// let codes: Vec<_> = errors.iter().map(|v| v.result_code.clone()).collect();
/// assert_eq!(codes, [ResultCode::RC01, ResultCode::RC03]);
/// assert_eq!(errors.iter().next().unwrap().path, "order_id");
/// ```
pub trait Validate: sealed::Sealed {
    /// Every constraint that does not depend on the current date.
    fn validate(&self) -> Result<(), ValidationErrors>;

    /// Every constraint, including expiry dates measured from `today`
    /// (the merchant's current date in JST).
    fn validate_on(&self, today: Date) -> Result<(), ValidationErrors>;

    /// Reads a JSON request body the way the POP server reads one, before
    /// any value is checked: a required parameter that is absent or `null`,
    /// at any depth, is `RC31` ("Required parameter(s) not present"); a value
    /// of the wrong JSON type is the result code of that parameter (`dummy` a
    /// string → `RC26`, `items` not a list → `RC33`, `card.mpi` a number →
    /// `RC28`). A wrong type where the guide names no code of its own (the
    /// `card`, `bank`, `email`, `custom_message` objects, the `cvs` and
    /// `bank.payment_type` lists) is `RC43` ("Invalid JSON string"): the
    /// project's reading. The first problem in the spec's property order is
    /// reported. Unknown parameters are ignored; `null` counts as absent.
    ///
    /// A merchant's own code builds requests with the types and never needs
    /// this; it is what a server (the sandbox) answers for bodies the types
    /// cannot express.
    ///
    /// ```
    /// use pop_proto::{ResultCode, Validate, types::PaymentKeyRequest};
    /// use serde_json::json;
    ///
    /// let wrong = json!({"order_id": "ORDER-1", "gross_amount": 1000, "dummy": "yes"});
    /// let v = PaymentKeyRequest::from_json(wrong).unwrap_err();
    /// assert_eq!((v.path.as_str(), v.result_code), ("dummy", ResultCode::RC26));
    ///
    /// let missing = json!({"order_id": "ORDER-1", "gross_amount": 1000,
    ///     "items": [{"id": "I-1", "name": "n", "quantity": 1}]});
    /// let v = PaymentKeyRequest::from_json(missing).unwrap_err();
    /// assert_eq!((v.path.as_str(), v.result_code), ("items[0].price", ResultCode::RC31));
    /// ```
    fn from_json(value: serde_json::Value) -> Result<Self, Violation>
    where
        Self: Sized;
}

mod sealed {
    pub trait Sealed {}
}

impl<T: crate::generated::validate::RequestBody> sealed::Sealed for T {}

impl<T: crate::generated::validate::RequestBody> Validate for T {
    fn validate(&self) -> Result<(), ValidationErrors> {
        run(self, &Context { today: None })
    }

    fn validate_on(&self, today: Date) -> Result<(), ValidationErrors> {
        run(self, &Context { today: Some(today) })
    }

    fn from_json(mut value: serde_json::Value) -> Result<Self, Violation> {
        let serde_json::Value::Object(object) = &mut value else {
            return Err(Violation::new(
                String::new(),
                Rule::JsonType { expected: "object" },
                ResultCode::RC43,
            ));
        };
        check_shape(T::SHAPE, object, "")?;
        // The shape matched, so this only fails on something the shape does
        // not describe; the serde message may quote values and is not kept.
        serde_path_to_error::deserialize(value)
            .map_err(|e| Violation::new(e.path().to_string(), Rule::Unreadable, ResultCode::RC43))
    }
}

fn run<T: Collect>(value: &T, cx: &Context) -> Result<(), ValidationErrors> {
    let mut out = Vec::new();
    value.collect(cx, "", &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(out))
    }
}

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Field path in the JSON body, e.g. `card.save_card` or `items[2].quantity`.
    pub path: String,
    /// The rule that was broken.
    pub rule: Rule,
    /// The result code the POP server returns for it.
    pub result_code: ResultCode,
}

impl Violation {
    pub(crate) fn new(path: String, rule: Rule, result_code: ResultCode) -> Self {
        Self {
            path,
            rule,
            result_code,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "body"
        } else {
            &self.path
        };
        write!(f, "{path}: {} ({})", self.rule, self.result_code)
    }
}

/// The rules a request field can break. Values are never included: they may
/// be personal data (phone numbers, email addresses).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Fewer characters than allowed.
    MinLength(usize),
    /// More characters than allowed (Unicode scalar values, not bytes).
    MaxLength(usize),
    /// A character outside the allowed set.
    Charset {
        /// Human name of the set, e.g. "half-width digits".
        name: &'static str,
        /// The spec's pattern.
        pattern: &'static str,
    },
    /// Not in the required format.
    Format(Format),
    /// Below the minimum.
    Minimum(i64),
    /// Above the maximum.
    Maximum(i64),
    /// A value the guide does not list for this field.
    UnknownValue,
    /// The same value (or, for a list of objects, the same `by` property)
    /// appears twice.
    Duplicate {
        /// The property compared, for lists of objects.
        by: Option<&'static str>,
    },
    /// Sent together with a field it excludes.
    Exclusive {
        /// The other field.
        with: &'static str,
    },
    /// Sent without a field it needs.
    Requires {
        /// The needed field.
        field: &'static str,
    },
    /// Sent while another field has a value that forbids it.
    ForbiddenWhen {
        /// The other field.
        field: &'static str,
        /// Its forbidding value.
        equals: &'static str,
    },
    /// Does not equal the sum of the items' `price × quantity` plus shipping.
    Sum {
        /// The computed sum (`None` when it overflows).
        expected: Option<i64>,
    },
    /// A date further ahead of the validation date than allowed.
    MaxDaysAhead(u32),
    /// A date before the validation date.
    Past,
    /// A required parameter is absent (or `null`).
    Missing,
    /// The value has another JSON type than the guide gives the parameter.
    JsonType {
        /// The JSON type the guide gives it.
        expected: &'static str,
    },
    /// The body cannot be read as the request type.
    Unreadable,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::MinLength(1) => f.write_str("empty"),
            Rule::MinLength(n) => write!(f, "shorter than {n} characters"),
            Rule::MaxLength(n) => write!(f, "longer than {n} characters"),
            Rule::Charset { name, .. } => write!(f, "only {name} allowed"),
            Rule::Format(format) => write!(f, "not {format}"),
            Rule::Minimum(n) => write!(f, "less than {n}"),
            Rule::Maximum(n) => write!(f, "greater than {n}"),
            Rule::UnknownValue => f.write_str("not a value the guide lists"),
            Rule::Duplicate { by: Some(by) } => write!(f, "duplicate {by}"),
            Rule::Duplicate { by: None } => f.write_str("duplicate value"),
            Rule::Exclusive { with } => write!(f, "cannot be sent together with {with}"),
            Rule::Requires { field } => write!(f, "can be set only when {field} is set"),
            Rule::ForbiddenWhen { field, equals } => {
                write!(f, "cannot be set when {field} is {equals}")
            }
            Rule::Sum { expected: Some(e) } => {
                write!(
                    f,
                    "must equal items price × quantity + shipping_amount = {e}"
                )
            }
            Rule::Sum { expected: None } => {
                f.write_str("items price × quantity + shipping_amount overflows")
            }
            Rule::MaxDaysAhead(n) => write!(f, "more than {n} days ahead"),
            Rule::Past => f.write_str("in the past"),
            Rule::Missing => f.write_str("required parameter not present"),
            Rule::JsonType { expected } => write!(f, "not a JSON {expected}"),
            Rule::Unreadable => f.write_str("not readable as the request"),
        }
    }
}

/// Text formats the spec names with `x-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An absolute `http` or `https` URL.
    Url,
    /// An email address (one `@`, non-empty local part and domain, no spaces).
    Email,
    /// A calendar date written `YYYYMMDD`.
    Yyyymmdd,
    /// A time of day written `hhmm`, 0000 to 2359.
    Hhmm,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Url => "an absolute http(s) URL",
            Format::Email => "an email address",
            Format::Yyyymmdd => "a date (YYYYMMDD)",
            Format::Hhmm => "a time (hhmm)",
        })
    }
}

/// Every violation of a request, in field order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<Violation>);

impl ValidationErrors {
    /// The violations.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// The violations, owned.
    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

// ------------------------------------------------- used by generated code

/// What the checks may depend on beyond the value itself.
pub(crate) struct Context {
    pub(crate) today: Option<Date>,
}

/// Collects the violations of a value at `path`.
pub(crate) trait Collect {
    fn collect(&self, cx: &Context, path: &str, out: &mut Vec<Violation>);
}

/// One property of a request object as JSON: its name, JSON type, whether it
/// is required, and the result code of a wrong type (generated from the spec).
pub(crate) struct FieldShape {
    pub(crate) name: &'static str,
    pub(crate) kind: JsonKind,
    pub(crate) required: bool,
    pub(crate) code: Option<ResultCode>,
}

/// The JSON type of a request property.
pub(crate) enum JsonKind {
    String,
    Integer,
    Boolean,
    Object(&'static [FieldShape]),
    StringArray,
    ObjectArray(&'static [FieldShape]),
}

impl JsonKind {
    fn name(&self) -> &'static str {
        match self {
            JsonKind::String => "string",
            JsonKind::Integer => "integer",
            JsonKind::Boolean => "boolean",
            JsonKind::Object(_) => "object",
            JsonKind::StringArray => "array of strings",
            JsonKind::ObjectArray(_) => "array of objects",
        }
    }
}

/// Checks `object` against `fields` (see [`Validate::from_json`]) and drops
/// the `null`s of known properties, so the typed reading sees them absent.
fn check_shape(
    fields: &[FieldShape],
    object: &mut serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Result<(), Violation> {
    use serde_json::Value;
    for field in fields {
        let at = join(path, field.name);
        if object.get(field.name).is_some_and(Value::is_null) {
            object.remove(field.name);
        }
        let Some(value) = object.get_mut(field.name) else {
            if field.required {
                return Err(Violation::new(at, Rule::Missing, ResultCode::RC31));
            }
            continue;
        };
        let wrong = |at: String, kind: &JsonKind| {
            Violation::new(
                at,
                Rule::JsonType {
                    expected: kind.name(),
                },
                field.code.clone().unwrap_or(ResultCode::RC43),
            )
        };
        match (&field.kind, value) {
            (JsonKind::String, Value::String(_)) | (JsonKind::Boolean, Value::Bool(_)) => {}
            (JsonKind::Integer, Value::Number(n)) if n.is_i64() => {}
            (JsonKind::Object(inner), Value::Object(o)) => check_shape(inner, o, &at)?,
            (JsonKind::StringArray, Value::Array(list)) => {
                if let Some(i) = list.iter().position(|x| !x.is_string()) {
                    return Err(wrong(index(&at, i), &JsonKind::String));
                }
            }
            (JsonKind::ObjectArray(inner), Value::Array(list)) => {
                for (i, x) in list.iter_mut().enumerate() {
                    match x {
                        Value::Object(o) => check_shape(inner, o, &index(&at, i))?,
                        _ => return Err(wrong(index(&at, i), &JsonKind::Object(inner))),
                    }
                }
            }
            (kind, _) => return Err(wrong(at, kind)),
        }
    }
    Ok(())
}

pub(crate) struct Charset {
    pub(crate) name: &'static str,
    pub(crate) pattern: &'static str,
    pub(crate) test: fn(char) -> bool,
}

pub(crate) struct TextRules {
    pub(crate) min_len: usize,
    pub(crate) max_len: Option<usize>,
    pub(crate) charset: Option<Charset>,
    pub(crate) format: Option<Format>,
    pub(crate) max_days_ahead: Option<u32>,
    pub(crate) code: ResultCode,
}

pub(crate) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub(crate) fn check_text(
    value: &str,
    rules: &TextRules,
    cx: &Context,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let push = |out: &mut Vec<Violation>, rule| {
        out.push(Violation::new(path.to_string(), rule, rules.code.clone()))
    };
    let len = value.chars().count();
    if len < rules.min_len {
        push(out, Rule::MinLength(rules.min_len));
    }
    if let Some(max) = rules.max_len.filter(|max| len > *max) {
        push(out, Rule::MaxLength(max));
    }
    if let Some(charset) = rules
        .charset
        .as_ref()
        .filter(|c| !value.chars().all(c.test))
    {
        push(
            out,
            Rule::Charset {
                name: charset.name,
                pattern: charset.pattern,
            },
        );
    }
    if let Some(format) = rules.format {
        let ok = match format {
            Format::Url => is_url(value),
            Format::Email => is_email(value),
            Format::Yyyymmdd => parse_yyyymmdd(value).is_some(),
            Format::Hhmm => is_hhmm(value),
        };
        if !ok {
            push(out, Rule::Format(format));
        } else if let (Some(days), Some(today), Some(date)) =
            (rules.max_days_ahead, cx.today, parse_yyyymmdd(value))
        {
            if date < today {
                push(out, Rule::Past);
            } else if (date - today).whole_days() > i64::from(days) {
                push(out, Rule::MaxDaysAhead(days));
            }
        }
    }
}

pub(crate) fn check_int(
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
    code: ResultCode,
    path: &str,
    out: &mut Vec<Violation>,
) {
    if let Some(min) = min.filter(|m| value < *m) {
        out.push(Violation::new(path.to_string(), Rule::Minimum(min), code));
    } else if let Some(max) = max.filter(|m| value > *m) {
        out.push(Violation::new(path.to_string(), Rule::Maximum(max), code));
    }
}

pub(crate) fn check_enum(known: bool, code: ResultCode, path: &str, out: &mut Vec<Violation>) {
    if !known {
        out.push(Violation::new(path.to_string(), Rule::UnknownValue, code));
    }
}

/// Reports the second and later occurrences of a key.
pub(crate) fn check_unique<'a>(
    keys: impl Iterator<Item = &'a str>,
    by: Option<&'static str>,
    code: ResultCode,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let mut seen: Vec<&str> = Vec::new();
    for (i, key) in keys.enumerate() {
        if seen.contains(&key) {
            let at = match by {
                Some(by) => join(&index(path, i), by),
                None => index(path, i),
            };
            out.push(Violation::new(at, Rule::Duplicate { by }, code.clone()));
        } else {
            seen.push(key);
        }
    }
}

pub(crate) fn check_sum(
    total: i64,
    parts: impl Iterator<Item = (i64, i64)>,
    plus: Option<i64>,
    code: ResultCode,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let sum = parts
        .map(|(price, quantity)| price.checked_mul(quantity))
        .try_fold(plus.unwrap_or(0), |acc, part| acc.checked_add(part?));
    if sum != Some(total) {
        out.push(Violation::new(
            path.to_string(),
            Rule::Sum { expected: sum },
            code,
        ));
    }
}

fn is_url(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(u) => matches!(u.scheme(), "http" | "https") && u.host().is_some(),
        Err(_) => false,
    }
}

fn is_email(value: &str) -> bool {
    let mut parts = value.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        _ => false,
    }
}

/// A `YYYYMMDD` text as a calendar date.
pub(crate) fn parse_yyyymmdd(value: &str) -> Option<Date> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = value.get(0..4)?.parse().ok()?;
    let month: u8 = value.get(4..6)?.parse().ok()?;
    let day: u8 = value.get(6..8)?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn is_hhmm(value: &str) -> bool {
    value.len() == 4
        && value.bytes().all(|b| b.is_ascii_digit())
        && matches!((value.get(0..2).and_then(|h| h.parse::<u8>().ok()), value.get(2..4).and_then(|m| m.parse::<u8>().ok())), (Some(h), Some(m)) if h < 24 && m < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_url("https://example.com/success"));
        assert!(!is_url("ftp://example.com/"));
        assert!(!is_url("/relative"));
        assert!(is_email("smith.john@example.com"));
        assert!(!is_email("smith.john@@example.com"));
        assert!(!is_email("smith john@example.com"));
        assert!(parse_yyyymmdd("20200229").is_some());
        assert!(parse_yyyymmdd("20210229").is_none());
        assert!(parse_yyyymmdd("2020-4-1").is_none());
        assert!(is_hhmm("2359") && is_hhmm("0000"));
        assert!(!is_hhmm("2400") && !is_hhmm("1260") && !is_hhmm("959"));
    }
}
