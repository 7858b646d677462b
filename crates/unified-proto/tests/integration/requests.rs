//! Wire format of every command's request body, and the validation errors of
//! a table of bad requests.

#![allow(clippy::unwrap_used)] // test helpers panic on broken fixtures, which is the point

use serde_json::{Value, json};
use unified_proto::validate::{self, Context, Mode, validate};
use unified_proto::*;

fn pay() -> PayRequest {
    PayRequest {
        order: PayOrder {
            pay_type: PayType::Paypay,
            payment_id: "order-0001".into(),
            amount: yen(1_000),
            auth_capture_type: Some(AuthCaptureType::Auth),
            commodity_type: None,
            description: Some("Tea set".into()),
        },
        transaction: Some(RequestTransaction {
            merchant_request_key1: Some("cart_42".into()),
            merchant_request_key2: None,
            metadata1: Some("free text".into()),
            metadata2: None,
        }),
        item: vec![PayItem {
            id: Some("item001".into()),
            name: Some("Sencha 100g".into()),
            category_id: None,
        }],
        merchant: Some(PayMerchant {
            store_id: None,
            store_name: Some("Tokyo shop".into()),
            terminal_id: None,
        }),
        customer: Some(RequestCustomer {
            buyer: Some(RequestBuyer {
                buyer_info_type: None,
                user_agent: Some("Mozilla/5.0".into()),
            }),
            shipping: None,
        }),
        control: PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "https://shop.example/done".into(),
            cancel_url: "https://shop.example/cancel".into(),
            error_url: "https://shop.example/error".into(),
            push_url: Some("https://shop.example/webhook".into()),
        },
        payment_instrument: None,
    }
}

fn subscribe() -> SubscribeRequest {
    SubscribeRequest {
        order: SubscribeOrder {
            pay_type: PayType::Merpay,
            payment_id: "sub-0001".into(),
            order_name: Some("Monthly tea".into()),
            description: Some("Tea every month".into()),
            commodity_type: None,
        },
        item: vec![SubscribeItem {
            id: Some("plan1".into()),
            name: Some("Plan".into()),
            category_id: Some("1".into()),
        }],
        customer: Some(RequestCustomer {
            buyer: Some(RequestBuyer {
                buyer_info_type: Some(InfoType::Use),
                user_agent: None,
            }),
            shipping: Some(RequestShipping {
                delivery_address_type: Some(InfoType::Use),
            }),
        }),
        control: SubscribeControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "https://shop.example/done".into(),
            cancel_url: "https://shop.example/cancel".into(),
            error_url: "https://shop.example/error".into(),
            push_url: Some("https://shop.example/webhook".into()),
            deregistration_push_url: Some("https://shop.example/dereg".into()),
        },
        merchant: None,
        transaction: None,
        payment_instrument: None,
    }
}

fn update_order() -> UpdateOrderRequest {
    UpdateOrderRequest {
        order: UpdateOrderOrder {
            payment_id: Some("order-0001".into()),
            amount: Some(yen(800)),
            auth_extension_type: Some(AuthExtensionType::Extend),
            fep_order_id: None,
        },
        control: Some(PushControl {
            push_url: Some("https://shop.example/webhook".into()),
        }),
        transaction: None,
    }
}

fn capture() -> CaptureRequest {
    CaptureRequest {
        order: CaptureOrder {
            payment_id: Some("order-0001".into()),
            amount: Some(yen(900)),
            ..Default::default()
        },
        transaction: None,
        control: None,
    }
}

fn cancel() -> CancelRequest {
    CancelRequest {
        order: CancelOrder {
            fep_order_id: Some("order-0001_01AHK4HS7GFKHGKE7SGFJKTHIH".into()),
            amount: Some(yen(300)),
            payment_id: None,
        },
        transaction: Some(CancelTransaction {
            reason: Some("customer request".into()),
            ..Default::default()
        }),
        control: Some(CancelControl {
            protocol: Some(CancelProtocol {
                force_mode: Some(ForceMode::None),
            }),
            push_url: None,
        }),
    }
}

fn charge() -> ChargeRequest {
    ChargeRequest {
        order: ChargeOrder {
            payment_id: "charge-0001".into(),
            original_payment_id: Some("sub-0001".into()),
            original_fep_order_id: None,
            auth_capture_type: Some(AuthCaptureType::AuthWithCapture),
            amount: yen(1_500),
            description: None,
        },
        item: vec![ChargeItem {
            id: Some("plan1".into()),
            ..Default::default()
        }],
        merchant: Some(ChargeMerchant {
            store_id: Some("store_1".into()),
            terminal_id: None,
        }),
        control: Some(ChargeControl {
            push_url: Some("https://shop.example/webhook".into()),
            protocol: Some(ChargeProtocol {
                recovery_type: Some(RecoveryType::Recovery),
                recovery_expired_datetime: Some("20260101120000".into()),
            }),
        }),
        transaction: None,
    }
}

fn terminate() -> TerminateRequest {
    TerminateRequest {
        order: TerminateOrder {
            payment_id: Some("sub-0001".into()),
            fep_order_id: None,
        },
        control: None,
        transaction: None,
    }
}

fn get_result() -> GetTransactionResultRequest {
    GetTransactionResultRequest {
        transaction: TransactionResultQuery {
            fep_reference_id: "X01AHK4HS7GFKHGKE7SGFJKTHIH".into(),
        },
    }
}

/// 2026-01-01 06:00:00 JST, the request time of every validation here, so that
/// `x-datetimeWindow` rules do not depend on the clock.
fn request_time() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_193_200 + 6 * 3_600)
}

fn sandbox() -> Context {
    Context::new(Mode::Test).at(request_time())
}

/// The guide's one full request sample, in "Webhook" → "About X-VT-Content-hmac"
/// (unified-api-1.1.3.en.txt; the request samples of the command sections are
/// collapsed to `{ … }` in the seed), copied as printed:
const GUIDE_PAY_SAMPLE: &str = r#"{"order":{"payType": "paypay", "paymentId":
"paymentId_1234567890", "amount": "10000"},"item": [{"id": "item001", "name":
"testItem001"},{"id": "item002", "name": "testItem002"}],"merchant":{ "storeName":
"store001"},"control":{"requestMode": "test,successUrl":
"https://example.com/", "cancelUrl": "https://example.com/", "errorUrl":
"https://example.com/", "pushUrl": "https://example.com/"}}"#;

/// A `PayRequest` built from the types with the guide's sample values serialises to
/// the guide's sample. The sample's `"requestMode": "test,successUrl":` is a
/// misprint (a missing quote, and "test" is no value of the field, whose table says
/// `Enum: "live" "sandbox"`, "Payment Request" → control.requestMode): the expected
/// JSON reads it as `"requestMode": "sandbox", "successUrl":`, the only change.
#[test]
fn the_guides_pay_sample_is_what_the_types_send() {
    let item = |id: &str, name: &str| PayItem {
        id: Some(id.into()),
        name: Some(name.into()),
        category_id: None,
    };
    let request = PayRequest {
        order: PayOrder {
            pay_type: PayType::Paypay,
            payment_id: "paymentId_1234567890".into(),
            amount: yen(10_000),
            auth_capture_type: None,
            commodity_type: None,
            description: None,
        },
        item: vec![
            item("item001", "testItem001"),
            item("item002", "testItem002"),
        ],
        merchant: Some(PayMerchant {
            store_id: None,
            store_name: Some("store001".into()),
            terminal_id: None,
        }),
        control: PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: "https://example.com/".into(),
            cancel_url: "https://example.com/".into(),
            error_url: "https://example.com/".into(),
            push_url: Some("https://example.com/".into()),
        },
        transaction: None,
        customer: None,
        payment_instrument: None,
    };
    let misprint = r#""requestMode": "test,successUrl":"#;
    assert!(GUIDE_PAY_SAMPLE.contains(misprint), "the sample as printed");
    let guide: Value = serde_json::from_str(
        &GUIDE_PAY_SAMPLE.replace(misprint, r#""requestMode": "sandbox", "successUrl":"#),
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap(), guide);
    // What the client sends is the same body.
    let sent: Value = serde_json::from_slice(&validate::body_of(&request).unwrap()).unwrap();
    assert_eq!(sent, guide);
}

/// Every command's fixture, built from the types, against the JSON written from the
/// guide's request tables (unified-api-1.1.3.en.txt, the section of each command:
/// "Payment Request" pay, "On-Demand Payment Request" subscribe, "Payment Request
/// Change" updateOrder, "Capture", "Cancel", "On-Demand Payment" charge, "Contract
/// Cancellation" terminate, "Get Transaction Result"): the field names and nesting
/// are the guide's, amounts are strings of digits ("amount … string"), and absent
/// optional fields are left out rather than sent as null.
#[test]
fn request_bodies_of_every_command() {
    let cases: [(&str, Value, Value); 8] = [
        (
            "pay",
            serde_json::to_value(pay()).unwrap(),
            json!({
                "order": {"payType": "paypay", "paymentId": "order-0001", "amount": "1000",
                          "authCaptureType": "auth", "description": "Tea set"},
                "transaction": {"merchantRequestKey1": "cart_42", "metadata1": "free text"},
                "item": [{"id": "item001", "name": "Sencha 100g"}],
                "merchant": {"storeName": "Tokyo shop"},
                "customer": {"buyer": {"userAgent": "Mozilla/5.0"}},
                "control": {"requestMode": "sandbox", "successUrl": "https://shop.example/done",
                            "cancelUrl": "https://shop.example/cancel", "errorUrl": "https://shop.example/error",
                            "pushUrl": "https://shop.example/webhook"}
            }),
        ),
        (
            "subscribe",
            serde_json::to_value(subscribe()).unwrap(),
            json!({
                "order": {"payType": "merpay", "paymentId": "sub-0001", "orderName": "Monthly tea",
                          "description": "Tea every month"},
                "item": [{"id": "plan1", "name": "Plan", "categoryId": "1"}],
                "customer": {"buyer": {"buyerInfoType": "use"}, "shipping": {"deliveryAddressType": "use"}},
                "control": {"requestMode": "sandbox", "successUrl": "https://shop.example/done",
                            "cancelUrl": "https://shop.example/cancel", "errorUrl": "https://shop.example/error",
                            "pushUrl": "https://shop.example/webhook",
                            "deregistrationPushUrl": "https://shop.example/dereg"}
            }),
        ),
        (
            "updateOrder",
            serde_json::to_value(update_order()).unwrap(),
            json!({
                "order": {"paymentId": "order-0001", "amount": "800", "authExtensionType": "extend"},
                "control": {"pushUrl": "https://shop.example/webhook"}
            }),
        ),
        (
            "capture",
            serde_json::to_value(capture()).unwrap(),
            json!({"order": {"paymentId": "order-0001", "amount": "900"}}),
        ),
        (
            "cancel",
            serde_json::to_value(cancel()).unwrap(),
            json!({
                "order": {"fepOrderId": "order-0001_01AHK4HS7GFKHGKE7SGFJKTHIH", "amount": "300"},
                "transaction": {"reason": "customer request"},
                "control": {"protocol": {"forceMode": "none"}}
            }),
        ),
        (
            "charge",
            serde_json::to_value(charge()).unwrap(),
            json!({
                "order": {"paymentId": "charge-0001", "originalPaymentId": "sub-0001",
                          "authCaptureType": "auth_with_capture", "amount": "1500"},
                "item": [{"id": "plan1"}],
                "merchant": {"storeId": "store_1"},
                "control": {"pushUrl": "https://shop.example/webhook",
                            "protocol": {"recoveryType": "recovery", "recoveryExpiredDatetime": "20260101120000"}}
            }),
        ),
        (
            "terminate",
            serde_json::to_value(terminate()).unwrap(),
            json!({"order": {"paymentId": "sub-0001"}}),
        ),
        (
            "getTransactionResult",
            serde_json::to_value(get_result()).unwrap(),
            json!({"transaction": {"fepReferenceId": "X01AHK4HS7GFKHGKE7SGFJKTHIH"}}),
        ),
    ];
    for (command, built, guide) in cases {
        assert_eq!(built, guide, "{command}");
    }
}

#[test]
fn representative_requests_are_valid() {
    validate(&pay(), &sandbox()).unwrap();
    validate(&subscribe(), &sandbox()).unwrap();
    validate(&update_order(), &sandbox().with_pay_type(PayType::Rakuten)).unwrap();
    validate(&capture(), &sandbox().with_pay_type(PayType::Paypay)).unwrap();
    validate(&cancel(), &sandbox().with_pay_type(PayType::Docomo)).unwrap();
    validate(&charge(), &sandbox().with_pay_type(PayType::Paypay)).unwrap();
    validate(&terminate(), &sandbox().with_pay_type(PayType::Paypay)).unwrap();
    validate(&get_result(), &sandbox()).unwrap();
}

/// Every row: what was changed, and the error message validation gives.
#[test]
fn validation_errors_table() {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |name: &str, result: Result<(), Error>| {
        let text = match result {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        rows.push((name.to_string(), text));
    };

    let mut r = pay();
    r.order.payment_id = "order 0001!".into();
    row("paymentId with space and !", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.payment_id = "x".repeat(65);
    row("paymentId of 65 characters", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.payment_id = String::new();
    row("empty paymentId", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.amount = yen(10_000_000);
    row("PayPay amount of 8 digits", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.pay_type = PayType::Docomo;
    r.order.amount = yen(99_999_999);
    row("docomo amount of 8 digits", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.pay_type = PayType::Docomo;
    r.order.amount = yen(100_000_000);
    row("docomo amount of 9 digits", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.pay_type = PayType::Au;
    r.order.amount = yen(10_000_000);
    row("au amount of 8 digits", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.pay_type = PayType::Merpay;
    r.order.amount = yen(1_000_001);
    r.item[0].category_id = Some("12".into());
    row("merpay amount over 1000000", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.pay_type = PayType::Merpay;
    row("merpay item without categoryId", validate(&r, &sandbox()));

    let mut r = pay();
    r.order.pay_type = PayType::Rakuten;
    r.order.amount = yen(1);
    row("rakuten amount of 1 yen", validate(&r, &sandbox()));

    // `Yen` cannot hold "1,000"; the rule still guards a raw body (the sandbox
    // checks what arrives on the wire before reading it).
    let mut body: Value = serde_json::from_slice(&validate::body_of(&pay()).unwrap()).unwrap();
    body["order"]["amount"] = json!("1,000");
    let violations = validate::check(PayRequest::RULES, PayRequest::PAY_TYPES, &body, &sandbox());
    row(
        "amount with a comma",
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidRequest {
                command: PayRequest::NAME,
                violations,
            })
        },
    );

    let mut r = pay();
    r.order.pay_type = PayType::Docomo;
    r.item[0].id = Some("item-0000000000001".into());
    row(
        "docomo item id with '-' and 18 chars",
        validate(&r, &sandbox()),
    );

    let mut r = pay();
    r.item[0].name = Some("n".repeat(300));
    row(
        "PayPay item name of 300 (truncated by gateway)",
        validate(&r, &sandbox()),
    );

    let mut r = pay();
    r.control.request_mode = None;
    row("requestMode absent in sandbox", validate(&r, &sandbox()));

    let mut r = pay();
    r.control.request_mode = Some(RequestMode::Sandbox);
    row(
        "requestMode sandbox in live",
        validate(&r, &Context::new(Mode::Live)),
    );

    let mut r = pay();
    r.control.request_mode = Some(RequestMode::Live);
    r.control.success_url = "http://shop.example/done".into();
    row(
        "http successUrl in live",
        validate(&r, &Context::new(Mode::Live)),
    );

    let mut r = pay();
    r.control.success_url = "http://shop.example/done".into();
    row("http successUrl in sandbox", validate(&r, &sandbox()));

    let mut r = pay();
    r.control.error_url = "not a url".into();
    row("errorUrl not a URL", validate(&r, &sandbox()));

    for (name, url) in [
        ("pushUrl http", "http://shop.example/webhook"),
        ("pushUrl port 8443", "https://shop.example:8443/webhook"),
        ("pushUrl explicit :443", "https://shop.example:443/webhook"),
        ("pushUrl 10.0.0.1", "https://10.0.0.1/webhook"),
        ("pushUrl 192.168.1.10", "https://192.168.1.10/webhook"),
        ("pushUrl 127.0.0.1", "https://127.0.0.1/webhook"),
        ("pushUrl localhost", "https://localhost/webhook"),
        ("pushUrl [::1]", "https://[::1]/webhook"),
        ("pushUrl [fd00::1]", "https://[fd00::1]/webhook"),
        (
            "pushUrl 203.0.113.5 (public)",
            "https://203.0.113.5/webhook",
        ),
    ] {
        let mut r = pay();
        r.control.push_url = Some(url.into());
        row(name, validate(&r, &sandbox()));
    }

    let mut r = subscribe();
    r.order.order_name = None;
    r.order.description = None;
    row(
        "merpay subscribe without orderName and description",
        validate(&r, &sandbox()),
    );

    let mut r = capture();
    r.order.fep_order_id = Some("order-0001_01AHK".into());
    row(
        "capture with paymentId and fepOrderId",
        validate(&r, &sandbox()),
    );

    let mut r = capture();
    r.order.payment_id = None;
    row("capture with neither id", validate(&r, &sandbox()));

    let r = update_order();
    row(
        "updateOrder for paypay",
        validate(&r, &sandbox().with_pay_type(PayType::Paypay)),
    );

    let mut r = cancel();
    r.order.amount = Some(yen(100_000_000));
    row(
        "docomo cancel of 9 digits",
        validate(&r, &sandbox().with_pay_type(PayType::Docomo)),
    );

    let mut r = charge();
    r.order.original_payment_id = None;
    row("charge without original id", validate(&r, &sandbox()));

    let mut r = charge();
    r.control
        .as_mut()
        .unwrap()
        .protocol
        .as_mut()
        .unwrap()
        .recovery_expired_datetime = Some("2026-01-01".into());
    row(
        "recoveryExpiredDatetime not 14 digits",
        validate(&r, &sandbox()),
    );

    let mut r = get_result();
    r.transaction.fep_reference_id = "ref/1".into();
    row("fepReferenceId with /", validate(&r, &sandbox()));

    let mut r = pay();
    r.transaction.as_mut().unwrap().metadata1 = Some("m".repeat(2001));
    row("metadata1 of 2001", validate(&r, &sandbox()));

    let table: String = rows
        .iter()
        .map(|(name, text)| format!("{name}\n    => {text}\n"))
        .collect();
    insta::assert_snapshot!(table);
}

#[test]
fn a_local_push_url_is_accepted_only_on_loopback_and_never_live() {
    let with_push_url = |url: &str| {
        let mut r = pay();
        r.control.push_url = Some(url.into());
        r
    };
    let mut local = sandbox();
    local.local_push_url = true;
    for url in [
        "http://127.0.0.1:41234/unified/webhook",
        "http://[::1]:8080/webhook",
        "http://localhost:3000/webhook",
        "https://127.0.0.2/webhook",
    ] {
        assert!(validate(&with_push_url(url), &local).is_ok(), "{url}");
        assert!(validate(&with_push_url(url), &sandbox()).is_err(), "{url}");
    }
    // Other private addresses and other schemes keep the guide's rules.
    for url in ["http://10.0.0.1:8080/webhook", "ftp://127.0.0.1/webhook"] {
        assert!(validate(&with_push_url(url), &local).is_err(), "{url}");
    }
    let mut live = Context::new(Mode::Live);
    live.local_push_url = true;
    let err = validate(&with_push_url("http://127.0.0.1:41234/w"), &live).unwrap_err();
    assert!(err.to_string().contains("control.pushUrl"), "{err}");
}

/// Rules that the guide writes only in field descriptions, checked through the
/// spec's extensions (`x-requiredFor` + `x-payTypeLimits.enum`, `x-onlyWith`,
/// `x-datetimeWindow`, `x-payTypeLimits.minimum/maximum`). Each row names the
/// wire path, the rule and the result code (`UA-REQ-001`: the project's reading,
/// the guide names no code for a malformed field).
#[test]
fn rules_from_the_guides_descriptions_are_checked() {
    fn expect(what: &str, result: Result<(), Error>, path: &str, rule: &str) {
        let err = result.expect_err(what);
        let v = err
            .violations()
            .iter()
            .find(|v| v.path == path)
            .unwrap_or_else(|| panic!("{what}: no violation at {path}: {err}"));
        assert_eq!(v.rule.to_string(), rule, "{what}");
        assert_eq!(v.result_code(), ResultCode::UaReq001, "{what}");
        assert!(
            err.to_string().contains(&format!("{path}: {rule}")),
            "{what}: {err}"
        );
    }
    let paypay = || sandbox().with_pay_type(PayType::Paypay);
    let with_recovery = |kind: Option<RecoveryType>, at: &str| {
        let mut r = charge();
        r.control = Some(ChargeControl {
            push_url: None,
            protocol: Some(ChargeProtocol {
                recovery_type: kind,
                recovery_expired_datetime: Some(at.into()),
            }),
        });
        r
    };

    // 1.1.3, On-Demand Payment, order.authCaptureType: "*For PayPay, specifying
    // auth_with_capture is required."
    let mut r = charge();
    r.order.auth_capture_type = None;
    expect(
        "paypay charge without authCaptureType",
        validate(&r, &paypay()),
        "order.authCaptureType",
        "required for payType paypay",
    );
    r.order.auth_capture_type = Some(AuthCaptureType::Auth);
    expect(
        "paypay charge with auth",
        validate(&r, &paypay()),
        "order.authCaptureType",
        "payType paypay: only auth_with_capture",
    );
    assert!(
        validate(&r, &sandbox().with_pay_type(PayType::Rakuten)).is_ok(),
        "rakuten may charge with auth"
    );
    r.order.auth_capture_type = Some(AuthCaptureType::AuthWithCapture);
    assert!(validate(&r, &paypay()).is_ok());

    // 1.1.3, On-Demand Payment, control.protocol.recoveryExpiredDatetime: "It can be
    // specified in the range of 10 minutes to 48 hours after the request date and time.
    // This parameter can be specified when recoveryType=recovery."
    let path = "control.protocol.recoveryExpiredDatetime";
    let window = "between 10 and 2880 minutes after the request time (JST)";
    // The request time is 2026-01-01 06:00:00 JST.
    for (at, ok) in [
        ("20260101060959", false), // 9 min 59 s
        ("20260101061000", true),  // 10 min
        ("20260101120000", true),  // 6 h
        ("20260103060000", true),  // 48 h
        ("20260103060001", false), // 48 h 1 s
        ("20251231235959", false), // before the request
    ] {
        let result = validate(&with_recovery(Some(RecoveryType::Recovery), at), &paypay());
        if ok {
            assert!(result.is_ok(), "{at}: {result:?}");
        } else {
            expect(at, result, path, window);
        }
    }
    expect(
        "not a calendar date",
        validate(
            &with_recovery(Some(RecoveryType::Recovery), "20260230120000"),
            &paypay(),
        ),
        path,
        "a valid yyyyMMddHHmmss date and time (JST)",
    );
    let only = "only with control.protocol.recoveryType = recovery";
    expect(
        "recoveryType absent",
        validate(&with_recovery(None, "20260101120000"), &paypay()),
        path,
        only,
    );
    expect(
        "recoveryType not_recovery",
        validate(
            &with_recovery(Some(RecoveryType::NotRecovery), "20260101120000"),
            &paypay(),
        ),
        path,
        only,
    );

    // 1.1.3, Payment Request, order.amount: "amounts less than 2 Yen cannot be handled"
    // (Rakuten Pay); "Merpay: The value between 1 and 1000000 can be specified".
    let mut r = pay();
    r.order.pay_type = PayType::Rakuten;
    r.order.amount = yen(1);
    expect(
        "rakuten pay of 1 yen",
        validate(&r, &sandbox()),
        "order.amount",
        "payType rakuten: at least 2",
    );
    r.order.amount = yen(2);
    assert!(validate(&r, &sandbox()).is_ok());
    r.order.pay_type = PayType::Merpay;
    r.item.clear();
    r.order.amount = yen(0);
    expect(
        "merpay pay of 0",
        validate(&r, &sandbox()),
        "order.amount",
        "payType merpay: at least 1",
    );
    r.order.amount = yen(1_000_001);
    expect(
        "merpay pay of 1000001",
        validate(&r, &sandbox()),
        "order.amount",
        "payType merpay: at most 1000000",
    );
    r.order.amount = yen(1_000_000);
    assert!(validate(&r, &sandbox()).is_ok());
    // On-Demand Payment and Payment Request Change say the same.
    let mut r = charge();
    r.order.amount = yen(1);
    expect(
        "rakuten charge of 1 yen",
        validate(&r, &sandbox().with_pay_type(PayType::Rakuten)),
        "order.amount",
        "payType rakuten: at least 2",
    );
    r.order.amount = yen(1_000_001);
    expect(
        "merpay charge of 1000001",
        validate(&r, &sandbox().with_pay_type(PayType::Merpay)),
        "order.amount",
        "payType merpay: at most 1000000",
    );
    let mut r = update_order();
    r.order.amount = Some(yen(1));
    expect(
        "rakuten updateOrder to 1 yen",
        validate(&r, &sandbox().with_pay_type(PayType::Rakuten)),
        "order.amount",
        "payType rakuten: at least 2",
    );

    // 1.1.3, Payment Request, merchant.storeId / terminalId: "au:auPAY (Online payment)
    // can be specified when the application method is used."
    let mut r = pay();
    r.order.pay_type = PayType::Au;
    r.item.clear();
    r.order.description = None;
    r.merchant = Some(PayMerchant {
        store_id: Some("1234".into()),
        store_name: None,
        terminal_id: Some("t1".into()),
    });
    let only_app = "only with paymentInstrument.au.paymentAuthenticationType = app_method";
    expect(
        "au storeId without app_method",
        validate(&r, &sandbox()),
        "merchant.storeId",
        only_app,
    );
    expect(
        "au terminalId without app_method",
        validate(&r, &sandbox()),
        "merchant.terminalId",
        only_app,
    );
    r.payment_instrument = Some(PayPaymentInstrument {
        au: Some(PayAuInstrument {
            payment_authentication_type: Some(PaymentAuthenticationType::AppMethod),
            login_type: None,
        }),
    });
    assert!(validate(&r, &sandbox()).is_ok());
    // PayPay is not bound by the au condition.
    let mut r = pay();
    r.merchant = Some(PayMerchant {
        store_id: Some("store_1".into()),
        store_name: None,
        terminal_id: None,
    });
    assert!(validate(&r, &sandbox()).is_ok());
}
