//! The sending side of notifications: a typed notification encoded as POP
//! sends it (the sandbox's redirects and pushes), read back by this crate's
//! own verifier.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use pop_proto::types::{BankPaidNotification, CardNotification, CvsAppliedNotification};
use pop_proto::{
    BankSubType, CvsSubType, Error, GatewayStatus, Notification, NotificationPaymentType, Push,
    Redirect, ResultCode, ResultType, Status, Yen,
};
use serde_json::Value;
use veritrans_sign::PopServerKey;

fn key() -> PopServerKey {
    PopServerKey::new("Test-POP-Server-Key")
}

fn card(payment_type: NotificationPaymentType) -> CardNotification {
    CardNotification {
        merchant_id: "A100000000000001069713".into(),
        order_id: "ORDER-0001".into(),
        status: Status::Success,
        result_code: ResultCode::R000,
        m_status: Some(GatewayStatus::Success),
        v_result_code: Some("A001000000000000".into()),
        payment_type: Some(payment_type),
        transaction_datetime: Some("20200402101010".into()),
        dummy: true,
        acquirer_code: None,
        auth_code: Some("000000".into()),
        masked_card_number: Some("411111*11".into()),
        paynow_account_id: None,
        paynow_status: None,
        card_id: None,
        // Ignored by the encoder: it signs what it sends.
        signature: "stale".into(),
    }
}

fn bank_paid() -> BankPaidNotification {
    BankPaidNotification {
        merchant_id: "A100000000000001069713".into(),
        order_id: "ORDER-0004".into(),
        status: Status::Success,
        result_code: ResultCode::R000,
        m_status: Some(GatewayStatus::Success),
        v_result_code: None,
        payment_type: Some(NotificationPaymentType::Bank),
        transaction_datetime: "20200402101010".into(),
        dummy: false,
        result_type: ResultType::Paid,
        payment_sub_type: BankSubType::Atm,
        received_amount: Yen(10_000),
        agency_code: "58091".into(),
        customer_no: "12345678901234567890".into(),
        confirm_no: "123456".into(),
        company_code: "00001".into(),
        signature: String::new(),
    }
}

/// The verifier's typed result equals what was sent, signature aside.
fn without_signature(mut n: Notification) -> Notification {
    match &mut n {
        Notification::Card(c) | Notification::Mpi(c) => c.signature.clear(),
        Notification::BankPaid(b) => b.signature.clear(),
        Notification::CvsApplied(c) => c.signature.clear(),
        _ => {}
    }
    n
}

#[test]
fn a_redirect_reads_back_as_sent_with_the_signature_last() {
    // pop-api-v1.8.1.en.txt, "Handling Notifications": "POP Server adds a signature as
    // the last parameter in both Transaction Status Through Redirection as well as Push
    // Notifications." ... "Use "true" or "false" string as value for boolean parameter(s)."
    let sent = without_signature(Notification::Mpi(card(NotificationPaymentType::Mpi)));
    let form = sent.to_redirect_form(&key()).unwrap();
    assert_eq!(form.last().unwrap().0, "signature");
    assert_ne!(form.last().unwrap().1, "stale");
    assert!(form.contains(&("dummy".into(), "true".into())));
    let body = serde_urlencoded::to_string(&form).unwrap();
    let received = Redirect::verify_and_parse(body.as_bytes(), &key(), "ORDER-0001").unwrap();
    assert!(received.extra.is_empty());
    assert_eq!(without_signature(received.notification), sent);
}

#[test]
fn a_push_reads_back_as_sent_with_typed_json_and_the_signature_last() {
    // Same guide passage; a push is JSON: `dummy` a boolean, `received_amount` a string
    // of digits (pop-api-v1.8.1.en.txt, Push Notification parameters).
    let sent = Notification::BankPaid(bank_paid());
    let body = sent.to_push_body(&key()).unwrap();
    let json: serde_json::Map<String, Value> = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["dummy"], Value::Bool(false));
    assert_eq!(json["received_amount"], Value::from("10000"));
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(
        text.rsplit(',')
            .next()
            .unwrap()
            .starts_with("\"signature\":")
    );
    let received = Push::verify_and_parse(&body, &key()).unwrap();
    assert_eq!(
        without_signature(received.notification),
        without_signature(sent)
    );
}

#[test]
fn the_push_body_is_the_one_the_testing_helper_signs() {
    // The wire the sandbox sent before the encoder existed (name order, signature
    // appended) is unchanged: byte for byte what `testing::signed_push_body` makes of
    // the same parameters.
    let sent = Notification::BankPaid(bank_paid());
    let mut params: serde_json::Map<String, Value> =
        serde_json::from_slice(&sent.to_push_body(&key()).unwrap()).unwrap();
    params.remove("signature");
    assert_eq!(
        sent.to_push_body(&key()).unwrap(),
        pop_proto::testing::signed_push_body(&params, &key()).unwrap()
    );
}

#[test]
fn a_payment_type_of_another_kind_is_refused() {
    // `payment_type` selects the schema ("Notification" in the spec): a Card variant
    // saying `mpi` would be read back as another kind, so it is not sent.
    let err = Notification::Card(card(NotificationPaymentType::Mpi))
        .to_push_body(&key())
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownPaymentType { payment_type: Some(p), .. } if p == "mpi"),
        "{err}"
    );
    let applied = CvsAppliedNotification {
        merchant_id: "A100000000000001069713".into(),
        order_id: "ORDER-0002".into(),
        status: Status::Success,
        result_code: ResultCode::R000,
        m_status: None,
        v_result_code: None,
        payment_type: Some(NotificationPaymentType::Cvs),
        transaction_datetime: None,
        dummy: true,
        result_type: Some(ResultType::Paid),
        payment_sub_type: Some(CvsSubType::Famima),
        receipt_number: None,
        haraikomi_url: None,
        first_name: None,
        last_name: None,
        telephoneno: None,
        signature: String::new(),
    };
    let err = Notification::CvsApplied(applied)
        .to_redirect_form(&key())
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownPaymentType { result_type: Some(r), .. } if r == "paid"),
        "{err}"
    );
}
