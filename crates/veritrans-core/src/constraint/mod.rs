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
///
/// ```
/// use veritrans_core::constraint::{Check, CrossRule, Field, Kind, Object, check};
///
/// const CARD: &Object<&str> = &Object {
///     name: "Card",
///     fields: &[
///         Field { name: "save", required: false, code: Some("RC26"), check: Check::Boolean },
///         Field { name: "token", required: false, code: Some("RC27"), check: Check::Known(&["t1"]) },
///     ],
///     rules: &[CrossRule::Requires { field: "save", requires: "token", code: "RC28" }],
/// };
/// let body = serde_json::json!({"save": true});
/// let broken = check(CARD, body.as_object().unwrap(), None);
/// assert_eq!((broken[0].path.as_str(), broken[0].kind, broken[0].code), ("save", Kind::Requires { field: "token" }, "RC28"));
/// ```
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
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Kind, Object, check};
///
/// const ITEM: &Object<&str> = &Object {
///     name: "Item",
///     fields: &[Field { name: "quantity", required: true, code: Some("RC33"), check: Check::Integer { min: Some(1), max: None } }],
///     rules: &[],
/// };
/// let body = serde_json::json!({"quantity": 0});
/// assert_eq!(check(ITEM, body.as_object().unwrap(), None)[0].kind, Kind::Minimum(1));
/// ```
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
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Kind, Object, check};
///
/// const ORDER: &Object<&str> = &Object {
///     name: "Order",
///     fields: &[Field {
///         name: "types",
///         required: false,
///         code: Some("RC10"),
///         check: Check::KnownList { known: &["card", "cvs"], unique: Some("RC11") },
///     }],
///     rules: &[],
/// };
/// let body = serde_json::json!({"types": ["card", "card"]});
/// let broken = check(ORDER, body.as_object().unwrap(), None);
/// assert_eq!((broken[0].kind, broken[0].code), (Kind::Duplicate { by: None }, "RC11"));
/// ```
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
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Format, Kind, Object, Text, check};
///
/// const HOOK: &Object<&str> = &Object {
///     name: "Hook",
///     fields: &[Field {
///         name: "push_url",
///         required: false,
///         code: Some("RC20"),
///         check: Check::Text(Text { max_len: Some(256), format: Some(Format::Url), ..Text::ANY }),
///     }],
///     rules: &[],
/// };
/// let body = serde_json::json!({"push_url": "not a url"});
/// assert_eq!(check(HOOK, body.as_object().unwrap(), None)[0].kind, Kind::Format(Format::Url));
/// ```
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
    ///
    /// ```
    /// use veritrans_core::constraint::Text;
    ///
    /// let anything = Text::ANY;
    /// assert_eq!((anything.min_len, anything.max_len), (0, None));
    /// let required_text = Text { min_len: 1, ..Text::ANY };
    /// assert!(required_text.charset.is_none());
    /// ```
    pub const ANY: Text = Text {
        min_len: 0,
        max_len: None,
        charset: None,
        format: None,
        max_days_ahead: None,
    };
}

/// A set of characters: one bracket class of a spec's `pattern`, as ranges.
///
/// ```
/// use veritrans_core::constraint::Charset;
///
/// const DIGITS: Charset = Charset { name: "half-width digits", pattern: "^[0-9]*$", negated: false, ranges: &[('0', '9')] };
/// assert!(DIGITS.allows('7') && !DIGITS.allows('７')); // a full-width digit is not one
/// ```
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
    ///
    /// ```
    /// use veritrans_core::constraint::Charset;
    ///
    /// // `[^,]`: anything but a comma.
    /// const NO_COMMA: Charset = Charset { name: "no comma", pattern: "^[^,]*$", negated: true, ranges: &[(',', ',')] };
    /// assert!(NO_COMMA.allows('a') && !NO_COMMA.allows(','));
    /// ```
    pub fn allows(&self, c: char) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)) != self.negated
    }
}

/// A rule across the properties of one object.
///
/// ```
/// use veritrans_core::constraint::{Check, CrossRule, Field, Kind, Object, check};
///
/// const ORDER: &Object<&str> = &Object {
///     name: "Order",
///     fields: &[
///         Field { name: "gross_amount", required: true, code: Some("RC03"), check: Check::Integer { min: Some(1), max: None } },
///         Field { name: "shipping", required: false, code: Some("RC05"), check: Check::Integer { min: Some(0), max: None } },
///         Field { name: "items", required: false, code: None, check: Check::ObjectList { item: ITEM, unique_by: None } },
///     ],
///     rules: &[CrossRule::Sum { total: "gross_amount", items: "items", plus: "shipping", price: "price", quantity: "quantity", code: "RC02" }],
/// };
/// const ITEM: &Object<&str> = &Object {
///     name: "Item",
///     fields: &[
///         Field { name: "price", required: true, code: Some("RC31"), check: Check::Integer { min: Some(0), max: None } },
///         Field { name: "quantity", required: true, code: Some("RC33"), check: Check::Integer { min: Some(1), max: None } },
///     ],
///     rules: &[],
/// };
/// let body = serde_json::json!({"gross_amount": 1000, "shipping": 50, "items": [{"price": 400, "quantity": 2}]});
/// let broken = check(ORDER, body.as_object().unwrap(), None);
/// assert_eq!((broken[0].kind, broken[0].code), (Kind::Sum { expected: Some(850) }, "RC02"));
/// ```
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
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Kind, Object, check};
///
/// const LIST: &Object<&str> = &Object {
///     name: "Order",
///     fields: &[Field { name: "items", required: false, code: None, check: Check::ObjectList { item: ITEM, unique_by: Some(("id", "RC35")) } }],
///     rules: &[],
/// };
/// const ITEM: &Object<&str> = &Object {
///     name: "Item",
///     fields: &[Field { name: "id", required: true, code: Some("RC30"), check: Check::Known(&["a", "b"]) }],
///     rules: &[],
/// };
/// let body = serde_json::json!({"items": [{"id": "a"}, {"id": "c"}]});
/// let broken = check(LIST, body.as_object().unwrap(), None);
/// assert_eq!((broken[0].path.as_str(), broken[0].kind, broken[0].code), ("items[1].id", Kind::UnknownValue, "RC30"));
/// ```
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
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Kind, Object, Text, Format, check};
///
/// const CVS: &Object<&str> = &Object {
///     name: "Cvs",
///     fields: &[Field {
///         name: "expiry",
///         required: false,
///         code: Some("RC40"),
///         check: Check::Text(Text { format: Some(Format::Yyyymmdd), max_days_ahead: Some(60), ..Text::ANY }),
///     }],
///     rules: &[],
/// };
/// let today = veritrans_core::constraint::parse_yyyymmdd("20240101");
/// let body = serde_json::json!({"expiry": "20231231"});
/// assert_eq!(check(CVS, body.as_object().unwrap(), today)[0].kind, Kind::Past);
/// let body = serde_json::json!({"expiry": "20240401"});
/// assert_eq!(check(CVS, body.as_object().unwrap(), today)[0].kind, Kind::MaxDaysAhead(60));
/// ```
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
