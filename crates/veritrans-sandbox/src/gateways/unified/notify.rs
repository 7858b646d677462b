//! What the emulated gateway tells the merchant outside an answer: webhooks (the
//! generated `WebhookPayload`, signed with `veritrans-sign`, under the spec's header
//! names) and the browser's redirect (the generated `RedirectQuery`, signed with
//! `vAuthInfo` over `authParams`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use unified_proto::{
    CONTENT_HMAC_HEADER, RedirectQuery, TransactionCommand, WEBHOOK_ID_HEADER, WebhookPayload,
};
use veritrans_sign::unified as sign;

use super::answers::JSON;
use super::store::{Inner, Order};
use crate::delivery::{Delivery, DeliveryStatus};
use crate::log::Gateway;
use crate::state::AppState;

/// Queues `deliveries`; a delivery that cannot be queued is logged, never fatal to the
/// answer already given.
pub(super) fn queue(app: &AppState, deliveries: Vec<Delivery>) {
    for delivery in deliveries {
        if let Err(e) = app.deliver(delivery) {
            tracing::warn!(error = %e, "unified webhook not queued");
        }
    }
}

/// A webhook: the JSON body signed with `X-VT-Content-hmac`, a fresh `X-VT-webhook-id`
/// that every redelivery repeats.
pub(super) fn webhook(app: &AppState, url: &str, payload: &WebhookPayload) -> Delivery {
    let body = serde_json::to_vec(payload).unwrap_or_default();
    let creds = app.credentials();
    let id = uuid::Uuid::new_v4().simple().to_string();
    Delivery::new(Gateway::Unified, id.clone(), url)
        .header(http::header::CONTENT_TYPE.as_str(), JSON)
        .header(
            CONTENT_HMAC_HEADER,
            sign::sign_webhook(&creds.merchant_ccid, &creds.merchant_auth_key, &body),
        )
        .header(WEBHOOK_ID_HEADER, id)
        .body(body)
}

/// Queues the `UA-U00-001` webhook, then, once it settled, the one that finalises the
/// order, and closes the `UA-U00-001` window of `reference` once the merchant
/// answered the final one with 200.
pub(super) fn deliver_then_settle(
    app: &AppState,
    inner: &Arc<Mutex<Inner>>,
    pending: Delivery,
    settled: Delivery,
    reference: &str,
) {
    let first = match app.deliver(pending) {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = %e, "unified webhook not queued");
            return;
        }
    };
    let (app, reference, inner) = (app.clone(), reference.to_string(), inner.clone());
    tokio::spawn(async move {
        let window = Duration::from_secs(24 * 60 * 60);
        // The additional webhook follows the first, whatever became of it.
        app.deliveries().wait_settled(&first, window).await;
        let id = match app.deliver(settled) {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(error = %e, "unified webhook not queued");
                return;
            }
        };
        let record = app.deliveries().wait_settled(&id, window).await;
        if record.is_some_and(|r| r.status == DeliveryStatus::Delivered) {
            let mut inner = inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(txn) = inner.txns.get_mut(&reference) {
                txn.pending = false;
            }
        }
    });
}

/// The query parameters of a serialised `RedirectQuery`, names as the spec spells them.
fn pairs(query: &RedirectQuery) -> Vec<(String, String)> {
    match serde_json::to_value(query) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The merchant URL with the redirect parameters, `authParams` and `vAuthInfo`.
pub(super) fn signed_redirect(
    app: &AppState,
    url: &str,
    order: &Order,
    command: &TransactionCommand,
    reference: &str,
    payload: &WebhookPayload,
) -> String {
    let result = payload.result.clone().unwrap_or_default();
    let mut query = RedirectQuery {
        status: result.status,
        action_code: result.action_code,
        result_code: result.result_code,
        command: Some(command.as_str().to_string()),
        payment_id: Some(order.payment_id.clone()),
        fep_order_id: Some(order.fep_order_id.clone()),
        fep_reference_id: Some(reference.to_string()),
        merchant_request_key1: order.merchant_keys.0.clone(),
        merchant_request_key2: order.merchant_keys.1.clone(),
        ..Default::default()
    };
    let creds = app.credentials();
    // "the order is not fixed": the parameters are signed in the order serialised.
    let (auth_params, v_auth_info) = sign::sign_redirect(
        &creds.merchant_ccid,
        &creds.merchant_auth_key,
        &pairs(&query),
    );
    query.auth_params = Some(auth_params);
    query.v_auth_info = Some(v_auth_info);
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(pairs(&query));
            u.to_string()
        }
        // The URL passed validation; an unparsable one cannot occur, but never panic.
        Err(_) => url.to_string(),
    }
}
