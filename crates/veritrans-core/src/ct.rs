//! Constant-time comparison, with `subtle`, once for every crate.

use subtle::ConstantTimeEq;

/// Whether `a` and `b` are equal, in time that depends only on their lengths.
///
/// Use it wherever one side is a secret or derived from one (a signature, a Bearer token,
/// an `Authorization` header): an early exit would tell an attacker how many leading
/// bytes of a guess were right. The lengths are not secret (every digest of a scheme has
/// the same length), so unequal lengths answer `false` at once.
///
/// ```
/// use veritrans_core::ct_eq;
///
/// assert!(ct_eq(b"Bearer abc", b"Bearer abc"));
/// assert!(!ct_eq(b"Bearer abc", b"Bearer abd"));
/// assert!(!ct_eq(b"Bearer abc", b"Bearer ab"));
/// ```
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_counts() {
        let a = [7u8; 64];
        for i in 0..64 {
            let mut b = a;
            b[i] ^= 1;
            assert!(!ct_eq(&a, &b), "byte {i}");
        }
        assert!(ct_eq(&a, &a));
        assert!(ct_eq(b"", b""));
    }
}
