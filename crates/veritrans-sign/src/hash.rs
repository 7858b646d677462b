//! The digests of all three schemes, kept in one place so an algorithm change is one edit.

use hmac::Hmac;
use hmac::digest::{Digest, Key, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

/// Bytes of a SHA-512 / HMAC-SHA512 output.
pub(crate) const SHA512_LEN: usize = 64;
/// Bytes of a SHA-256 output.
pub(crate) const SHA256_LEN: usize = 32;

pub(crate) fn sha512(parts: &[&[u8]]) -> [u8; SHA512_LEN] {
    let mut h = Sha512::new();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; SHA512_LEN];
    out.copy_from_slice(&h.finalize());
    out
}

pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; SHA256_LEN] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; SHA256_LEN];
    out.copy_from_slice(&h.finalize());
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
    let mut out = [0u8; SHA512_LEN];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// Constant-time equality; lengths are public.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
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
}
