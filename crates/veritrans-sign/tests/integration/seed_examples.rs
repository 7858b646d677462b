//! The guides' worked examples, and vectors computed independently of this crate
//! (each with the Python one-liner that produced it).
#![allow(clippy::unwrap_used)]

use veritrans_sign::{
    Error, MerchantAuthKey, MpiServerKey, PopServerKey, SignatureDefect, mpi, pop, unified,
};

#[test]
fn pop_auth_string_from_the_guide() {
    // pop-api-v1.8.1 "Request Headers": AUTH_STRING = Base64("Test-POP-Server-Key:")
    let key = PopServerKey::new("Test-POP-Server-Key");
    assert_eq!(pop::auth_string(&key), "VGVzdC1QT1AtU2VydmVyLUtleTo=");
    assert_eq!(
        pop::authorization(&key),
        "Basic VGVzdC1QT1AtU2VydmVyLUtleTo="
    );
}

/// The signing input written out by hand, as "Handling Notifications" describes it: names
/// sorted, `signature` skipped, `dummy` as `true`, an unknown parameter included, values
/// percent-decoded.
const POP_INPUT: &str = "dummy=true&future_param=a b+c&m_status=success&masked_card_number=411111*11\
&merchant_id=A100000000000001069951cc&order_id=ORDER-0001&payment_type=card&result_code=A001\
&status=success&transaction_datetime=20260101120000&v_result_code=A001000000000000:Test-POP-Server-Key";

/// python3 -c 'import hashlib;print(hashlib.sha512(POP_INPUT.encode()).hexdigest())'
const POP_SIGNATURE: &str = "0280e99934082fc9e1cfc0d1aa7011d3ebc3e5945fe100bb37a7ddd0d0336a58997ca5535798dbd60c465e61f1da320ef0c35267cc06b39335d11f6898190a2e";

fn pop_form_body(signature: &str) -> String {
    format!(
        "merchant_id=A100000000000001069951cc&order_id=ORDER-0001&status=success&result_code=A001\
         &m_status=success&v_result_code=A001000000000000&payment_type=card\
         &transaction_datetime=20260101120000&dummy=true&masked_card_number=411111%2A11\
         &future_param=a+b%2Bc&signature={signature}"
    )
}

#[test]
fn pop_signature_matches_an_independent_computation() {
    assert!(POP_INPUT.ends_with(":Test-POP-Server-Key"));
    let key = PopServerKey::new("Test-POP-Server-Key");
    let params = pop::form_params(pop_form_body(POP_SIGNATURE).as_bytes()).unwrap();
    assert_eq!(pop::sign(&params, &key), POP_SIGNATURE);
    assert_eq!(pop::verify(&params, &key), Ok(()));
    // Either hex case is accepted.
    let upper = pop::form_params(pop_form_body(&POP_SIGNATURE.to_uppercase()).as_bytes()).unwrap();
    assert_eq!(pop::verify(&upper, &key), Ok(()));
    // Wrong key.
    assert_eq!(
        pop::verify(&params, &PopServerKey::new("Other-Key")),
        Err(Error::SignatureMismatch {
            what: "POP signature"
        })
    );
}

#[cfg(feature = "json")]
#[test]
fn pop_json_push_signs_the_same_text() {
    let body = format!(
        r#"{{"merchant_id":"A100000000000001069951cc","order_id":"ORDER-0001","status":"success",
            "result_code":"A001","m_status":"success","v_result_code":"A001000000000000",
            "payment_type":"card","transaction_datetime":"20260101120000","dummy":true,
            "masked_card_number":"411111*11","future_param":"a b+c","signature":"{POP_SIGNATURE}"}}"#
    );
    let key = PopServerKey::new("Test-POP-Server-Key");
    let params = pop::json_params(body.as_bytes()).unwrap();
    assert!(params.contains(&("dummy".into(), "true".into())));
    assert_eq!(pop::verify(&params, &key), Ok(()));
}

/// The guide's sample request body ("About X-VT-Content-hmac"), on one line: the line
/// breaks in the seed text are page-extraction artefacts.
const WEBHOOK_BODY: &str = r#"{"order":{"payType": "paypay", "paymentId": "paymentId_1234567890", "amount": "10000"},"item": [{"id": "item001", "name": "testItem001"},{"id": "item002", "name": "testItem002"}],"merchant":{ "storeName": "store001"},"control":{"requestMode": "test,successUrl": "https://example.com/", "cancelUrl": "https://example.com/", "errorUrl": "https://example.com/", "pushUrl": "https://example.com/"}}"#;

#[test]
fn webhook_with_the_guides_inputs() {
    // python3 -c 'import hmac,hashlib;print(hmac.new(b"sampleKey", b"sampleCcId"+BODY+b"sampleKey", hashlib.sha512).hexdigest())'
    let expected = "d7bda90d47b8c6f485371c0f772b4aa4d0aba79fe8484c1ea3dacb96d3ce1b76ef4800a275db12ea7ac6b82b108c093696aed23df9feb13bdd1c387f48889ae7";
    let key = MerchantAuthKey::new("sampleKey");
    let header = unified::sign_webhook("sampleCcId", &key, WEBHOOK_BODY.as_bytes());
    assert_eq!(header, format!("h=HmacSHA512;s=sampleCcId;v={expected}"));
    // Lenient parsing: spaces, another order, upper-case hex, a trailing `;`, the header name.
    let lenient = format!(
        "X-VT-Content-hmac:  v = {} ; s=sampleCcId ;h= HmacSHA512 ;",
        expected.to_uppercase()
    );
    assert_eq!(
        unified::verify_webhook("sampleCcId", &key, &lenient, WEBHOOK_BODY.as_bytes()),
        Ok(())
    );
}

#[test]
fn webhook_with_a_hex_decoded_hmac_key() {
    // python3 -c 'import hmac,hashlib;k="00112233445566778899aabbccddeeff";print(hmac.new(bytes.fromhex(k), b"sampleCcId"+BODY+k.encode(), hashlib.sha512).hexdigest())'
    let expected = "dd93b17df6c89478126f7d4deb9ea02fe4b1118097d1507155ce20360533dac38be9701bf08871058c61ac78f73182f96aaef8ed021129ce09e0e2684c537977";
    let key = MerchantAuthKey::with_hex_hmac_key("00112233445566778899aabbccddeeff").unwrap();
    let header = unified::sign_webhook("sampleCcId", &key, WEBHOOK_BODY.as_bytes());
    assert_eq!(header, format!("h=HmacSHA512;s=sampleCcId;v={expected}"));
    // The same key text in the default mode gives another MAC, so the modes cannot be confused.
    let utf8 = MerchantAuthKey::new("00112233445566778899aabbccddeeff");
    assert!(
        unified::verify_webhook("sampleCcId", &utf8, &header, WEBHOOK_BODY.as_bytes()).is_err()
    );
}

#[test]
fn the_guides_sample_header_cannot_be_reproduced() {
    // The guide's sample `v` has 64 hex digits: half an HMAC-SHA512. Whatever its inputs
    // were, no HMAC-SHA512 produces it, so it is rejected as malformed, not as a mismatch.
    let sample = "h=HmacSHA512;s=MerchantCcId;v=915dd44f78777da61c26e683ae63cdf3aee72a212596ffc7fa4c0833dd224374";
    let key = MerchantAuthKey::new("sampleKey");
    assert_eq!(
        unified::verify_webhook("MerchantCcId", &key, sample, WEBHOOK_BODY.as_bytes()),
        Err(Error::MalformedSignature {
            what: "X-VT-Content-hmac signature",
            defect: SignatureDefect::Length {
                expected: 128,
                found: 64
            }
        })
    );
}

/// The guide's example `authParams` list with the example values of each parameter.
fn redirect_params(auth_params: &str, v_auth_info: &str) -> Vec<(String, String)> {
    [
        ("status", "success"),
        ("actionCode", "success"),
        ("resultCode", "UA-000-001"),
        ("command", "pay"),
        ("paymentId", "paymentId_1234567890"),
        (
            "fepOrderId",
            "paymentId_1234567890_01AHK4HS7GFKHGKE7SGFJKTHIH",
        ),
        ("fepReferenceId", "X01AHK4HS7GFKHGKE7SGFJKTHIH"),
        ("authParams", auth_params),
        ("vAuthInfo", v_auth_info),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec()
}

// python3 -c 'import base64;print(base64.b64encode(b"status,actionCode,resultCode,command,paymentId,fepOrderId,fepReferenceId,fepReferenceId,paymentId,fepOrderId,actionCode,resultCode,command,status").decode())'
const AUTH_PARAMS: &str = "c3RhdHVzLGFjdGlvbkNvZGUscmVzdWx0Q29kZSxjb21tYW5kLHBheW1lbnRJZCxmZXBPcmRlcklkLGZlcFJlZmVyZW5jZUlkLGZlcFJlZmVyZW5jZUlkLHBheW1lbnRJZCxmZXBPcmRlcklkLGFjdGlvbkNvZGUscmVzdWx0Q29kZSxjb21tYW5kLHN0YXR1cw==";
// python3 -c 'import hashlib;v=dict(...);print(hashlib.sha512(("sampleCcId"+"".join(v[n] for n in NAMES.split(","))+"sampleKey").encode()).hexdigest())'
const V_AUTH_INFO: &str = "3d15924b3b34a461b436064d1c60293e98587e665c4a7958c49a1302626a7c50047df656f811d157c431d2fbaddc8b0f75bea84c11a35585795afc33c72d5a30";

#[test]
fn redirect_with_the_guides_auth_params_example() {
    let key = MerchantAuthKey::new("sampleKey");
    let params = redirect_params(AUTH_PARAMS, V_AUTH_INFO);
    assert_eq!(
        unified::verify_redirect("sampleCcId", &key, &params, "paymentId_1234567890"),
        Ok(())
    );

    // sign_redirect reproduces both values for the same names and values in that order.
    let names = "status,actionCode,resultCode,command,paymentId,fepOrderId,fepReferenceId,fepReferenceId,paymentId,fepOrderId,actionCode,resultCode,command,status";
    let ordered: Vec<(&str, &str)> = names
        .split(',')
        .map(|n| {
            (
                n,
                params
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.as_str())
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unified::sign_redirect("sampleCcId", &key, &ordered),
        (AUTH_PARAMS.to_string(), V_AUTH_INFO.to_string())
    );

    // Unpadded and MDK-padded (`=` as `*`) forms of the same list.
    for variant in [
        AUTH_PARAMS.trim_end_matches('='),
        &AUTH_PARAMS.replace('=', "*"),
    ] {
        let params = redirect_params(variant, V_AUTH_INFO);
        assert_eq!(
            unified::verify_redirect("sampleCcId", &key, &params, "paymentId_1234567890"),
            Ok(())
        );
    }

    // A replayed redirect of another order is validly signed but rejected.
    assert_eq!(
        unified::verify_redirect("sampleCcId", &key, &params, "paymentId_other"),
        Err(Error::PaymentIdMismatch {
            expected: "paymentId_other".into(),
            found: "paymentId_1234567890".into()
        })
    );
}

#[test]
fn redirect_auth_params_in_every_base64_variant() {
    // Gateway names are alphanumeric, whose Base64 never contains `+` or `/`; names with
    // `?` and `~` force both so the alphabets really differ.
    // python3 -c 'import base64;n=b"paymentId,a?,a~,paymentId";print(base64.b64encode(n).decode(), base64.urlsafe_b64encode(n).decode())'
    // python3 -c 'import hashlib;print(hashlib.sha512(b"ccid"+b"p-1"+b"x"+b"y"+b"p-1"+b"key").hexdigest())'
    let v_auth_info = "2d25be9d456f67f4f0e23240949ce0fae2fd5d0ee8284ffc63a8a72cc79a428863c922e87f940c4618904dfbea9a6619762b9a89c3d3aaa354b7e9ee37bb6889";
    let key = MerchantAuthKey::new("key");
    for auth_params in [
        "cGF5bWVudElkLGE/LGF+LHBheW1lbnRJZA==", // standard
        "cGF5bWVudElkLGE/LGF+LHBheW1lbnRJZA",   // standard, unpadded
        "cGF5bWVudElkLGE/LGF LHBheW1lbnRJZA==", // `+` turned into a space
        "cGF5bWVudElkLGE_LGF-LHBheW1lbnRJZA==", // URL-safe
        "cGF5bWVudElkLGE_LGF-LHBheW1lbnRJZA",   // URL-safe, unpadded
        "cGF5bWVudElkLGE-LGF_LHBheW1lbnRJZA**", // 4G MDK variant
    ] {
        let params = [
            ("paymentId", "p-1"),
            ("a?", "x"),
            ("a~", "y"),
            ("authParams", auth_params),
            ("vAuthInfo", v_auth_info),
        ];
        assert_eq!(
            unified::verify_redirect("ccid", &key, &params, "p-1"),
            Ok(()),
            "{auth_params}"
        );
    }
}

#[test]
fn mpi_push_with_the_guides_sample_body() {
    // The guide's "Push notification request body sample JSON", byte for byte with its indentation.
    let body = b"{\n    \"push_time\": \"2015-03-30 18:36:42\",\n    \"push_id\": \"00000080\",\n    \"data\": [\n        {\n            \"order_id\": \"TESTC001\",\n            \"vresult_code\": \"G012A00100000000\",\n            \"transaction_type\": \"Verify\",\n            \"mpi_mstatus\": \"success\",\n            \"card_mstatus\": \"success\",\n            \"test_mode\": true\n        }\n    ]\n}";
    // python3 -c 'import hashlib;print(hashlib.sha256(BODY+b"mpi-server-key").hexdigest())'
    let expected = "1a280abe854618c09d45bd589b6fa8fa843fea7581a8a6c604591ec3e03589c5";
    let key = MpiServerKey::new("mpi-server-key");
    assert_eq!(mpi::authorization(body, &key), format!("Basic {expected}"));
    assert_eq!(
        mpi::verify(body, &format!("basic  {}", expected.to_uppercase()), &key),
        Ok(())
    );
    assert_eq!(
        mpi::verify(body, &format!("Authorization: Basic {expected}"), &key),
        Ok(())
    );
}
