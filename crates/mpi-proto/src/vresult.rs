//! `vresult_code`: the 16-character result code.
//!
//! Layout, as this crate reads the guide: characters 1–4 are the 3-D Secure
//! result ([`ThreeDSecureCode`]; "check the first 4 digits of vresult_code"),
//! characters 5–8 the card payment result ([`CardCode`]; `A001` when the
//! card payment succeeded), characters 9–16 a remainder the guide does not
//! explain (all zeros in every sample), kept as [`VResultCode::rest`].
//! The scenario table prints only the first eight characters.
//!
//! The search response's *own* top-level `vresult_code` (`N001…` in the
//! sample) follows the same shape; its first four characters are then the
//! search's code, not a 3-D Secure code, and parse as
//! [`ThreeDSecureCode::Unknown`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::{CardCode, ThreeDSecureCode};
use crate::error::VResultCodeError;

/// A well-formed `vresult_code`: 16 uppercase half-width alphanumerics.
///
/// ```
/// use mpi_proto::{VResultCode, ThreeDSecureCode, CardCode};
///
/// let code: VResultCode = "G011A00100000000".parse()?;
/// assert_eq!(code.three_d_secure(), ThreeDSecureCode::G011);
/// assert_eq!(code.card(), CardCode::Authorized);
/// assert_eq!(code.three_d_secure().description(), Some("Success in 3-D Secure."));
///
/// assert!("G011A001".parse::<VResultCode>().is_err()); // too short
/// assert!("g011a00100000000".parse::<VResultCode>().is_err()); // lowercase
/// // Well-formed but not in the guide's list: kept, not rejected.
/// let new: VResultCode = "GX99A00100000000".parse()?;
/// assert_eq!(new.three_d_secure(), ThreeDSecureCode::Unknown("GX99".into()));
/// # Ok::<(), mpi_proto::VResultCodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VResultCode(String);

impl VResultCode {
    /// The number of characters of every code.
    ///
    /// ```
    /// use mpi_proto::VResultCode;
    ///
    /// assert_eq!(VResultCode::parse("G011A00100000000")?.as_str().len(), VResultCode::LEN);
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub const LEN: usize = 16;

    /// Checks `value` and keeps it.
    ///
    /// ```
    /// use mpi_proto::VResultCode;
    ///
    /// assert!(VResultCode::parse("G011A00100000000").is_ok());
    /// assert!(VResultCode::parse("G011A001 0000000").is_err()); // not alphanumeric
    /// ```
    pub fn parse(value: &str) -> Result<Self, VResultCodeError> {
        let len = value.chars().count();
        if len != Self::LEN {
            return Err(VResultCodeError::Length { len });
        }
        for (position, found) in value.chars().enumerate() {
            if found.is_ascii_lowercase() {
                return Err(VResultCodeError::Lowercase { position, found });
            }
            if !found.is_ascii_alphanumeric() {
                return Err(VResultCodeError::Charset { position, found });
            }
        }
        Ok(Self(value.to_owned()))
    }

    /// The whole code.
    ///
    /// ```
    /// use mpi_proto::VResultCode;
    ///
    /// assert_eq!(VResultCode::parse("G012A00100000000")?.as_str(), "G012A00100000000");
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 1–4: the 3-D Secure result.
    ///
    /// ```
    /// use mpi_proto::VResultCode;
    ///
    /// assert_eq!(VResultCode::parse("G012A00100000000")?.three_d_secure_str(), "G012");
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn three_d_secure_str(&self) -> &str {
        // ASCII was checked, so byte offsets are character offsets.
        &self.0[0..4]
    }

    /// Characters 5–8: the card payment result.
    ///
    /// ```
    /// use mpi_proto::VResultCode;
    ///
    /// assert_eq!(VResultCode::parse("G012A00100000000")?.card_str(), "A001");
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn card_str(&self) -> &str {
        &self.0[4..8]
    }

    /// Characters 9–16, which the guide does not explain.
    ///
    /// ```
    /// use mpi_proto::VResultCode;
    ///
    /// assert_eq!(VResultCode::parse("G012A00112345678")?.rest(), "12345678");
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn rest(&self) -> &str {
        &self.0[8..16]
    }

    /// The 3-D Secure result (first four characters).
    ///
    /// ```
    /// use mpi_proto::{ThreeDSecureCode, VResultCode};
    ///
    /// assert_eq!(VResultCode::parse("G012A00100000000")?.three_d_secure(), ThreeDSecureCode::G012);
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn three_d_secure(&self) -> ThreeDSecureCode {
        ThreeDSecureCode::from(self.three_d_secure_str())
    }

    /// The card payment result (characters 5–8).
    ///
    /// ```
    /// use mpi_proto::{CardCode, VResultCode};
    ///
    /// assert_eq!(VResultCode::parse("G011000000000000")?.card(), CardCode::NotRun);
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn card(&self) -> CardCode {
        CardCode::from(self.card_str())
    }
}

impl fmt::Debug for VResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VResultCode({})", self.0)
    }
}

impl fmt::Display for VResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for VResultCode {
    type Err = VResultCodeError;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl Serialize for VResultCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for VResultCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Self::parse(&value).map_err(serde::de::Error::custom)
    }
}

/// Reads the code at `path`, naming the path in the error.
pub(crate) fn read(value: Option<&str>, path: &str) -> Result<VResultCode, crate::Error> {
    let value = value.ok_or_else(|| crate::Error::missing(path))?;
    VResultCode::parse(value).map_err(|source| crate::Error::VResultCode {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let code = VResultCode::parse("GE120000ABCDEF12").unwrap();
        assert_eq!(code.three_d_secure(), ThreeDSecureCode::GE12);
        assert_eq!(code.card(), CardCode::NotRun);
        assert_eq!(code.rest(), "ABCDEF12");
        assert_eq!(code.to_string(), "GE120000ABCDEF12");
    }

    #[test]
    fn wrong_lengths() {
        for (value, len) in [
            ("", 0),
            ("G011A001", 8),
            ("G011A0010000000", 15),
            ("G011A001000000000", 17),
        ] {
            assert_eq!(
                VResultCode::parse(value),
                Err(VResultCodeError::Length { len }),
                "{value}"
            );
        }
        // Counted in characters, so a multi-byte character cannot slip through.
        assert_eq!(
            VResultCode::parse("G011A001000000０0"),
            Err(VResultCodeError::Charset {
                position: 14,
                found: '０'
            })
        );
    }

    #[test]
    fn lowercase_and_symbols() {
        assert_eq!(
            VResultCode::parse("G011a00100000000"),
            Err(VResultCodeError::Lowercase {
                position: 4,
                found: 'a'
            })
        );
        assert_eq!(
            VResultCode::parse("G011-00100000000"),
            Err(VResultCodeError::Charset {
                position: 4,
                found: '-'
            })
        );
    }

    #[test]
    fn unknown_codes_are_kept() {
        let code = VResultCode::parse("N001000000000000").unwrap();
        assert_eq!(
            code.three_d_secure(),
            ThreeDSecureCode::Unknown("N001".into())
        );
        assert_eq!(code.three_d_secure().description(), None);
        let code = VResultCode::parse("G011AG3300000000").unwrap();
        assert_eq!(code.card(), CardCode::Unknown("AG33".into()));
    }

    #[test]
    fn every_listed_code_round_trips() {
        for known in ThreeDSecureCode::KNOWN {
            let code = VResultCode::parse(&format!("{known}000000000000")).unwrap();
            assert_eq!(&code.three_d_secure(), known);
            assert!(
                known.description().is_some()
                    && known.group().is_some()
                    && known.outcome().is_some()
            );
            // Note *1: GExx is failure, G0xx success.
            assert_eq!(
                known.group().unwrap().is_failure(),
                known.as_str().starts_with("GE")
            );
        }
    }

    #[test]
    fn serde_validates() {
        let ok: VResultCode = serde_json::from_str("\"G011A00100000000\"").unwrap();
        assert_eq!(ok.as_str(), "G011A00100000000");
        let err = serde_json::from_str::<VResultCode>("\"G011\"").unwrap_err();
        assert!(err.to_string().contains("16 characters"), "{err}");
    }
}
