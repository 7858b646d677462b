//! The one open enum of every gateway, written once as a macro: the generators emit only
//! its invocation (name, doc, one row per listed value), this module holds the behaviour.

/// Declares an open enum: a string enum of the values a guide lists plus an
/// `Unknown(String)` catch-all, so a value the guide does not list is kept instead of
/// failing to parse (a gateway may add a result code or a status before this crate
/// knows it).
///
/// Each row is `Variant = ("wire", description)`, the description being the guide's
/// (`Some("…")`) or `None` where it gives none. (The rows read as enum discriminants, so
/// the invocation is an enum item in Rust's syntax and formats as one.) The enum gets:
/// - `KNOWN`: every listed value, in the order of the rows;
/// - `as_str()`: the wire value (the received text for `Unknown`);
/// - `description()`: the row's description; `None` for `Unknown` or a row without one;
/// - `is_known()`: `false` only for `Unknown`;
/// - `From<&str>` and `FromStr` (infallible: an unlisted value becomes `Unknown`), and
///   `Display` (the wire value);
/// - `Serialize`/`Deserialize` as a string (a number where the guide says string is an
///   error); the calling crate needs no `serde` of its own in scope.
///
/// It derives `Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord`. Attributes before
/// `pub enum` (docs, lint allowances) and before each row (docs) are kept. Feature
/// `serde`.
///
/// ```
/// veritrans_core::open_enum! {
///     /// A payment type.
///     pub enum PaymentType {
///         /// `card`: card payments.
///         Card = ("card", Some("Card payments")),
///         /// `bank`.
///         Bank = ("bank", None),
///     }
/// }
///
/// assert_eq!(PaymentType::KNOWN, &[PaymentType::Card, PaymentType::Bank]);
/// assert_eq!(PaymentType::from("card"), PaymentType::Card);
/// assert_eq!(PaymentType::Card.description(), Some("Card payments"));
/// assert_eq!(PaymentType::Bank.description(), None);
///
/// let unknown: PaymentType = "paypay".parse().unwrap();
/// assert_eq!(unknown, PaymentType::Unknown("paypay".into()));
/// assert!(!unknown.is_known());
/// assert_eq!(unknown.to_string(), "paypay");
///
/// let json = serde_json::to_string(&[PaymentType::Card, unknown]).unwrap();
/// assert_eq!(json, r#"["card","paypay"]"#);
/// let back: Vec<PaymentType> = serde_json::from_str(&json).unwrap();
/// assert_eq!(back[1].as_str(), "paypay");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$doc:meta])* $variant:ident = ($wire:literal, $description:expr $(,)?) ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        ///
        /// Values the guide does not list are kept in `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$doc])* $variant, )*
            /// A value the guide does not list, kept as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value the guide lists, in the guide's order.
            pub const KNOWN: &'static [Self] = &[ $( Self::$variant ),* ];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other,
                }
            }

            /// The guide's description; `None` for an unknown value or
            /// one the guide does not describe.
            pub fn description(&self) -> ::std::option::Option<&'static str> {
                match self {
                    $( Self::$variant => $description, )*
                    Self::Unknown(_) => ::std::option::Option::None,
                }
            }

            /// Whether the guide lists this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                // Only strings: a number where the guide says string is an error.
                let text = <::std::borrow::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(text.as_ref()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Codes as a guide writes them.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum Code {
            /// `R000`: success.
            R000 = ("R000", Some("Success")),
            /// `RC01`.
            RC01 = ("RC01", None),
        }
    }

    #[test]
    fn known_lists_the_rows_in_order() {
        assert_eq!(Code::KNOWN, &[Code::R000, Code::RC01]);
    }

    #[test]
    fn as_str_and_display_give_the_wire_value() {
        assert_eq!(Code::R000.as_str(), "R000");
        assert_eq!(Code::RC01.to_string(), "RC01");
        let unknown = Code::Unknown("X999".into());
        assert_eq!(
            (unknown.as_str(), unknown.to_string()),
            ("X999", "X999".into())
        );
    }

    #[test]
    fn description_is_the_rows_or_none() {
        assert_eq!(Code::R000.description(), Some("Success"));
        assert_eq!(Code::RC01.description(), None);
        assert_eq!(Code::Unknown("R000x".into()).description(), None);
    }

    #[test]
    fn is_known_is_false_only_for_unknown() {
        assert!(Code::KNOWN.iter().all(Code::is_known));
        assert!(!Code::Unknown("X".into()).is_known());
    }

    #[test]
    fn from_str_keeps_unlisted_values_exactly() {
        assert_eq!(Code::from("RC01"), Code::RC01);
        // Matching is exact: case and surrounding blanks make another value.
        assert_eq!(Code::from("rc01"), Code::Unknown("rc01".into()));
        assert_eq!(" R000".parse::<Code>(), Ok(Code::Unknown(" R000".into())));
    }

    #[test]
    fn serde_is_a_json_string_both_ways_unknown_included() {
        let values = [Code::R000, Code::RC01, Code::Unknown("X999".into())];
        let json = serde_json::to_string(&values).unwrap();
        assert_eq!(json, r#"["R000","RC01","X999"]"#);
        let back: Vec<Code> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, values);
    }

    #[test]
    fn deserialize_refuses_what_is_not_a_string() {
        assert!(serde_json::from_str::<Code>("0").is_err());
        assert!(serde_json::from_str::<Code>("null").is_err());
        // An escaped string is unescaped before it is matched.
        assert_eq!(
            serde_json::from_str::<Code>(r#""R\u0030\u0030\u0030""#).unwrap(),
            Code::R000
        );
    }
}
