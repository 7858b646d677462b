//! Push notifications: verified before parsed, de-duplicable, never a panic.

#![allow(clippy::unwrap_used)]

use mpi_proto::testing::{PUSH_SAMPLE, push_authorization};
use mpi_proto::{Error, MStatus, MpiServerKey, Outcome, Push, ServiceOptionType};

fn key() -> MpiServerKey {
    MpiServerKey::new("test-mpi-server-key")
}

fn signed(body: &str) -> Result<Push, Error> {
    let header = push_authorization(body.as_bytes(), &key());
    Push::verify_and_parse(body.as_bytes(), &header, &key())
}

#[test]
fn guide_sample() {
    let push = signed(PUSH_SAMPLE).unwrap();
    insta::assert_debug_snapshot!("push_sample", push);
    assert_eq!(push.push_id(), "00000080");
    assert_eq!(
        push.push_time().unwrap().to_string(),
        "2015-03-30 18:36:42.0"
    );
    push.validate().unwrap();
    let data = &push.data()[0];
    assert_eq!(data.test_mode, Some(true));
    let decision = data.decide(&ServiceOptionType::MpiCompany).unwrap();
    assert!(decision.should_ship());
    // G012 is a conditional success: not something mpi-complete pays.
    let decision = data.decide(&ServiceOptionType::MpiComplete).unwrap();
    assert!(!decision.should_ship());
}

#[test]
fn failure_push_with_blank_card_status_and_field_table_time_format() {
    let body = r#"{"push_time":"2015/03/30 18:36:42","push_id":"00000081","new_member":1,
        "data":[{"order_id":"TESTC002","vresult_code":"GE11000000000000","transaction_type":"Verify",
        "mpi_mstatus":"failure","card_mstatus":"","test_mode":true,"extra_flag":"x"}]}"#;
    let push = signed(body).unwrap();
    insta::assert_debug_snapshot!("push_failure", push);
    assert_eq!(
        push.push_time().unwrap().to_string(),
        "2015-03-30 18:36:42.0"
    );
    assert_eq!(push.data()[0].card_status(), None);
    let decision = push.data()[0]
        .decide(&ServiceOptionType::MpiComplete)
        .unwrap();
    assert_eq!(decision.outcome, Outcome::PaymentNotAllowed);
}

#[test]
fn pending_card_payment() {
    let body = r#"{"push_time":"2015-03-30 18:36:42","push_id":"00000082","data":[{"order_id":"T3",
        "vresult_code":"G011000000000000","transaction_type":"Verify","mpi_mstatus":"success",
        "card_mstatus":"pending","test_mode":false}]}"#;
    let push = signed(body).unwrap();
    assert_eq!(push.data()[0].card_status(), Some(&MStatus::Pending));
    let decision = push.data()[0]
        .decide(&ServiceOptionType::MpiCompany)
        .unwrap();
    assert_eq!(decision.outcome, Outcome::AuthenticatedPaymentPending);
    assert!(!decision.should_ship());
}

#[test]
fn signature_is_checked_before_parsing() {
    // Garbage that is not JSON, correctly signed: a JSON error, so parsing ran after verification.
    assert!(matches!(signed("not json"), Err(Error::Json { .. })));
    // Garbage with a wrong signature: a signature error, never a JSON error.
    let header = push_authorization(b"something else", &key());
    let err = Push::verify_and_parse(b"not json", &header, &key()).unwrap_err();
    assert!(matches!(err, Error::Signature(_)), "{err}");
    // Wrong key.
    let header = push_authorization(PUSH_SAMPLE.as_bytes(), &MpiServerKey::new("other"));
    let err = Push::verify_and_parse(PUSH_SAMPLE.as_bytes(), &header, &key()).unwrap_err();
    assert!(matches!(err, Error::Signature(_)), "{err}");
    assert!(!err.to_string().contains("test-mpi-server-key"));
}

#[test]
fn authorization_without_basic() {
    let header = push_authorization(PUSH_SAMPLE.as_bytes(), &key());
    let digest = header.strip_prefix("Basic ").unwrap();
    for bad in [
        digest.to_owned(),
        format!("Bearer {digest}"),
        String::new(),
        "Basic".to_owned(),
        "Basic xyz".to_owned(),
    ] {
        let err = Push::verify_and_parse(PUSH_SAMPLE.as_bytes(), &bad, &key()).unwrap_err();
        assert!(matches!(err, Error::Signature(_)), "{bad:?}: {err}");
    }
}

#[test]
fn malformed_signed_bodies_are_typed_errors() {
    assert!(matches!(signed(r#"{"data":[]}"#), Err(Error::Missing { path }) if path == "push_id"));
    let err = signed(r#"{"push_id":"00000001","data":[{"test_mode":"yes"}]}"#).unwrap_err();
    assert!(
        matches!(&err, Error::Json { path, .. } if path == "data[0].test_mode"),
        "{err}"
    );
    let push = signed(r#"{"push_id":"1","data":[{"vresult_code":"g012a00100000000"}]}"#).unwrap();
    assert!(push.validate().is_err(), "push_id is not 8 digits");
    let err = push.data()[0]
        .decide(&ServiceOptionType::MpiCompany)
        .unwrap_err();
    assert!(err.to_string().contains("lowercase"), "{err}");
    assert!(matches!(push.push_time(), Err(Error::Missing { .. })));
    let push = signed(r#"{"push_id":"00000001","push_time":"30/03/2015"}"#).unwrap();
    assert!(matches!(push.push_time(), Err(Error::DateTime { .. })));
}

#[test]
fn duplicate_push_ids_are_visible() {
    // The same notification delivered twice: same push_id, the handler's store decides.
    let first = signed(PUSH_SAMPLE).unwrap();
    let second = signed(PUSH_SAMPLE).unwrap();
    let mut seen = std::collections::HashSet::new();
    assert!(seen.insert(first.push_id().to_owned()));
    assert!(!seen.insert(second.push_id().to_owned()));
}

/// mpi-3d-secure.en.txt, "PUSH Notification", POST Parameters:
/// "mpi_mstatus String Half-width alphanumeric up to 32 characters in length." and
/// "card_mstatus String Half-width alphanumeric up to 8 characters in length. … * Blank
/// when 3-D Secure result code is failure". `Push::validate` checks both limits (a
/// status the crate does not know is kept by the parser, so only the validation can
/// tell an over-long one), and a blank card status stays valid.
#[test]
fn validate_checks_the_status_lengths_of_the_field_table() {
    let body = |mpi: &str, card: &str| {
        format!(
            r#"{{"push_time":"2015/03/30 18:36:42","push_id":"00000082","data":[{{"order_id":"TESTC003",
            "vresult_code":"G011A00100000000","transaction_type":"Verify","mpi_mstatus":"{mpi}",
            "card_mstatus":"{card}","test_mode":true}}]}}"#
        )
    };
    signed(&body("success", "success"))
        .unwrap()
        .validate()
        .unwrap();
    signed(&body("failure", "")).unwrap().validate().unwrap();

    // Nine characters: one over card_mstatus's eight.
    let err = signed(&body("success", "succeeded"))
        .unwrap()
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("card_mstatus"), "{err}");
    // Thirty-three: one over mpi_mstatus's thirty-two.
    let long = "s".repeat(33);
    let err = signed(&body(&long, "success"))
        .unwrap()
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("mpi_mstatus"), "{err}");
    // Not half-width alphanumeric.
    let err = signed(&body("suc-cess", "success"))
        .unwrap()
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("mpi_mstatus"), "{err}");
}
