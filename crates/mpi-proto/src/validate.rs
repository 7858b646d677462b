//! Length and charset rules of the spec, checked on demand.
//!
//! Parsing never applies them: a response or push that breaks one is still
//! read (and its signature still checked), so an over-long value from the
//! gateway cannot make a paid order unreadable. Callers that want them call
//! [`check`] or a type's `validate` method. The table itself
//! ([`CONSTRAINTS`]) is generated from the spec's
//! `minLength`/`maxLength`/`x-charset`.

use crate::Error;
pub use crate::generated::tables::CONSTRAINTS;

/// A character class named by the guide.
///
/// ```
/// use mpi_proto::validate::{Charset, constraint};
///
/// assert_eq!(constraint("RedirectParameters", "OrderId").unwrap().charset, Some(Charset::AlnumHyphenUnderscore));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// "Half-width alphanumeric and symbols": printable ASCII without the
    /// space (`!`..=`~`). The guide does not list the symbols; this crate
    /// accepts every printable ASCII symbol and rejects the space.
    AsciiPrintable,
    /// "Half-width alphanumeric, hyphen and underscore".
    AlnumHyphenUnderscore,
    /// "Half-width alphanumeric".
    Alnum,
    /// Decimal digits ("8 digits").
    Digits,
}

impl Charset {
    /// Whether `c` belongs to the class.
    ///
    /// ```
    /// use mpi_proto::validate::Charset;
    ///
    /// assert!(Charset::AsciiPrintable.allows('#'));
    /// assert!(!Charset::AsciiPrintable.allows(' '));
    /// assert!(!Charset::Digits.allows('a'));
    /// ```
    pub fn allows(self, c: char) -> bool {
        match self {
            Charset::AsciiPrintable => c.is_ascii_graphic(),
            Charset::AlnumHyphenUnderscore => c.is_ascii_alphanumeric() || c == '-' || c == '_',
            Charset::Alnum => c.is_ascii_alphanumeric(),
            Charset::Digits => c.is_ascii_digit(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Charset::AsciiPrintable => "half-width alphanumerics and symbols",
            Charset::AlnumHyphenUnderscore => "half-width alphanumerics, hyphen and underscore",
            Charset::Alnum => "half-width alphanumerics",
            Charset::Digits => "digits",
        }
    }
}

/// One rule of the spec for one field.
///
/// ```
/// use mpi_proto::validate::constraint;
///
/// let request_id = constraint("RedirectParameters", "RequestId").unwrap();
/// assert_eq!((request_id.min_length, request_id.max_length), (Some(1), Some(128)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldConstraint {
    /// Schema name in the spec.
    pub schema: &'static str,
    /// Wire name of the field.
    pub field: &'static str,
    /// Minimum number of characters.
    pub min_length: Option<u64>,
    /// Maximum number of characters ("within 128 digits" = 128 characters).
    pub max_length: Option<u64>,
    /// Allowed characters.
    pub charset: Option<Charset>,
}

impl FieldConstraint {
    /// Checks one value against the rule.
    ///
    /// ```
    /// use mpi_proto::validate::constraint;
    ///
    /// let order_id = constraint("RedirectParameters", "OrderId").unwrap();
    /// assert!(order_id.check("TESTB001").is_ok());
    /// assert!(order_id.check("").is_err()); // at least one character
    /// ```
    pub fn check(&self, value: &str) -> Result<(), Error> {
        let fail = |rule: String| Error::Constraint {
            schema: self.schema,
            field: self.field,
            rule,
        };
        let len = value.chars().count() as u64;
        if let Some(min) = self.min_length
            && len < min
        {
            return Err(fail(format!(
                "at least {min} characters required, got {len}"
            )));
        }
        if let Some(max) = self.max_length
            && len > max
        {
            return Err(fail(format!("at most {max} characters allowed, got {len}")));
        }
        if let Some(charset) = self.charset
            && let Some((position, _)) = value.char_indices().find(|&(_, c)| !charset.allows(c))
        {
            // The character itself is not echoed: redirect values come from
            // the browser and end up in logs.
            return Err(fail(format!(
                "character at byte {position} is not allowed (only {})",
                charset.describe()
            )));
        }
        Ok(())
    }
}

/// The rule for `schema.field`, if the spec has one.
///
/// ```
/// use mpi_proto::validate::constraint;
///
/// assert!(constraint("RedirectParameters", "OrderId").is_some());
/// assert!(constraint("RedirectParameters", "NoSuchField").is_none());
/// ```
pub fn constraint(schema: &str, field: &str) -> Option<&'static FieldConstraint> {
    CONSTRAINTS
        .iter()
        .find(|c| c.schema == schema && c.field == field)
}

/// Checks `value` against the rule for `schema.field` (no rule: `Ok`).
///
/// ```
/// use mpi_proto::validate::check;
///
/// assert!(check("RedirectParameters", "OrderId", "TESTB001").is_ok());
/// assert!(check("RedirectParameters", "OrderId", "TEST B001").is_err());
/// assert!(check("NoSchema", "NoField", "anything").is_ok()); // no rule
/// ```
pub fn check(schema: &str, field: &str, value: &str) -> Result<(), Error> {
    match constraint(schema, field) {
        Some(rule) => rule.check(value),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn redirect_rules_from_the_guide() {
        let request_id = constraint("RedirectParameters", "RequestId").unwrap();
        assert_eq!(request_id.max_length, Some(128));
        let order_id = constraint("RedirectParameters", "OrderId").unwrap();
        assert_eq!(order_id.max_length, Some(100));
        assert!(order_id.check("TESTB001-a_b").is_ok());
        let err = order_id.check("TEST B001").unwrap_err().to_string();
        assert_eq!(
            err,
            "RedirectParameters.OrderId: character at byte 4 is not allowed (only half-width alphanumerics, hyphen and underscore)"
        );
        assert!(order_id.check(&"a".repeat(100)).is_ok());
        assert!(order_id.check(&"a".repeat(101)).is_err());
        assert!(request_id.check(&"!".repeat(128)).is_ok());
        assert!(request_id.check(&"x".repeat(129)).is_err());
        assert!(request_id.check("").is_err());
        assert!(request_id.check("ａ").is_err());
    }

    #[test]
    fn push_id_is_eight_digits() {
        assert!(check("PushNotification", "push_id", "00000080").is_ok());
        assert!(check("PushNotification", "push_id", "0000080").is_err());
        assert!(check("PushNotification", "push_id", "0000008a").is_err());
        assert!(check("PushNotification", "no_such_field", "whatever").is_ok());
    }
}
