//! Bad input never panics: validation of arbitrary field values, and
//! verification of arbitrary webhooks and redirects; each property also states
//! what the answer must be.
#![allow(clippy::unwrap_used)] // test helpers panic on broken fixtures, which is the point

use proptest::prelude::*;
use serde_json::json;
use unified_proto::validate::{Context, Mode, check};
use unified_proto::{Command, Error, MerchantKeys, PayRequest, Redirect, Webhook};
use veritrans_sign::MerchantAuthKey;

fn keys() -> MerchantKeys {
    MerchantKeys::new("ccid", MerchantAuthKey::new("key"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the values, this body is never valid: `control.cancelUrl` is a number
    /// where the guide wants a URL string ("cancelUrl required string <= 1024
    /// characters URL format", "Payment Request"), so a violation names that path;
    /// and every violation's path is a member of the body (`order…`, `item…`,
    /// `control…`, `transaction…`) or the body itself.
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
        for mode in [Mode::Live, Mode::Test] {
            let violations = check(PayRequest::RULES, PayRequest::PAY_TYPES, &body, &Context::new(mode));
            prop_assert!(
                violations.iter().any(|v| v.path == "control.cancelUrl"),
                "{:?}", violations
            );
            for v in &violations {
                prop_assert!(
                    v.path.is_empty()
                        || ["order", "item", "control", "transaction"]
                            .iter()
                            .any(|member| v.path.starts_with(member)),
                    "{:?}", v
                );
            }
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

    /// A correctly signed webhook with a body is never refused for its signature: it
    /// parses, or fails on its content (a body that is not JSON is never accepted).
    /// An empty body is refused by the verifier itself, before any HMAC.
    #[test]
    fn signed_webhooks_with_any_body_never_panic(body in any::<Vec<u8>>()) {
        let headers = Webhook::test_headers(&keys(), "id", &body);
        match Webhook::verify_and_parse(&headers, &body, &keys()) {
            Ok(_) => prop_assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok()),
            Err(e) if body.is_empty() => prop_assert!(matches!(e, Error::Signature { .. }), "{}", e),
            Err(e) => prop_assert!(!matches!(e, Error::Signature { .. }), "{}", e),
        }
    }

    #[test]
    fn redirects_with_any_query_never_panic(query in any::<String>(), expected in any::<String>()) {
        prop_assert!(Redirect::verify_and_parse(&query, &keys(), &expected).is_err());
    }
}
