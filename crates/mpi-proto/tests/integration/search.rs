//! The guide's search sample, and search responses it does not show.

#![allow(clippy::unwrap_used)]

use mpi_proto::testing::SEARCH_SAMPLE;
use mpi_proto::{
    Decision, Error, MStatus, Outcome, ProperTransactionInfo, RiskBearer, SearchResponse,
    ServiceOptionType, Statuses, VResultCode,
};
use serde_json::{Value, json};

fn sample() -> Value {
    serde_json::from_str(SEARCH_SAMPLE).unwrap()
}

fn parse(value: &Value) -> Result<SearchResponse, Error> {
    SearchResponse::from_json(value.to_string().as_bytes())
}

#[test]
fn guide_sample_parses() {
    let search = SearchResponse::from_json(SEARCH_SAMPLE.as_bytes()).unwrap();
    insta::assert_debug_snapshot!("search_sample", search);

    let transactions = search.transactions().unwrap();
    let Some(ProperTransactionInfo::Mpi(mpi)) = &transactions[0].proper_transaction_info else {
        panic!("first transaction is the mpi one");
    };
    // `\u003d` escapes are `=`.
    assert_eq!(
        mpi.res_3d_cavv.as_deref(),
        Some("AbC1eFg2IJkl3NopQ4STU5WXYZ==")
    );
    assert_eq!(
        mpi.res_3d_transaction_id.as_deref(),
        Some("12aBcde3Fg4HiJ=Abcd1Efgh2J=")
    );
    // The discriminator is not duplicated into `extra`.
    assert!(mpi.extra.is_empty());
    assert_eq!(
        transactions[1]
            .proper_transaction_info
            .as_ref()
            .unwrap()
            .kind(),
        Some("card")
    );
    assert_eq!(transactions[0].datetime().unwrap().millisecond(), 277);
    assert_eq!(
        search.search_result_code().unwrap().three_d_secure_str(),
        "N001"
    );
    search.ensure_order("TESTB001").unwrap();
    assert!(matches!(
        search.ensure_order("TESTB002"),
        Err(Error::OrderMismatch { .. })
    ));

    // Serialising gives the same JSON (escapes aside): nothing was lost.
    assert_eq!(serde_json::to_value(&search).unwrap(), sample());
}

#[test]
fn guide_sample_decision() {
    let search = SearchResponse::from_json(SEARCH_SAMPLE.as_bytes()).unwrap();
    for option in [
        ServiceOptionType::MpiComplete,
        ServiceOptionType::MpiCompany,
        ServiceOptionType::MpiMerchant,
    ] {
        let decision = search.decide(&option).unwrap();
        assert_eq!(
            decision.outcome,
            Outcome::Paid {
                risk: Some(RiskBearer::CardCompany)
            },
            "{option}"
        );
        assert!(decision.should_ship());
    }
    // Under mpi-none a card payment cannot happen: do not trust it.
    let decision = search.decide(&ServiceOptionType::MpiNone).unwrap();
    assert!(matches!(decision.outcome, Outcome::Undetermined { .. }));
    let decision = search
        .decide(&ServiceOptionType::Unknown("mpi-new".into()))
        .unwrap();
    assert!(!decision.should_ship());
}

#[test]
fn unknown_members_and_kinds_are_kept() {
    let mut value = sample();
    value["new_top_level"] = json!({"a": 1});
    value["order_info"]["transaction_info_array"][1]["properTransactionInfo"] =
        json!({"transaction_kind": "paypay", "x": "y"});
    let search = parse(&value).unwrap();
    assert_eq!(search.extra["new_top_level"], json!({"a": 1}));
    let other = search.transactions().unwrap()[1]
        .proper_transaction_info
        .as_ref()
        .unwrap();
    assert!(matches!(other, ProperTransactionInfo::Unknown(_)));
    assert_eq!(other.kind(), Some("paypay"));
    assert_eq!(serde_json::to_value(&search).unwrap(), value);
    // Still decided (from the latest transaction), just without a card status.
    assert!(
        search
            .decide(&ServiceOptionType::MpiCompany)
            .unwrap()
            .should_ship()
    );

    value["order_info"]["transaction_info_array"][1]["properTransactionInfo"] =
        json!({"no_kind": true});
    let search = parse(&value).unwrap();
    assert_eq!(
        search.transactions().unwrap()[1]
            .proper_transaction_info
            .as_ref()
            .unwrap()
            .kind(),
        None
    );
}

#[test]
fn over_long_values_still_parse() {
    let mut value = sample();
    value["order_info"]["order_id"] = json!("x".repeat(300));
    value["mstatus"] = json!("something-new");
    let search = parse(&value).unwrap();
    assert_eq!(
        search.mstatus,
        Some(MStatus::Unknown("something-new".into()))
    );
}

#[test]
fn missing_transaction_info_array() {
    let mut value = sample();
    value["order_info"]
        .as_object_mut()
        .unwrap()
        .remove("transaction_info_array");
    let search = parse(&value).unwrap();
    let err = search.decide(&ServiceOptionType::MpiCompany).unwrap_err();
    assert_eq!(
        err.to_string(),
        "order_info.transaction_info_array: missing"
    );

    value.as_object_mut().unwrap().remove("order_info");
    let err = parse(&value)
        .unwrap()
        .decide(&ServiceOptionType::MpiCompany)
        .unwrap_err();
    assert_eq!(err.to_string(), "order_info: missing");
}

#[test]
fn failed_search_is_an_error_not_a_decision() {
    let value =
        json!({"mstatus": "failure", "code": "Q999", "status": "failure", "message": "not found"});
    let err = parse(&value)
        .unwrap()
        .decide(&ServiceOptionType::MpiCompany)
        .unwrap_err();
    assert!(matches!(err, Error::SearchFailed { .. }), "{err}");
    assert!(err.to_string().contains("Q999"), "{err}");
}

#[test]
fn bad_codes_in_a_search_name_their_path() {
    for (code, needle) in [
        ("G011A001", "must be 16 characters, got 8"),
        ("G011A0010000000000", "must be 16 characters, got 18"),
        ("g011a00100000000", "lowercase"),
    ] {
        let mut value = sample();
        value["order_info"]["transaction_info_array"][1]["vresult_code"] = json!(code);
        let err = parse(&value)
            .unwrap()
            .decide(&ServiceOptionType::MpiCompany)
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("order_info.transaction_info_array[1].vresult_code: "),
            "{text}"
        );
        assert!(text.contains(needle), "{text}");
    }
    let mut value = sample();
    value["order_info"]["transaction_info_array"][1]["vresult_code"] = json!("GX99A00100000000");
    let decision = parse(&value)
        .unwrap()
        .decide(&ServiceOptionType::MpiCompany)
        .unwrap();
    assert!(matches!(decision.outcome, Outcome::Undetermined { .. }));
}

#[test]
fn wrong_json_types_name_their_path() {
    let mut value = sample();
    value["order_info"]["transaction_info_array"][0]["amount"] = json!("100");
    let err = parse(&value).unwrap_err();
    assert!(
        matches!(&err, Error::Json { path, .. } if path == "order_info.transaction_info_array[0].amount"),
        "{err}"
    );
    assert!(matches!(
        SearchResponse::from_json(b"{"),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        SearchResponse::from_json(b"[]"),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        SearchResponse::from_json(b"{} x"),
        Err(Error::Json { .. })
    ));
}

#[test]
fn card_failure_after_3ds_success() {
    // Not in the guide's table: 3-D Secure passed, the card was declined.
    let mut value = sample();
    value["order_info"]["transaction_info_array"][0]["vresult_code"] = json!("G011AG3300000000");
    value["order_info"]["transaction_info_array"][1]["vresult_code"] = json!("G011AG3300000000");
    value["order_info"]["transaction_info_array"][1]["mstatus"] = json!("failure");
    let decision = parse(&value)
        .unwrap()
        .decide(&ServiceOptionType::MpiCompany)
        .unwrap();
    assert_eq!(decision.outcome, Outcome::CardPaymentFailed);
    assert!(!decision.should_ship());
}

/// The decision for every code of the list, under every option, as one
/// reviewed table.
#[test]
fn decision_table_snapshot() {
    let mut table = String::from("option        | vresult_code     | mstatus | outcome / action\n");
    let options = [
        ServiceOptionType::MpiNone,
        ServiceOptionType::MpiComplete,
        ServiceOptionType::MpiCompany,
        ServiceOptionType::MpiMerchant,
    ];
    let mut codes: Vec<String> = Vec::new();
    for known in mpi_proto::ThreeDSecureCode::KNOWN {
        codes.push(format!("{known}000000000000"));
        if !known.as_str().starts_with("GE") && known.as_str() != "G001" {
            codes.push(format!("{known}A00100000000"));
        }
    }
    codes.push("G011AG3300000000".to_owned()); // an undocumented card code
    codes.push("N001000000000000".to_owned()); // not a 3-D Secure code
    codes.sort();
    codes.dedup();
    for option in &options {
        for code in &codes {
            let parsed = VResultCode::parse(code).unwrap();
            let status = if code.starts_with("GE") {
                MStatus::Failure
            } else {
                MStatus::Success
            };
            let decision = Decision::decide(
                option,
                &parsed,
                &Statuses {
                    three_d_secure: Some(status.clone()),
                    card: None,
                },
            );
            table.push_str(&format!(
                "{:<13} | {code} | {:<7} | {:?} / {:?}\n",
                option.as_str(),
                status.as_str(),
                decision.outcome,
                decision.action
            ));
        }
    }
    insta::assert_snapshot!("decision_table", table);
}
