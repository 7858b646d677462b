//! POP's request amounts (`gross_amount`, `shipping_amount`, an item's `price`):
//! [`Yen`] in the types, a JSON integer on the wire ("number(10)" in the guide),
//! where [`Yen`]'s own serde form is the digit string other gateways send. The
//! generated request types name this module in `#[serde(with)]` for every
//! property the spec marks `x-yen`.

use serde::{Deserialize, Deserializer, Serializer};

use crate::Yen;

/// Writes `amount` as a JSON integer.
pub(crate) fn serialize<S: Serializer>(amount: &Yen, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(amount.get())
}

/// Reads a non-negative JSON integer (a negative one, a string or a fraction is refused).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Yen, D::Error> {
    u64::deserialize(deserializer).map(Yen)
}

/// The same for an optional amount (absent stays absent).
pub(crate) mod optional {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Yen;

    /// Writes a present amount as a JSON integer (an absent one is skipped by the field).
    pub(crate) fn serialize<S: Serializer>(
        amount: &Option<Yen>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match amount {
            Some(amount) => serializer.serialize_u64(amount.get()),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a non-negative JSON integer, or `null`.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Yen>, D::Error> {
        Option::<u64>::deserialize(deserializer).map(|amount| amount.map(Yen))
    }
}
