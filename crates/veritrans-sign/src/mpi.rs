//! VeriTrans 3-D Secure (MPI): the `Authorization` header of PUSH notifications.
//!
//! ```text
//! Authorization: Basic {lowercase_hex(SHA-256(raw body ‖ server key))}
//! ```
//!
//! "Basic" here is only a label: the value is a digest, not Base64 credentials. The
//! guide says "Connect the Server Key to the end of the Request Body, and Sha-256 hashed
//! string" without naming how the digest is written: hex is this crate's reading.

use crate::error::Error;
use crate::hash::{self, SHA256_LEN};
use crate::{MpiServerKey, hex};

const HEADER: &str = "Authorization";
const WHAT: &str = "MPI push signature";

fn digest(body: &[u8], key: &MpiServerKey) -> [u8; SHA256_LEN] {
    hash::sha256(body, key.expose_secret().as_bytes())
}

/// The `Authorization` value for a PUSH body: `Basic ` + hex SHA-256 of `body ‖ key`.
///
/// Sign the exact bytes you send. Useful to test a PUSH handler.
///
/// ```
/// use veritrans_sign::{mpi, MpiServerKey};
///
/// let key = MpiServerKey::new("mpi-server-key");
/// let value = mpi::authorization(br#"{"push_id":"00000080"}"#, &key);
/// assert!(value.starts_with("Basic "));
/// assert_eq!(value.len(), "Basic ".len() + 64);
/// ```
pub fn authorization(body: &[u8], key: &MpiServerKey) -> String {
    hex::encode_prefixed("Basic ", &digest(body, key))
}

/// Verifies a PUSH notification: `body` is the raw request body exactly as received,
/// `authorization_header` the `Authorization` value (a whole `Authorization: …` line is
/// accepted too). The scheme `Basic` is matched ignoring ASCII case, the hex digits in
/// either case, and the comparison is constant-time.
///
/// # Errors
/// [`Error::MalformedHeader`] without the `Basic ` scheme; [`Error::MalformedSignature`]
/// when the digest is not 64 hex digits; [`Error::EmptyBody`]; [`Error::BodyTooLarge`]
/// over [`MAX_INPUT_LEN`](crate::MAX_INPUT_LEN); [`Error::SignatureMismatch`].
///
/// ```
/// use veritrans_sign::{mpi, Error, MpiServerKey};
///
/// let key = MpiServerKey::new("mpi-server-key");
/// let body = br#"{"push_id":"00000080"}"#;
/// let header = mpi::authorization(body, &key);
/// assert_eq!(mpi::verify(body, &header, &key), Ok(()));
/// assert_eq!(
///     mpi::verify(br#"{"push_id":"00000081"}"#, &header, &key),
///     Err(Error::SignatureMismatch { what: "MPI push signature" })
/// );
/// ```
pub fn verify(body: &[u8], authorization_header: &str, key: &MpiServerKey) -> Result<(), Error> {
    let hex_digest = match canonical_digest(authorization_header) {
        Some(hex_digest) => hex_digest,
        None => parse_header(authorization_header)?,
    };
    if let Err(body_error) = crate::check_body(body, "MPI push body") {
        // A malformed signature is reported before a bad body, as it always was.
        hex::decode_digest::<SHA256_LEN>(hex_digest, WHAT)?;
        return Err(body_error);
    }
    if hex::matches_digest(&digest(body, key), hex_digest, WHAT)? {
        Ok(())
    } else {
        Err(Error::SignatureMismatch { what: WHAT })
    }
}

/// The digest of a value written the way [`authorization`] writes it (`Basic ` and 64
/// characters, the scheme in any case): the usual case, read without the general parse.
///
/// The scheme is compared as one word: `| 0x20` on its five letters maps each letter's
/// two cases onto the lowercase one and nothing else there, the space is compared as it
/// is; byte by byte (`eq_ignore_ascii_case`) it was 80 of the ≈ 400 instructions
/// `verify` adds to the hash (cachegrind, the guide's push).
fn canonical_digest(header: &str) -> Option<&str> {
    const SCHEME: [u8; 6] = *b"Basic ";
    /// The case bit (0x20) of each letter of the scheme.
    const CASE: u64 = {
        let (mut bits, mut i) = (0, 0);
        while i < SCHEME.len() {
            if SCHEME[i].is_ascii_alphabetic() {
                bits |= 0x20 << (8 * i);
            }
            i += 1;
        }
        bits
    };
    const LOWER: u64 = word(SCHEME) | CASE;
    if word(*header.as_bytes().first_chunk::<6>()?) | CASE != LOWER {
        return None;
    }
    // The first six bytes are ASCII, so this is a character boundary.
    let rest = header.get(SCHEME.len()..)?;
    // With a letter or digit at either end (no whitespace there), the general parse
    // would trim nothing either.
    let ends = rest.as_bytes().first().zip(rest.as_bytes().last());
    let plain = rest.len() == 2 * SHA256_LEN
        && ends.is_some_and(|(a, z)| a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric());
    plain.then_some(rest)
}

/// Six bytes as a little-endian word.
const fn word(bytes: [u8; 6]) -> u64 {
    let [a, b, c, d, e, f] = bytes;
    u64::from_le_bytes([a, b, c, d, e, f, 0, 0])
}

/// The digest of any accepted form: an optional `Authorization:` name, surrounding
/// whitespace, the scheme `Basic` in any case, then the digest after whitespace.
fn parse_header(authorization_header: &str) -> Result<&str, Error> {
    let malformed = |reason: &str| Error::MalformedHeader {
        header: HEADER,
        reason: reason.into(),
    };
    if authorization_header.len() > crate::unified::MAX_HEADER_LEN {
        return Err(malformed("longer than the maximum header length"));
    }
    let value = crate::unified::strip_header_name(authorization_header, HEADER);
    let (scheme, hex_digest) = value
        .split_once(char::is_whitespace)
        .ok_or_else(|| malformed("expected `Basic <64 hex digits>`"))?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return Err(malformed("the scheme is not `Basic`"));
    }
    Ok(hex_digest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The verification as it was before the fast paths: the general header parse, the
    /// received digits decoded, then compared.
    fn reference(body: &[u8], header: &str, key: &MpiServerKey) -> Result<(), Error> {
        let hex_digest = parse_header(header)?;
        let received = hex::decode_digest::<SHA256_LEN>(hex_digest, WHAT)?;
        crate::check_body(body, "MPI push body")?;
        if hash::ct_eq(&digest(body, key), &received) {
            Ok(())
        } else {
            Err(Error::SignatureMismatch { what: WHAT })
        }
    }

    proptest! {
        /// Any edit of a valid header (a character replaced, inserted or removed, the
        /// case changed, whitespace or the header name around it) and an empty body give
        /// the same result, error included, as the reference.
        #[test]
        fn verify_is_the_reference_for_edited_headers(
            position in 0usize..80,
            replacement in prop::sample::select(vec![
                "", " ", "\t", "\u{3000}", "0", "f", "F", "g", ":", "\u{10}", "é", "Basic ", "  ",
            ]),
            remove in 0usize..3,
            prefix in prop::sample::select(vec!["", "Authorization: ", " ", "basic-"]),
            upper in any::<bool>(),
            empty_body in any::<bool>(),
        ) {
            let key = MpiServerKey::new("mpi-server-key");
            let body: &[u8] = if empty_body { b"" } else { br#"{"push_id":"00000080"}"# };
            let valid = authorization(br#"{"push_id":"00000080"}"#, &key);
            let valid = if upper { valid.to_uppercase() } else { valid };
            let chars: Vec<char> = valid.chars().collect();
            let at = position.min(chars.len());
            let end = (at + remove).min(chars.len());
            let edited: String = chars[..at].iter().collect::<String>()
                + replacement
                + &chars[end..].iter().collect::<String>();
            let header = format!("{prefix}{edited}");
            prop_assert_eq!(verify(body, &header, &key), reference(body, &header, &key));
        }
    }
}
