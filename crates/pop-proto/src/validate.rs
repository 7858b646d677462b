//! Client-side validation of request bodies.
//!
//! The constraints are tables generated from the spec's constraints and
//! `x-rules` (`generated/validate.rs`), checked by the one validator of
//! [`veritrans_core::constraint`]; this module words what it finds in POP's
//! vocabulary (`Rule`, `ResultCode`). Every violation names the
//! field path (`cvs[1].payment_expiry_date`), the rule, and the result code
//! the POP server would return for it, so a request refused here would have
//! been refused there with the same code.

use std::fmt;

use time::Date;
use veritrans_core::constraint::{self, Broken, Kind, Object, ShapeCodes};

use crate::ResultCode;

/// A request body of an operation, with its constraints: the generated
/// `validate.rs` implements it for each operation's body with the table the
/// spec's constraints and `x-rules` give, and re-exports it: the impls below
/// name it by that path, so the public API listing reads as it did.
pub(crate) trait RequestBody: serde::Serialize + serde::de::DeserializeOwned {
    /// The constraints of the body.
    const CONSTRAINTS: &'static Object<ResultCode>;
}

/// Something that can be checked against the spec before it is sent.
///
/// Implemented for the three request bodies:
/// [`PaymentKeyRequest`](crate::types::PaymentKeyRequest),
/// [`PaymentLinkRequest`](crate::types::PaymentLinkRequest) and
/// [`AccountManagementKeyRequest`](crate::types::AccountManagementKeyRequest).
///
/// ```
/// use pop_proto::{ResultCode, Validate, types::PaymentKeyRequest, yen};
///
/// let request = PaymentKeyRequest::new("ORDER 0001", yen(0));
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
    /// A value of the right JSON type that the types cannot hold (a negative
    /// amount: amounts are [`Yen`](crate::Yen)) is reported with the rule it
    /// breaks and that rule's code (`gross_amount` -1 → `RC03`).
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
    ///
    /// let negative = json!({"order_id": "ORDER-1", "gross_amount": -1});
    /// let v = PaymentKeyRequest::from_json(negative).unwrap_err();
    /// assert_eq!((v.path.as_str(), v.result_code), ("gross_amount", ResultCode::RC03));
    /// ```
    fn from_json(value: serde_json::Value) -> Result<Self, Violation>
    where
        Self: Sized;
}

mod sealed {
    pub trait Sealed {}
}

impl<T: crate::generated::validate::RequestBody> sealed::Sealed for T {}

/// The codes of a missing parameter and of a wrong JSON type the guide
/// gives no code of its own (see [`Validate::from_json`]).
const SHAPE_CODES: ShapeCodes<ResultCode> = ShapeCodes {
    missing: ResultCode::RC31,
    untyped: ResultCode::RC43,
};

impl<T: crate::generated::validate::RequestBody> Validate for T {
    fn validate(&self) -> Result<(), ValidationErrors> {
        run(self, None)
    }

    fn validate_on(&self, today: Date) -> Result<(), ValidationErrors> {
        run(self, Some(today))
    }

    fn from_json(mut value: serde_json::Value) -> Result<Self, Violation> {
        let serde_json::Value::Object(object) = &mut value else {
            return Err(Violation::new(
                String::new(),
                Rule::JsonType { expected: "object" },
                ResultCode::RC43,
            ));
        };
        constraint::check_shape(T::CONSTRAINTS, object, "", &SHAPE_CODES)
            .map_err(Violation::from_broken)?;
        // The shape matched, so this only fails on a value the types cannot
        // hold (a negative amount: amounts are `Yen`): the rule it breaks, with
        // the code the server answers (RC03, RC04, RC15), else RC43. The serde
        // message may quote values and is not kept.
        serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let serde_json::Value::Object(object) = &value else {
                return Violation::new(path, Rule::Unreadable, ResultCode::RC43);
            };
            let broken = constraint::check(T::CONSTRAINTS, object, None).into_iter();
            broken
                .map(Violation::from_broken)
                .find(|v| v.path == path)
                .unwrap_or_else(|| Violation::new(path, Rule::Unreadable, ResultCode::RC43))
        })
    }
}

/// Checks the request as the JSON it is sent as.
fn run<T: crate::generated::validate::RequestBody>(
    value: &T,
    today: Option<Date>,
) -> Result<(), ValidationErrors> {
    let out: Vec<Violation> = match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(body)) => constraint::check(T::CONSTRAINTS, &body, today)
            .into_iter()
            .map(Violation::from_broken)
            .collect(),
        // A request type serialises to an object; if one did not, it could not be sent.
        _ => vec![Violation::new(
            String::new(),
            Rule::Unreadable,
            ResultCode::RC43,
        )],
    };
    if out.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(out))
    }
}

/// One broken constraint.
///
/// ```
/// use pop_proto::{ResultCode, Validate, types::PaymentKeyRequest, validate::Rule, yen};
///
/// let errors = PaymentKeyRequest::new("ORDER-0001", yen(0)).validate().unwrap_err();
/// let violation = errors.iter().next().unwrap();
/// assert_eq!(violation.path, "gross_amount");
/// assert_eq!((&violation.rule, &violation.result_code), (&Rule::Minimum(1), &ResultCode::RC03));
/// assert_eq!(violation.to_string(), "gross_amount: less than 1 (RC03)");
/// ```
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

impl Violation {
    /// What the shared validator found, in POP's words (private: not an
    /// API of this crate).
    fn from_broken(broken: Broken<ResultCode>) -> Self {
        let rule = match broken.kind {
            Kind::MinLength(n) => Rule::MinLength(n),
            Kind::MaxLength(n) => Rule::MaxLength(n),
            Kind::Charset(c) => Rule::Charset {
                name: c.name,
                pattern: c.pattern,
            },
            Kind::Format(f) => Rule::Format(f),
            Kind::Minimum(n) => Rule::Minimum(n),
            Kind::Maximum(n) => Rule::Maximum(n),
            Kind::UnknownValue => Rule::UnknownValue,
            Kind::Duplicate { by } => Rule::Duplicate { by },
            Kind::Exclusive { with } => Rule::Exclusive { with },
            Kind::Requires { field } => Rule::Requires { field },
            Kind::ForbiddenWhen { field, equals } => Rule::ForbiddenWhen {
                field,
                equals: if equals { "true" } else { "false" },
            },
            Kind::Sum { expected } => Rule::Sum { expected },
            Kind::MaxDaysAhead(n) => Rule::MaxDaysAhead(n),
            Kind::Past => Rule::Past,
            Kind::Missing => Rule::Missing,
            Kind::JsonType { expected } => Rule::JsonType { expected },
        };
        Violation::new(broken.path, rule, broken.code)
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
///
/// ```
/// use pop_proto::types::{Item, PaymentKeyRequest};
/// use pop_proto::validate::Rule;
/// use pop_proto::{Validate, yen};
///
/// let mut request = PaymentKeyRequest::new("ORDER-0001", yen(1000));
/// request.items = vec![Item::new("ITEM-1", "coffee", yen(400), 2)]; // 800, not 1000
/// let errors = request.validate().unwrap_err();
/// assert!(errors.iter().any(|v| v.rule == Rule::Sum { expected: Some(800) }));
/// ```
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

/// Text formats the spec names with `x-format`: the shared model's, one type
/// for the concept across the workspace.
pub use veritrans_core::constraint::Format;

/// Every violation of a request, in field order.
///
/// ```
/// use pop_proto::{Error, Validate, types::PaymentKeyRequest, yen};
///
/// let errors = PaymentKeyRequest::new("ORDER 0001", yen(0)).validate().unwrap_err();
/// assert_eq!(errors.iter().count(), 2); // order_id and gross_amount
/// // The client returns them as `Error::InvalidRequest`, nothing sent.
/// assert!(Error::from(errors).to_string().starts_with("invalid request, not sent: order_id"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<Violation>);

impl ValidationErrors {
    /// The violations.
    ///
    /// ```
    /// use pop_proto::{Validate, types::PaymentKeyRequest, yen};
    ///
    /// let errors = PaymentKeyRequest::new("ORDER 0001", yen(0)).validate().unwrap_err();
    /// let paths: Vec<&str> = errors.iter().map(|v| v.path.as_str()).collect();
    /// assert_eq!(paths, ["order_id", "gross_amount"]);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// The violations, owned.
    ///
    /// ```
    /// use pop_proto::{ResultCode, Validate, types::PaymentKeyRequest, yen};
    ///
    /// let errors = PaymentKeyRequest::new("ORDER-0001", yen(0)).validate().unwrap_err();
    /// let owned = errors.into_vec();
    /// assert_eq!(owned[0].result_code, ResultCode::RC03);
    /// ```
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

#[cfg(test)]
mod tests {
    use veritrans_core::constraint::{Check, CrossRule, Field};

    use super::*;
    use crate::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};

    /// Every object table a request body reaches.
    fn objects() -> Vec<&'static Object<ResultCode>> {
        let mut queue = vec![
            PaymentKeyRequest::CONSTRAINTS,
            PaymentLinkRequest::CONSTRAINTS,
            AccountManagementKeyRequest::CONSTRAINTS,
        ];
        let mut seen: Vec<&'static Object<ResultCode>> = Vec::new();
        while let Some(object) = queue.pop() {
            if seen.iter().any(|o| o.name == object.name) {
                continue;
            }
            for field in object.fields {
                match &field.check {
                    Check::Object(inner) | Check::ObjectList { item: inner, .. } => {
                        queue.push(inner)
                    }
                    _ => {}
                }
            }
            seen.push(object);
        }
        seen
    }

    /// The property `name` of `object`; a missing one fails the test.
    fn field(object: &'static Object<ResultCode>, name: &str) -> &'static Field<ResultCode> {
        let found = object.fields.iter().find(|f| f.name == name);
        found.unwrap_or_else(|| panic!("{}: no property {name}", object.name))
    }

    /// What the compiler of the generated tables cannot check: every
    /// property an `x-rules` entry or an `x-uniqueBy` names exists in its
    /// object with the type the rule reads (the generator used to check
    /// this; the tables are data now, so the crate checks its own).
    #[test]
    fn rules_name_properties_of_their_object() {
        let integer = |f: &Field<ResultCode>| matches!(f.check, Check::Integer { .. });
        for object in objects() {
            for rule in object.rules {
                match rule {
                    CrossRule::Exclusive { first, second, .. } => {
                        field(object, first);
                        field(object, second);
                    }
                    CrossRule::Requires {
                        field: f, requires, ..
                    } => {
                        field(object, f);
                        field(object, requires);
                    }
                    CrossRule::ForbiddenWhen { field: f, when, .. } => {
                        field(object, f);
                        assert!(matches!(field(object, when).check, Check::Boolean));
                    }
                    CrossRule::Sum {
                        total,
                        items,
                        plus,
                        price,
                        quantity,
                        ..
                    } => {
                        assert!(integer(field(object, total)) && integer(field(object, plus)));
                        let Check::ObjectList { item, .. } = &field(object, items).check else {
                            panic!("{}.{items} is not a list of objects", object.name)
                        };
                        for name in [price, quantity] {
                            let f = field(item, name);
                            assert!(integer(f) && f.required, "{}.{name}", item.name);
                        }
                    }
                }
            }
            for f in object.fields {
                if let Check::ObjectList {
                    item,
                    unique_by: Some((by, _)),
                } = &f.check
                {
                    field(item, by);
                }
            }
        }
        assert!(objects().len() >= 5);
    }
}
