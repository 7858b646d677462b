//! Where the client sends its requests, chosen explicitly when it is built.
//!
//! The guide names one host for every operation ("・接続先
//! `https://credit.j-payment.co.jp/gateway/carduser.aspx`", and the same host for
//! `carduser_token.aspx`, `gateway_token.aspx` and `onetouch.aspx`) and no test
//! host or test switch: whether a shop ID (`aid`) is a test shop is a matter of
//! the merchant's contract, not of the wire. So there is no `Test` environment
//! here, only the guide's host ([`Environment::Live`]) and
//! [`Environment::Custom`] (the workspace's sandbox, a proxy), whose
//! [`Mode`] says what it is and is never sent.

use veritrans_core::Mode;

use crate::generated::BASE_URL;

/// The gateway a client talks to. There is no default: a client is always
/// built with one, by name.
///
/// ```
/// use jpayment_proto::{Environment, Mode};
///
/// assert_eq!(Environment::Live.base_url(), "https://credit.j-payment.co.jp/gateway/");
/// assert_eq!(Environment::Live.mode(), Mode::Live);
///
/// let sandbox = Environment::Custom {
///     base_url: "http://127.0.0.1:8080/gateway/".into(),
///     mode: Mode::Test,
/// };
/// assert!(sandbox.mode().is_test());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// The guide's gateway, `https://credit.j-payment.co.jp/gateway/`: real
    /// charges (with a test shop ID too, the guide names no other host).
    Live,
    /// Another base URL (the sandbox, a proxy); the endpoints
    /// (`carduser.aspx`, …) are appended to it.
    Custom {
        /// The base URL, usually ending in `/gateway/`.
        base_url: String,
        /// Whether it moves real money: [`Mode::Live`] for a proxy in front
        /// of the gateway (the client then requires `https`), [`Mode::Test`]
        /// for the sandbox or a test server. J-Payment's wire has no test
        /// flag, so the mode is never sent; it is what
        /// [`Client::mode`](crate::Client::mode) reports.
        mode: Mode,
    },
}

impl Environment {
    /// The base URL requests go to.
    ///
    /// ```
    /// use jpayment_proto::{Environment, Mode};
    ///
    /// let proxy = Environment::Custom { base_url: "https://pay.example/gateway/".into(), mode: Mode::Live };
    /// assert_eq!(proxy.base_url(), "https://pay.example/gateway/");
    /// ```
    pub fn base_url(&self) -> &str {
        match self {
            Self::Live => BASE_URL,
            Self::Custom { base_url, .. } => base_url,
        }
    }

    /// Whether requests move real money.
    ///
    /// ```
    /// use jpayment_proto::{Environment, Mode};
    ///
    /// assert_eq!(Environment::Live.mode(), Mode::Live);
    /// ```
    pub fn mode(&self) -> Mode {
        match self {
            Self::Live => Mode::Live,
            Self::Custom { mode, .. } => *mode,
        }
    }
}
