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

/// `PAIRS[b]` is the two lowercase hex digits of byte `b`.
const PAIRS: [[u8; 2]; 256] = {
    let mut table = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [DIGITS[i >> 4], DIGITS[i & 0x0f]];
        i += 1;
    }
    table
};

/// Lowercase hex of a digest of `N` bytes (at most 64), as a new `String`.
///
/// One table look-up per byte, and the digits become a `String` through
/// `str::from_utf8`, whose ASCII check is a few word comparisons: [`encode`]'s
/// lossy conversion walked its output in chunks and took more instructions than
/// the digits themselves (`crates/veritrans/examples/pop_counts.rs` under `cachegrind`: about 1,650
/// instructions a 64-byte digest, against about 250 here).
pub(crate) fn encode_digest<const N: usize>(bytes: &[u8; N]) -> String {
    let mut digits = [0u8; 128];
    for (pair, &b) in digits.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&PAIRS[usize::from(b)]);
    }
    let digits = &digits[..2 * N.min(64)];
    // Only ASCII hex digits were written, so this is always `Ok`.
    std::str::from_utf8(digits).map_or_else(|_| encode(bytes), str::to_owned)
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

/// [`decode_digest`] without a branch per digit: every digit is looked up, the
/// bytes assembled, and the look-ups' invalid marks gathered into one value
/// checked at the end. Only when something is wrong does [`decode_digest`] run, for
/// its error (which names the first bad position). The same result for every input
/// (`decode_digest_fast_is_decode_digest`); under `cachegrind` about 1,840
/// instructions for 128 digits before, about a third of that here.
pub(crate) fn decode_digest_fast<const N: usize>(
    s: &str,
    what: &'static str,
) -> Result<[u8; N], Error> {
    let digits = s.as_bytes();
    if digits.len() != 2 * N {
        return decode_digest(s, what);
    }
    let mut out = [0u8; N];
    let mut marks = 0u8;
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (hi, lo) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        marks |= hi | lo;
        *byte = hi << 4 | lo;
    }
    // A digit's value is below 16; `INVALID` sets the high bits.
    if marks & 0xf0 != 0 {
        return decode_digest(s, what);
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
    fn encode_digest_is_encode() {
        let bytes: [u8; 64] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        assert_eq!(encode_digest(&bytes), encode(&bytes));
        let all: Vec<u8> = (0..=255).collect();
        for chunk in all.chunks(32) {
            let array: [u8; 32] = chunk.try_into().unwrap();
            assert_eq!(encode_digest(&array), encode(chunk));
        }
    }

    #[test]
    fn decode_digest_fast_is_decode_digest() {
        let mut inputs: Vec<String> = vec![
            String::new(),
            "007FABff".into(),
            "007fab".into(),
            "007fabf".into(),
            "007fagff".into(),
            "g07fabff".into(),
            "007fabfg".into(),
            "éé".into(),
            "éééé".into(),
            "00 7fabf".into(),
        ];
        // Every byte value in every position of a valid 4-byte digest.
        for position in 0..8 {
            for b in 0..=255u8 {
                let mut digits = *b"0123abCD";
                digits[position] = b;
                inputs.extend(String::from_utf8(digits.to_vec()));
            }
        }
        for input in inputs {
            assert_eq!(
                decode_digest_fast::<4>(&input, "x"),
                decode_digest::<4>(&input, "x"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn key_decoding() {
        assert_eq!(decode_key("00fF"), Ok(vec![0, 255]));
        assert!(decode_key("").is_err());
        assert!(decode_key("abc").is_err());
        assert!(decode_key("zz").is_err());
    }
}
