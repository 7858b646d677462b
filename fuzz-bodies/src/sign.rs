//! `veritrans-sign`: every decoder and verifier that takes received bytes.

use veritrans_sign::{Error, mpi as sign_mpi, pop as sign_pop, unified as sign_unified};

use crate::frame::first_line;
use crate::keys;

/// Parameters re-signed with the test key verify; without `signature` they are refused.
fn pop_resign_verifies(params: &[(String, String)]) {
    let key = keys::pop();
    if params.iter().any(|(k, _)| k == "signature") {
        return;
    }
    assert_eq!(
        sign_pop::verify(params, &key),
        Err(Error::MissingParameter {
            name: "signature".into()
        })
    );
    let mut signed = params.to_vec();
    signed.push(("signature".into(), sign_pop::sign(params, &key)));
    assert_eq!(sign_pop::verify(&signed, &key), Ok(()));
}

/// POP redirect body: `pop::form_params` then `pop::verify`. A decoded body re-encoded
/// decodes to the same parameters, and re-signed it verifies.
pub fn pop_form(data: &[u8]) {
    let Ok(params) = sign_pop::form_params(data) else {
        return;
    };
    let _ = sign_pop::verify(&params, &keys::pop());
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    if !encoded.is_empty() {
        assert_eq!(
            sign_pop::form_params(encoded.as_bytes()).as_ref(),
            Ok(&params),
            "form round trip"
        );
    }
    pop_resign_verifies(&params);
}

/// POP push body: `pop::json_params` then `pop::verify`; re-signed it verifies.
pub fn pop_json(data: &[u8]) {
    let Ok(params) = sign_pop::json_params(data) else {
        return;
    };
    let _ = sign_pop::verify(&params, &keys::pop());
    pop_resign_verifies(&params);
}

/// Unified webhook: first line the `X-VT-Content-hmac` value, the rest the body.
/// The header the signer writes for the body verifies (for a non-empty body), in both
/// HMAC key modes.
pub fn unified_webhook(data: &[u8]) {
    let (header, body) = first_line(data);
    let header = String::from_utf8_lossy(header);
    let mut key_list = vec![keys::unified()];
    key_list.extend(keys::unified_hex());
    for key in &key_list {
        let _ = sign_unified::verify_webhook(keys::CCID, key, &header, body);
        let signed = sign_unified::sign_webhook(keys::CCID, key, body);
        let result = sign_unified::verify_webhook(keys::CCID, key, &signed, body);
        if body.is_empty() {
            assert!(matches!(result, Err(Error::EmptyBody { .. })), "{result:?}");
        } else {
            assert_eq!(result, Ok(()));
        }
    }
}

/// Unified redirect: the input is a query string (or URL) → `unified::query_params` →
/// `verify_redirect`, `verify_redirect_signature`, `redirect_auth_info`. Where the signer
/// can compute a `vAuthInfo` for the received `authParams`, that value verifies.
pub fn unified_redirect(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let Ok(params) = sign_unified::query_params(&query) else {
        return;
    };
    let key = keys::unified();
    let _ = sign_unified::verify_redirect(keys::CCID, &key, &params, "paymentId_1234567890");
    let _ = sign_unified::verify_redirect_signature(keys::CCID, &key, &params);
    let Ok(auth_info) = sign_unified::redirect_auth_info(keys::CCID, &key, &params) else {
        return;
    };
    let mut resigned: Vec<(String, String)> = params
        .into_iter()
        .filter(|(k, _)| k != sign_unified::V_AUTH_INFO)
        .collect();
    resigned.push((sign_unified::V_AUTH_INFO.into(), auth_info));
    let result = sign_unified::verify_redirect_signature(keys::CCID, &key, &resigned);
    assert!(
        matches!(result, Ok(()) | Err(Error::UnsignedParameter { .. })),
        "redirect_auth_info's value does not verify: {result:?}"
    );
}

/// MPI push: first line the `Authorization` value, the rest the body. The signer's header
/// verifies for a non-empty body.
pub fn mpi_push(data: &[u8]) {
    let (header, body) = first_line(data);
    let key = keys::mpi();
    let _ = sign_mpi::verify(body, &String::from_utf8_lossy(header), &key);
    let signed = sign_mpi::authorization(body, &key);
    let result = sign_mpi::verify(body, &signed, &key);
    if body.is_empty() {
        assert!(matches!(result, Err(Error::EmptyBody { .. })), "{result:?}");
    } else {
        assert_eq!(result, Ok(()));
    }
}
