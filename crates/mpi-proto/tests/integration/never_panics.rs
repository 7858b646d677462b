//! Arbitrary input gives a value or a typed error, never a panic; and each property
//! below also states what the value or the error must be.

#![allow(clippy::unwrap_used)]

use mpi_proto::{
    Decision, Error, MStatus, MpiServerKey, Push, RedirectParameters, SearchResponse,
    ServiceOptionType, Statuses, VResultCode, testing,
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
    /// `parse` accepts exactly the 16-character codes of uppercase ASCII letters and
    /// digits ("16 uppercase half-width alphanumerics", `vresult.rs`) and keeps them
    /// unchanged; everything else is an error that says why.
    #[test]
    fn codes_parse_or_fail_cleanly(text in prop_oneof!["\\PC{0,20}", "[A-Z0-9]{16}", "[A-Za-z0-9]{15,17}"]) {
        let well_formed = text.len() == VResultCode::LEN
            && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        match VResultCode::parse(&text) {
            Ok(code) => {
                prop_assert!(well_formed, "accepted {:?}", text);
                prop_assert_eq!(code.as_str(), text.as_str());
            }
            Err(e) => {
                prop_assert!(!well_formed, "refused {:?}: {}", text, e);
                prop_assert!(!e.to_string().is_empty());
            }
        }
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

    /// Arbitrary bytes: a search answer is only ever read from well-formed JSON; redirect
    /// parameters are only ever the form's own `RequestId` and `OrderId`; a push with a
    /// header that is not its signature is refused as a signature failure (verified before
    /// parsed), and a correctly signed one is never refused for its signature.
    #[test]
    fn arbitrary_bodies(body in proptest::collection::vec(any::<u8>(), 0..200), header in "\\PC{0,80}") {
        if SearchResponse::from_json(&body).is_ok() {
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
        }
        if let Ok(redirect) = RedirectParameters::from_form(&body) {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap();
            let value = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            prop_assert_eq!(value("RequestId"), Some(redirect.request_id));
            prop_assert_eq!(value("OrderId"), Some(redirect.order_id));
        }
        let key = MpiServerKey::new("k");
        let signed = testing::push_authorization(&body, &key);
        if header != signed {
            let refused = Push::verify_and_parse(&body, &header, &key);
            prop_assert!(matches!(refused, Err(Error::Signature(_))), "{:?}", refused.map(|p| p.push_id().to_owned()));
        }
        // Correctly signed garbage passes verification, then parses or fails on its
        // content. The one exception: an empty body is refused before its signature is
        // looked at (there is nothing to verify), and that refusal is a signature error.
        let refused_for_signature = matches!(
            Push::verify_and_parse(&body, &signed, &key),
            Err(Error::Signature(_))
        );
        prop_assert_eq!(refused_for_signature, body.is_empty());
    }
}
