//! Lowercase hex encoding and strict, case-insensitive decoding of digests.

use crate::error::{Error, SignatureDefect};

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex, as every VeriTrans scheme transmits its digests.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes exactly `N` bytes from `2N` hex digits of either case.
///
/// The received signature is public, so this need not be constant-time; the
/// comparison with the expected digest is.
pub(crate) fn decode_digest<const N: usize>(s: &str, what: &'static str) -> Result<[u8; N], Error> {
    let malformed = |defect| Error::MalformedSignature { what, defect };
    let found = s.chars().count();
    if s.len() != 2 * N || found != 2 * N {
        return Err(malformed(SignatureDefect::Length {
            expected: 2 * N,
            found,
        }));
    }
    let mut out = [0u8; N];
    for (i, pair) in s.as_bytes().chunks_exact(2).enumerate() {
        let hi = nibble(pair[0]).ok_or(malformed(SignatureDefect::NonHex { position: 2 * i }))?;
        let lo = nibble(pair[1]).ok_or(malformed(SignatureDefect::NonHex {
            position: 2 * i + 1,
        }))?;
        out[i] = hi << 4 | lo;
    }
    Ok(out)
}

/// Decodes a hex key of any even length (used for the MDK-style HMAC key mode).
pub(crate) fn decode_key(s: &str) -> Result<Vec<u8>, Error> {
    if s.is_empty() {
        return Err(Error::InvalidKey {
            reason: "the hex HMAC key is empty",
        });
    }
    if s.len() % 2 == 1 {
        return Err(Error::InvalidKey {
            reason: "the hex HMAC key has an odd number of digits",
        });
    }
    s.as_bytes()
        .chunks_exact(2)
        .map(|pair| match (nibble(pair[0]), nibble(pair[1])) {
            (Some(hi), Some(lo)) => Ok(hi << 4 | lo),
            _ => Err(Error::InvalidKey {
                reason: "the hex HMAC key contains a non-hex character",
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_either_case() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(encode(&bytes), "007fabff");
        assert_eq!(decode_digest::<4>("007FABff", "x"), Ok(bytes));
    }

    #[test]
    fn rejects_wrong_length_odd_length_and_non_hex() {
        assert_eq!(
            decode_digest::<4>("007fab", "x"),
            Err(Error::MalformedSignature {
                what: "x",
                defect: SignatureDefect::Length {
                    expected: 8,
                    found: 6
                }
            })
        );
        assert!(matches!(
            decode_digest::<4>("007fabf", "x"),
            Err(Error::MalformedSignature {
                defect: SignatureDefect::Length { found: 7, .. },
                ..
            })
        ));
        assert_eq!(
            decode_digest::<4>("007fagff", "x"),
            Err(Error::MalformedSignature {
                what: "x",
                defect: SignatureDefect::NonHex { position: 5 }
            })
        );
        // Multi-byte characters must not be mistaken for the right byte length.
        assert!(matches!(
            decode_digest::<2>("éé", "x"),
            Err(Error::MalformedSignature {
                defect: SignatureDefect::Length { found: 2, .. },
                ..
            })
        ));
    }

    #[test]
    fn key_decoding() {
        assert_eq!(decode_key("00fF"), Ok(vec![0, 255]));
        assert!(decode_key("").is_err());
        assert!(decode_key("abc").is_err());
        assert!(decode_key("zz").is_err());
    }
}
