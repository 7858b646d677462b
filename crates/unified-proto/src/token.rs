//! The Bearer token, redacted everywhere it could be printed.

use std::fmt;

/// The Unified API Bearer token generated in MAP (Unified API > Bearer
/// Authentication Settings). `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct UnifiedToken(String);

impl UnifiedToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
    /// The token itself, for the `Authorization` header only.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnifiedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnifiedToken([redacted])")
    }
}

impl fmt::Display for UnifiedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_never_printed() {
        let t = UnifiedToken::new("s3cret-token");
        assert!(!format!("{t:?} {t}").contains("s3cret"));
        assert_eq!(t.expose_secret(), "s3cret-token");
    }
}
