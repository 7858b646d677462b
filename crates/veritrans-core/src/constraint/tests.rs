//! One table row per rule kind, each shown to accept one body and reject
//! another with the expected kind, path and code.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use time::macros::date;

use super::*;

const DIGITS: Charset = Charset {
    name: "digits",
    pattern: "^[0-9]+$",
    negated: false,
    ranges: &[('0', '9')],
};

const NO_CONTROLS: Charset = Charset {
    name: "no control characters",
    pattern: "^[^\\x00-\\x1F\\x7F]*$",
    negated: true,
    ranges: &[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')],
};

const fn text(text: Text) -> Check<&'static str> {
    Check::Text(text)
}

const ITEM: &Object<&str> = &Object {
    name: "Item",
    fields: &[
        Field {
            name: "id",
            required: true,
            code: Some("ID"),
            check: text(Text::ANY),
        },
        Field {
            name: "price",
            required: true,
            code: Some("PRICE"),
            check: Check::Integer {
                min: None,
                max: None,
            },
        },
        Field {
            name: "quantity",
            required: true,
            code: Some("QTY"),
            check: Check::Integer {
                min: Some(1),
                max: None,
            },
        },
    ],
    rules: &[],
};

const INNER: &Object<&str> = &Object {
    name: "Inner",
    fields: &[Field {
        name: "code",
        required: true,
        code: Some("INNER"),
        check: text(Text {
            max_len: Some(2),
            ..Text::ANY
        }),
    }],
    rules: &[],
};

/// Every kind of row and rule, each field with its own code.
const BODY: &Object<&str> = &Object {
    name: "Body",
    fields: &[
        Field {
            name: "min",
            required: false,
            code: Some("MIN"),
            check: text(Text {
                min_len: 2,
                ..Text::ANY
            }),
        },
        Field {
            name: "max",
            required: false,
            code: Some("MAX"),
            check: text(Text {
                max_len: Some(3),
                ..Text::ANY
            }),
        },
        Field {
            name: "digits",
            required: false,
            code: Some("DIGITS"),
            check: text(Text {
                charset: Some(DIGITS),
                ..Text::ANY
            }),
        },
        Field {
            name: "printable",
            required: false,
            code: Some("PRINTABLE"),
            check: text(Text {
                charset: Some(NO_CONTROLS),
                ..Text::ANY
            }),
        },
        Field {
            name: "url",
            required: false,
            code: Some("URL"),
            check: text(Text {
                format: Some(Format::Url),
                ..Text::ANY
            }),
        },
        Field {
            name: "email",
            required: false,
            code: Some("EMAIL"),
            check: text(Text {
                format: Some(Format::Email),
                ..Text::ANY
            }),
        },
        Field {
            name: "time",
            required: false,
            code: Some("TIME"),
            check: text(Text {
                format: Some(Format::Hhmm),
                ..Text::ANY
            }),
        },
        Field {
            name: "date",
            required: false,
            code: Some("DATE"),
            check: text(Text {
                format: Some(Format::Yyyymmdd),
                max_days_ahead: Some(60),
                ..Text::ANY
            }),
        },
        Field {
            name: "count",
            required: false,
            code: Some("COUNT"),
            check: Check::Integer {
                min: Some(1),
                max: Some(99),
            },
        },
        Field {
            name: "flag",
            required: false,
            code: Some("FLAG"),
            check: Check::Boolean,
        },
        Field {
            name: "kind",
            required: false,
            code: Some("KIND"),
            check: Check::Known(&["card", "cvs"]),
        },
        Field {
            name: "kinds",
            required: false,
            code: Some("KINDS"),
            check: Check::KnownList {
                known: &["card", "cvs"],
                unique: Some("KINDS_TWICE"),
            },
        },
        Field {
            name: "inner",
            required: false,
            code: None,
            check: Check::Object(INNER),
        },
        Field {
            name: "items",
            required: false,
            code: None,
            check: Check::ObjectList {
                item: ITEM,
                unique_by: Some(("id", "ITEM_TWICE")),
            },
        },
        Field {
            name: "total",
            required: false,
            code: Some("TOTAL"),
            check: Check::Integer {
                min: None,
                max: None,
            },
        },
        Field {
            name: "shipping",
            required: false,
            code: Some("SHIPPING"),
            check: Check::Integer {
                min: None,
                max: None,
            },
        },
        Field {
            name: "a",
            required: false,
            code: Some("A"),
            check: text(Text::ANY),
        },
        Field {
            name: "b",
            required: false,
            code: Some("B"),
            check: text(Text::ANY),
        },
        Field {
            name: "needed",
            required: true,
            code: Some("NEEDED"),
            check: text(Text::ANY),
        },
    ],
    rules: &[
        CrossRule::Exclusive {
            first: "a",
            second: "b",
            code: "A_AND_B",
        },
        CrossRule::Requires {
            field: "b",
            requires: "kind",
            code: "B_WITHOUT_KIND",
        },
        CrossRule::ForbiddenWhen {
            field: "a",
            when: "flag",
            equals: true,
            code: "A_WHEN_FLAG",
        },
        CrossRule::Sum {
            total: "total",
            items: "items",
            plus: "shipping",
            price: "price",
            quantity: "quantity",
            code: "SUM",
        },
    ],
};

const TODAY: time::Date = date!(2026 - 01 - 10);

/// The body `{"needed": "x"}` plus `extra`.
fn body(extra: Value) -> serde_json::Map<String, Value> {
    let mut body = json!({"needed": "x"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body.as_object().unwrap().clone()
}

fn broken(extra: Value) -> Vec<(String, Kind, &'static str)> {
    let found = check(BODY, &body(extra), Some(TODAY));
    found
        .into_iter()
        .map(|b| (b.path, b.kind, b.code))
        .collect()
}

#[test]
fn every_rule_kind_accepts_and_rejects() {
    let items = |a: (&str, i64, i64), b: (&str, i64, i64)| json!([{"id": a.0, "price": a.1, "quantity": a.2}, {"id": b.0, "price": b.1, "quantity": b.2}]);
    #[rustfmt::skip]
    let rows: Vec<(Value, Value, &str, Kind, &str)> = vec![
        // accepted, rejected, path, kind, code
        (json!({"min": "ab"}), json!({"min": "a"}), "min", Kind::MinLength(2), "MIN"),
        (json!({"max": "abc"}), json!({"max": "abcd"}), "max", Kind::MaxLength(3), "MAX"),
        (json!({"max": "日本語"}), json!({"max": "日本語!"}), "max", Kind::MaxLength(3), "MAX"),
        (json!({"digits": "0123"}), json!({"digits": "01a3"}), "digits", Kind::Charset(DIGITS), "DIGITS"),
        (json!({"printable": "a b"}), json!({"printable": "a\tb"}), "printable", Kind::Charset(NO_CONTROLS), "PRINTABLE"),
        (json!({"url": "https://example.com/a"}), json!({"url": "/a"}), "url", Kind::Format(Format::Url), "URL"),
        (json!({"email": "a@example.com"}), json!({"email": "a@b"}), "email", Kind::Format(Format::Email), "EMAIL"),
        (json!({"time": "2359"}), json!({"time": "2400"}), "time", Kind::Format(Format::Hhmm), "TIME"),
        (json!({"date": "20260311"}), json!({"date": "20260230"}), "date", Kind::Format(Format::Yyyymmdd), "DATE"),
        (json!({"date": "20260311"}), json!({"date": "20260312"}), "date", Kind::MaxDaysAhead(60), "DATE"),
        (json!({"date": "20260110"}), json!({"date": "20260109"}), "date", Kind::Past, "DATE"),
        (json!({"count": 1}), json!({"count": 0}), "count", Kind::Minimum(1), "COUNT"),
        (json!({"count": 99}), json!({"count": 100}), "count", Kind::Maximum(99), "COUNT"),
        (json!({"kind": "cvs"}), json!({"kind": "bank"}), "kind", Kind::UnknownValue, "KIND"),
        (json!({"kinds": ["card", "cvs"]}), json!({"kinds": ["card", "bank"]}), "kinds[1]", Kind::UnknownValue, "KINDS"),
        (json!({"kinds": ["card", "cvs"]}), json!({"kinds": ["cvs", "cvs"]}), "kinds[1]", Kind::Duplicate { by: None }, "KINDS_TWICE"),
        (json!({"inner": {"code": "ab"}}), json!({"inner": {"code": "abc"}}), "inner.code", Kind::MaxLength(2), "INNER"),
        (json!({"items": items(("1", 1, 1), ("2", 1, 1))}), json!({"items": items(("1", 1, 1), ("2", 1, 0))}), "items[1].quantity", Kind::Minimum(1), "QTY"),
        (json!({"items": items(("1", 1, 1), ("2", 1, 1))}), json!({"items": items(("1", 1, 1), ("1", 1, 1))}), "items[1].id", Kind::Duplicate { by: Some("id") }, "ITEM_TWICE"),
        (json!({"a": "x"}), json!({"a": "x", "b": "y", "kind": "card"}), "b", Kind::Exclusive { with: "a" }, "A_AND_B"),
        (json!({"b": "y", "kind": "card"}), json!({"b": "y"}), "b", Kind::Requires { field: "kind" }, "B_WITHOUT_KIND"),
        (json!({"a": "x", "flag": false}), json!({"a": "x", "flag": true}), "a", Kind::ForbiddenWhen { field: "flag", equals: true }, "A_WHEN_FLAG"),
        (json!({"total": 25, "shipping": 5, "items": items(("1", 5, 2), ("2", 10, 1))}),
         json!({"total": 20, "shipping": 5, "items": items(("1", 5, 2), ("2", 10, 1))}),
         "total", Kind::Sum { expected: Some(25) }, "SUM"),
        (json!({"total": 20, "items": items(("1", 5, 2), ("2", 10, 1))}),
         json!({"total": 20, "items": items(("1", i64::MAX, 2), ("2", 10, 1))}),
         "total", Kind::Sum { expected: None }, "SUM"),
    ];
    assert!(broken(json!({})).is_empty(), "the base body is valid");
    for (accepted, rejected, path, kind, code) in rows {
        assert_eq!(broken(accepted.clone()), [], "{accepted} is accepted");
        let found = broken(rejected.clone());
        assert_eq!(found, [(path.to_string(), kind, code)], "{rejected}");
    }
}

#[test]
fn dates_are_measured_only_when_a_date_is_given() {
    let late = body(json!({"date": "20991231"}));
    assert!(check(BODY, &late, None).is_empty());
    assert_eq!(
        check(BODY, &late, Some(TODAY))[0].kind,
        Kind::MaxDaysAhead(60)
    );
}

#[test]
fn every_violation_is_reported_in_table_order() {
    let found = broken(json!({"min": "a", "max": "abcd", "count": 0, "a": "x", "b": "y"}));
    let paths: Vec<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["min", "max", "count", "b", "b"]);
}

#[test]
fn the_shape_is_checked_before_the_values() {
    const CODES: ShapeCodes<&str> = ShapeCodes {
        missing: "MISSING",
        untyped: "UNTYPED",
    };
    let shape = |value: Value| {
        let mut value = value;
        let result = check_shape(BODY, value.as_object_mut().unwrap(), "", &CODES);
        (result.map_err(|b| (b.path, b.kind, b.code)), value)
    };
    let json_type = |expected| Kind::JsonType { expected };
    #[rustfmt::skip]
    let rows: Vec<(Value, (&str, Kind, &str))> = vec![
        (json!({}), ("needed", Kind::Missing, "MISSING")),
        (json!({"needed": null}), ("needed", Kind::Missing, "MISSING")),
        (json!({"needed": 1}), ("needed", json_type("string"), "NEEDED")),
        (json!({"needed": "x", "count": "1"}), ("count", json_type("integer"), "COUNT")),
        (json!({"needed": "x", "count": 1.5}), ("count", json_type("integer"), "COUNT")),
        (json!({"needed": "x", "flag": "true"}), ("flag", json_type("boolean"), "FLAG")),
        (json!({"needed": "x", "kinds": ["card", 1]}), ("kinds[1]", json_type("string"), "KINDS")),
        (json!({"needed": "x", "inner": []}), ("inner", json_type("object"), "UNTYPED")),
        (json!({"needed": "x", "inner": {}}), ("inner.code", Kind::Missing, "MISSING")),
        (json!({"needed": "x", "items": {}}), ("items", json_type("array of objects"), "UNTYPED")),
        (json!({"needed": "x", "items": [1]}), ("items[0]", json_type("object"), "UNTYPED")),
        (json!({"needed": "x", "items": [{"id": "1", "price": 1}]}), ("items[0].quantity", Kind::Missing, "MISSING")),
    ];
    for (value, expected) in rows {
        let (result, _) = shape(value.clone());
        let (path, kind, code) = expected;
        assert_eq!(result, Err((path.to_string(), kind, code)), "{value}");
    }
    let (result, cleaned) = shape(json!({"needed": "x", "count": null, "unknown": null}));
    assert_eq!(result, Ok(()));
    assert_eq!(
        cleaned,
        json!({"needed": "x", "unknown": null}),
        "known nulls are dropped"
    );
}
