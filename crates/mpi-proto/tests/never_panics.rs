//! Arbitrary input gives a value or a typed error, never a panic.

#![allow(clippy::unwrap_used)]

use mpi_proto::{
    Decision, MStatus, MpiServerKey, Push, RedirectParameters, SearchResponse, ServiceOptionType,
    Statuses, VResultCode, testing,
};
use proptest::prelude::*;

fn option() -> impl Strategy<Value = ServiceOptionType> {
    prop_oneof![
        Just(ServiceOptionType::MpiNone),
        Just(ServiceOptionType::MpiComplete),
        Just(ServiceOptionType::MpiCompany),
        Just(ServiceOptionType::MpiMerchant),
        "[a-z-]{0,12}".prop_map(|s| ServiceOptionType::from(s.as_str())),
    ]
}

fn status() -> impl Strategy<Value = Option<MStatus>> {
    proptest::option::of(
        "(success|failure|pending|[a-z ]{0,5})".prop_map(|s| MStatus::from(s.as_str())),
    )
}

proptest! {
    #[test]
    fn codes_parse_or_fail_cleanly(text in "\\PC{0,20}") {
        let _ = VResultCode::parse(&text);
    }

    #[test]
    fn well_formed_codes_always_decide(
        code in "(G0|GE|[A-Z0-9]{2})[0-9]{2}(A001|0000|[A-Z0-9]{4})[A-Z0-9]{8}",
        option in option(),
        three_d_secure in status(),
        card in status(),
    ) {
        let code = VResultCode::parse(&code).unwrap();
        let decision = Decision::decide(&option, &code, &Statuses { three_d_secure, card });
        // Shipping needs a listed success code and A001.
        if decision.should_ship() {
            prop_assert_eq!(code.card_str(), "A001");
            prop_assert!(code.three_d_secure().outcome().is_some());
            prop_assert!(option.is_known());
        }
    }

    #[test]
    fn arbitrary_bodies(body in proptest::collection::vec(any::<u8>(), 0..200), header in "\\PC{0,80}") {
        let _ = SearchResponse::from_json(&body);
        let _ = RedirectParameters::from_form(&body);
        let key = MpiServerKey::new("k");
        let _ = Push::verify_and_parse(&body, &header, &key);
        // Correctly signed garbage still fails cleanly.
        let signed = testing::push_authorization(&body, &key);
        let _ = Push::verify_and_parse(&body, &signed, &key);
    }
}
