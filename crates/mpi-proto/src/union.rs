//! The discriminated union of the spec (`oneOf` + `discriminator`), written
//! once: `specs/mpi/openapi.yaml` names the union, its discriminating member
//! and the schema of each value, and the generated `tables.rs` invokes
//! [`open_union!`] with those names only.
//!
//! A union keeps what the guide does not show: an object whose
//! discriminator is missing or unknown parses as `Unknown`, every member
//! kept as received, so a new kind of transaction never makes a search
//! response unreadable.

/// Declares the open union `$name`, told apart by the member `$property`:
/// one variant per `$value => $variant($target)` and `Unknown(Map)`, with
/// `DISCRIMINATOR`, `kind()` and serde.
///
/// The discriminator is read first and the variant parsed from the remaining
/// members, so it is not duplicated in the variant's `extra`; serializing
/// puts it back.
macro_rules! open_union {
    (
        $(#[doc = $doc:literal])*
        $name:ident by $property:literal { $( $value:literal => $variant:ident($target:ty) ),* $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name {
            $( #[doc = concat!(" `", $property, "` = `", $value, "`.")] $variant($target), )*
            #[doc = concat!(" Any other (or no) `", $property, "`: every member kept as received.")]
            Unknown(::serde_json::Map<String, ::serde_json::Value>),
        }

        impl $name {
            /// The name of the discriminating member.
            ///
            /// ```
            /// use mpi_proto::ProperTransactionInfo;
            ///
            /// assert_eq!(ProperTransactionInfo::DISCRIMINATOR, "transaction_kind");
            /// ```
            pub const DISCRIMINATOR: &'static str = $property;

            #[doc = concat!(" The `", $property, "` value (`None` when an unknown object has none).")]
            ///
            /// ```
            /// use mpi_proto::{SearchResponse, testing};
            ///
            /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
            /// let kinds: Vec<_> = search.transactions()?.iter()
            ///     .filter_map(|t| t.proper_transaction_info.as_ref()?.kind())
            ///     .collect();
            /// assert_eq!(kinds, ["mpi", "card"]);
            /// # Ok::<(), mpi_proto::Error>(())
            /// ```
            pub fn kind(&self) -> Option<&str> {
                match self {
                    $( Self::$variant(_) => Some($value), )*
                    Self::Unknown(fields) => fields.get($property).and_then(::serde_json::Value::as_str),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut fields = ::serde_json::Map::<String, ::serde_json::Value>::deserialize(deserializer)?;
                let kind = fields.get($property).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match kind.as_deref() {
                    $( Some($value) => {
                        fields.remove($property);
                        ::serde_json::from_value(::serde_json::Value::Object(fields))
                            .map(Self::$variant)
                            .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                                format_args!(concat!($property, " `", $value, "`: {}"), e),
                            ))
                    } )*
                    _ => Ok(Self::Unknown(fields)),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (kind, value) = match self {
                    $( Self::$variant(inner) => (
                        $value,
                        ::serde_json::to_value(inner).map_err(<S::Error as ::serde::ser::Error>::custom)?,
                    ), )*
                    Self::Unknown(fields) => return fields.serialize(serializer),
                };
                let mut fields = match value {
                    ::serde_json::Value::Object(fields) => fields,
                    _ => ::serde_json::Map::new(),
                };
                fields.insert($property.to_owned(), ::serde_json::Value::String(kind.to_owned()));
                fields.serialize(serializer)
            }
        }
    };
}

pub(crate) use open_union;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use crate::ProperTransactionInfo;

    #[test]
    fn known_kinds_round_trip_without_a_duplicate_discriminator() {
        let value = json!({"transaction_kind": "mpi", "res_3d_eci": "05"});
        let info: ProperTransactionInfo = serde_json::from_value(value.clone()).unwrap();
        let ProperTransactionInfo::Mpi(mpi) = &info else {
            panic!("{info:?}")
        };
        assert!(!mpi.extra.contains_key("transaction_kind"));
        assert_eq!(info.kind(), Some("mpi"));
        assert_eq!(serde_json::to_value(&info).unwrap(), value);
        assert_eq!(ProperTransactionInfo::DISCRIMINATOR, "transaction_kind");
    }

    #[test]
    fn a_bad_known_kind_names_the_kind_and_no_kind_is_unknown() {
        let err = serde_json::from_value::<ProperTransactionInfo>(
            json!({"transaction_kind": "card", "res_auth_code": 5}),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("transaction_kind `card`: "),
            "{err}"
        );
        let none: ProperTransactionInfo = serde_json::from_value(json!({"a": 1})).unwrap();
        assert_eq!(none.kind(), None);
        assert!(matches!(none, ProperTransactionInfo::Unknown(_)));
    }
}
