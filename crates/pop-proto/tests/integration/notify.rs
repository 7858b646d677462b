//! Redirect and push notifications: signed with the guide's scheme by
//! `veritrans-sign`, verified and parsed by this crate.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use pop_proto::{
    CvsSubType, CvsType, Error, Notification, NotificationKind, Push, Redirect, ResultCode, Status,
    Yen,
};
use serde_json::{Map, Value, json};
use veritrans_sign::PopServerKey;

fn key() -> PopServerKey {
    PopServerKey::new("Test-POP-Server-Key")
}

/// A form body with a valid signature appended, as POP sends it.
fn signed_form(params: &[(&str, &str)]) -> Vec<u8> {
    let signature = veritrans_sign::pop::sign(params, &key());
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.push(("signature", &signature));
    serde_urlencoded::to_string(&all).unwrap().into_bytes()
}

/// A JSON body with a valid signature, as POP sends it.
fn signed_json(value: Value) -> Vec<u8> {
    let mut object: Map<String, Value> = serde_json::from_value(value).unwrap();
    let body = serde_json::to_vec(&object).unwrap();
    let params = veritrans_sign::pop::json_params(&body).unwrap();
    object.insert(
        "signature".into(),
        Value::String(veritrans_sign::pop::sign(&params, &key())),
    );
    serde_json::to_vec(&object).unwrap()
}

const CARD: &[(&str, &str)] = &[
    ("merchant_id", "A100000000000001069713"),
    ("order_id", "ORDER-0001"),
    ("status", "success"),
    ("result_code", "R000"),
    ("m_status", "success"),
    ("v_result_code", "A001000000000000"),
    ("payment_type", "card"),
    ("transaction_datetime", "20200401123456"),
    ("dummy", "true"),
    ("acquirer_code", "05"),
    ("auth_code", "0000000"),
    ("masked_card_number", "411111*11"),
];

#[test]
fn card_redirect_is_verified_and_typed() {
    let redirect = Redirect::verify_and_parse(&signed_form(CARD), &key(), "ORDER-0001").unwrap();
    assert!(redirect.extra.is_empty());
    assert!(redirect.notification.is_success());
    assert_eq!(redirect.notification.kind(), NotificationKind::Card);
    assert_eq!(redirect.notification.order_id(), "ORDER-0001");
    assert!(redirect.notification.dummy());
    insta::assert_debug_snapshot!("card_redirect", redirect);
}

#[test]
fn mpi_redirect_with_paynow_keeps_unknown_parameters() {
    let mut params = CARD.to_vec();
    params[6] = ("payment_type", "mpi");
    params.push(("paynow_account_id", "TEST-ACCOUNT-101"));
    params.push(("paynow_status", "success"));
    params.push(("fraud_score", "12"));
    let redirect = Redirect::verify_and_parse(&signed_form(&params), &key(), "ORDER-0001").unwrap();
    let Notification::Mpi(card) = &redirect.notification else {
        panic!("{redirect:?}")
    };
    assert_eq!(card.paynow_account_id.as_deref(), Some("TEST-ACCOUNT-101"));
    assert_eq!(card.paynow_status, Some(Status::Success));
    assert_eq!(
        redirect.extra,
        [("fraud_score".to_string(), "12".to_string())]
    );

    // The unknown parameter is signed: changing it breaks the signature.
    let body = String::from_utf8(signed_form(&params))
        .unwrap()
        .replace("fraud_score=12", "fraud_score=99");
    assert!(matches!(
        Redirect::verify_and_parse(body.as_bytes(), &key(), "ORDER-0001"),
        Err(Error::Signature(_))
    ));
}

#[test]
fn cvs_redirect_without_result_type_is_applied() {
    let params = [
        ("merchant_id", "A100000000000001069713"),
        ("order_id", "ORDER-0002"),
        ("status", "success"),
        ("result_code", "R000"),
        ("payment_type", "cvs"),
        ("dummy", "false"),
        ("payment_sub_type", "sej"),
        ("receipt_number", "1234567890123"),
        ("haraikomi_url", "https://example.com/haraikomi"),
    ];
    let redirect = Redirect::verify_and_parse(&signed_form(&params), &key(), "ORDER-0002").unwrap();
    let Notification::CvsApplied(cvs) = &redirect.notification else {
        panic!("{redirect:?}")
    };
    assert_eq!(cvs.payment_sub_type, Some(CvsSubType::Sej));
    assert_eq!(cvs.result_type, None);
}

#[test]
fn failure_before_payment_type_is_unspecified() {
    let params = [
        ("merchant_id", "A100000000000001069713"),
        ("order_id", "ORDER-0003"),
        ("status", "failure"),
        ("result_code", "RC34"),
        ("dummy", "true"),
    ];
    let redirect = Redirect::verify_and_parse(&signed_form(&params), &key(), "ORDER-0003").unwrap();
    assert_eq!(redirect.notification.kind(), NotificationKind::Unspecified);
    assert_eq!(redirect.notification.result_code(), &ResultCode::RC34);
    assert_eq!(
        redirect.notification.result_code().description(),
        Some("“Payment Key” has expired")
    );
    assert!(!redirect.notification.is_success());
}

fn cvs_paid() -> Value {
    json!({
        "merchant_id": "A100000000000001069713",
        "order_id": "ORDER-0002",
        "status": "success",
        "result_code": "R000",
        "m_status": "success",
        "v_result_code": "X001000000000000",
        "payment_type": "cvs",
        "transaction_datetime": "20200402101010",
        "dummy": true,
        "result_type": "paid",
        "payment_sub_type": "econ",
        "receipt_number": "1234567890123",
        "cvs_type": "econ-lw",
        "received_amount": "10000"
    })
}

#[test]
fn cvs_paid_push_is_typed_with_an_integer_amount() {
    let push = Push::verify_and_parse(&signed_json(cvs_paid()), &key()).unwrap();
    let Notification::CvsPaid(paid) = &push.notification else {
        panic!("{push:?}")
    };
    assert_eq!(paid.received_amount, Yen(10_000));
    assert_eq!(paid.cvs_type, CvsType::EconLw);
    insta::assert_debug_snapshot!("cvs_paid_push", push);
}

#[test]
fn cvs_applied_push_with_consumer_details() {
    let body = signed_json(json!({
        "merchant_id": "A100000000000001069713", "order_id": "ORDER-0002", "status": "success",
        "result_code": "R000", "payment_type": "cvs", "dummy": true, "result_type": "applied",
        "payment_sub_type": "famima", "receipt_number": "123", "first_name": "ジョン",
        "last_name": "スミス", "telephoneno": "09012345678"
    }));
    let push = Push::verify_and_parse(&body, &key()).unwrap();
    let Notification::CvsApplied(applied) = &push.notification else {
        panic!("{push:?}")
    };
    assert_eq!(applied.telephoneno.as_deref(), Some("09012345678"));
}

#[test]
fn bank_pushes_applied_and_paid() {
    let applied = signed_json(json!({
        "merchant_id": "A100000000000001069713", "order_id": "ORDER-0004", "status": "success",
        "result_code": "R000", "payment_type": "bank", "dummy": true, "result_type": "applied",
        "payment_sub_type": "atm", "agency_code": "58091", "customer_no": "12345678901234567890",
        "confirm_no": "123456", "first_name_kana": "ジョン", "last_name_kana": "スミス"
    }));
    let push = Push::verify_and_parse(&applied, &key()).unwrap();
    assert_eq!(push.notification.kind(), NotificationKind::BankApplied);

    let paid = signed_json(json!({
        "merchant_id": "A100000000000001069713", "order_id": "ORDER-0004", "status": "success",
        "result_code": "R000", "payment_type": "bank", "dummy": true, "result_type": "paid",
        "payment_sub_type": "atm", "transaction_datetime": "202004021010", "received_amount": "10000",
        "agency_code": "58091", "customer_no": "12345678901234567890", "confirm_no": "123456",
        "company_code": "12345"
    }));
    let push = Push::verify_and_parse(&paid, &key()).unwrap();
    insta::assert_debug_snapshot!("bank_paid_push", push);
}

#[test]
fn card_push_with_card_id() {
    let body = signed_json(json!({
        "merchant_id": "A100000000000001069713", "order_id": "ORDER-0005", "status": "success",
        "result_code": "R000", "payment_type": "card", "dummy": false,
        "paynow_account_id": "TEST-ACCOUNT-101", "paynow_status": "success", "card_id": "CARD-1"
    }));
    let push = Push::verify_and_parse(&body, &key()).unwrap();
    let Notification::Card(card) = &push.notification else {
        panic!("{push:?}")
    };
    assert_eq!(card.card_id.as_deref(), Some("CARD-1"));
}

#[test]
fn bad_input_is_a_typed_error() {
    let mut rows: Vec<(&str, Result<Notification, Error>)> = Vec::new();
    let redirect = |body: &[u8]| {
        Redirect::verify_and_parse(body, &key(), "ORDER-0001").map(|r| r.notification)
    };
    let push = |body: &[u8]| Push::verify_and_parse(body, &key()).map(|p| p.notification);

    let good = String::from_utf8(signed_form(CARD)).unwrap();
    rows.push((
        "tampered value",
        redirect(good.replace("ORDER-0001", "ORDER-0009").as_bytes()),
    ));
    rows.push((
        "wrong key",
        Redirect::verify_and_parse(good.as_bytes(), &PopServerKey::new("other"), "ORDER-0001")
            .map(|r| r.notification),
    ));
    let unsigned = serde_urlencoded::to_string(CARD).unwrap();
    rows.push(("missing signature", redirect(unsigned.as_bytes())));
    rows.push((
        "duplicated form key",
        redirect(format!("{good}&order_id=ORDER-0001").as_bytes()),
    ));
    let mut latin1 = good.clone().into_bytes();
    latin1.extend_from_slice(b"&name=\xff");
    rows.push(("non-UTF-8 form body", redirect(&latin1)));
    let mut unknown = CARD.to_vec();
    unknown[6] = ("payment_type", "paypay");
    rows.push((
        "unknown payment_type, signed",
        redirect(&signed_form(&unknown)),
    ));
    let unknown_unsigned = format!(
        "{}&signature={}",
        serde_urlencoded::to_string(&unknown).unwrap(),
        "0".repeat(128)
    );
    rows.push((
        "unknown payment_type, bad signature",
        redirect(unknown_unsigned.as_bytes()),
    ));
    let mut yes = CARD.to_vec();
    yes[8] = ("dummy", "yes");
    rows.push((
        "redirect dummy not true/false",
        redirect(&signed_form(&yes)),
    ));
    let mut paid = cvs_paid();
    paid["received_amount"] = json!(10000);
    rows.push(("push received_amount as a number", push(&signed_json(paid))));
    let mut paid = cvs_paid();
    paid["dummy"] = json!("true");
    rows.push(("push dummy as a string", push(&signed_json(paid))));
    let mut paid = cvs_paid();
    paid["order_id"] = json!(1);
    rows.push(("push order_id as a number", push(&signed_json(paid))));
    let mut paid = cvs_paid();
    paid.as_object_mut().unwrap().remove("receipt_number");
    rows.push(("push paid without receipt_number", push(&signed_json(paid))));
    rows.push(("push not JSON", push(b"<html>")));
    rows.push((
        "push nested object",
        push(br#"{"order_id":{"a":1},"signature":"00"}"#),
    ));

    let mut report = String::new();
    for (name, result) in rows {
        let err = result.expect_err(name);
        report.push_str(&format!("{name}: {err}\n"));
    }
    insta::assert_snapshot!("notification_errors", report);
}

/// A genuine, correctly signed redirect of one order, replayed to another order's page,
/// must not mark that order paid: the caller names the order it expects.
/// (The project's rule, as the Unified API guide's `paymentId` check; the POP guide
/// does not address replay.)
#[test]
fn a_redirect_of_another_order_is_refused() {
    let body = signed_form(CARD);
    let err = Redirect::verify_and_parse(&body, &key(), "ORDER-0002").unwrap_err();
    assert!(
        matches!(&err, Error::OrderMismatch { expected, actual }
            if expected == "ORDER-0002" && actual == "ORDER-0001"),
        "{err:?}"
    );
    assert_eq!(err.kind(), pop_proto::ErrorKind::Unverified);
    assert!(Redirect::verify_and_parse(&body, &key(), "ORDER-0001").is_ok());
}

#[test]
fn unknown_enum_values_are_kept() {
    let mut params = CARD.to_vec();
    params[4] = ("m_status", "on-hold");
    params[3] = ("result_code", "RX77");
    let redirect = Redirect::verify_and_parse(&signed_form(&params), &key(), "ORDER-0001").unwrap();
    let Notification::Card(card) = &redirect.notification else {
        panic!()
    };
    assert_eq!(
        card.m_status,
        Some(pop_proto::GatewayStatus::Unknown("on-hold".into()))
    );
    assert_eq!(card.result_code, ResultCode::Unknown("RX77".into()));
}
