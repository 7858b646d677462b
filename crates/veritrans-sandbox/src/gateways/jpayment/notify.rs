//! Kickbacks: a payment sent with `rt=0` is answered `OK` and its result is sent as a
//! `GET` with the result's query string to the console's 決済結果通知URL.

use http::Method;
use serde_json::{Value, json};

use crate::delivery::Delivery;
use crate::log::Gateway;
use crate::state::AppState;

/// Queues the kickback of payment `gid` (its query string already encoded by
/// `jpayment-proto`) and notes in `summary` what became of it.
pub(super) fn kickback(
    app: &AppState,
    url: Option<String>,
    gid: &str,
    query: &str,
    summary: &mut Value,
) {
    let Some(url) = url else {
        summary["kickback"] = json!("not sent: no kickback_url configured");
        return;
    };
    let separator = if url.contains('?') { '&' } else { '?' };
    // The guide checks the merchant's answer by its ContentLength: `requires_body`.
    let delivery = Delivery::new(
        Gateway::JPayment,
        format!("jpayment-kickback-{gid}"),
        format!("{url}{separator}{query}"),
    )
    .method(Method::GET)
    .requires_body();
    match app.deliver(delivery) {
        Ok(id) => summary["kickback"] = json!(id),
        Err(e) => summary["kickback_error"] = json!(e.to_string()),
    }
}
