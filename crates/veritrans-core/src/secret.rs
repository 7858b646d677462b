//! Secrets: one redaction spelling for every key, token and password of every crate.

use std::fmt;

/// What every secret prints instead of itself, in `Display` and (inside its type name) in
/// `Debug`: `PopServerKey([redacted])`, `[redacted]`.
///
/// ```
/// use veritrans_core::{REDACTED, Secret};
///
/// let password = Secret::new("p@ss");
/// assert_eq!(password.to_string(), REDACTED);
/// assert_eq!(format!("{password:?}"), format!("Secret({REDACTED})"));
/// ```
pub const REDACTED: &str = "[redacted]";

/// Writes `Name([redacted])`, the `Debug` form of every secret type.
#[doc(hidden)]
pub fn fmt_redacted(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "{name}({REDACTED})")
}

/// Declares a secret string type of the shared family.
///
/// The type holds a `String`; `Debug` prints `Name([redacted])` and `Display` prints
/// [`REDACTED`](crate::REDACTED), so it cannot slip into a log line, an error message or
/// a test failure; the value is reachable only through `expose_secret()`, which makes
/// every use visible in review. Equality is constant-time ([`ct_eq`](crate::ct_eq)).
///
/// ```
/// veritrans_core::secret_type! {
///     /// An API key.
///     pub ApiKey
/// }
///
/// let key = ApiKey::new("s3cr3t");
/// assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
/// assert_eq!(key.to_string(), "[redacted]");
/// assert_eq!(key.expose_secret(), "s3cr3t");
/// assert_eq!(key, ApiKey::from("s3cr3t"));
/// ```
#[macro_export]
macro_rules! secret_type {
    ($(#[$doc:meta])* $vis:vis $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` prints
        #[doc = concat!("`", stringify!($name), "([redacted])`")]
        /// and `Display` prints `[redacted]`; the value is reachable only through
        /// [`expose_secret`](Self::expose_secret). Equality is constant-time.
        #[derive(Clone)]
        $vis struct $name(::std::string::String);

        impl $name {
            /// Wraps a secret.
            pub fn new(secret: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(secret.into())
            }

            /// The secret itself, for signing or sending it; never log what this returns.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::__private::fmt_redacted(f, stringify!($name))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::REDACTED)
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                $crate::ct_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(secret: ::std::string::String) -> Self {
                Self(secret)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(secret: &str) -> Self {
                Self(secret.to_owned())
            }
        }
    };
}

secret_type! {
    /// A secret string without a dedicated type of its own (the sandbox's Unified API
    /// access token, a password read from the environment).
    pub Secret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let secret = Secret::new("s3cr3t-value");
        let shown = format!("{secret:?} {secret} {secret:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert_eq!(shown, "Secret([redacted]) [redacted] Secret([redacted])");
        assert_eq!(secret.expose_secret(), "s3cr3t-value");
    }

    #[test]
    fn equality_compares_the_values() {
        assert_eq!(Secret::new("a"), Secret::from("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert_ne!(Secret::new("a"), Secret::new("ab"));
    }
}
