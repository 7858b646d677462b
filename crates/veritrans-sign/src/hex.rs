//! Lowercase hex encoding and strict, case-insensitive decoding of digests.

use subtle::ConstantTimeEq;

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
/// Digits are written into a stack buffer, a byte's two digits at a time from a table,
/// and appended at once: pushing 128 `char`s one by one took twice as long
/// (`examples/paired.rs`, `pop::sign`), and a digit pair per lookup halves the loads.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for chunk in bytes.chunks(64) {
        let mut digits = [0u8; 128];
        let digits = &mut digits[..2 * chunk.len()];
        encode_to_slice(chunk, digits);
        // Only ASCII hex digits were written, so this cannot fail; `from_utf8_lossy`
        // checks the same but took twice as long (a probe of `mpi::authorization`).
        if let Ok(digits) = std::str::from_utf8(digits) {
            out.push_str(digits);
        }
    }
}

/// `prefix` and the lowercase hex of `digest`, as one new `String` of exactly that
/// length: written on the stack and copied once (an authorization value).
pub(crate) fn encode_prefixed<const N: usize>(prefix: &str, digest: &[u8; N]) -> String {
    const { assert!(N <= 64, "digests are at most 64 bytes (SHA-512)") };
    let mut digits = [0u8; 128];
    let digits = &mut digits[..2 * N];
    encode_to_slice(digest, digits);
    let mut out = String::with_capacity(prefix.len() + 2 * N);
    out.push_str(prefix);
    // As in `encode_into`: only ASCII hex digits were written.
    if let Ok(digits) = std::str::from_utf8(digits) {
        out.push_str(digits);
    }
    out
}

/// Lowercase hex of a digest of `N` bytes (at most 64), as a new `String` of exactly
/// that length (a signature value).
pub(crate) fn encode_digest<const N: usize>(digest: &[u8; N]) -> String {
    encode_prefixed("", digest)
}

/// `PAIRS[b]` is the two lowercase hex digits of byte `b`.
const PAIRS: [[u8; 2]; 256] = {
    let mut table = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = [DIGITS[b >> 4], DIGITS[b & 0x0f]];
        b += 1;
    }
    table
};

/// Writes the lowercase hex of `bytes` into the first `2 * bytes.len()` bytes of `out`.
#[inline]
fn encode_to_slice(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&PAIRS[usize::from(b)]);
    }
}

/// Whether `received` is the hex of `expected`, digits of either case, compared in
/// constant time with respect to `expected`.
///
/// The expected digest is written as lowercase hex and compared with the received text,
/// each received letter folded to lowercase (`| 0x20`), instead of decoding the received
/// digits first. Folding also maps the control bytes 0x10–0x19 onto the digits `0`–`9`,
/// so a received byte with neither the 0x20 nor the 0x40 bit (no hex digit of either
/// case lacks both) is counted as a fault in the same pass.
///
/// Both passes are byte-wise arithmetic without branches or table lookups, which the
/// compiler runs sixteen bytes at a time: words of eight digits computed with shifts
/// (two to a vector) took ≈ 331 instructions for a SHA-512 signature, a table lookup per
/// byte ≈ 466 (callgrind of `pop_counts verify`).
///
/// # Errors
/// [`Error::MalformedSignature`] exactly when [`decode_digest`] would give it: on a
/// mismatch the received text is decoded to tell a malformed signature (its own public
/// property) from a wrong one.
pub(crate) fn matches_digest<const N: usize>(
    expected: &[u8; N],
    received: &str,
    what: &'static str,
) -> Result<bool, Error> {
    const { assert!(N <= 64, "digests are at most 64 bytes (SHA-512)") };
    let received_bytes = received.as_bytes();
    if received_bytes.len() != 2 * N {
        return decode_digest::<N>(received, what).map(|_| false);
    }
    let mut digits = [0u8; 128];
    let digits = &mut digits[..2 * N];
    for (pair, &b) in digits.chunks_exact_mut(2).zip(expected) {
        pair[0] = digit(b >> 4);
        pair[1] = digit(b & 0x0f);
    }
    let (mut diff, mut faults) = (0u8, 0u8);
    for (&theirs, &ours) in received_bytes.iter().zip(digits.iter()) {
        diff |= (theirs | 0x20) ^ ours;
        faults |= u8::from(theirs & 0x60 == 0);
    }
    if bool::from(diff.ct_eq(&0) & faults.ct_eq(&0)) {
        Ok(true)
    } else {
        decode_digest::<N>(received, what).map(|_| false)
    }
}

/// The lowercase hex digit of a nibble (`n < 16`) without a branch or a lookup:
/// `'0' + n`, and 39 more (`'a' - '0' - 10`) when `9 - n` wraps (`n > 9`).
#[inline]
fn digit(n: u8) -> u8 {
    let letter = 0u8.wrapping_sub(9u8.wrapping_sub(n) >> 7);
    n + b'0' + (letter & 39)
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
///
/// Eight digits at a time are checked and decoded as one word ([`decode_word`]); only
/// a text that fails is walked digit by digit, to say what is wrong with it. Digit by
/// digit it was 1,840 instructions for a SHA-512 signature, three tenths of all
/// `unified::verify_redirect` added to its hash (cachegrind).
pub(crate) fn decode_digest<const N: usize>(s: &str, what: &'static str) -> Result<[u8; N], Error> {
    const { assert!(N <= 64, "digests are at most 64 bytes (SHA-512)") };
    let mut out = [0u8; N];
    if s.len() == 2 * N && N.is_multiple_of(4) {
        let (words, _) = s.as_bytes().as_chunks::<8>();
        let (bytes, _) = out.as_chunks_mut::<4>();
        let mut valid = true;
        for (word, bytes) in words.iter().zip(bytes) {
            let (decoded, ok) = decode_word(u64::from_le_bytes(*word));
            *bytes = decoded;
            valid &= ok;
        }
        if valid {
            return Ok(out);
        }
    }
    decode_digits(s, what)
}

/// Four bytes from eight hex digits (the first in the lowest byte of `w`), and whether
/// all eight are hex digits of either case.
///
/// A byte is a digit when it lies in `'0'..='9'`, or in `'a'..='f'` once its case bit is
/// set; each range is tested in every byte at once (adding `0x80 - low` sets the high
/// bit from `low` up, adding `0x7f - high` from past `high`), on bytes first checked to
/// be ASCII so that no sum carries into the next byte. A digit's value is its low
/// nibble, plus 9 for a letter (bit 0x40).
#[inline]
fn decode_word(w: u64) -> ([u8; 4], bool) {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = 0x80 * ONES;
    let in_range = |x: u64, low: u8, high: u8| {
        x.wrapping_add(u64::from(0x80 - low) * ONES)
            & !x.wrapping_add(u64::from(0x7f - high) * ONES)
            & HIGHS
    };
    let folded = w | (0x20 * ONES);
    let digits = in_range(w, b'0', b'9') | in_range(folded, b'a', b'f');
    let valid = w & HIGHS == 0 && digits == HIGHS;
    let letters = w >> 6 & ONES;
    let nibbles = (w & (0x0f * ONES)) + (letters << 3) + letters;
    // Each pair of nibbles (high first) into the low byte of its 16 bits, then the four
    // bytes side by side.
    let pairs = (nibbles << 4 | nibbles >> 8) & 0x00ff_00ff_00ff_00ff;
    let pairs = (pairs | pairs >> 8) & 0x0000_ffff_0000_ffff;
    let packed = (pairs | pairs >> 16) as u32;
    (packed.to_le_bytes(), valid)
}

/// [`decode_digest`] digit by digit: the reference, and what names a malformed text's
/// defect.
fn decode_digits<const N: usize>(s: &str, what: &'static str) -> Result<[u8; N], Error> {
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
    fn matches_digest_agrees_with_decoding_for_every_byte_in_every_position() {
        let expected = [0x00, 0x7f, 0xab, 0xff, 0x10, 0x9c];
        let hex = encode(&expected);
        assert_eq!(matches_digest(&expected, &hex, "x"), Ok(true));
        assert_eq!(
            matches_digest(&expected, &hex.to_uppercase(), "x"),
            Ok(true)
        );
        for position in 0..hex.len() {
            for byte in 0..=0x7fu8 {
                let mut text = hex.clone().into_bytes();
                text[position] = byte;
                let text = String::from_utf8(text).unwrap();
                let decoded = decode_digest::<6>(&text, "x");
                let want = decoded.map(|d| d == expected);
                assert_eq!(matches_digest(&expected, &text, "x"), want, "{text:?}");
            }
        }
        // Lengths and multi-byte characters are reported as decoding reports them.
        for text in ["", "007fabff109", "007fabff109cc", "é07fabff109c"] {
            assert_eq!(
                matches_digest(&expected, text, "x"),
                decode_digest::<6>(text, "x").map(|d| d == expected)
            );
        }
    }

    /// A SHA-512-sized digest (what the compiler runs sixteen bytes at a time): every
    /// byte value at every place matches its own hex in either case, and every received
    /// byte below 0x80 at every place answers as decoding does.
    #[test]
    fn matches_digest_of_64_bytes_agrees_with_decoding() {
        let base: [u8; 64] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        for at in 0..64 {
            for b in 0..=255u8 {
                let mut expected = base;
                expected[at] = b;
                let hex = encode(&expected);
                assert_eq!(matches_digest(&expected, &hex, "x"), Ok(true));
                assert_eq!(
                    matches_digest(&expected, &hex.to_uppercase(), "x"),
                    Ok(true)
                );
            }
        }
        let hex = encode(&base);
        for at in 0..128 {
            for byte in 0..=0x7fu8 {
                let mut text = hex.clone().into_bytes();
                text[at] = byte;
                let text = String::from_utf8(text).unwrap();
                let want = decode_digest::<64>(&text, "x").map(|d| d == base);
                assert_eq!(matches_digest(&base, &text, "x"), want, "{text:?}");
            }
        }
    }

    /// The digit computed for each nibble is the table's.
    #[test]
    fn digit_is_the_table() {
        for n in 0..16u8 {
            assert_eq!(digit(n), DIGITS[usize::from(n)]);
        }
    }

    #[test]
    fn decode_word_is_decode_digits_for_every_byte_in_every_position() {
        for byte in 0..=255u8 {
            for position in 0..8 {
                let mut text = *b"09afAF5c";
                text[position] = byte;
                let (bytes, valid) = decode_word(u64::from_le_bytes(text));
                let reference = std::str::from_utf8(&text)
                    .ok()
                    .and_then(|t| decode_digits::<4>(t, "x").ok());
                assert_eq!(valid, reference.is_some(), "{text:?}");
                if let Some(reference) = reference {
                    assert_eq!(bytes, reference, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn decode_digest_is_decode_digits_for_every_edit() {
        let hex = "007fABff109c5aE1";
        for position in 0..hex.len() {
            for replacement in (0..=0x7fu8).map(char::from).chain(['é', '\u{3000}']) {
                let mut text = hex.to_string();
                text.replace_range(position..=position, replacement.encode_utf8(&mut [0; 4]));
                assert_eq!(
                    decode_digest::<8>(&text, "x"),
                    decode_digits::<8>(&text, "x"),
                    "{text:?}"
                );
            }
        }
        assert_eq!(decode_digest::<8>(hex, "x"), decode_digits::<8>(hex, "x"));
        assert!(decode_digest::<8>(hex, "x").is_ok());
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
    fn key_decoding() {
        assert_eq!(decode_key("00fF"), Ok(vec![0, 255]));
        assert!(decode_key("").is_err());
        assert!(decode_key("abc").is_err());
        assert!(decode_key("zz").is_err());
    }
}
