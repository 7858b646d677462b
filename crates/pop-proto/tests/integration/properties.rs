//! Properties: any signed notification verifies and keeps its unknown
//! parameters; any change to a signed parameter is rejected before parsing;
//! no input panics.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use pop_proto::{Error, Push, Redirect, testing};
use proptest::prelude::*;
use veritrans_sign::PopServerKey;

fn key() -> PopServerKey {
    PopServerKey::new("Test-POP-Server-Key")
}

fn base() -> Vec<(String, String)> {
    [
        ("merchant_id", "A100000000000001069713"),
        ("status", "success"),
        ("result_code", "R000"),
        ("payment_type", "card"),
        ("dummy", "false"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

proptest! {
    #[test]
    fn signed_redirects_verify_and_keep_extras(
        order_id in "[A-Za-z0-9_-]{1,100}",
        extra_value in "\\PC{0,40}",
    ) {
        let mut params = base();
        params.push(("order_id".into(), order_id.clone()));
        params.push(("x_extra".into(), extra_value.clone()));
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let body = testing::signed_redirect_body(&refs, &key());
        let redirect = Redirect::verify_and_parse(&body, &key(), &order_id).unwrap();
        prop_assert_eq!(redirect.notification.order_id(), order_id.as_str());
        prop_assert_eq!(redirect.extra, vec![("x_extra".to_string(), extra_value)]);
    }

    #[test]
    fn a_changed_order_id_is_rejected(order_id in "[A-Za-z0-9]{2,50}", other in "[A-Za-z0-9]{2,50}") {
        prop_assume!(order_id != other);
        let mut params = base();
        params.push(("order_id".into(), order_id.clone()));
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let body = String::from_utf8(testing::signed_redirect_body(&refs, &key())).unwrap();
        let tampered = body.replace(&format!("order_id={order_id}"), &format!("order_id={other}"));
        prop_assert!(matches!(Redirect::verify_and_parse(tampered.as_bytes(), &key(), &other), Err(Error::Signature(_))));
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert!(Redirect::verify_and_parse(&body, &key(), "ORDER-0001").is_err());
        prop_assert!(Push::verify_and_parse(&body, &key()).is_err());
    }
}
