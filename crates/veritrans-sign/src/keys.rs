//! Secret keys: newtypes of `veritrans-core`'s secret family, whose `Debug` and `Display`
//! never show the secret.

use std::fmt;

use crate::error::Error;

use veritrans_core::REDACTED;

veritrans_core::secret_type! {
    /// The POP server key (`POP_SERVER_KEY`, shown in MAP under API Settings).
    ///
    /// ```
    /// let key = veritrans_sign::PopServerKey::new("Test-POP-Server-Key");
    /// assert_eq!(format!("{key:?}"), "PopServerKey([redacted])");
    /// assert_eq!(key.expose_secret(), "Test-POP-Server-Key");
    /// ```
    pub PopServerKey
}

veritrans_core::secret_type! {
    /// The VeriTrans 3-D Secure (MPI) server key, used to sign PUSH notifications.
    ///
    /// ```
    /// let key = veritrans_sign::MpiServerKey::new("mpi-server-key");
    /// assert_eq!(key.to_string(), "[redacted]");
    /// ```
    pub MpiServerKey
}

/// How the HMAC key of the Unified API webhook is derived from the merchant authentication key.
///
/// The guide names "HmacSHA512" over `CCID ‖ body ‖ key` but not the HMAC key; see the
/// [crate documentation](crate#unified-api-webhook-x-vt-content-hmac).
///
/// ```
/// use veritrans_sign::{HmacKeyMode, MerchantAuthKey};
///
/// assert_eq!(MerchantAuthKey::new("k").hmac_key_mode(), HmacKeyMode::Utf8Bytes);
/// assert_eq!(MerchantAuthKey::with_hex_hmac_key("0a0b").unwrap().hmac_key_mode(), HmacKeyMode::HexDecoded);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HmacKeyMode {
    /// The default: the HMAC key is the key string's UTF-8 bytes.
    Utf8Bytes,
    /// Opt-in: the key string is hex and the HMAC key is the bytes it encodes (as the 4G MDK
    /// does with its secret key).
    HexDecoded,
}

/// The Unified API merchant authentication key (MAP, "API Configuration Information").
///
/// It signs both the webhook (`X-VT-Content-hmac`) and the redirect (`vAuthInfo`).
/// `Debug` and `Display` print `[redacted]`.
///
/// ```
/// use veritrans_sign::MerchantAuthKey;
///
/// let key = MerchantAuthKey::new("sampleKey");
/// assert_eq!(format!("{key:?}"), "MerchantAuthKey([redacted])");
/// assert_eq!(key.to_string(), "[redacted]");
/// ```
#[derive(Clone)]
pub struct MerchantAuthKey {
    secret: String,
    hmac_key: Vec<u8>,
    mode: HmacKeyMode,
}

impl MerchantAuthKey {
    /// Wraps a key; the webhook HMAC is keyed with its UTF-8 bytes ([`HmacKeyMode::Utf8Bytes`]).
    ///
    /// ```
    /// let key = veritrans_sign::MerchantAuthKey::new("sampleKey");
    /// assert_eq!(key.expose_secret(), "sampleKey");
    /// ```
    pub fn new(secret: impl Into<String>) -> Self {
        let secret = secret.into();
        Self {
            hmac_key: secret.as_bytes().to_vec(),
            secret,
            mode: HmacKeyMode::Utf8Bytes,
        }
    }

    /// Wraps a hex key whose decoded bytes key the webhook HMAC ([`HmacKeyMode::HexDecoded`]).
    ///
    /// Only the HMAC key changes: the message is still `CCID ‖ body ‖ key`, with the key as
    /// the text given here, and `vAuthInfo` still appends that text.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if the key is empty, has an odd length or a non-hex character.
    ///
    /// ```
    /// use veritrans_sign::MerchantAuthKey;
    ///
    /// assert!(MerchantAuthKey::with_hex_hmac_key("00ff").is_ok());
    /// assert!(MerchantAuthKey::with_hex_hmac_key("sampleKey").is_err());
    /// ```
    pub fn with_hex_hmac_key(secret: impl Into<String>) -> Result<Self, Error> {
        let secret = secret.into();
        let hmac_key = crate::hex::decode_key(&secret)?;
        Ok(Self {
            secret,
            hmac_key,
            mode: HmacKeyMode::HexDecoded,
        })
    }

    /// The key text.
    ///
    /// ```
    /// let key = veritrans_sign::MerchantAuthKey::new("sampleKey");
    /// assert_eq!(key.expose_secret(), "sampleKey");
    /// ```
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// How the webhook HMAC key is derived from the key text.
    ///
    /// ```
    /// use veritrans_sign::{HmacKeyMode, MerchantAuthKey};
    /// assert_eq!(MerchantAuthKey::new("k").hmac_key_mode(), HmacKeyMode::Utf8Bytes);
    /// ```
    pub fn hmac_key_mode(&self) -> HmacKeyMode {
        self.mode
    }

    pub(crate) fn hmac_key(&self) -> &[u8] {
        &self.hmac_key
    }
}

impl fmt::Debug for MerchantAuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MerchantAuthKey({REDACTED})")
    }
}

impl fmt::Display for MerchantAuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let secret = "s3cr3t-KEY-0123456789abcdef";
        let shown = [
            format!(
                "{:?} {}",
                PopServerKey::new(secret),
                PopServerKey::new(secret)
            ),
            format!(
                "{:?} {}",
                MpiServerKey::new(secret),
                MpiServerKey::new(secret)
            ),
            format!(
                "{:?} {}",
                MerchantAuthKey::new(secret),
                MerchantAuthKey::new(secret)
            ),
            format!(
                "{:#?}",
                MerchantAuthKey::with_hex_hmac_key("0123456789abcdef").unwrap()
            ),
        ];
        for s in &shown {
            assert!(!s.contains(secret), "{s}");
            assert!(!s.contains("0123456789abcdef"), "{s}");
            assert!(s.contains("[redacted]"), "{s}");
        }
    }

    #[test]
    fn invalid_hex_key_error_does_not_echo_the_key() {
        let err = MerchantAuthKey::with_hex_hmac_key("secret-not-hex").unwrap_err();
        assert!(!err.to_string().contains("secret-not-hex"));
    }
}
