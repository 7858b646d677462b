//! Bad input never panics: validation of arbitrary field values, and
//! verification of arbitrary webhooks and redirects.
#![allow(clippy::unwrap_used)] // test helpers panic on broken fixtures, which is the point

use proptest::prelude::*;
use serde_json::json;
use unified_proto::validate::{Context, Mode, check};
use unified_proto::{Command, MerchantKeys, PayRequest, Redirect, Webhook};
use veritrans_sign::MerchantAuthKey;

fn keys() -> MerchantKeys {
    MerchantKeys::new("ccid", MerchantAuthKey::new("key"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn validation_of_any_values_never_panics(
        id in any::<String>(), amount in any::<String>(), url in any::<String>(),
        item in any::<String>(), pay_type in "(paypay|rakuten|docomo|au|merpay|[a-z]{0,8})",
        number in any::<i64>(),
    ) {
        let body = json!({
            "order": {"payType": pay_type, "paymentId": id, "amount": amount},
            "item": [{"id": item, "name": number}, null, 7],
            "control": {"successUrl": url, "cancelUrl": number, "errorUrl": null, "pushUrl": url, "requestMode": id},
            "transaction": [],
        });
        for mode in [Mode::Live, Mode::Sandbox] {
            let _ = check(PayRequest::RULES, PayRequest::PAY_TYPES, &body, &Context::new(mode));
        }
    }

    #[test]
    fn webhooks_with_any_headers_and_bodies_never_panic(
        hmac in any::<String>(), id in any::<String>(), body in any::<Vec<u8>>(),
    ) {
        let mut headers = http::HeaderMap::new();
        if let Ok(v) = http::HeaderValue::from_str(&hmac) {
            headers.insert("x-vt-content-hmac", v);
        }
        if let Ok(v) = http::HeaderValue::from_str(&id) {
            headers.insert("x-vt-webhook-id", v);
        }
        prop_assert!(Webhook::verify_and_parse(&headers, &body, &keys()).is_err());
    }

    #[test]
    fn signed_webhooks_with_any_body_never_panic(body in any::<Vec<u8>>()) {
        let headers = Webhook::test_headers(&keys(), "id", &body);
        let _ = Webhook::verify_and_parse(&headers, &body, &keys());
    }

    #[test]
    fn redirects_with_any_query_never_panic(query in any::<String>(), expected in any::<String>()) {
        prop_assert!(Redirect::verify_and_parse(&query, &keys(), &expected).is_err());
    }
}
