//! The digests of all three schemes, kept in one place so an algorithm change is one edit.
//!
//! Every digest is fed piece by piece, straight from the received bytes: no input is
//! concatenated into a new buffer before hashing (the pieces go only into the hasher's
//! own block buffer, `Sha512`'s or [`Sha512Blocks`]'s, or [`sha256`]'s stack blocks for
//! the last partial block).

use hmac::Hmac;
use hmac::digest::{Digest, Key, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};

/// Bytes of a SHA-512 / HMAC-SHA512 output.
pub(crate) const SHA512_LEN: usize = 64;
/// Bytes of a SHA-256 output.
pub(crate) const SHA256_LEN: usize = 32;

/// Blocks [`Sha512Blocks::new`] holds before compressing: 512 bytes, more than a card
/// notification's signed string (about 300); zeroed on every `new`, so no larger.
const STACK_BLOCKS: usize = 4;

/// SHA-512 of a message written in many short pieces into its own stack blocks, which
/// are compressed together (`sha2::block_api::compress512`) when full and at the end.
///
/// Why not `Sha512` itself: it compresses each block the moment it fills, one at
/// a time, and its AVX2 backend schedules two blocks at once only when given two; the
/// one-call floor (`Sha512::digest` of the whole string) gets that pairing, the pieces
/// did not. Here a notification's three blocks go to one `compress512` call, as the
/// floor's do, and each piece is one copy into the buffer (no per-update bookkeeping).
pub(crate) struct Sha512Blocks<const B: usize = STACK_BLOCKS> {
    state: [u64; 8],
    blocks: [[u8; 128]; B],
    /// Bytes written into `blocks` and not yet compressed.
    len: usize,
    /// Bytes already compressed (a multiple of 128).
    done: u64,
}

impl Sha512Blocks {
    pub(crate) fn new() -> Self {
        Self::zeroed()
    }
}

impl<const B: usize> Sha512Blocks<B> {
    /// SHA-512's initial hash value (FIPS 180-4, 5.3.5).
    const IV: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    const CAP: usize = B * 128;

    /// A hasher over `B` zeroed blocks: [`Sha512Blocks::new`]'s four for a POP
    /// notification, two for a shorter message (a redirect's: zeroing four cost more
    /// than the copies saved). At least two: the padding after a partial block can
    /// need a second.
    pub(crate) fn zeroed() -> Self {
        const { assert!(B >= 2, "the padding may take a second block") };
        Self {
            state: Self::IV,
            blocks: [[0; 128]; B],
            len: 0,
            done: 0,
        }
    }

    /// Appends one byte (a separator).
    #[inline]
    pub(crate) fn byte(&mut self, b: u8) {
        if self.len == Self::CAP {
            self.flush();
        }
        self.blocks.as_flattened_mut()[self.len] = b;
        self.len += 1;
    }

    /// Appends `piece`.
    #[inline(always)]
    pub(crate) fn update(&mut self, mut piece: &[u8]) {
        loop {
            let room = Self::CAP - self.len;
            if piece.len() <= room {
                copy_short(self.blocks.as_flattened_mut(), self.len, piece);
                self.len += piece.len();
                return;
            }
            let (now, rest) = piece.split_at(room);
            self.blocks.as_flattened_mut()[self.len..].copy_from_slice(now);
            self.len = Self::CAP;
            self.flush();
            piece = rest;
        }
    }

    /// Appends `name`, `=`, `value` and `&`: one POP pair and the separator after it.
    ///
    /// When the four pieces fit the room left (a notification's always do), they are
    /// written with one check of the room instead of one per piece.
    #[inline(always)]
    pub(crate) fn pair(&mut self, name: &[u8], value: &[u8]) {
        let at = self.len;
        // Two slices' lengths add up to less than `usize::MAX`.
        if name.len() + value.len() < (Self::CAP - at).saturating_sub(1) {
            let flat = self.blocks.as_flattened_mut();
            copy_short(flat, at, name);
            let eq = at + name.len();
            flat[eq] = b'=';
            copy_short(flat, eq + 1, value);
            let amp = eq + 1 + value.len();
            flat[amp] = b'&';
            self.len = amp + 1;
        } else {
            self.update(name);
            self.byte(b'=');
            self.update(value);
            self.byte(b'&');
        }
    }

    /// Calls `f` with a [`Fitted`] writer over the blocks when `most` more bytes fit
    /// them, and gives back its answer (`None`, `f` not called, when they may not
    /// fit). Writing more than `most` through it panics at a slice bound.
    #[inline(always)]
    pub(crate) fn fitted<R>(
        &mut self,
        most: usize,
        f: impl FnOnce(&mut Fitted<'_>) -> R,
    ) -> Option<R> {
        if most > Self::CAP - self.len {
            return None;
        }
        let mut w = Fitted {
            flat: self.blocks.as_flattened_mut(),
            at: self.len,
        };
        let answer = f(&mut w);
        self.len = w.at;
        Some(answer)
    }

    /// Replaces the last byte written with `b`. A write leaves its last byte in the
    /// buffer (blocks are compressed only before more is written), so after any write
    /// there is one; without any this does nothing.
    #[inline]
    pub(crate) fn replace_last(&mut self, b: u8) {
        if let Some(last) = self.len.checked_sub(1) {
            self.blocks.as_flattened_mut()[last] = b;
        }
    }

    /// Compresses the whole blocks written so far and keeps the partial one.
    fn flush(&mut self) {
        let full = self.len / 128;
        sha2::block_api::compress512(&mut self.state, &self.blocks[..full]);
        self.done += (full * 128) as u64;
        self.blocks
            .as_flattened_mut()
            .copy_within(full * 128..self.len, 0);
        self.len %= 128;
    }

    /// The digest: the padding of FIPS 180-4 5.1.2 (a one bit, zeros, the length in
    /// bits as 128 bits big-endian) written after the message, then every block
    /// compressed in one call. By reference, though it ends the hasher: taken by value
    /// (not inlined), the caller copied the hasher's 600 bytes into the call with
    /// `memcpy` (88 instructions, callgrind of `pop_counts verify`).
    pub(crate) fn finish(&mut self) -> [u8; SHA512_LEN] {
        if self.len + 17 > Self::CAP {
            self.flush();
        }
        let bits = (u128::from(self.done) + self.len as u128) * 8;
        let blocks = (self.len + 17).div_ceil(128);
        let end = blocks * 128;
        let flat = self.blocks.as_flattened_mut();
        flat[self.len] = 0x80;
        flat[self.len + 1..end - 16].fill(0);
        flat[end - 16..end].copy_from_slice(&bits.to_be_bytes());
        sha2::block_api::compress512(&mut self.state, &self.blocks[..blocks]);
        let mut out = [0u8; SHA512_LEN];
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// Where POP pairs (`name=value&`) are written: the hasher itself, which checks its
/// room for each pair, or a [`Fitted`] writer for a message known to fit its blocks.
pub(crate) trait Pairs {
    fn pair(&mut self, name: &[u8], value: &[u8]);
}

impl Pairs for Sha512Blocks {
    #[inline(always)]
    fn pair(&mut self, name: &[u8], value: &[u8]) {
        Sha512Blocks::pair(self, name, value);
    }
}

/// The blocks of a [`Sha512Blocks`] written through a cursor of their own, with no
/// room checks and no flush (given by [`Sha512Blocks::fitted`] only when what will be
/// written fits). The cursor is a local the compiler keeps in a register: the
/// hasher's own `len` was reloaded from memory after every byte stored into its
/// blocks, and a card push's 13 pairs took ≈ 85 instructions each that way
/// (callgrind of `pop_counts verify`).
pub(crate) struct Fitted<'h> {
    flat: &'h mut [u8],
    at: usize,
}

impl Pairs for Fitted<'_> {
    #[inline(always)]
    fn pair(&mut self, name: &[u8], value: &[u8]) {
        let at = self.at;
        copy_short(self.flat, at, name);
        let eq = at + name.len();
        self.flat[eq] = b'=';
        copy_short(self.flat, eq + 1, value);
        let amp = eq + 1 + value.len();
        self.flat[amp] = b'&';
        self.at = amp + 1;
    }
}

/// `dst[at..at + src.len()] = src`, inlined for the short names and values of a
/// notification: up to 32 bytes are two fixed-size (possibly overlapping) copies
/// instead of a call to `memcpy`, which cost about as much as the copy itself for the
/// 26 pieces of a card notification (a probe: ≈ 70 ns for the copies with `memcpy`).
#[inline(always)]
fn copy_short(dst: &mut [u8], at: usize, src: &[u8]) {
    let n = src.len();
    let dst = &mut dst[at..at + n];
    if let (Some(head), Some(tail)) = (src.first_chunk::<16>(), src.last_chunk::<16>()) {
        if n <= 32 {
            dst[..16].copy_from_slice(head);
            dst[n - 16..].copy_from_slice(tail);
            return;
        }
    } else if let (Some(head), Some(tail)) = (src.first_chunk::<8>(), src.last_chunk::<8>()) {
        dst[..8].copy_from_slice(head);
        dst[n - 8..].copy_from_slice(tail);
        return;
    } else if let (Some(head), Some(tail)) = (src.first_chunk::<4>(), src.last_chunk::<4>()) {
        dst[..4].copy_from_slice(head);
        dst[n - 4..].copy_from_slice(tail);
        return;
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
        return;
    }
    dst.copy_from_slice(src);
}

pub(crate) fn sha512(parts: &[&[u8]]) -> [u8; SHA512_LEN] {
    let mut h = Sha512::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// SHA-256 of `message ‖ suffix` (an MPI push body and the server key).
///
/// The message's whole blocks are compressed in place, in one `compress256` call; its
/// last partial block, the suffix and the padding (FIPS 180-4 5.1.1) are written into
/// two stack blocks and compressed in a second. This is what `Sha256::digest` does with
/// one slice; fed the two pieces, `Sha256` did ≈ 40 more instructions of buffer
/// bookkeeping per call, a tenth of all `mpi::verify` adds to the hash (cachegrind).
pub(crate) fn sha256(message: &[u8], suffix: &[u8]) -> [u8; SHA256_LEN] {
    const IV: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let (whole, rest) = message.as_chunks::<64>();
    let tail_len = rest.len() + suffix.len();
    let mut tail = [[0u8; 64]; 2];
    // A rest, a suffix, the 0x80 byte and the 8-byte length in two blocks; a longer
    // suffix (no key is) takes the general hasher.
    if tail_len + 9 > 128 {
        let mut h = Sha256::new();
        h.update(message);
        h.update(suffix);
        return h.finalize().into();
    }
    let mut state = IV;
    sha2::block_api::compress256(&mut state, whole);
    let flat = tail.as_flattened_mut();
    flat[..rest.len()].copy_from_slice(rest);
    flat[rest.len()..tail_len].copy_from_slice(suffix);
    flat[tail_len] = 0x80;
    let blocks = (tail_len + 9).div_ceil(64);
    let bits = (message.len() as u64 + suffix.len() as u64) * 8;
    flat[blocks * 64 - 8..blocks * 64].copy_from_slice(&bits.to_be_bytes());
    sha2::block_api::compress256(&mut state, &tail[..blocks]);
    let mut out = [0u8; SHA256_LEN];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

type HmacSha512 = Hmac<Sha512>;

pub(crate) fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> [u8; SHA512_LEN] {
    // RFC 2104 key preparation done here (hash if longer than a block, zero-pad) so the
    // infallible `KeyInit::new` can be used instead of unwrapping `new_from_slice`.
    let mut block = Key::<HmacSha512>::default();
    if key.len() > block.len() {
        block[..SHA512_LEN].copy_from_slice(&sha512(&[key]));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <HmacSha512 as KeyInit>::new(&block);
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Constant-time equality of two digests, a machine word at a time: `subtle` compares
/// each word without branching on its value, and the words are combined the same way.
pub(crate) fn ct_eq<const N: usize>(a: &[u8; N], b: &[u8; N]) -> bool {
    let mut same = Choice::from(1);
    for (x, y) in a.chunks(8).zip(b.chunks(8)) {
        same &= word(x).ct_eq(&word(y));
    }
    bool::from(same)
}

/// Up to 8 bytes as one word (a short last chunk is zero-padded on both sides alike).
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..bytes.len()].copy_from_slice(bytes);
    u64::from_ne_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::encode;

    #[test]
    fn hmac_long_key_matches_rfc4231_case_6() {
        // RFC 4231 test case 6: 131-byte key 0xaa.., "Test Using Larger Than Block-Size Key - Hash Key First"
        let key = [0xaau8; 131];
        let mac = hmac_sha512(
            &key,
            &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
        );
        assert_eq!(
            encode(&mac),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
        );
    }

    #[test]
    fn hmac_short_key_matches_rfc4231_case_1() {
        let key = [0x0bu8; 20];
        let mac = hmac_sha512(&key, &[b"Hi ", b"There"]);
        assert_eq!(
            encode(&mac),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        );
    }

    /// FIPS 180-4 SHA-512 against `sha2`'s own hasher, for every length across the
    /// padding boundaries (111/112 bytes in a block) and the stack buffer's size, and
    /// for the same message cut into pieces of every size.
    #[test]
    fn blocks_match_sha512_at_every_length_and_cut() {
        blocks_match_sha512::<STACK_BLOCKS>();
        // A redirect's two blocks flush at every 256 bytes.
        blocks_match_sha512::<2>();
    }

    fn blocks_match_sha512<const B: usize>() {
        let message: Vec<u8> = (0..2 * 8 * 128 + 300).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..message.len() {
            let m = &message[..len];
            let mut h = Sha512Blocks::<B>::zeroed();
            h.update(m);
            assert_eq!(h.finish(), sha512(&[m]), "{B} blocks, length {len}");
        }
        // Every branch of `copy_short` (0-3, 4-7, 8-16, 17-32, over 32 bytes).
        for cut in (1..=40).chain([127, 128, 129, 1000, 1024, 1025]) {
            let mut h = Sha512Blocks::<B>::zeroed();
            for piece in message.chunks(cut) {
                if piece.len() == 1 {
                    h.byte(piece[0]);
                } else {
                    h.update(piece);
                }
            }
            assert_eq!(
                h.finish(),
                sha512(&[&message]),
                "{B} blocks, pieces of {cut}"
            );
        }
    }

    /// Pairs written with `pair` (room checked, flushing as needed) and through
    /// `fitted` (when they fit) hash as the joined string does, the last `&` replaced
    /// by `:`, for pairs of every short length and strings across the 512-byte buffer.
    #[test]
    fn pairs_hash_as_the_joined_string() {
        let text: Vec<u8> = (0..400).map(|i| b'a' + (i % 26) as u8).collect();
        for count in [0usize, 1, 2, 5, 13, 40] {
            for long in [0usize, 3, 17, 33, 150] {
                let pairs: Vec<(&[u8], &[u8])> = (0..count)
                    .map(|i| (&text[..i % 11], &text[..(i * 7 + long) % 300]))
                    .collect();
                let mut joined = Vec::new();
                for (name, value) in &pairs {
                    joined.extend_from_slice(name);
                    joined.push(b'=');
                    joined.extend_from_slice(value);
                    joined.push(b'&');
                }
                let total = joined.len();
                if let Some(last) = joined.last_mut() {
                    *last = b':';
                }
                let expected = sha512(&[&joined]);

                let mut checked = Sha512Blocks::new();
                for (name, value) in &pairs {
                    checked.pair(name, value);
                }
                checked.replace_last(b':');
                assert_eq!(checked.finish(), expected, "{count} pairs, {total} bytes");

                let mut fitted = Sha512Blocks::new();
                let wrote = fitted.fitted(total, |w| {
                    for (name, value) in &pairs {
                        Pairs::pair(w, name, value);
                    }
                });
                assert_eq!(
                    wrote.is_some(),
                    total <= 512,
                    "{count} pairs, {total} bytes"
                );
                if wrote.is_some() {
                    fitted.replace_last(b':');
                    assert_eq!(fitted.finish(), expected, "{count} pairs, {total} bytes");
                }
            }
        }
    }

    /// `sha256` against `sha2`'s own hasher at every message length across two blocks
    /// and the padding boundaries (55/56 bytes in a block), with suffixes of every length
    /// up to the general path's and past it.
    #[test]
    fn sha256_matches_sha2_at_every_length_and_suffix() {
        let bytes: Vec<u8> = (0..400).map(|i| (i * 13 + 5) as u8).collect();
        for len in 0..200 {
            for suffix in [0, 1, 8, 19, 55, 56, 63, 64, 100, 130] {
                let (m, k) = (&bytes[..len], &bytes[200..200 + suffix]);
                let want: [u8; SHA256_LEN] = Sha256::new()
                    .chain_update(m)
                    .chain_update(k)
                    .finalize()
                    .into();
                assert_eq!(sha256(m, k), want, "length {len}, suffix {suffix}");
            }
        }
    }

    /// The FIPS 180-2 appendix C examples ("abc" and the two-block message).
    #[test]
    fn blocks_match_the_fips_examples() {
        let mut h = Sha512Blocks::new();
        h.update(b"abc");
        assert_eq!(
            encode(&h.finish()),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        let mut h = Sha512Blocks::new();
        h.update(b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu");
        assert_eq!(
            encode(&h.finish()),
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
        );
    }

    #[test]
    fn ct_eq_sees_every_byte() {
        let a = [7u8; SHA512_LEN];
        assert!(ct_eq(&a, &a));
        for i in 0..SHA512_LEN {
            let mut b = a;
            b[i] ^= 1;
            assert!(!ct_eq(&a, &b), "byte {i}");
        }
        let c = [1u8, 2, 3];
        assert!(ct_eq(&c, &c));
        assert!(!ct_eq(&c, &[1, 2, 4]));
    }
}
