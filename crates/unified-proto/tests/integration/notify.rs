//! Webhook and Redirect verification: nothing typed without a valid signature.

#![allow(clippy::unwrap_used)] // test helpers panic on broken fixtures, which is the point

use unified_proto::notify::{WEBHOOK_HMAC_HEADER, WEBHOOK_ID_HEADER};
use unified_proto::*;
use veritrans_sign::{MerchantAuthKey, unified};

fn keys() -> MerchantKeys {
    MerchantKeys::new("sampleCcId", MerchantAuthKey::new("sampleKey"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn webhook_fixtures_verify_and_parse() {
    for name in ["webhook_capture.json", "webhook_deregistration.json"] {
        let body = fixture(name);
        let headers = Webhook::test_headers(&keys(), "01HG79DYJS6MJBN8BRS0HAQ38X", &body);
        let hook = Webhook::verify_and_parse(&headers, &body, &keys()).unwrap();
        assert_eq!(hook.id, "01HG79DYJS6MJBN8BRS0HAQ38X");
        insta::assert_debug_snapshot!(
            name,
            (
                hook.result_code,
                hook.status,
                hook.action_code,
                hook.payload
            )
        );
    }
}

#[test]
fn webhook_codes_are_typed() {
    let body = fixture("webhook_capture.json");
    let headers = Webhook::test_headers(&keys(), "id-1", &body);
    let hook = Webhook::verify_and_parse(&headers, &body, &keys()).unwrap();
    let code = hook.result_code.unwrap();
    assert_eq!(code, ResultCode::UaPrv001);
    assert!(code.should_retry() && !code.is_success() && !code.is_pending());
    assert_eq!(code.info().unwrap().http_status, 502);
    assert_eq!(hook.status, Some(Status::Failure));
}

#[test]
fn webhook_rejections() {
    let body = fixture("webhook_capture.json");
    let good = Webhook::test_headers(&keys(), "id-1", &body);
    let mut cases: Vec<(&str, String)> = Vec::new();
    let mut check =
        |name: &'static str, headers: &http::HeaderMap, body: &[u8], keys: &MerchantKeys| {
            let err = Webhook::verify_and_parse(headers, body, keys).unwrap_err();
            cases.push((name, err.to_string()));
        };

    let mut tampered = body.clone();
    let pos = tampered.windows(3).position(|w| w == b"900").unwrap();
    tampered[pos] = b'1';
    check("body tampered", &good, &tampered, &keys());

    check(
        "wrong key",
        &good,
        &body,
        &MerchantKeys::new("sampleCcId", MerchantAuthKey::new("otherKey")),
    );
    check(
        "other CCID",
        &good,
        &body,
        &MerchantKeys::new("otherCcId", MerchantAuthKey::new("sampleKey")),
    );

    let mut no_hmac = good.clone();
    no_hmac.remove(WEBHOOK_HMAC_HEADER);
    check("no hmac header", &no_hmac, &body, &keys());

    let mut no_id = good.clone();
    no_id.remove(WEBHOOK_ID_HEADER);
    check("no webhook id", &no_id, &body, &keys());

    let mut twice = good.clone();
    twice.append(WEBHOOK_HMAC_HEADER, good[WEBHOOK_HMAC_HEADER].clone());
    check("hmac header twice", &twice, &body, &keys());

    let not_json = b"<html>oops</html>".to_vec();
    let headers = Webhook::test_headers(&keys(), "id-1", &not_json);
    check("signed but not JSON", &headers, &not_json, &keys());

    let wrong_type = br#"{"order":{"amount":900}}"#.to_vec();
    let headers = Webhook::test_headers(&keys(), "id-1", &wrong_type);
    check("signed, amount as a number", &headers, &wrong_type, &keys());

    let table: String = cases
        .iter()
        .map(|(n, e)| format!("{n}\n    => {e}\n"))
        .collect();
    assert!(!table.contains("sampleKey"), "secrets never in errors");
    insta::assert_snapshot!(table);
}

fn signed_query(pairs: &[(&str, &str)]) -> String {
    let k = keys();
    let (auth_params, v_auth_info) = unified::sign_redirect(&k.ccid, &k.auth_key, pairs);
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (n, v) in pairs {
        s.append_pair(n, v);
    }
    s.append_pair("authParams", &auth_params);
    s.append_pair("vAuthInfo", &v_auth_info);
    s.finish()
}

const REDIRECT: &[(&str, &str)] = &[
    ("status", "success"),
    ("actionCode", "success"),
    ("resultCode", "UA-000-001"),
    ("command", "pay"),
    ("paymentId", "order-0001"),
    ("fepOrderId", "order-0001_01AHK4HS7GFKHGKE7SGFJKTHIH"),
    ("fepReferenceId", "X01AHK4HS7GFKHGKE7SGFJKTHIH"),
    ("merchantRequestKey1", "cart_42"),
];

#[test]
fn redirect_verifies_and_parses() {
    let query = signed_query(REDIRECT);
    let redirect = Redirect::verify_and_parse(
        &format!("https://shop.example/done?{query}"),
        &keys(),
        "order-0001",
    )
    .unwrap();
    assert!(redirect.result_code.as_ref().unwrap().is_success());
    insta::assert_debug_snapshot!(redirect.query);
}

#[test]
fn redirect_rejections() {
    let query = signed_query(REDIRECT);
    let mut cases = Vec::new();
    let other_order = Redirect::verify_and_parse(&query, &keys(), "order-0002").unwrap_err();
    cases.push(("replayed from another order", other_order.to_string()));
    let tampered = query.replace("status=success", "status=failure");
    cases.push((
        "status tampered",
        Redirect::verify_and_parse(&tampered, &keys(), "order-0001")
            .unwrap_err()
            .to_string(),
    ));
    let unsigned = query.replace("vAuthInfo=", "x=");
    cases.push((
        "no vAuthInfo",
        Redirect::verify_and_parse(&unsigned, &keys(), "order-0001")
            .unwrap_err()
            .to_string(),
    ));
    let wrong_key = MerchantKeys::new("sampleCcId", MerchantAuthKey::new("otherKey"));
    cases.push((
        "wrong key",
        Redirect::verify_and_parse(&query, &wrong_key, "order-0001")
            .unwrap_err()
            .to_string(),
    ));
    let table: String = cases
        .iter()
        .map(|(n, e)| format!("{n}\n    => {e}\n"))
        .collect();
    insta::assert_snapshot!(table);
}
