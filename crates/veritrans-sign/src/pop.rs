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

use std::borrow::Cow;

#[cfg(feature = "json")]
mod flat_json;
mod form_fast;

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

/// How many parameters are sorted on the stack; a notification has about twenty, more
/// than this go to the heap.
const STACK_PARAMS: usize = 48;

/// The first eight bytes of a name, big-endian and zero-padded: ordering these orders
/// the names in byte order wherever they differ, so most comparisons of a sort are one
/// integer comparison (equal prefixes fall back to the whole names).
///
/// A name of four to seven bytes is read as two overlapping four-byte words: copying
/// it into a padded word called `memcpy` (≈ 58 instructions a call for `status` and
/// `dummy` of the card push, cachegrind of `pop_counts verify`).
#[inline]
fn prefix(name: &str) -> u64 {
    let bytes = name.as_bytes();
    if let Some(head) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(*head);
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // The tail's first byte is byte `len - 4` of the name, which belongs at bit
        // 63 - 8 (len - 4) of the word: a shift of 64 - 8 len, 8 to 32 for these
        // lengths. The overlap ORs equal bytes onto each other.
        let shift = 64 - 8 * bytes.len() as u32;
        return u64::from(u32::from_be_bytes(*head)) << 32
            | u64::from(u32::from_be_bytes(*tail)) << shift;
    }
    let mut word = 0;
    for (i, &b) in bytes.iter().enumerate() {
        word |= u64::from(b) << (56 - 8 * i);
    }
    word
}

/// A parameter's place in the sort: its name's [`prefix`] in the high bits, its index
/// in the low [`Order::mask`] bits (as few as the parameters need: four for a card
/// push's 14). One machine word per parameter, so the sort compares and moves words, and
/// equal names stay in their given order (their indices decide). The index bits hide
/// the end of the prefix, so names that differ only there are ordered by whole name
/// afterwards (as names sharing their first eight bytes always were).
type Slot = u64;

/// The parameters in name order, as [`Slot`]s.
struct Order<'s> {
    slots: &'s [Slot],
    /// The bits of a slot that hold the index.
    mask: u64,
}

impl Order<'_> {
    /// The parameter index of a slot.
    #[inline]
    fn index(&self, slot: Slot) -> usize {
        (slot & self.mask) as usize
    }

    /// The part of a slot that comes from the name: different for two slots only if
    /// their names differ.
    #[inline]
    fn name_bits(&self, slot: Slot) -> u64 {
        slot & !self.mask
    }
}

/// Sorts up to [`STACK_PARAMS`] slots in place by insertion: each slot moves down past
/// the larger ones before it, one comparison and one store a step (the 45 steps of a
/// card push's 14 names). `sort_unstable` on the same slots took ≈ 420 instructions a
/// card push, this loop ≈ 255 (callgrind of `pop_counts verify`).
///
/// Says whether two slots ended up side by side with equal name bits (`mask` the index
/// bits): each slot is compared with the one it lands after. Slots are inserted in
/// index order, so of two with equal name bits the later lands after the earlier or
/// after one between them, whose name bits are the same.
fn insertion_sort(slots: &mut [Slot], mask: u64) -> bool {
    let mut tied = false;
    for i in 1..slots.len() {
        let s = slots[i];
        let mut j = i;
        while let Some(&before) = j.checked_sub(1).and_then(|k| slots.get(k)) {
            if before <= s {
                tied |= (before ^ s) & !mask == 0;
                break;
            }
            slots[j] = before;
            j -= 1;
        }
        slots[j] = s;
    }
    tied
}

/// Calls `f` with the order of `params` sorted by name in byte order (stable, so
/// duplicate names keep their given order), without allocating for up to
/// [`STACK_PARAMS`] parameters.
///
/// The slots are sorted as integers (prefix, then index); only a run of slots whose
/// name bits are equal (`payment_sub_type` and `payment_type` share eight bytes) is then
/// re-sorted by whole name, then index: together the byte order of the names, ties in
/// given order.
fn with_order<K: AsRef<str>, V, R>(params: &[(K, V)], f: impl FnOnce(&Order<'_>) -> R) -> R {
    // Enough low bits for the largest index (at least one).
    let largest = params.len().saturating_sub(1).max(1) as u64;
    let mask = u64::MAX >> largest.leading_zeros();
    let fill = |slots: &mut [Slot]| {
        for (i, (s, (k, _))) in slots.iter_mut().zip(params).enumerate() {
            *s = (prefix(k.as_ref()) & !mask) | i as u64;
        }
        // Most orders have no two slots with equal name bits: the insertion says so.
        let tied = if slots.len() <= STACK_PARAMS {
            insertion_sort(slots, mask)
        } else {
            slots.sort_unstable();
            slots.windows(2).any(|w| (w[0] ^ w[1]) & !mask == 0)
        };
        if !tied {
            return;
        }
        let name = |s: &Slot| params[(*s & mask) as usize].0.as_ref().as_bytes();
        let mut at = 0;
        while at + 1 < slots.len() {
            let head = slots[at] & !mask;
            if slots[at + 1] & !mask != head {
                at += 1;
                continue;
            }
            let run = slots[at..]
                .iter()
                .take_while(|s| *s & !mask == head)
                .count();
            slots[at..at + run].sort_unstable_by(|a, b| name(a).cmp(name(b)).then(a.cmp(b)));
            at += run;
        }
    };
    if params.len() <= STACK_PARAMS {
        let mut stack = [0; STACK_PARAMS];
        let slots = &mut stack[..params.len()];
        fill(slots);
        f(&Order { slots, mask })
    } else {
        let mut heap = vec![0; params.len()];
        fill(&mut heap);
        f(&Order { slots: &heap, mask })
    }
}

/// SHA-512 of `name1=value1&…&nameN=valueN:key` over the pairs in `order`, `signature`
/// skipped, written piece by piece into the hasher's blocks (the signed string is
/// never built as a `String`).
fn digest_sorted<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    order: &Order<'_>,
    key: &PopServerKey,
) -> [u8; SHA512_LEN] {
    let mut h = hash::Sha512Blocks::new();
    let signature_bits = order.name_bits(prefix(SIGNATURE_PARAM));
    let mut wrote = false;
    for &s in order.slots {
        let (k, v) = &params[order.index(s)];
        let k = k.as_ref();
        if order.name_bits(s) != signature_bits || k != SIGNATURE_PARAM {
            h.pair(k.as_bytes(), v.as_ref().as_bytes());
            wrote = true;
        }
    }
    end_signed(&mut h, wrote, key);
    h.finish()
}

/// Ends the signed string after its pairs (each written as `name=value&`): the last
/// `&` becomes the `:` before the key (a `:` is written when there was no pair).
/// By reference: moving the hasher into a function that finished it cost a `memcpy`
/// of its 600 bytes (88 instructions a call).
fn end_signed(h: &mut hash::Sha512Blocks, wrote: bool, key: &PopServerKey) {
    if wrote {
        h.replace_last(b':');
    } else {
        h.byte(b':');
    }
    h.update(key.expose_secret().as_bytes());
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
    hex::encode_digest(&with_order(params, |order| {
        digest_sorted(params, order, key)
    }))
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
    with_order(params, |order| {
        let mut h = hash::Sha512Blocks::new();
        // Every name and value with a `=` and a `&` each is at most `total` bytes:
        // when the blocks hold that, the pairs are written without room checks.
        let walked = match h.fitted(total, |w| walk(params, order, w)) {
            Some(walked) => walked,
            None => walk(params, order, &mut h),
        };
        let (signature, wrote) = walked?;
        let received = signature.ok_or_else(|| Error::MissingParameter {
            name: SIGNATURE_PARAM.into(),
        })?;
        end_signed(&mut h, wrote, key);
        if hex::matches_digest(&h.finish(), received, WHAT)? {
            Ok(())
        } else {
            Err(Error::SignatureMismatch { what: WHAT })
        }
    })
}

/// [`verify`]'s walk over the sorted order: it finds a repeated name (sorted, it sits
/// next to itself: the first such pair in name order is the one reported), the
/// `signature` value, and writes every other pair into `out`; whether it wrote one.
/// Names are compared whole only when their slots' name bits are equal (a repeat, or
/// `signature` itself).
#[inline(always)]
fn walk<'p, K: AsRef<str>, V: AsRef<str>>(
    params: &'p [(K, V)],
    order: &Order<'_>,
    out: &mut impl hash::Pairs,
) -> Result<(Option<&'p str>, bool), Error> {
    let signature_bits = order.name_bits(prefix(SIGNATURE_PARAM));
    // No slot's name bits have the index bits set, so this matches no name.
    let (mut previous_bits, mut previous) = (u64::MAX, "");
    let (mut signature, mut wrote) = (None, false);
    for &s in order.slots {
        let (name, value) = &params[order.index(s)];
        let (name, value) = (name.as_ref(), value.as_ref());
        let bits = order.name_bits(s);
        if bits == previous_bits && name == previous {
            return Err(Error::DuplicateParameter { name: name.into() });
        }
        (previous_bits, previous) = (bits, name);
        if bits == signature_bits && name == SIGNATURE_PARAM {
            signature = Some(value);
        } else {
            out.pair(name.as_bytes(), value.as_bytes());
            wrote = true;
        }
    }
    Ok((signature, wrote))
}

/// The first name in byte order that appears twice, as an error.
///
/// The names are sorted (the integer sort of [`with_order`]), where a repeated name
/// sits next to itself; whole names are compared only where two slots' name bits are
/// equal. Comparing every pair of prefixes (up to 48 names) took ≈ 850 instructions
/// for a card push's 14 names, and the push 125 more than with this sort
/// (cachegrind of `pop_counts push`), since the sort became one-word slots sorted by
/// insertion.
fn reject_duplicates<K: AsRef<str>, V>(params: &[(K, V)]) -> Result<(), Error> {
    with_order(params, |order| {
        let name = |s: Slot| params[order.index(s)].0.as_ref();
        let repeated = order
            .slots
            .windows(2)
            .find(|w| order.name_bits(w[0]) == order.name_bits(w[1]) && name(w[0]) == name(w[1]));
        match repeated {
            Some(w) => Err(Error::DuplicateParameter {
                name: name(w[0]).to_string(),
            }),
            None => Ok(()),
        }
    })
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
    Ok(form_params_borrowed(body)?
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// [`form_params`] without copying: a name or value borrows the body unless it had to be
/// percent-decoded. For a handler that verifies and then parses in one pass.
///
/// # Errors
/// As [`form_params`].
///
/// ```
/// use std::borrow::Cow;
/// use veritrans_sign::pop;
///
/// let params = pop::form_params_borrowed(b"order_id=ORDER-0001&note=a+b").unwrap();
/// assert!(matches!(params[0].1, Cow::Borrowed("ORDER-0001")));
/// assert_eq!(params[1].1, "a b");
/// ```
pub fn form_params_borrowed(body: &[u8]) -> Result<BorrowedParams<'_>, Error> {
    check_body(body, "form body")?;
    // A body with nothing to decode in one pass; anything else by the parser.
    let pairs = match form_fast::scan(body) {
        Some(pairs) => pairs,
        None => crate::form::parse_borrowed(body, "form body")?,
    };
    reject_duplicates(&pairs)?;
    Ok(pairs)
}

/// Parameters as `(name, value)`, each borrowing the body unless it had to be decoded
/// ([`form_params_borrowed`]).
pub type BorrowedParams<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// One member of a flat JSON push body: what JSON type it was, and (through
/// [`AsRef<str>`]) the text it is signed as.
///
/// ```
/// use veritrans_sign::pop::JsonScalar;
///
/// assert_eq!(JsonScalar::Number("1.50").as_ref(), "1.50");
/// assert_eq!(JsonScalar::Bool(true).as_ref(), "true");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonScalar<'a> {
    /// A string, unescaped (borrowed from the body when it had no escapes).
    String(Cow<'a, str>),
    /// A number, exactly as written in the body.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
}

impl AsRef<str> for JsonScalar<'_> {
    fn as_ref(&self) -> &str {
        match self {
            JsonScalar::String(s) => s,
            JsonScalar::Number(n) => n,
            JsonScalar::Bool(true) => "true",
            JsonScalar::Bool(false) => "false",
        }
    }
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
    Ok(json_params_borrowed(body)?
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                JsonScalar::String(s) => s.into_owned(),
                other => other.as_ref().to_string(),
            };
            (k.into_owned(), text)
        })
        .collect())
}

/// [`json_params`] without copying, keeping each member's JSON type: names and strings
/// borrow the body unless they had escapes. One scan of the body gives what
/// [`verify`] needs and what a typed parse needs.
///
/// # Errors
/// As [`json_params`].
///
/// ```
/// use veritrans_sign::pop::{self, JsonScalar};
///
/// let params = pop::json_params_borrowed(br#"{"order_id":"o1","gross_amount":10000,"dummy":true}"#).unwrap();
/// assert_eq!(params[1].1, JsonScalar::Number("10000"));
/// assert_eq!(params[2].1, JsonScalar::Bool(true));
/// # Ok::<(), veritrans_sign::Error>(())
/// ```
#[cfg(feature = "json")]
pub fn json_params_borrowed(body: &[u8]) -> Result<Vec<(Cow<'_, str>, JsonScalar<'_>)>, Error> {
    check_body(body, "JSON body")?;
    let text = std::str::from_utf8(body).map_err(|e| Error::InvalidUtf8 {
        what: "JSON body".into(),
        valid_up_to: e.valid_up_to(),
    })?;
    // The usual body (no escapes, no `null`, nothing nested) in one scan;
    // anything else is read by `serde_json` below, which gives the same members
    // or the error.
    if let Some(members) = flat_json::scan(text) {
        reject_duplicates(&members)?;
        return Ok(members);
    }
    json_members_serde(text)
}

/// [`json_params_borrowed`] by `serde_json`: every body the fast path
/// ([`flat_json::scan`]) leaves, with the errors.
#[cfg(feature = "json")]
fn json_members_serde(text: &str) -> Result<Vec<(Cow<'_, str>, JsonScalar<'_>)>, Error> {
    if !text.trim_start().starts_with('{') {
        return Err(Error::NotFlatJson {
            reason: "the top level is not an object".into(),
        });
    }
    let members: json::Members<'_> = serde_json::from_str(text).map_err(json::error)?;
    reject_duplicates(&members.0)?;
    members
        .0
        .into_iter()
        .map(|(name, raw)| {
            let raw = raw.get();
            let kind = match raw.as_bytes().first() {
                Some(b'"') => {
                    let inner = &raw[1..raw.len() - 1];
                    // serde_json has checked the string (control characters, escapes);
                    // without a backslash its content is the text itself.
                    let text = if inner.contains('\\') {
                        Cow::Owned(serde_json::from_str::<String>(raw).map_err(json::error)?)
                    } else {
                        Cow::Borrowed(inner)
                    };
                    return Ok((name, JsonScalar::String(text)));
                }
                Some(b't') => return Ok((name, JsonScalar::Bool(true))),
                Some(b'f') => return Ok((name, JsonScalar::Bool(false))),
                Some(b'{') => "an object",
                Some(b'[') => "an array",
                Some(b'n') => "null",
                _ => return Ok((name, JsonScalar::Number(raw))),
            };
            Err(Error::NotFlatJson {
                reason: format!("member `{name}` is {kind}"),
            })
        })
        .collect()
}

#[cfg(feature = "json")]
mod json {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;

    use crate::error::Error;

    /// Object members in received order, duplicates kept (so they can be rejected by
    /// name), borrowed from the body where possible.
    pub(super) struct Members<'a>(pub(super) Vec<(Cow<'a, str>, &'a RawValue)>);

    /// A name: borrowed unless it had escapes.
    struct Name<'a>(Cow<'a, str>);

    impl<'de> Deserialize<'de> for Name<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Name<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a member name")
                }
                fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Name<'de>, E> {
                    Ok(Name(Cow::Borrowed(s)))
                }
                fn visit_str<E>(self, s: &str) -> Result<Name<'de>, E> {
                    Ok(Name(Cow::Owned(s.to_string())))
                }
                fn visit_string<E>(self, s: String) -> Result<Name<'de>, E> {
                    Ok(Name(Cow::Owned(s)))
                }
            }
            d.deserialize_str(V)
        }
    }

    impl<'de> Deserialize<'de> for Members<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Members<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Members<'de>, A::Error> {
                    let mut out = Vec::with_capacity(map.size_hint().unwrap_or(24));
                    while let Some((Name(name), raw)) =
                        map.next_entry::<Name<'de>, &'de RawValue>()?
                    {
                        out.push((name, raw));
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sha2::{Digest, Sha512};

    use super::{Error, PopServerKey, SIGNATURE_PARAM, WHAT, reject_duplicates, sign, verify};
    use crate::hex;

    /// The reference: sort the names, the first adjacent equal pair.
    fn first_repeated(names: &[String]) -> Option<String> {
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort();
        sorted
            .windows(2)
            .find(|w| w[0] == w[1])
            .map(|w| w[0].clone())
    }

    /// The guide's formula over the names in byte order (a stable sort), with
    /// [`verify`]'s errors in its order: a repeated name (the first in byte order),
    /// no `signature`, a malformed one, a wrong one.
    fn reference_verify(params: &[(String, String)], key: &str) -> Result<(), Error> {
        let mut sorted: Vec<&(String, String)> = params.iter().collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        if let Some(w) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::DuplicateParameter {
                name: w[0].0.clone(),
            });
        }
        let received = sorted
            .iter()
            .find(|(k, _)| k == SIGNATURE_PARAM)
            .ok_or_else(|| Error::MissingParameter {
                name: SIGNATURE_PARAM.into(),
            })?;
        if hex::decode_digest::<64>(&received.1, WHAT)? == reference_digest(params, key) {
            Ok(())
        } else {
            Err(Error::SignatureMismatch { what: WHAT })
        }
    }

    /// SHA-512 of the names in byte order (a stable sort), `signature` left out:
    /// `name=value` joined by `&`, then `:` and the key.
    fn reference_digest(params: &[(String, String)], key: &str) -> [u8; 64] {
        let mut sorted: Vec<&(String, String)> = params
            .iter()
            .filter(|(k, _)| k != SIGNATURE_PARAM)
            .collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Sha512::digest(format!("{}:{key}", joined.join("&"))).into()
    }

    fn reference_signature(params: &[(String, String)], key: &str) -> String {
        hex::encode(&reference_digest(params, key))
    }

    /// Names that share their first bytes (`result_code`, `result_type`), are short,
    /// empty, repeated, or `signature` itself; values short and long (a signed string
    /// past the hasher's 512 bytes).
    fn pop_params() -> impl Strategy<Value = Vec<(String, String)>> {
        let name = prop_oneof![
            "(result_|payment_|\\x00|é|[a-d]){0,3}",
            "(result_(code|type)|payment_(sub_)?type|signatur|signature_|status)",
        ];
        let value = prop_oneof!["[a-z0-9 ]{0,8}", "[a-zA-Z0-9é]{0,300}"];
        // Three times in four without repeated names, which would be refused first.
        let params = prop::collection::vec((name, value), 0..56);
        (params, 0..4u8).prop_map(|(mut params, draw)| {
            if draw != 0 {
                let mut seen = std::collections::HashSet::new();
                params.retain(|(k, _)| seen.insert(k.clone()));
            }
            params
        })
    }

    proptest! {
        /// `verify` answers as the guide's formula written out, errors included, for a
        /// correct signature (either case), a changed digit, a malformed one, none, a
        /// repeated one, at any place among the parameters; `sign` is the formula.
        #[test]
        fn verify_answers_as_the_formula(
            params in pop_params(),
            key in "[ -~]{0,20}",
            signature in prop_oneof![
                Just(0u8), Just(1), Just(2), Just(3), Just(4), Just(5)
            ],
            at in any::<prop::sample::Index>(),
            digit in 0usize..128,
        ) {
            let pop_key = PopServerKey::new(key.clone());
            let sig = sign(&params, &pop_key);
            let mut received = params.clone();
            let value = match signature {
                0 => Some(sig.clone()),
                1 => Some(sig.to_uppercase()),
                2 => {
                    let mut bytes = sig.clone().into_bytes();
                    bytes[digit] = if bytes[digit] == b'0' { b'1' } else { b'0' };
                    String::from_utf8(bytes).ok()
                }
                3 => Some(sig[..digit].to_string()),
                4 => None,
                _ => Some(format!("{}g", &sig[..127])),
            };
            if let Some(value) = value {
                let place = at.index(received.len() + 1);
                received.insert(place, (SIGNATURE_PARAM.to_string(), value));
            }
            prop_assert_eq!(verify(&received, &pop_key), reference_verify(&received, &key));
            // `sign` is the formula too (skipping a `signature` among the parameters).
            prop_assert_eq!(sig, reference_signature(&params, &key));
        }

        /// Both ways of finding a repeated name (pairs of prefixes up to 48 names,
        /// the sort above) report the first repeated name in byte order, as the
        /// former sort of the names did.
        #[test]
        fn reject_duplicates_reports_the_first_repeated_name(
            names in prop::collection::vec("(merchant_|paynow_a|\\x00|é|[a-c]){0,3}", 0..64)
        ) {
            let params: Vec<(String, ())> = names.iter().map(|n| (n.clone(), ())).collect();
            let expected = match first_repeated(&names) {
                Some(name) => Err(Error::DuplicateParameter { name }),
                None => Ok(()),
            };
            prop_assert_eq!(reject_duplicates(&params), expected);
        }
    }
}
