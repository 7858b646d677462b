//! The committed 1.1.1 RC → 1.1.3 report: it names every item of the
//! guide's revision history, lists its breaking changes first, and the
//! copy in `docs/` is current.

use std::path::Path;

use super::{Format, diff_dirs};

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

const OLD: &str = "specs/unified/1.1.1-rc";
const NEW: &str = "specs/unified/1.1.3";
const DOC: &str = "docs/unified-spec-diff-1.1.1-rc-to-1.1.3.md";

fn report() -> String {
    let report = diff_dirs(&root().join(OLD), &root().join(NEW), OLD, NEW).unwrap();
    report.render(Format::Markdown).unwrap()
}

#[test]
fn unified_1_1_1_rc_to_1_1_3() {
    let report = report();
    // What the revision history of 1.1.2 RC and 1.1.3 says changed.
    for needle in [
        "**added** `UA-CST-004`",
        "**added** `UA-PND-002`",
        "**added** `UA-PND-003`",
        "**removed scheme** `hmacAuth`",
        "**removed** `https://api.unified.veritrans.co.jp`",
        "**removed** `https://api.sandbox.unified.veritrans.co.jp`",
        "`PayOrder`.amount: x-payTypeLimits.au.maxDigits: `12` → `7`",
        "`PayOrder`.amount: x-payTypeLimits.docomo.maxDigits: `12` → `8`",
        "`PayAuInstrument`.paymentAuthenticationType: **field added**",
    ] {
        assert!(report.contains(needle), "missing {needle}\n{report}");
    }
    // Breaking changes first: the tightened amounts (callers), then the
    // removed hosts and HMAC authentication (integrations), then the rest.
    let at = |needle: &str| report.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let callers = at("## Breaking for callers");
    let integrations = at("## Breaking for integrations");
    let additive = at("## Additive");
    let amount = at("`PayOrder`.amount: x-payTypeLimits.au.maxDigits: `12` → `7`");
    let hmac = at("**removed scheme** `hmacAuth`");
    let host = at("**removed** `https://api.unified.veritrans.co.jp`");
    let new_code = at("**added** `UA-CST-004`");
    assert!(
        callers < amount && amount < integrations,
        "the amount limits are breaking for callers"
    );
    assert!(
        integrations < hmac && hmac < additive && host < additive,
        "hosts and auth are breaking for integrations"
    );
    assert!(additive < new_code, "a new code is additive");
    insta::assert_snapshot!(report);
}

/// Where the items the specs cannot express are explained.
const HISTORY_DOC: &str = "docs/unified-revision-history.md";

/// The 1.1.3 guide's revision history, entries 1.1.3 and 1.1.2 RC, one row
/// per item: its label (as `docs/unified-revision-history.md` names it) and
/// what the report must say. An empty list means the specs cannot express
/// the item; the doc must then say why.
const REVISION_HISTORY: &[(&str, &[&str])] = &[
    ("1.1.3 #1 UA-CST-004 added", &["**added** `UA-CST-004`"]),
    (
        "1.1.3 #2 UA-PND-001 description changed",
        &[
            "changed `UA-PND-001`: description: `Payment status unknown (pending)` → `Payment status unsettled (internal communication error)`",
        ],
    ),
    (
        "1.1.3 #2 UA-PND-002 and UA-PND-003 added",
        &["**added** `UA-PND-002`", "**added** `UA-PND-003`"],
    ),
    (
        "1.1.3 #2 merchant support for confirm_pending_status",
        &["changed `confirm_pending_status`: description"],
    ),
    ("1.1.3 #2 Testing: where UA-PND-001 is returned", &[]),
    (
        "1.1.3 #3 About Subsequent Processing",
        &["+Subsequent processing (About API, \"About Subsequent Processing\")"],
    ),
    (
        "1.1.3 #4 Payment Method: note on On-Demand payment",
        &["Payment Method, note 1"],
    ),
    (
        "1.1.3 #5 HMAC request authentication deleted",
        &[
            "**removed scheme** `hmacAuth`",
            "`bearerAuth or hmacAuth` → `bearerAuth`",
        ],
    ),
    (
        "1.1.3 #6 Notice removed, only the new URLs",
        &[
            "**removed** `https://api.unified.veritrans.co.jp`",
            "**removed** `https://api.sandbox.unified.veritrans.co.jp`",
            "changed `https://api.unified.veritrans.jp`: description",
        ],
    ),
    ("1.1.3 #7 minor wording and formatting", &[]),
    (
        "1.1.2 RC #1 au Application method: Overview, Introduction, List of APIs",
        &[
            "auPAY (Online payment) Web method, auPAY (Online payment) Application method; merpay: Merpay.`",
            "List of APIs, note 3",
        ],
    ),
    (
        "1.1.2 RC #1 merchant.storeId and merchant.terminalId for au",
        &[
            "`PayMerchant`.storeId: x-payTypes: added `au`",
            "`PayMerchant`.storeId: x-payTypeLimits added",
            "`PayMerchant`.terminalId: x-payTypes: added `au`",
            "`PayMerchant`.terminalId: x-payTypeLimits added",
        ],
    ),
    (
        "1.1.2 RC #1 paymentAuthenticationType, note on loginType",
        &[
            "`PayAuInstrument`.paymentAuthenticationType: **field added**",
            "**added schema** `PaymentAuthenticationType`",
            "`LoginType`: description",
        ],
    ),
    ("1.1.2 RC #1 Testing: au Simulation Details", &[]),
    (
        "1.1.2 RC #2 order.amount digits: Payment Request",
        &[
            "`PayOrder`.amount: x-payTypeLimits.au.maxDigits: `12` → `7`",
            "`PayOrder`.amount: x-payTypeLimits.docomo.maxDigits: `12` → `8`",
        ],
    ),
    (
        "1.1.2 RC #2 order.amount digits: Cancel",
        &[
            "`CancelOrder`.amount: x-payTypeLimits.au.maxDigits: `12` → `7`",
            "`CancelOrder`.amount: x-payTypeLimits.docomo.maxDigits: `12` → `8`",
        ],
    ),
    (
        "1.1.2 RC #2 order.amount digits: On-Demand payment",
        &[
            "`ChargeOrder`.amount: x-payTypeLimits.au.maxDigits: `12` → `7`",
            "`ChargeOrder`.amount: x-payTypeLimits.docomo.maxDigits: `12` → `8`",
        ],
    ),
    (
        "1.1.2 RC #2 order.amount digits: Payment Request Change",
        &["`UpdateOrderOrder`.amount: x-payTypeLimits.au.maxDigits: `12` → `7`"],
    ),
    ("1.1.2 RC #3 minor wording and formatting", &[]),
];

#[test]
fn report_names_every_item_of_the_revision_history() {
    let report = report();
    let doc = std::fs::read_to_string(root().join(HISTORY_DOC)).unwrap_or_default();
    for (item, needles) in REVISION_HISTORY {
        assert!(doc.contains(item), "{HISTORY_DOC} does not list {item:?}");
        for needle in *needles {
            assert!(
                report.contains(needle),
                "{item}: the report lacks {needle:?}"
            );
        }
    }
}

#[test]
fn committed_doc_is_current() {
    let committed = std::fs::read_to_string(root().join(DOC)).unwrap_or_default();
    assert!(
        committed == report(),
        "{DOC} is stale: run `cargo xtask spec-diff {OLD} {NEW} > {DOC}`"
    );
}

/// `docs/upgrading.md` walks through this report: the counts it quotes per
/// class are the report's.
#[test]
fn upgrading_doc_quotes_the_report() {
    let report = diff_dirs(&root().join(OLD), &root().join(NEW), OLD, NEW).unwrap();
    let doc = std::fs::read_to_string(root().join("docs/upgrading.md")).unwrap();
    for class in super::Class::ALL {
        let quoted = format!("**{} ({})**", class.title(), report.of(class).count());
        assert!(
            doc.contains(&quoted),
            "docs/upgrading.md does not say {quoted}"
        );
    }
}
