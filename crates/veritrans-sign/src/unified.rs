//! VeriTrans4G Unified API: the webhook's `X-VT-Content-hmac` header and the redirect's
//! `vAuthInfo`/`authParams`.
//!
//! See the [crate documentation](crate#unified-api-webhook-x-vt-content-hmac) for the
//! exact inputs and the interpretations made where the guide is silent.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

use crate::error::Error;
use crate::hash::{self, SHA512_LEN};
use crate::{MAX_INPUT_LEN, MerchantAuthKey, hex};

/// The webhook signature header's name.
///
/// ```
/// assert_eq!(veritrans_sign::unified::WEBHOOK_HEADER, "X-VT-Content-hmac");
/// ```
pub const WEBHOOK_HEADER: &str = "X-VT-Content-hmac";
/// The only algorithm the guide names for the webhook (`h=` field).
///
/// ```
/// use veritrans_sign::{unified, MerchantAuthKey};
/// let header = unified::sign_webhook("c", &MerchantAuthKey::new("k"), b"{}");
/// assert!(header.starts_with(&format!("h={};", unified::WEBHOOK_ALGORITHM)));
/// ```
pub const WEBHOOK_ALGORITHM: &str = "HmacSHA512";
/// Header values longer than this are rejected before parsing.
///
/// ```
/// use veritrans_sign::{unified, Error, MerchantAuthKey};
/// let long = "h=HmacSHA512;".repeat(unified::MAX_HEADER_LEN);
/// let err = unified::verify_webhook("c", &MerchantAuthKey::new("k"), &long, b"{}").unwrap_err();
/// assert!(matches!(err, Error::MalformedHeader { .. }));
/// ```
pub const MAX_HEADER_LEN: usize = 8 * 1024;
/// The redirect parameter that lists, Base64-encoded, which parameters `vAuthInfo` covers.
///
/// ```
/// use veritrans_sign::{unified, Error, MerchantAuthKey};
/// let err = unified::verify_redirect("c", &MerchantAuthKey::new("k"), &[("vAuthInfo", "00".repeat(64))], "p").unwrap_err();
/// assert_eq!(err, Error::MissingParameter { name: unified::AUTH_PARAMS.into() });
/// ```
pub const AUTH_PARAMS: &str = "authParams";
/// The redirect parameter that carries the signature.
///
/// ```
/// use veritrans_sign::{unified, Error, MerchantAuthKey};
/// let err = unified::verify_redirect::<&str, &str>("c", &MerchantAuthKey::new("k"), &[], "p").unwrap_err();
/// assert_eq!(err, Error::MissingParameter { name: unified::V_AUTH_INFO.into() });
/// ```
pub const V_AUTH_INFO: &str = "vAuthInfo";
/// The redirect parameter that must equal the merchant's own paymentId.
///
/// ```
/// use veritrans_sign::{unified, MerchantAuthKey};
/// let key = MerchantAuthKey::new("k");
/// let (ap, va) = unified::sign_redirect("c", &key, &[(unified::PAYMENT_ID, "p1")]);
/// let params = [(unified::PAYMENT_ID, "p1"), (unified::AUTH_PARAMS, &ap), (unified::V_AUTH_INFO, &va)];
/// assert_eq!(unified::verify_redirect("c", &key, &params, "p1"), Ok(()));
/// ```
pub const PAYMENT_ID: &str = "paymentId";

const WEBHOOK_WHAT: &str = "X-VT-Content-hmac signature";
const REDIRECT_WHAT: &str = "vAuthInfo";

fn webhook_mac(ccid: &str, key: &MerchantAuthKey, body: &[u8]) -> [u8; SHA512_LEN] {
    hash::hmac_sha512(
        key.hmac_key(),
        &[ccid.as_bytes(), body, key.expose_secret().as_bytes()],
    )
}

/// The whole `X-VT-Content-hmac` value for `body`: `h=HmacSHA512;s={ccid};v={hex}`.
///
/// `v` is HMAC-SHA512 over `ccid ‖ body ‖ key`, keyed as [`MerchantAuthKey`] says. Sign the
/// exact bytes you send. Useful to test a webhook handler.
///
/// ```
/// use veritrans_sign::{unified, MerchantAuthKey};
///
/// let key = MerchantAuthKey::new("sampleKey");
/// let header = unified::sign_webhook("sampleCcId", &key, br#"{"order":{}}"#);
/// assert!(header.starts_with("h=HmacSHA512;s=sampleCcId;v="));
/// assert_eq!(header.len(), "h=HmacSHA512;s=sampleCcId;v=".len() + 128);
/// ```
pub fn sign_webhook(ccid: &str, key: &MerchantAuthKey, body: &[u8]) -> String {
    let mut value = format!("h={WEBHOOK_ALGORITHM};s={ccid};v=");
    hex::encode_into(&mut value, &webhook_mac(ccid, key, body));
    value
}

struct WebhookHeader<'a> {
    algorithm: &'a str,
    ccid: &'a str,
    signature: &'a str,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::MalformedHeader {
        header: WEBHOOK_HEADER,
        reason: reason.into(),
    }
}

/// Strips an optional `Name:` prefix so a whole header line can be pasted.
pub(crate) fn strip_header_name<'a>(value: &'a str, name: &str) -> &'a str {
    let value = value.trim();
    match value.split_once(':') {
        Some((n, rest)) if n.trim().eq_ignore_ascii_case(name) => rest.trim(),
        _ => value,
    }
}

fn parse_webhook_header(header: &str) -> Result<WebhookHeader<'_>, Error> {
    if header.len() > MAX_HEADER_LEN {
        return Err(malformed(format!("longer than {MAX_HEADER_LEN} bytes")));
    }
    let value = strip_header_name(header, WEBHOOK_HEADER);
    if value.is_empty() {
        return Err(malformed("empty value"));
    }
    let (mut h, mut s, mut v) = (None, None, None);
    for (i, field) in value.split(';').map(str::trim).enumerate() {
        if field.is_empty() {
            continue;
        }
        let (name, val) = field
            .split_once('=')
            .ok_or_else(|| malformed(format!("field {} has no `=`", i + 1)))?;
        let slot = match name.trim() {
            "h" | "H" => &mut h,
            "s" | "S" => &mut s,
            "v" | "V" => &mut v,
            // Unknown fields carry nothing we verify; ignoring them keeps a future field
            // from breaking every merchant, and cannot make a forged message pass.
            _ => continue,
        };
        if slot.is_some() {
            return Err(malformed(format!(
                "duplicate field `{}`",
                name.trim().to_ascii_lowercase()
            )));
        }
        *slot = Some(val.trim());
    }
    let missing = |f: &str| malformed(format!("missing field `{f}`"));
    Ok(WebhookHeader {
        algorithm: h.ok_or_else(|| missing("h"))?,
        ccid: s.ok_or_else(|| missing("s"))?,
        signature: v.ok_or_else(|| missing("v"))?,
    })
}

/// Verifies a received webhook: `header` is the `X-VT-Content-hmac` value (a whole
/// `X-VT-Content-hmac: …` line is accepted too), `body` the raw request body exactly as
/// received — never a re-serialisation of parsed JSON.
///
/// The header is parsed leniently (spaces around `;` and `=`, any field order, field
/// names and hex digits of either case, a trailing `;`, unknown fields ignored) and
/// strictly otherwise. The algorithm and CCID are checked before the body is hashed.
///
/// # Errors
/// [`Error::MalformedHeader`] (missing or duplicate `h`/`s`/`v`, a field without `=`,
/// over [`MAX_HEADER_LEN`]); [`Error::UnsupportedAlgorithm`] when `h` is not `HmacSHA512`
/// (compared ignoring ASCII case); [`Error::CcidMismatch`] when `s` is not `ccid`;
/// [`Error::MalformedSignature`] when `v` is not 128 hex digits; [`Error::EmptyBody`];
/// [`Error::BodyTooLarge`] over [`MAX_INPUT_LEN`]; [`Error::SignatureMismatch`].
///
/// ```
/// use veritrans_sign::{unified, Error, MerchantAuthKey};
///
/// let key = MerchantAuthKey::new("sampleKey");
/// let body = br#"{"order":{"paymentId":"paymentId_1234567890"}}"#;
/// let header = unified::sign_webhook("sampleCcId", &key, body);
/// assert_eq!(unified::verify_webhook("sampleCcId", &key, &header, body), Ok(()));
///
/// let err = unified::verify_webhook("otherCcId", &key, &header, body).unwrap_err();
/// assert!(matches!(err, Error::CcidMismatch { .. }));
/// ```
pub fn verify_webhook(
    ccid: &str,
    key: &MerchantAuthKey,
    header: &str,
    body: &[u8],
) -> Result<(), Error> {
    let parsed = parse_webhook_header(header)?;
    if !parsed.algorithm.eq_ignore_ascii_case(WEBHOOK_ALGORITHM) {
        return Err(Error::UnsupportedAlgorithm {
            found: parsed.algorithm.into(),
            expected: WEBHOOK_ALGORITHM,
        });
    }
    if parsed.ccid != ccid {
        return Err(Error::CcidMismatch {
            expected: ccid.into(),
            found: parsed.ccid.into(),
        });
    }
    if let Err(body_error) = crate::check_body(body, "webhook body") {
        // A malformed signature is reported before a bad body, as it always was.
        hex::decode_digest::<SHA512_LEN>(parsed.signature, WEBHOOK_WHAT)?;
        return Err(body_error);
    }
    if hex::matches_digest(
        &webhook_mac(ccid, key, body),
        parsed.signature,
        WEBHOOK_WHAT,
    )? {
        Ok(())
    } else {
        Err(Error::SignatureMismatch { what: WEBHOOK_WHAT })
    }
}

/// SHA-512 of `ccid ‖ values ‖ key`, fed piece by piece from the received values.
fn redirect_digest<'a>(
    ccid: &str,
    key: &MerchantAuthKey,
    values: impl Iterator<Item = &'a str>,
) -> [u8; SHA512_LEN] {
    let mut h = hash::Sha512Blocks::<2>::zeroed();
    h.update(ccid.as_bytes());
    for v in values {
        h.update(v.as_bytes());
    }
    h.update(key.expose_secret().as_bytes());
    h.finish()
}

/// Signs a redirect the way the gateway does: returns `(authParams, vAuthInfo)` for
/// `params` in the given order (a name may repeat).
///
/// `authParams` is the comma-joined names in standard, padded Base64; `vAuthInfo` is the
/// lowercase hex SHA-512 of `ccid ‖ value₁ ‖ … ‖ valueₙ ‖ key` (UTF-8, no delimiters).
/// Useful to build test redirects.
///
/// ```
/// use veritrans_sign::{unified, MerchantAuthKey};
///
/// let key = MerchantAuthKey::new("sampleKey");
/// let (auth_params, v_auth_info) =
///     unified::sign_redirect("sampleCcId", &key, &[("status", "success"), ("paymentId", "p1")]);
/// assert_eq!(auth_params, "c3RhdHVzLHBheW1lbnRJZA==");
/// assert_eq!(v_auth_info.len(), 128);
/// ```
pub fn sign_redirect<K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &[(K, V)],
) -> (String, String) {
    let digest = redirect_digest(ccid, key, params.iter().map(|(_, v)| v.as_ref()));
    (encode_names(params), hex::encode(&digest))
}

/// `authParams` for `params`: the comma-joined names in standard Base64, joined on the
/// stack when they fit (the one allocation is the returned text).
fn encode_names<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut buf = [0u8; AUTH_PARAMS_STACK];
    match join_names(params.iter().map(|(k, _)| k.as_ref()), &mut buf) {
        Some(joined) => STANDARD.encode(joined),
        None => {
            let names: Vec<&str> = params.iter().map(|(k, _)| k.as_ref()).collect();
            STANDARD.encode(names.join(","))
        }
    }
}

/// `names` joined by commas into `buf`; `None` when they do not fit.
fn join_names<'n, 'b, const CAP: usize>(
    names: impl Iterator<Item = &'n str>,
    buf: &'b mut [u8; CAP],
) -> Option<&'b [u8]> {
    let mut len = 0;
    for (i, name) in names.enumerate() {
        let name = name.as_bytes();
        let comma = usize::from(i > 0);
        let (sep, rest) = buf
            .get_mut(len..len + comma + name.len())?
            .split_at_mut(comma);
        sep.fill(b',');
        rest.copy_from_slice(name);
        len += comma + name.len();
    }
    buf.get(..len)
}

/// Whether no name appears twice among `params`.
fn names_distinct<K: AsRef<str>, V>(params: &[(K, V)]) -> bool {
    params.iter().enumerate().all(|(i, (name, _))| {
        let name = name.as_ref();
        params
            .get(i + 1..)
            .is_none_or(|rest| rest.iter().all(|(other, _)| other.as_ref() != name))
    })
}

/// The position and value of the first pair named `name`, searched from `start` to the
/// end and then from the beginning.
fn find_from<'a, K: AsRef<str>, V: AsRef<str>>(
    params: &'a [(K, V)],
    name: &[u8],
    start: usize,
) -> Option<(usize, &'a str)> {
    let start = start.min(params.len());
    (start..params.len()).chain(0..start).find_map(|i| {
        let (k, v) = params.get(i)?;
        (k.as_ref().as_bytes() == name).then_some((i, v.as_ref()))
    })
}

/// The single value of `name`, or why there is not exactly one.
fn single<'a, K: AsRef<str>, V: AsRef<str>>(
    params: &'a [(K, V)],
    name: &str,
) -> Result<&'a str, Error> {
    let mut found = params
        .iter()
        .filter(|(k, _)| k.as_ref() == name)
        .map(|(_, v)| v.as_ref());
    match (found.next(), found.next()) {
        (Some(v), None) => Ok(v),
        (None, _) => Err(Error::MissingParameter { name: name.into() }),
        (Some(_), Some(_)) => Err(Error::DuplicateParameter { name: name.into() }),
    }
}

const PAD_INDIFFERENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, PAD_INDIFFERENT);

/// Every reading of `authParams` the known encoders could have produced.
///
/// Standard and URL-safe Base64 (padded or not) and the 4G MDK variant (`=`→`*`, `/`→`-`,
/// `+`→`_`, and a `+` that a form decoder turned into a space). URL-safe and the MDK
/// variant map `-` and `_` the opposite way round, so a value containing them has two
/// readings; both are tried, and one that verifies is required. Trying both cannot help a
/// forger: each reading is checked against a digest that needs the key. (With the
/// gateway's alphanumeric names the encoding never contains `+` or `/` — those need `>`,
/// `?` or `~` in the text — so in practice only the padding differs.)
fn auth_params_readings(raw: &str) -> Result<Vec<Vec<String>>, Error> {
    let base: String = raw
        .chars()
        .map(|c| match c {
            ' ' => '+',
            '*' => '=',
            c => c,
        })
        .collect();
    let mut texts = vec![];
    if base.contains(['-', '_']) {
        texts.push(base.replace('-', "+").replace('_', "/"));
        texts.push(base.replace('-', "/").replace('_', "+"));
    } else {
        texts.push(base);
    }
    let mut readings: Vec<Vec<String>> = vec![];
    let mut first_error = None;
    for text in texts {
        let decoded = STANDARD_LENIENT
            .decode(text.trim_end_matches('=').as_bytes())
            .map_err(|e| Error::InvalidBase64 {
                name: AUTH_PARAMS.into(),
                reason: e.to_string(),
            })
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
                    what: "decoded authParams".into(),
                    valid_up_to: e.utf8_error().valid_up_to(),
                })
            })
            .and_then(|names| {
                let names: Vec<String> = names.split(',').map(str::to_string).collect();
                if let Some(i) = names.iter().position(String::is_empty) {
                    return Err(Error::MalformedAuthParams {
                        reason: format!("empty parameter name at position {}", i + 1),
                    });
                }
                if let Some(n) = names
                    .iter()
                    .find(|n| *n == AUTH_PARAMS || *n == V_AUTH_INFO)
                {
                    return Err(Error::MalformedAuthParams {
                        reason: format!("it lists `{n}`, which cannot sign itself"),
                    });
                }
                Ok(names)
            });
        match decoded {
            Ok(names) if !readings.contains(&names) => readings.push(names),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (readings.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(readings),
    }
}

/// Verifies a redirect back to the merchant: `params` are all received query parameters
/// (decoded, e.g. by [`query_params`]), including `authParams` and `vAuthInfo`.
///
/// Decodes `authParams` (any of the Base64 variants listed in the crate docs), looks up
/// each listed name's value in that order, and compares SHA-512 of
/// `ccid ‖ values ‖ key` with `vAuthInfo` in constant time. Then checks that `paymentId` is
/// `expected_payment_id`: a validly signed redirect of an earlier order could otherwise be
/// replayed, as the guide warns.
///
/// Interpretations: a listed name absent from `params` is an error, never an empty
/// string; a listed name received more than once is an error (which value was signed is
/// ambiguous), as are repeated `authParams`, `vAuthInfo` or `paymentId`; and `paymentId`
/// must be among the listed names, since an unsigned paymentId proves nothing.
///
/// # Errors
/// [`Error::MissingParameter`], [`Error::DuplicateParameter`], [`Error::InvalidBase64`],
/// [`Error::InvalidUtf8`], [`Error::MalformedAuthParams`], [`Error::MalformedSignature`],
/// [`Error::UnsignedParameter`], [`Error::BodyTooLarge`], [`Error::SignatureMismatch`],
/// [`Error::PaymentIdMismatch`].
///
/// ```
/// use veritrans_sign::{unified, Error, MerchantAuthKey};
///
/// let key = MerchantAuthKey::new("sampleKey");
/// let mut params = vec![
///     ("status".to_string(), "success".to_string()),
///     ("paymentId".to_string(), "paymentId_1234567890".to_string()),
/// ];
/// let (auth_params, v_auth_info) = unified::sign_redirect("sampleCcId", &key, &params);
/// params.push(("authParams".into(), auth_params));
/// params.push(("vAuthInfo".into(), v_auth_info));
///
/// assert_eq!(unified::verify_redirect("sampleCcId", &key, &params, "paymentId_1234567890"), Ok(()));
/// assert!(matches!(
///     unified::verify_redirect("sampleCcId", &key, &params, "paymentId_other"),
///     Err(Error::PaymentIdMismatch { .. })
/// ));
/// ```
pub fn verify_redirect<K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &[(K, V)],
    expected_payment_id: &str,
) -> Result<(), Error> {
    let payment_id = signed_payment_id(ccid, key, params)?;
    if payment_id != expected_payment_id {
        return Err(Error::PaymentIdMismatch {
            expected: expected_payment_id.into(),
            found: payment_id.into(),
        });
    }
    Ok(())
}

/// Checks only the signature of a redirect: everything [`verify_redirect`] checks except
/// that `paymentId` is the one the merchant expects.
///
/// For tools that inspect a redirect without knowing its order (the `veritrans` command
/// without `--payment-id`). A merchant's handler must call [`verify_redirect`] instead: a
/// validly signed redirect of another order passes this check.
///
/// # Errors
/// As [`verify_redirect`], except [`Error::PaymentIdMismatch`].
///
/// ```
/// use veritrans_sign::{unified, MerchantAuthKey};
///
/// let key = MerchantAuthKey::new("sampleKey");
/// let mut params = vec![("paymentId".to_string(), "p1".to_string())];
/// let (auth_params, v_auth_info) = unified::sign_redirect("sampleCcId", &key, &params);
/// params.push(("authParams".into(), auth_params));
/// params.push(("vAuthInfo".into(), v_auth_info));
/// assert_eq!(unified::verify_redirect_signature("sampleCcId", &key, &params), Ok(()));
/// ```
pub fn verify_redirect_signature<K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &[(K, V)],
) -> Result<(), Error> {
    signed_payment_id(ccid, key, params).map(|_| ())
}

/// [`verify_redirect_signature`], answering the value of the signed `paymentId`.
fn signed_payment_id<'p, K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &'p [(K, V)],
) -> Result<&'p str, Error> {
    check_redirect_size(params)?;
    // With no name received twice (the usual case: one check of every pair against the
    // others), a lookup stops at the first match, and the listed names are looked for
    // from where the previous one was found (the gateway sends them in order).
    let distinct = names_distinct(params);
    // `authParams` and `vAuthInfo` usually come last.
    let last_two = params.len().saturating_sub(2);
    let lookup = |name: &str| match distinct {
        true => find_from(params, name.as_bytes(), last_two)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::MissingParameter { name: name.into() }),
        false => single(params, name),
    };
    let received = hex::decode_digest::<SHA512_LEN>(lookup(V_AUTH_INFO)?, REDIRECT_WHAT)?;
    let raw_auth_params = lookup(AUTH_PARAMS)?;

    // The usual case: `authParams` lists every other received name in the order received.
    if distinct
        && let Some((matches, payment_id)) =
            in_order_reading(ccid, key, params, raw_auth_params, &received)
    {
        return if matches {
            Ok(payment_id)
        } else {
            Err(Error::SignatureMismatch {
                what: REDIRECT_WHAT,
            })
        };
    }
    // Next: plain standard Base64 of valid names, one reading, decoded on the stack, each
    // listed name found once. Anything else (other alphabets, an error to
    // report) takes the general path below, which gives the same answer for this case.
    let mut buf = [0u8; AUTH_PARAMS_STACK];
    if distinct
        && let Some(names) = plain_auth_params(raw_auth_params, &mut buf)
        && let Some((matches, payment_id)) = plain_reading(ccid, key, params, names, &received)
    {
        return if matches {
            Ok(payment_id)
        } else {
            Err(Error::SignatureMismatch {
                what: REDIRECT_WHAT,
            })
        };
    }
    verify_readings(ccid, key, params, raw_auth_params, &received)?;
    // Verified: `paymentId` is listed, so received exactly once.
    single(params, PAYMENT_ID)
}

/// Every reading of `raw_auth_params` checked against `received`: `Ok` when one
/// verifies, else the error that best explains the failure.
fn verify_readings<K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &[(K, V)],
    raw_auth_params: &str,
    received: &[u8; SHA512_LEN],
) -> Result<(), Error> {
    let readings = auth_params_readings(raw_auth_params)?;
    let mut verified = false;
    let mut hashed_any = false;
    let mut first_error = None;
    for names in &readings {
        match reading_matches(
            ccid,
            key,
            params,
            names.iter().map(String::as_str),
            received,
        ) {
            Ok(matches) => {
                hashed_any = true;
                // `|=`, not an early return: every reading is hashed whatever the outcome.
                verified |= matches;
            }
            Err(e) => {
                // A reading whose names were all received (it only fails to list
                // `paymentId`) explains the failure better than one naming a parameter
                // that is not there: report it whatever the readings' order.
                let resolved = matches!(e, Error::UnsignedParameter { .. });
                let have_resolved = matches!(first_error, Some(Error::UnsignedParameter { .. }));
                if first_error.is_none() || (resolved && !have_resolved) {
                    first_error = Some(e);
                }
            }
        }
    }
    if verified {
        return Ok(());
    }
    let mismatch = Error::SignatureMismatch {
        what: REDIRECT_WHAT,
    };
    Err(if hashed_any {
        mismatch
    } else {
        first_error.unwrap_or(mismatch)
    })
}

/// The decoded `authParams` that fits on the stack; longer lists take the general path.
const AUTH_PARAMS_STACK: usize = 512;

/// The joined names [`in_order_reading`] writes on the stack, zeroed on every call: a
/// redirect's few short names fit in much less (the guide's five: 42 bytes).
const IN_ORDER_STACK: usize = 128;

/// `raw` decoded into `buf` when it is plain standard Base64 (then the only reading);
/// `None` when it needs the general path.
///
/// A text holding any of the characters other readings map (`' '`, `*`, `-`, `_`) is
/// not standard Base64 and fails to decode here, so it takes the general path.
fn plain_auth_params<'b>(raw: &str, buf: &'b mut [u8; AUTH_PARAMS_STACK]) -> Option<&'b [u8]> {
    let len = STANDARD_LENIENT
        .decode_slice(raw.trim_end_matches('=').as_bytes(), buf)
        .ok()?;
    buf.get(..len)
}

/// The reading of an `authParams` that lists every received name but its own and
/// `vAuthInfo`'s, in the order received (as the gateway's redirects do): whether it
/// signs `received`, and the `paymentId` it lists. `None` when `authParams` is anything
/// else, or names an empty name or no `paymentId`: the other paths answer those.
///
/// Recognised by writing those names as the gateway would (standard Base64 of the
/// comma-joined names) and comparing the two texts, `=` padding aside, on the stack:
/// fewer instructions than decoding `authParams` and looking each name up (cachegrind,
/// `verify_redirect` of five values: ≈ 1,400 of the ≈ 3,200 it added to its hash). The
/// caller has checked that no name is received twice, so each value is the one named.
fn in_order_reading<'p, K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &'p [(K, V)],
    raw_auth_params: &str,
    received: &[u8; SHA512_LEN],
) -> Option<(bool, &'p str)> {
    let signed = || {
        params
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .filter(|(k, _)| *k != AUTH_PARAMS && *k != V_AUTH_INFO)
    };
    let mut joined = [0u8; IN_ORDER_STACK];
    let joined = join_names(signed().map(|(k, _)| k), &mut joined)?;
    if !is_base64_of(joined, raw_auth_params.trim_end_matches('=').as_bytes()) {
        return None;
    }
    let mut h = hash::Sha512Blocks::<2>::zeroed();
    h.update(ccid.as_bytes());
    let mut payment_id = None;
    for (name, value) in signed() {
        if name.is_empty() {
            return None;
        }
        h.update(value.as_bytes());
        if name == PAYMENT_ID {
            payment_id = Some(value);
        }
    }
    let payment_id = payment_id?;
    h.update(key.expose_secret().as_bytes());
    Some((hash::ct_eq(&h.finish(), received), payment_id))
}

/// Whether `text` is the standard Base64 of `bytes` without its `=` padding, compared
/// four characters at a time as they are written (no encoded copy, no `base64` engine:
/// its encoder took 460 instructions for the 42 bytes of five names, this ≈ 150).
/// `bytes` are the received names: public, so the early return leaks nothing.
fn is_base64_of(bytes: &[u8], text: &[u8]) -> bool {
    let char_of = |sextet: u32| u32::from(STANDARD_ALPHABET[(sextet & 63) as usize]);
    let quad_of = |n: u32| {
        char_of(n >> 18) | char_of(n >> 12) << 8 | char_of(n >> 6) << 16 | char_of(n) << 24
    };
    if text.len() != (bytes.len() * 4).div_ceil(3) {
        return false;
    }
    let (groups, bytes_tail) = bytes.as_chunks::<3>();
    let (quads, text_tail) = text.as_chunks::<4>();
    let mut diff = 0;
    for ([a, b, c], quad) in groups.iter().zip(quads) {
        let n = u32::from(*a) << 16 | u32::from(*b) << 8 | u32::from(*c);
        diff |= quad_of(n) ^ u32::from_le_bytes(*quad);
    }
    // One byte left is two characters, two bytes three (the length check above).
    let tail = |n: u32| quad_of(n).to_le_bytes();
    let tail_matches = match (bytes_tail, text_tail) {
        ([], []) => true,
        (&[a], &[x, y]) => tail(u32::from(a) << 16)[..2] == [x, y],
        (&[a, b], &[x, y, z]) => tail(u32::from(a) << 16 | u32::from(b) << 8)[..3] == [x, y, z],
        _ => false,
    };
    diff == 0 && tail_matches
}

/// The standard Base64 alphabet (RFC 4648, table 1), as a table to index.
const STANDARD_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The one reading of a plain `authParams`: whether it signs `received`, and the value of
/// the `paymentId` it lists. `None` for anything the general path must answer (a name
/// empty, or naming `authParams`/`vAuthInfo`, not received exactly once, or no
/// `paymentId` listed): it finds the same faults, and reports them.
fn plain_reading<'p, K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &'p [(K, V)],
    names: &[u8],
    received: &[u8; SHA512_LEN],
) -> Option<(bool, &'p str)> {
    let mut h = hash::Sha512Blocks::<2>::zeroed();
    h.update(ccid.as_bytes());
    let mut payment_id = None;
    let mut next = 0;
    // The decoded names as bytes, never checked for UTF-8 here: a name that is not UTF-8
    // matches no received name (those are text), so it sends the redirect to the general
    // path, which reports it (`InvalidUtf8`).
    for name in names.split(|&b| b == b',') {
        if name.is_empty() || name == AUTH_PARAMS.as_bytes() || name == V_AUTH_INFO.as_bytes() {
            return None;
        }
        // `params` holds each name once (checked by the caller): the first match is the
        // only one.
        let (at, value) = find_from(params, name, next)?;
        next = at + 1;
        h.update(value.as_bytes());
        if name == PAYMENT_ID.as_bytes() {
            payment_id = Some(value);
        }
    }
    let payment_id = payment_id?;
    h.update(key.expose_secret().as_bytes());
    Some((hash::ct_eq(&h.finish(), received), payment_id))
}

/// Whether one reading of `authParams` signs `received`: the listed values are looked up
/// (each exactly once among `params`) and fed to SHA-512 between the CCID and the key as
/// they are found. An error when a name is missing or repeated, or `paymentId` is not
/// listed.
fn reading_matches<'n, K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &[(K, V)],
    names: impl Iterator<Item = &'n str>,
    received: &[u8; SHA512_LEN],
) -> Result<bool, Error> {
    let mut h = hash::Sha512Blocks::<2>::zeroed();
    h.update(ccid.as_bytes());
    let mut lists_payment_id = false;
    for name in names {
        h.update(single(params, name)?.as_bytes());
        lists_payment_id |= name == PAYMENT_ID;
    }
    if !lists_payment_id {
        return Err(Error::UnsignedParameter {
            name: PAYMENT_ID.into(),
        });
    }
    h.update(key.expose_secret().as_bytes());
    Ok(hash::ct_eq(&h.finish(), received))
}

/// Computes the `vAuthInfo` the gateway would send for received redirect parameters that
/// carry `authParams`: the values of the names it lists, in its order. A `vAuthInfo`
/// among `params` is ignored.
///
/// This is the signing side for parameters whose order is already fixed (a sandbox, a
/// test, the `veritrans sign unified-redirect` command); [`sign_redirect`] chooses the
/// order itself.
///
/// # Errors
/// [`Error::MissingParameter`] (no `authParams`, or a listed name not received),
/// [`Error::DuplicateParameter`], [`Error::InvalidBase64`], [`Error::InvalidUtf8`],
/// [`Error::MalformedAuthParams`] (also when two Base64 readings of `authParams` both
/// resolve but sign different values), [`Error::BodyTooLarge`].
///
/// ```
/// use veritrans_sign::{unified, MerchantAuthKey};
///
/// let key = MerchantAuthKey::new("sampleKey");
/// let params = [("status", "success"), ("paymentId", "p1")];
/// let (auth_params, v_auth_info) = unified::sign_redirect("sampleCcId", &key, &params);
/// let received = [("paymentId", "p1"), ("status", "success"), ("authParams", auth_params.as_str())];
/// assert_eq!(unified::redirect_auth_info("sampleCcId", &key, &received).unwrap(), v_auth_info);
/// ```
pub fn redirect_auth_info<K: AsRef<str>, V: AsRef<str>>(
    ccid: &str,
    key: &MerchantAuthKey,
    params: &[(K, V)],
) -> Result<String, Error> {
    check_redirect_size(params)?;
    let readings = auth_params_readings(single(params, AUTH_PARAMS)?)?;
    let mut digest: Option<[u8; SHA512_LEN]> = None;
    let mut first_error = None;
    for names in &readings {
        match names
            .iter()
            .map(|n| single(params, n))
            .collect::<Result<Vec<&str>, Error>>()
        {
            Ok(values) => {
                let this = redirect_digest(ccid, key, values.into_iter());
                if digest.is_some_and(|d| d != this) {
                    return Err(Error::MalformedAuthParams {
                        reason: "its Base64 text has two readings that sign different values"
                            .into(),
                    });
                }
                digest = Some(this);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (digest, first_error) {
        (Some(d), _) => Ok(hex::encode(&d)),
        (None, Some(e)) => Err(e),
        (None, None) => Err(Error::MalformedAuthParams {
            reason: "it lists no parameter".into(),
        }),
    }
}

fn check_redirect_size<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Result<(), Error> {
    let total: usize = params
        .iter()
        .map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    if total > MAX_INPUT_LEN {
        return Err(Error::BodyTooLarge {
            what: "redirect parameters",
            len: total,
            max: MAX_INPUT_LEN,
        });
    }
    Ok(())
}

/// Decodes a redirect's query string into `(name, value)` pairs for [`verify_redirect`].
///
/// Accepts the query with or without its leading `?`, or a whole `http(s)://` URL (the
/// part after its first `?`, up to any `#`). Names and values are percent-decoded and `+`
/// becomes a space (form semantics: that is what a browser-side `+` means, and the
/// `authParams` decoder restores a `+` turned into a space). Repeated names are kept:
/// [`verify_redirect`] rejects the ones that matter.
///
/// # Errors
/// [`Error::BodyTooLarge`] over [`MAX_INPUT_LEN`], [`Error::InvalidPercentEncoding`],
/// [`Error::InvalidUtf8`].
///
/// ```
/// use veritrans_sign::unified;
///
/// let pairs = unified::query_params("?status=success&paymentId=p%5F1&authParams=c3Rh+dHVz").unwrap();
/// assert_eq!(pairs[1], ("paymentId".to_string(), "p_1".to_string()));
/// assert_eq!(pairs[2].1, "c3Rh dHVz");
/// ```
pub fn query_params(query: &str) -> Result<Vec<(String, String)>, Error> {
    crate::form::parse(query_text(query)?.as_bytes(), "query string")
}

/// [`query_params`], every name and value borrowed from `query` unless it had an
/// escape or a `+` to decode: what a verifier that keeps no pair needs.
///
/// # Errors
/// As [`query_params`].
///
/// ```
/// use std::borrow::Cow;
/// use veritrans_sign::unified;
///
/// let pairs = unified::query_pairs("?status=success&paymentId=p%5F1").unwrap();
/// assert!(matches!(pairs[0].1, Cow::Borrowed("success")));
/// assert_eq!(pairs[1].1, "p_1");
/// ```
#[allow(clippy::type_complexity)] // spelled out, as `query_params` is: no alias to look up
pub fn query_pairs(query: &str) -> Result<Vec<(Cow<'_, str>, Cow<'_, str>)>, Error> {
    crate::form::parse_borrowed(query_text(query)?.as_bytes(), "query string")
}

/// The query string [`query_params`] decodes: `query` without surrounding whitespace and
/// its leading `?`, or, for a whole `http(s)://` URL, the part after its first `?` up to
/// any `#`.
///
/// # Errors
/// [`Error::BodyTooLarge`] over [`MAX_INPUT_LEN`].
///
/// ```
/// use veritrans_sign::unified;
///
/// assert_eq!(unified::query_text("https://shop.example/done?a=1#top").unwrap(), "a=1");
/// assert_eq!(unified::query_text(" ?a=1").unwrap(), "a=1");
/// ```
pub fn query_text(query: &str) -> Result<&str, Error> {
    if query.len() > MAX_INPUT_LEN {
        return Err(Error::BodyTooLarge {
            what: "query string",
            len: query.len(),
            max: MAX_INPUT_LEN,
        });
    }
    let mut query = query.trim();
    // The first eight bytes, when they are whole characters (as before, without the
    // lowercase copy): a URL's scheme.
    let url = query.get(..8).is_some_and(|head| {
        let head = head.as_bytes();
        head[..7].eq_ignore_ascii_case(b"http://") || head.eq_ignore_ascii_case(b"https://")
    });
    if url {
        query = query.split_once('?').map_or("", |(_, q)| q);
        query = query.split_once('#').map_or(query, |(q, _)| q);
    }
    Ok(query.strip_prefix('?').unwrap_or(query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The redirect check without its fast paths: every reading of `authParams` through
    /// the general path, each name looked up among all pairs.
    fn reference<'p>(
        ccid: &str,
        key: &MerchantAuthKey,
        params: &'p [(String, String)],
    ) -> Result<&'p str, Error> {
        check_redirect_size(params)?;
        let received =
            hex::decode_digest::<SHA512_LEN>(single(params, V_AUTH_INFO)?, REDIRECT_WHAT)?;
        verify_readings(ccid, key, params, single(params, AUTH_PARAMS)?, &received)?;
        single(params, PAYMENT_ID)
    }

    proptest! {
        /// A redirect as the gateway sends it (every name listed, in the order received,
        /// `authParams` and `vAuthInfo` last), then edited: a pair dropped, repeated,
        /// renamed or moved, `authParams` re-padded or a character of it replaced,
        /// `vAuthInfo` upper-cased or a digit replaced. The fast paths answer exactly as
        /// the reference, errors included.
        #[test]
        fn signed_payment_id_is_the_reference_for_edited_redirects(
            values in proptest::collection::vec("[a-z0-9 -]{0,12}", 0..5),
            edit in 0usize..10,
            at in any::<usize>(),
            other in any::<usize>(),
            replacement in prop::sample::select(vec!["", "=", "==", "A", "+", "-", "_", "*", " ", "é", "paymentId", "authParams"]),
        ) {
            let key = MerchantAuthKey::new("sampleKey");
            let mut params: Vec<(String, String)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("p{i}"), v.clone()))
                .collect();
            params.insert(at % (params.len() + 1), (PAYMENT_ID.into(), "order-1".into()));
            let (auth_params, v_auth_info) = sign_redirect("sampleCcId", &key, &params);
            params.push((AUTH_PARAMS.into(), auth_params));
            params.push((V_AUTH_INFO.into(), v_auth_info));
            let n = params.len();
            let (i, j) = (at % n, other % n);
            let replace_char = |text: &str| {
                let mut chars: Vec<char> = text.chars().collect();
                let k = other % chars.len().max(1);
                if chars.is_empty() {
                    replacement.to_string()
                } else {
                    chars.splice(k..=k, replacement.chars());
                    chars.into_iter().collect()
                }
            };
            match edit {
                0 => {}
                1 => { params.remove(i); }
                2 => { let pair = params[i].clone(); params.insert(j, pair); }
                3 => params[i].0 = replacement.into(),
                4 => params.swap(i, j),
                5 => params[n - 2].1 = params[n - 2].1.trim_end_matches('=').to_string(),
                6 => params[n - 2].1.push_str(replacement),
                7 => params[n - 2].1 = replace_char(&params[n - 2].1),
                8 => params[n - 1].1 = params[n - 1].1.to_uppercase(),
                _ => params[n - 1].1 = replace_char(&params[n - 1].1),
            }
            prop_assert_eq!(
                signed_payment_id("sampleCcId", &key, &params),
                reference("sampleCcId", &key, &params),
                "{:?}", params
            );
        }
    }
}
