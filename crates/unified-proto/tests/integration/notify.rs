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

/// The former read of a webhook body, written out: a JSON tree first, which must be an
/// object, then the typed payload from the tree. `Webhook::verify_and_parse` now reads
/// the payload straight from the bytes and falls back to this only when that read
/// refuses; both must answer the same.
fn read_through_a_tree(body: &[u8]) -> Result<WebhookPayload, String> {
    let tree: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if !tree.is_object() {
        return Err("not a JSON object".into());
    }
    serde_json::from_value(tree).map_err(|e| e.to_string())
}

#[test]
fn webhook_payload_is_what_the_tree_read_gave() {
    let bodies: Vec<Vec<u8>> = vec![
        fixture("webhook_capture.json"),
        fixture("webhook_deregistration.json"),
        // Whitespace around the object.
        b" \r\n\t{\"order\":{\"paymentId\":\"p1\",\"amount\":\"1000\"}} \n".to_vec(),
        // A repeated member: a tree keeps the last one, and so does the webhook.
        br#"{"order":{"paymentId":"first"},"order":{"paymentId":"last"}}"#.to_vec(),
        br#"{"result":{"resultCode":"UA-000-001","resultCode":"UA-PRV-001"}}"#.to_vec(),
        // Escapes, non-ASCII text and unknown members at every level.
        "{\"order\":{\"paymentId\":\"p\\u00e9\\n\",\"x\":[1,{\"y\":null}]},\"ünknown\":\"値\"}"
            .as_bytes()
            .to_vec(),
        // Not objects, not JSON, trailing bytes, a bad field.
        b"[]".to_vec(),
        br#"[{"paymentId":"p1"}]"#.to_vec(),
        br#""text""#.to_vec(),
        b"null".to_vec(),
        b"{} {}".to_vec(),
        b"{\"order\":{\"paymentId\":\"\xff\"}}".to_vec(),
        br#"{"order":{"amount":"1,000"}}"#.to_vec(),
        br#"{"order":{"amount":900}}"#.to_vec(),
        br#"{"result":{"status":1}}"#.to_vec(),
    ];
    for body in bodies {
        let shown = String::from_utf8_lossy(&body).into_owned();
        let headers = Webhook::test_headers(&keys(), "id-1", &body);
        let hook = Webhook::verify_and_parse(&headers, &body, &keys());
        match (hook, read_through_a_tree(&body)) {
            (Ok(hook), Ok(expected)) => {
                assert_eq!(
                    format!("{:?}", hook.payload),
                    format!("{expected:?}"),
                    "{shown}"
                );
                let result = expected.result.unwrap_or_default();
                assert_eq!(hook.result_code, result.result_code, "{shown}");
                assert_eq!(hook.status, result.status, "{shown}");
                assert_eq!(hook.action_code, result.action_code, "{shown}");
                assert_eq!(hook.body().as_bytes(), body, "{shown}");
            }
            (Err(Error::MalformedResponse { .. }), Err(_)) => {}
            (got, expected) => panic!("{shown}: {got:?} where the tree read gave {expected:?}"),
        }
    }
}

#[test]
fn webhook_keeps_fields_this_version_does_not_know() {
    let body =
        br#"{"order":{"paymentId":"p1","futureField":{"nested":true}},"unknownTopLevel":[1,2,3]}"#;
    let headers = Webhook::test_headers(&keys(), "id-1", body);
    let hook = Webhook::verify_and_parse(&headers, body, &keys()).unwrap();
    assert_eq!(hook.body().as_bytes(), body);
    let raw = hook.raw().unwrap();
    assert_eq!(raw["order"]["futureField"]["nested"], true);
    assert_eq!(raw["unknownTopLevel"][2], 3);
    assert_eq!(hook.payment_id(), Some("p1"));
}

/// What the typed read skips and a tree cannot hold: the webhook verifies (the gateway
/// signed it; its known fields read), and `raw()` names the fault.
#[test]
fn webhook_raw_reports_what_a_tree_cannot_hold() {
    for body in [
        br#"{"order":{"paymentId":"p1"},"future":1e999}"#.as_slice(),
        br#"{"order":{"paymentId":"p1"},"future":"\ud800"}"#.as_slice(),
    ] {
        let headers = Webhook::test_headers(&keys(), "id-1", body);
        let hook = Webhook::verify_and_parse(&headers, body, &keys()).unwrap();
        assert_eq!(hook.payment_id(), Some("p1"));
        let err = hook.raw().unwrap_err();
        assert!(
            matches!(&err, Error::MalformedResponse { what, .. } if what == "webhook"),
            "{err:?}"
        );
    }
}

#[test]
fn redirect_params_are_decoded_on_demand() {
    let mut pairs = REDIRECT.to_vec();
    pairs.push(("futureParam", "a b+c/é"));
    let query = signed_query(&pairs);
    let url = format!("https://shop.example/done?{query}#top");
    let redirect = Redirect::verify_and_parse(&url, &keys(), "order-0001").unwrap();
    let params = redirect.params().unwrap();
    assert_eq!(params, unified::query_params(&query).unwrap());
    assert_eq!(params.len(), REDIRECT.len() + 3);
    assert!(params.contains(&("futureParam".into(), "a b+c/é".into())));
    // The codes are the typed query's.
    assert_eq!(redirect.result_code, redirect.query.result_code);
    assert_eq!(redirect.status, Some(Status::Success));
    assert_eq!(redirect.action_code, Some(ActionCode::Success));
}

/// Only one leading `?` is the query's: a name that starts with `?` after it is a name,
/// when verifying and when the pairs are decoded again.
#[test]
fn redirect_params_are_the_pairs_that_were_verified() {
    let pairs = [("?odd", "1"), ("paymentId", "order-0001")];
    let query = format!("?{}", signed_query(&pairs).replace("%3Fodd", "?odd"));
    assert!(query.starts_with("??odd=1&"), "{query}");
    let redirect = Redirect::verify_and_parse(&query, &keys(), "order-0001").unwrap();
    let params = redirect.params().unwrap();
    assert_eq!(
        params[..2],
        [
            ("?odd".into(), "1".into()),
            ("paymentId".into(), "order-0001".into())
        ]
    );
}
