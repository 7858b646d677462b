//! Money: integer yen in Rust, a string of digits on the wire.

use std::fmt;

/// An amount in integer yen: the one amount type of every gateway crate.
///
/// The gateways send amounts as strings of half-width digits (`"10000"`); with the
/// `serde` feature this type reads and writes exactly that form: a JSON number, an empty
/// string, a sign, a decimal point or any other character is refused.
///
/// ```
/// use veritrans_core::{Yen, yen};
///
/// assert_eq!(yen(1000), Yen(1000));
/// assert_eq!(Yen::new(1000).get(), 1000);
/// assert_eq!(Yen::parse("1000"), Ok(Yen(1000)));
/// assert!(Yen::parse("-1").is_err());
/// assert_eq!(Yen(250).to_string(), "250");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yen(pub u64);

/// An amount of yen (`yen(1000)` is the wire's `"1000"`).
///
/// ```
/// use veritrans_core::{Yen, yen};
///
/// assert_eq!(yen(1000), Yen(1000));
/// assert_eq!(yen(1000).to_string(), "1000");
/// ```
pub const fn yen(amount: u64) -> Yen {
    Yen(amount)
}

/// Why a wire amount is not a whole number of yen.
///
/// ```
/// use veritrans_core::{Yen, YenParseError};
///
/// assert_eq!(Yen::parse("-1"), Err(YenParseError::NotDigits("-1".into())));
/// let huge = "99999999999999999999";
/// assert_eq!(Yen::parse(huge).unwrap_err().to_string(), format!("{huge:?} is out of range"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum YenParseError {
    /// Empty, or a character other than a half-width digit (a sign, a point, a space).
    NotDigits(String),
    /// More than `u64::MAX` yen.
    OutOfRange(String),
}

impl fmt::Display for YenParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotDigits(wire) => write!(f, "{wire:?} is not a whole number of yen"),
            Self::OutOfRange(wire) => write!(f, "{wire:?} is out of range"),
        }
    }
}

impl std::error::Error for YenParseError {}

impl Yen {
    /// `amount` yen.
    ///
    /// ```
    /// use veritrans_core::Yen;
    ///
    /// assert_eq!(Yen::new(500).get(), 500);
    /// ```
    pub const fn new(amount: u64) -> Self {
        Self(amount)
    }

    /// The amount in yen.
    ///
    /// ```
    /// use veritrans_core::yen;
    ///
    /// assert_eq!(yen(300).get() + yen(200).get(), 500);
    /// ```
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Parses the wire form: one or more half-width digits, nothing else.
    ///
    /// # Errors
    /// [`YenParseError`] naming the value.
    ///
    /// ```
    /// use veritrans_core::Yen;
    ///
    /// assert_eq!(Yen::parse("1000"), Ok(Yen(1000)));
    /// for not_yen in ["", "1,000", "1.5", " 1", "+1"] {
    ///     assert!(Yen::parse(not_yen).is_err(), "{not_yen}");
    /// }
    /// ```
    pub fn parse(wire: &str) -> Result<Self, YenParseError> {
        if wire.is_empty() || !wire.bytes().all(|b| b.is_ascii_digit()) {
            return Err(YenParseError::NotDigits(wire.to_owned()));
        }
        wire.parse()
            .map(Yen)
            .map_err(|_| YenParseError::OutOfRange(wire.to_owned()))
    }
}

impl From<u64> for Yen {
    fn from(amount: u64) -> Self {
        Self(amount)
    }
}

impl From<Yen> for u64 {
    fn from(amount: Yen) -> Self {
        amount.0
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::{Deserialize, Serialize, Serializer};

    use super::Yen;

    impl Serialize for Yen {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(&self.0)
        }
    }

    impl<'de> Deserialize<'de> for Yen {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Digits;
            impl Visitor<'_> for Digits {
                type Value = Yen;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string of half-width digits (integer yen)")
                }
                fn visit_str<E: de::Error>(self, wire: &str) -> Result<Yen, E> {
                    Yen::parse(wire).map_err(|_| {
                        E::invalid_value(
                            de::Unexpected::Str(wire),
                            &"a string of half-width digits",
                        )
                    })
                }
            }
            deserializer.deserialize_str(Digits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_digits_are_yen() {
        assert_eq!(Yen::parse("1000000"), Ok(Yen(1_000_000)));
        for bad in ["", "-1", "+1", "1.5", "1e3", " 1", "１"] {
            assert!(
                matches!(Yen::parse(bad), Err(YenParseError::NotDigits(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Yen::parse("99999999999999999999999"),
            Err(YenParseError::OutOfRange(_))
        ));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn the_wire_form_is_a_string_of_digits() {
        assert_eq!(serde_json::to_string(&Yen(10_000)).unwrap(), r#""10000""#);
        assert_eq!(
            serde_json::from_str::<Yen>(r#""10000""#).unwrap(),
            Yen(10_000)
        );
        // A JSON number is not the wire form of these fields.
        assert!(serde_json::from_str::<Yen>("10000").is_err());
        assert!(serde_json::from_str::<Yen>(r#""1.5""#).is_err());
    }
}
