//! Amounts: integer yen in Rust, strings of digits on the wire.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::Error;

/// An amount in integer yen, as every request type holds it. The Unified API
/// sends amounts as strings of digits (`"1000"`); this type writes and reads
/// that form, so no amount is ever a string in Rust.
///
/// ```
/// use unified_proto::{yen, Yen};
///
/// let amount = yen(1000);
/// assert_eq!(amount, Yen::new(1000));
/// assert_eq!(amount.get(), 1000);
/// assert_eq!(serde_json::to_string(&amount).unwrap(), r#""1000""#);
/// assert_eq!(serde_json::from_str::<Yen>(r#""250""#).unwrap(), yen(250));
/// assert!(serde_json::from_str::<Yen>(r#""1.5""#).is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yen(u64);

impl Yen {
    /// `amount` yen.
    pub const fn new(amount: u64) -> Self {
        Self(amount)
    }
    /// The amount in yen.
    pub const fn get(self) -> u64 {
        self.0
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
                f.write_str("a string of digits (integer yen)")
            }
            fn visit_str<E: de::Error>(self, wire: &str) -> Result<Yen, E> {
                parse_digits(wire).map(Yen).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Digits)
    }
}

/// An amount in yen (`yen(1000)` is the wire's `"1000"`).
pub const fn yen(amount: u64) -> Yen {
    Yen(amount)
}

fn parse_digits(wire: &str) -> Result<u64, String> {
    if wire.is_empty() || !wire.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{wire:?} is not a whole number of yen"));
    }
    wire.parse()
        .map_err(|_| format!("{wire:?} is out of range"))
}

/// Reads a wire amount (`"1000"`) as integer yen; anything but plain digits
/// is a [`Error::MalformedResponse`] naming `field`.
pub fn parse_yen(field: &str, wire: &str) -> Result<u64, Error> {
    parse_digits(wire).map_err(|reason| Error::MalformedResponse {
        what: "amount".into(),
        path: field.into(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_and_reject_non_digits() {
        assert_eq!(serde_json::to_value(yen(1_000_000)).unwrap(), "1000000");
        assert_eq!(parse_yen("order.amount", "1000000").unwrap(), 1_000_000);
        for bad in ["", "-1", "1.5", "1e3", " 1", "99999999999999999999999"] {
            assert!(parse_yen("order.amount", bad).is_err(), "{bad}");
            let json = serde_json::Value::String(bad.into());
            assert!(serde_json::from_value::<Yen>(json).is_err(), "{bad}");
        }
        // A JSON number is not the wire form.
        assert!(serde_json::from_str::<Yen>("1000").is_err());
    }
}
