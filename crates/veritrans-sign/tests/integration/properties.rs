//! Round-trips and tamper rejection over arbitrary inputs.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use veritrans_sign::{Error, MerchantAuthKey, MpiServerKey, PopServerKey, mpi, pop, unified};

/// Distinct names (never `signature`) with arbitrary Unicode values.
fn pop_params() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::btree_map("[a-z_]{1,12}", any::<String>(), 0..8).prop_map(|m| {
        m.into_iter()
            .filter(|(k, _)| k != "signature")
            .collect::<Vec<_>>()
    })
}

/// Percent-encodes everything but unreserved bytes, and spaces as `+`.
fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            b' ' => "+".into(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// How `query_params` found the query before `query_text` existed (a lowercase copy of
/// the first eight bytes, when they are whole characters, compared with the schemes).
fn former_query_text(query: &str) -> &str {
    let mut query = query.trim();
    let lower = query
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        query = query.split_once('?').map_or("", |(_, q)| q);
        query = query.split_once('#').map_or(query, |(q, _)| q);
    }
    query.strip_prefix('?').unwrap_or(query)
}

/// Changes one byte of `s` at `index` (mod len) to another value while keeping UTF-8.
fn tamper(s: &str, index: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let i = index % chars.len();
    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

/// Names that share long prefixes (the sort compares the first eight bytes as a number
/// first), contain NUL and non-ASCII bytes, and repeat.
fn pop_any_names() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = "(merchant_|paynow_a|paynow_|\\x00|é|[a-z_]){0,4}";
    proptest::collection::vec((name, "[a-z0-9 ]{0,6}"), 0..24)
}

/// The guide's formula written out literally: sorted `name=value` joined with `&`, `:`,
/// the key, SHA-512, lowercase hex (a stable sort keeps repeated names in given order).
fn pop_reference_signature(params: &[(String, String)], key: &str) -> String {
    use sha2::{Digest, Sha512};
    let mut sorted: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "signature").collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let digest = Sha512::digest(format!("{}:{key}", joined.join("&")).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn pop_sign_is_the_guide_formula_for_any_names(params in pop_any_names(), key in "[ -~]{0,20}") {
        let sig = pop::sign(&params, &PopServerKey::new(key.clone()));
        prop_assert_eq!(sig, pop_reference_signature(&params, &key));
    }

    #[test]
    fn pop_round_trip_through_a_form_body(params in pop_params(), key in any::<String>()) {
        let key = PopServerKey::new(key);
        let sig = pop::sign(&params, &key);
        let body: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", k, form_encode(v)))
            .chain([format!("signature={sig}")]).collect();
        let decoded = pop::form_params(body.join("&").as_bytes()).unwrap();
        prop_assert_eq!(pop::verify(&decoded, &key), Ok(()));
    }

    #[test]
    fn pop_rejects_any_changed_value(params in pop_params().prop_filter("non-empty", |p| p.iter().any(|(_, v)| !v.is_empty())),
                                     which in any::<usize>(), at in any::<usize>(), key in any::<String>()) {
        let key = PopServerKey::new(key);
        let candidates: Vec<usize> = (0..params.len()).filter(|&i| !params[i].1.is_empty()).collect();
        let i = candidates[which % candidates.len()];
        let mut signed = params.clone();
        signed.push(("signature".into(), pop::sign(&params, &key)));
        signed[i].1 = tamper(&signed[i].1, at);
        prop_assert_eq!(pop::verify(&signed, &key), Err(Error::SignatureMismatch { what: "POP signature" }));
    }

    #[test]
    fn pop_rejects_any_changed_signature_digit(params in pop_params(), at in 0usize..128, key in any::<String>()) {
        let key = PopServerKey::new(key);
        let sig = pop::sign(&params, &key);
        let mut bytes = sig.into_bytes();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        let mut signed = params.clone();
        signed.push(("signature".into(), String::from_utf8(bytes).unwrap()));
        prop_assert_eq!(pop::verify(&signed, &key), Err(Error::SignatureMismatch { what: "POP signature" }));
    }

    #[test]
    fn webhook_round_trip_and_every_byte_flip_rejected(body in proptest::collection::vec(any::<u8>(), 1..512),
                                                      key in any::<String>(), ccid in "[A-Za-z0-9]{1,16}",
                                                      at in any::<usize>(), flip in 1u8..=255) {
        let key = MerchantAuthKey::new(key);
        let header = unified::sign_webhook(&ccid, &key, &body);
        prop_assert_eq!(unified::verify_webhook(&ccid, &key, &header, &body), Ok(()));
        let mut tampered = body.clone();
        let i = at % tampered.len();
        tampered[i] ^= flip;
        prop_assert_eq!(
            unified::verify_webhook(&ccid, &key, &header, &tampered),
            Err(Error::SignatureMismatch { what: "X-VT-Content-hmac signature" })
        );
    }

    #[test]
    fn webhook_hex_key_round_trip(body in proptest::collection::vec(any::<u8>(), 1..256),
                                  key in proptest::collection::vec(any::<u8>(), 1..200)) {
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        let key = MerchantAuthKey::with_hex_hmac_key(hex).unwrap();
        let header = unified::sign_webhook("ccid", &key, &body);
        prop_assert_eq!(unified::verify_webhook("ccid", &key, &header, &body), Ok(()));
    }

    #[test]
    fn redirect_round_trip_and_tamper(values in proptest::collection::vec(any::<String>(), 1..6),
                                      payment_id in "[A-Za-z0-9_]{1,20}", key in any::<String>(),
                                      which in any::<usize>(), at in any::<usize>()) {
        let key = MerchantAuthKey::new(key);
        let mut ordered: Vec<(String, String)> =
            values.iter().enumerate().map(|(i, v)| (format!("p{i}"), v.clone())).collect();
        ordered.push(("paymentId".into(), payment_id.clone()));
        // Names may repeat in authParams.
        ordered.push(ordered[0].clone());
        let (auth_params, v_auth_info) = unified::sign_redirect("ccid", &key, &ordered);
        let mut received: Vec<(String, String)> = ordered[..ordered.len() - 1].to_vec();
        received.push(("authParams".into(), auth_params));
        received.push(("vAuthInfo".into(), v_auth_info));
        prop_assert_eq!(unified::verify_redirect("ccid", &key, &received, &payment_id), Ok(()));
        // In any order, and beside a name received twice that is not signed.
        let mut moved = received.clone();
        moved.rotate_left(at % received.len());
        prop_assert_eq!(unified::verify_redirect("ccid", &key, &moved, &payment_id), Ok(()));
        moved.push(("unsigned".into(), "1".into()));
        moved.insert(which % moved.len(), ("unsigned".into(), "2".into()));
        prop_assert_eq!(unified::verify_redirect("ccid", &key, &moved, &payment_id), Ok(()));
        // A signed name received twice is refused, wherever the copy is.
        let mut twice = received.clone();
        twice.insert(which % twice.len(), ordered[0].clone());
        prop_assert_eq!(unified::verify_redirect("ccid", &key, &twice, &payment_id),
                        Err(Error::DuplicateParameter { name: ordered[0].0.clone() }));

        let i = which % (ordered.len() - 1);
        if !received[i].1.is_empty() {
            received[i].1 = tamper(&received[i].1, at);
            prop_assert_eq!(unified::verify_redirect("ccid", &key, &received, &payment_id),
                            Err(Error::SignatureMismatch { what: "vAuthInfo" }));
        }
    }

    /// `query_pairs` (borrowed) decodes exactly as `query_params` (owned), URL prefix
    /// included, for any text: the Unified redirect verifies the former and hands out the
    /// latter.
    #[test]
    fn query_pairs_decode_as_query_params(prefix in prop_oneof![
                                              Just(""), Just("?"), Just(" http://h/p?"),
                                              Just("HTTPS://h?"), Just("http://"), Just("https:/"),
                                              Just("http://é?")],
                                          rest in "[a-zA-Z0-9=&%+?#é ]{0,40}") {
        let query = format!("{prefix}{rest}");
        let owned = unified::query_params(&query);
        let borrowed = unified::query_pairs(&query).map(|pairs| {
            pairs.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect::<Vec<_>>()
        });
        prop_assert_eq!(borrowed, owned);
        prop_assert_eq!(unified::query_text(&query), Ok(former_query_text(&query)));
    }

    #[test]
    fn mpi_round_trip_and_every_byte_flip_rejected(body in proptest::collection::vec(any::<u8>(), 1..512),
                                                  key in any::<String>(), at in any::<usize>(), flip in 1u8..=255) {
        let key = MpiServerKey::new(key);
        let header = mpi::authorization(&body, &key);
        prop_assert_eq!(mpi::verify(&body, &header, &key), Ok(()));
        let mut tampered = body.clone();
        let i = at % tampered.len();
        tampered[i] ^= flip;
        prop_assert_eq!(mpi::verify(&tampered, &header, &key), Err(Error::SignatureMismatch { what: "MPI push signature" }));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_never_verify(input in proptest::collection::vec(any::<u8>(), 0..300),
                                                    header in ".{0,200}") {
        let text = String::from_utf8_lossy(&input);
        prop_assert!(pop::form_params(&input).map(|p| pop::verify(&p, &PopServerKey::new("k")).is_err()).unwrap_or(true));
        #[cfg(feature = "json")]
        prop_assert!(pop::json_params(&input).map(|p| pop::verify(&p, &PopServerKey::new("k")).is_err()).unwrap_or(true));
        prop_assert!(unified::verify_webhook("c", &MerchantAuthKey::new("k"), &header, &input).is_err());
        prop_assert!(unified::query_params(&text)
            .map(|p| unified::verify_redirect("c", &MerchantAuthKey::new("k"), &p, "x").is_err())
            .unwrap_or(true));
        prop_assert!(mpi::verify(&input, &header, &MpiServerKey::new("k")).is_err());
    }
}
