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
    hash::sha256(&[body, key.expose_secret().as_bytes()])
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
    let mut value = String::with_capacity("Basic ".len() + 2 * SHA256_LEN);
    value.push_str("Basic ");
    hex::encode_into(&mut value, &digest(body, key));
    value
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
    let received = hex::decode_digest::<SHA256_LEN>(hex_digest.trim(), WHAT)?;
    crate::check_body(body, "MPI push body")?;
    if hash::ct_eq(&digest(body, key), &received) {
        Ok(())
    } else {
        Err(Error::SignatureMismatch { what: WHAT })
    }
}
