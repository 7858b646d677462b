//! The Unified API redirect that `paired` and `counts` measure, built in one place: five
//! values signed as the gateway signs them, the received pairs (`authParams` and
//! `vAuthInfo` last), and the string its floor hashes.

use veritrans::MerchantAuthKey;

/// The redirect's CCID.
pub const CCID: &str = "sampleCcId";
/// The `paymentId` the redirect carries.
pub const PAYMENT_ID: &str = "order-20261123-000123";
/// The five signed values, in the order sent.
pub const PAIRS: [(&str, &str); 5] = [
    ("status", "success"),
    ("resultCode", "UA-000-001"),
    ("paymentId", PAYMENT_ID),
    ("fepReferenceId", "X000002F368872DB9B645E69448"),
    ("command", "pay"),
];

/// The redirect's signature and what its floor hashes.
pub struct RedirectInputs {
    /// `authParams` for [`PAIRS`].
    pub auth_params: String,
    /// `vAuthInfo` for [`PAIRS`].
    pub v_auth_info: String,
    /// `ccid ‖ values ‖ key`: what the floor hashes.
    pub signed: String,
}

impl RedirectInputs {
    /// Signs [`PAIRS`] with `auth`.
    pub fn new(auth: &MerchantAuthKey) -> Self {
        let (auth_params, v_auth_info) =
            veritrans::sign::unified::sign_redirect(CCID, auth, &PAIRS);
        let signed = std::iter::once(CCID)
            .chain(PAIRS.iter().map(|(_, v)| *v))
            .chain([auth.expose_secret()])
            .collect();
        Self {
            auth_params,
            v_auth_info,
            signed,
        }
    }

    /// Every received pair: [`PAIRS`], then `authParams` and `vAuthInfo`.
    pub fn received(&self) -> Vec<(&str, &str)> {
        let mut received = PAIRS.to_vec();
        received.push(("authParams", &self.auth_params));
        received.push(("vAuthInfo", &self.v_auth_info));
        received
    }
}
