//! Any `#[derive(Serialize)]` value written as a Rust constant expression, so a
//! generator that emits a table defines a row struct mirroring the runtime type and
//! emits `pub const NAME: &[Row] = …;` with [`table`], instead of a `quote!` per column.
//!
//! What a value becomes: a struct `Row { a: .., b: .. }` (its name, or its
//! `#[serde(rename = "crate::codes::Row")]`, is the path written), a sequence `&[..]`,
//! a tuple `(..)`, `Some(..)` / `None`, string, number (unsuffixed: its type is the
//! field's), char and bool literals, a unit variant `Type::Variant`, a newtype or tuple
//! variant `Type::Variant(..)`, a struct variant `Type::Variant { .. }`, a [`Path`]
//! as the path it holds (another constant the table refers to). Maps and
//! 128-bit integers have no constant form here and are errors.
//!
//! ```ignore
//! #[derive(Serialize)]
//! #[serde(rename = "crate::codes::ResultCodeInfo")]
//! struct Row<'a> { result_code: &'a str, http_status: u16, status: Status }
//! let rows: Vec<Row> = read_rows(&spec)?;
//! out.extend(const_data::table("The guide's table.", "RESULT_CODES", "crate::codes::ResultCodeInfo", &rows)?);
//! ```
//!
//! First use: POP's testing tables (`ERROR_EXPIRY_DATES` from the spec reader's own
//! row struct, in `xtask/src/testing.rs`). Next: the gateway generators' code tables
//! and the constraint rows of [`super::constraint`], left to their owners. Field names
//! are written as they serialize, so a raw identifier (`r#type`) is not supported.

use anyhow::Result;
use proc_macro2::{Delimiter, Group, Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use serde::ser::{self, Error as _, Impossible, Serialize};
use serde_json::Error;

type Res<T = TokenStream> = Result<T, Error>;
/// A type, variant or field name as serde gives it.
type Name = &'static str;

/// `value` as a constant expression.
pub fn to_tokens<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<TokenStream> {
    Ok(value.serialize(Emit)?)
}

/// `/// doc` + `pub const NAME: &[Ty] = &[rows…];`.
pub fn table<T: Serialize>(doc: &str, name: &str, ty: &str, rows: &[T]) -> Result<TokenStream> {
    let (doc, name) = (super::tokens::doc(doc), format_ident!("{name}"));
    let (ty, rows) = (path(ty)?, rows.serialize(Emit)?);
    Ok(quote!(#doc pub const #name: &[#ty] = #rows;))
}

/// A constant a table refers to (`JobType::WIRES`), written as its path.
#[derive(serde::Serialize)]
#[serde(rename = "$const_data::Path")]
pub struct Path(pub String);

/// A type name (a derive's name or its `rename`) read as a path.
fn path(name: &str) -> Res {
    let path =
        syn::parse_str::<syn::Path>(name).map_err(|e| Error::custom(format!("`{name}`: {e}")))?;
    Ok(path.into_token_stream())
}

fn variant(name: Name, variant: Name) -> Res {
    let (ty, variant) = (path(name)?, format_ident!("{variant}"));
    Ok(quote!(#ty::#variant))
}

/// The serializer: each value is its own expression.
struct Emit;

/// `head(value)`: `Some(..)`, a newtype struct or variant.
fn call<T: Serialize + ?Sized>(head: TokenStream, value: &T) -> Res {
    let value = value.serialize(Emit)?;
    Ok(quote!(#head(#value)))
}

/// Scalars: one literal each; numbers unsuffixed, so their type is the field's.
macro_rules! literals {
    ($($method:ident($ty:ty) => $lit:ident),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Res {
            Ok(Literal::$lit(v.into()).into_token_stream())
        }
    )*};
}

impl ser::Serializer for Emit {
    type Ok = TokenStream;
    type Error = Error;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Impossible<TokenStream, Error>;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    literals! {
        serialize_i8(i8) => i64_unsuffixed, serialize_i16(i16) => i64_unsuffixed,
        serialize_i32(i32) => i64_unsuffixed, serialize_i64(i64) => i64_unsuffixed,
        serialize_u8(u8) => u64_unsuffixed, serialize_u16(u16) => u64_unsuffixed,
        serialize_u32(u32) => u64_unsuffixed, serialize_u64(u64) => u64_unsuffixed,
        serialize_f32(f32) => f64_unsuffixed, serialize_f64(f64) => f64_unsuffixed,
        serialize_char(char) => character, serialize_str(&str) => string,
        serialize_bytes(&[u8]) => byte_string,
    }

    fn serialize_bool(self, v: bool) -> Res {
        Ok(quote!(#v))
    }
    fn serialize_none(self) -> Res {
        Ok(quote!(None))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        call(quote!(Some), value)
    }
    fn serialize_unit(self) -> Res {
        Ok(quote!(()))
    }
    fn serialize_unit_struct(self, name: Name) -> Res {
        path(name)
    }
    fn serialize_unit_variant(self, name: Name, _: u32, v: Name) -> Res {
        variant(name, v)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: Name, value: &T) -> Res {
        if name == "$const_data::Path" {
            let text: syn::LitStr = syn::parse2(value.serialize(Emit)?).map_err(Error::custom)?;
            return path(&text.value());
        }
        call(path(name)?, value)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        n: Name,
        _: u32,
        v: Name,
        value: &T,
    ) -> Res {
        call(variant(n, v)?, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Res<Compound> {
        Compound::new(quote!(&), Delimiter::Bracket)
    }
    fn serialize_tuple(self, _: usize) -> Res<Compound> {
        Compound::new(TokenStream::new(), Delimiter::Parenthesis)
    }
    fn serialize_tuple_struct(self, name: Name, _: usize) -> Res<Compound> {
        Compound::new(path(name)?, Delimiter::Parenthesis)
    }
    fn serialize_tuple_variant(self, n: Name, _: u32, v: Name, _: usize) -> Res<Compound> {
        Compound::new(variant(n, v)?, Delimiter::Parenthesis)
    }
    fn serialize_map(self, _: Option<usize>) -> Res<Self::SerializeMap> {
        Err(Error::custom("a map has no constant form"))
    }
    fn serialize_struct(self, name: Name, _: usize) -> Res<Compound> {
        Compound::new(path(name)?, Delimiter::Brace)
    }
    fn serialize_struct_variant(self, n: Name, _: u32, v: Name, _: usize) -> Res<Compound> {
        Compound::new(variant(n, v)?, Delimiter::Brace)
    }
}

/// A value made of parts: `head(parts)`, `head[parts]` or `head { field: part }`.
struct Compound(TokenStream, Delimiter, Vec<TokenStream>);

impl Compound {
    fn new(head: TokenStream, delimiter: Delimiter) -> Res<Self> {
        Ok(Self(head, delimiter, Vec::new()))
    }

    fn finish(self) -> Res {
        let (head, parts) = (self.0, self.2);
        let group = Group::new(self.1, quote!(#(#parts),*));
        Ok(quote!(#head #group))
    }
}

/// The parts of a compound; a struct's as `field: value`.
macro_rules! compound {
    ($($tr:ident::$method:ident($($key:ident)?)),* $(,)?) => {$(
        impl ser::$tr for Compound {
            type Ok = TokenStream;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: Name,)? value: &T) -> Res<()> {
                let value = value.serialize(Emit)?;
                $(let $key = format_ident!("{}", $key); let value = quote!(#$key: #value);)?
                self.2.push(value);
                Ok(())
            }
            fn end(self) -> Res {
                self.finish()
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element(), SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(), SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(key), SerializeStructVariant::serialize_field(key),
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    #[allow(dead_code)]
    enum Kind {
        Plain,
        Wrapped(u8),
        Pair(i32, bool),
        Named { low: i64 },
    }

    #[derive(Serialize)]
    #[serde(rename = "crate::codes::Row")]
    struct Row<'a> {
        code: &'a str,
        http: u16,
        delta: i32,
        rate: f64,
        first: char,
        ok: bool,
        kinds: Vec<Kind>,
        note: Option<&'a str>,
        range: Option<(u8, u8)>,
        #[serde(rename = "raw")]
        renamed: Unit,
        id: Id,
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Id(u32);

    fn row() -> Row<'static> {
        Row {
            code: "UA-000-001",
            http: 200,
            delta: -3,
            rate: 1.5,
            first: 'x',
            ok: true,
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(7),
                Kind::Pair(-1, false),
                Kind::Named { low: 2 },
            ],
            note: None,
            range: Some((1, 9)),
            renamed: Unit,
            id: Id(4),
        }
    }

    #[test]
    fn a_struct_becomes_its_literal_with_every_kind_of_field() {
        let expected = quote! {
            crate::codes::Row {
                code: "UA-000-001", http: 200, delta: -3, rate: 1.5, first: 'x', ok: true,
                kinds: &[Kind::Plain, Kind::Wrapped(7), Kind::Pair(-1, false), Kind::Named { low: 2 }],
                note: None, range: Some((1, 9)), raw: Unit, id: Id(4)
            }
        };
        // Without blanks: a negative number is one literal token here, `-` and `3` in `quote!`.
        let text = |t: TokenStream| t.to_string().replace(' ', "");
        assert_eq!(text(to_tokens(&row()).unwrap()), text(expected));
    }

    #[test]
    fn a_table_is_a_const_slice_that_parses_as_rust() {
        let table = table("Rows.", "ROWS", "crate::codes::Row", &[row(), row()]).unwrap();
        let item: syn::ItemConst = syn::parse2(table).unwrap();
        assert_eq!(item.ident, "ROWS");
        let syn::Expr::Reference(rows) = *item.expr else {
            panic!("not &[..]")
        };
        let syn::Expr::Array(rows) = *rows.expr else {
            panic!("not &[..]")
        };
        assert_eq!(rows.elems.len(), 2);
    }

    #[test]
    fn a_path_is_written_as_it_is() {
        let value = (Path("JobType::WIRES".into()), Some(Path("crate::X".into())));
        let text = to_tokens(&value).unwrap().to_string().replace(' ', "");
        assert_eq!(text, "(JobType::WIRES,Some(crate::X))");
        assert!(to_tokens(&Path("not a path".into())).is_err());
    }

    #[test]
    fn maps_and_bad_type_names_are_errors() {
        let map = std::collections::BTreeMap::from([("a", 1)]);
        assert!(to_tokens(&map).unwrap_err().to_string().contains("map"));
        #[derive(Serialize)]
        #[serde(rename = "not a path")]
        struct Bad;
        assert!(
            to_tokens(&Bad)
                .unwrap_err()
                .to_string()
                .contains("not a path")
        );
    }
}
