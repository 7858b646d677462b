//! Decoding answers: a comma-separated line (`rt=1` and the user and card
//! operations), the direct answer to `rt=0`, and kickback query strings.
//!
//! Both forms become a [`Row`] of values by column, checked against the
//! shape's table the same way, so a kickback and a comma-separated answer
//! of the same result can never be decoded differently.

use std::borrow::Cow;

use crate::charset::Charset;
use crate::error::{Error, GatewayError, MalformedResponse, Place};
use crate::generated::ErrorCode;
use crate::tables::{ColumnFormat, ColumnSpec, ShapeSpec};
use crate::values::{Echo, MaskedCardNumber, Secret, UserKey};

/// A result type generated from a shape of the spec.
///
/// ```
/// use jpayment_proto::{Charset, Operation, Record, RegisterUser, UserRecord};
///
/// let answer = RegisterUser::new("123456", "customer42").decode_reply(b"1,,customer42,vnjpBycDO5\r\n", Charset::Utf8)?;
/// assert_eq!(answer.user_key.expose_secret(), "vnjpBycDO5");
/// assert_eq!(UserRecord::SHAPE.columns.len(), 4); // rst, ec, uid, key
/// assert_eq!(answer.to_columns(), ["1", "", "customer42", "vnjpBycDO5"]);
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub trait Record: Sized {
    /// The shape's table.
    const SHAPE: &'static ShapeSpec;

    /// Builds the value from a row already checked against [`Self::SHAPE`].
    #[doc(hidden)]
    fn from_row(row: &Row) -> Result<Self, MalformedResponse>;

    /// The successful result's columns as the gateway writes them
    /// (`rst=1`, empty `ec`), secrets in the clear: for test servers and
    /// the sandbox, never for logs.
    fn to_columns(&self) -> Vec<String>;

    /// The echoed other data.
    fn echo(&self) -> &Echo;
}

/// Writes a successful result as the comma-separated line the gateway
/// answers with (the echoed other data, if any, after the last column).
/// The inverse of [`decode_csv`] for values without commas or line breaks.
///
/// ```
/// use jpayment_proto::response::{decode_csv, encode_csv};
/// use jpayment_proto::{Charset, UserRecord};
///
/// // What a test server answers: the inverse of decoding.
/// let record: UserRecord = decode_csv(b"1,,customer42,vnjpBycDO5", Charset::Utf8, false)?;
/// assert_eq!(encode_csv(&record), "1,,customer42,vnjpBycDO5");
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub fn encode_csv<R: Record>(record: &R) -> String {
    let mut line = record.to_columns().join(",");
    match record.echo() {
        Echo::None => {}
        Echo::Line(rest) => {
            line.push(',');
            line.push_str(rest);
        }
        Echo::Params(pairs) => {
            for (name, value) in pairs {
                line.push(',');
                line.push_str(name);
                line.push('=');
                line.push_str(value);
            }
        }
    }
    line
}

/// Writes a successful result as the live gateway does (the public form
/// `30486154,1,000306,,30485311,,1000,0,0,1000,`): like [`encode_csv`],
/// but the trailing columns the spec marks `may_be_absent` (`id`, `ps` of a
/// one-touch result) are left out when they are empty, and the line then
/// ends with a comma. With echoed other data the full table is written, so
/// the echo never lands in a left-out column. [`decode_csv`] reads both
/// forms to the same value.
///
/// ```
/// use jpayment_proto::response::{decode_csv, encode_csv, encode_csv_compact};
/// use jpayment_proto::{Charset, OnetouchResult};
///
/// let result: OnetouchResult = decode_csv(b"30486154,1,000306,,30485311,,1000,0,0,1000,", Charset::Utf8, false)?;
/// assert_eq!(encode_csv_compact(&result), "30486154,1,000306,,30485311,,1000,0,0,1000,");
/// assert_eq!(encode_csv(&result), "30486154,1,000306,,30485311,,1000,0,0,1000,,");
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub fn encode_csv_compact<R: Record>(record: &R) -> String {
    if !record.echo().is_none() {
        return encode_csv(record);
    }
    let mut columns = record.to_columns();
    let mut dropped = false;
    for column in R::SHAPE.columns.iter().rev() {
        if !column.may_be_absent || columns.last().is_none_or(|v| !v.is_empty()) {
            break;
        }
        columns.pop();
        dropped = true;
    }
    let mut line = columns.join(",");
    if dropped {
        line.push(',');
    }
    line
}

/// The columns of a failed result (`rst=2`, `ec` = `code`), the others
/// taken by name from `values` (empty when not given; names that are not
/// columns of `shape` are not written).
fn failed_columns<'a>(
    shape: &'static ShapeSpec,
    code: &'a str,
    values: &[(&str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    shape
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let value = if index == shape.rst {
                "2"
            } else if index == shape.ec {
                code
            } else {
                values
                    .iter()
                    .find(|(name, _)| *name == column.name)
                    .map_or("", |(_, v)| *v)
            };
            (column.name, value)
        })
        .collect()
}

/// Writes a failed result (`rst=2`, `ec` = `code`) of `shape` as the
/// comma-separated line the gateway answers with, every column in place:
/// the values of the other columns come by name from `values` (empty when
/// not given). For test servers and the sandbox; [`decode_csv`] reads it
/// back as [`Error::Gateway`] with those values in its fields.
///
/// ```
/// use jpayment_proto::response::{decode_csv, encode_failed_csv};
/// use jpayment_proto::{Charset, Error, OnetouchResult, Record};
///
/// let line = encode_failed_csv(OnetouchResult::SHAPE, "G55", &[("gid", "1095730"), ("am", "1000")]);
/// let Err(Error::Gateway(refused)) = decode_csv::<OnetouchResult>(line.as_bytes(), Charset::Utf8, false) else {
///     unreachable!()
/// };
/// assert_eq!((refused.code.as_str(), refused.field("gid")), ("G55", Some("1095730")));
/// ```
pub fn encode_failed_csv(shape: &'static ShapeSpec, code: &str, values: &[(&str, &str)]) -> String {
    failed_columns(shape, code, values)
        .into_iter()
        .map(|(_, v)| v)
        .collect::<Vec<_>>()
        .join(",")
}

/// [`encode_failed_csv`] as a kickback query string in `charset`; `None`
/// when a value cannot be written in it.
///
/// ```
/// use jpayment_proto::response::encode_failed_kickback;
/// use jpayment_proto::{Charset, OnetouchResult, Record};
///
/// let query = encode_failed_kickback(OnetouchResult::SHAPE, "G12", &[("cod", "order 17")], Charset::Utf8).unwrap();
/// assert!(query.contains("rst=2") && query.contains("ec=G12") && query.contains("cod=order%2017"));
/// ```
pub fn encode_failed_kickback(
    shape: &'static ShapeSpec,
    code: &str,
    values: &[(&str, &str)],
    charset: Charset,
) -> Option<String> {
    let mut pairs = Vec::new();
    for (column, (name, value)) in shape
        .columns
        .iter()
        .zip(failed_columns(shape, code, values))
    {
        if column.kickback_omit_empty && value.is_empty() {
            continue;
        }
        let bytes = charset.encode(value)?;
        let escaped = percent_encoding::percent_encode(&bytes, crate::request::ESCAPED);
        pairs.push(format!("{name}={escaped}"));
    }
    Some(pairs.join("&"))
}

/// Writes a successful result as a kickback query string in `charset`;
/// `None` when a value cannot be written in it. Columns the spec marks
/// `kickback_omit_empty` (`id`, `ps`: returned only for a content item) are
/// left out when empty, as in the guide's kickback samples.
///
/// ```
/// use jpayment_proto::response::{decode_csv, encode_kickback};
/// use jpayment_proto::{Charset, OnetouchResult};
///
/// let result: OnetouchResult = decode_csv(b"1095729,1,TestMod,,205685,,1000,2,4,1006,,", Charset::Utf8, false)?;
/// let query = encode_kickback(&result, Charset::Utf8).unwrap();
/// assert_eq!(query, "gid=1095729&rst=1&ap=TestMod&ec=&god=205685&cod=&am=1000&tx=2&sf=4&ta=1006");
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub fn encode_kickback<R: Record>(record: &R, charset: Charset) -> Option<String> {
    let escape = |text: &str| -> Option<String> {
        let bytes = charset.encode(text)?;
        Some(percent_encoding::percent_encode(&bytes, crate::request::ESCAPED).to_string())
    };
    let mut pairs = Vec::new();
    for (column, value) in R::SHAPE.columns.iter().zip(record.to_columns()) {
        if column.kickback_omit_empty && value.is_empty() {
            continue;
        }
        pairs.push(format!("{}={}", column.name, escape(&value)?));
    }
    if let Echo::Params(extra) = record.echo() {
        for (name, value) in extra {
            pairs.push(format!("{}={}", escape(name)?, escape(value)?));
        }
    }
    Some(pairs.join("&"))
}

/// Writes a column value as the gateway would.
#[doc(hidden)]
pub trait ToColumn {
    fn to_column(&self) -> String;
}

impl ToColumn for String {
    fn to_column(&self) -> String {
        self.clone()
    }
}

impl ToColumn for u64 {
    fn to_column(&self) -> String {
        self.to_string()
    }
}

impl ToColumn for veritrans_core::Yen {
    fn to_column(&self) -> String {
        self.get().to_string()
    }
}

impl ToColumn for u32 {
    fn to_column(&self) -> String {
        self.to_string()
    }
}

impl ToColumn for UserKey {
    fn to_column(&self) -> String {
        self.expose_secret().to_owned()
    }
}

impl ToColumn for Secret {
    fn to_column(&self) -> String {
        self.expose_secret().to_owned()
    }
}

impl ToColumn for MaskedCardNumber {
    fn to_column(&self) -> String {
        self.as_str().to_owned()
    }
}

/// The answer to a payment request, which depends on its `rt`.
///
/// ```
/// use jpayment_proto::{Charset, JobType, OnetouchCharge, Operation, PaymentReply, ReplyMethod, yen};
///
/// // rt=0: the answer is only `OK`; the result arrives as a kickback.
/// let charge = OnetouchCharge::new("123456", ReplyMethod::Kickback, "customer42",
///     "vnjpBycDO5", 1, JobType::Capture, yen(1000), yen(0), yen(0));
/// assert_eq!(charge.decode_reply(b"OK", Charset::Utf8)?, PaymentReply::Accepted);
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentReply<T> {
    /// `rt=0`: the gateway answered `OK`; the result arrives as a kickback
    /// (usually within about 30 seconds).
    Accepted,
    /// `rt=1`: the result itself.
    Completed(T),
}

impl<T> PaymentReply<T> {
    /// The result, when it came with the answer.
    ///
    /// ```
    /// use jpayment_proto::{Charset, JobType, OnetouchCharge, Operation, ReplyMethod, yen};
    ///
    /// let charge = OnetouchCharge::new("123456", ReplyMethod::Response, "customer42",
    ///     "vnjpBycDO5", 1, JobType::Auth, yen(1000), yen(2), yen(4));
    /// let reply = charge.decode_reply(b"1095729,1,TestMod,,205685,,1000,2,4,1006,,", Charset::Utf8)?;
    /// assert_eq!(reply.completed().map(|result| result.payment_id), Some("1095729".to_string()));
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn completed(self) -> Option<T> {
        match self {
            PaymentReply::Accepted => None,
            PaymentReply::Completed(t) => Some(t),
        }
    }
}

/// Values by column of one answer or kickback. Built only by this module.
#[derive(Debug)]
pub struct Row {
    shape: &'static ShapeSpec,
    values: Vec<Option<String>>,
    kickback: bool,
    echo: Echo,
}

/// Conversion of a checked column value.
#[doc(hidden)]
pub trait FromColumn: Sized {
    fn from_column(value: &str) -> Option<Self>;
}

impl FromColumn for String {
    fn from_column(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
}

impl FromColumn for u64 {
    fn from_column(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

impl FromColumn for veritrans_core::Yen {
    fn from_column(value: &str) -> Option<Self> {
        value.parse().ok().map(veritrans_core::Yen)
    }
}

impl FromColumn for u32 {
    fn from_column(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

impl FromColumn for UserKey {
    fn from_column(value: &str) -> Option<Self> {
        Some(UserKey::new(value))
    }
}

impl FromColumn for Secret {
    fn from_column(value: &str) -> Option<Self> {
        Some(Secret::new(value))
    }
}

impl FromColumn for MaskedCardNumber {
    fn from_column(value: &str) -> Option<Self> {
        MaskedCardNumber::parse(value)
    }
}

impl Row {
    fn place(&self, index: usize) -> Place {
        let column = &self.shape.columns[index];
        if self.kickback {
            Place::Parameter {
                name: column.name,
                label: column.label,
            }
        } else {
            Place::Column {
                position: index + 1,
                name: column.name,
                label: column.label,
            }
        }
    }

    fn raw(&self, index: usize) -> Option<&str> {
        self.values.get(index).and_then(|v| v.as_deref())
    }

    fn value_error(&self, index: usize, rule: impl Into<String>) -> MalformedResponse {
        let sensitive = self.shape.columns[index].sensitive;
        MalformedResponse::Value {
            place: self.place(index),
            rule: rule.into(),
            found: if sensitive {
                None
            } else {
                self.raw(index).map(shown)
            },
        }
    }

    /// The value of a required column.
    #[doc(hidden)]
    pub fn get<T: FromColumn>(&self, index: usize) -> Result<T, MalformedResponse> {
        self.opt(index)?
            .ok_or_else(|| self.value_error(index, "is required"))
    }

    /// The value of an optional column (`None` when empty or absent).
    #[doc(hidden)]
    pub fn opt<T: FromColumn>(&self, index: usize) -> Result<Option<T>, MalformedResponse> {
        match self.raw(index) {
            None | Some("") => Ok(None),
            Some(v) => T::from_column(v)
                .map(Some)
                .ok_or_else(|| self.value_error(index, "is out of range")),
        }
    }

    /// The echoed other data.
    #[doc(hidden)]
    pub fn echo(&self) -> Echo {
        self.echo.clone()
    }
}

/// A value as shown in an error: at most 40 characters.
fn shown(value: &str) -> String {
    let mut out: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Checks a non-empty value against its column's format.
fn check_column(column: &ColumnSpec, v: &str) -> Result<(), &'static str> {
    let digits = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    match column.format {
        ColumnFormat::Rst | ColumnFormat::ErrorCode | ColumnFormat::Text => Ok(()),
        ColumnFormat::Digits => digits(v).then_some(()).ok_or("must be ASCII digits"),
        ColumnFormat::Alnum => v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
            .then_some(())
            .ok_or("must be ASCII letters and digits"),
        ColumnFormat::Email => (v.bytes().all(|b| b.is_ascii_graphic()) && v.contains('@'))
            .then_some(())
            .ok_or("must be an e-mail address"),
        ColumnFormat::Amount => (digits(v) && v.parse::<u64>().is_ok())
            .then_some(())
            .ok_or("must be a non-negative integer amount"),
        ColumnFormat::Serial => (digits(v) && v.parse::<u32>().is_ok())
            .then_some(())
            .ok_or("must be a card sequence number"),
        ColumnFormat::MaskedCard => MaskedCardNumber::parse(v)
            .map(|_| ())
            .ok_or("must be a card number masked but for its last four digits"),
        ColumnFormat::Yymm => {
            let month = v.get(2..).and_then(|m| m.parse::<u8>().ok());
            (v.len() == 4 && digits(v) && matches!(month, Some(1..=12)))
                .then_some(())
                .ok_or("must be an expiry date as YYMM")
        }
    }
}

/// Whether `code` is an error code standing alone: `ER000`–`ER999`, or a
/// card company code (`G` and up to eleven letters or digits).
fn bare_error_code(text: &str) -> Option<ErrorCode> {
    let bytes = text.as_bytes();
    let er =
        bytes.len() == 5 && text.starts_with("ER") && bytes[2..].iter().all(u8::is_ascii_digit);
    let issuer = (2..=12).contains(&bytes.len())
        && text.starts_with(crate::generated::ISSUER_CODE_PREFIX)
        && bytes[1..].iter().all(u8::is_ascii_alphanumeric);
    (er || issuer).then(|| ErrorCode::parse(text))
}

/// The one line of an answer, decoded; CR/LF line ends removed.
fn single_line(
    body: &[u8],
    charset: Charset,
    shape: &'static ShapeSpec,
) -> Result<String, MalformedResponse> {
    let text = charset.decode(body)?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return Err(MalformedResponse::Html {
            shape: shape.name,
            start: shown(trimmed),
        });
    }
    let lines: Vec<&str> = text
        .split('\n')
        // Every CR before the line end is line-end noise ("\r\r\n" from a doubled
        // translation), never content: a value may not hold CR (the encoder refuses it).
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => Err(MalformedResponse::Empty { shape: shape.name }),
        [line] => Ok((*line).to_owned()),
        _ => Err(MalformedResponse::Lines {
            shape: shape.name,
            lines: lines.len(),
        }),
    }
}

fn gateway_error(code: ErrorCode, row: Option<&Row>, shape: &'static ShapeSpec) -> Error {
    let mut fields = Vec::new();
    let mut sensitive = Vec::new();
    let mut echo = Echo::None;
    if let Some(row) = row {
        for (index, column) in shape.columns.iter().enumerate() {
            if index == shape.rst || index == shape.ec {
                continue;
            }
            if let Some(v) = row.raw(index).filter(|v| !v.is_empty()) {
                fields.push((column.name, v.to_owned()));
                sensitive.push(column.sensitive);
            }
        }
        echo = row.echo.clone();
    }
    Error::from(GatewayError {
        shape: shape.name,
        code,
        fields,
        sensitive,
        echo,
    })
}

/// Checks a row against its shape and builds the record, or the gateway's
/// error for `rst=2`.
fn finish<R: Record>(row: Row) -> Result<R, Error> {
    let shape = R::SHAPE;
    let rst = match row.raw(shape.rst) {
        Some("1") => true,
        Some("2") => false,
        Some(_) => return Err(row.value_error(shape.rst, "must be 1 or 2").into()),
        None if row.kickback => return Err(row.value_error(shape.rst, "is missing").into()),
        None => return Err(missing_columns(shape, row.values.len()).into()),
    };
    let ec = row.raw(shape.ec).unwrap_or("");
    if !rst {
        // The error code is what matters; a failed answer may omit the rest.
        if !row.kickback && row.values.len() <= shape.ec {
            return Err(missing_columns(shape, row.values.len()).into());
        }
        return Err(gateway_error(ErrorCode::parse(ec), Some(&row), shape));
    }
    if !ec.is_empty() {
        return Err(row.value_error(shape.ec, "must be empty when rst=1").into());
    }
    // Trailing columns that may be absent read as empty (`raw` is `None`).
    if !row.kickback && row.values.len() < shape.min_columns() {
        return Err(missing_columns(shape, row.values.len()).into());
    }
    for (index, column) in shape.columns.iter().enumerate() {
        if index == shape.rst || index == shape.ec {
            continue;
        }
        match row.raw(index) {
            None if column.optional => {}
            None => return Err(row.value_error(index, "is missing").into()),
            Some("") if column.optional => {}
            Some("") => return Err(row.value_error(index, "is required but empty").into()),
            Some(v) => check_column(column, v).map_err(|rule| row.value_error(index, rule))?,
        }
    }
    for (index, column) in shape.columns.iter().enumerate() {
        if column.sum_of.is_empty() {
            continue;
        }
        let amount = |i: usize| row.raw(i).and_then(|v| v.parse::<u64>().ok());
        let sum = column
            .sum_of
            .iter()
            .try_fold(0u64, |acc, &i| amount(i).and_then(|a| acc.checked_add(a)));
        if sum != amount(index) {
            let names: Vec<&str> = column
                .sum_of
                .iter()
                .map(|&i| shape.columns[i].name)
                .collect();
            return Err(row
                .value_error(index, format!("must equal {}", names.join(" + ")))
                .into());
        }
    }
    Ok(R::from_row(&row)?)
}

fn missing_columns(shape: &'static ShapeSpec, found: usize) -> MalformedResponse {
    let names: Vec<&str> = shape.columns.iter().map(|c| c.name).collect();
    let missing = shape.columns.get(found).map(|c| c.name).unwrap_or("");
    MalformedResponse::MissingColumns {
        shape: shape.name,
        expected: shape.columns.len(),
        found,
        names: names.join(","),
        missing,
        missing_position: found + 1,
    }
}

/// Decodes a comma-separated answer into `R`, or the gateway's error.
///
/// The line may end with CR/LF and with a trailing comma. It may end
/// before the trailing columns the spec marks `may_be_absent` (`id`, `ps`
/// of a one-touch result), which then read as empty. Columns after
/// the shape's last one are the echoed other data, kept verbatim (commas
/// and quotes included; J-Payment does not quote values, so a `"` is
/// data) when `other_data_sent`; otherwise they are an error, since the
/// answer then does not have the shape the spec gives it.
///
/// ```
/// use jpayment_proto::response::decode_csv;
/// use jpayment_proto::error::MalformedResponse;
/// use jpayment_proto::{Charset, Error, UserRecord};
///
/// let user: UserRecord = decode_csv(b"1,,customer42,vnjpBycDO5\r\n", Charset::Utf8, false)?;
/// assert_eq!(user.user_id, "customer42");
/// // A short line names the first missing column.
/// let short = decode_csv::<UserRecord>(b"1,,customer42", Charset::Utf8, false).unwrap_err();
/// assert!(matches!(short, Error::Malformed(MalformedResponse::MissingColumns { missing: "key", .. })));
/// # Ok::<(), Error>(())
/// ```
pub fn decode_csv<R: Record>(
    body: &[u8],
    charset: Charset,
    other_data_sent: bool,
) -> Result<R, Error> {
    let shape = R::SHAPE;
    let line = single_line(body, charset, shape)?;
    let bare = line.strip_suffix(',').unwrap_or(&line);
    if let Some(code) = bare_error_code(bare) {
        return Err(gateway_error(code, None, shape));
    }
    let count = shape.columns.len();
    let mut parts: Vec<&str> = line.splitn(count + 1, ',').collect();
    let echo = if parts.len() > count {
        match parts.pop() {
            Some("") | None => Echo::None,
            Some(rest) if other_data_sent => Echo::Line(rest.to_owned()),
            Some(rest) => {
                return Err(MalformedResponse::ExtraColumns {
                    shape: shape.name,
                    expected: count,
                    extra: shown(rest),
                }
                .into());
            }
        }
    } else {
        Echo::None
    };
    let row = Row {
        shape,
        values: parts.into_iter().map(|p| Some(p.to_owned())).collect(),
        kickback: false,
        echo,
    };
    finish(row)
}

/// Decodes the direct answer to a payment sent with `rt=0`: `OK`, or an
/// error code.
///
/// ```
/// use jpayment_proto::response::decode_direct;
/// use jpayment_proto::{Charset, Error, ErrorCode, OnetouchResult, Record};
///
/// assert!(decode_direct(b"OK", Charset::Utf8, OnetouchResult::SHAPE).is_ok());
/// let busy = decode_direct(b"ER010", Charset::Utf8, OnetouchResult::SHAPE).unwrap_err();
/// assert_eq!(busy.gateway_code(), Some(&ErrorCode::Busy));
/// ```
pub fn decode_direct(
    body: &[u8],
    charset: Charset,
    shape: &'static ShapeSpec,
) -> Result<(), Error> {
    let line = single_line(body, charset, shape)?;
    let bare = line.strip_suffix(',').unwrap_or(&line);
    if bare == crate::generated::ACCEPTED_ANSWER {
        return Ok(());
    }
    if let Some(code) = bare_error_code(bare) {
        return Err(gateway_error(code, None, shape));
    }
    Err(MalformedResponse::Direct { found: shown(bare) }.into())
}

/// Decodes the answer to a payment: the direct form for `rt=0`
/// (`direct`), the comma-separated result for `rt=1`.
///
/// ```
/// use jpayment_proto::response::decode_payment;
/// use jpayment_proto::{Charset, OnetouchResult, PaymentReply, yen};
///
/// let direct = decode_payment::<OnetouchResult>(b"OK", Charset::Utf8, true, false)?;
/// assert_eq!(direct, PaymentReply::Accepted);
/// let answer = b"1095729,1,TestMod,,205685,,1000,2,4,1006,,";
/// let result = decode_payment::<OnetouchResult>(answer, Charset::Utf8, false, false)?.completed().unwrap();
/// assert_eq!(result.total, yen(1006));
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub fn decode_payment<R: Record>(
    body: &[u8],
    charset: Charset,
    direct: bool,
    other_data_sent: bool,
) -> Result<PaymentReply<R>, Error> {
    if direct {
        decode_direct(body, charset, R::SHAPE).map(|()| PaymentReply::Accepted)
    } else {
        decode_csv(body, charset, other_data_sent).map(PaymentReply::Completed)
    }
}

/// Splits and percent-decodes a query string (`+` is a space) into ordered
/// pairs; a leading `?` is ignored.
///
/// ```
/// use jpayment_proto::Charset;
/// use jpayment_proto::response::query_pairs;
///
/// let pairs = query_pairs(b"?cod=order+17&note=%E3%83%86", Charset::Utf8)?;
/// assert_eq!(pairs, [("cod".to_string(), "order 17".to_string()), ("note".to_string(), "テ".to_string())]);
/// # Ok::<(), jpayment_proto::error::MalformedResponse>(())
/// ```
pub fn query_pairs(
    query: &[u8],
    charset: Charset,
) -> Result<Vec<(String, String)>, MalformedResponse> {
    let query = query.strip_prefix(b"?").unwrap_or(query);
    let mut pairs = Vec::new();
    for (index, part) in query.split(|b| *b == b'&').enumerate() {
        if part.is_empty() {
            continue;
        }
        let (name, value) = match part.iter().position(|b| *b == b'=') {
            Some(at) => (&part[..at], &part[at + 1..]),
            None => (part, &b""[..]),
        };
        let decode = |raw: &[u8]| -> Result<String, MalformedResponse> {
            charset
                .decode(&unescape(raw))
                .map(|s| s.into_owned())
                .map_err(|e| MalformedResponse::Query {
                    index: index + 1,
                    reason: e.to_string(),
                })
        };
        pairs.push((decode(name)?, decode(value)?));
    }
    Ok(pairs)
}

/// A form component's bytes with `+` as a space, then `%XX` decoded; borrowed when
/// it has neither, as nearly every name and value has: the two copies that were made
/// of every component were half the allocations of a sandbox one-touch charge
/// (callgrind, `benches/callgrind.sh 1000 jpayment`).
fn unescape(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.iter().any(|b| matches!(b, b'+' | b'%')) {
        return Cow::Borrowed(raw);
    }
    let plus: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    Cow::Owned(percent_encoding::percent_decode(&plus).collect())
}

/// Decodes a kickback query string into `R`, or the gateway's error for a
/// failed payment. Parameters that are not columns of `R` are the echoed
/// other data.
///
/// ```
/// use jpayment_proto::response::decode_kickback;
/// use jpayment_proto::{Charset, Echo, OnetouchResult};
///
/// let query = b"gid=10000001&rst=1&ap=0001112&ec=&god=10000002&cod=order-17&am=1000&tx=80&sf=500&ta=1580&shop_ref=A-1";
/// let result: OnetouchResult = decode_kickback(query, Charset::Utf8)?;
/// assert_eq!(result.echo, Echo::Params(vec![("shop_ref".into(), "A-1".into())]));
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub fn decode_kickback<R: Record>(query: &[u8], charset: Charset) -> Result<R, Error> {
    let pairs = query_pairs(query, charset)?;
    decode_kickback_pairs(pairs)
}

/// [`decode_kickback`] from pairs already split and decoded (by a web
/// framework, say).
///
/// ```
/// use jpayment_proto::response::decode_kickback_pairs;
/// use jpayment_proto::{Error, OnetouchResult};
///
/// // `ta` must be `am + tx + sf`.
/// let pairs: Vec<(String, String)> = [("gid", "1"), ("rst", "1"), ("ap", "1"), ("ec", ""), ("god", "2"),
///     ("cod", ""), ("am", "1000"), ("tx", "80"), ("sf", "500"), ("ta", "9999")]
///     .into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
/// assert!(matches!(decode_kickback_pairs::<OnetouchResult>(pairs), Err(Error::Malformed(_))));
/// ```
pub fn decode_kickback_pairs<R: Record>(pairs: Vec<(String, String)>) -> Result<R, Error> {
    let shape = R::SHAPE;
    let mut values: Vec<Option<String>> = vec![None; shape.columns.len()];
    let mut others = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in pairs {
        if seen.contains(&name) {
            return Err(MalformedResponse::DuplicateParameter { name }.into());
        }
        seen.push(name.clone());
        match shape.index_of(&name) {
            Some(index) => values[index] = Some(value),
            None => others.push((name, value)),
        }
    }
    let row = Row {
        shape,
        values,
        kickback: true,
        echo: if others.is_empty() {
            Echo::None
        } else {
            Echo::Params(others)
        },
    };
    finish(row)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The two steps `unescape` fuses, each over a copy: `+` as a space, then `%XX`.
    fn two_steps(raw: &[u8]) -> Vec<u8> {
        let plus: Vec<u8> = raw
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        percent_encoding::percent_decode(&plus).collect()
    }

    proptest! {
        /// Components built from the bytes that matter (`+`, `%`, hex digits of both
        /// cases, a non-hex letter, a non-ASCII byte) unescape as the two steps do, and
        /// only a component without `+` and `%` is borrowed.
        #[test]
        fn unescape_is_plus_then_percent(raw in prop::collection::vec(
            prop::sample::select(b"+%0aAfFgz \xE3\x83=".to_vec()), 0..16)
        ) {
            let got = super::unescape(&raw);
            prop_assert_eq!(&*got, &two_steps(&raw)[..]);
            let plain = !raw.iter().any(|b| matches!(b, b'+' | b'%'));
            prop_assert_eq!(matches!(got, std::borrow::Cow::Borrowed(_)), plain);
        }
    }
}
