//! The items the generated module declares once per spec entry (an
//! enumeration, the error-code table, a result shape, an operation), written
//! once here as `macro_rules!` that the generated file invokes with the
//! spec's data only. The behaviour behind them (validation, encoding,
//! decoding) is the table-driven code of [`crate::request`] and
//! [`crate::response`]; these macros only declare the types and wire their
//! fields to those tables.

use crate::charset::Charset;
use crate::error::Error;
use crate::generated::{ReplyMethod, param};
use crate::request::Operation;
use crate::response::{PaymentReply, Record};
use crate::values::{OtherData, Token, UserKey};

/// What the generated module uses: the declaration macros and the table types.
pub(crate) mod prelude {
    pub(crate) use super::{
        any_request, closed_enum, error_codes, gateway, names, operation, record, samples,
    };
    pub(crate) use crate::response::Record;
    pub(crate) use crate::tables::{
        ColumnFormat, ColumnSpec, CrossRule, FieldFormat, FieldSpec, OperationSpec, ShapeSpec,
    };
    pub(crate) use crate::values::{MaskedCardNumber, Secret, Token, UserKey};
    pub(crate) use veritrans_core::Yen;
}

/// The HTTP methods by name, as the operation tables list them.
pub(crate) mod method {
    /// `GET`.
    pub(crate) const GET: &str = "GET";
    /// `POST`.
    pub(crate) const POST: &str = "POST";
}

/// The gateway's constants: its base URL, the limit of the other data (with
/// the guide's label), the direct answer to `rt=0` and the answers' media type.
macro_rules! gateway {
    (
        base_url: $base:literal, other_data: $label:literal $max:literal,
        accepted_answer: $ok:literal, answer_media_type: $media:literal,
    ) => {
        /// The production gateway; every endpoint is relative to it.
        ///
        /// ```
        /// use jpayment_proto::{BASE_URL, Environment};
        ///
        /// assert_eq!(Environment::Live.base_url(), BASE_URL);
        /// assert!(BASE_URL.starts_with("https://"));
        /// ```
        pub const BASE_URL: &str = $base;

        #[doc = concat!("Limit of the free other data (", $label, "), in bytes as sent.")]
        ///
        /// ```
        /// use jpayment_proto::{Charset, OTHER_DATA_MAX_BYTES, Operation, RegisterUser, Rule};
        ///
        /// let mut user = RegisterUser::new("123456", "customer42");
        /// user.email = Some("taro@example.jp".into());
        /// user.other.push("memo", "x".repeat(OTHER_DATA_MAX_BYTES));
        /// // Counted as sent (`&memo=xxx…`), so on encoding.
        /// let err = user.encode(Charset::Utf8).unwrap_err();
        /// assert_eq!((err.field, err.rule), ("other", Rule::MaxBytes(OTHER_DATA_MAX_BYTES)));
        /// ```
        pub const OTHER_DATA_MAX_BYTES: usize = $max;

        /// The whole direct answer to a payment sent with `rt=0`.
        ///
        /// ```
        /// use jpayment_proto::{ACCEPTED_ANSWER, Charset, JobType, OnetouchCharge, Operation, PaymentReply, ReplyMethod, yen};
        ///
        /// let charge = OnetouchCharge::new("123456", ReplyMethod::Kickback, "customer42",
        ///     "vnjpBycDO5", 1, JobType::Capture, yen(1000), yen(0), yen(0));
        /// let reply = charge.decode_reply(ACCEPTED_ANSWER.as_bytes(), Charset::Utf8)?;
        /// assert_eq!(reply, PaymentReply::Accepted);
        /// # Ok::<(), jpayment_proto::Error>(())
        /// ```
        pub const ACCEPTED_ANSWER: &str = $ok;

        /// The media type of every answer (the guide's "HTML出力"), without its charset.
        ///
        /// ```
        /// use jpayment_proto::ANSWER_MEDIA_TYPE;
        ///
        /// // The guide's "HTML出力": a test server answers with this media type and the shop's charset.
        /// let content_type = format!("{ANSWER_MEDIA_TYPE}; charset=utf-8");
        /// assert_eq!(content_type, "text/html; charset=utf-8");
        /// ```
        pub const ANSWER_MEDIA_TYPE: &str = $media;
    };
}
pub(crate) use gateway;

/// A request field's value as read from and written to its parameter.
pub(crate) trait WireValue: Sized {
    /// The value of a received parameter already checked against its
    /// field's format; `None` when it does not fit the type (out of range).
    fn read(wire: &str) -> Option<Self>;
    /// The parameter's value. Secrets in the clear: never log it.
    fn write(&self) -> String;
}

impl WireValue for String {
    fn read(wire: &str) -> Option<Self> {
        Some(wire.to_owned())
    }
    fn write(&self) -> String {
        self.clone()
    }
}

/// Numbers: decimal on the wire.
macro_rules! number_wire_value {
    ($($ty:ty),*) => {$(
        impl WireValue for $ty {
            fn read(wire: &str) -> Option<Self> {
                wire.parse().ok()
            }
            fn write(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
number_wire_value!(u8, u32, u64);

/// Money: integer yen, decimal on the wire.
impl WireValue for veritrans_core::Yen {
    fn read(wire: &str) -> Option<Self> {
        wire.parse().ok().map(veritrans_core::Yen)
    }
    fn write(&self) -> String {
        self.get().to_string()
    }
}

/// Secrets: the value itself, in the clear only on the wire.
macro_rules! secret_wire_value {
    ($($ty:ty),*) => {$(
        impl WireValue for $ty {
            fn read(wire: &str) -> Option<Self> {
                Some(<$ty>::new(wire))
            }
            fn write(&self) -> String {
                self.expose_secret().to_owned()
            }
        }
    )*};
}
secret_wire_value!(UserKey, Token);

/// A request field's wire value by whether the field is `required` (held as
/// `T`) or `optional` (held as `Option<T>`): the names match
/// [`crate::request::Received`]'s readers, so one tag in the generated
/// invocation picks both.
pub(crate) mod wire {
    use super::WireValue;

    pub(crate) fn required<T: WireValue>(value: &T) -> Option<String> {
        Some(value.write())
    }

    pub(crate) fn optional<T: WireValue>(value: &Option<T>) -> Option<String> {
        value.as_ref().map(WireValue::write)
    }
}

/// A result column's text by whether it is required (`get`, held as `T`) or
/// optional (`opt`, held as `Option<T>`, empty when `None`): the names match
/// [`crate::response::Row`]'s readers.
pub(crate) mod cell {
    use crate::response::ToColumn;

    pub(crate) fn get<T: ToColumn>(value: &T) -> String {
        value.to_column()
    }

    pub(crate) fn opt<T: ToColumn>(value: &Option<T>) -> String {
        value.as_ref().map(ToColumn::to_column).unwrap_or_default()
    }
}

/// Every field of `O`'s table in the table's order, with its wire value:
/// a constant (`cmd`) from the table, the others moved out of `values` (the
/// request's fields by parameter name, written for this call; a copy of each
/// was a second allocation per field of every request read and validated).
pub(crate) fn in_table_order<O: Operation>(
    values: &mut [(&'static str, Option<String>)],
) -> Vec<(&'static str, Option<String>)> {
    O::SPEC
        .fields
        .iter()
        .map(|field| match field.format {
            crate::tables::FieldFormat::Constant(value) => (field.name, Some(value.to_owned())),
            _ => (
                field.name,
                values
                    .iter_mut()
                    .find(|(name, _)| crate::request::same_name(name, field.name))
                    .and_then(|(_, value)| value.take()),
            ),
        })
        .collect()
}

/// The columns of a successful result before its fields are written:
/// `rst=1`, every other column (`ec` among them) empty.
pub(crate) fn success_columns<R: Record>() -> Vec<String> {
    let mut columns = vec![String::new(); R::SHAPE.columns.len()];
    columns[R::SHAPE.rst] = "1".to_owned();
    columns
}

/// Decodes the answer to a user or card operation: the comma-separated
/// result (the echo allowed when other data was sent).
pub(crate) fn csv<R: Record>(other: &OtherData, body: &[u8], charset: Charset) -> Result<R, Error> {
    crate::response::decode_csv(body, charset, !other.is_empty())
}

/// Decodes the answer to a payment, which depends on the `rt` it was sent
/// with: `OK` for [`ReplyMethod::Kickback`], else the comma-separated result.
pub(crate) fn payment<O, R>(op: &O, body: &[u8], charset: Charset) -> Result<PaymentReply<R>, Error>
where
    O: Operation<Reply = PaymentReply<R>>,
    R: Record,
{
    let kickback = Some(ReplyMethod::Kickback.as_wire());
    let direct = op
        .wire_values()
        .iter()
        .any(|(name, value)| *name == param::RT && value.as_deref() == kickback);
    let other = !op.other_data().is_empty();
    crate::response::decode_payment(body, charset, direct, other)
}

/// A closed enumeration of request values (`jb`, `rt`, `md`): each variant
/// `Variant = "wire", "label", "description";`.
macro_rules! closed_enum {
    ($(#[$doc:meta])* $name:ident { $($var:ident = $wire:literal, $label:literal, $vdoc:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = concat!("`", $wire, "`: ", $vdoc, " (", $label, ")")] $var,)*
        }

        impl $name {
            /// Every wire value, in the spec's order (the field tables' list).
            pub(crate) const WIRES: &'static [&'static str] = &[$($wire),*];

            /// The value on the wire.
            ///
            /// ```
            #[doc = concat!("use jpayment_proto::", stringify!($name), ";")]
            ///
            #[doc = concat!("for value in [", $(stringify!($name), "::", stringify!($var), ", ",)* "] {")]
            #[doc = concat!("    assert_eq!(", stringify!($name), "::from_wire(value.as_wire()), Some(value));")]
            ///     assert!(!value.label().is_empty());
            /// }
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_wire(\"no such value\"), None);")]
            /// ```
            pub fn as_wire(self) -> &'static str {
                match self { $(Self::$var => $wire,)* }
            }

            /// The guide's Japanese label.
            ///
            /// ```
            #[doc = concat!("use jpayment_proto::", stringify!($name), ";")]
            ///
            #[doc = concat!("for value in [", $(stringify!($name), "::", stringify!($var), ", ",)* "] {")]
            #[doc = concat!("    assert_eq!(", stringify!($name), "::from_wire(value.as_wire()), Some(value));")]
            ///     assert!(!value.label().is_empty());
            /// }
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_wire(\"no such value\"), None);")]
            /// ```
            pub fn label(self) -> &'static str {
                match self { $(Self::$var => $label,)* }
            }

            /// The value for a wire value, if it is one of the guide's.
            ///
            /// ```
            #[doc = concat!("use jpayment_proto::", stringify!($name), ";")]
            ///
            #[doc = concat!("for value in [", $(stringify!($name), "::", stringify!($var), ", ",)* "] {")]
            #[doc = concat!("    assert_eq!(", stringify!($name), "::from_wire(value.as_wire()), Some(value));")]
            ///     assert!(!value.label().is_empty());
            /// }
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_wire(\"no such value\"), None);")]
            /// ```
            pub fn from_wire(wire: &str) -> Option<Self> {
                match wire { $($wire => Some(Self::$var),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_wire())
            }
        }

        impl $crate::declare::WireValue for $name {
            fn read(wire: &str) -> Option<Self> {
                Self::from_wire(wire)
            }
            fn write(&self) -> String {
                self.as_wire().to_owned()
            }
        }
    };
}
pub(crate) use closed_enum;

/// `ErrorCode` and `ISSUER_CODE_PREFIX`: each known code
/// `Variant = "code", CONSTANT, "label", "description", "source";`.
macro_rules! error_codes {
    (issuer: $prefix:literal; $($var:ident = $code:literal, $konst:ident, $label:literal, $desc:literal, $source:literal;)*) => {
        /// Card company codes start with this.
        ///
        /// ```
        /// use jpayment_proto::{ErrorCode, ISSUER_CODE_PREFIX};
        ///
        /// assert_eq!(ISSUER_CODE_PREFIX, "G");
        /// assert_eq!(ErrorCode::parse("G12"), ErrorCode::Issuer("G12".into()));
        /// ```
        pub const ISSUER_CODE_PREFIX: &str = $prefix;

        /// An error code of the gateway (`ec`, or a bare answer). New codes
        /// never break decoding: they are kept in `Unknown`.
        ///
        /// ```
        /// use jpayment_proto::ErrorCode;
        ///
        /// assert_eq!(ErrorCode::parse("ER003"), ErrorCode::SourceIp);
        /// assert_eq!(ErrorCode::parse(ErrorCode::BUSY), ErrorCode::Busy);
        /// assert_eq!(ErrorCode::parse("ER777"), ErrorCode::Unknown("ER777".into())); // kept, never an error
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $code, "` ", $label, ": ", $desc, ". (source: ", $source, ")")]
                $var,
            )*
            #[doc = concat!("A card company code (starting with `", $prefix, "`): the card was refused after the gateway asked the card company.")]
            Issuer(String),
            /// A code this crate does not know, verbatim.
            Unknown(String),
        }

        impl ErrorCode {
            $(
                #[doc = concat!("`", $code, "` (", $label, "), the wire code of [`ErrorCode::", stringify!($var), "`].")]
                pub const $konst: &'static str = $code;
            )*

            /// Classifies a code as received.
            ///
            /// ```
            /// use jpayment_proto::ErrorCode;
            ///
            /// assert!(matches!(ErrorCode::parse("G55"), ErrorCode::Issuer(code) if code == "G55"));
            /// assert!(matches!(ErrorCode::parse("G"), ErrorCode::Unknown(_))); // the prefix alone is no code
            /// ```
            pub fn parse(code: &str) -> Self {
                match code {
                    $($code => Self::$var,)*
                    c if c.len() > ISSUER_CODE_PREFIX.len() && c.starts_with(ISSUER_CODE_PREFIX) => {
                        Self::Issuer(c.to_owned())
                    }
                    c => Self::Unknown(c.to_owned()),
                }
            }

            /// The code as received.
            ///
            /// ```
            /// use jpayment_proto::ErrorCode;
            ///
            /// assert_eq!(ErrorCode::SourceIp.as_str(), "ER003");
            /// assert_eq!(ErrorCode::parse("G55").as_str(), "G55");
            /// ```
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$var => Self::$konst,)*
                    Self::Issuer(c) | Self::Unknown(c) => c,
                }
            }

            /// What the code means, as far as the guide and public sources say.
            ///
            /// ```
            /// use jpayment_proto::ErrorCode;
            ///
            /// assert!(ErrorCode::SourceIp.description().contains("送信元IPエラー"));
            /// assert_eq!(ErrorCode::parse("G55").description(), "refused by the card company");
            /// assert_eq!(ErrorCode::parse("ER777").description(), "not documented");
            /// ```
            pub fn description(&self) -> &'static str {
                match self {
                    $(Self::$var => concat!($desc, " (", $label, ")"),)*
                    Self::Issuer(_) => "refused by the card company",
                    Self::Unknown(_) => "not documented",
                }
            }
        }

        impl std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use error_codes;

/// A result shape: its table, its column names in order (for the docs)
/// and, for each column but `rst`/`ec`, a field
/// `"label" "name" position "limit" field: Type = index get|opt` (`opt`: an
/// optional column, held as `Option<Type>`; the limit is documentation).
macro_rules! record {
    (@ty get $ty:ty) => { $ty };
    (@ty opt $ty:ty) => { Option<$ty> };
    (
        $(#[$doc:meta])* $name:ident = $shape:expr, $order:literal;
        $($label:literal $column:literal $position:literal $limit:literal $field:ident: $ty:ty = $index:literal $how:ident,)*
    ) => {
        $(#[$doc])*
        #[doc = ""]
        #[doc = concat!("Columns in order: `", $order, "`, then the echoed other data.")]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $(
                #[doc = concat!($label, " (`", $column, "`, column ", $position, $limit, ").")]
                pub $field: $crate::declare::record!(@ty $how $ty),
            )*
            /// The other data echoed back (その他データ).
            pub echo: $crate::values::Echo,
        }

        const _: () = assert!(
            $shape.flags_are_consistent(),
            concat!("shape ", stringify!($name), ": a column may be absent (or left out of a kickback) only if it is optional and every column after it may be absent too"),
        );

        impl $crate::response::Record for $name {
            const SHAPE: &'static $crate::tables::ShapeSpec = $shape;

            fn from_row(row: &$crate::response::Row) -> Result<Self, $crate::error::MalformedResponse> {
                Ok(Self { $($field: row.$how($index)?,)* echo: row.echo() })
            }

            fn to_columns(&self) -> Vec<String> {
                let mut columns = $crate::declare::success_columns::<Self>();
                $(columns[$index] = $crate::declare::cell::$how(&self.$field);)*
                columns
            }

            fn echo(&self) -> &$crate::values::Echo {
                &self.echo
            }
        }
    };
}
pub(crate) use record;

/// An operation: `Name: Shape csv|payment = &TABLE;` (its answer's shape,
/// whether it is a payment, whose answer depends on `rt`, and its table)
/// and, for each
/// field but constants, `"label" "guide" "wire" name: Type =
/// required|optional` (an optional field is held as `Option<Type>`; `into`
/// when `new` takes `impl Into<Type>`; the guide's format column is
/// documentation).
macro_rules! operation {
    (@ty required $ty:ty) => { $ty };
    (@ty optional $ty:ty) => { Option<$ty> };
    (
        $(#[$doc:meta])* $name:ident: $shape:ident $decode:ident = $spec:expr;
        $($label:literal $guide:literal $wire:literal $field:ident: $ty:ty = $how:ident $($into:ident)?,)*
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $(
                #[doc = concat!($label, " (`", $wire, "`, ", stringify!($how), "; guide: ", $guide, ").")]
                pub $field: $crate::declare::operation!(@ty $how $ty),
            )*
            /// Free `key=value` parameters (その他データ), echoed back.
            pub other: $crate::values::OtherData,
        }

        const _: () = assert!(
            ($spec).rules_name_its_fields(),
            concat!("operation ", stringify!($name), ": a rule names a field the operation does not have"),
        );

        impl $name {
            $crate::declare::operation!(@new [] []; $($how $($into)? $field: $ty,)*);

            /// Reads the request as the gateway receives it (for test
            /// servers and the sandbox): every parameter of the table by
            /// name, the rest as other data; then validates it.
            ///
            /// ```
            #[doc = concat!("use jpayment_proto::", stringify!($name), ";")]
            ///
            /// use jpayment_proto::{Operation, Rule};
            ///
            /// // Nothing received: a required parameter is missing, and the error names it.
            #[doc = concat!("let err = ", stringify!($name), "::from_pairs(&[]).unwrap_err();")]
            #[doc = concat!("assert_eq!(err.operation, ", stringify!($name), "::SPEC.name);")]
            /// assert_eq!(err.rule, Rule::Required);
            /// assert!(err.field == "aid" || err.field == "cmd");
            /// ```
            pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, $crate::error::ValidationError> {
                use $crate::request::Operation as _;
                let received = $crate::request::Received::new(Self::SPEC, pairs)?;
                let value = Self {
                    $($field: received.$how($wire, $crate::declare::WireValue::read)?,)*
                    other: received.other(),
                };
                value.validate()?;
                Ok(value)
            }
        }

        impl $crate::request::Operation for $name {
            type Reply = $crate::declare::operation!(@reply $decode $shape);

            const SPEC: &'static $crate::tables::OperationSpec = $spec;

            fn wire_values(&self) -> Vec<(&'static str, Option<String>)> {
                $crate::declare::in_table_order::<Self>(&mut [$(($wire, $crate::declare::wire::$how(&self.$field)),)*])
            }

            fn other_data(&self) -> &$crate::values::OtherData {
                &self.other
            }

            fn decode_reply(&self, body: &[u8], charset: $crate::charset::Charset) -> Result<Self::Reply, $crate::error::Error> {
                $crate::declare::operation!(@decode $decode self body charset)
            }
        }
    };
    (@reply csv $shape:ident) => { $shape };
    (@reply payment $shape:ident) => { $crate::response::PaymentReply<$shape> };
    (@decode csv $self:ident $body:ident $charset:ident) => {
        $crate::declare::csv(&$self.other, $body, $charset)
    };
    (@decode payment $self:ident $body:ident $charset:ident) => {
        $crate::declare::payment($self, $body, $charset)
    };
    // `new` takes the required fields in the table's order; optional ones start as `None`.
    (@new [$($args:tt)*] [$($inits:tt)*];) => {
        /// The request with its required fields; optional ones are `None`.
        #[allow(clippy::too_many_arguments)]
        pub fn new($($args)*) -> Self {
            Self { $($inits)* other: $crate::values::OtherData::new() }
        }
    };
    (@new [$($args:tt)*] [$($inits:tt)*]; required into $field:ident: $ty:ty, $($rest:tt)*) => {
        $crate::declare::operation!(@new [$($args)* $field: impl Into<$ty>,] [$($inits)* $field: $field.into(),]; $($rest)*);
    };
    (@new [$($args:tt)*] [$($inits:tt)*]; required $field:ident: $ty:ty, $($rest:tt)*) => {
        $crate::declare::operation!(@new [$($args)* $field: $ty,] [$($inits)* $field,]; $($rest)*);
    };
    (@new [$($args:tt)*] [$($inits:tt)*]; optional $field:ident: $ty:ty, $($rest:tt)*) => {
        $crate::declare::operation!(@new [$($args)*] [$($inits)* $field: None,]; $($rest)*);
    };
}
pub(crate) use operation;

/// `AnyRequest` over every operation and `OPERATIONS`, their tables in the
/// spec's order; each operation `"title" "name" Type,`.
macro_rules! any_request {
    ($($title:literal $name:literal $op:ident,)*) => {
        /// Any request of the guide, as a server (a test server, the
        /// sandbox) receives it.
        ///
        /// ```
        /// use jpayment_proto::{AnyRequest, RegisterUser};
        ///
        /// let pairs: Vec<(String, String)> = [("aid", "123456"), ("cmd", "0"), ("uid", "customer42"), ("em", "taro@example.jp")]
        ///     .into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
        /// let request = AnyRequest::from_pairs("carduser.aspx", &pairs).unwrap()?;
        /// let AnyRequest::RegisterUser(user) = request else { unreachable!() };
        /// assert_eq!(user, RegisterUser { email: Some("taro@example.jp".into()), ..RegisterUser::new("123456", "customer42") });
        /// # Ok::<(), jpayment_proto::error::ValidationError>(())
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum AnyRequest {
            $(#[doc = concat!($title, " (`", $name, "`).")] $op($op),)*
        }

        impl AnyRequest {
            /// Reads a request sent to `endpoint` (`carduser.aspx`, …):
            /// the operation is the one of that endpoint whose table
            /// accepts the parameters (`cmd`, and which of `num`, `jb`,
            /// `iid` are present, tell them apart). `None` for an unknown
            /// endpoint; otherwise the request, or the most telling error.
            ///
            /// ```
            /// use jpayment_proto::{AnyRequest, Rule};
            ///
            /// let pairs: Vec<(String, String)> = [("aid", "123456"), ("cmd", "0"), ("uid", "customer42")]
            ///     .into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
            /// // A user without e-mail or phone: the most telling error of the endpoint's operations.
            /// let err = AnyRequest::from_pairs("carduser.aspx", &pairs).unwrap().unwrap_err();
            /// assert!(matches!(err.rule, Rule::AtLeastOneOf(_)));
            /// assert!(AnyRequest::from_pairs("nowhere.aspx", &pairs).is_none());
            /// ```
            pub fn from_pairs(endpoint: &str, pairs: &[(String, String)]) -> Option<Result<Self, $crate::error::ValidationError>> {
                // The first operation that parses is the answer (`pick` would choose it
                // from all of them): the ones after it are not read.
                let mut refused = Vec::new();
                $(
                    if endpoint == <$op as $crate::request::Operation>::SPEC.endpoint {
                        match $op::from_pairs(pairs) {
                            Ok(request) => return Some(Ok(AnyRequest::$op(request))),
                            Err(e) => refused.push(Err(e)),
                        }
                    }
                )*
                $crate::request::pick(refused)
            }
        }

        /// Every operation's table, in the spec's order.
        ///
        /// ```
        /// use jpayment_proto::OPERATIONS;
        ///
        /// assert_eq!(OPERATIONS[0].name, "register_user");
        /// assert!(OPERATIONS.iter().all(|op| op.fields[0].name == "aid"));
        /// ```
        pub const OPERATIONS: &[&$crate::tables::OperationSpec] = &[$(<$op as $crate::request::Operation>::SPEC),*];
    };
}
pub(crate) use any_request;

/// `param::NAME` for every parameter and column name of the protocol, and
/// `RESERVED_NAMES`, the same names as a list.
macro_rules! names {
    ($($konst:ident = $name:literal,)*) => {
        /// Every parameter name of the protocol; none may be used as other data.
        ///
        /// ```
        /// use jpayment_proto::{RESERVED_NAMES, param};
        ///
        /// assert!(RESERVED_NAMES.contains(&param::UID));
        /// ```
        pub const RESERVED_NAMES: &[&str] = &[$($name),*];

        /// Parameter and column names, one constant each.
        pub mod param {
            $(
                #[doc = concat!("`", $name, "`.")]
                pub const $konst: &str = $name;
            )*
        }
    };
}
pub(crate) use names;

/// The guide's sample answers (`SAMPLES`, for the crate's tests): each
/// `"operation" kind "text" Shape;`, the kind one of [`sample`]'s decoders
/// (`csv`, `kickback` as corrected; `printed_csv`, `printed_kickback` as
/// printed where that differs from the guide's own table).
macro_rules! samples {
    ($($op:literal $kind:ident $text:literal $shape:ident;)*) => {
        /// A sample answer printed in the guide (or its corrected form).
        #[cfg(test)]
        pub(crate) struct GuideSample {
            pub operation: &'static str,
            pub kind: &'static str,
            pub text: &'static str,
            pub decode: fn(&[u8]) -> Result<String, $crate::error::Error>,
        }

        /// Every sample of the spec, decoded by its operation's shape.
        #[cfg(test)]
        pub(crate) const SAMPLES: &[GuideSample] = &[$(
            GuideSample {
                operation: $op,
                kind: stringify!($kind),
                text: $text,
                decode: $crate::declare::sample::$kind::<$shape>,
            },
        )*];
    };
}
pub(crate) use samples;

/// A sample decoded, by its kind, as a comma-separated answer or as a
/// kickback, shown with `{:#?}`.
#[cfg(test)]
pub(crate) mod sample {
    use crate::charset::Charset;
    use crate::error::Error;
    use crate::response::Record;

    pub(crate) use self::{csv as printed_csv, kickback as printed_kickback};

    pub(crate) fn csv<R: Record + std::fmt::Debug>(body: &[u8]) -> Result<String, Error> {
        crate::response::decode_csv::<R>(body, Charset::Utf8, false).map(|v| format!("{v:#?}"))
    }

    pub(crate) fn kickback<R: Record + std::fmt::Debug>(body: &[u8]) -> Result<String, Error> {
        crate::response::decode_kickback::<R>(body, Charset::Utf8).map(|v| format!("{v:#?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::{JobType, OnetouchCharge, OnetouchResult, ReplyMethod};
    use crate::yen;

    #[test]
    fn constants_take_their_place_in_the_table_order() {
        // The table of a one-touch charge is aid, rt, cmd, …: `cmd` (a
        // constant, no field of the struct) comes third on the wire.
        let charge = OnetouchCharge::new(
            "123456",
            ReplyMethod::Response,
            "u1",
            "k1",
            1,
            JobType::Auth,
            yen(1),
            yen(0),
            yen(0),
        );
        let names: Vec<&str> = charge.wire_values().iter().map(|(n, _)| *n).collect();
        assert_eq!(names[..4], ["aid", "rt", "cmd", "cod"]);
        assert_eq!(charge.wire_values()[2].1.as_deref(), Some("4"));
        assert_eq!(charge.wire_values()[3].1, None);
    }

    #[test]
    fn a_success_row_is_rst_1_with_an_empty_ec() {
        let columns = success_columns::<OnetouchResult>();
        assert_eq!(columns.len(), 12);
        assert_eq!(columns[OnetouchResult::SHAPE.rst], "1");
        assert_eq!(columns[OnetouchResult::SHAPE.ec], "");
    }

    #[test]
    fn optional_values_are_empty_cells_and_absent_parameters() {
        assert_eq!(cell::opt::<u64>(&None), "");
        assert_eq!(cell::opt(&Some(7u64)), "7");
        assert_eq!(wire::optional::<u8>(&None), None);
        assert_eq!(wire::required(&UserKey::new("k")).as_deref(), Some("k"));
        assert_eq!(<u8 as WireValue>::read("300"), None, "out of range");
        assert_eq!(ReplyMethod::read("1"), Some(ReplyMethod::Response));
    }
}
