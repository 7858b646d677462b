//! The digests of all three schemes, kept in one place so an algorithm change is one edit.
//!
//! Every digest is fed piece by piece, straight from the received bytes: no input is
//! concatenated into a new buffer before hashing.

use hmac::Hmac;
use hmac::digest::{Digest, Key, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};

/// Bytes of a SHA-512 / HMAC-SHA512 output.
pub(crate) const SHA512_LEN: usize = 64;
/// Bytes of a SHA-256 output.
pub(crate) const SHA256_LEN: usize = 32;

/// An incremental SHA-512 for inputs made of many short pieces (POP's `name=value&…`,
/// the redirect's `ccid ‖ values ‖ key`).
pub(crate) struct Sha512Writer(Sha512);

impl Sha512Writer {
    pub(crate) fn new() -> Self {
        Self(Sha512::new())
    }

    #[inline]
    pub(crate) fn update(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    pub(crate) fn finish(self) -> [u8; SHA512_LEN] {
        self.0.finalize().into()
    }
}

pub(crate) fn sha512(parts: &[&[u8]]) -> [u8; SHA512_LEN] {
    let mut h = Sha512Writer::new();
    for p in parts {
        h.update(p);
    }
    h.finish()
}

pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; SHA256_LEN] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
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
