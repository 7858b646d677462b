//! The Bearer token, redacted everywhere it could be printed.

veritrans_core::secret_type! {
    /// The Unified API Bearer token generated in MAP (Unified API > Bearer
    /// Authentication Settings), a member of `veritrans-core`'s secret family.
    pub UnifiedToken
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
