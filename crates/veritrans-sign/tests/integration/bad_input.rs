//! Every kind of bad input is a typed error naming what was wrong — never a panic, never `Ok`.
#![allow(clippy::unwrap_used)]

use veritrans_sign::{
    Error, MAX_INPUT_LEN, MerchantAuthKey, MpiServerKey, PopServerKey, SignatureDefect, mpi, pop,
    unified,
};

fn pop_key() -> PopServerKey {
    PopServerKey::new("pop-key")
}

fn signed_pop(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [("order_id", "o1"), ("status", "success")]
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let sig = pop::sign(&params, &pop_key());
    params.push(("signature".into(), sig));
    params
}

fn with_signature(params: &[(String, String)], sig: &str) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == "signature" {
                    sig.to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

#[test]
fn pop_missing_signature() {
    let err = pop::verify(&[("order_id", "o1")], &pop_key()).unwrap_err();
    assert_eq!(
        err,
        Error::MissingParameter {
            name: "signature".into()
        }
    );
    assert!(err.to_string().contains("`signature`"));
}

#[test]
fn pop_odd_length_short_and_non_hex_signatures_are_malformed_not_mismatched() {
    let params = signed_pop(&[]);
    let good = &params.last().unwrap().1;
    let cases = [
        (
            good[..127].to_string(),
            SignatureDefect::Length {
                expected: 128,
                found: 127,
            },
        ),
        (
            good[..64].to_string(),
            SignatureDefect::Length {
                expected: 128,
                found: 64,
            },
        ),
        (
            String::new(),
            SignatureDefect::Length {
                expected: 128,
                found: 0,
            },
        ),
        (
            format!("{}g", &good[..127]),
            SignatureDefect::NonHex { position: 127 },
        ),
        (
            format!("{good}00"),
            SignatureDefect::Length {
                expected: 128,
                found: 130,
            },
        ),
    ];
    for (sig, defect) in cases {
        let err = pop::verify(&with_signature(&params, &sig), &pop_key()).unwrap_err();
        assert_eq!(
            err,
            Error::MalformedSignature {
                what: "POP signature",
                defect
            }
        );
    }
    let err = pop::verify(&with_signature(&params, &good[..127]), &pop_key()).unwrap_err();
    assert!(err.to_string().contains("odd length"), "{err}");
}

#[test]
fn pop_duplicates_are_rejected() {
    let mut params = signed_pop(&[]);
    params.push(("status".into(), "failure".into()));
    assert_eq!(
        pop::verify(&params, &pop_key()),
        Err(Error::DuplicateParameter {
            name: "status".into()
        })
    );
    let mut params = signed_pop(&[]);
    params.push(("signature".into(), "00".repeat(64)));
    assert_eq!(
        pop::verify(&params, &pop_key()),
        Err(Error::DuplicateParameter {
            name: "signature".into()
        })
    );
    assert_eq!(
        pop::form_params(b"order_id=o1&status=success&order_id=o2"),
        Err(Error::DuplicateParameter {
            name: "order_id".into()
        })
    );
}

#[test]
fn pop_form_body_errors() {
    assert_eq!(
        pop::form_params(b""),
        Err(Error::EmptyBody { what: "form body" })
    );
    assert!(
        matches!(pop::form_params(b"order_id=%E3%81"), Err(Error::InvalidUtf8 { ref what, .. }) if what.contains("order_id"))
    );
    assert!(matches!(
        pop::form_params(b"order_id=\xff\xfe"),
        Err(Error::InvalidUtf8 { .. })
    ));
    assert_eq!(
        pop::form_params(b"a=%G1"),
        Err(Error::InvalidPercentEncoding {
            what: "form body",
            position: 2
        })
    );
    let big = vec![b'a'; 3 * 1024 * 1024];
    assert_eq!(
        pop::form_params(&big),
        Err(Error::BodyTooLarge {
            what: "form body",
            len: big.len(),
            max: MAX_INPUT_LEN
        })
    );
    let huge_value = "x".repeat(MAX_INPUT_LEN);
    assert!(matches!(
        pop::verify(&[("a", huge_value.as_str()), ("signature", "")], &pop_key()),
        Err(Error::BodyTooLarge { .. })
    ));
}

#[cfg(feature = "json")]
#[test]
fn pop_json_body_errors() {
    assert_eq!(
        pop::json_params(b""),
        Err(Error::EmptyBody { what: "JSON body" })
    );
    assert!(matches!(
        pop::json_params(b"[1,2]"),
        Err(Error::NotFlatJson { .. })
    ));
    assert!(matches!(
        pop::json_params(b"\"str\""),
        Err(Error::NotFlatJson { .. })
    ));
    assert!(
        matches!(pop::json_params(br#"{"a":{"b":1}}"#), Err(Error::NotFlatJson { ref reason }) if reason.contains("`a`"))
    );
    assert!(matches!(
        pop::json_params(br#"{"a":[1]}"#),
        Err(Error::NotFlatJson { .. })
    ));
    assert!(
        matches!(pop::json_params(br#"{"a":null}"#), Err(Error::NotFlatJson { ref reason }) if reason.contains("null"))
    );
    assert_eq!(
        pop::json_params(br#"{"a":1,"a":2}"#),
        Err(Error::DuplicateParameter { name: "a".into() })
    );
    assert!(matches!(
        pop::json_params(b"{\"a\":\"\xff\"}"),
        Err(Error::InvalidUtf8 { .. })
    ));
    let err = pop::json_params(br#"{"secret-ish":"#).unwrap_err();
    assert!(matches!(err, Error::InvalidJson { .. }));
    assert!(!err.to_string().contains("secret-ish"), "{err}");
    let mut big = b"{\"a\":\"".to_vec();
    big.resize(2 * MAX_INPUT_LEN, b'x');
    assert!(matches!(
        pop::json_params(&big),
        Err(Error::BodyTooLarge { .. })
    ));
    // Escapes are decoded; numbers keep their written text.
    assert_eq!(
        pop::json_params(br#"{"n":"\u3042\"","m":1.50,"f":false}"#).unwrap(),
        vec![
            ("n".into(), "あ\"".into()),
            ("m".into(), "1.50".into()),
            ("f".into(), "false".into())
        ]
    );
}

const CCID: &str = "ccid-1";
fn auth_key() -> MerchantAuthKey {
    MerchantAuthKey::new("auth-key")
}

#[test]
fn webhook_header_strictness() {
    let body = br#"{"order":{}}"#;
    let good = unified::sign_webhook(CCID, &auth_key(), body);
    let v = good.rsplit_once("v=").unwrap().1;
    let verify = |h: &str| unified::verify_webhook(CCID, &auth_key(), h, body);

    assert_eq!(verify(&good), Ok(()));
    assert_eq!(
        verify(&format!("h=HmacSHA256;s={CCID};v={v}")),
        Err(Error::UnsupportedAlgorithm {
            found: "HmacSHA256".into(),
            expected: "HmacSHA512"
        })
    );
    for (header, field) in [
        (format!("h=HmacSHA512;s={CCID}"), "missing field `v`"),
        (format!("h=HmacSHA512;v={v}"), "missing field `s`"),
        (format!("s={CCID};v={v}"), "missing field `h`"),
        (
            format!("h=HmacSHA512;s={CCID};v={v};v={v}"),
            "duplicate field `v`",
        ),
        (
            format!("h=HmacSHA512;s={CCID};s={CCID};v={v}"),
            "duplicate field `s`",
        ),
        (format!("h=HmacSHA512;s={CCID};v{v}"), "has no `=`"),
        (String::new(), "empty"),
    ] {
        match verify(&header) {
            Err(Error::MalformedHeader {
                header: "X-VT-Content-hmac",
                reason,
            }) => assert!(reason.contains(field), "{reason}"),
            other => panic!("{header}: {other:?}"),
        }
    }
    assert_eq!(
        verify(&format!("h=HmacSHA512;s=other;v={v}")),
        Err(Error::CcidMismatch {
            expected: CCID.into(),
            found: "other".into()
        })
    );
    assert!(matches!(
        verify(&format!("h=HmacSHA512;s={CCID};v={}", &v[..127])),
        Err(Error::MalformedSignature {
            defect: SignatureDefect::Length { found: 127, .. },
            ..
        })
    ));
    assert!(matches!(
        verify(&format!("h=HmacSHA512;s={CCID};v=z{}", &v[1..])),
        Err(Error::MalformedSignature {
            defect: SignatureDefect::NonHex { position: 0 },
            ..
        })
    ));
    assert!(matches!(
        verify(&"h=".repeat(10_000)),
        Err(Error::MalformedHeader { .. })
    ));
}

#[test]
fn webhook_body_errors() {
    let key = auth_key();
    let header = unified::sign_webhook(CCID, &key, b"");
    assert_eq!(
        unified::verify_webhook(CCID, &key, &header, b""),
        Err(Error::EmptyBody {
            what: "webhook body"
        })
    );
    let big = vec![b'{'; 2 * MAX_INPUT_LEN];
    let header = unified::sign_webhook(CCID, &key, &big);
    assert!(matches!(
        unified::verify_webhook(CCID, &key, &header, &big),
        Err(Error::BodyTooLarge { .. })
    ));
    // A re-serialised body (one space more) is not the body that was signed.
    let header = unified::sign_webhook(CCID, &key, br#"{"a":1}"#);
    assert_eq!(
        unified::verify_webhook(CCID, &key, &header, br#"{"a": 1}"#),
        Err(Error::SignatureMismatch {
            what: "X-VT-Content-hmac signature"
        })
    );
}

fn signed_redirect(names_values: &[(&str, &str)]) -> Vec<(String, String)> {
    let (ap, va) = unified::sign_redirect(CCID, &auth_key(), names_values);
    let mut params: Vec<(String, String)> = names_values
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    params.dedup();
    params.push(("authParams".into(), ap));
    params.push(("vAuthInfo".into(), va));
    params
}

fn replace(params: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == name {
                    value.to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

#[test]
fn redirect_errors() {
    let key = auth_key();
    let params = signed_redirect(&[("status", "success"), ("paymentId", "p1")]);
    let verify = |p: &[(String, String)]| unified::verify_redirect(CCID, &key, p, "p1");
    assert_eq!(verify(&params), Ok(()));

    // Malformed Base64 / UTF-8 / list.
    assert!(
        matches!(verify(&replace(&params, "authParams", "!!!")), Err(Error::InvalidBase64 { ref name, .. }) if name == "authParams")
    );
    assert!(matches!(
        verify(&replace(&params, "authParams", "c3RhdHVz%2C")),
        Err(Error::InvalidBase64 { .. })
    ));
    assert!(matches!(
        verify(&replace(&params, "authParams", "//79")),
        Err(Error::InvalidUtf8 { .. })
    ));
    // "status,,paymentId"
    assert!(matches!(
        verify(&replace(&params, "authParams", "c3RhdHVzLCxwYXltZW50SWQ=")),
        Err(Error::MalformedAuthParams { .. })
    ));
    // "vAuthInfo,paymentId"
    assert!(matches!(
        verify(&replace(
            &params,
            "authParams",
            "dkF1dGhJbmZvLHBheW1lbnRJZA=="
        )),
        Err(Error::MalformedAuthParams { .. })
    ));

    // Missing and duplicate parameters.
    let without = |name: &str| {
        params
            .iter()
            .filter(|(k, _)| k != name)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        verify(&without("status")),
        Err(Error::MissingParameter {
            name: "status".into()
        })
    );
    assert_eq!(
        verify(&without("vAuthInfo")),
        Err(Error::MissingParameter {
            name: "vAuthInfo".into()
        })
    );
    assert_eq!(
        verify(&without("authParams")),
        Err(Error::MissingParameter {
            name: "authParams".into()
        })
    );
    let mut dup = params.clone();
    dup.push(("status".into(), "failure".into()));
    assert_eq!(
        verify(&dup),
        Err(Error::DuplicateParameter {
            name: "status".into()
        })
    );
    let mut dup = params.clone();
    dup.push(("vAuthInfo".into(), "00".repeat(64)));
    assert_eq!(
        verify(&dup),
        Err(Error::DuplicateParameter {
            name: "vAuthInfo".into()
        })
    );

    // Malformed and wrong vAuthInfo.
    assert!(matches!(
        verify(&replace(&params, "vAuthInfo", "abc")),
        Err(Error::MalformedSignature {
            what: "vAuthInfo",
            ..
        })
    ));
    assert_eq!(
        verify(&replace(&params, "vAuthInfo", &"00".repeat(64))),
        Err(Error::SignatureMismatch { what: "vAuthInfo" })
    );
    assert_eq!(
        verify(&replace(&params, "status", "failure")),
        Err(Error::SignatureMismatch { what: "vAuthInfo" })
    );

    // A paymentId that the signature does not cover proves nothing.
    let unsigned = signed_redirect(&[("status", "success")]);
    let mut unsigned = unsigned;
    unsigned.push(("paymentId".into(), "p1".into()));
    assert_eq!(
        verify(&unsigned),
        Err(Error::UnsignedParameter {
            name: "paymentId".into()
        })
    );

    // Too large.
    let big = "x".repeat(2 * MAX_INPUT_LEN);
    assert!(matches!(
        verify(&replace(&params, "status", &big)),
        Err(Error::BodyTooLarge { .. })
    ));
    assert!(matches!(
        unified::query_params(&big),
        Err(Error::BodyTooLarge { .. })
    ));
}

#[test]
fn query_params_decoding() {
    assert_eq!(unified::query_params("").unwrap(), vec![]);
    assert_eq!(
        unified::query_params("https://shop.example/done?a=1&b=x%20y#frag").unwrap(),
        vec![("a".into(), "1".into()), ("b".into(), "x y".into())]
    );
    assert_eq!(unified::query_params("a=1&a=2").unwrap().len(), 2);
    assert!(matches!(
        unified::query_params("a=%"),
        Err(Error::InvalidPercentEncoding {
            what: "query string",
            position: 2
        })
    ));
    assert!(matches!(
        unified::query_params("a=%C3%28"),
        Err(Error::InvalidUtf8 { .. })
    ));
}

#[test]
fn mpi_errors() {
    let key = MpiServerKey::new("mpi-key");
    let body = br#"{"push_id":"1"}"#;
    let good = mpi::authorization(body, &key);
    let hex = good.strip_prefix("Basic ").unwrap();
    assert_eq!(mpi::verify(body, &good, &key), Ok(()));
    for header in [
        hex.to_string(),
        format!("Bearer {hex}"),
        String::new(),
        "Basic".into(),
    ] {
        assert!(
            matches!(
                mpi::verify(body, &header, &key),
                Err(Error::MalformedHeader {
                    header: "Authorization",
                    ..
                })
            ),
            "{header}"
        );
    }
    assert!(matches!(
        mpi::verify(body, &format!("Basic {}", &hex[..63]), &key),
        Err(Error::MalformedSignature { .. })
    ));
    assert!(matches!(
        mpi::verify(body, &format!("Basic {}x", &hex[..63]), &key),
        Err(Error::MalformedSignature { .. })
    ));
    assert_eq!(
        mpi::verify(b"", &good, &key),
        Err(Error::EmptyBody {
            what: "MPI push body"
        })
    );
    assert_eq!(
        mpi::verify(body, &good, &MpiServerKey::new("other")),
        Err(Error::SignatureMismatch {
            what: "MPI push signature"
        })
    );
}

#[test]
fn no_error_message_contains_a_secret() {
    let secret = "TOP-SECRET-KEY-VALUE";
    let pop_key = PopServerKey::new(secret);
    let auth = MerchantAuthKey::new(secret);
    let mpi_key = MpiServerKey::new(secret);
    let errors = [
        pop::verify(&[("a", "1"), ("signature", &"0".repeat(128))], &pop_key).unwrap_err(),
        pop::verify(&[("a", "1"), ("signature", "zz")], &pop_key).unwrap_err(),
        unified::verify_webhook(
            CCID,
            &auth,
            &format!("h=HmacSHA512;s={CCID};v={}", "0".repeat(128)),
            b"{}",
        )
        .unwrap_err(),
        unified::verify_webhook(CCID, &auth, "h=x;s=y;v=z", b"{}").unwrap_err(),
        mpi::verify(b"{}", &format!("Basic {}", "0".repeat(64)), &mpi_key).unwrap_err(),
        MerchantAuthKey::with_hex_hmac_key(secret).unwrap_err(),
    ];
    for e in errors {
        assert!(!e.to_string().contains(secret), "{e}");
        assert!(!format!("{e:?}").contains(secret), "{e:?}");
    }
}
