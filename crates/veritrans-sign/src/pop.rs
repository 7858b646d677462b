//! VeriTrans4G POP: the `Authorization` header of requests and the `signature` of
//! redirect and push notifications.
//!
//! The notification signature is, per the guide's "Handling Notifications":
//!
//! ```text
//! signature = lowercase_hex( SHA-512( name1=value1&name2=value2&…&nameN=valueN + ":" + POP_SERVER_KEY ) )
//! ```
//!
//! over **every** received parameter except `signature` (including parameters this library
//! does not know), sorted by name. "Alphabetical order" is taken as byte order of the
//! names, which is alphabetical for the gateway's lowercase `snake_case` names. Values are
//! the decoded text: form bodies are percent-decoded (`+` is a space) first, JSON push
//! bodies contribute each member's text (strings unquoted, numbers as written, booleans
//! as `true`/`false`).

use crate::error::Error;
use crate::hash::{self, SHA512_LEN};
use crate::{MAX_INPUT_LEN, PopServerKey, check_body, hex};
use base64::Engine as _;

/// The name of the parameter that carries the signature.
///
/// ```
/// use veritrans_sign::{pop, PopServerKey};
/// let key = PopServerKey::new("k");
/// // `sign` skips it, so signing already-signed parameters gives the same value.
/// let sig = pop::sign(&[("a", "1")], &key);
/// assert_eq!(pop::sign(&[("a", "1"), (pop::SIGNATURE_PARAM, sig.as_str())], &key), sig);
/// ```
pub const SIGNATURE_PARAM: &str = "signature";

const WHAT: &str = "POP signature";

/// The `Authorization` header value of a POP request: `Basic ` + [`auth_string`].
///
/// Basic authentication with the server key as user name and an empty password.
///
/// ```
/// use veritrans_sign::{pop, PopServerKey};
///
/// // The guide's own example ("Request Headers").
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// assert_eq!(pop::authorization(&key), "Basic VGVzdC1QT1AtU2VydmVyLUtleTo=");
/// ```
pub fn authorization(key: &PopServerKey) -> String {
    format!("Basic {}", auth_string(key))
}

/// The guide's `AUTH_STRING`: `Base64(POP_SERVER_KEY + ":")`, without the `Basic ` prefix.
///
/// ```
/// use veritrans_sign::{pop, PopServerKey};
///
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// assert_eq!(pop::auth_string(&key), "VGVzdC1QT1AtU2VydmVyLUtleTo=");
/// ```
pub fn auth_string(key: &PopServerKey) -> String {
    let mut user_pass = String::with_capacity(key.expose_secret().len() + 1);
    user_pass.push_str(key.expose_secret());
    user_pass.push(':');
    base64::engine::general_purpose::STANDARD.encode(user_pass)
}

/// The exact string the signature is a digest of, minus the `:` + key suffix.
fn signing_input<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != SIGNATURE_PARAM)
        .collect();
    // Stable, so `sign` of duplicate names keeps their given order; `verify` rejects them.
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut input = String::new();
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            input.push('&');
        }
        input.push_str(k);
        input.push('=');
        input.push_str(v);
    }
    input
}

fn digest<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)], key: &PopServerKey) -> [u8; SHA512_LEN] {
    let input = signing_input(params);
    hash::sha512(&[input.as_bytes(), b":", key.expose_secret().as_bytes()])
}

/// The lowercase hex signature of `params`; a `signature` parameter among them is skipped.
///
/// Useful to produce test notifications. Duplicate names are signed in their given order,
/// but [`verify`] rejects them.
///
/// ```
/// use veritrans_sign::{pop, PopServerKey};
///
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// let sig = pop::sign(&[("order_id", "ORDER-0001"), ("dummy", "true")], &key);
/// assert_eq!(sig.len(), 128);
/// // Parameter order does not matter: they are sorted by name.
/// assert_eq!(sig, pop::sign(&[("dummy", "true"), ("order_id", "ORDER-0001")], &key));
/// ```
pub fn sign<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)], key: &PopServerKey) -> String {
    hex::encode(&digest(params, key))
}

/// Verifies a received notification: `params` are **all** received parameters, including
/// `signature`. `Ok(())` only when the signature matches (compared in constant time).
///
/// # Errors
/// [`Error::MissingParameter`] without `signature`; [`Error::DuplicateParameter`] when any
/// name appears twice; [`Error::MalformedSignature`] when `signature` is not 128 hex digits
/// (either case); [`Error::BodyTooLarge`] when names and values together exceed
/// [`MAX_INPUT_LEN`]; [`Error::SignatureMismatch`] otherwise when it does not match.
///
/// ```
/// use veritrans_sign::{pop, Error, PopServerKey};
///
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// let mut params = vec![("order_id", "ORDER-0001".to_string()), ("status", "success".to_string())];
/// let sig = pop::sign(&params, &key);
/// params.push(("signature", sig));
/// assert_eq!(pop::verify(&params, &key), Ok(()));
///
/// params[1].1 = "failure".into();
/// assert_eq!(pop::verify(&params, &key), Err(Error::SignatureMismatch { what: "POP signature" }));
/// ```
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    key: &PopServerKey,
) -> Result<(), Error> {
    let total: usize = params
        .iter()
        .map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    if total > MAX_INPUT_LEN {
        return Err(Error::BodyTooLarge {
            what: "POP parameters",
            len: total,
            max: MAX_INPUT_LEN,
        });
    }
    reject_duplicates(params.iter().map(|(k, _)| k.as_ref()))?;
    let received = params
        .iter()
        .find(|(k, _)| k.as_ref() == SIGNATURE_PARAM)
        .map(|(_, v)| v.as_ref())
        .ok_or_else(|| Error::MissingParameter {
            name: SIGNATURE_PARAM.into(),
        })?;
    let received = hex::decode_digest::<SHA512_LEN>(received, WHAT)?;
    if hash::ct_eq(&digest(params, key), &received) {
        Ok(())
    } else {
        Err(Error::SignatureMismatch { what: WHAT })
    }
}

fn reject_duplicates<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    match names.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(Error::DuplicateParameter {
            name: w[0].to_string(),
        }),
        None => Ok(()),
    }
}

/// Decodes an `application/x-www-form-urlencoded` body (a redirect notification) into
/// its parameters, in received order, ready for [`verify`].
///
/// Names and values are percent-decoded and `+` becomes a space before signing. Empty
/// segments (`a=1&&b=2`) are skipped; `name` without `=` has an empty value.
///
/// # Errors
/// [`Error::EmptyBody`], [`Error::BodyTooLarge`] (over [`MAX_INPUT_LEN`]),
/// [`Error::InvalidPercentEncoding`], [`Error::InvalidUtf8`] and
/// [`Error::DuplicateParameter`] (a repeated name makes the signed value ambiguous).
///
/// ```
/// use veritrans_sign::{pop, Error};
///
/// let params = pop::form_params(b"order_id=ORDER-0001&status=success&note=a+b%21").unwrap();
/// assert_eq!(params[2], ("note".to_string(), "a b!".to_string()));
///
/// assert_eq!(
///     pop::form_params(b"a=1&a=2"),
///     Err(Error::DuplicateParameter { name: "a".into() })
/// );
/// ```
pub fn form_params(body: &[u8]) -> Result<Vec<(String, String)>, Error> {
    check_body(body, "form body")?;
    let pairs = crate::form::parse(body, "form body")?;
    reject_duplicates(pairs.iter().map(|(k, _)| k.as_str()))?;
    Ok(pairs)
}

/// Decodes a flat JSON object (a push notification) into `(name, text)` pairs, in
/// received order, ready for [`verify`].
///
/// Strings contribute their unescaped content (no quotes); numbers exactly as written in
/// the body (`10000`, `1.50`); booleans `true`/`false`. `null`, objects and arrays are
/// rejected: the guide lists only scalar parameters and does not say what text a `null`
/// would be signed as, so guessing could only produce false "valid"s or false alarms.
///
/// # Errors
/// [`Error::EmptyBody`], [`Error::BodyTooLarge`], [`Error::InvalidUtf8`],
/// [`Error::InvalidJson`], [`Error::NotFlatJson`], [`Error::DuplicateParameter`].
///
/// ```
/// use veritrans_sign::pop;
///
/// let params = pop::json_params(br#"{"order_id":"ORDER-0001","gross_amount":10000,"dummy":true}"#).unwrap();
/// assert_eq!(
///     params,
///     [("order_id", "ORDER-0001"), ("gross_amount", "10000"), ("dummy", "true")]
///         .map(|(k, v)| (k.to_string(), v.to_string()))
/// );
/// ```
#[cfg(feature = "json")]
pub fn json_params(body: &[u8]) -> Result<Vec<(String, String)>, Error> {
    check_body(body, "JSON body")?;
    let text = std::str::from_utf8(body).map_err(|e| Error::InvalidUtf8 {
        what: "JSON body".into(),
        valid_up_to: e.valid_up_to(),
    })?;
    if !text.trim_start().starts_with('{') {
        return Err(Error::NotFlatJson {
            reason: "the top level is not an object".into(),
        });
    }
    let members: json::Members = serde_json::from_str(text).map_err(json::error)?;
    reject_duplicates(members.0.iter().map(|(k, _)| k.as_str()))?;
    members
        .0
        .into_iter()
        .map(|(name, raw)| {
            let raw = raw.get();
            let kind = match raw.as_bytes().first() {
                Some(b'"') => {
                    let s: String = serde_json::from_str(raw).map_err(json::error)?;
                    return Ok((name, s));
                }
                Some(b'{') => "an object",
                Some(b'[') => "an array",
                Some(b'n') => "null",
                _ => return Ok((name, raw.to_string())),
            };
            Err(Error::NotFlatJson {
                reason: format!("member `{name}` is {kind}"),
            })
        })
        .collect()
}

#[cfg(feature = "json")]
mod json {
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;

    use crate::error::Error;

    /// Object members in received order, duplicates kept (so they can be rejected by name).
    pub(super) struct Members(pub(super) Vec<(String, Box<RawValue>)>);

    impl<'de> Deserialize<'de> for Members {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Members;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                    let mut out = Vec::new();
                    while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                        out.push(entry);
                    }
                    Ok(Members(out))
                }
            }
            d.deserialize_map(V)
        }
    }

    /// serde_json's position and category only: its messages can quote the body.
    pub(super) fn error(e: serde_json::Error) -> Error {
        use serde_json::error::Category;
        let category = match e.classify() {
            Category::Io => "I/O error",
            Category::Syntax => "syntax error",
            Category::Data => "unexpected data",
            Category::Eof => "unexpected end of input",
        };
        Error::InvalidJson {
            reason: format!("{category} at line {} column {}", e.line(), e.column()),
        }
    }
}
