//! The credentials the sandbox accepts.

use veritrans_sign::{MerchantAuthKey, MpiServerKey, PopServerKey};

/// A secret string without a dedicated key type (the Unified API access token):
/// `veritrans-core`'s [`Secret`](veritrans_core::Secret), of the same family (and the
/// same `[redacted]` spelling) as the signing keys.
pub use veritrans_core::Secret;

/// The credentials the sandbox accepts from merchants, one set per gateway.
///
/// [`Credentials::default`] holds fixed, public test values (the `DEFAULT_*` constants),
/// so a test can use them without configuration. They are obviously not real keys and
/// are accepted only by this sandbox. Every secret field redacts itself in `Debug`.
///
/// | field | default | used by |
/// |---|---|---|
/// | `pop_server_key` | [`Credentials::DEFAULT_POP_SERVER_KEY`] | POP Basic auth and signatures |
/// | `unified_token` | [`Credentials::DEFAULT_UNIFIED_TOKEN`] | Unified API Bearer auth |
/// | `merchant_ccid` | [`Credentials::DEFAULT_MERCHANT_CCID`] | Unified API webhook/redirect signatures |
/// | `merchant_auth_key` | [`Credentials::DEFAULT_MERCHANT_AUTH_KEY`] | Unified API webhook/redirect signatures |
/// | `mpi_server_key` | [`Credentials::DEFAULT_MPI_SERVER_KEY`] | MPI request authorization and pushes |
/// | `jpayment_aid` | [`Credentials::DEFAULT_JPAYMENT_AID`] | J-Payment store ID (`aid`, 6 digits) |
///
/// ```
/// use veritrans_sandbox::{Credentials, PopServerKey};
///
/// let creds = Credentials {
///     pop_server_key: PopServerKey::new("my-pop-key"),
///     ..Credentials::default()
/// };
/// assert_eq!(creds.unified_token.expose_secret(), Credentials::DEFAULT_UNIFIED_TOKEN);
/// // Secrets never show in Debug output.
/// assert!(!format!("{creds:?}").contains("my-pop-key"));
/// ```
#[derive(Clone, Debug)]
pub struct Credentials {
    /// POP `POP_SERVER_KEY`: the Basic-auth user name and the push/redirect signature key.
    pub pop_server_key: PopServerKey,
    /// Unified API access token, sent as `Authorization: Bearer …`.
    pub unified_token: Secret,
    /// Unified API merchant CCID (not secret: it appears in `X-VT-Content-hmac`).
    pub merchant_ccid: String,
    /// Unified API merchant authentication key (webhook HMAC and redirect hash key). The
    /// default is built with [`MerchantAuthKey::new`] (HMAC keyed with the key's UTF-8
    /// bytes, `veritrans-sign`'s default); give one built with
    /// [`MerchantAuthKey::with_hex_hmac_key`] to emulate the hex-decoded reading.
    pub merchant_auth_key: MerchantAuthKey,
    /// MPI server key (SHA-256 request authorization and push signatures).
    pub mpi_server_key: MpiServerKey,
    /// J-Payment store ID (`aid`), six half-width digits; not secret.
    pub jpayment_aid: String,
}

impl Credentials {
    /// Default POP server key.
    pub const DEFAULT_POP_SERVER_KEY: &'static str = "sandbox-pop-server-key";
    /// Default Unified API Bearer token.
    pub const DEFAULT_UNIFIED_TOKEN: &'static str = "sandbox-unified-token";
    /// Default Unified API merchant CCID.
    pub const DEFAULT_MERCHANT_CCID: &'static str = "sandboxCcId";
    /// Default Unified API merchant authentication key: 64 hex digits (the bytes of
    /// `sandbox-merchant-auth-key-000000`), so it also works where the key is read as hex.
    pub const DEFAULT_MERCHANT_AUTH_KEY: &'static str =
        "73616e64626f782d6d65726368616e742d617574682d6b65792d303030303030";
    /// Default MPI server key.
    pub const DEFAULT_MPI_SERVER_KEY: &'static str = "sandbox-mpi-server-key";
    /// Default J-Payment store ID (`aid`).
    pub const DEFAULT_JPAYMENT_AID: &'static str = "100000";
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            pop_server_key: PopServerKey::new(Self::DEFAULT_POP_SERVER_KEY),
            unified_token: Secret::new(Self::DEFAULT_UNIFIED_TOKEN),
            merchant_ccid: Self::DEFAULT_MERCHANT_CCID.to_owned(),
            merchant_auth_key: MerchantAuthKey::new(Self::DEFAULT_MERCHANT_AUTH_KEY),
            mpi_server_key: MpiServerKey::new(Self::DEFAULT_MPI_SERVER_KEY),
            jpayment_aid: Self::DEFAULT_JPAYMENT_AID.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_every_secret() {
        let creds = Credentials::default();
        let debug = format!("{creds:?}");
        for secret in [
            Credentials::DEFAULT_POP_SERVER_KEY,
            Credentials::DEFAULT_UNIFIED_TOKEN,
            Credentials::DEFAULT_MERCHANT_AUTH_KEY,
            Credentials::DEFAULT_MPI_SERVER_KEY,
        ] {
            assert!(!debug.contains(secret), "{secret} leaked in {debug}");
        }
        assert!(debug.contains(Credentials::DEFAULT_MERCHANT_CCID));
    }

    #[test]
    fn default_aid_is_six_digits_and_auth_key_is_hex() {
        let aid = Credentials::DEFAULT_JPAYMENT_AID;
        assert!(aid.len() == 6 && aid.bytes().all(|b| b.is_ascii_digit()));
        let key = Credentials::DEFAULT_MERCHANT_AUTH_KEY;
        assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(MerchantAuthKey::with_hex_hmac_key(key).is_ok());
    }

    #[test]
    fn defaults_hold_the_documented_values() {
        let c = Credentials::default();
        assert_eq!(
            c.pop_server_key.expose_secret(),
            Credentials::DEFAULT_POP_SERVER_KEY
        );
        assert_eq!(
            c.unified_token.expose_secret(),
            Credentials::DEFAULT_UNIFIED_TOKEN
        );
        assert_eq!(c.merchant_ccid, Credentials::DEFAULT_MERCHANT_CCID);
        assert_eq!(
            c.merchant_auth_key.expose_secret(),
            Credentials::DEFAULT_MERCHANT_AUTH_KEY
        );
        assert_eq!(
            c.mpi_server_key.expose_secret(),
            Credentials::DEFAULT_MPI_SERVER_KEY
        );
        assert_eq!(c.jpayment_aid, Credentials::DEFAULT_JPAYMENT_AID);
    }
}
