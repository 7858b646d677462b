//! Lowercase hex encoding and strict, case-insensitive decoding of digests.

use crate::error::{Error, SignatureDefect};

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex, as every VeriTrans scheme transmits its digests.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    encode_into(&mut out, bytes);
    out
}

/// Appends the lowercase hex of `bytes` to `out` (a header value being built).
///
/// Digits are written into a stack buffer a digest at a time and appended at once:
/// pushing 128 `char`s one by one took twice as long (`examples/paired.rs`, `pop::sign`).
pub(crate) fn encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for chunk in bytes.chunks(64) {
        let mut digits = [0u8; 128];
        for (pair, &b) in digits.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0x0f)];
        }
        // Only ASCII hex digits were written: the text is borrowed, never replaced.
        out.push_str(&String::from_utf8_lossy(&digits[..2 * chunk.len()]));
    }
}

/// `NIBBLES[c]` is the value of hex digit `c` (either case), or `INVALID`.
const INVALID: u8 = 0xff;
const NIBBLES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

fn nibble(c: u8) -> Option<u8> {
    match NIBBLES[usize::from(c)] {
        INVALID => None,
        n => Some(n),
    }
}

/// Decodes exactly `N` bytes from `2N` hex digits of either case, into a stack array.
///
/// The received signature is public, so this need not be constant-time; the
/// comparison with the expected digest is.
pub(crate) fn decode_digest<const N: usize>(s: &str, what: &'static str) -> Result<[u8; N], Error> {
    let malformed = |defect| Error::MalformedSignature { what, defect };
    // A length in characters, for the message: counted only when something is wrong.
    let length = |found| {
        malformed(SignatureDefect::Length {
            expected: 2 * N,
            found,
        })
    };
    if s.len() != 2 * N {
        return Err(length(s.chars().count()));
    }
    let mut out = [0u8; N];
    for (i, (pair, byte)) in s.as_bytes().chunks_exact(2).zip(&mut out).enumerate() {
        let (hi, lo) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        if hi == INVALID || lo == INVALID {
            // A multi-byte character makes the length wrong in characters: say that
            // rather than pointing into the middle of the character.
            let found = s.chars().count();
            if found != 2 * N {
                return Err(length(found));
            }
            let position = if hi == INVALID { 2 * i } else { 2 * i + 1 };
            return Err(malformed(SignatureDefect::NonHex { position }));
        }
        *byte = hi << 4 | lo;
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
