//! Structure-aware (`arbitrary`) round trips of every signature scheme: what the signer
//! writes over fuzzed content verifies, and one flipped byte of the signed content (or of
//! the digest) never does.

use arbitrary::{Arbitrary, Unstructured};
use veritrans_sign::{mpi as sign_mpi, pop as sign_pop, unified as sign_unified};

use crate::keys;

/// One case: which scheme, its content, and which byte to flip (`flip` modulo the content
/// length; `xor` is made non-zero).
#[derive(Debug, Arbitrary)]
pub enum Case {
    /// POP: parameters (sorted and signed with `signature`) sent as a form body.
    Pop {
        /// Names and values.
        params: Vec<(String, String)>,
        /// Which byte of the values to flip.
        flip: usize,
        /// The bits to flip.
        xor: u8,
    },
    /// Unified webhook: a body signed into `X-VT-Content-hmac`.
    Webhook {
        /// The raw body.
        body: Vec<u8>,
        /// The 4G MDK's hex HMAC key mode instead of the UTF-8 one.
        hex_key: bool,
        /// Which byte of the body to flip.
        flip: usize,
        /// The bits to flip.
        xor: u8,
    },
    /// Unified redirect: parameters signed into `authParams`/`vAuthInfo`, sent as a query.
    Redirect {
        /// Names and values (a `paymentId` is added when missing).
        params: Vec<(String, String)>,
        /// Which `authParams` spelling to send.
        spelling: u8,
        /// Which byte of the values to flip.
        flip: usize,
        /// The bits to flip.
        xor: u8,
    },
    /// MPI push: a body signed into `Authorization`.
    Mpi {
        /// The raw body.
        body: Vec<u8>,
        /// Which byte of the body to flip.
        flip: usize,
        /// The bits to flip.
        xor: u8,
    },
}

/// The body of `roundtrip_sign`.
pub fn sign(data: &[u8]) {
    let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    match case {
        Case::Pop { params, flip, xor } => pop(params, flip, xor),
        Case::Webhook {
            body,
            hex_key,
            flip,
            xor,
        } => webhook(&body, hex_key, flip, xor),
        Case::Redirect {
            params,
            spelling,
            flip,
            xor,
        } => redirect(params, spelling, flip, xor),
        Case::Mpi { body, flip, xor } => mpi(&body, flip, xor),
    }
}

fn nonzero(xor: u8) -> u8 {
    if xor == 0 { 1 } else { xor }
}

/// Flips one byte of one value (counting over all values' bytes); `None` when there is no
/// byte to flip or the result is not UTF-8 (the verifiers take text).
fn flip_value(params: &[(String, String)], flip: usize, xor: u8) -> Option<Vec<(String, String)>> {
    let total: usize = params.iter().map(|(_, v)| v.len()).sum();
    if total == 0 {
        return None;
    }
    let mut at = flip % total;
    let mut out = params.to_vec();
    for (_, value) in &mut out {
        if at < value.len() {
            let mut bytes = value.clone().into_bytes();
            bytes[at] ^= nonzero(xor);
            *value = String::from_utf8(bytes).ok()?;
            return Some(out);
        }
        at -= value.len();
    }
    None
}

/// Flips one bit pattern of one byte of a digest's hex text (decoded, flipped, re-encoded,
/// so the hex case cannot make it equivalent).
fn flip_hex_digest(hex: &str, flip: usize, xor: u8) -> String {
    let mut bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    let at = flip % bytes.len().max(1);
    if let Some(b) = bytes.get_mut(at) {
        *b ^= nonzero(xor);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unique_names(params: &[(String, String)]) -> bool {
    let mut names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    names.windows(2).all(|w| w[0] != w[1])
}

fn pop(params: Vec<(String, String)>, flip: usize, xor: u8) {
    if !unique_names(&params) || params.iter().any(|(k, _)| k == "signature") {
        return;
    }
    let key = keys::pop();
    let signature = sign_pop::sign(&params, &key);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .append_pair("signature", &signature)
        .finish();
    let received = sign_pop::form_params(body.as_bytes());
    let Ok(received) = received else {
        panic!("a signed form body does not decode: {received:?}");
    };
    assert_eq!(sign_pop::verify(&received, &key), Ok(()));
    if let Some(mut tampered) = flip_value(&params, flip, xor) {
        tampered.push(("signature".into(), signature.clone()));
        assert!(
            sign_pop::verify(&tampered, &key).is_err(),
            "a flipped value verifies"
        );
    }
    let mut forged = received.clone();
    if let Some((_, sig)) = forged.iter_mut().find(|(k, _)| k == "signature") {
        *sig = flip_hex_digest(sig, flip, xor);
    }
    assert!(
        sign_pop::verify(&forged, &key).is_err(),
        "a flipped signature verifies"
    );
}

fn webhook(body: &[u8], hex_key: bool, flip: usize, xor: u8) {
    let key = if hex_key {
        match keys::unified_hex() {
            Some(k) => k,
            None => return,
        }
    } else {
        keys::unified()
    };
    if body.is_empty() {
        return;
    }
    let header = sign_unified::sign_webhook(keys::CCID, &key, body);
    assert_eq!(
        sign_unified::verify_webhook(keys::CCID, &key, &header, body),
        Ok(())
    );
    let mut tampered = body.to_vec();
    tampered[flip % body.len()] ^= nonzero(xor);
    assert!(
        sign_unified::verify_webhook(keys::CCID, &key, &header, &tampered).is_err(),
        "a flipped body byte verifies"
    );
    let (prefix, digest) = header.split_at(header.len() - 128);
    let forged = format!("{prefix}{}", flip_hex_digest(digest, flip, xor));
    assert!(
        sign_unified::verify_webhook(keys::CCID, &key, &forged, body).is_err(),
        "a flipped digest verifies"
    );
}

fn redirect(mut params: Vec<(String, String)>, spelling: u8, flip: usize, xor: u8) {
    // The names the signer can list: non-empty, no `,` (the list separator), not the
    // signature's own parameters, each once.
    params.retain(|(k, _)| {
        !k.is_empty()
            && !k.contains(',')
            && k != sign_unified::AUTH_PARAMS
            && k != sign_unified::V_AUTH_INFO
    });
    if !unique_names(&params) {
        return;
    }
    if !params.iter().any(|(k, _)| k == sign_unified::PAYMENT_ID) {
        params.push((
            sign_unified::PAYMENT_ID.into(),
            "paymentId_1234567890".into(),
        ));
    }
    let payment_id = params
        .iter()
        .find(|(k, _)| k == sign_unified::PAYMENT_ID)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let key = keys::unified();
    let (auth_params, v_auth_info) = sign_unified::sign_redirect(keys::CCID, &key, &params);
    // The spellings the verifier accepts: standard padded, unpadded, URL-safe, 4G MDK.
    let auth_params = match spelling % 4 {
        0 => auth_params,
        1 => auth_params.trim_end_matches('=').to_string(),
        2 => auth_params
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_"),
        _ => auth_params
            .replace('=', "*")
            .replace('/', "-")
            .replace('+', "_"),
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .append_pair(sign_unified::AUTH_PARAMS, &auth_params)
        .append_pair(sign_unified::V_AUTH_INFO, &v_auth_info)
        .finish();
    let received = sign_unified::query_params(&query);
    let Ok(received) = received else {
        panic!("a signed query does not decode: {received:?}");
    };
    assert_eq!(
        sign_unified::verify_redirect(keys::CCID, &key, &received, &payment_id),
        Ok(())
    );
    if let Some(tampered) = flip_value(&params, flip, xor) {
        let mut tampered = tampered;
        tampered.push((sign_unified::AUTH_PARAMS.into(), auth_params.clone()));
        tampered.push((sign_unified::V_AUTH_INFO.into(), v_auth_info.clone()));
        assert!(
            sign_unified::verify_redirect_signature(keys::CCID, &key, &tampered).is_err(),
            "a flipped value verifies"
        );
    }
    let mut forged = received;
    if let Some((_, v)) = forged
        .iter_mut()
        .find(|(k, _)| k == sign_unified::V_AUTH_INFO)
    {
        *v = flip_hex_digest(v, flip, xor);
    }
    assert!(
        sign_unified::verify_redirect_signature(keys::CCID, &key, &forged).is_err(),
        "a flipped vAuthInfo verifies"
    );
}

fn mpi(body: &[u8], flip: usize, xor: u8) {
    if body.is_empty() {
        return;
    }
    let key = keys::mpi();
    let header = sign_mpi::authorization(body, &key);
    assert_eq!(sign_mpi::verify(body, &header, &key), Ok(()));
    let mut tampered = body.to_vec();
    tampered[flip % body.len()] ^= nonzero(xor);
    assert!(
        sign_mpi::verify(&tampered, &header, &key).is_err(),
        "a flipped body byte verifies"
    );
    let forged = format!(
        "Basic {}",
        flip_hex_digest(&header["Basic ".len()..], flip, xor)
    );
    assert!(
        sign_mpi::verify(body, &forged, &key).is_err(),
        "a flipped digest verifies"
    );
}
