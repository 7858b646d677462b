//! Every gateway's real errors, produced offline through the protocol crates'
//! own entry points, classify the same way once converted into
//! `veritrans::Error`.
#![cfg(all(
    feature = "pop",
    feature = "unified",
    feature = "jpayment",
    feature = "mpi"
))]

use veritrans::{Error, ErrorKind, Gateway, MerchantAuthKey, MpiServerKey, PopServerKey};

fn classify(err: impl Into<Error>) -> (Option<Gateway>, ErrorKind, Option<String>, String) {
    let err = err.into();
    (
        err.gateway(),
        err.kind(),
        err.result_code(),
        err.to_string(),
    )
}

#[test]
fn a_forged_pop_push_and_an_unsigned_redirect_are_unverified() {
    let key = PopServerKey::new("Test-POP-Server-Key");
    let forged = br#"{"orderId":"o-1","vResultCode":"A001","signature":"00"}"#;
    let err = veritrans::pop::Push::verify_and_parse(forged, &key).unwrap_err();
    let (gateway, kind, code, message) = classify(err);
    assert_eq!(
        (gateway, kind, code),
        (Some(Gateway::Pop), ErrorKind::Unverified, None)
    );
    assert!(message.starts_with("POP: "), "{message}");
    assert!(!message.contains("Test-POP-Server-Key"));

    let unsigned =
        veritrans::pop::Redirect::verify_and_parse(b"order_id=o-1", &key, "o-1").unwrap_err();
    assert_eq!(classify(unsigned).1, ErrorKind::Unverified);
}

#[test]
fn a_unified_redirect_without_vauthinfo_is_unverified() {
    let keys = veritrans::unified::MerchantKeys::new("ccid", MerchantAuthKey::new("auth-secret"));
    let err =
        veritrans::unified::Redirect::verify_and_parse("paymentId=p-1", &keys, "p-1").unwrap_err();
    let (gateway, kind, _, message) = classify(err);
    assert_eq!(
        (gateway, kind),
        (Some(Gateway::Unified), ErrorKind::Unverified)
    );
    assert!(!message.contains("auth-secret"));
}

#[test]
fn a_jpayment_failure_kickback_is_refused_with_its_code() {
    let query = b"gid=30486154&rst=2&ap=&ec=ER003&god=&cod=order-9&am=1000&tx=0&sf=0&ta=1000";
    let err = veritrans::jpayment::kickback::parse(query, veritrans::jpayment::Charset::Utf8)
        .unwrap_err();
    let (gateway, kind, code, _) = classify(err);
    assert_eq!(
        (gateway, kind, code.as_deref()),
        (Some(Gateway::JPayment), ErrorKind::Refused, Some("ER003"))
    );
}

#[test]
fn a_jpayment_kickback_missing_columns_is_malformed() {
    let err =
        veritrans::jpayment::kickback::parse(b"gid=1&rst=1", veritrans::jpayment::Charset::Utf8)
            .unwrap_err();
    assert_eq!(classify(err).1, ErrorKind::Malformed);
}

#[test]
fn an_mpi_push_with_the_wrong_authorization_is_unverified() {
    let key = MpiServerKey::new("mpi-key");
    let body = br#"{"push_id":"0001","data":[]}"#;
    let err = veritrans::mpi::Push::verify_and_parse(body, "Basic 00", &key).unwrap_err();
    let (gateway, kind, _, message) = classify(err);
    assert_eq!((gateway, kind), (Some(Gateway::Mpi), ErrorKind::Unverified));
    assert!(!message.contains("mpi-key"));
}

#[test]
fn a_signature_error_on_its_own_names_no_gateway() {
    let err =
        veritrans::sign::pop::verify(&[("order_id", "o-1")], &PopServerKey::new("k")).unwrap_err();
    let (gateway, kind, code, _) = classify(err);
    assert_eq!((gateway, kind, code), (None, ErrorKind::Unverified, None));
}

#[test]
fn a_pop_request_refused_locally_carries_the_result_code_pop_would_answer() {
    // The facade's `result_code()` promises the code "when local validation maps to
    // one"; POP's validation maps each rule to one (an order_id over 100 characters
    // is RC01 in the spec's table), so the facade gives it.
    let request =
        veritrans::pop::types::PaymentKeyRequest::new("o".repeat(101), veritrans::yen(1000));
    let errors = veritrans::pop::Validate::validate(&request).unwrap_err();
    let expected = errors.iter().next().map(|v| v.result_code.to_string());
    let (gateway, kind, code, _) = classify(veritrans::pop::Error::InvalidRequest(errors));
    assert_eq!(gateway, Some(Gateway::Pop));
    assert_eq!(kind, ErrorKind::InvalidRequest);
    assert!(code.is_some());
    assert_eq!(code, expected);
}

#[test]
fn a_redirect_of_another_order_is_unverified_in_every_gateway() {
    // POP: a genuinely signed redirect of order o-1 arriving at o-2's page.
    let key = PopServerKey::new("Test-POP-Server-Key");
    let body = veritrans::pop::testing::signed_redirect_body(
        &[
            ("merchant_id", "M1"),
            ("order_id", "o-1"),
            ("status", "failure"),
            ("result_code", "RC34"),
            ("dummy", "true"),
        ],
        &key,
    );
    let err = veritrans::pop::Redirect::verify_and_parse(&body, &key, "o-2").unwrap_err();
    assert_eq!(classify(err).1, ErrorKind::Unverified);
    // MPI: the browser's return names another order.
    let err =
        veritrans::mpi::RedirectParameters::verify_and_parse(b"RequestId=r&OrderId=o-1", "o-2")
            .unwrap_err();
    assert_eq!(classify(err).1, ErrorKind::Unverified);
}
