//! Where a client sends its requests and whether they move money: chosen when
//! the client is built, never by default.

pub use veritrans_core::Mode;

use crate::generated::endpoints;

/// The POP server a client talks to, and whether its requests are real.
///
/// POP has one host for both: the guide's "Going Live" section says that to do
/// a test transaction the merchant sets `dummy` to `true` in the request, that
/// "it is not necessary to change the endpoint", and that going live is "just"
/// setting it to `false`. So the choice here is what the client does with
/// `dummy`: in [`Mode::Test`] it sets `dummy: true` on every request, in
/// [`Mode::Live`] it never sets it. A request whose own `dummy` says the
/// opposite is refused before sending ([`Error::DummyConflict`](crate::Error::DummyConflict)):
/// the client's environment is the one switch between test and real money.
///
/// ```
/// use pop_proto::{Environment, Mode};
///
/// assert_eq!(Environment::Live.base_url(), "https://pay3.veritrans.co.jp");
/// assert_eq!(Environment::Dummy.base_url(), Environment::Live.base_url());
/// assert_eq!(Environment::Dummy.mode(), Mode::Test);
///
/// let sandbox = Environment::Custom { base_url: "http://127.0.0.1:8080".into(), mode: Mode::Test };
/// assert_eq!(sandbox.base_url(), "http://127.0.0.1:8080");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// The POP server, real payments: `dummy` is never set by the client.
    Live,
    /// The POP server, dummy requests (the guide's word for test
    /// transactions: they "will not go through the actual payment process"):
    /// `dummy: true` on every request.
    Dummy,
    /// Another server (the sandbox, a proxy) and the mode its requests are sent in.
    Custom {
        /// The server's base URL (`http` or `https`); the guide's paths are joined to it.
        base_url: String,
        /// [`Mode::Test`] sets `dummy: true` on every request; [`Mode::Live`] never sets it.
        mode: Mode,
    },
}

impl Environment {
    /// [`Environment::Custom`], from any string: `Environment::custom(sandbox.base_url(), Mode::Test)`.
    ///
    /// ```
    /// use pop_proto::{Environment, Mode};
    ///
    /// let sandbox = Environment::custom("http://127.0.0.1:8080", Mode::Test);
    /// assert_eq!(sandbox, Environment::Custom { base_url: "http://127.0.0.1:8080".into(), mode: Mode::Test });
    /// ```
    pub fn custom(base_url: impl Into<String>, mode: Mode) -> Self {
        Self::Custom {
            base_url: base_url.into(),
            mode,
        }
    }

    /// The base URL requests go to.
    ///
    /// ```
    /// use pop_proto::{Environment, Mode, endpoints};
    ///
    /// // POP tests on the live host: the dummy flag, not the URL, makes a test.
    /// assert_eq!(Environment::Dummy.base_url(), endpoints::BASE_URL);
    /// assert_eq!(Environment::custom("http://127.0.0.1:8080", Mode::Test).base_url(), "http://127.0.0.1:8080");
    /// ```
    pub fn base_url(&self) -> &str {
        match self {
            Self::Live | Self::Dummy => endpoints::BASE_URL,
            Self::Custom { base_url, .. } => base_url,
        }
    }

    /// Whether requests move real money.
    ///
    /// ```
    /// use pop_proto::{Environment, Mode};
    ///
    /// assert_eq!(Environment::Live.mode(), Mode::Live);
    /// assert_eq!(Environment::Dummy.mode(), Mode::Test); // `dummy: true` on every request
    /// ```
    pub fn mode(&self) -> Mode {
        match self {
            Self::Live => Mode::Live,
            Self::Dummy => Mode::Test,
            Self::Custom { mode, .. } => *mode,
        }
    }
}
