//! Amounts the POP server sends as digit strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of yen. POP sends `received_amount` as a string of half-width
/// digits (`"10000"`); this type holds it as an integer and writes it back as
/// the same string. A JSON number, an empty string, a sign or any other
/// character is refused: the guide says string of digits.
///
/// ```
/// use pop_proto::Yen;
/// let yen: Yen = serde_json::from_str("\"10000\"").unwrap();
/// assert_eq!(yen, Yen(10_000));
/// assert!(serde_json::from_str::<Yen>("10000").is_err());
/// assert_eq!(serde_json::to_string(&yen).unwrap(), "\"10000\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Yen(pub u64);

impl Yen {
    /// Parses a string of ASCII digits.
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().map(Yen)
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Yen {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Yen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Yen::parse(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&text),
                &"a string of half-width digits",
            )
        })
    }
}
