//! Signature schemes of the VeriTrans notifications: VeriTrans4G POP, the VeriTrans4G
//! Unified API and VeriTrans 3-D Secure (MPI).
//!
//! Verify every notification with this crate **before** parsing it into anything typed.
//! Every check here is all-or-nothing (`Ok(())` only on a constant-time match), every
//! failure is a distinct [`Error`] variant, and secret keys live in [`PopServerKey`],
//! [`MerchantAuthKey`] and [`MpiServerKey`], whose `Debug` and `Display` print
//! `[redacted]`. No HTTP, no async: hand in the bytes and header values you received.
//!
//! Inputs larger than [`MAX_INPUT_LEN`] (1 MiB) are rejected with
//! [`Error::BodyTooLarge`] before any hashing; every notification of these gateways is
//! far smaller.
//!
//! # POP (module [`pop`])
//!
//! *Requests* carry `Authorization: Basic {Base64(POP_SERVER_KEY + ":")}`
//! ([`pop::authorization`]; the guide's example `Test-POP-Server-Key` →
//! `VGVzdC1QT1AtU2VydmVyLUtleTo=` is a test).
//!
//! *Notifications* (the redirect to `success_url`/`failure_url` as a form body, and the
//! push to `push_url` as JSON) carry `signature` =
//! lowercase hex SHA-512 of `name1=value1&…&nameN=valueN:POP_SERVER_KEY`, over every
//! received parameter except `signature`, sorted by name in byte order. Decode the body
//! with [`pop::form_params`] or [`pop::json_params`], then [`pop::verify`]. A received
//! signature is accepted in either hex case; duplicate names are rejected.
//!
//! ```
//! use veritrans_sign::{pop, PopServerKey};
//!
//! let key = PopServerKey::new("Test-POP-Server-Key");
//! let sig = pop::sign(&[("order_id", "ORDER-0001"), ("status", "success")], &key);
//! let body = format!("order_id=ORDER-0001&status=success&signature={sig}");
//! let params = pop::form_params(body.as_bytes())?;
//! pop::verify(&params, &key)?;
//! # Ok::<(), veritrans_sign::Error>(())
//! ```
//!
//! # Unified API webhook (`X-VT-Content-hmac`)
//!
//! Header `X-VT-Content-hmac: h=HmacSHA512;s={merchant CCID};v={hex}`. The guide says the
//! value is "HmacSHA512" of `CCID ‖ request body ‖ merchant authentication key` but does
//! not name the HMAC key. **This crate keys the HMAC with the authentication key's UTF-8
//! bytes** and MACs `CCID ‖ raw body ‖ key`, lowercase hex (128 digits). The 4G MDK decodes
//! its secret key from hex; [`MerchantAuthKey::with_hex_hmac_key`] opts into that key
//! derivation (the message stays the same). The body is the raw bytes as received: JSON
//! re-serialisation changes spacing and order and so the MAC.
//!
//! The guide's sample header `v=915dd44f…224374` is only 64 hex digits — shorter than any
//! HMAC-SHA512 output — and its inputs are not fully given, so it cannot be reproduced;
//! this crate rejects it as [`Error::MalformedSignature`] (a test shows this).
//!
//! # Unified API redirect (`vAuthInfo` / `authParams`)
//!
//! The redirect's query carries `authParams` = Base64 of a comma-separated list of names
//! (in any order, names may repeat) and `vAuthInfo` = lowercase hex SHA-512 of
//! `CCID ‖ value of each listed name, in that order ‖ key`. [`unified::verify_redirect`]
//! accepts `authParams` in standard or URL-safe Base64, with or without padding, and in
//! the MDK variant (`=`→`*`, `/`→`-`, `+`→`_`, and `+` arriving as a space). It then
//! requires `paymentId` to equal the one the merchant expects, as the guide insists: a
//! valid redirect of another order could otherwise be replayed.
//!
//! # MPI push (module [`mpi`])
//!
//! `Authorization: Basic {lowercase hex SHA-256(raw body ‖ server key)}`.
//!
//! # Interpretations where the guides are silent
//!
//! Each is deliberate, documented where it applies, and tested:
//!
//! - POP "alphabetical order" is byte order of the names (identical for the gateway's
//!   lowercase names); a name received twice is an error, since which value was signed is
//!   ambiguous.
//! - POP JSON pushes: numbers are signed as written in the body, `null`, objects and
//!   arrays are rejected ([`pop::json_params`]).
//! - Webhook HMAC key: the key's UTF-8 bytes by default, hex-decoded on request
//!   ([`HmacKeyMode`]); the message is `CCID ‖ raw body ‖ key text` either way. `h` is
//!   compared ignoring ASCII case, unknown header fields are ignored, a repeated field is
//!   an error.
//! - Redirect: a name listed in `authParams` but not received is an error (not an empty
//!   string); one received twice is an error; `paymentId` must itself be listed in
//!   `authParams`, or the replay check it enables would rest on an unsigned value.
//! - Oversized inputs ([`MAX_INPUT_LEN`], headers over [`unified::MAX_HEADER_LEN`]) and
//!   empty bodies are errors before any hashing.
//!
//! # Features
//! `json` (default): [`pop::json_params`], using `serde_json`.
#![forbid(unsafe_code)]

mod error;
mod form;
mod hash;
mod hex;
mod keys;

pub mod mpi;
pub mod pop;
pub mod unified;

pub use error::{Error, SignatureDefect};
pub use keys::{HmacKeyMode, MerchantAuthKey, MpiServerKey, PopServerKey};

/// The largest body, query string or parameter set (names plus values) accepted, in bytes.
///
/// Larger inputs get [`Error::BodyTooLarge`] before any hashing or parsing.
///
/// ```
/// use veritrans_sign::{mpi, Error, MpiServerKey, MAX_INPUT_LEN};
///
/// let key = MpiServerKey::new("k");
/// let body = vec![b'x'; MAX_INPUT_LEN + 1];
/// let header = mpi::authorization(&body, &key);
/// assert!(matches!(mpi::verify(&body, &header, &key), Err(Error::BodyTooLarge { .. })));
/// ```
pub const MAX_INPUT_LEN: usize = 1024 * 1024;

pub(crate) fn check_body(body: &[u8], what: &'static str) -> Result<(), Error> {
    if body.is_empty() {
        return Err(Error::EmptyBody { what });
    }
    if body.len() > MAX_INPUT_LEN {
        return Err(Error::BodyTooLarge {
            what,
            len: body.len(),
            max: MAX_INPUT_LEN,
        });
    }
    Ok(())
}
