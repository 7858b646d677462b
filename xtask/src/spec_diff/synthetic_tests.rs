//! Every gateway's spec-diff on a synthetic change of each class: the real
//! spec folder against a copy changed in one place per class, classified,
//! rendered (snapshot) and in the right section of the report.

use serde_json::{Value, json};

use super::{Class, Format, Report, diff, side};

fn root() -> std::path::PathBuf {
    crate::workspace_root().unwrap()
}

/// The report of `dir` against itself changed by `change` (spec, testing).
fn report(dir: &str, change: impl Fn(&mut Value, &mut Option<Value>)) -> Report {
    let path = root().join(dir);
    let dialect = super::Dialect::of(&path).unwrap();
    let old = side(&path, dir, dialect).unwrap();
    let mut new = old.clone();
    new.label = format!("{dir}+synthetic");
    change(&mut new.spec, &mut new.testing);
    diff(dialect, old, new)
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

/// `needle` is a change of `class`, and the Markdown lists it under that
/// class's heading.
fn assert_class(report: &Report, class: Class, needle: &str) {
    let found: Vec<&super::Change> = report
        .changes
        .iter()
        .filter(|c| c.text.contains(needle))
        .collect();
    assert!(
        !found.is_empty(),
        "no change mentions {needle:?}: {:#?}",
        report.changes
    );
    assert!(
        found.iter().all(|c| c.class == class),
        "{needle:?}: {found:#?}"
    );
    let markdown = report.render(Format::Markdown).unwrap();
    let heading = markdown.find(&format!("## {}\n", class.title())).unwrap();
    let next = markdown[heading + 3..]
        .find("\n## ")
        .map_or(markdown.len(), |i| heading + 3 + i);
    assert!(
        markdown[heading..next].contains(needle),
        "{needle:?} not under {}",
        class.title()
    );
}

/// Breaking changes come first, the merchant's steps last; JSON has the same changes.
fn assert_shape(report: &Report) {
    let markdown = report.render(Format::Markdown).unwrap();
    let order: Vec<usize> = [
        "## Breaking for callers",
        "## Breaking for integrations",
        "## Additive",
        "## Documentation only",
        "## What a merchant must do",
    ]
    .iter()
    .map(|h| markdown.find(h).unwrap_or_else(|| panic!("no {h}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let json: Value = serde_json::from_str(&report.render(Format::Json).unwrap()).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), report.changes.len());
    let class = |c: &Value| serde_json::from_value::<Class>(c["class"].clone()).unwrap();
    let classes: Vec<Class> = changes.iter().map(class).collect();
    assert!(
        classes.windows(2).all(|w| w[0] <= w[1]),
        "JSON lists breaking changes first"
    );
    for class in Class::ALL {
        let key = serde_json::to_value(class).unwrap();
        assert_eq!(
            json["summary"][key.as_str().unwrap()],
            json!(report.of(class).count())
        );
    }
}

#[test]
fn unified_synthetic_change_of_each_class() {
    let report = report("specs/unified/1.1.3", |spec, testing| {
        // Callers: a limit tightened.
        *at(
            spec,
            "/components/schemas/RequestTransaction/properties/merchantRequestKey1/maxLength",
        ) = json!(50);
        // Integrations: a result code's action changed; a test table changed.
        *at(spec, "/x-resultCodes/0/actionCode") = json!("inquiry_support");
        at(testing.as_mut().unwrap(), "")
            .as_object_mut()
            .unwrap()
            .insert("syntheticTable".into(), json!([1]));
        // Additive: an optional field.
        at(spec, "/components/schemas/RequestTransaction/properties")
            .as_object_mut()
            .unwrap()
            .insert("syntheticField".into(), json!({"type": "string"}));
    });
    assert_class(
        &report,
        Class::BreakingForCallers,
        "merchantRequestKey1: maxLength: `100` → `50`",
    );
    assert_class(
        &report,
        Class::BreakingForIntegrations,
        "actionCode: `success` → `inquiry_support`",
    );
    assert_class(
        &report,
        Class::BreakingForIntegrations,
        "syntheticTable added",
    );
    assert_class(&report, Class::Additive, "syntheticField: **field added**");
    assert_shape(&report);
    insta::assert_snapshot!(report.render(Format::Markdown).unwrap());
}

#[test]
fn pop_synthetic_change_of_each_class() {
    let report = report("specs/pop/1.8.1", |spec, _| {
        // Callers: a field newly required, a limit tightened.
        *at(
            spec,
            "/components/schemas/PaymentKeyRequest/properties/order_id/maxLength",
        ) = json!(50);
        at(spec, "/components/schemas/PaymentKeyRequest/required")
            .as_array_mut()
            .unwrap()
            .push(json!("success_url"));
        // Integrations: a host change; a result code's phase.
        *at(spec, "/servers/0/url") = json!("https://pay4.veritrans.co.jp");
        *at(spec, "/components/schemas/ResultCode/x-resultCodes/0/phase") = json!("payment");
        // Additive: a new result code.
        at(spec, "/components/schemas/ResultCode/x-resultCodes")
            .as_array_mut()
            .unwrap()
            .push(json!({"code": "R999", "phase": "common", "description": "Synthetic"}));
    });
    assert_class(
        &report,
        Class::BreakingForCallers,
        "order_id: maxLength: `100` → `50`",
    );
    assert_class(
        &report,
        Class::BreakingForCallers,
        "success_url: now required",
    );
    assert_class(
        &report,
        Class::BreakingForIntegrations,
        "**removed** `https://pay3.veritrans.co.jp`",
    );
    assert_class(
        &report,
        Class::BreakingForIntegrations,
        "phase: `common` → `payment`",
    );
    assert_class(&report, Class::Additive, "**added** `R999`");
    assert_shape(&report);
    insta::assert_snapshot!(report.render(Format::Markdown).unwrap());
}

#[test]
fn mpi_synthetic_change_of_each_class() {
    let report = report("specs/mpi", |spec, _| {
        // Callers: a card code (an enum variant) removed.
        at(spec, "/x-cardCodes").as_array_mut().unwrap().pop();
        // Integrations: what a 3-D Secure code means for shipping.
        let outcome = at(spec, "/x-threeDSecureCodes/0/outcome");
        *outcome = json!(format!("{}-synthetic", outcome.as_str().unwrap()));
        // Additive: a new field in the search answer.
        at(spec, "/components/schemas/SearchResponse/properties")
            .as_object_mut()
            .unwrap()
            .insert("synthetic_field".into(), json!({"type": "string"}));
    });
    assert_class(&report, Class::BreakingForCallers, "x-cardCodes[code=");
    assert_class(&report, Class::BreakingForIntegrations, "-synthetic`");
    assert_class(&report, Class::Additive, "synthetic_field: **field added**");
    assert_shape(&report);
    insta::assert_snapshot!(report.render(Format::Markdown).unwrap());
}

#[test]
fn jpayment_synthetic_change_of_each_class() {
    let report = report("specs/jpayment", |spec, _| {
        // Callers: a result code removed; a field's limit tightened.
        at(spec, "/result_codes")
            .as_array_mut()
            .unwrap()
            .retain(|r| r["code"] != "ER010");
        *at(spec, "/fields/uid/format/alnum/max") = json!(40);
        // Integrations: the gateway's address.
        *at(spec, "/base_url") = json!("https://credit2.j-payment.co.jp/gateway/");
        // Additive: a new result code.
        at(spec, "/result_codes")
            .as_array_mut()
            .unwrap()
            .push(json!({"code": "ER998", "variant": "Synthetic", "label": "合成", "description": "Synthetic", "source": "public"}));
    });
    assert_class(
        &report,
        Class::BreakingForCallers,
        "result_codes[code=ER010] removed",
    );
    assert_class(
        &report,
        Class::BreakingForCallers,
        "fields.uid.format.alnum.max: `50` → `40`",
    );
    assert_class(
        &report,
        Class::BreakingForIntegrations,
        "base_url: `https://credit.j-payment.co.jp/gateway/`",
    );
    assert_class(&report, Class::Additive, "result_codes[code=ER998] added");
    assert_shape(&report);
    insta::assert_snapshot!(report.render(Format::Markdown).unwrap());
}

#[test]
fn identical_specs_have_no_changes() {
    let report = report("specs/unified/1.1.1-rc", |_, _| {});
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    let markdown = report.render(Format::Markdown).unwrap();
    assert!(markdown.contains("| Breaking for callers | 0 |"));
    assert!(markdown.contains("1. Nothing: the two specs state the same facts."));
}

#[test]
fn dialects_must_match() {
    let root = root();
    let err = super::diff_dirs(
        &root.join("specs/mpi"),
        &root.join("specs/jpayment"),
        "specs/mpi",
        "specs/jpayment",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("specs/mpi holds openapi.yaml but specs/jpayment holds jpayment.yaml"),
        "{err}"
    );
}
