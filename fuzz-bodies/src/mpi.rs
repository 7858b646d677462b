//! `mpi-proto`: the search answer, the push, the redirect.

use mpi_proto::{
    Decision, Error, MpiServerKey, Push, RedirectParameters, SearchResponse, ServiceOptionType,
    testing,
};

use crate::frame::first_line;
use crate::keys;

fn options() -> Vec<ServiceOptionType> {
    let mut all = ServiceOptionType::KNOWN.to_vec();
    all.push(ServiceOptionType::from("mpi-unknown"));
    all
}

/// `SearchResponse::from_json` and every reading of it, and its serialisation parses back
/// to the same value.
pub fn search(data: &[u8]) {
    let Ok(search) = SearchResponse::from_json(data) else {
        return;
    };
    let _ = search.ensure_succeeded();
    let _ = search.ensure_order("TESTB001");
    let _ = search.search_result_code();
    let _ = search.latest_transaction();
    if let Ok(transactions) = search.transactions() {
        for t in transactions {
            let _ = t.datetime();
        }
    }
    for option in options() {
        let _ = search.decide(&option);
        let _ = Decision::from_search(&option, &search);
    }
    if let Ok(json) = serde_json::to_vec(&search) {
        let again = serde_json::from_slice::<SearchResponse>(&json);
        assert_eq!(again.as_ref().ok(), Some(&search), "search round trip");
    }
}

/// `Push::verify_and_parse`: first line the `Authorization` value, the rest the body; then
/// the body with the header the gateway would send, so the parsing behind the check runs.
pub fn push(data: &[u8]) {
    let (header, body) = first_line(data);
    let key: MpiServerKey = keys::mpi();
    let _ = Push::verify_and_parse(body, &String::from_utf8_lossy(header), &key);
    let signed = testing::push_authorization(body, &key);
    let result = Push::verify_and_parse(body, &signed, &key);
    if !body.is_empty() {
        assert!(
            !matches!(result, Err(Error::Signature(_))),
            "a push signed with the key is refused at the signature: {:?}",
            result.as_ref().err()
        );
    }
    let Ok(push) = result else {
        return;
    };
    let _ = (
        push.push_id(),
        push.push_time(),
        push.validate(),
        push.notification(),
    );
    for data in push.data() {
        let _ = (data.vresult_code(), data.card_status(), data.validate());
        for option in options() {
            let _ = data.decide(&option);
        }
    }
}

/// `RedirectParameters::from_form` (the browser's POST back to the merchant); a parsed
/// redirect serialised as a form parses back to the same value.
pub fn redirect(data: &[u8]) {
    let Ok(redirect) = RedirectParameters::from_form(data) else {
        return;
    };
    let _ = redirect.validate();
    if let Ok(form) = serde_urlencoded::to_string(&redirect) {
        let again = RedirectParameters::from_form(form.as_bytes());
        assert_eq!(again.as_ref().ok(), Some(&redirect), "redirect round trip");
    }
}
