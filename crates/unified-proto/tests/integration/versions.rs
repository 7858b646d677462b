//! The previous guide stays usable behind the `v1_1_1_rc` feature, and the
//! differences the revision history lists are real in the generated code.
#![cfg(feature = "v1_1_1_rc")]
#![allow(clippy::unwrap_used)] // test helpers panic on broken fixtures, which is the point

use serde_json::json;
use unified_proto::validate::{Context, Mode, validate};
use unified_proto::{v1_1_1_rc, v1_1_3};

fn pay<T: serde::de::DeserializeOwned>(pay_type: &str, amount: &str) -> T {
    serde_json::from_value(json!({
        "order": {"payType": pay_type, "paymentId": "order-0001", "amount": amount},
        "control": {"requestMode": "sandbox", "successUrl": "https://shop.example/done",
                    "cancelUrl": "https://shop.example/cancel", "errorUrl": "https://shop.example/error"}
    }))
    .unwrap()
}

#[test]
fn au_and_docomo_amount_limits_changed_in_1_1_2_rc() {
    let ctx = Context::new(Mode::Test);
    let old: v1_1_1_rc::PayRequest = pay("au", "100000000");
    validate(&old, &ctx).unwrap();
    let new: v1_1_3::PayRequest = pay("au", "100000000");
    assert_eq!(
        validate(&new, &ctx).unwrap_err().to_string(),
        "invalid pay request: order.amount: payType au: at most 7 digits"
    );
    let old: v1_1_1_rc::PayRequest = pay("docomo", "999999999999");
    validate(&old, &ctx).unwrap();
    let new: v1_1_3::PayRequest = pay("docomo", "999999999");
    assert!(validate(&new, &ctx).is_err());
}

#[test]
fn result_codes_auth_and_servers_differ() {
    assert!(!v1_1_1_rc::ResultCode::KNOWN.contains(&v1_1_1_rc::ResultCode::from("UA-CST-004")));
    assert!(v1_1_3::ResultCode::KNOWN.contains(&v1_1_3::ResultCode::from("UA-CST-004")));
    assert_eq!(
        v1_1_1_rc::ResultCode::from("UA-PND-003"),
        v1_1_1_rc::ResultCode::Unknown("UA-PND-003".into())
    );
    assert_eq!(v1_1_1_rc::SECURITY_SCHEMES, &["bearerAuth", "hmacAuth"]);
    assert_eq!(v1_1_3::SECURITY_SCHEMES, &["bearerAuth"]);
    assert!(v1_1_1_rc::SERVERS.contains(&"https://api.unified.veritrans.co.jp"));
    assert!(!v1_1_3::SERVERS.contains(&"https://api.unified.veritrans.co.jp"));
    assert_eq!(v1_1_1_rc::LIVE_URL, v1_1_3::LIVE_URL);
    assert_eq!(v1_1_1_rc::SPEC_VERSION, "1.1.1 RC");
}
