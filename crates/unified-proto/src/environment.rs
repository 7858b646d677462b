//! Where a client sends its requests, chosen explicitly when it is built
//! (there is no default): the guide's two hosts by name, or any base URL
//! standing for one of them.

use veritrans_core::Mode;

/// The gateway a client talks to. Its [`Mode`] fills every request's
/// `control.requestMode` (`live` or the guide's `sandbox`) and decides
/// whether http return URLs are allowed (never in live).
///
/// ```
/// use unified_proto::prelude::*;
///
/// assert_eq!(Environment::Sandbox.mode(), Mode::Test);
/// assert_eq!(Environment::Live.base_url(), unified_proto::LIVE_URL);
/// let local = Environment::Custom { base_url: "http://127.0.0.1:8765".into(), mode: Mode::Test };
/// assert_eq!(local.base_url(), "http://127.0.0.1:8765");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `LIVE_URL` of the spec: real payments (`requestMode: live`).
    Live,
    /// `SANDBOX_URL` of the spec: the gateway's sandbox, where the providers
    /// are simulated (`requestMode: sandbox`).
    Sandbox,
    /// Any base URL (a local emulator such as `veritrans-sandbox`, a proxy)
    /// standing for `mode`.
    Custom {
        /// Base URL without the `/fep/...` path.
        base_url: String,
        /// The mode this URL stands for.
        mode: Mode,
    },
}

impl Environment {
    /// The base URL.
    ///
    /// ```
    /// use unified_proto::Environment;
    ///
    /// assert_eq!(Environment::Sandbox.base_url(), unified_proto::SANDBOX_URL);
    /// ```
    pub fn base_url(&self) -> &str {
        match self {
            Self::Live => crate::LIVE_URL,
            Self::Sandbox => crate::SANDBOX_URL,
            Self::Custom { base_url, .. } => base_url,
        }
    }

    /// Live or test.
    ///
    /// ```
    /// use unified_proto::{Environment, Mode};
    ///
    /// assert_eq!(Environment::Live.mode(), Mode::Live);
    /// let proxy = Environment::Custom { base_url: "https://proxy.shop.example".into(), mode: Mode::Live };
    /// assert_eq!(proxy.mode(), Mode::Live);
    /// ```
    pub fn mode(&self) -> Mode {
        match self {
            Self::Live => Mode::Live,
            Self::Sandbox => Mode::Test,
            Self::Custom { mode, .. } => *mode,
        }
    }
}
