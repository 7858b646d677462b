//! The commands' effects on the order store: pay and subscribe open an order,
//! capture / cancel / updateOrder / terminate follow up on one, charge settles a new
//! order against a contract, getTransactionResult reads a stored answer. Which command
//! may run in which state is the state machine's (`state.rs`); what is specific to a
//! payment type or an amount is checked here, next to the guide's words.

use http::StatusCode;
use serde_json::json;
use unified_proto::testing::Column;
use unified_proto::versions::GuideVersion;
use unified_proto::wire::field;
use unified_proto::{
    AuthCaptureType, AuthExtensionType, CancelRequest, CaptureRequest, ChargeRequest, ForceMode,
    GetTransactionResultRequest, GetTransactionResultResponse, PayRequest, PayType, RequestMode,
    RequestTransaction, ResponseControl, ResultCode, SubscribeRequest, TerminateRequest,
    TransactionCommand, UpdateOrderRequest, Yen,
};

use super::PROVIDER_PREFIX;
use super::answers::{Answer, failure, response, result_info, state_error};
use super::notify::{deliver_then_settle, webhook};
use super::sim::Cell;
use super::state::{self, Event, Kind, OrderState};
use super::store::{Inner, Order, Store, Txn};
use crate::delivery::Delivery;
use crate::log::Gateway;
use crate::state::AppState;

/// What a follow-up command does: the state machine's event, the simulated cell
/// (`None`: success), the answer's `order.amount`, and the amounts changed on success.
struct Decision<F> {
    event: Event,
    cell: Option<Cell>,
    amount: Option<u64>,
    /// `merchantRequestKey1/2` of this request: "Contents set at the time of request.
    /// *If not set at the time of request, it will not be returned."
    keys: (Option<String>, Option<String>),
    effect: F,
}

/// What pay and subscribe have in common.
struct OpenOrder<'a> {
    command: TransactionCommand,
    kind: Kind,
    payment_id: &'a str,
    pay_type: PayType,
    amount: u64,
    auth_with_capture: bool,
    urls: (&'a String, &'a String, &'a String),
    push_url: Option<String>,
    keys: (Option<String>, Option<String>),
    cell: Cell,
}

/// The merchant request keys of a request's `transaction` block.
fn request_keys(t: Option<&RequestTransaction>) -> (Option<String>, Option<String>) {
    t.map(|t| {
        (
            t.merchant_request_key1.clone(),
            t.merchant_request_key2.clone(),
        )
    })
    .unwrap_or_default()
}

/// `authCaptureType=auth_with_capture`.
fn with_capture(t: Option<AuthCaptureType>) -> bool {
    t == Some(AuthCaptureType::AuthWithCapture)
}

/// The state machine's event for a provider's answer.
pub(super) fn approval(ok: bool, auth_with_capture: bool) -> Event {
    match (ok, auth_with_capture) {
        (false, _) => Event::Declined,
        (true, true) => Event::ApprovedWithCapture,
        (true, false) => Event::Approved,
    }
}

fn already_used(guide: &GuideVersion, payment_id: &str) -> Answer {
    failure(
        guide,
        &ResultCode::UaReq003,
        format!("order.paymentId: {payment_id} was already used"),
    )
}

impl Store {
    pub(super) fn pay(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &PayRequest,
    ) -> (Answer, Vec<Delivery>) {
        let pay_type = req.order.pay_type;
        let amount = req.order.amount.get();
        let cell = self
            .sim_cell(pay_type, Column::Pay, amount, None)
            .unwrap_or_else(|| self.success_cell(pay_type));
        self.open_order(
            app,
            inner,
            OpenOrder {
                command: TransactionCommand::Pay,
                kind: Kind::Single,
                payment_id: &req.order.payment_id,
                pay_type,
                amount,
                auth_with_capture: with_capture(req.order.auth_capture_type),
                urls: (
                    &req.control.success_url,
                    &req.control.cancel_url,
                    &req.control.error_url,
                ),
                push_url: req.control.push_url.clone(),
                keys: request_keys(req.transaction.as_ref()),
                cell,
            },
        )
    }

    pub(super) fn subscribe(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &SubscribeRequest,
    ) -> (Answer, Vec<Delivery>) {
        let pay_type = req.order.pay_type;
        let cell = self
            .sim_of(pay_type)
            .and_then(|s| s.subscribe_trigger(req.item.iter().filter_map(|i| i.name.as_deref())))
            .unwrap_or_else(|| self.success_cell(pay_type));
        self.open_order(
            app,
            inner,
            OpenOrder {
                command: TransactionCommand::Subscribe,
                kind: Kind::Original,
                payment_id: &req.order.payment_id,
                pay_type,
                amount: 0,
                auth_with_capture: false,
                urls: (
                    &req.control.success_url,
                    &req.control.cancel_url,
                    &req.control.error_url,
                ),
                push_url: req.control.push_url.clone(),
                keys: request_keys(req.transaction.as_ref()),
                cell,
            },
        )
    }

    /// pay / subscribe: a new order waiting for the consumer on the provider page.
    fn open_order(
        &self,
        app: &AppState,
        inner: &mut Inner,
        o: OpenOrder<'_>,
    ) -> (Answer, Vec<Delivery>) {
        if inner.payment_id_taken(o.payment_id) {
            return (already_used(self.guide, o.payment_id), vec![]);
        }
        let ok = o.cell.is_success();
        let event = if ok {
            Event::Requested
        } else {
            Event::Declined
        };
        let Some(initial) = state::next(o.kind, OrderState::New, event) else {
            // The table opens every kind pay / subscribe create; never reached.
            return (
                failure(self.guide, &ResultCode::UaSys002, "no initial state".into()),
                vec![],
            );
        };
        let fep_order_id = [o.payment_id, "_", &inner.next_id()].concat();
        let reference = ["X", &inner.next_id()].concat();
        let order = Order {
            payment_id: o.payment_id.to_string(),
            fep_order_id,
            pay_type: o.pay_type,
            kind: o.kind,
            state: initial,
            amount: o.amount,
            captured: 0,
            cancelled: 0,
            auth_with_capture: o.auth_with_capture,
            success_url: o.urls.0.clone(),
            cancel_url: o.urls.1.clone(),
            error_url: o.urls.2.clone(),
            push_url: o.push_url,
            merchant_keys: o.keys,
        };
        // "Amount to be processed (amount set at the time of request ...)"; the guide
        // lists no amount for an on-demand payment request.
        let amount = (o.kind == Kind::Single).then_some(o.amount);
        let (status, mut payload) =
            response(self.guide, &order, &o.command, &reference, &o.cell, amount);
        if ok {
            payload.control = Some(ResponseControl {
                redirect_url: Some([app.base_url(), PROVIDER_PREFIX, "/", &reference].concat()),
                request_mode: Some(RequestMode::Sandbox.to_string()),
            });
        }
        app.note(
            Gateway::Unified,
            o.command.as_str(),
            &reference,
            json!({
                (field::PAYMENT_ID): order.payment_id, (field::PAY_TYPE): order.pay_type,
                (field::AMOUNT): order.amount, (field::RESULT_CODE): o.cell.result_code,
            }),
        );
        // The answer is written first: the transaction keeps its text.
        let answer = Answer::of(status, &payload);
        inner.txns.insert(
            reference,
            Txn {
                command: o.command,
                payment_id: order.payment_id.clone(),
                pending: ok,
                // The answer is the payload's text.
                payload: answer.text().unwrap_or_else(|| Txn::text(&payload)),
            },
        );
        inner.insert_new(order);
        (answer, vec![])
    }

    pub(super) fn capture(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &CaptureRequest,
    ) -> (Answer, Vec<Delivery>) {
        let push = req.control.as_ref().and_then(|c| c.push_url.clone());
        self.follow_up(
            app,
            inner,
            TransactionCommand::Capture,
            (
                req.order.payment_id.as_deref(),
                req.order.fep_order_id.as_deref(),
            ),
            push,
            |store, order| {
                // The guide (Capture): "This can only be done once and must be within the
                // amount specified in the payment request."
                if !state::allows(order.kind, order.state, Event::Capture) {
                    return Err(state_error(self.guide, &TransactionCommand::Capture, order));
                }
                // "If not specified, the full amount is captured."
                let amount = req.order.amount.map_or(order.amount, Yen::get);
                if amount == 0 || amount > order.amount {
                    return Err(failure(
                        self.guide,
                        &ResultCode::UaPrv004,
                        format!(
                            "order.amount: {amount} is more than the authorised {}",
                            order.amount
                        ),
                    ));
                }
                // The Testing sheet splits Rakuten Pay's capture into full and partial.
                let column = match order.pay_type {
                    PayType::Rakuten if amount == order.amount => Column::CaptureFull,
                    PayType::Rakuten => Column::CapturePartial,
                    _ => Column::Capture,
                };
                Ok(Decision {
                    event: Event::Capture,
                    keys: request_keys(req.transaction.as_ref()),
                    cell: store.sim_cell(order.pay_type, column, amount, None),
                    amount: Some(amount),
                    effect: move |o: &mut Order| o.captured = amount,
                })
            },
        )
    }

    pub(super) fn cancel(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &CancelRequest,
    ) -> (Answer, Vec<Delivery>) {
        let push = req.control.as_ref().and_then(|c| c.push_url.clone());
        let force_refund = req
            .control
            .as_ref()
            .and_then(|c| c.protocol.as_ref())
            .and_then(|p| p.force_mode)
            .is_some_and(|m| m == ForceMode::Refund);
        self.follow_up(
            app,
            inner,
            TransactionCommand::Cancel,
            (
                req.order.payment_id.as_deref(),
                req.order.fep_order_id.as_deref(),
            ),
            push,
            |store, order| {
                // A partial cancel is possible only where a full one is.
                if !state::allows(order.kind, order.state, Event::FullCancel) {
                    return Err(state_error(self.guide, &TransactionCommand::Cancel, order));
                }
                let balance = order.balance();
                let requested = req.order.amount.map(Yen::get);
                // The guide (Cancel, amount): "*d Payment can be specified only for Single
                // Payment."
                if requested.is_some()
                    && order.pay_type == PayType::Docomo
                    && order.kind != Kind::Single
                {
                    return Err(failure(self.guide, &ResultCode::UaReq001,
                        "order.amount: d Payment takes a cancel amount only for single payments"
                            .into(),
                    ));
                }
                // "If not specified, the full amount is cancelled."
                let amount = requested.unwrap_or(balance);
                // "Amount exceeding the current payment amount (balance) cannot be
                // specified."
                if amount == 0 || amount > balance {
                    return Err(failure(self.guide, &ResultCode::UaPrv004,
                        format!("order.amount: {amount} is more than the balance {balance}"),
                    ));
                }
                let event = if amount == balance {
                    Event::FullCancel
                } else {
                    Event::PartialCancel
                };
                // "Only the full amount can be specified for orders where Capture has not
                // yet been made (Authorization only status)."
                if !state::allows(order.kind, order.state, event) {
                    return Err(failure(self.guide, &ResultCode::UaPrv004,
                        format!(
                            "order.amount: {amount}: an order not yet captured is cancelled in full ({balance})"
                        ),
                    ));
                }
                // The Testing sheet splits Merpay's cancel by capture.
                let column = match (order.pay_type, order.state) {
                    (PayType::Merpay, OrderState::Captured) => Column::CancelAfterCapture,
                    (PayType::Merpay, _) => Column::CancelBeforeCapture,
                    _ => Column::Cancel,
                };
                Ok(Decision {
                    event,
                    keys: req.transaction.as_ref().map_or((None, None), |t| {
                        (
                            t.merchant_request_key1.clone(),
                            t.merchant_request_key2.clone(),
                        )
                    }),
                    cell: store.sim_cell(order.pay_type, column, amount, None),
                    // "*If not set at the time of cancellation request by forceMode=refund,
                    // the amount will not be returned."
                    amount: (requested.is_some() || !force_refund).then_some(amount),
                    effect: move |o: &mut Order| o.cancelled += amount,
                })
            },
        )
    }

    pub(super) fn update_order(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &UpdateOrderRequest,
    ) -> (Answer, Vec<Delivery>) {
        let push = req.control.as_ref().and_then(|c| c.push_url.clone());
        self.follow_up(
            app,
            inner,
            TransactionCommand::UpdateOrder,
            (
                req.order.payment_id.as_deref(),
                req.order.fep_order_id.as_deref(),
            ),
            push,
            |store, order| {
                // The guide (Payment Request Change): "* For au, this applies only to
                // successful payment request (Single Payment) orders."
                let au_charge = order.pay_type == PayType::Au && order.kind != Kind::Single;
                if !state::allows(order.kind, order.state, Event::UpdateOrder) || au_charge {
                    return Err(state_error(
                        self.guide,
                        &TransactionCommand::UpdateOrder,
                        order,
                    ));
                }
                let new_amount = req.order.amount.map(Yen::get);
                let extend = req.order.auth_extension_type == Some(AuthExtensionType::Extend);
                // The Testing sheet splits Rakuten Pay's change by what changes.
                let column = match (order.pay_type, extend, new_amount.is_some()) {
                    (PayType::Rakuten, true, true) => Column::UpdateBoth,
                    (PayType::Rakuten, true, false) => Column::UpdateExtend,
                    (PayType::Rakuten, _, _) => Column::UpdateAmount,
                    _ => Column::UpdateOrder,
                };
                let trigger = new_amount.unwrap_or(order.amount);
                Ok(Decision {
                    event: Event::UpdateOrder,
                    keys: request_keys(req.transaction.as_ref()),
                    cell: store.sim_cell(order.pay_type, column, trigger, None),
                    // "amount set at the time of request, balance amount when not set".
                    amount: Some(new_amount.unwrap_or(order.balance())),
                    effect: move |o: &mut Order| {
                        if let Some(a) = new_amount {
                            o.amount = a;
                        }
                    },
                })
            },
        )
    }

    pub(super) fn terminate(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &TerminateRequest,
    ) -> (Answer, Vec<Delivery>) {
        let push = req.control.as_ref().and_then(|c| c.push_url.clone());
        self.follow_up(
            app,
            inner,
            TransactionCommand::Terminate,
            (
                req.order.payment_id.as_deref(),
                req.order.fep_order_id.as_deref(),
            ),
            push,
            |_, order| {
                if !state::allows(order.kind, order.state, Event::Terminate) {
                    return Err(state_error(
                        self.guide,
                        &TransactionCommand::Terminate,
                        order,
                    ));
                }
                Ok(Decision {
                    event: Event::Terminate,
                    keys: request_keys(req.transaction.as_ref()),
                    cell: None,
                    // The guide lists no order.amount for a cancellation of contract.
                    amount: None,
                    effect: |_: &mut Order| {},
                })
            },
        )
    }

    /// A command on an existing order: find it, let `decide` check it and consult the
    /// simulation table, move it along the state machine and apply the effect on
    /// success.
    fn follow_up<F: FnOnce(&mut Order)>(
        &self,
        app: &AppState,
        inner: &mut Inner,
        command: TransactionCommand,
        ids: (Option<&str>, Option<&str>),
        push_url: Option<String>,
        decide: impl FnOnce(&Self, &Order) -> Result<Decision<F>, Answer>,
    ) -> (Answer, Vec<Delivery>) {
        let Some(order) = inner.find(ids.0, ids.1).cloned() else {
            return (
                failure(
                    self.guide,
                    &ResultCode::UaReq900,
                    "order: no such paymentId / fepOrderId".into(),
                ),
                vec![],
            );
        };
        let decision = match decide(self, &order) {
            Ok(d) => d,
            Err(answer) => return (answer, vec![]),
        };
        let Some(to) = state::next(order.kind, order.state, decision.event) else {
            return (state_error(self.guide, &command, &order), vec![]);
        };
        let cell = decision
            .cell
            .unwrap_or_else(|| self.success_cell(order.pay_type));
        let mut order = order;
        if cell.is_success() {
            (decision.effect)(&mut order);
            order.state = to;
        }
        let reference = format!("X{}", inner.next_id());
        let (status, mut payload) = response(
            self.guide,
            &order,
            &command,
            &reference,
            &cell,
            decision.amount,
        );
        if let Some(t) = payload.transaction.as_mut() {
            (t.merchant_request_key1, t.merchant_request_key2) = decision.keys;
        }
        app.note(
            Gateway::Unified,
            command.as_str(),
            &reference,
            json!({
                (field::PAYMENT_ID): order.payment_id, (field::PAY_TYPE): order.pay_type,
                (field::RESULT_CODE): cell.result_code, "balance": order.balance(),
            }),
        );
        // The guide's Notification Conditions: "All Status" for every follow-up command a
        // payment type supports (the others are refused before this point).
        let deliveries = push_url
            .map(|url| webhook(app, &url, &payload))
            .into_iter()
            .collect();
        let answer = Answer::of(status, &payload);
        inner.txns.insert(
            reference,
            Txn {
                command,
                payment_id: order.payment_id.clone(),
                pending: false,
                // The answer is the payload's text.
                payload: answer.text().unwrap_or_else(|| Txn::text(&payload)),
            },
        );
        inner.orders.insert(order.payment_id.clone(), order);
        (answer, deliveries)
    }

    pub(super) fn charge(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &ChargeRequest,
    ) -> (Answer, Vec<Delivery>) {
        let Some(original) = inner
            .find(
                req.order.original_payment_id.as_deref(),
                req.order.original_fep_order_id.as_deref(),
            )
            .cloned()
        else {
            return (
                failure(
                    self.guide,
                    &ResultCode::UaReq900,
                    "order: no such originalPaymentId / originalFepOrderId".into(),
                ),
                vec![],
            );
        };
        if !state::allows(original.kind, original.state, Event::Charge) {
            return (
                state_error(self.guide, &TransactionCommand::Charge, &original),
                vec![],
            );
        }
        if inner.payment_id_taken(&req.order.payment_id) {
            return (already_used(self.guide, &req.order.payment_id), vec![]);
        }
        let amount = req.order.amount.get();
        let recovery = req
            .control
            .as_ref()
            .and_then(|c| c.protocol.as_ref())
            .and_then(|p| p.recovery_type)
            .map(|r| r.to_string());
        let cell = self
            .sim_cell(
                original.pay_type,
                Column::Charge,
                amount,
                recovery.as_deref(),
            )
            .unwrap_or_else(|| self.success_cell(original.pay_type));
        // UA-U00-001 (PayPay, recovery): the payment completes afterwards with success,
        // told by a webhook; until it is answered the result is not final.
        let user_paying = cell.code() == ResultCode::UaU00001;
        let ok = cell.is_success() || user_paying;
        let auth_with_capture = with_capture(req.order.auth_capture_type);
        let Some(settled_state) = state::next(
            Kind::Charge,
            OrderState::New,
            approval(ok, auth_with_capture),
        ) else {
            return (
                state_error(self.guide, &TransactionCommand::Charge, &original),
                vec![],
            );
        };
        let fep_order_id = format!("{}_{}", req.order.payment_id, inner.next_id());
        let reference = format!("X{}", inner.next_id());
        // The guide (Webhook, Notification Conditions): "A notification is sent when the
        // status of an order, for which a pushUrl was specified at the time of request,
        // meets the following conditions": the charge request's own pushUrl.
        let push_url = req.control.as_ref().and_then(|c| c.push_url.clone());
        let order = Order {
            payment_id: req.order.payment_id.clone(),
            fep_order_id,
            pay_type: original.pay_type,
            kind: Kind::Charge,
            state: settled_state,
            amount,
            captured: if settled_state == OrderState::Captured {
                amount
            } else {
                0
            },
            cancelled: 0,
            auth_with_capture,
            success_url: original.success_url.clone(),
            cancel_url: original.cancel_url.clone(),
            error_url: original.error_url.clone(),
            push_url: push_url.clone(),
            merchant_keys: request_keys(req.transaction.as_ref()),
        };
        let (status, mut payload) = response(
            self.guide,
            &order,
            &TransactionCommand::Charge,
            &reference,
            &cell,
            Some(amount),
        );
        let block = payload.order.get_or_insert_with(Default::default);
        block.original_payment_id = Some(original.payment_id.clone());
        block.original_fep_order_id = Some(original.fep_order_id.clone());
        app.note(
            Gateway::Unified,
            TransactionCommand::Charge.as_str(),
            &reference,
            json!({
                (field::PAYMENT_ID): order.payment_id, (field::ORIGINAL_PAYMENT_ID): original.payment_id,
                (field::AMOUNT): amount, (field::RESULT_CODE): cell.result_code,
            }),
        );
        let mut deliveries = Vec::new();
        let mut settled_payload = payload.clone();
        if user_paying {
            // The guide's note *2 on PayPay's table: "It is then redirected to 1001
            // (Success)"; Notification Conditions *3: "If a notification is received with
            // resultCode=UA-U00-001, and the order is subsequently finalized through
            // consumer action, an additional Webhook will be sent with
            // resultCode=UA-000-001."
            let success = self.success_cell(order.pay_type);
            let (_, mut done) = response(
                self.guide,
                &order,
                &TransactionCommand::Charge,
                &reference,
                &Cell::of(&ResultCode::Ua000001, success.v_result_code),
                Some(amount),
            );
            done.order = payload.order.clone();
            settled_payload = done;
            if let Some(url) = &push_url {
                deliver_then_settle(
                    app,
                    &self.inner,
                    webhook(app, url, &payload),
                    webhook(app, url, &settled_payload),
                    &reference,
                );
            }
        } else if let Some(url) = &push_url {
            deliveries.push(webhook(app, url, &payload));
        }
        inner.txns.insert(
            reference.clone(),
            Txn {
                command: TransactionCommand::Charge,
                payment_id: order.payment_id.clone(),
                // Without a pushUrl there is no webhook to wait for: the window closes at once.
                pending: user_paying && push_url.is_some(),
                payload: Txn::text(&settled_payload),
            },
        );
        inner.insert_new(order);
        (Answer::of(status, &payload), deliveries)
    }

    pub(super) fn get_transaction_result(
        &self,
        inner: &Inner,
        req: &GetTransactionResultRequest,
    ) -> Answer {
        let Some(txn) = inner.txns.get(&req.transaction.fep_reference_id) else {
            return failure(
                self.guide,
                &ResultCode::UaReq900,
                "transaction.fepReferenceId: no such transaction".into(),
            );
        };
        if txn.pending {
            let (status, info) =
                result_info(self.guide, &Cell::of(&ResultCode::UaU00001, None), None);
            return Answer::of(
                status,
                &GetTransactionResultResponse {
                    result: Some(info),
                    transaction_data: None,
                },
            );
        }
        let payload = match txn.payload() {
            Ok(payload) => payload,
            // The text was written from the same type; were it not readable, say so
            // rather than answer an empty result.
            Err(e) => {
                return failure(
                    self.guide,
                    &ResultCode::UaSys002,
                    format!("stored transaction unreadable: {e}"),
                );
            }
        };
        Answer::of(
            StatusCode::OK,
            &GetTransactionResultResponse {
                result: payload.result.clone(),
                transaction_data: Some(payload),
            },
        )
    }
}
