//! Every request of the guide encoded, and every rule checked before
//! sending. The snapshots are the wire-format review; the user key and the
//! token are replaced by placeholders there (their encoding is asserted
//! here instead), so no secret sits in a snapshot.

// Helpers of tests may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use jpayment_proto::{
    BulkRegisterAndPay, BulkRegisterAndPayItem, Charset, DeleteCard, DeleteUser, JobType,
    OnetouchCharge, OnetouchChargeItem, Operation, OtherData, PaymentMethod, ReferenceCard,
    ReferenceUser, RegisterCard, RegisterUser, ReplyMethod, Rule, UpdateCard, UpdateUser,
    ValidationError,
};
#[allow(unused_imports)]
use jpayment_proto::{Yen, yen};

const AID: &str = "123456";
const KEY: &str = "vnjpBycDO5";
const TOKEN: &str = "c6f2a9e0-77b1-4b0e-9d1a-2f5c0d3e9b11";

/// The query, one pair per line, secrets replaced; checks the secrets are
/// on the wire exactly once each where the operation has them.
fn wire<O: Operation>(op: &O, charset: Charset) -> String {
    let query = op.encode(charset).unwrap();
    let spec = O::SPEC;
    let mut shown = format!(
        "{} {}{} ({})\n",
        spec.methods.join("|"),
        jpayment_proto::BASE_URL,
        spec.endpoint,
        spec.title
    );
    for pair in query.split('&') {
        let shown_pair = match pair.split_once('=') {
            Some(("key", v)) => {
                assert_eq!(v, KEY);
                "key=[user key]".to_owned()
            }
            Some(("tkn", v)) => {
                assert_eq!(v, TOKEN);
                "tkn=[token]".to_owned()
            }
            _ => pair.to_owned(),
        };
        shown.push_str(&shown_pair);
        shown.push('\n');
    }
    shown
}

fn other() -> OtherData {
    OtherData::new()
        .with("memo", "gift wrap\r\nplease")
        .with("ref", "A&B=C")
}

#[test]
fn register_user() {
    let mut op = RegisterUser::new(AID, "012345");
    op.email = Some("sample@sample.jp".into());
    op.other = other();
    insta::assert_snapshot!(wire(&op, Charset::Utf8));
}

#[test]
fn reference_user() {
    insta::assert_snapshot!(wire(&ReferenceUser::new(AID, "012345"), Charset::Utf8));
}

#[test]
fn update_user() {
    let mut op = UpdateUser::new(AID, "012345", KEY);
    op.phone = Some("09011111111".into());
    insta::assert_snapshot!(wire(&op, Charset::Utf8));
}

#[test]
fn delete_user() {
    insta::assert_snapshot!(wire(&DeleteUser::new(AID, "012345", KEY), Charset::Utf8));
}

#[test]
fn register_card() {
    insta::assert_snapshot!(wire(
        &RegisterCard::new(AID, "012345", KEY, TOKEN),
        Charset::Utf8
    ));
}

#[test]
fn reference_card() {
    insta::assert_snapshot!(wire(
        &ReferenceCard::new(AID, "012345", KEY, 1),
        Charset::Utf8
    ));
}

#[test]
fn update_card() {
    insta::assert_snapshot!(wire(
        &UpdateCard::new(AID, "012345", KEY, 2, TOKEN),
        Charset::Utf8
    ));
}

#[test]
fn delete_card() {
    insta::assert_snapshot!(wire(&DeleteCard::new(AID, "012345", KEY, 2), Charset::Utf8));
}

#[test]
fn bulk_register_and_pay() {
    let mut op = BulkRegisterAndPay::new(
        AID,
        JobType::Capture,
        ReplyMethod::Response,
        "012345",
        TOKEN,
        yen(1000),
        yen(80),
        yen(500),
    );
    op.order_ref = Some("order-17".into());
    op.email = Some("sample@sample.jp".into());
    insta::assert_snapshot!(wire(&op, Charset::Utf8));
}

#[test]
fn bulk_register_and_pay_item() {
    let mut op = BulkRegisterAndPayItem::new(AID, ReplyMethod::Kickback, "012345", TOKEN, "ITEM01");
    op.phone = Some("09011111111".into());
    insta::assert_snapshot!(wire(&op, Charset::Utf8));
}

fn onetouch() -> OnetouchCharge {
    let mut op = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "012345",
        KEY,
        1,
        JobType::Auth,
        yen(1000),
        yen(0),
        yen(0),
    );
    op.order_ref = Some("注文-17".into());
    op.method = Some(PaymentMethod::Installments);
    op.installments = Some(12);
    op.other = OtherData::new().with("メモ", "ﾃｽﾄ 1");
    op
}

#[test]
fn onetouch_charge() {
    insta::assert_snapshot!(wire(&onetouch(), Charset::Utf8));
}

#[test]
fn onetouch_charge_in_shift_jis() {
    insta::assert_snapshot!(wire(&onetouch(), Charset::ShiftJis));
}

#[test]
fn onetouch_charge_item() {
    let mut op = OnetouchChargeItem::new(AID, ReplyMethod::Kickback, "012345", KEY, 3, "ITEM01");
    op.method = Some(PaymentMethod::Revolving);
    insta::assert_snapshot!(wire(&op, Charset::Utf8));
}

fn rule<O: Operation>(op: &O) -> (&'static str, Rule) {
    let ValidationError { field, rule, .. } = op.validate().unwrap_err();
    // `encode` refuses what `validate` refuses.
    assert!(op.encode(Charset::Utf8).is_err());
    (field, rule)
}

#[test]
fn aid_is_six_digits() {
    assert_eq!(
        rule(&ReferenceUser::new("12345", "u")),
        ("aid", Rule::ExactLength(6))
    );
    assert_eq!(
        rule(&ReferenceUser::new("1234567", "u")),
        ("aid", Rule::ExactLength(6))
    );
    assert!(matches!(
        rule(&ReferenceUser::new("12345a", "u")),
        ("aid", Rule::Charset(_))
    ));
    assert_eq!(rule(&ReferenceUser::new("", "u")), ("aid", Rule::Required));
}

#[test]
fn uid_length_and_charset() {
    let long = "a".repeat(51);
    assert_eq!(
        rule(&ReferenceUser::new(AID, long)),
        ("uid", Rule::MaxChars(50))
    );
    assert!(ReferenceUser::new(AID, "a".repeat(50)).validate().is_ok());
    for bad in ["user-01", "user 01", "ユーザー", "user_01"] {
        assert!(
            matches!(
                rule(&ReferenceUser::new(AID, bad)),
                ("uid", Rule::Charset(_))
            ),
            "{bad}"
        );
    }
    assert_eq!(rule(&ReferenceUser::new(AID, "")), ("uid", Rule::Required));
}

#[test]
fn email_or_phone_where_the_guide_requires_one() {
    assert!(matches!(
        rule(&RegisterUser::new(AID, "u1")),
        ("em", Rule::AtLeastOneOf(["em", "pn"]))
    ));
    let mut op = RegisterUser::new(AID, "u1");
    op.phone = Some("09011111111".into());
    assert!(op.validate().is_ok());
    op.phone = Some("090-1111-1111".into());
    assert!(matches!(rule(&op), ("pn", Rule::Charset(_))));
    op.phone = Some("0".repeat(16));
    assert_eq!(rule(&op), ("pn", Rule::MaxChars(15)));
    op.phone = None;
    op.email = Some("not an address".into());
    assert!(matches!(rule(&op), ("em", Rule::Charset(_))));
    op.email = Some("a@b@c".into());
    assert!(matches!(rule(&op), ("em", Rule::Charset(_))));
    op.email = Some(format!("{}@example.jp", "a".repeat(244)));
    assert_eq!(rule(&op), ("em", Rule::MaxChars(254)));
    let bulk = BulkRegisterAndPay::new(
        AID,
        JobType::Auth,
        ReplyMethod::Response,
        "u1",
        TOKEN,
        yen(1),
        yen(0),
        yen(0),
    );
    assert!(matches!(rule(&bulk), ("em", Rule::AtLeastOneOf(_))));
    // One-touch: e-mail and phone are optional (they update the user).
    let op = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "u1",
        KEY,
        1,
        JobType::Auth,
        yen(1),
        yen(0),
        yen(0),
    );
    assert!(op.validate().is_ok());
}

#[test]
fn installments_only_with_md_61() {
    let mut op = onetouch();
    op.installments = None;
    assert_eq!(
        rule(&op),
        (
            "pt",
            Rule::RequiredWhen {
                when: "md",
                equals: "61"
            }
        )
    );
    for n in [3u8, 5, 6, 10, 12, 15, 18, 20, 24] {
        op.installments = Some(n);
        assert!(op.validate().is_ok(), "{n}");
    }
    for n in [0u8, 1, 2, 4, 7, 11, 25, 36] {
        op.installments = Some(n);
        assert!(matches!(rule(&op), ("pt", Rule::OneOfNumbers(_))), "{n}");
    }
    op.installments = Some(3);
    op.method = Some(PaymentMethod::Lump);
    assert_eq!(
        rule(&op),
        (
            "pt",
            Rule::OnlyWhen {
                when: "md",
                equals: "61"
            }
        )
    );
    op.method = None;
    assert_eq!(
        rule(&op),
        (
            "pt",
            Rule::OnlyWhen {
                when: "md",
                equals: "61"
            }
        )
    );
    op.installments = None;
    op.method = Some(PaymentMethod::Revolving);
    assert!(op.validate().is_ok());
}

#[test]
fn job_type_reply_and_method_are_the_guides_values() {
    let op = onetouch();
    let query = op.encode(Charset::Utf8).unwrap();
    assert!(query.contains("jb=AUTH"));
    assert!(query.contains("rt=1"));
    assert!(query.contains("md=61&pt=12"));
    assert_eq!(JobType::Capture.as_wire(), "CAPTURE");
    assert_eq!(ReplyMethod::Kickback.as_wire(), "0");
    assert_eq!(PaymentMethod::Revolving.as_wire(), "80");
}

#[test]
fn order_reference_is_bytes_in_the_charset_and_has_no_separators() {
    let mut op = onetouch();
    op.order_ref = Some("a,b".into());
    assert!(matches!(rule(&op), ("cod", Rule::Charset(_))));
    op.order_ref = Some("a\r\nb".into());
    assert!(matches!(rule(&op), ("cod", Rule::Charset(_))));
    op.order_ref = Some("x".repeat(51));
    assert_eq!(rule(&op), ("cod", Rule::MaxBytes(50)));
    // 17 kana: 51 bytes in UTF-8, 34 in Shift_JIS.
    op.order_ref = Some("あ".repeat(17));
    assert_eq!(
        op.encode(Charset::Utf8).unwrap_err().rule,
        Rule::MaxBytes(50)
    );
    assert!(op.encode(Charset::ShiftJis).is_ok());
}

#[test]
fn other_data_is_percent_encoded_and_limited_to_1024_bytes() {
    let mut op = ReferenceUser::new(AID, "u1");
    op.other = OtherData::new().with("memo", "a b\r\nc+d&e=f%");
    let query = op.encode(Charset::Utf8).unwrap();
    assert!(
        query.ends_with("&memo=a%20b%0D%0Ac%2Bd%26e%3Df%25"),
        "{query}"
    );
    // "m=" + 1022 bytes is 1024 bytes as sent: allowed; one more is not.
    op.other = OtherData::new().with("m", "x".repeat(1022));
    assert!(op.encode(Charset::Utf8).is_ok());
    op.other = OtherData::new().with("m", "x".repeat(1023));
    let err = op.encode(Charset::Utf8).unwrap_err();
    assert_eq!((err.field, err.rule), ("other", Rule::MaxBytes(1024)));
    // Counted as sent: a space is three bytes.
    op.other = OtherData::new().with("m", " ".repeat(340));
    assert!(op.encode(Charset::Utf8).is_ok());
    op.other = OtherData::new().with("m", " ".repeat(341));
    assert!(op.encode(Charset::Utf8).is_err());
}

#[test]
fn other_data_names() {
    let mut op = ReferenceUser::new(AID, "u1");
    op.other = OtherData::new().with("uid", "x");
    assert_eq!(rule(&op), ("other", Rule::ReservedName("uid".into())));
    op.other = OtherData::new().with("gid", "x");
    assert_eq!(rule(&op), ("other", Rule::ReservedName("gid".into())));
    op.other = OtherData::new().with("", "x");
    assert_eq!(rule(&op), ("other", Rule::EmptyName));
}

#[test]
fn unencodable_text_in_shift_jis() {
    let mut op = ReferenceUser::new(AID, "u1");
    op.other = OtherData::new().with("memo", "🍣");
    assert!(op.encode(Charset::Utf8).is_ok());
    let err = op.encode(Charset::ShiftJis).unwrap_err();
    assert_eq!(
        (err.field, err.rule),
        ("other", Rule::Unencodable("Shift_JIS"))
    );
}

#[test]
fn user_key_and_token_limits() {
    let long_key = "k".repeat(11);
    assert_eq!(
        rule(&RegisterCard::new(AID, "u1", long_key.as_str(), TOKEN)),
        ("key", Rule::MaxChars(10))
    );
    // User update and delete print 100 as the key's limit.
    assert!(
        UpdateUser::new(AID, "u1", long_key.as_str())
            .validate()
            .is_ok()
    );
    assert_eq!(
        rule(&DeleteUser::new(AID, "u1", "k".repeat(101))),
        ("key", Rule::MaxChars(100))
    );
    assert!(matches!(
        rule(&RegisterCard::new(AID, "u1", KEY, "tok en")),
        ("tkn", Rule::Charset(_))
    ));
    assert_eq!(
        rule(&RegisterCard::new(AID, "u1", KEY, "")),
        ("tkn", Rule::Required)
    );
}

#[test]
fn errors_name_operation_field_label_and_rule() {
    let err = RegisterUser::new("12345", "u1").validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "register_user: `aid` (店舗ID): must be exactly 6 characters"
    );
    let mut op = onetouch();
    op.installments = Some(7);
    assert_eq!(
        op.validate().unwrap_err().to_string(),
        "onetouch_charge: `pt` (分割回数): must be one of 3, 5, 6, 10, 12, 15, 18, 20, 24"
    );
}

#[test]
fn debug_never_shows_the_key_or_the_token() {
    let op = UpdateCard::new(AID, "u1", KEY, 1, TOKEN);
    let debug = format!("{op:?}");
    assert!(!debug.contains(KEY) && !debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("UserKey([redacted])") && debug.contains("Token([redacted])"));
}

/// What a server receives: the query, split and decoded.
fn received<O: Operation>(op: &O, charset: Charset) -> Vec<(String, String)> {
    let query = op.encode(charset).unwrap();
    jpayment_proto::response::query_pairs(query.as_bytes(), charset).unwrap()
}

#[test]
fn every_request_is_read_back_as_itself() {
    use jpayment_proto::AnyRequest;
    let mut register = RegisterUser::new(AID, "012345");
    register.email = Some("sample@sample.jp".into());
    register.other = other();
    let mut bulk = BulkRegisterAndPay::new(
        AID,
        JobType::Auth,
        ReplyMethod::Kickback,
        "012345",
        TOKEN,
        yen(1000),
        yen(80),
        yen(500),
    );
    bulk.phone = Some("09011111111".into());
    let mut bulk_item =
        BulkRegisterAndPayItem::new(AID, ReplyMethod::Response, "012345", TOKEN, "ITEM01");
    bulk_item.email = Some("sample@sample.jp".into());
    let cases = vec![
        AnyRequest::RegisterUser(register),
        AnyRequest::ReferenceUser(ReferenceUser::new(AID, "012345")),
        AnyRequest::UpdateUser(UpdateUser::new(AID, "012345", KEY)),
        AnyRequest::DeleteUser(DeleteUser::new(AID, "012345", KEY)),
        AnyRequest::RegisterCard(RegisterCard::new(AID, "012345", KEY, TOKEN)),
        AnyRequest::ReferenceCard(ReferenceCard::new(AID, "012345", KEY, 1)),
        AnyRequest::UpdateCard(UpdateCard::new(AID, "012345", KEY, 2, TOKEN)),
        AnyRequest::DeleteCard(DeleteCard::new(AID, "012345", KEY, 2)),
        AnyRequest::BulkRegisterAndPay(bulk),
        AnyRequest::BulkRegisterAndPayItem(bulk_item),
        AnyRequest::OnetouchCharge(onetouch()),
        AnyRequest::OnetouchChargeItem(OnetouchChargeItem::new(
            AID,
            ReplyMethod::Kickback,
            "012345",
            KEY,
            3,
            "ITEM01",
        )),
    ];
    for charset in [Charset::Utf8, Charset::ShiftJis] {
        for case in &cases {
            let (endpoint, pairs) = match case {
                AnyRequest::RegisterUser(op) => {
                    (RegisterUser::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::ReferenceUser(op) => {
                    (ReferenceUser::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::UpdateUser(op) => (UpdateUser::SPEC.endpoint, received(op, charset)),
                AnyRequest::DeleteUser(op) => (DeleteUser::SPEC.endpoint, received(op, charset)),
                AnyRequest::RegisterCard(op) => {
                    (RegisterCard::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::ReferenceCard(op) => {
                    (ReferenceCard::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::UpdateCard(op) => (UpdateCard::SPEC.endpoint, received(op, charset)),
                AnyRequest::DeleteCard(op) => (DeleteCard::SPEC.endpoint, received(op, charset)),
                AnyRequest::BulkRegisterAndPay(op) => {
                    (BulkRegisterAndPay::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::BulkRegisterAndPayItem(op) => {
                    (BulkRegisterAndPayItem::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::OnetouchCharge(op) => {
                    (OnetouchCharge::SPEC.endpoint, received(op, charset))
                }
                AnyRequest::OnetouchChargeItem(op) => {
                    (OnetouchChargeItem::SPEC.endpoint, received(op, charset))
                }
            };
            let read = AnyRequest::from_pairs(endpoint, &pairs).unwrap().unwrap();
            assert_eq!(&read, case, "{charset:?}");
        }
    }
}

#[test]
fn received_requests_that_match_no_operation() {
    use jpayment_proto::AnyRequest;
    let pairs = |query: &str| {
        jpayment_proto::response::query_pairs(query.as_bytes(), Charset::Utf8).unwrap()
    };
    assert!(AnyRequest::from_pairs("nothing.aspx", &pairs("aid=123456")).is_none());
    let err = AnyRequest::from_pairs("carduser.aspx", &pairs("aid=123456&cmd=9&uid=u1"))
        .unwrap()
        .unwrap_err();
    assert_eq!(err.field, "cmd");
    // Card update without its token: the update's error, not register's.
    let err = AnyRequest::from_pairs(
        "carduser_token.aspx",
        &pairs("aid=123456&cmd=4&uid=u1&key=k&num=1"),
    )
    .unwrap()
    .unwrap_err();
    assert_eq!(
        (err.operation, err.field, err.rule),
        ("update_card", "tkn", Rule::Required)
    );
    // Rules apply to received requests too.
    let err = AnyRequest::from_pairs(
        "onetouch.aspx",
        &pairs("aid=123456&rt=1&cmd=4&uid=u1&key=k&num=1&jb=AUTH&am=1&tx=0&sf=0&md=61"),
    )
    .unwrap()
    .unwrap_err();
    assert_eq!(
        (err.field, err.rule),
        (
            "pt",
            Rule::RequiredWhen {
                when: "md",
                equals: "61"
            }
        )
    );
    let err = AnyRequest::from_pairs(
        "onetouch.aspx",
        &pairs("aid=123456&rt=1&cmd=4&uid=u1&key=k&num=1&jb=SALE&am=1&tx=0&sf=0"),
    )
    .unwrap()
    .unwrap_err();
    assert_eq!(
        (err.field, err.rule),
        ("jb", Rule::OneOf(&["AUTH", "CAPTURE"]))
    );
    let err = AnyRequest::from_pairs("carduser.aspx", &pairs("aid=123456&cmd=3&uid=u1&uid=u2"))
        .unwrap()
        .unwrap_err();
    assert_eq!((err.field, err.rule), ("uid", Rule::Duplicate));
}
