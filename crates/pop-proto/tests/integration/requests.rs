//! Request bodies against the guide's examples, and the validation table.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use pop_proto::types::{
    AccountManagementKeyRequest, BankParameters, BankPaymentType, CardParameters, CustomMessage,
    CvsParameters, EmailParameters, Item, PaymentKeyRequest, PaymentLinkRequest,
};
use pop_proto::{
    BankSubType, CvsSubType, PaymentType, ResultCode, SaveCard, ThreeDsVersion, Validate, yen,
};
use serde_json::json;

/// "Request with all parameters", copied from the guide.
fn guide_all_parameters() -> serde_json::Value {
    json!({
        "order_id" : "ORDER-0001",
        "gross_amount" : 10050,
        "shipping_amount" : 50,
        "dummy" : true,
        "capture" : true,
        "payment_key_expiry_duration" : 1440,
        "success_url" : "https://example.com/success",
        "failure_url" : "https://example.com/failure",
        "incomplete_url" : "https://example.com/incomplete",
        "push_url" : "https://example.com/push",
        "enabled_payment_types" : ["card", "cvs", "bank"],
        "card" : {
            "mpi" : false,
            "paynow_account_id" : "TEST-ACCOUNT-101",
            "save_card" : "always",
            "skip_card_selection" : false
        },
        "cvs" : [
            { "payment_sub_type" : "sej", "payment_expiry_duration" : 60 },
            { "payment_sub_type" : "econ", "payment_expiry_date" : "20200401" },
            { "payment_sub_type" : "other", "payment_expiry_date" : "20200401", "payment_expiry_hhmm" : "2359" }
        ],
        "bank" : {
            "payment_type" : [ { "payment_sub_type" : "atm", "payment_expiry_duration" : 60 } ],
            "contents" : "テスト請求",
            "contents_kana" : "テストセイキュウ"
        },
        "email" : {
            "customer_name" : "スミス ジョン",
            "customer_email_address" : "smith.john@example.com"
        },
        "items" : [
            { "id" : "ITEM-0001", "name" : "ITEM NAME *", "price" : 10000, "quantity" : 1 }
        ],
        "custom_message" : {
            "show_items_additional_message" : true,
            "items_additional_message" : "[*] サンプルメッセージ"
        }
    })
}

/// The same request built with the crate's types.
fn built_all_parameters() -> PaymentKeyRequest {
    let mut r = PaymentKeyRequest::new("ORDER-0001", yen(10050));
    r.shipping_amount = Some(yen(50));
    r.dummy = Some(true);
    r.capture = Some(true);
    r.payment_key_expiry_duration = Some(1440);
    r.success_url = Some("https://example.com/success".into());
    r.failure_url = Some("https://example.com/failure".into());
    r.incomplete_url = Some("https://example.com/incomplete".into());
    r.push_url = Some("https://example.com/push".into());
    r.enabled_payment_types = vec![PaymentType::Card, PaymentType::Cvs, PaymentType::Bank];
    r.card = Some(CardParameters {
        mpi: Some(false),
        paynow_account_id: Some("TEST-ACCOUNT-101".into()),
        save_card: Some(SaveCard::Always),
        skip_card_selection: Some(false),
        ..Default::default()
    });
    let mut sej = CvsParameters::new(CvsSubType::Sej);
    sej.payment_expiry_duration = Some(60);
    let mut econ = CvsParameters::new(CvsSubType::Econ);
    econ.payment_expiry_date = Some("20200401".into());
    let mut other = CvsParameters::new(CvsSubType::Other);
    other.payment_expiry_date = Some("20200401".into());
    other.payment_expiry_hhmm = Some("2359".into());
    r.cvs = vec![sej, econ, other];
    let mut atm = BankPaymentType::new(BankSubType::Atm);
    atm.payment_expiry_duration = Some(60);
    let mut bank = BankParameters::new("テスト請求", "テストセイキュウ");
    bank.payment_type = vec![atm];
    r.bank = Some(bank);
    r.email = Some(EmailParameters {
        customer_name: Some("スミス ジョン".into()),
        customer_email_address: Some("smith.john@example.com".into()),
    });
    r.items = vec![Item::new("ITEM-0001", "ITEM NAME *", yen(10000), 1)];
    r.custom_message = Some(CustomMessage {
        show_items_additional_message: Some(true),
        items_additional_message: Some("[*] サンプルメッセージ".into()),
    });
    r
}

#[test]
fn minimum_request_is_the_guides_json() {
    let request = PaymentKeyRequest::new("ORDER-0001", yen(10000));
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(
        value,
        json!({ "order_id" : "ORDER-0001", "gross_amount" : 10000 })
    );
    assert_eq!(request.validate(), Ok(()));
    insta::assert_json_snapshot!("minimum_request", value);
}

#[test]
fn all_parameters_request_is_the_guides_json() {
    let request = built_all_parameters();
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(value, guide_all_parameters());
    assert_eq!(request.validate(), Ok(()));
    insta::assert_json_snapshot!("all_parameters_request", value);
}

#[test]
fn guide_json_round_trips_through_the_types() {
    let parsed: PaymentKeyRequest = serde_json::from_value(guide_all_parameters()).unwrap();
    assert_eq!(parsed, built_all_parameters());
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        guide_all_parameters()
    );
}

#[test]
fn three_d_secure_card_example_is_valid_and_round_trips() {
    let guide = json!({
        "mpi" : true,
        "3ds_version" : "2",
        "paynow_account_id" : "TEST-ACCOUNT-101",
        "save_card" : "always",
        "skip_card_selection" : false,
        "cardholderEmail" : "smith.john@example.com",
        "cardholderHomePhoneNumber" : "0312345678",
        "cardholderHomePhoneNumberCountry" : "81",
        "cardholderMobilePhoneNumber" : "08012345678",
        "cardholderMobilePhoneNumberCountry" : "81",
        "cardholderWorkPhoneNumber" : "08012345678",
        "cardholderWorkPhoneNumberCountry" : "81"
    });
    let card: CardParameters = serde_json::from_value(guide.clone()).unwrap();
    assert_eq!(card.three_ds_version, Some(ThreeDsVersion::V2));
    assert_eq!(serde_json::to_value(&card).unwrap(), guide);
    let mut request = PaymentKeyRequest::new("ORDER-0001", yen(10000));
    request.card = Some(card);
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn account_management_example_is_the_guides_json() {
    let mut request = AccountManagementKeyRequest::new("TEST-ACCOUNT-101");
    request.dummy = Some(true);
    request.account_mgmt_key_expiry_duration = Some(1440);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({ "paynow_account_id" : "TEST-ACCOUNT-101", "dummy" : true, "account_mgmt_key_expiry_duration" : 1440 })
    );
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn payment_link_request_drops_redirect_urls() {
    let link = PaymentLinkRequest::from(built_all_parameters());
    let value = serde_json::to_value(&link).unwrap();
    for gone in ["success_url", "failure_url", "incomplete_url"] {
        assert!(value.get(gone).is_none(), "{gone}");
    }
    assert_eq!(value["push_url"], "https://example.com/push");
    assert_eq!(link.validate(), Ok(()));
}

/// One broken request per row: what was changed, and what validation says.
fn table() -> Vec<(&'static str, PaymentKeyRequest)> {
    let base = built_all_parameters;
    let mut rows: Vec<(&'static str, PaymentKeyRequest)> = Vec::new();
    let mut add = |name, f: &dyn Fn(&mut PaymentKeyRequest)| {
        let mut r = base();
        f(&mut r);
        rows.push((name, r));
    };
    add("order_id with a space and a slash", &|r| {
        r.order_id = "ORDER 0001/".into()
    });
    add("order_id empty", &|r| r.order_id = String::new());
    add("order_id of 101 characters", &|r| {
        r.order_id = "A".repeat(101)
    });
    add("gross_amount zero, no items", &|r| {
        r.items.clear();
        r.gross_amount = yen(0)
    });
    add("gross_amount of 11 digits, no items", &|r| {
        r.items.clear();
        r.gross_amount = yen(10_000_000_000)
    });
    add("gross_amount not the items total", &|r| {
        r.gross_amount = yen(10_000)
    });
    add("payment_key_expiry_duration over 90 days", &|r| {
        r.payment_key_expiry_duration = Some(129_601)
    });
    add("payment_key_expiry_duration zero", &|r| {
        r.payment_key_expiry_duration = Some(0)
    });
    add("success_url relative", &|r| {
        r.success_url = Some("/success".into())
    });
    add("failure_url not http", &|r| {
        r.failure_url = Some("ftp://example.com/".into())
    });
    add("incomplete_url of 257 characters", &|r| {
        r.incomplete_url = Some(format!("https://example.com/{}", "a".repeat(237)))
    });
    add("push_url not a URL", &|r| r.push_url = Some("push".into()));
    add("enabled_payment_types duplicate and unknown", &|r| {
        r.enabled_payment_types = vec![
            PaymentType::Card,
            PaymentType::Unknown("paypay".into()),
            PaymentType::Card,
        ]
    });
    add("save_card without paynow_account_id", &|r| {
        if let Some(c) = r.card.as_mut() {
            c.paynow_account_id = None;
            c.skip_card_selection = None;
        }
    });
    add("skip_card_selection without paynow_account_id", &|r| {
        if let Some(c) = r.card.as_mut() {
            c.paynow_account_id = None;
            c.save_card = None;
        }
    });
    add("save_card unknown", &|r| {
        if let Some(c) = r.card.as_mut() {
            c.save_card = Some(SaveCard::Unknown("never".into()));
        }
    });
    add("3ds_version 3", &|r| {
        if let Some(c) = r.card.as_mut() {
            c.mpi = None;
            c.three_ds_version = Some(ThreeDsVersion::Unknown("3".into()));
        }
    });
    add("3ds_version with mpi false", &|r| {
        if let Some(c) = r.card.as_mut() {
            c.three_ds_version = Some(ThreeDsVersion::V2);
        }
    });
    add(
        "cardholder phones with hyphen, +, full-width digits",
        &|r| {
            if let Some(c) = r.card.as_mut() {
                c.cardholder_home_phone_number = Some("03-1234-5678".into());
                c.cardholder_mobile_phone_number = Some("０８０１２３４５６７８".into());
                c.cardholder_work_phone_number = Some("0801234567890123".into());
                c.cardholder_home_phone_number_country = Some("+81".into());
                c.cardholder_mobile_phone_number_country = Some("8100".into());
                c.cardholder_work_phone_number_country = Some(String::new());
            }
        },
    );
    add("cardholderEmail invalid", &|r| {
        if let Some(c) = r.card.as_mut() {
            c.cardholder_email = Some("smith.john.example.com".into());
        }
    });
    add("cvs duplicate sub type and unknown sub type", &|r| {
        r.cvs.push(CvsParameters::new(CvsSubType::Sej));
        r.cvs
            .push(CvsParameters::new(CvsSubType::Unknown("ministop".into())));
    });
    add("cvs duration and date together", &|r| {
        r.cvs[0].payment_expiry_date = Some("20200401".into())
    });
    add("cvs hhmm without date", &|r| {
        r.cvs[0].payment_expiry_hhmm = Some("2359".into())
    });
    add("cvs duration zero, date 2021-02-29, hhmm 2400", &|r| {
        r.cvs[0].payment_expiry_duration = Some(0);
        r.cvs[1].payment_expiry_date = Some("20210229".into());
        r.cvs[2].payment_expiry_hhmm = Some("2400".into());
    });
    add("bank duplicate sub type, duration 61", &|r| {
        if let Some(b) = r.bank.as_mut() {
            b.payment_type[0].payment_expiry_duration = Some(61);
            b.payment_type.push(BankPaymentType::new(BankSubType::Atm));
        }
    });
    add("bank duration and date together, unknown sub type", &|r| {
        if let Some(b) = r.bank.as_mut() {
            b.payment_type[0].payment_expiry_date = Some("20200401".into());
            b.payment_type[0].payment_sub_type = BankSubType::Unknown("netbank".into());
        }
    });
    add("bank contents too long, contents_kana not katakana", &|r| {
        if let Some(b) = r.bank.as_mut() {
            b.contents = "テスト請求テスト請求テスト".into();
            b.contents_kana = "てすとｾｲｷｭｳ".into();
        }
    });
    add("email address and name invalid", &|r| {
        r.email = Some(EmailParameters {
            customer_name: Some("ス".repeat(257)),
            customer_email_address: Some("smith john@example.com".into()),
        })
    });
    add(
        "items: quantity 0, empty name, id too long, duplicate id",
        &|r| {
            r.items = vec![
                Item::new("ITEM-0001", "A", yen(10000), 0),
                Item::new("ITEM-0001", "", yen(0), 1),
                Item::new("ITEM-0000000000000002", "B", yen(1), 1_000_000_000),
            ];
        },
    );
    add("custom message with a control character", &|r| {
        r.custom_message = Some(CustomMessage {
            items_additional_message: Some("line\nbreak".into()),
            ..Default::default()
        })
    });
    rows
}

#[test]
fn validation_error_table() {
    let mut report = String::new();
    for (name, request) in table() {
        let errors = request.validate().expect_err(name);
        report.push_str(&format!("## {name}\n"));
        for v in &errors {
            report.push_str(&format!("{v}\n"));
        }
    }
    insta::assert_snapshot!("validation_error_table", report);
}

#[test]
fn every_row_reports_the_code_it_is_about() {
    let expected: &[(&str, &[ResultCode])] = &[
        ("order_id with a space and a slash", &[ResultCode::RC01]),
        ("gross_amount not the items total", &[ResultCode::RC03]),
        (
            "enabled_payment_types duplicate and unknown",
            &[ResultCode::RC06, ResultCode::RC29],
        ),
        ("save_card without paynow_account_id", &[ResultCode::RC2N]),
        (
            "skip_card_selection without paynow_account_id",
            &[ResultCode::RC2N],
        ),
        (
            "cvs duplicate sub type and unknown sub type",
            &[ResultCode::RC19, ResultCode::RC51],
        ),
        ("cvs duration and date together", &[ResultCode::RC5F]),
        ("cvs hhmm without date", &[ResultCode::RC1X]),
        (
            "bank duplicate sub type, duration 61",
            &[ResultCode::RC1M, ResultCode::RC1O],
        ),
        (
            "bank duration and date together, unknown sub type",
            &[ResultCode::RC1N, ResultCode::RC1W],
        ),
        ("3ds_version 3", &[ResultCode::RC5J]),
    ];
    let rows = table();
    for (name, codes) in expected {
        let (_, request) = rows.iter().find(|(n, _)| n == name).unwrap();
        let mut got: Vec<ResultCode> = request
            .validate()
            .unwrap_err()
            .iter()
            .map(|v| v.result_code.clone())
            .collect();
        got.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        got.dedup();
        assert_eq!(&got, codes, "{name}");
    }
}

#[test]
fn bank_expiry_date_is_checked_against_the_validation_day() {
    let mut r = PaymentKeyRequest::new("ORDER-0001", yen(10000));
    let mut atm = BankPaymentType::new(BankSubType::Atm);
    atm.payment_expiry_date = Some("20260301".into());
    r.bank = Some(BankParameters {
        payment_type: vec![atm],
        ..BankParameters::new("テスト請求", "テストセイキュウ")
    });
    let day = |y, m, d| time::Date::from_calendar_date(y, m, d).unwrap();
    assert_eq!(r.validate(), Ok(()));
    assert_eq!(r.validate_on(day(2026, time::Month::January, 1)), Ok(()));
    let far = r
        .validate_on(day(2025, time::Month::December, 30))
        .unwrap_err();
    assert_eq!(
        far.to_string(),
        "bank.payment_type[0].payment_expiry_date: more than 60 days ahead (RC1V)"
    );
    let past = r.validate_on(day(2026, time::Month::March, 2)).unwrap_err();
    assert_eq!(
        past.to_string(),
        "bank.payment_type[0].payment_expiry_date: in the past (RC1V)"
    );
}

#[test]
fn result_codes_are_all_there_and_unknown_ones_survive() {
    assert_eq!(ResultCode::KNOWN.len(), 70);
    assert_eq!(
        ResultCode::from("RC5F").description(),
        Some(
            "“CVS - Payment Expiry Duration” and “CVS - Payment Expiry Date” both can’t be sent together"
        )
    );
    let unknown: ResultCode = serde_json::from_str("\"RZ99\"").unwrap();
    assert_eq!(unknown, ResultCode::Unknown("RZ99".into()));
    assert_eq!(unknown.phase(), None);
    assert_eq!(ResultCode::RC34.phase(), Some("client"));
    assert_eq!(ResultCode::R000.phase(), Some("common"));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"RZ99\"");
    assert!(serde_json::from_str::<ResultCode>("1").is_err());
}

/// Guide, "Result Codes" / "Merchant Server Integration": "RC31 Required parameter(s) not
/// present", and one "Invalid value for …" code per parameter ("RC26 Invalid value for
/// “Dummy”", "RC28 Invalid value for “Card - MPI”", "RC33 Invalid “Order Items List”",
/// "RC15 Invalid value for “Item - Price”"). `from_json` reads a body as the server does.
#[test]
fn from_json_gives_the_parameters_code_for_a_wrong_type_and_rc31_for_a_missing_one() {
    let cases = [
        (json!({"dummy": "true"}), "dummy", ResultCode::RC26),
        (json!({"card": {"mpi": 0}}), "card.mpi", ResultCode::RC28),
        (json!({"items": "ITEM-0001"}), "items", ResultCode::RC33),
        (json!({"items": [null]}), "items[0]", ResultCode::RC33),
        (
            json!({"items": [{"id": "I", "name": "n", "price": "1", "quantity": 1}]}),
            "items[0].price",
            ResultCode::RC15,
        ),
        (
            json!({"items": [{"id": "I", "name": "n", "quantity": 1}]}),
            "items[0].price",
            ResultCode::RC31,
        ),
        (
            json!({"gross_amount": null}),
            "gross_amount",
            ResultCode::RC31,
        ),
        (
            json!({"gross_amount": 1.5}),
            "gross_amount",
            ResultCode::RC03,
        ),
        (
            json!({"bank": {"contents": "x"}}),
            "bank.contents_kana",
            ResultCode::RC31,
        ),
        (json!({"card": []}), "card", ResultCode::RC43),
    ];
    for (extra, path, code) in cases {
        let mut body = json!({"order_id": "ORDER-1", "gross_amount": 1000});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let v = PaymentKeyRequest::from_json(body.clone()).unwrap_err();
        assert_eq!((v.path.as_str(), &v.result_code), (path, &code), "{body}");
        // The message names the path and the rule, never the value.
        assert!(!v.to_string().contains("\"1\""), "{v}");
    }
    // The guide's own examples read, with null optional parameters dropped.
    let mut all = guide_all_parameters();
    all["shipping_amount"] = serde_json::Value::Null;
    let read = PaymentKeyRequest::from_json(all).unwrap();
    assert_eq!(read.shipping_amount, None);
    let account = AccountManagementKeyRequest::from_json(json!({"paynow_account_id": "A-1"}));
    assert!(account.is_ok());
    let not_object = PaymentLinkRequest::from_json(json!([1]));
    assert_eq!(not_object.unwrap_err().result_code, ResultCode::RC43);
}

/// Amounts are `Yen`, so a request built in Rust cannot hold a negative one; a JSON
/// body (what the sandbox reads) still can, and answers the amount's own code: guide,
/// "Result Codes": "RC03 Invalid “Gross Amount”", "RC04 Invalid “Shipping Amount”",
/// "RC15 Invalid value for “Item - Price”"; "Request Parameters": gross_amount "number(10)
/// ... This amount should be always greater than zero". On the wire an amount stays a
/// JSON integer (the request snapshots and `minimum_request_is_the_guides_json`).
#[test]
fn a_negative_amount_is_unrepresentable_and_read_from_json_answers_its_code() {
    let cases = [
        (
            json!({"gross_amount": -1}),
            "gross_amount",
            ResultCode::RC03,
        ),
        (
            json!({"shipping_amount": -1}),
            "shipping_amount",
            ResultCode::RC04,
        ),
        (
            json!({"items": [{"id": "I", "name": "n", "price": -1, "quantity": 1}]}),
            "items[0].price",
            ResultCode::RC15,
        ),
    ];
    for (extra, path, code) in cases {
        let mut body = json!({"order_id": "ORDER-1", "gross_amount": 1000});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let v = PaymentKeyRequest::from_json(body.clone()).unwrap_err();
        assert_eq!((v.path.as_str(), &v.result_code), (path, &code), "{body}");
    }
    let mut request = PaymentKeyRequest::new("ORDER-1", yen(1050));
    request.shipping_amount = Some(yen(50));
    request.items = vec![Item::new("I", "n", yen(1000), 1)];
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(wire["gross_amount"], json!(1050));
    assert_eq!(wire["shipping_amount"], json!(50));
    assert_eq!(wire["items"][0]["price"], json!(1000));
    assert_eq!(PaymentKeyRequest::from_json(wire).unwrap(), request);
}

/// Guide, "Result Codes" / "Client Integration": the descriptions are the guide's rows,
/// word for word (they become the sandbox's `message`).
#[test]
fn client_result_code_descriptions_are_the_guides_words() {
    assert_eq!(
        ResultCode::RC25.description(),
        Some(
            "Invalid “Payment Key” status - this will happen if there is a POP Client request that does not match the current status of the order"
        )
    );
    assert_eq!(
        ResultCode::RC5C.description(),
        Some(
            "It occurs when not enough time to do 3D Secure Authentication. This will happen when 3D Secure Authentication is enabled and the ‘payment_key’ expiry duration is valid for less than a minute, at the time of sending the payment details by POP JS"
        )
    );
    assert_eq!(
        ResultCode::RM03.description(),
        Some("MDK error - Error while sending request from POP to Payment Gateway.")
    );
}
