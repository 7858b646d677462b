//! One constraint model for every gateway's requests, and one validator that
//! reads it.
//!
//! The generators (`cargo xtask codegen`) turn a spec's constraints (`maxLength`,
//! `pattern`, `minimum`, `enum`, `uniqueItems`, `x-format`, `x-rules`, …) into
//! `const` tables of these types; a protocol crate hands its table and a JSON
//! body to [`check`] (every broken constraint) or [`check_shape`] (the JSON
//! types, before the body is read as a typed request) and maps each
//! [`Broken`] to its own error vocabulary. The table holds data only: which
//! rule, which limit, which result code `C` the gateway answers for it.
//!
//! Values are never copied into a [`Broken`]: they may be personal data.
//!
//! ```
//! use veritrans_core::constraint::{check, Check, Field, Kind, Object, Text};
//!
//! const ORDER: &Object<&str> = &Object {
//!     name: "Order",
//!     fields: &[Field {
//!         name: "order_id",
//!         required: true,
//!         code: Some("RC01"),
//!         check: Check::Text(Text { min_len: 1, max_len: Some(4), ..Text::ANY }),
//!     }],
//!     rules: &[],
//! };
//! let body = serde_json::json!({"order_id": "ORDER-1"});
//! let broken = check(ORDER, body.as_object().unwrap(), None);
//! assert_eq!(broken[0].path, "order_id");
//! assert_eq!(broken[0].kind, Kind::MaxLength(4));
//! assert_eq!(broken[0].code, "RC01");
//! ```

mod format;
mod rules;
mod shape;

pub use format::{Format, parse_yyyymmdd};
pub use rules::check;
pub use shape::{ShapeCodes, check_shape};

/// The constraints of one JSON object: its properties in the spec's order,
/// then the rules across them.
#[derive(Debug)]
pub struct Object<C: 'static> {
    /// The spec's schema name.
    pub name: &'static str,
    /// Its properties, in the order they are checked and reported.
    pub fields: &'static [Field<C>],
    /// Rules across its properties, checked after them.
    pub rules: &'static [CrossRule<C>],
}

/// One property of an object.
#[derive(Debug)]
pub struct Field<C: 'static> {
    /// The JSON property name.
    pub name: &'static str,
    /// Whether the body must have it.
    pub required: bool,
    /// The result code of a broken constraint or a wrong JSON type; `None`
    /// where the guide gives none (nested objects and lists of objects).
    pub code: Option<C>,
    /// What its value must be.
    pub check: Check<C>,
}

/// What a property's value must be: its JSON type and its own constraints.
#[derive(Debug)]
pub enum Check<C: 'static> {
    /// A string with length, character and format rules.
    Text(Text),
    /// An integer within bounds.
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
    },
    /// A boolean (no constraint beyond its type).
    Boolean,
    /// A string among the values the guide lists.
    Known(&'static [&'static str]),
    /// A nested object.
    Object(&'static Object<C>),
    /// A list of strings, each among `known`.
    KnownList {
        /// The values the guide lists.
        known: &'static [&'static str],
        /// The code answered when a value repeats; `None`: repeats allowed.
        unique: Option<C>,
    },
    /// A list of objects.
    ObjectList {
        /// The constraints of each item.
        item: &'static Object<C>,
        /// Items must differ in this property, or the code is answered.
        unique_by: Option<(&'static str, C)>,
    },
}

/// The rules of a string.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    /// Fewest characters (Unicode scalar values).
    pub min_len: usize,
    /// Most characters.
    pub max_len: Option<usize>,
    /// The characters allowed.
    pub charset: Option<Charset>,
    /// A format the value must have.
    pub format: Option<Format>,
    /// For a `yyyymmdd` date: at most this many days after the validation
    /// date, and not before it (checked only when a date is given).
    pub max_days_ahead: Option<u32>,
}

impl Text {
    /// No rule at all: the base of a table row (`..Text::ANY`).
    pub const ANY: Text = Text {
        min_len: 0,
        max_len: None,
        charset: None,
        format: None,
        max_days_ahead: None,
    };
}

/// A set of characters: one bracket class of a spec's `pattern`, as ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charset {
    /// Its name as the spec gives it (`x-charset`), for messages.
    pub name: &'static str,
    /// The spec's pattern.
    pub pattern: &'static str,
    /// `[^…]`: the ranges are the characters *not* allowed.
    pub negated: bool,
    /// Inclusive ranges of characters.
    pub ranges: &'static [(char, char)],
}

impl Charset {
    /// Whether `c` is allowed.
    pub fn allows(&self, c: char) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)) != self.negated
    }
}

/// A rule across the properties of one object.
#[derive(Debug)]
pub enum CrossRule<C: 'static> {
    /// `second` may not be sent together with `first`; reported at `second`.
    Exclusive {
        /// The field named in the message.
        first: &'static str,
        /// The field reported.
        second: &'static str,
        /// Its result code.
        code: C,
    },
    /// `field` may be sent only with `requires`.
    Requires {
        /// The field reported.
        field: &'static str,
        /// The field it needs.
        requires: &'static str,
        /// Its result code.
        code: C,
    },
    /// `field` may not be sent while the boolean `when` equals `equals`.
    ForbiddenWhen {
        /// The field reported.
        field: &'static str,
        /// The boolean that forbids it.
        when: &'static str,
        /// The forbidding value.
        equals: bool,
        /// Its result code.
        code: C,
    },
    /// When `items` is not empty, `total` equals the sum of each item's
    /// `price × quantity`, plus `plus`.
    Sum {
        /// The integer total, reported.
        total: &'static str,
        /// The list of items.
        items: &'static str,
        /// An optional integer added to the sum.
        plus: &'static str,
        /// The item's price.
        price: &'static str,
        /// The item's quantity.
        quantity: &'static str,
        /// Its result code.
        code: C,
    },
}

/// One broken constraint: where, which rule, and the gateway's code for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken<C> {
    /// Path in the JSON body (`cvs[1].payment_expiry_date`; empty: the body).
    pub path: String,
    /// The rule.
    pub kind: Kind,
    /// The result code the table gives it.
    pub code: C,
}

/// Which rule was broken (a protocol crate words it for its users).
///
/// Deliberately exhaustive: a new kind must break every crate's wording of
/// it at compile time rather than fall into a catch-all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Fewer characters than the minimum.
    MinLength(usize),
    /// More characters than the maximum.
    MaxLength(usize),
    /// A character outside the set.
    Charset(Charset),
    /// Not in the format.
    Format(Format),
    /// Below the minimum.
    Minimum(i64),
    /// Above the maximum.
    Maximum(i64),
    /// Not a value the guide lists.
    UnknownValue,
    /// A repeated value (`by`: the property compared, for lists of objects).
    Duplicate {
        /// The property compared.
        by: Option<&'static str>,
    },
    /// Sent together with `with`.
    Exclusive {
        /// The other field.
        with: &'static str,
    },
    /// Sent without `field`.
    Requires {
        /// The needed field.
        field: &'static str,
    },
    /// Sent while `field` equals `equals`.
    ForbiddenWhen {
        /// The other field.
        field: &'static str,
        /// Its forbidding value.
        equals: bool,
    },
    /// Not the sum (`None`: the sum overflows).
    Sum {
        /// The computed sum.
        expected: Option<i64>,
    },
    /// A date more than this many days after the validation date.
    MaxDaysAhead(u32),
    /// A date before the validation date.
    Past,
    /// A required property is absent or `null`.
    Missing,
    /// A value of another JSON type.
    JsonType {
        /// The JSON type the table gives it.
        expected: &'static str,
    },
}

/// `path.name`, or `name` at the root.
pub(crate) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `path[i]`.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

#[cfg(test)]
mod tests;
