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
/// The expected digest is written as lowercase hex and compared with the received text
/// a machine word at a time, each received letter folded to lowercase (`| 0x20`), instead
/// of decoding the received digits first: one table lookup per byte instead of two per
/// byte and a branch per digit. Folding also maps the control bytes 0x10–0x19 onto the
/// digits `0`–`9`, so a received byte with neither the 0x20 nor the 0x40 bit (no hex
/// digit of either case lacks both) is counted as a fault in the same pass.
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
    const FOLD: u64 = u64::from_ne_bytes([0x20; 8]);
    const CASE_BITS: u64 = u64::from_ne_bytes([0x60; 8]);
    let (mut diff, mut faults) = (0u64, 0u64);
    // Words in little-endian order, the first digit the least significant byte: the
    // order `digits_le` computes them in.
    let mut compare = |ours: u64, theirs: [u8; 8]| {
        let theirs = u64::from_le_bytes(theirs);
        diff |= (theirs | FOLD) ^ ours;
        faults |= has_zero_byte(theirs & CASE_BITS);
    };
    // Four digest bytes against eight received digits at a time, the expected digits
    // never stored; a shorter tail (no SHA-2 digest has one) is padded alike.
    let (ours, theirs) = (expected.chunks_exact(4), received_bytes.chunks_exact(8));
    let tails = (ours.remainder(), theirs.remainder());
    for (ours, theirs) in ours.zip(theirs) {
        compare(digits_le(ours), padded(theirs));
    }
    compare(u64::from_le_bytes(digits_word(tails.0)), padded(tails.1));
    if bool::from(diff.ct_eq(&0) & faults.ct_eq(&0)) {
        Ok(true)
    } else {
        decode_digest::<N>(received, what).map(|_| false)
    }
}

/// The lowercase hex digits of 4 bytes as one little-endian word (the first digit
/// the least significant byte), computed in the word: each nibble spread into its own
/// byte, then `'0' + n`, plus 39 more (`'a' - '0' - 10`) where `n + 6` carries into
/// bit 4 (`n > 9`). No byte carries into the next (at most 15 + 48 + 39), and nothing
/// depends on the digest's value but the result. A table lookup per byte, as
/// [`digits_word`] does, cost ≈ 465 instructions a SHA-512 comparison (callgrind of
/// `pop_counts verify`).
#[inline]
fn digits_le(bytes: &[u8]) -> u64 {
    const NIBBLES: u64 = 0x000f_000f_000f_000f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut word = [0u8; 4];
    for (w, b) in word.iter_mut().zip(bytes) {
        *w = *b;
    }
    let x = u64::from(u32::from_le_bytes(word));
    // Byte i of the input into the low byte of 16-bit lane i.
    let x = (x | x << 16) & 0x0000_ffff_0000_ffff;
    let x = (x | x << 8) & 0x00ff_00ff_00ff_00ff;
    // Its high nibble into the lane's low byte (the first digit), the low one above.
    let x = (x >> 4) & NIBBLES | (x & NIBBLES) << 8;
    let letters = ((x + 0x0606_0606_0606_0606) >> 4) & ONES;
    // 0xff in each byte that is a letter (the top byte's borrow leaves the word).
    let letter_bytes = (letters << 8).wrapping_sub(letters);
    x + 0x3030_3030_3030_3030 + (letter_bytes & 0x2727_2727_2727_2727)
}

/// The hex digits of up to 4 bytes, padded with `0x20` to 8 bytes.
#[inline]
fn digits_word(bytes: &[u8]) -> [u8; 8] {
    let mut digits = [0x20u8; 8];
    encode_to_slice(bytes, &mut digits);
    digits
}

/// Up to 8 received bytes, padded with `0x20` (as [`digits_word`] pads): padding
/// neither differs nor counts as a fault.
#[inline]
fn padded(bytes: &[u8]) -> [u8; 8] {
    let mut word = [0x20u8; 8];
    for (w, b) in word.iter_mut().zip(bytes) {
        *w = *b;
    }
    word
}

/// Non-zero when a byte of `w` is zero (`w`'s bytes all below 0x80): the classic
/// word-at-a-time test, exact for "any byte".
#[inline]
fn has_zero_byte(w: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    w.wrapping_sub(ONES) & !w & HIGHS
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

    /// The digits computed in a word are the table's, for every byte value in each
    /// of the four places.
    #[test]
    fn digits_le_is_encode() {
        for b in 0..=255u8 {
            for at in 0..4 {
                let mut bytes = [0x5a, 0xff, 0x00, 0xa9];
                bytes[at] = b;
                let word = digits_le(&bytes).to_le_bytes();
                assert_eq!(std::str::from_utf8(&word), Ok(encode(&bytes).as_str()));
            }
        }
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
