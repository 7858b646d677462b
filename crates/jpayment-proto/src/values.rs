//! Values that need care: secrets and card data that must never be logged,
//! and the free "other data" (その他データ) a merchant may attach.

use std::fmt;

veritrans_core::secret_type! {
    /// The key the gateway issues with a user (キー). With the shop ID and
    /// the user ID it is enough to charge the user's cards from the
    /// merchant's server, so it is treated as a secret.
    pub UserKey
}

veritrans_core::secret_type! {
    /// A card token made in the browser by CPToken.js (トークン情報). It
    /// stands for a card number, so it is never shown.
    pub Token
}

veritrans_core::secret_type! {
    /// A password issued for a registered content item (発行パスワード).
    pub Secret
}

/// A card number as the gateway returns it: masked but for its last four
/// digits (`*****9999`). Decoding refuses anything with more digits, so an
/// unmasked number can never end up in this type.
#[derive(Clone, PartialEq, Eq)]
pub struct MaskedCardNumber(String);

impl MaskedCardNumber {
    /// Accepts one or more non-digit ASCII symbols followed by exactly four
    /// digits.
    pub fn parse(value: &str) -> Option<Self> {
        let bytes = value.as_bytes();
        if bytes.len() < 5 {
            return None;
        }
        let (mask, last) = bytes.split_at(bytes.len() - 4);
        let masked = mask.iter().all(|b| b.is_ascii_punctuation());
        let digits = last.iter().all(u8::is_ascii_digit);
        (masked && digits).then(|| Self(value.to_owned()))
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The masked number as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MaskedCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MaskedCardNumber(\"****{}\")", self.last4())
    }
}

impl fmt::Display for MaskedCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "****{}", self.last4())
    }
}

/// The free `key=value` parameters sent with a request (その他データ) and
/// echoed back by the gateway. Order is kept. Validation (at most 1024
/// bytes as sent, no name of the protocol, no empty name) happens with the
/// rest of the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherData(Vec<(String, String)>);

impl OtherData {
    /// No other data.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a parameter.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.0.push((name.into(), value.into()));
        self
    }

    /// Appends a parameter, builder style.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(name, value);
        self
    }

    /// The parameters in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The "other data" as the gateway echoed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Echo {
    /// Nothing was echoed.
    #[default]
    None,
    /// Everything after the last column of a comma-separated answer,
    /// verbatim (commas and quotes included; trailing CR/LF removed). The
    /// guide does not say how the gateway lays the parameters out there, so
    /// they are not split.
    Line(String),
    /// The kickback parameters that are not part of the result, in order,
    /// percent-decoded.
    Params(Vec<(String, String)>),
}

impl Echo {
    /// Whether nothing was echoed.
    pub fn is_none(&self) -> bool {
        matches!(self, Echo::None)
    }
}
