//! Checking a request against its operation's table and writing it as a
//! query string.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use crate::charset::Charset;
use crate::error::{Error, Rule, ValidationError};
use crate::generated::{OTHER_DATA_MAX_BYTES, RESERVED_NAMES};
use crate::tables::{CrossRule, FieldFormat, FieldSpec, OperationSpec};
use crate::values::OtherData;

/// Everything but the unreserved characters of RFC 3986 is escaped; spaces
/// become `%20` and line breaks `%0D`/`%0A`, as the guide insists.
pub(crate) const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The label used for the free other data in errors.
const OTHER_LABEL: &str = "その他データ";

/// A request of the guide: its table, its values and how its answer is
/// decoded. Implemented by every generated request type.
///
/// ```
/// use jpayment_proto::{Charset, Operation, RegisterUser, UserRecord};
///
/// let mut user = RegisterUser::new("123456", "customer42");
/// user.email = Some("taro@example.jp".into());
/// assert_eq!(RegisterUser::SPEC.endpoint, "carduser.aspx");
/// user.validate()?;
/// assert_eq!(user.encode(Charset::Utf8)?, "aid=123456&cmd=0&uid=customer42&em=taro%40example.jp");
/// let answer: UserRecord = user.decode_reply(b"1,,customer42,vnjpBycDO5", Charset::Utf8)?;
/// assert_eq!(answer.user_id, "customer42");
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub trait Operation {
    /// What a successful call returns.
    type Reply;

    /// The operation's table, generated from the spec.
    const SPEC: &'static OperationSpec;

    /// The wire value of every field of the table, in the table's order
    /// (`None` when absent). Holds secrets in the clear: never log it.
    fn wire_values(&self) -> Vec<(&'static str, Option<String>)>;

    /// The free other data.
    fn other_data(&self) -> &OtherData;

    /// Decodes the gateway's answer to this request.
    fn decode_reply(&self, body: &[u8], charset: Charset) -> Result<Self::Reply, Error>;

    /// Checks every rule of the guide that can be checked before sending.
    /// Byte limits of non-ASCII text depend on the charset and are checked
    /// by [`Operation::encode`], which runs this first.
    fn validate(&self) -> Result<(), ValidationError> {
        validate(Self::SPEC, &self.wire_values(), self.other_data())
    }

    /// Validates, then writes the query string (also the POST body) in
    /// `charset`. Holds secrets in the clear: never log it.
    fn encode(&self, charset: Charset) -> Result<String, ValidationError> {
        let values = self.wire_values();
        validate(Self::SPEC, &values, self.other_data())?;
        encode(Self::SPEC, &values, self.other_data(), charset)
    }
}

fn invalid(spec: &OperationSpec, field: &FieldSpec, rule: Rule) -> ValidationError {
    ValidationError {
        operation: spec.name,
        field: field.name,
        label: field.label,
        rule,
    }
}

/// Whether two parameter names are the same, compared byte by byte: the protocol's
/// names are two to six bytes, and the tables are searched in a line, so `==` (a
/// `memcmp` call each) was 7 k instructions of a sandbox one-touch charge (callgrind).
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

fn field<'a>(spec: &'a OperationSpec, name: &str) -> Option<&'a FieldSpec> {
    spec.fields.iter().find(|f| same_name(f.name, name))
}

fn value<'a>(values: &'a [(&'static str, Option<String>)], name: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(n, _)| same_name(n, name))
        .and_then(|(_, v)| v.as_deref())
}

/// Checks `values` (wire values by field name) against `spec`.
///
/// ```
/// use jpayment_proto::request::validate;
/// use jpayment_proto::{OtherData, Operation, RegisterUser, Rule};
///
/// // The table alone, over wire values by field name (as a server has them).
/// let values = [("aid", Some("12345".to_string())), ("cmd", Some("0".to_string())), ("uid", Some("u1".to_string())),
///     ("em", Some("taro@example.jp".to_string()))];
/// let err = validate(RegisterUser::SPEC, &values, &OtherData::new()).unwrap_err();
/// assert_eq!((err.field, err.rule), ("aid", Rule::ExactLength(6)));
/// ```
pub fn validate(
    spec: &OperationSpec,
    values: &[(&'static str, Option<String>)],
    other: &OtherData,
) -> Result<(), ValidationError> {
    for field in spec.fields {
        match value(values, field.name) {
            None | Some("") if field.required => {
                return Err(invalid(spec, field, Rule::Required));
            }
            None | Some("") => {}
            Some(v) => check_format(field.format, v).map_err(|rule| invalid(spec, field, rule))?,
        }
    }
    for rule in spec.rules {
        check_cross(spec, *rule, values)?;
    }
    check_other(spec, other)
}

fn check_cross(
    spec: &OperationSpec,
    rule: CrossRule,
    values: &[(&'static str, Option<String>)],
) -> Result<(), ValidationError> {
    let present = |name: &str| value(values, name).is_some_and(|v| !v.is_empty());
    let named = |name: &'static str| {
        field(spec, name).copied().unwrap_or(FieldSpec {
            name,
            label: "",
            required: false,
            format: FieldFormat::Ascii,
            guide: "",
        })
    };
    match rule {
        CrossRule::AtLeastOneOf(names) => {
            if !names.iter().any(|n| present(n)) {
                let first = names.first().copied().unwrap_or("");
                return Err(invalid(spec, &named(first), Rule::AtLeastOneOf(names)));
            }
        }
        CrossRule::RequiredIf {
            field,
            when,
            equals,
        } => {
            if value(values, when) == Some(equals) && !present(field) {
                return Err(invalid(
                    spec,
                    &named(field),
                    Rule::RequiredWhen { when, equals },
                ));
            }
        }
        CrossRule::OnlyIf {
            field,
            when,
            equals,
        } => {
            if present(field) && value(values, when) != Some(equals) {
                return Err(invalid(
                    spec,
                    &named(field),
                    Rule::OnlyWhen { when, equals },
                ));
            }
        }
    }
    Ok(())
}

fn check_format(format: FieldFormat, v: &str) -> Result<(), Rule> {
    let chars = v.chars().count();
    let max = |limit: Option<usize>| match limit {
        Some(n) if chars > n => Err(Rule::MaxChars(n)),
        _ => Ok(()),
    };
    match format {
        FieldFormat::Constant(expected) => {
            if v != expected {
                return Err(Rule::Constant(expected));
            }
        }
        FieldFormat::Digits { len, max: limit } => {
            if !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Rule::Charset("ASCII digits (半角数字)"));
            }
            if let Some(n) = len.filter(|n| chars != *n) {
                return Err(Rule::ExactLength(n));
            }
            max(limit)?;
        }
        FieldFormat::Alnum { max: limit } => {
            if !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(Rule::Charset("ASCII letters and digits (半角英数)"));
            }
            max(limit)?;
        }
        FieldFormat::Ascii => {
            if !v.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Rule::Charset(
                    "printable ASCII without spaces (半角英数記号)",
                ));
            }
        }
        FieldFormat::Email { max: limit } => {
            if !v.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Rule::Charset(
                    "printable ASCII without spaces, as an e-mail address",
                ));
            }
            let mut parts = v.split('@');
            let well_formed = matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
            );
            if !well_formed {
                return Err(Rule::Charset("an e-mail address with one `@`"));
            }
            max(Some(limit))?;
        }
        FieldFormat::Text { max_bytes } => {
            if v.contains([',', '\r', '\n']) {
                return Err(Rule::Charset(
                    "text without commas or line breaks (it is echoed in a comma-separated answer)",
                ));
            }
            // Checked again in the configured charset when encoding.
            if v.len() > max_bytes && v.is_ascii() {
                return Err(Rule::MaxBytes(max_bytes));
            }
        }
        FieldFormat::Amount | FieldFormat::Serial => {
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Rule::Charset("a non-negative integer"));
            }
        }
        FieldFormat::Enum(values) => {
            if !values.contains(&v) {
                return Err(Rule::OneOf(values));
            }
        }
        FieldFormat::Count(values) => {
            if !values.iter().any(|n| v == n.to_string()) {
                return Err(Rule::OneOfNumbers(values));
            }
        }
    }
    Ok(())
}

fn check_other(spec: &OperationSpec, other: &OtherData) -> Result<(), ValidationError> {
    let error = |rule| ValidationError {
        operation: spec.name,
        field: "other",
        label: OTHER_LABEL,
        rule,
    };
    for (name, _) in other.iter() {
        if name.is_empty() {
            return Err(error(Rule::EmptyName));
        }
        if RESERVED_NAMES.contains(&name) {
            return Err(error(Rule::ReservedName(name.to_owned())));
        }
    }
    Ok(())
}

fn escape(text: &str, charset: Charset) -> Option<String> {
    let bytes = charset.encode(text)?;
    Some(percent_encoding::percent_encode(&bytes, ESCAPED).to_string())
}

/// Writes the query string. Expects `validate` to have passed.
///
/// ```
/// use jpayment_proto::request::encode;
/// use jpayment_proto::{Charset, OtherData, Operation, RegisterUser};
///
/// let values = [("aid", Some("123456".to_string())), ("cmd", Some("0".to_string())), ("uid", Some("u1".to_string())),
///     ("em", Some("taro@example.jp".to_string())), ("pn", None)];
/// let query = encode(RegisterUser::SPEC, &values, &OtherData::new().with("memo", "a b"), Charset::Utf8)?;
/// assert_eq!(query, "aid=123456&cmd=0&uid=u1&em=taro%40example.jp&memo=a%20b"); // spaces as %20
/// # Ok::<(), jpayment_proto::error::ValidationError>(())
/// ```
pub fn encode(
    spec: &OperationSpec,
    values: &[(&'static str, Option<String>)],
    other: &OtherData,
    charset: Charset,
) -> Result<String, ValidationError> {
    let mut out = String::new();
    for (name, v) in values {
        let Some(v) = v.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        let spec_field = field(spec, name);
        let fail = |rule| ValidationError {
            operation: spec.name,
            field: name,
            label: spec_field.map(|f| f.label).unwrap_or(""),
            rule,
        };
        if let Some(FieldFormat::Text { max_bytes }) = spec_field.map(|f| f.format) {
            let bytes = charset
                .encode(v)
                .ok_or_else(|| fail(Rule::Unencodable(charset.name())))?;
            if bytes.len() > max_bytes {
                return Err(fail(Rule::MaxBytes(max_bytes)));
            }
        }
        let escaped = escape(v, charset).ok_or_else(|| fail(Rule::Unencodable(charset.name())))?;
        push_pair(&mut out, name, &escaped);
    }
    let other_error = |rule| ValidationError {
        operation: spec.name,
        field: "other",
        label: OTHER_LABEL,
        rule,
    };
    let mut other_wire = String::new();
    for (name, v) in other.iter() {
        let name =
            escape(name, charset).ok_or_else(|| other_error(Rule::Unencodable(charset.name())))?;
        let v = escape(v, charset).ok_or_else(|| other_error(Rule::Unencodable(charset.name())))?;
        push_pair(&mut other_wire, &name, &v);
    }
    if other_wire.len() > OTHER_DATA_MAX_BYTES {
        return Err(other_error(Rule::MaxBytes(OTHER_DATA_MAX_BYTES)));
    }
    if !other_wire.is_empty() {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&other_wire);
    }
    Ok(out)
}

fn push_pair(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    let _ = write!(out, "{name}={value}");
}

/// A request as a server receives it, checked against an operation's
/// table before its typed fields are read. Used by generated `from_pairs`.
#[doc(hidden)]
pub struct Received<'a> {
    spec: &'static OperationSpec,
    values: Vec<(&'static str, &'a str)>,
    other: OtherData,
}

impl<'a> Received<'a> {
    /// Sorts `pairs` into the table's fields and other data. A parameter
    /// of the protocol that the operation lacks, a repeated one or a wrong
    /// constant is an error.
    pub fn new(
        spec: &'static OperationSpec,
        pairs: &'a [(String, String)],
    ) -> Result<Self, ValidationError> {
        let mut values: Vec<(&'static str, &'a str)> = Vec::new();
        let mut other = OtherData::new();
        for (name, value) in pairs {
            let fail = |field: &'static FieldSpec, rule| invalid(spec, field, rule);
            if let Some(field) = field(spec, name) {
                if values.iter().any(|(n, _)| same_name(n, field.name)) {
                    return Err(fail(field, Rule::Duplicate));
                }
                if let FieldFormat::Constant(expected) = field.format
                    && value != expected
                {
                    return Err(fail(field, Rule::Constant(expected)));
                }
                values.push((field.name, value.as_str()));
            } else if let Some(reserved) = RESERVED_NAMES.iter().find(|r| **r == name.as_str()) {
                return Err(ValidationError {
                    operation: spec.name,
                    field: reserved,
                    label: "",
                    rule: Rule::NotInOperation,
                });
            } else {
                other.push(name.clone(), value.clone());
            }
        }
        for field in spec.fields {
            if matches!(field.format, FieldFormat::Constant(_))
                && !values.iter().any(|(n, _)| same_name(n, field.name))
            {
                return Err(invalid(spec, field, Rule::Required));
            }
        }
        Ok(Self {
            spec,
            values,
            other,
        })
    }

    fn read<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ValidationError> {
        let Some(field) = field(self.spec, name) else {
            return Ok(None);
        };
        match self.values.iter().find(|(n, _)| same_name(n, name)) {
            None | Some((_, "")) => Ok(None),
            Some((_, v)) => {
                check_format(field.format, v).map_err(|rule| invalid(self.spec, field, rule))?;
                parse(v)
                    .map(Some)
                    .ok_or_else(|| invalid(self.spec, field, Rule::OutOfRange))
            }
        }
    }

    /// A required field's value.
    pub fn required<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ValidationError> {
        self.read(name, parse)?.ok_or_else(|| {
            let field = field(self.spec, name);
            ValidationError {
                operation: self.spec.name,
                field: name,
                label: field.map(|f| f.label).unwrap_or(""),
                rule: Rule::Required,
            }
        })
    }

    /// An optional field's value.
    pub fn optional<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ValidationError> {
        self.read(name, parse)
    }

    /// The parameters that are not the protocol's.
    pub fn other(&self) -> OtherData {
        self.other.clone()
    }
}

/// The request among the candidates of one endpoint: the first that
/// parsed, else the first error that is not about the operation itself
/// (a wrong `cmd`, a parameter it lacks), else the first error.
#[doc(hidden)]
pub fn pick<T>(found: Vec<Result<T, ValidationError>>) -> Option<Result<T, ValidationError>> {
    let mut first_error = None;
    let mut telling_error = None;
    for candidate in found {
        match candidate {
            Ok(value) => return Some(Ok(value)),
            Err(e) => {
                let about_operation = matches!(e.rule, Rule::NotInOperation | Rule::Constant(_))
                    || (e.rule == Rule::Required && e.field == "cmd");
                if !about_operation && telling_error.is_none() {
                    telling_error = Some(e.clone());
                }
                first_error.get_or_insert(e);
            }
        }
    }
    telling_error.or(first_error).map(Err)
}

#[cfg(test)]
mod tests {
    /// `same_name` is `==` over every pair of the protocol's names, and over names
    /// that share a prefix, differ in case or length, or are empty or not ASCII.
    #[test]
    fn same_name_is_equality() {
        let names = crate::RESERVED_NAMES.iter().copied().chain([
            "",
            "a",
            "ai",
            "aid",
            "aidx",
            "AID",
            "ａｉｄ",
            "aid\0",
        ]);
        let names: Vec<&str> = names.collect();
        for a in &names {
            for b in &names {
                assert_eq!(super::same_name(a, b), a == b, "{a:?} {b:?}");
            }
        }
        assert!(names.len() > 20, "only {} names", names.len());
    }
}
