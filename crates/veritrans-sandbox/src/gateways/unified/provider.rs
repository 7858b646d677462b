//! The dummy provider page behind `redirectUrl`: the guide's Testing outcomes of a
//! payment type as links, and the consumer's choice, which settles the order along the
//! state machine, sends the webhook and redirects the browser with a signed query.

use http::StatusCode;
use serde_json::json;
use unified_proto::wire::field;
use unified_proto::{ResultCode, TransactionCommand};

use super::PROVIDER_PREFIX;
use super::answers::response;
use super::commands::approval;
use super::notify::{queue, signed_redirect, webhook};
use super::sim::{Outcome, RedirectTo};
use super::state::{self, Event, Kind, OrderState};
use super::store::{Inner, Order, Store, Txn};
use crate::delivery::Delivery;
use crate::gateways::html::escape;
use crate::log::Gateway;
use crate::state::AppState;

/// The transaction log's record kind of a choice on the provider page: the
/// sandbox's own inspection vocabulary (`/_sandbox/transactions`), not the wire.
const PROVIDER_RECORD: &str = "provider";

/// What the provider page does after a choice.
pub(crate) enum Choice {
    /// Send the browser to this merchant URL (signed query).
    Redirect(String),
    /// The simulated redirect failure: show this text.
    NoRedirect(String),
    /// Back to the dummy provider page (this path), with no result.
    BackToProvider(String),
}

impl Store {
    /// The dummy provider page of a pay/subscribe transaction.
    pub(crate) fn provider_page(&self, reference: &str) -> Result<String, (StatusCode, String)> {
        let inner = self.lock();
        let (order, outcomes) = self.page_target(&inner, reference)?;
        let mut html = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sandbox {pt}</title></head><body>\
             <h1>Dummy {pt} page (VeriTrans4G Unified API sandbox)</h1>\
             <p>paymentId {pid}, amount {amount} yen. Choose the outcome:</p><ul>",
            pt = escape(&order.pay_type.to_string()),
            pid = escape(&order.payment_id),
            amount = order.amount,
        );
        for o in outcomes {
            let note = if o.sandbox_only {
                " [sandbox only: the guide lists no such choice]"
            } else {
                ""
            };
            html.push_str(&format!(
                "<li><a href=\"{PROVIDER_PREFIX}/{}/{}\" data-outcome=\"{}\" data-sandbox-only=\"{}\">{}</a> ({} {}){note}</li>",
                escape(reference),
                escape(&o.id),
                escape(&o.id),
                o.sandbox_only,
                escape(&o.label),
                escape(&o.cell.result_code),
                escape(o.cell.v_result_code.as_deref().unwrap_or("-")),
            ));
        }
        html.push_str("</ul></body></html>");
        Ok(html)
    }

    fn page_target<'a>(
        &'a self,
        inner: &'a Inner,
        reference: &str,
    ) -> Result<(&'a Order, &'a [Outcome]), (StatusCode, String)> {
        let txn = inner
            .txns
            .get(reference)
            .filter(|t| {
                matches!(
                    t.command,
                    TransactionCommand::Pay | TransactionCommand::Subscribe
                )
            })
            .ok_or((StatusCode::NOT_FOUND, "no such payment request".to_string()))?;
        let order = inner
            .orders
            .get(&txn.payment_id)
            .ok_or((StatusCode::NOT_FOUND, "no such order".to_string()))?;
        if order.state != OrderState::AwaitingConsumer {
            return Err((
                StatusCode::CONFLICT,
                "this payment was already completed".into(),
            ));
        }
        let sim = self.sim_of(order.pay_type).ok_or((
            StatusCode::NOT_FOUND,
            "no dummy page for this payment type".to_string(),
        ))?;
        Ok((
            order,
            if txn.command == TransactionCommand::Pay {
                &sim.outcomes
            } else {
                &sim.subscribe_outcomes
            },
        ))
    }

    /// The consumer's choice on the provider page: settle the order, send the webhook,
    /// redirect the browser with a signed query.
    pub(crate) fn choose(
        &self,
        app: &AppState,
        reference: &str,
        outcome: &str,
    ) -> Result<Choice, (StatusCode, String)> {
        let (choice, deliveries) = {
            let mut inner = self.lock();
            let (order, outcomes) = self.page_target(&inner, reference)?;
            let chosen = outcomes
                .iter()
                .find(|o| o.id == outcome)
                .cloned()
                .ok_or((StatusCode::NOT_FOUND, format!("no outcome {outcome}")))?;
            if chosen.redirect == RedirectTo::Provider {
                // Rakuten Pay's point fraud: "It will redirect to the "Payment Details
                // Confirmation" page of the dummy Rakuten Pay." No result yet.
                app.note(
                    Gateway::Unified,
                    PROVIDER_RECORD,
                    reference,
                    json!({ (field::PAYMENT_ID): order.payment_id, "outcome": chosen.id }),
                );
                return Ok(Choice::BackToProvider(format!(
                    "{PROVIDER_PREFIX}/{reference}"
                )));
            }
            let mut order = order.clone();
            let command = inner
                .txns
                .get(reference)
                .map(|t| t.command.clone())
                .unwrap_or(TransactionCommand::Pay);
            let code = chosen.cell.code();
            let pending = code == ResultCode::UaU00001;
            let event = if pending {
                Event::StillPaying
            } else {
                approval(chosen.cell.is_success(), order.auth_with_capture)
            };
            order.state = state::next(order.kind, order.state, event).ok_or((
                StatusCode::CONFLICT,
                format!("{event:?} is not possible for this order"),
            ))?;
            if order.state == OrderState::Captured {
                order.captured = order.amount;
            }
            let amount = (order.kind == Kind::Single).then_some(order.amount);
            let (_, payload) = response(
                self.guide,
                &order,
                &command,
                reference,
                &chosen.cell,
                amount,
            );
            if let Some(txn) = inner.txns.get_mut(reference) {
                txn.pending = pending;
                txn.payload = Txn::text(&payload);
            }
            app.note(
                Gateway::Unified,
                PROVIDER_RECORD,
                reference,
                json!({
                    (field::PAYMENT_ID): order.payment_id, "outcome": chosen.id,
                    (field::RESULT_CODE): chosen.cell.result_code,
                }),
            );
            // The guide (Webhook, Notification Conditions): for pay and subscribe "the
            // notification can be sent only in cases of successful orders".
            let deliveries: Vec<Delivery> = match &order.push_url {
                Some(url) if chosen.cell.is_success() => vec![webhook(app, url, &payload)],
                _ => vec![],
            };
            let choice = match chosen.redirect {
                RedirectTo::None | RedirectTo::Provider => Choice::NoRedirect(
                    "The redirect from the provider app failed (simulated). Ask getTransactionResult for the outcome.".into(),
                ),
                to => {
                    let url = match to {
                        RedirectTo::Success => &order.success_url,
                        RedirectTo::Cancel => &order.cancel_url,
                        _ => &order.error_url,
                    };
                    Choice::Redirect(signed_redirect(app, url, &order, &command, reference, &payload))
                }
            };
            inner.orders.insert(order.payment_id.clone(), order);
            (choice, deliveries)
        };
        queue(app, deliveries);
        Ok(choice)
    }
}
