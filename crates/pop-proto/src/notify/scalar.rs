//! One verified parameter value as a serde deserializer, read in place.
//!
//! The typed notification used to be filled from a `serde_json::Value` per
//! parameter (a copy of every string, then a second copy into the struct).
//! [`Scalar`] hands the value it already holds (borrowed from the body when
//! it needed no decoding) straight to the field's visitor. It answers every
//! request exactly as a `serde_json::Value` holding the same JSON scalar
//! would, so a fault is reported with the same message as before.

use std::borrow::Cow;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde_json::Number;

/// A parameter's value: a string (redirect values, JSON strings), a boolean
/// or a JSON number.
#[derive(Debug, Clone)]
pub(super) enum Scalar<'a> {
    /// Text, borrowed from the body unless it had to be decoded.
    Str(Cow<'a, str>),
    /// `true` / `false`.
    Bool(bool),
    /// A JSON number (already checked to be one).
    Number(Number),
}

type Error = serde_json::Error;

impl Scalar<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Scalar::Str(s) => Unexpected::Str(s),
            Scalar::Bool(b) => Unexpected::Bool(*b),
            Scalar::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Unexpected::Unsigned(u)
                } else if let Some(i) = n.as_i64() {
                    Unexpected::Signed(i)
                } else {
                    Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
        }
    }
}

/// Read by reference, so a list that failed to deserialize can be read again
/// with its path tracked, without a copy.
impl<'de> Deserializer<'de> for &Scalar<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Scalar::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Scalar::Str(Cow::Owned(s)) => visitor.visit_str(s),
            Scalar::Bool(b) => visitor.visit_bool(*b),
            Scalar::Number(n) => n.clone().deserialize_any(visitor),
        }
    }

    /// A present parameter is `Some`, as a non-null JSON value is.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A string names a unit variant; anything else is refused with
    /// `serde_json::Value`'s words.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Scalar::Str(Cow::Borrowed(s)) => {
                visitor.visit_enum(BorrowedStrDeserializer::<Error>::new(s))
            }
            Scalar::Str(Cow::Owned(s)) => {
                visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(s.as_str()))
            }
            other => Err(de::Error::invalid_type(
                other.unexpected(),
                &"string or map",
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for &Scalar<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
