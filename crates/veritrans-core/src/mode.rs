//! Live money or test: the one switch every client is built with.

use std::fmt;

/// Whether requests move real money. Every client is built with one, chosen
/// explicitly (no client has a default): the Unified API's `requestMode`
/// (`live` / `sandbox`, and its https-only rule in live), POP's `dummy`
/// (`true` on every test request, never sent live).
///
/// ```
/// use veritrans_core::Mode;
///
/// assert!(Mode::Test.is_test());
/// assert_eq!(Mode::Live.to_string(), "live");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Real payments.
    Live,
    /// The gateway's test environment: nothing is charged.
    Test,
}

impl Mode {
    /// `true` for [`Mode::Test`].
    ///
    /// ```
    /// use veritrans_core::Mode;
    ///
    /// assert!(Mode::Test.is_test());
    /// assert!(!Mode::Live.is_test());
    /// ```
    pub const fn is_test(self) -> bool {
        matches!(self, Self::Test)
    }

    /// `live` or `test`.
    ///
    /// ```
    /// use veritrans_core::Mode;
    ///
    /// assert_eq!((Mode::Live.as_str(), Mode::Test.as_str()), ("live", "test"));
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Test => "test",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
