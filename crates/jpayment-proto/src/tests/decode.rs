//! Bad and awkward answers: each must be a typed error naming the column,
//! never a panic and never a misaligned success.

use crate::charset::Charset;
use crate::error::{Error, MalformedResponse, Place};
use crate::generated::{
    BulkPaymentResult, CardDetails, ErrorCode, OnetouchResult, UserDetails, UserRecord,
};
use crate::kickback::{self, PaymentNotice};
use crate::response::{
    PaymentReply, Record, decode_csv, decode_direct, decode_kickback, decode_payment,
};
use crate::values::Echo;
use crate::yen;

fn user(body: &str) -> Result<UserRecord, Error> {
    decode_csv(body.as_bytes(), Charset::Utf8, false)
}

fn user_echo(body: &str) -> Result<UserRecord, Error> {
    decode_csv(body.as_bytes(), Charset::Utf8, true)
}

fn onetouch(body: &str) -> Result<OnetouchResult, Error> {
    decode_csv(body.as_bytes(), Charset::Utf8, false)
}

fn column_error(result: Result<impl std::fmt::Debug, Error>) -> (usize, &'static str, String) {
    match result {
        Err(Error::Malformed(MalformedResponse::Value {
            place: Place::Column { position, name, .. },
            rule,
            ..
        })) => (position, name, rule),
        other => panic!("expected a column error, got {other:?}"),
    }
}

#[test]
fn trailing_comma_and_cr_are_tolerated() {
    for body in [
        "1,,012345,vnjpBycDO5",
        "1,,012345,vnjpBycDO5,",
        "1,,012345,vnjpBycDO5\r\n",
        "1,,012345,vnjpBycDO5,\r\n",
        "1,,012345,vnjpBycDO5,\r",
        "\u{feff}1,,012345,vnjpBycDO5\n",
    ] {
        let record = user(body).unwrap();
        assert_eq!(record.user_id, "012345", "{body:?}");
        assert_eq!(record.user_key.expose_secret(), "vnjpBycDO5");
        assert!(record.echo.is_none());
    }
}

#[test]
fn truncated_line_names_the_first_missing_column() {
    let err = user("1,,012345").unwrap_err();
    match err {
        Error::Malformed(MalformedResponse::MissingColumns {
            expected,
            found,
            missing,
            missing_position,
            ..
        }) => {
            assert_eq!(
                (expected, found, missing, missing_position),
                (4, 3, "key", 4)
            );
        }
        other => panic!("{other:?}"),
    }
    let err = user("1,,012345").unwrap_err().to_string();
    assert!(err.contains("rst,ec,uid,key"), "{err}");
    // A line cut right after a comma leaves the key empty: still an error.
    assert_eq!(column_error(user("1,,012345,")).1, "key");
}

#[test]
fn extra_columns_are_refused_unless_other_data_was_sent() {
    let err = user("1,,012345,vnjpBycDO5,surprise").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed(MalformedResponse::ExtraColumns { expected: 4, .. })
        ),
        "{err:?}"
    );
    let record = user_echo("1,,012345,vnjpBycDO5,surprise").unwrap();
    assert_eq!(record.echo, Echo::Line("surprise".into()));
}

#[test]
fn echoed_commas_and_quotes_are_kept_verbatim() {
    let body = "1,,012345,vnjpBycDO5,memo=\"a, b\",x=1,\r\n";
    let record = user_echo(body).unwrap();
    assert_eq!(record.echo, Echo::Line("memo=\"a, b\",x=1,".into()));
    assert_eq!(record.user_id, "012345");
}

#[test]
fn stray_whitespace_is_an_error_in_the_column_it_is_in() {
    assert_eq!(column_error(user(" 1,,012345,vnjpBycDO5")).1, "rst");
    assert_eq!(column_error(user("1,,012345 ,vnjpBycDO5")).1, "uid");
    assert_eq!(column_error(user("1,,012345,vnjpBycDO5 ")).1, "key");
    assert_eq!(column_error(user("1, ,012345,vnjpBycDO5")).1, "ec");
    let (_, name, _) = column_error(onetouch("1095729,1,TestMod,,205685,,1000 ,2,4,1006,,"));
    assert_eq!(name, "am");
}

#[test]
fn rst_other_than_1_or_2_is_refused() {
    for body in [
        "3,,012345,vnjpBycDO5",
        "0,,012345,vnjpBycDO5",
        "OK,,a,b",
        ",,012345,vnjpBycDO5",
    ] {
        let (position, name, rule) = column_error(user(body));
        assert_eq!((position, name), (1, "rst"), "{body}");
        assert!(rule.contains("1 or 2"), "{rule}");
    }
}

#[test]
fn an_html_page_is_not_csv() {
    let page = "<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>Server Error in '/' Application.</body></html>";
    let err = user(page).unwrap_err();
    assert!(
        matches!(err, Error::Malformed(MalformedResponse::Html { .. })),
        "{err:?}"
    );
    let err = onetouch(&format!("\r\n  {page}")).unwrap_err();
    assert!(
        matches!(err, Error::Malformed(MalformedResponse::Html { .. })),
        "{err:?}"
    );
}

#[test]
fn empty_and_multi_line_bodies() {
    assert!(matches!(
        user(""),
        Err(Error::Malformed(MalformedResponse::Empty { .. }))
    ));
    assert!(matches!(
        user("\r\n"),
        Err(Error::Malformed(MalformedResponse::Empty { .. }))
    ));
    assert!(matches!(
        user("1,,012345,vnjpBycDO5\r\n1,,012346,vnjpBycDO6"),
        Err(Error::Malformed(MalformedResponse::Lines { lines: 2, .. }))
    ));
}

#[test]
fn shift_jis_is_decoded_only_when_configured() {
    // "ﾃｽﾄ" (half-width katakana) echoed back, in Shift_JIS.
    let mut body = b"1,,012345,vnjpBycDO5,memo=".to_vec();
    body.extend_from_slice(&[0xC3, 0xBD, 0xC4]);
    let record: UserRecord = decode_csv(&body, Charset::ShiftJis, true).unwrap();
    assert_eq!(record.echo, Echo::Line("memo=ﾃｽﾄ".into()));
    // The same bytes are not UTF-8 (C3 BD is "½", C4 then ends early):
    // an error with the offset, not mojibake.
    let err = decode_csv::<UserRecord>(&body, Charset::Utf8, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed answer: not valid UTF-8 at byte 28"
    );
}

#[test]
fn invalid_shift_jis_is_an_error() {
    // 0x82 starts a two-byte character; 0x20 cannot end it.
    let body = b"1,,012345,vnjpBycDO5,memo=\x82 ";
    let err = decode_csv::<UserRecord>(body, Charset::ShiftJis, true).unwrap_err();
    assert!(
        matches!(err, Error::Malformed(MalformedResponse::Charset(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("Shift_JIS at byte 26"), "{err}");
    let truncated = b"1,,012345,vnjpBycDO5,memo=\x82";
    assert!(decode_csv::<UserRecord>(truncated, Charset::ShiftJis, true).is_err());
}

#[test]
fn rst_2_is_a_gateway_error_with_its_code() {
    let err = user("2,ER003,,").unwrap_err();
    assert_eq!(err.gateway_code(), Some(&ErrorCode::SourceIp));
    let err = user("2,ER003").unwrap_err();
    assert_eq!(err.gateway_code(), Some(&ErrorCode::SourceIp));
    let err = user("2,ER777,012345,").unwrap_err();
    assert_eq!(
        err.gateway_code(),
        Some(&ErrorCode::Unknown("ER777".into()))
    );
    let Error::Gateway(gateway) = err else {
        panic!()
    };
    assert_eq!(gateway.field("uid"), Some("012345"));
    // rst=2 without the ec column at all is malformed, not an unknown error.
    assert!(matches!(
        user("2"),
        Err(Error::Malformed(MalformedResponse::MissingColumns { .. }))
    ));
    // rst=2 with an empty ec: the empty code is kept as unknown.
    assert_eq!(
        user("2,").unwrap_err().gateway_code(),
        Some(&ErrorCode::Unknown(String::new()))
    );
}

#[test]
fn a_failed_payment_keeps_its_ids_and_hides_secrets() {
    let body = "1095729,2,,G12,205685,order-1,1000,0,0,1000,,pw123";
    let err = onetouch(body).unwrap_err();
    assert_eq!(err.gateway_code(), Some(&ErrorCode::Issuer("G12".into())));
    let Error::Gateway(gateway) = &err else {
        panic!()
    };
    assert_eq!(gateway.field("gid"), Some("1095729"));
    assert_eq!(gateway.field("cod"), Some("order-1"));
    let debug = format!("{err:?}");
    assert!(!debug.contains("pw123"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
}

#[test]
fn a_bare_error_code_is_a_gateway_error() {
    assert_eq!(
        user("ER003\r\n").unwrap_err().gateway_code(),
        Some(&ErrorCode::SourceIp)
    );
    assert_eq!(
        onetouch("ER010").unwrap_err().gateway_code(),
        Some(&ErrorCode::Busy)
    );
    assert_eq!(
        onetouch("ER999,").unwrap_err().gateway_code(),
        Some(&ErrorCode::Maintenance)
    );
}

#[test]
fn rst_1_with_an_error_code_is_misaligned() {
    // The card reference sample as printed: the empty ec column is missing,
    // so the user ID lands in ec.
    let printed = "1,012345,vnjpBycDO5,1,*****9999,2512,sample,sample";
    let err = decode_csv::<CardDetails>(printed.as_bytes(), Charset::Utf8, false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed answer: column 2 (`ec`, エラーコード): must be empty when rst=1 (found \"012345\")"
    );
}

#[test]
fn the_total_must_be_the_sum() {
    let (_, name, rule) = column_error(onetouch("1095729,1,TestMod,,205685,,1000,2,4,1007,,"));
    assert_eq!(name, "ta");
    assert_eq!(rule, "must equal am + tx + sf");
}

#[test]
fn amounts_must_be_non_negative_integers() {
    for bad in ["-1000", "1000.5", "1e3", "99999999999999999999999"] {
        let body = format!("1095729,1,TestMod,,205685,,{bad},0,0,1000,,");
        assert_eq!(column_error(onetouch(&body)).1, "am", "{bad}");
    }
}

#[test]
fn an_unmasked_card_number_is_refused_without_showing_it() {
    let body = "1,,012345,vnjpBycDO5,1,4111111111111111,2512,TARO,YAMADA";
    let err = decode_csv::<CardDetails>(body.as_bytes(), Charset::Utf8, false).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("`cn`"), "{text}");
    assert!(!text.contains("4111"), "{text}");
}

#[test]
fn card_details_mask_in_debug() {
    let body = "1,,012345,vnjpBycDO5,1,*****9999,2512,TARO,YAMADA";
    let card = decode_csv::<CardDetails>(body.as_bytes(), Charset::Utf8, false).unwrap();
    assert_eq!(card.card_number.last4(), "9999");
    assert_eq!(card.expiry, "2512");
    let debug = format!("{card:?}");
    assert!(!debug.contains("vnjpBycDO5"), "{debug}");
    assert!(debug.contains("****9999"), "{debug}");
    let bad_month = "1,,012345,vnjpBycDO5,1,*****9999,2513,TARO,YAMADA";
    assert_eq!(
        column_error(decode_csv::<CardDetails>(
            bad_month.as_bytes(),
            Charset::Utf8,
            false
        ))
        .1,
        "ed"
    );
}

#[test]
fn user_details_with_optional_columns_empty() {
    let body = "1,,012345,vnjpBycDO5,,09011111111";
    let details = decode_csv::<UserDetails>(body.as_bytes(), Charset::Utf8, false).unwrap();
    assert_eq!(details.email, None);
    assert_eq!(details.phone.as_deref(), Some("09011111111"));
}

#[test]
fn the_public_rt1_example_decodes_into_named_fields() {
    // Public sources show this live answer to a plain payment: ten columns
    // and a trailing comma, without the `id`/`ps` of registered items.
    let ok = onetouch("30486154,1,000306,,30485311,,1000,0,0,1000,").unwrap();
    assert_eq!(ok.payment_id, "30486154");
    assert_eq!(ok.approval.as_deref(), Some("000306"));
    assert_eq!(ok.order_code, "30485311");
    assert_eq!(ok.order_ref, None);
    assert_eq!(
        (ok.amount, ok.tax, ok.shipping, ok.total),
        (yen(1000), yen(0), yen(0), yen(1000))
    );
    assert_eq!(ok.issued_id, None);
    assert!(ok.issued_password.is_none());
    assert!(ok.echo.is_none());
    // The same with CR/LF, without the trailing comma, and with both
    // columns present but empty (the guide's table): one and the same result.
    for body in [
        "30486154,1,000306,,30485311,,1000,0,0,1000,\r",
        "30486154,1,000306,,30485311,,1000,0,0,1000\r\n",
        "30486154,1,000306,,30485311,,1000,0,0,1000,,,\r",
    ] {
        assert_eq!(onetouch(body).unwrap(), ok, "{body:?}");
    }
    // Registered content items do send them.
    let item = onetouch("30486154,1,000306,,30485311,,1000,0,0,1000,user01,pw01").unwrap();
    assert_eq!(item.issued_id.as_deref(), Some("user01"));
    assert_eq!(
        item.issued_password.as_ref().map(|p| p.expose_secret()),
        Some("pw01")
    );
}

#[test]
fn the_compact_writer_writes_the_public_line_and_reads_back() {
    use crate::response::{encode_csv, encode_csv_compact};
    let public = "30486154,1,000306,,30485311,,1000,0,0,1000,";
    let result = onetouch(public).unwrap();
    assert_eq!(encode_csv_compact(&result), public);
    assert_eq!(encode_csv(&result), format!("{public},"));
    // With a content item's id/ps, or an echo, the whole table is written.
    let mut item = result.clone();
    item.issued_id = Some("user01".into());
    assert_eq!(encode_csv_compact(&item), format!("{public}user01,"));
    assert_eq!(onetouch(&encode_csv_compact(&item)).unwrap(), item);
    let mut echoed = result.clone();
    echoed.echo = Echo::Params(vec![("memo".into(), "x".into())]);
    let line = encode_csv_compact(&echoed);
    assert_eq!(line, format!("{public},,memo=x"));
    let back: OnetouchResult = decode_csv(line.as_bytes(), Charset::Utf8, true).unwrap();
    assert_eq!(back.echo, Echo::Line("memo=x".into()));
    // Shapes without absent columns are written as by encode_csv.
    let user = user("1,,012345,vnjpBycDO5").unwrap();
    assert_eq!(encode_csv_compact(&user), encode_csv(&user));
}

#[test]
fn failed_results_are_written_with_every_column_and_read_back() {
    use crate::kickback;
    use crate::response::{encode_failed_csv, encode_failed_kickback};
    let values = [
        ("gid", "30486154"),
        ("god", "30485311"),
        ("cod", "注文-1"),
        ("am", "1000"),
        ("tx", "0"),
        ("sf", "0"),
        ("ta", "1000"),
        ("nope", "x"),
    ];
    let line = encode_failed_csv(OnetouchResult::SHAPE, "G12", &values);
    assert_eq!(line, "30486154,2,,G12,30485311,注文-1,1000,0,0,1000,,");
    let err = onetouch(&line).unwrap_err();
    assert_eq!(err.gateway_code(), Some(&ErrorCode::Issuer("G12".into())));
    let Error::Gateway(refused) = err else {
        panic!()
    };
    assert_eq!(refused.field("cod"), Some("注文-1"));
    for charset in [Charset::Utf8, Charset::ShiftJis] {
        let query = encode_failed_kickback(
            BulkPaymentResult::SHAPE,
            "G55",
            &[("gid", "7"), ("uid", "u1")],
            charset,
        )
        .unwrap();
        assert!(query.starts_with("gid=7&rst=2&ap=&ec=G55&"), "{query}");
        let err = kickback::parse(query.as_bytes(), charset).unwrap_err();
        assert_eq!(err.gateway_code(), Some(&ErrorCode::Issuer("G55".into())));
        let Error::Gateway(refused) = err else {
            panic!()
        };
        assert_eq!(
            (refused.shape, refused.field("uid")),
            ("BulkPaymentResult", Some("u1"))
        );
    }
    assert_eq!(
        encode_failed_csv(UserRecord::SHAPE, "ER003", &[("uid", "u1")]),
        "2,ER003,u1,"
    );
}

#[test]
fn a_truncated_onetouch_line_still_names_the_missing_column() {
    // Only the trailing id/ps may be absent: a line cut before `ta` is not
    // a live answer but a truncated one.
    for (body, missing, found) in [
        ("30486154,1,000306,,30485311,,1000,0,0", "ta", 9),
        ("30486154,1,000306,,30485311,,1000", "tx", 7),
        ("30486154,1,000306,", "god", 4),
    ] {
        match onetouch(body).unwrap_err() {
            Error::Malformed(MalformedResponse::MissingColumns {
                missing: m,
                found: f,
                expected,
                ..
            }) => assert_eq!((m, f, expected), (missing, found, 12), "{body:?}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
    // A truncated `ta` cut after its comma is empty: still an error by name.
    assert_eq!(
        column_error(onetouch("30486154,1,000306,,30485311,,1000,0,0,")).1,
        "ta"
    );
    // The bulk result's id/ps sit before uid/key/num: never absent there
    // (without them the line is two short; the first missing is `key`).
    let err = decode_csv::<BulkPaymentResult>(
        b"30486154,1,000306,,30485311,,1000,0,0,1000,012345,vnpjBycDO5,1",
        Charset::Utf8,
        false,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed(MalformedResponse::MissingColumns { missing: "key", .. })
        ),
        "{err:?}"
    );
}

#[test]
fn direct_answer_to_rt0() {
    let shape = OnetouchResult::SHAPE;
    assert!(decode_direct(b"OK\r\n", Charset::Utf8, shape).is_ok());
    assert!(decode_direct(b"OK", Charset::ShiftJis, shape).is_ok());
    assert_eq!(
        decode_direct(b"ER003", Charset::Utf8, shape)
            .unwrap_err()
            .gateway_code(),
        Some(&ErrorCode::SourceIp)
    );
    let err = decode_direct(b"NG", Charset::Utf8, shape).unwrap_err();
    assert!(
        matches!(err, Error::Malformed(MalformedResponse::Direct { .. })),
        "{err:?}"
    );
    // A comma-separated result where `OK` was expected is not taken as OK.
    assert!(
        decode_direct(
            b"1095729,1,TestMod,,205685,,1000,2,4,1006,,",
            Charset::Utf8,
            shape
        )
        .is_err()
    );
    let reply = decode_payment::<OnetouchResult>(b"OK", Charset::Utf8, true, false).unwrap();
    assert_eq!(reply, PaymentReply::Accepted);
}

#[test]
fn kickback_errors_name_the_parameter() {
    let ok = "gid=1&rst=1&ap=1&ec=&god=2&cod=x&am=1&tx=0&sf=0&ta=1";
    assert!(decode_kickback::<OnetouchResult>(ok.as_bytes(), Charset::Utf8).is_ok());
    let missing = "gid=1&rst=1&ap=1&ec=&god=2&cod=x&tx=0&sf=0&ta=1";
    let err = decode_kickback::<OnetouchResult>(missing.as_bytes(), Charset::Utf8).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed answer: parameter `am` (決済金額): is missing"
    );
    let twice = format!("{ok}&gid=2");
    let err = decode_kickback::<OnetouchResult>(twice.as_bytes(), Charset::Utf8).unwrap_err();
    assert!(matches!(
        err,
        Error::Malformed(MalformedResponse::DuplicateParameter { .. })
    ));
    let bad_utf8 = format!("{ok}&memo=%82%A0");
    let err = decode_kickback::<OnetouchResult>(bad_utf8.as_bytes(), Charset::Utf8).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed(MalformedResponse::Query { index: 11, .. })
        ),
        "{err:?}"
    );
    // The same bytes are "あ" in Shift_JIS.
    let decoded =
        decode_kickback::<OnetouchResult>(bad_utf8.as_bytes(), Charset::ShiftJis).unwrap();
    assert_eq!(
        decoded.echo,
        Echo::Params(vec![("memo".into(), "あ".into())])
    );
}

#[test]
fn kickback_failures_and_echo() {
    let failed = "gid=5&rst=2&ap=&ec=G55&god=6&cod=order-9&am=1&tx=0&sf=0&ta=1&memo=a+b%0D%0Ac";
    let err = decode_kickback::<OnetouchResult>(failed.as_bytes(), Charset::Utf8).unwrap_err();
    let Error::Gateway(gateway) = err else {
        panic!()
    };
    assert_eq!(gateway.code, ErrorCode::Issuer("G55".into()));
    assert_eq!(gateway.field("cod"), Some("order-9"));
    assert_eq!(
        gateway.echo,
        Echo::Params(vec![("memo".into(), "a b\r\nc".into())])
    );
}

#[test]
fn kickback_kind_is_told_by_its_parameters() {
    let onetouch = "gid=1&rst=1&ap=1&ec=&god=2&am=1&tx=0&sf=0&ta=1";
    assert!(matches!(
        kickback::parse(onetouch.as_bytes(), Charset::Utf8),
        Ok(PaymentNotice::Onetouch(_))
    ));
    let bulk = format!("?{onetouch}&uid=u1&key=k1&num=1");
    match kickback::parse(bulk.as_bytes(), Charset::Utf8) {
        Ok(PaymentNotice::Bulk(BulkPaymentResult {
            user_id, card_seq, ..
        })) => {
            assert_eq!((user_id.as_str(), card_seq), ("u1", 1));
        }
        other => panic!("{other:?}"),
    }
    let half = format!("{onetouch}&uid=u1");
    let err = kickback::parse(half.as_bytes(), Charset::Utf8).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed(MalformedResponse::AmbiguousKickback { .. })
        ),
        "{err:?}"
    );
}
