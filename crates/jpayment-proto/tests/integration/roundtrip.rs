//! Property tests: what we encode the gateway can read back, and what the
//! gateway writes in the spec's shape we decode to the same values.

// Helpers of tests may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use jpayment_proto::response::{
    decode_csv, decode_kickback, encode_csv, encode_kickback, query_pairs,
};
use jpayment_proto::{
    BulkPaymentResult, CardDetails, Charset, Echo, Error, JobType, MaskedCardNumber,
    OnetouchCharge, OnetouchResult, Operation, OtherData, ReplyMethod, Secret, UserKey, UserRecord,
};
#[allow(unused_imports)]
use jpayment_proto::{Yen, yen};
use proptest::prelude::*;

/// Arbitrary bytes, and bytes shaped like an answer line or a kickback query (so
/// that some of them decode and the fixed-point property below is exercised).
fn answer_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..200),
        // UserRecord: rst,ec,uid,key
        2 => "[12x],(|ER[0-9]{3}),[A-Za-z0-9]{0,8},[A-Za-z0-9]{0,8}(,[a-z]{0,3})?,?(\r?\n)?"
            .prop_map(String::into_bytes),
        // OnetouchResult: gid,rst,ap,ec,god,cod,am,tx,sf,ta,id,ps, then echoes
        2 => "[0-9]{1,8},[12],[A-Za-z0-9]{0,7},(|ER[0-9]{3}),[0-9]{1,8},[A-Za-z0-9 ]{0,6},(1|2),0,0,(1|2)(,[A-Za-z0-9\"]{0,4}){0,4},?(\r?\n)?"
            .prop_map(String::into_bytes),
        // the same as a kickback query
        2 => "gid=[0-9]{1,8}&rst=[12]&ap=[A-Za-z0-9]{0,7}&ec=(|ER[0-9]{3})&god=[0-9]{1,8}&cod=[A-Za-z0-9%+]{0,6}&am=(1|2)&tx=0&sf=0&ta=(1|2)(&memo=[a-z%+C0-9]{0,4})?"
            .prop_map(String::into_bytes),
    ]
}

fn charset() -> impl Strategy<Value = Charset> {
    prop_oneof![Just(Charset::Utf8), Just(Charset::ShiftJis)]
}

/// Text Shift_JIS can hold: ASCII, kana (both widths), some kanji, and the
/// characters the guide says must be encoded.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range(' ', '~'),
            proptest::char::range('ｦ', 'ﾟ'),
            proptest::char::range('ぁ', 'ん'),
            Just('漢'),
            Just('\r'),
            Just('\n'),
            Just('&'),
            Just('='),
            Just('+'),
            Just('%'),
        ],
        0..20,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn bulk_result() -> impl Strategy<Value = BulkPaymentResult> {
    (
        (
            1u64..u64::MAX / 4,
            proptest::option::of("[A-Za-z0-9]{6,7}"),
            1u64..u64::MAX / 4,
        ),
        proptest::option::of("[A-Za-z0-9 ._ｦ-ﾟ-]{1,20}"),
        (0u64..10_000_000, 0u64..1_000_000, 0u64..100_000),
        (
            proptest::option::of("[A-Za-z0-9]{1,50}"),
            proptest::option::of("[A-Za-z0-9]{1,50}"),
        ),
        ("[A-Za-z0-9]{1,50}", "[A-Za-z0-9]{1,10}", 0u32..1000),
    )
        .prop_map(
            |((gid, ap, god), cod, (am, tx, sf), (id, ps), (uid, key, num))| BulkPaymentResult {
                payment_id: gid.to_string(),
                approval: ap,
                order_code: god.to_string(),
                order_ref: cod,
                amount: yen(am),
                tax: yen(tx),
                shipping: yen(sf),
                total: yen(am + tx + sf),
                issued_id: id,
                issued_password: ps.map(Secret::new),
                user_id: uid,
                user_key: UserKey::new(key),
                card_seq: num,
                echo: Echo::None,
            },
        )
}

proptest! {
    #[test]
    fn bulk_results_round_trip_as_csv_and_kickback(
        result in bulk_result(),
        charset in charset(),
        memo in proptest::option::of("[a-z ]{1,10}"),
    ) {
        let line = encode_csv(&result);
        let Some(bytes) = charset.encode(&line) else { return Ok(()) };
        let decoded: BulkPaymentResult = decode_csv(&bytes, charset, false).unwrap();
        prop_assert_eq!(&decoded, &result);

        let mut with_echo = result.clone();
        with_echo.echo = match memo {
            Some(m) => Echo::Params(vec![("memo".into(), m)]),
            None => Echo::None,
        };
        let query = encode_kickback(&with_echo, charset).unwrap();
        let decoded: BulkPaymentResult = decode_kickback(query.as_bytes(), charset).unwrap();
        prop_assert_eq!(decoded, with_echo);
    }

    #[test]
    fn card_details_round_trip(
        uid in "[A-Za-z0-9]{1,50}",
        mask in 10usize..13,
        last4 in "[0-9]{4}",
        yy in 0u8..100,
        mm in 1u8..13,
        first in proptest::option::of("[A-Z]{1,20}"),
    ) {
        let card = CardDetails {
            user_id: uid,
            user_key: UserKey::new("vnjpBycDO5"),
            card_seq: 1,
            card_number: MaskedCardNumber::parse(&format!("{}{last4}", "*".repeat(mask))).unwrap(),
            expiry: format!("{yy:02}{mm:02}"),
            first_name: first,
            last_name: Some("YAMADA".into()),
            echo: Echo::None,
        };
        let decoded: CardDetails = decode_csv(encode_csv(&card).as_bytes(), Charset::Utf8, false).unwrap();
        prop_assert_eq!(decoded, card);
    }

    #[test]
    fn other_data_survives_encoding(
        pairs in proptest::collection::vec(("[a-z][a-z0-9_]{0,7}", text()), 0..5),
        charset in charset(),
    ) {
        let mut op = OnetouchCharge::new("123456", ReplyMethod::Response, "u1", "k1", 1, JobType::Auth, yen(1), yen(0), yen(0));
        let mut other = OtherData::new();
        for (name, value) in &pairs {
            other.push(format!("x{name}"), value.clone());
        }
        op.other = other.clone();
        let query = match op.encode(charset) {
            Ok(q) => q,
            // Only the size limit may refuse these values.
            Err(e) => { prop_assert_eq!(e.field, "other"); return Ok(()); }
        };
        prop_assert!(query.bytes().all(|b| b.is_ascii_graphic()), "{}", query);
        let decoded = query_pairs(query.as_bytes(), charset).unwrap();
        let sent: Vec<(String, String)> = other.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        let echoed: Vec<(String, String)> = decoded.into_iter().filter(|(k, _)| k.starts_with('x')).collect();
        prop_assert_eq!(echoed, sent);
    }

    #[test]
    fn csv_lines_decode_to_their_values(
        uid in "[A-Za-z0-9]{1,50}",
        key in "[A-Za-z0-9]{1,10}",
        echo in "[^\r\n]{0,30}",
        trailing_comma in any::<bool>(),
        crlf in any::<bool>(),
        charset in charset(),
    ) {
        let mut line = format!("1,,{uid},{key}");
        if !echo.is_empty() {
            line.push(',');
            line.push_str(&echo);
        } else if trailing_comma {
            line.push(',');
        }
        if crlf {
            line.push_str("\r\n");
        }
        let Some(bytes) = charset.encode(&line) else { return Ok(()) };
        // Shift_JIS writes both `¥` and `\` as 0x5C and reads 0x5C back as
        // `\` (WHATWG): text that does not survive the charset itself is
        // not this decoder's to preserve.
        if charset.decode(&bytes).ok().as_deref() != Some(line.as_str()) {
            return Ok(());
        }
        let record: UserRecord = decode_csv(&bytes, charset, true).unwrap();
        prop_assert_eq!(record.user_id, uid);
        prop_assert_eq!(record.user_key.expose_secret(), key.as_str());
        let expected = if echo.is_empty() { Echo::None } else { Echo::Line(echo) };
        prop_assert_eq!(record.echo, expected);
    }

    #[test]
    fn payment_results_decode_or_fail_but_never_shift(
        gid in 1u64..u64::MAX / 4,
        am in 0u64..10_000_000,
        tx in 0u64..1_000_000,
        sf in 0u64..100_000,
        cod in "[A-Za-z0-9 ._-]{0,20}",
        drop in 0usize..13,
    ) {
        let ta = am + tx + sf;
        let columns = [
            gid.to_string(), "1".into(), "A12345".into(), String::new(), "205685".into(), cod.clone(),
            am.to_string(), tx.to_string(), sf.to_string(), ta.to_string(), String::new(), String::new(),
        ];
        let full = columns.join(",");
        let result: OnetouchResult = decode_csv(full.as_bytes(), Charset::Utf8, false).unwrap();
        prop_assert_eq!(result.payment_id, gid.to_string());
        prop_assert_eq!((result.amount, result.tax, result.shipping, result.total), (yen(am), yen(tx), yen(sf), yen(ta)));
        prop_assert_eq!(result.order_ref.unwrap_or_default(), cod);
        // Drop any one column: never a success, except the empty trailing
        // `id`/`ps`, which the live gateway leaves out (spec decision 16):
        // then the very same result.
        if drop < columns.len() {
            let mut short = columns.to_vec();
            short.remove(drop);
            let decoded = decode_csv::<OnetouchResult>(short.join(",").as_bytes(), Charset::Utf8, false);
            if drop >= 10 {
                let full: OnetouchResult = decode_csv(full.as_bytes(), Charset::Utf8, false).unwrap();
                prop_assert_eq!(decoded.unwrap(), full);
            } else {
                prop_assert!(matches!(decoded, Err(Error::Malformed(_))), "{:?}", decoded);
            }
        }
    }

    /// Arbitrary bytes never panic, and whatever they decode to is a fixed point: the
    /// value encoded again and decoded again is the same value (nothing read from an
    /// answer or a kickback is lost or changed by the way back).
    #[test]
    fn arbitrary_bytes_never_panic(bytes in answer_like_bytes(), charset in charset()) {
        if let Ok(user) = decode_csv::<UserRecord>(&bytes, charset, false) {
            let again = decode_csv::<UserRecord>(encode_csv(&user).as_bytes(), Charset::Utf8, false);
            prop_assert_eq!(again.unwrap(), user);
        }
        if let Ok(result) = decode_csv::<OnetouchResult>(&bytes, charset, true) {
            let again = decode_csv::<OnetouchResult>(encode_csv(&result).as_bytes(), Charset::Utf8, true);
            prop_assert_eq!(again.unwrap(), result);
        }
        if let Ok(kickback) = decode_kickback::<OnetouchResult>(&bytes, charset) {
            let query = encode_kickback(&kickback, charset).unwrap();
            prop_assert_eq!(decode_kickback::<OnetouchResult>(query.as_bytes(), charset).unwrap(), kickback);
        }
    }
}
