//! The shape of the tables generated from `specs/jpayment/jpayment.yaml`.
//!
//! Validation and decoding are driven by these tables rather than by
//! generated code, so a format is described once (in the spec) and checked
//! by one implementation.

/// One request parameter of an operation, as printed in the guide's table.
///
/// ```
/// use jpayment_proto::tables::FieldFormat;
/// use jpayment_proto::{Operation, RegisterUser};
///
/// let aid = &RegisterUser::SPEC.fields[0];
/// assert_eq!((aid.name, aid.label, aid.required), ("aid", "店舗ID", true));
/// assert!(matches!(aid.format, FieldFormat::Digits { len: Some(6), .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The parameter name on the wire (`aid`, `uid`, …).
    pub name: &'static str,
    /// The guide's Japanese label (項目).
    pub label: &'static str,
    /// Whether the guide marks it ○ (required).
    pub required: bool,
    /// What the value may contain.
    pub format: FieldFormat,
    /// The guide's format column, verbatim (形式).
    pub guide: &'static str,
}

/// What a request value may contain.
///
/// ```
/// use jpayment_proto::tables::FieldFormat;
/// use jpayment_proto::{OnetouchCharge, Operation};
///
/// let amount = OnetouchCharge::SPEC.fields.iter().find(|f| f.name == "am").unwrap();
/// assert_eq!(amount.format, FieldFormat::Amount);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldFormat {
    /// A fixed value the operation always sends (`cmd`).
    Constant(&'static str),
    /// ASCII digits (半角数字): exactly `len` when given, else at most `max`.
    Digits {
        /// Exact length, when the guide gives one (`aid`: 6).
        len: Option<usize>,
        /// Maximum length.
        max: Option<usize>,
    },
    /// ASCII letters and digits (半角英数), at most `max`.
    Alnum {
        /// Maximum length.
        max: Option<usize>,
    },
    /// Printable ASCII without spaces (半角英数記号).
    Ascii,
    /// An e-mail address of printable ASCII with one `@`, at most `max`.
    Email {
        /// Maximum length.
        max: usize,
    },
    /// Free text of at most `max_bytes` bytes in the configured charset;
    /// commas, CR and LF are refused because the value is echoed in a
    /// comma-separated answer.
    Text {
        /// Maximum length in bytes.
        max_bytes: usize,
    },
    /// A non-negative integer amount in yen.
    Amount,
    /// A card sequence number (カード情報連番).
    Serial,
    /// One of the listed wire values of an enumeration.
    Enum(&'static [&'static str]),
    /// A number from a fixed list (`pt`).
    Count(&'static [u8]),
}

/// A rule spanning several fields of one operation.
///
/// ```
/// use jpayment_proto::tables::CrossRule;
/// use jpayment_proto::{Operation, RegisterUser};
///
/// // The guide: an e-mail address or a phone number.
/// assert!(RegisterUser::SPEC.rules.iter().any(|r| matches!(r, CrossRule::AtLeastOneOf(f) if f.contains(&"em"))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossRule {
    /// At least one of the fields must be present (e-mail or phone).
    AtLeastOneOf(&'static [&'static str]),
    /// `field` is required when `when` has the value `equals`.
    RequiredIf {
        /// The field that becomes required.
        field: &'static str,
        /// The field whose value decides.
        when: &'static str,
        /// The deciding value.
        equals: &'static str,
    },
    /// `field` may only be present when `when` has the value `equals`.
    OnlyIf {
        /// The field that is otherwise refused.
        field: &'static str,
        /// The field whose value decides.
        when: &'static str,
        /// The deciding value.
        equals: &'static str,
    },
}

/// An operation of the guide.
///
/// ```
/// use jpayment_proto::{OPERATIONS, OnetouchCharge, Operation, RegisterUser};
///
/// assert_eq!((RegisterUser::SPEC.endpoint, RegisterUser::SPEC.title), ("carduser.aspx", "ユーザー登録"));
/// assert!(OnetouchCharge::SPEC.payment && !RegisterUser::SPEC.payment);
/// assert!(OPERATIONS.iter().any(|op| op.name == "onetouch_charge"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// The operation's name (`register_user`, …).
    pub name: &'static str,
    /// The guide's title (ユーザー登録, …).
    pub title: &'static str,
    /// The path below the gateway's base URL (`carduser.aspx`, …).
    pub endpoint: &'static str,
    /// The HTTP methods the guide accepts.
    pub methods: &'static [&'static str],
    /// The request parameters in the guide's order.
    pub fields: &'static [FieldSpec],
    /// Rules spanning several fields.
    pub rules: &'static [CrossRule],
    /// The answer's shape.
    pub reply: &'static ShapeSpec,
    /// Whether the answer depends on `rt` (payments): `rt=0` answers `OK`
    /// and sends a kickback, `rt=1` answers with the comma-separated result.
    pub payment: bool,
}

/// What a response column may contain.
///
/// ```
/// use jpayment_proto::tables::ColumnFormat;
/// use jpayment_proto::{OnetouchResult, Record};
///
/// let rst = &OnetouchResult::SHAPE.columns[OnetouchResult::SHAPE.rst];
/// assert_eq!((rst.name, rst.format), ("rst", ColumnFormat::Rst));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFormat {
    /// The result flag: `1` (success) or `2` (error).
    Rst,
    /// The error code: empty when `rst=1`.
    ErrorCode,
    /// ASCII digits.
    Digits,
    /// ASCII letters and digits.
    Alnum,
    /// An e-mail address (printable ASCII with one `@`).
    Email,
    /// Anything, kept verbatim.
    Text,
    /// A non-negative integer amount.
    Amount,
    /// A card sequence number.
    Serial,
    /// A card number masked but for its last four digits (`*****9999`).
    MaskedCard,
    /// An expiry date as YYMM.
    Yymm,
}

/// One column of a comma-separated answer (or parameter of a kickback).
///
/// ```
/// use jpayment_proto::{OnetouchResult, Record};
///
/// let shape = OnetouchResult::SHAPE;
/// let total = &shape.columns[shape.index_of("ta").unwrap()];
/// assert_eq!(total.sum_of.len(), 3); // am + tx + sf
/// let id = &shape.columns[shape.index_of("id").unwrap()];
/// assert!(id.optional && id.may_be_absent && id.kickback_omit_empty);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The parameter name (`gid`, `rst`, …).
    pub name: &'static str,
    /// The guide's Japanese label.
    pub label: &'static str,
    /// What the value may contain.
    pub format: ColumnFormat,
    /// Whether the column may be empty in a successful answer.
    pub optional: bool,
    /// Whether a comma-separated answer may end before this column, which
    /// then reads as empty. Only ever set on a trailing run of optional
    /// columns (checked at compile time), so no column is ever shifted.
    pub may_be_absent: bool,
    /// Whether a kickback leaves the parameter out when it is empty: the
    /// guide returns the column only in some cases (`id`, `ps`: 「…場合のみ
    /// 返却されます」) and its kickback samples do not carry it.
    pub kickback_omit_empty: bool,
    /// Whether the value is a secret or card data: never shown in errors.
    pub sensitive: bool,
    /// Indices of the columns this one must be the sum of (`ta`).
    pub sum_of: &'static [usize],
}

/// The ordered columns of an answer.
///
/// ```
/// use jpayment_proto::{Record, UserRecord};
///
/// let shape = UserRecord::SHAPE;
/// assert_eq!(shape.name, "UserRecord");
/// let names: Vec<&str> = shape.columns.iter().map(|c| c.name).collect();
/// assert_eq!(names, ["rst", "ec", "uid", "key"]);
/// assert_eq!((shape.rst, shape.ec), (0, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeSpec {
    /// The Rust type decoded from it.
    pub name: &'static str,
    /// The columns in order.
    pub columns: &'static [ColumnSpec],
    /// Index of `rst`.
    pub rst: usize,
    /// Index of `ec`.
    pub ec: usize,
}

impl OperationSpec {
    /// Whether every field a rule names is one of the operation's. Every
    /// generated operation is checked at compile time (`declare::operation!`).
    pub(crate) const fn rules_name_its_fields(&self) -> bool {
        let mut i = 0;
        while i < self.rules.len() {
            let named = match self.rules[i] {
                CrossRule::AtLeastOneOf(names) => self.has_fields(names),
                CrossRule::RequiredIf { field, when, .. }
                | CrossRule::OnlyIf { field, when, .. } => self.has_fields(&[field, when]),
            };
            if !named {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Whether each of `names` is a field of the operation.
    const fn has_fields(&self, names: &[&str]) -> bool {
        let mut i = 0;
        while i < names.len() {
            let mut j = 0;
            while j < self.fields.len() && !same(self.fields[j].name, names[i]) {
                j += 1;
            }
            if j == self.fields.len() {
                return false;
            }
            i += 1;
        }
        true
    }
}

/// `a == b` for a const context, where `str`'s `==` is not available.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() && a[i] == b[i] {
        i += 1;
    }
    i == a.len()
}

impl ShapeSpec {
    /// The index of the column named `name`.
    ///
    /// ```
    /// use jpayment_proto::{OnetouchResult, Record};
    ///
    /// assert_eq!(OnetouchResult::SHAPE.index_of("gid"), Some(0));
    /// assert_eq!(OnetouchResult::SHAPE.index_of("uid"), None);
    /// ```
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Whether the column flags read every answer without misreading it: a
    /// column may be absent or left out of a kickback only if it is
    /// optional, and only the shape's last run of columns may be absent (a
    /// missing column in the middle would shift the ones after it). Every
    /// generated shape is checked at compile time (`declare::record!`).
    pub(crate) const fn flags_are_consistent(&self) -> bool {
        let (mut i, mut absent) = (0, false);
        while i < self.columns.len() {
            let c = &self.columns[i];
            if ((c.may_be_absent || c.kickback_omit_empty) && !c.optional)
                || (absent && !c.may_be_absent)
            {
                return false;
            }
            absent |= c.may_be_absent;
            i += 1;
        }
        true
    }

    /// How many columns a successful comma-separated answer has at least:
    /// all of them but the trailing ones that may be absent.
    ///
    /// ```
    /// use jpayment_proto::{OnetouchResult, Record, UserRecord};
    ///
    /// assert_eq!(OnetouchResult::SHAPE.min_columns(), 10); // `id` and `ps` may be left out
    /// assert_eq!(UserRecord::SHAPE.min_columns(), UserRecord::SHAPE.columns.len());
    /// ```
    pub fn min_columns(&self) -> usize {
        self.columns
            .iter()
            .rposition(|c| !c.may_be_absent)
            .map_or(0, |i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn column(optional: bool, may_be_absent: bool, kickback_omit_empty: bool) -> ColumnSpec {
        ColumnSpec {
            name: "c",
            label: "C",
            format: ColumnFormat::Text,
            optional,
            may_be_absent,
            kickback_omit_empty,
            sensitive: false,
            sum_of: &[],
        }
    }

    fn consistent<const N: usize>(columns: [ColumnSpec; N]) -> bool {
        // A table of the test's own, leaked: the generated ones are `'static`.
        let columns = Vec::from(columns).leak();
        let shape = ShapeSpec {
            name: "S",
            columns,
            rst: 0,
            ec: 0,
        };
        shape.flags_are_consistent()
    }

    fn operation<const N: usize>(rules: [CrossRule; N]) -> OperationSpec {
        const FIELD: FieldSpec = FieldSpec {
            name: "md",
            label: "M",
            required: false,
            format: FieldFormat::Amount,
            guide: "",
        };
        const SHAPE: ShapeSpec = ShapeSpec {
            name: "S",
            columns: &[],
            rst: 0,
            ec: 0,
        };
        OperationSpec {
            name: "op",
            title: "T",
            endpoint: "e",
            methods: &["GET"],
            fields: &[
                FIELD,
                FieldSpec {
                    name: "pt",
                    ..FIELD
                },
            ],
            // The test's own rules, leaked: the generated ones are `'static`.
            rules: Vec::from(rules).leak(),
            reply: &SHAPE,
            payment: false,
        }
    }

    #[test]
    fn a_rule_may_name_only_the_operations_fields() {
        let only_if = |field, when| CrossRule::OnlyIf {
            field,
            when,
            equals: "61",
        };
        assert!(operation([]).rules_name_its_fields());
        assert!(operation([CrossRule::AtLeastOneOf(&["md", "pt"])]).rules_name_its_fields());
        assert!(operation([only_if("pt", "md")]).rules_name_its_fields());
        assert!(!operation([CrossRule::AtLeastOneOf(&["md", "pm"])]).rules_name_its_fields());
        assert!(!operation([only_if("pt", "m")]).rules_name_its_fields());
        assert!(!operation([only_if("ptx", "md")]).rules_name_its_fields());
    }

    #[test]
    fn only_a_trailing_run_of_optional_columns_may_be_absent() {
        let (plain, absent) = (column(false, false, false), column(true, true, false));
        assert!(consistent([plain, absent, absent]));
        assert!(consistent([plain, column(true, false, true)]));
        // Not optional: an empty column would be read as a value.
        assert!(!consistent([plain, column(false, true, false)]));
        assert!(!consistent([plain, column(false, false, true)]));
        // In the middle of the line: the columns after it would shift.
        assert!(!consistent([plain, absent, plain]));
    }
}
