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
///
/// ```
/// use jpayment_proto::MaskedCardNumber;
///
/// let card = MaskedCardNumber::parse("************1111").unwrap();
/// assert_eq!(card.to_string(), "****1111");
/// assert_eq!(format!("{card:?}"), r#"MaskedCardNumber("****1111")"#);
/// assert!(MaskedCardNumber::parse("4111111111111111").is_none()); // never a whole number
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct MaskedCardNumber(String);

impl MaskedCardNumber {
    /// Accepts one or more non-digit ASCII symbols followed by exactly four
    /// digits.
    ///
    /// ```
    /// use jpayment_proto::MaskedCardNumber;
    ///
    /// assert!(MaskedCardNumber::parse("*****9999").is_some());
    /// assert!(MaskedCardNumber::parse("41111*9999").is_none()); // digits in the mask
    /// assert!(MaskedCardNumber::parse("*999").is_none()); // not four digits
    /// ```
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
    ///
    /// ```
    /// use jpayment_proto::MaskedCardNumber;
    ///
    /// assert_eq!(MaskedCardNumber::parse("*****9999").unwrap().last4(), "9999");
    /// ```
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The masked number as received.
    ///
    /// ```
    /// use jpayment_proto::MaskedCardNumber;
    ///
    /// assert_eq!(MaskedCardNumber::parse("*****9999").unwrap().as_str(), "*****9999");
    /// ```
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
///
/// ```
/// use jpayment_proto::{Charset, Operation, RegisterUser};
///
/// let mut user = RegisterUser::new("123456", "customer42");
/// user.email = Some("taro@example.jp".into());
/// user.other = jpayment_proto::OtherData::new().with("shop_ref", "A-1");
/// assert!(user.encode(Charset::Utf8)?.ends_with("&shop_ref=A-1"));
///
/// // A name of the protocol cannot be other data.
/// user.other.push("uid", "someone-else");
/// assert!(user.validate().unwrap_err().to_string().contains("`uid` is a parameter of the protocol"));
/// # Ok::<(), jpayment_proto::error::ValidationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherData(Vec<(String, String)>);

impl OtherData {
    /// No other data.
    ///
    /// ```
    /// use jpayment_proto::OtherData;
    ///
    /// assert!(OtherData::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a parameter.
    ///
    /// ```
    /// use jpayment_proto::OtherData;
    ///
    /// let mut other = OtherData::new();
    /// other.push("a", "1").push("b", "2");
    /// assert_eq!(other.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    /// ```
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.0.push((name.into(), value.into()));
        self
    }

    /// Appends a parameter, builder style.
    ///
    /// ```
    /// use jpayment_proto::OtherData;
    ///
    /// let other = OtherData::new().with("campaign", "spring");
    /// assert_eq!(other.iter().next(), Some(("campaign", "spring")));
    /// ```
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(name, value);
        self
    }

    /// The parameters in order.
    ///
    /// ```
    /// use jpayment_proto::OtherData;
    ///
    /// let other = OtherData::new().with("b", "2").with("a", "1");
    /// let names: Vec<&str> = other.iter().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["b", "a"]); // order kept
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are none.
    ///
    /// ```
    /// use jpayment_proto::OtherData;
    ///
    /// assert!(!OtherData::new().with("a", "1").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The "other data" as the gateway echoed it.
///
/// ```
/// use jpayment_proto::{Charset, Echo, JobType, OnetouchCharge, Operation, PaymentReply, ReplyMethod, yen};
///
/// let mut charge = OnetouchCharge::new("123456", ReplyMethod::Response, "customer42",
///     "vnjpBycDO5", 1, JobType::Auth, yen(1000), yen(2), yen(4));
/// charge.other.push("shop_ref", "A-1");
/// // Everything after the last column is the echoed other data, kept verbatim.
/// let answer = b"1095729,1,TestMod,,205685,,1000,2,4,1006,,,shop_ref=A-1\r\n";
/// let PaymentReply::Completed(result) = charge.decode_reply(answer, Charset::Utf8)? else { unreachable!() };
/// assert_eq!(result.echo, Echo::Line("shop_ref=A-1".into()));
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
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
    ///
    /// ```
    /// use jpayment_proto::Echo;
    ///
    /// assert!(Echo::None.is_none());
    /// assert!(!Echo::Line("shop_ref=A-1".into()).is_none());
    /// ```
    pub fn is_none(&self) -> bool {
        matches!(self, Echo::None)
    }
}
