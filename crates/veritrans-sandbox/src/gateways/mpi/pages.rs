//! The browser's pages: the authentication page standing in for the card company's
//! server, and the auto-submitting form that returns the browser to `redirection_uri`
//! with the guide's redirect parameters (written from the generated
//! `RedirectParameters`, never by name).

use mpi_proto::RedirectParameters;
use serde_json::Map;

use crate::gateways::html::escape;

use super::ACS_PATH_PREFIX;
use super::state::Txn;

/// The authentication page of a transaction waiting for the browser.
pub(super) fn acs_page(txn: &Txn) -> String {
    let expected = txn
        .verify_code
        .as_deref()
        .unwrap_or("(no verify step: the authorize result stands)");
    let scenario = txn.scenario.map_or_else(
        || "not a test card".to_owned(),
        |s| format!("row {} — {}", s.no, s.title),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>3-D Secure sandbox authentication</title></head><body>\n\
         <h1>3-D Secure sandbox authentication</h1>\n\
         <p>This page stands in for the card company's authentication server. \
         The outcome is set by the test card and the service option type \
         (the guide's scenario table), not by anything entered here.</p>\n\
         <dl><dt>Order ID</dt><dd>{order}</dd><dt>Amount</dt><dd>{amount} yen</dd>\
         <dt>Card</dt><dd>{card}</dd><dt>Service option type</dt><dd>{option}</dd>\
         <dt>Scenario</dt><dd>{scenario}</dd><dt>Verify result</dt><dd>{expected}</dd></dl>\n\
         <form method=\"post\" action=\"{action}\">\
         <button type=\"submit\">Complete authentication</button></form>\n\
         </body></html>\n",
        order = escape(&txn.order_id),
        amount = txn.amount,
        card = escape(&txn.card_masked),
        option = escape(txn.option.as_str()),
        scenario = escape(&scenario),
        expected = escape(expected),
        action = escape(&format!("{ACS_PATH_PREFIX}{}", txn.request_id)),
    )
}

/// The auto-submitting form that takes the browser back to `redirection_uri` with the
/// guide's redirect parameters; `None` only if the generated type cannot be written
/// as a form (a sandbox bug).
pub(super) fn redirect_form(txn: &Txn) -> Option<String> {
    let parameters = RedirectParameters {
        request_id: txn.request_id.clone(),
        order_id: txn.order_id.clone(),
        extra: Map::new(),
    };
    let inputs: String = parameters
        .to_pairs()
        .ok()?
        .iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(name),
                escape(value)
            )
        })
        .collect();
    Some(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Returning to the shop</title></head>\n\
         <body onload=\"document.forms[0].submit()\">\n\
         <form method=\"post\" action=\"{action}\">\n\
         {inputs}\
         <noscript><button type=\"submit\">Return to the shop</button></noscript>\n\
         </form></body></html>\n",
        action = escape(&txn.redirection_uri),
    ))
}
