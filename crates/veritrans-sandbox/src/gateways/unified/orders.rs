//! Orders, transactions and idempotency records of the Unified API emulation, and the
//! commands that change them. One lock guards all of it: a command's idempotency check,
//! effect and stored answer happen together, so concurrent duplicates apply once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::{OffsetDateTime, UtcOffset};
use unified_proto::validate::{self, Context, Mode, Rule};
use unified_proto::{
    CancelRequest, CaptureRequest, ChargeRequest, Command, ForceMode, GetTransactionResultRequest,
    PayRequest, RESULT_CODES, RequestTransaction, ResponseControl, ResponseOrder,
    ResponseTransaction, ResultCode, ResultInfo, SubscribeRequest, TerminateRequest,
    TransactionCommand, UpdateOrderRequest, WebhookPayload, Yen,
};
use veritrans_sign::unified as sign;

use super::PROVIDER_PREFIX;
use super::idempotency::{Records, RequestId};
use super::sim::{Cell, Outcome, RedirectTo, Simulation};
use crate::delivery::Delivery;
use crate::gateways::html::escape;
use crate::log::Gateway;
use crate::state::AppState;

/// The webhook ID header (`unified-proto` reads it under this name).
const WEBHOOK_ID_HEADER: &str = "X-VT-webhook-id";

/// One HTTP answer of the gateway.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    status: StatusCode,
    body: Option<Value>,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.body {
            Some(body) => (
                self.status,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response(),
            // The guide's "404 - Page not found": a status without a result code.
            None => (self.status, "Page not found").into_response(),
        }
    }
}

/// What the provider page does after a choice.
pub(crate) enum Choice {
    /// Send the browser to this merchant URL (signed query).
    Redirect(String),
    /// The simulated redirect failure: show this text.
    NoRedirect(String),
    /// Back to the dummy provider page (this path), with no result.
    BackToProvider(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Single,
    /// The original order of a subscription (on-demand payment request).
    Original,
    /// An on-demand payment (charge) against an original order.
    Charge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderState {
    /// Payment request made; the consumer has not finished on the provider page.
    AwaitingConsumer,
    Failed,
    Authorised,
    Captured,
    /// Fully refunded / released.
    Cancelled,
    /// Original order agreed: charges allowed.
    Subscribed,
    Terminated,
}

#[derive(Debug, Clone)]
struct Order {
    payment_id: String,
    fep_order_id: String,
    pay_type: String,
    kind: Kind,
    state: OrderState,
    amount: u64,
    captured: u64,
    cancelled: u64,
    auth_with_capture: bool,
    success_url: String,
    cancel_url: String,
    error_url: String,
    push_url: Option<String>,
    merchant_keys: (Option<String>, Option<String>),
}

impl Order {
    /// What can still be cancelled.
    fn balance(&self) -> u64 {
        let base = if self.state == OrderState::Captured {
            self.captured
        } else {
            self.amount
        };
        base.saturating_sub(self.cancelled)
    }
}

#[derive(Debug, Clone)]
struct Txn {
    /// `transaction.command` as the guide writes it (`update_order`, not the path's
    /// `updateOrder`).
    command: TransactionCommand,
    payment_id: String,
    /// Inside the `UA-U00-001` window: getTransactionResult tells no details yet.
    pending: bool,
    payload: WebhookPayload,
}

#[derive(Debug, Default)]
struct Inner {
    orders: HashMap<String, Order>,
    fep_orders: HashMap<String, String>,
    txns: HashMap<String, Txn>,
    idempotency: Records,
    seq: u64,
}

impl Inner {
    fn next_id(&mut self) -> String {
        self.seq += 1;
        let random = uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .to_ascii_uppercase();
        // 26 characters like the guide's examples: a sequence then random digits.
        format!("{:06}{}", self.seq % 1_000_000, &random[..20])
    }

    /// The guide (1.1.1 RC, "IDs of an order"): a paymentId may be sent again until its
    /// transaction succeeded. A failed order's ID is free again; its old fepOrderId is
    /// forgotten. (Re-sending while the outcome is still open, which the guide warns can
    /// produce two payments and `UA-000-002`, is refused here.)
    fn payment_id_taken(&mut self, payment_id: &str) -> bool {
        match self.orders.get(payment_id) {
            Some(order) if order.state == OrderState::Failed => {
                let old = order.fep_order_id.clone();
                self.fep_orders.remove(&old);
                self.orders.remove(payment_id);
                false
            }
            Some(_) => true,
            None => false,
        }
    }

    fn find(&self, payment_id: Option<&str>, fep_order_id: Option<&str>) -> Option<&Order> {
        match (payment_id, fep_order_id) {
            (Some(p), _) => self.orders.get(p),
            (None, Some(f)) => self.fep_orders.get(f).and_then(|p| self.orders.get(p)),
            (None, None) => None,
        }
    }
}

/// The Unified API emulation's state.
#[derive(Debug)]
pub(crate) struct Store {
    sim: Simulation,
    inner: Arc<Mutex<Inner>>,
}

impl Store {
    pub(crate) fn new() -> Self {
        Self {
            sim: Simulation::load(),
            inner: Arc::new(Mutex::new(Inner::default())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock means a handler panicked mid-command; the data is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `POST /fep/{command}`.
    pub(crate) fn handle(
        &self,
        app: &AppState,
        command: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Answer {
        if !unified_proto::COMMANDS.contains(&command) {
            return Answer {
                status: StatusCode::NOT_FOUND,
                body: None,
            };
        }
        if !authorised(headers, app.credentials().unified_token.expose_secret()) {
            return failure(&ResultCode::UaReq008, None, "Authentication error: Authorization must be `Bearer {token}` with the sandbox's Unified API token".into());
        }
        let key = match headers.get("X-VT-Idempotency-Key") {
            None => None,
            Some(v) => match v.to_str().ok().filter(|k| valid_key(k)) {
                Some(k) => Some(k.to_string()),
                None => {
                    return failure(&ResultCode::UaReq001,
                        None,
                        "X-VT-Idempotency-Key: only single-byte alphanumerics, '-' and '_', at most 100 bytes".into(),
                    );
                }
            },
        };
        let value: Value = match serde_json::from_slice(body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                return failure(
                    &ResultCode::UaReq001,
                    None,
                    "body: must be a JSON object".into(),
                );
            }
            Err(e) => return failure(&ResultCode::UaReq001, None, format!("body: not JSON ({e})")),
        };
        let pay_type = {
            let inner = self.lock();
            let s = |p: &str| value.pointer(p).and_then(Value::as_str);
            // A charge names a new paymentId of its own; its payment type is its original
            // order's, so the original is looked up first (else the per-type rules, such as
            // PayPay's auth_with_capture, would never apply to charges).
            inner
                .find(
                    s("/order/originalPaymentId").or(s("/order/paymentId")),
                    s("/order/originalFepOrderId").or(s("/order/fepOrderId")),
                )
                .map(|o| o.pay_type.clone())
        };
        let mut ctx = Context::new(Mode::Sandbox);
        ctx.pay_type = pay_type;
        macro_rules! run {
            ($ty:ty, $method:ident) => {
                match parse::<$ty>(&value, &ctx) {
                    Ok(request) => self.idempotent(app, command, key, &value, |inner| {
                        self.$method(app, inner, &request)
                    }),
                    Err(message) => failure(&ResultCode::UaReq001, None, message),
                }
            };
        }
        match command {
            "pay" => run!(PayRequest, pay),
            "subscribe" => run!(SubscribeRequest, subscribe),
            "updateOrder" => run!(UpdateOrderRequest, update_order),
            "capture" => run!(CaptureRequest, capture),
            "cancel" => run!(CancelRequest, cancel),
            "charge" => run!(ChargeRequest, charge),
            "terminate" => run!(TerminateRequest, terminate),
            _ => match parse::<GetTransactionResultRequest>(&value, &ctx) {
                Ok(request) => self.idempotent(app, command, key, &value, |inner| {
                    (Self::get_transaction_result(inner, &request), vec![])
                }),
                Err(message) => failure(&ResultCode::UaReq001, None, message),
            },
        }
    }

    /// Runs `effect` unless the same key + command + paymentId answered within 24 h, in
    /// which case the stored answer is returned and nothing happens (`idempotency.rs`).
    fn idempotent(
        &self,
        app: &AppState,
        command: &str,
        key: Option<String>,
        body: &Value,
        effect: impl FnOnce(&mut Inner) -> (Answer, Vec<Delivery>),
    ) -> Answer {
        let (answer, deliveries) = {
            let mut inner = self.lock();
            let now = app.clock().now();
            let id = RequestId::of(key.as_deref(), command, body, |f| {
                inner.fep_orders.get(f).cloned()
            });
            if let Some(replayed) = id.as_ref().and_then(|id| inner.idempotency.replay(id, now)) {
                return replayed;
            }
            let (answer, deliveries) = effect(&mut inner);
            if let Some(id) = id {
                inner.idempotency.store(id, answer.clone(), now);
            }
            (answer, deliveries)
        };
        for delivery in deliveries {
            if let Err(e) = app.deliver(delivery) {
                tracing::warn!(error = %e, "unified webhook not queued");
            }
        }
        answer
    }

    fn sim_cell(
        &self,
        pay_type: &str,
        column: &str,
        amount: u64,
        recovery: Option<&str>,
    ) -> Option<Cell> {
        self.sim.of(pay_type)?.lookup(column, amount, recovery)
    }

    /// The success cell of a payment type (the first provider page outcome).
    fn success_cell(&self, pay_type: &str) -> Cell {
        self.sim
            .of(pay_type)
            .and_then(|s| s.outcomes.first())
            .map(|o| o.cell.clone())
            .filter(Cell::is_success)
            .unwrap_or(Cell::of(&ResultCode::Ua000001, None))
    }

    fn pay(&self, app: &AppState, inner: &mut Inner, req: &PayRequest) -> (Answer, Vec<Delivery>) {
        let pay_type = req.order.pay_type.to_string();
        let amount = req.order.amount.get();
        let cell = self
            .sim_cell(&pay_type, "pay", amount, None)
            .unwrap_or_else(|| self.success_cell(&pay_type));
        let keys = req
            .transaction
            .as_ref()
            .map(|t| {
                (
                    t.merchant_request_key1.clone(),
                    t.merchant_request_key2.clone(),
                )
            })
            .unwrap_or_default();
        self.open_order(
            app,
            inner,
            OpenOrder {
                command: TransactionCommand::Pay,
                kind: Kind::Single,
                payment_id: &req.order.payment_id,
                pay_type,
                amount,
                auth_with_capture: req
                    .order
                    .auth_capture_type
                    .is_some_and(|t| t.to_string() == "auth_with_capture"),
                urls: (
                    &req.control.success_url,
                    &req.control.cancel_url,
                    &req.control.error_url,
                ),
                push_url: req.control.push_url.clone(),
                keys,
                cell,
            },
        )
    }

    fn subscribe(
        &self,
        app: &AppState,
        inner: &mut Inner,
        req: &SubscribeRequest,
    ) -> (Answer, Vec<Delivery>) {
        let pay_type = req.order.pay_type.to_string();
        let cell = self
            .sim
            .of(&pay_type)
            .and_then(|s| s.subscribe_trigger(req.item.iter().filter_map(|i| i.name.as_deref())))
            .unwrap_or_else(|| self.success_cell(&pay_type));
        let keys = req
            .transaction
            .as_ref()
            .map(|t| {
                (
                    t.merchant_request_key1.clone(),
                    t.merchant_request_key2.clone(),
                )
            })
            .unwrap_or_default();
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
                keys,
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
            return (
                failure(
                    &ResultCode::UaReq003,
                    None,
                    format!("order.paymentId: {} was already used", o.payment_id),
                ),
                vec![],
            );
        }
        let fep_order_id = format!("{}_{}", o.payment_id, inner.next_id());
        let reference = format!("X{}", inner.next_id());
        let ok = o.cell.is_success();
        let order = Order {
            payment_id: o.payment_id.to_string(),
            fep_order_id: fep_order_id.clone(),
            pay_type: o.pay_type.clone(),
            kind: o.kind,
            state: if ok {
                OrderState::AwaitingConsumer
            } else {
                OrderState::Failed
            },
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
        let (status, mut payload) = response(&order, &o.command, &reference, &o.cell, amount);
        if ok {
            payload.control = Some(ResponseControl {
                redirect_url: Some(format!("{}{PROVIDER_PREFIX}/{reference}", app.base_url())),
                request_mode: Some("sandbox".into()),
            });
        }
        app.record(
            Gateway::Unified,
            o.command.as_str(),
            &reference,
            json!({
                "paymentId": order.payment_id, "payType": order.pay_type,
                "amount": order.amount, "resultCode": o.cell.result_code,
            }),
        );
        inner.txns.insert(
            reference.clone(),
            Txn {
                command: o.command,
                payment_id: order.payment_id.clone(),
                pending: ok,
                payload: payload.clone(),
            },
        );
        inner
            .fep_orders
            .insert(fep_order_id, order.payment_id.clone());
        inner.orders.insert(order.payment_id.clone(), order);
        (answer(status, &payload), vec![])
    }

    fn capture(
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
                if order.kind == Kind::Original
                    || order.state != OrderState::Authorised
                    || order.auth_with_capture
                {
                    return Err(state_error("capture", order));
                }
                // "If not specified, the full amount is captured."
                let amount = req.order.amount.map_or(order.amount, Yen::get);
                if amount == 0 || amount > order.amount {
                    return Err(failure(
                        &ResultCode::UaPrv004,
                        None,
                        format!(
                            "order.amount: {amount} is more than the authorised {}",
                            order.amount
                        ),
                    ));
                }
                let column = if order.pay_type == "rakuten" {
                    if amount == order.amount {
                        "captureFull"
                    } else {
                        "capturePartial"
                    }
                } else {
                    "capture"
                };
                Ok(Decision {
                    keys: request_keys(req.transaction.as_ref()),
                    cell: store.sim_cell(&order.pay_type, column, amount, None),
                    amount: Some(amount),
                    effect: move |o: &mut Order| {
                        o.captured = amount;
                        o.state = OrderState::Captured;
                    },
                })
            },
        )
    }

    fn cancel(
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
                if order.kind == Kind::Original
                    || !matches!(order.state, OrderState::Authorised | OrderState::Captured)
                {
                    return Err(state_error("cancel", order));
                }
                let balance = order.balance();
                let requested = req.order.amount.map(Yen::get);
                // The guide (Cancel, amount): "*d Payment can be specified only for Single
                // Payment."
                if requested.is_some() && order.pay_type == "docomo" && order.kind != Kind::Single
                {
                    return Err(failure(
                        &ResultCode::UaReq001,
                        None,
                        "order.amount: d Payment takes a cancel amount only for single payments"
                            .into(),
                    ));
                }
                // "If not specified, the full amount is cancelled."
                let amount = requested.unwrap_or(balance);
                // "Amount exceeding the current payment amount (balance) cannot be
                // specified."
                if amount == 0 || amount > balance {
                    return Err(failure(
                        &ResultCode::UaPrv004,
                        None,
                        format!("order.amount: {amount} is more than the balance {balance}"),
                    ));
                }
                // "Only the full amount can be specified for orders where Capture has not
                // yet been made (Authorization only status)."
                if order.state == OrderState::Authorised && amount != balance {
                    return Err(failure(
                        &ResultCode::UaPrv004,
                        None,
                        format!(
                            "order.amount: {amount}: an order not yet captured is cancelled in full ({balance})"
                        ),
                    ));
                }
                let column = match (order.pay_type.as_str(), order.state) {
                    ("merpay", OrderState::Captured) => "cancelAfterCapture",
                    ("merpay", _) => "cancelBeforeCapture",
                    _ => "cancel",
                };
                Ok(Decision {
                    keys: req.transaction.as_ref().map_or((None, None), |t| {
                        (t.merchant_request_key1.clone(), t.merchant_request_key2.clone())
                    }),
                    cell: store.sim_cell(&order.pay_type, column, amount, None),
                    // "*If not set at the time of cancellation request by forceMode=refund,
                    // the amount will not be returned."
                    amount: (requested.is_some() || !force_refund).then_some(amount),
                    effect: move |o: &mut Order| {
                        o.cancelled += amount;
                        if o.balance() == 0 {
                            o.state = OrderState::Cancelled;
                        }
                    },
                })
            },
        )
    }

    fn update_order(
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
                // The guide: not for auth-with-capture orders nor captured ones; au only for
                // single payments.
                let au_charge = order.pay_type == "au" && order.kind != Kind::Single;
                if order.kind == Kind::Original
                    || order.state != OrderState::Authorised
                    || order.auth_with_capture
                    || au_charge
                {
                    return Err(state_error("updateOrder", order));
                }
                let new_amount = req.order.amount.map(Yen::get);
                let extend = req
                    .order
                    .auth_extension_type
                    .is_some_and(|t| t.to_string() == "extend");
                let column = match (order.pay_type.as_str(), extend, new_amount.is_some()) {
                    ("rakuten", true, true) => "updateBoth",
                    ("rakuten", true, false) => "updateExtend",
                    ("rakuten", _, _) => "updateAmount",
                    _ => "updateOrder",
                };
                let trigger = new_amount.unwrap_or(order.amount);
                Ok(Decision {
                    keys: request_keys(req.transaction.as_ref()),
                    cell: store.sim_cell(&order.pay_type, column, trigger, None),
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

    fn terminate(
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
                // The guide's life cycle: cancellation of contract in every status but its own end.
                if order.kind != Kind::Original || order.state == OrderState::Terminated {
                    return Err(state_error("terminate", order));
                }
                Ok(Decision {
                    keys: request_keys(req.transaction.as_ref()),
                    cell: None,
                    // The guide lists no order.amount for a cancellation of contract.
                    amount: None,
                    effect: |o: &mut Order| o.state = OrderState::Terminated,
                })
            },
        )
    }

    /// A command on an existing order: find it, check its state, consult the simulation
    /// table, apply the effect on success.
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
                    &ResultCode::UaReq900,
                    None,
                    "order: no such paymentId / fepOrderId".into(),
                ),
                vec![],
            );
        };
        let decision = match decide(self, &order) {
            Ok(d) => d,
            Err(answer) => return (answer, vec![]),
        };
        let cell = decision
            .cell
            .unwrap_or_else(|| self.success_cell(&order.pay_type));
        let mut order = order;
        if cell.is_success() {
            (decision.effect)(&mut order);
        }
        let reference = format!("X{}", inner.next_id());
        let (status, mut payload) = response(&order, &command, &reference, &cell, decision.amount);
        if let Some(t) = payload.transaction.as_mut() {
            (t.merchant_request_key1, t.merchant_request_key2) = decision.keys;
        }
        app.record(
            Gateway::Unified,
            command.as_str(),
            &reference,
            json!({
                "paymentId": order.payment_id, "payType": order.pay_type,
                "resultCode": cell.result_code, "balance": order.balance(),
            }),
        );
        // The guide's Notification Conditions: "All Status" for every follow-up command a
        // payment type supports (the others are refused before this point).
        let deliveries = push_url
            .map(|url| webhook(app, &url, &payload))
            .into_iter()
            .collect();
        inner.txns.insert(
            reference,
            Txn {
                command,
                payment_id: order.payment_id.clone(),
                pending: false,
                payload: payload.clone(),
            },
        );
        inner.orders.insert(order.payment_id.clone(), order);
        (answer(status, &payload), deliveries)
    }

    fn charge(
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
                    &ResultCode::UaReq900,
                    None,
                    "order: no such originalPaymentId / originalFepOrderId".into(),
                ),
                vec![],
            );
        };
        if original.kind != Kind::Original || original.state != OrderState::Subscribed {
            return (state_error("charge", &original), vec![]);
        }
        if inner.payment_id_taken(&req.order.payment_id) {
            return (
                failure(
                    &ResultCode::UaReq003,
                    None,
                    format!("order.paymentId: {} was already used", req.order.payment_id),
                ),
                vec![],
            );
        }
        let amount = req.order.amount.get();
        let recovery = req
            .control
            .as_ref()
            .and_then(|c| c.protocol.as_ref())
            .and_then(|p| p.recovery_type)
            .map(|r| r.to_string());
        let cell = self
            .sim_cell(&original.pay_type, "charge", amount, recovery.as_deref())
            .unwrap_or_else(|| self.success_cell(&original.pay_type));
        // UA-U00-001 (PayPay, recovery): the payment completes afterwards with success,
        // told by a webhook; until it is answered the result is not final.
        let user_paying = cell.code() == ResultCode::UaU00001;
        let ok = cell.is_success() || user_paying;
        let auth_with_capture = req
            .order
            .auth_capture_type
            .is_some_and(|t| t.to_string() == "auth_with_capture");
        let fep_order_id = format!("{}_{}", req.order.payment_id, inner.next_id());
        let reference = format!("X{}", inner.next_id());
        // The guide (Webhook, Notification Conditions): "A notification is sent when the
        // status of an order, for which a pushUrl was specified at the time of request,
        // meets the following conditions": the charge request's own pushUrl.
        let push_url = req.control.as_ref().and_then(|c| c.push_url.clone());
        let order = Order {
            payment_id: req.order.payment_id.clone(),
            fep_order_id: fep_order_id.clone(),
            pay_type: original.pay_type.clone(),
            kind: Kind::Charge,
            state: match (ok, auth_with_capture) {
                (false, _) => OrderState::Failed,
                (true, true) => OrderState::Captured,
                (true, false) => OrderState::Authorised,
            },
            amount,
            captured: if ok && auth_with_capture { amount } else { 0 },
            cancelled: 0,
            auth_with_capture,
            success_url: original.success_url.clone(),
            cancel_url: original.cancel_url.clone(),
            error_url: original.error_url.clone(),
            push_url: push_url.clone(),
            merchant_keys: req
                .transaction
                .as_ref()
                .map(|t| {
                    (
                        t.merchant_request_key1.clone(),
                        t.merchant_request_key2.clone(),
                    )
                })
                .unwrap_or_default(),
        };
        let (status, mut payload) = response(
            &order,
            &TransactionCommand::Charge,
            &reference,
            &cell,
            Some(amount),
        );
        payload
            .order
            .get_or_insert_with(Default::default)
            .original_payment_id = Some(original.payment_id.clone());
        payload
            .order
            .get_or_insert_with(Default::default)
            .original_fep_order_id = Some(original.fep_order_id.clone());
        app.record(
            Gateway::Unified,
            TransactionCommand::Charge.as_str(),
            &reference,
            json!({
                "paymentId": order.payment_id, "originalPaymentId": original.payment_id,
                "amount": amount, "resultCode": cell.result_code,
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
            let success = self.success_cell(&order.pay_type);
            let (_, mut done) = response(
                &order,
                &TransactionCommand::Charge,
                &reference,
                &Cell::of(&ResultCode::Ua000001, success.v_result_code),
                Some(amount),
            );
            done.order = payload.order.clone();
            settled_payload = done;
            if let Some(url) = &push_url {
                self.deliver_then_settle(
                    app,
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
                payload: settled_payload,
            },
        );
        inner
            .fep_orders
            .insert(fep_order_id, order.payment_id.clone());
        inner.orders.insert(order.payment_id.clone(), order);
        (answer(status, &payload), deliveries)
    }

    /// Queues the `UA-U00-001` webhook, then, once it settled, the one that finalises the
    /// order, and closes the `UA-U00-001` window of `reference` once the merchant
    /// answered the final one with 200.
    fn deliver_then_settle(
        &self,
        app: &AppState,
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
        let (app, reference, inner) = (app.clone(), reference.to_string(), self.inner.clone());
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
            if record.is_some_and(|r| r.status == crate::delivery::DeliveryStatus::Delivered) {
                let mut inner = inner.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(txn) = inner.txns.get_mut(&reference) {
                    txn.pending = false;
                }
            }
        });
    }

    fn get_transaction_result(inner: &Inner, req: &GetTransactionResultRequest) -> Answer {
        let Some(txn) = inner.txns.get(&req.transaction.fep_reference_id) else {
            return failure(
                &ResultCode::UaReq900,
                None,
                "transaction.fepReferenceId: no such transaction".into(),
            );
        };
        if txn.pending {
            let (status, info) = result_info(&Cell::of(&ResultCode::UaU00001, None), None);
            return answer_value(status, json!({ "result": info }));
        }
        let result = txn.payload.result.clone();
        answer_value(
            StatusCode::OK,
            json!({ "result": result, "transactionData": txn.payload }),
        )
    }

    /// The dummy provider page of a pay/subscribe transaction.
    pub(crate) fn provider_page(&self, reference: &str) -> Result<String, (StatusCode, String)> {
        let inner = self.lock();
        let (order, outcomes) = self.page_target(&inner, reference)?;
        let mut html = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sandbox {pt}</title></head><body>\
             <h1>Dummy {pt} page (VeriTrans4G Unified API sandbox)</h1>\
             <p>paymentId {pid}, amount {amount} yen. Choose the outcome:</p><ul>",
            pt = escape(&order.pay_type),
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
        let sim = self.sim.of(&order.pay_type).ok_or((
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
                app.record(
                    Gateway::Unified,
                    "provider",
                    reference,
                    json!({ "paymentId": order.payment_id, "outcome": chosen.id }),
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
            order.state = match (&code, order.kind, order.auth_with_capture) {
                (ResultCode::Ua000001, Kind::Original, _) => OrderState::Subscribed,
                (ResultCode::Ua000001, _, true) => OrderState::Captured,
                (ResultCode::Ua000001, _, false) => OrderState::Authorised,
                (ResultCode::UaU00001, _, _) => OrderState::AwaitingConsumer,
                _ => OrderState::Failed,
            };
            if order.state == OrderState::Captured {
                order.captured = order.amount;
            }
            let amount = (order.kind == Kind::Single).then_some(order.amount);
            let (_, payload) = response(&order, &command, reference, &chosen.cell, amount);
            let pending = code == ResultCode::UaU00001;
            if let Some(txn) = inner.txns.get_mut(reference) {
                txn.pending = pending;
                txn.payload = payload.clone();
            }
            app.record(
                Gateway::Unified,
                "provider",
                reference,
                json!({
                    "paymentId": order.payment_id, "outcome": chosen.id,
                    "resultCode": chosen.cell.result_code,
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
        for d in deliveries {
            if let Err(e) = app.deliver(d) {
                tracing::warn!(error = %e, "unified webhook not queued");
            }
        }
        Ok(choice)
    }
}

/// What a follow-up command does: the simulated cell (`None`: success), the answer's
/// `order.amount`, and the change applied on success.
struct Decision<F> {
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
    pay_type: String,
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

/// `Authorization: Bearer {token}`, compared in constant time.
fn authorised(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The guide's key format: single-byte alphanumerics, `-`, `_`; at most 100 bytes.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 100
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Checks the body with the generated rules (the client's own validation), then reads it
/// into the generated request type. Loopback webhook URLs are allowed here: the real
/// sandbox requires https on port 443, this one serves local tests.
fn parse<C: Command + DeserializeOwned>(value: &Value, ctx: &Context) -> Result<C, String> {
    let violations: Vec<String> = validate::check(C::RULES, C::PAY_TYPES, value, ctx)
        .into_iter()
        .filter(|v| {
            let push_rule = matches!(
                v.rule,
                Rule::PushUrlHttps | Rule::PushUrlPort | Rule::PushUrlPrivate
            );
            !(push_rule && is_loopback_url(value, &v.path))
        })
        .map(|v| v.to_string())
        .collect();
    if !violations.is_empty() {
        return Err(violations.join("; "));
    }
    serde_json::from_value(value.clone()).map_err(|e| format!("body: {e}"))
}

fn is_loopback_url(body: &Value, path: &str) -> bool {
    let pointer = format!("/{}", path.replace('.', "/"));
    let Some(text) = body.pointer(&pointer).and_then(Value::as_str) else {
        return false;
    };
    url::Url::parse(text).is_ok_and(|u| match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    })
}

/// `result` of an answer: status, action code and message from the generated table.
fn result_info(cell: &Cell, message: Option<String>) -> (StatusCode, ResultInfo) {
    let info = RESULT_CODES
        .iter()
        .find(|i| i.result_code == cell.result_code);
    let status = info
        .and_then(|i| StatusCode::from_u16(i.http_status).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        ResultInfo {
            result_code: Some(cell.result_code.clone()),
            status: info.map(|i| i.status.to_string()),
            action_code: info.map(|i| i.action_code.to_string()),
            message: message.or_else(|| info.map(|i| i.description.to_string())),
            v_result_code: cell.v_result_code.clone(),
        },
    )
}

/// An answer carrying only `result` (refusals before any order is touched).
fn failure(code: &ResultCode, v_result_code: Option<&str>, message: String) -> Answer {
    let cell = Cell::of(code, v_result_code.map(String::from));
    let described = RESULT_CODES
        .iter()
        .find(|i| i.result_code == code.as_str())
        .map(|i| format!("{}: {message}", i.description))
        .unwrap_or(message);
    let (status, info) = result_info(&cell, Some(described));
    answer_value(status, json!({ "result": info }))
}

fn state_error(command: &str, order: &Order) -> Answer {
    failure(
        &ResultCode::UaReq007,
        None,
        format!(
            "{command} is not possible for order {} in state {:?}",
            order.payment_id, order.state
        ),
    )
}

fn answer_value(status: StatusCode, body: Value) -> Answer {
    Answer {
        status,
        body: Some(body),
    }
}

fn answer(status: StatusCode, payload: &WebhookPayload) -> Answer {
    answer_value(status, serde_json::to_value(payload).unwrap_or(Value::Null))
}

/// `yyyyMMddHHmmss` in JST.
fn jst_now() -> String {
    let offset = UtcOffset::from_hms(9, 0, 0).unwrap_or(UtcOffset::UTC);
    let now = OffsetDateTime::now_utc().to_offset(offset);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// The body every command answers with (and webhooks carry): result, order, transaction.
///
/// `amount` is `order.amount`: the guide's "Amount to be processed (amount set at the time
/// of request, balance amount when not set)", which each command works out.
fn response(
    order: &Order,
    command: &TransactionCommand,
    reference: &str,
    cell: &Cell,
    amount: Option<u64>,
) -> (StatusCode, WebhookPayload) {
    let (status, result) = result_info(cell, None);
    let payload = WebhookPayload {
        result: Some(result),
        order: Some(ResponseOrder {
            payment_id: Some(order.payment_id.clone()),
            fep_order_id: Some(order.fep_order_id.clone()),
            pay_type: Some(order.pay_type.clone()),
            amount: amount.map(|a| a.to_string()),
            ..Default::default()
        }),
        transaction: Some(ResponseTransaction {
            command: Some(command.as_str().to_string()),
            fep_reference_id: Some(reference.to_string()),
            transaction_datetime: Some(jst_now()),
            merchant_request_key1: order.merchant_keys.0.clone(),
            merchant_request_key2: order.merchant_keys.1.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    (status, payload)
}

/// A webhook: the JSON body signed with `X-VT-Content-hmac`, a fresh `X-VT-webhook-id`
/// that every redelivery repeats.
fn webhook(app: &AppState, url: &str, payload: &WebhookPayload) -> Delivery {
    let body = serde_json::to_vec(payload).unwrap_or_default();
    let creds = app.credentials();
    let id = uuid::Uuid::new_v4().simple().to_string();
    Delivery::new(Gateway::Unified, id.clone(), url)
        .header("Content-Type", "application/json")
        .header(
            sign::WEBHOOK_HEADER,
            sign::sign_webhook(&creds.merchant_ccid, &creds.merchant_auth_key, &body),
        )
        .header(WEBHOOK_ID_HEADER, id)
        .body(body)
}

/// The merchant URL with the redirect parameters, `authParams` and `vAuthInfo`.
fn signed_redirect(
    app: &AppState,
    url: &str,
    order: &Order,
    command: &TransactionCommand,
    reference: &str,
    payload: &WebhookPayload,
) -> String {
    let result = payload.result.clone().unwrap_or_default();
    let mut params: Vec<(&str, String)> = vec![
        ("status", result.status.unwrap_or_default()),
        ("actionCode", result.action_code.unwrap_or_default()),
        ("resultCode", result.result_code.unwrap_or_default()),
        ("command", command.as_str().to_string()),
        ("paymentId", order.payment_id.clone()),
        ("fepOrderId", order.fep_order_id.clone()),
        ("fepReferenceId", reference.to_string()),
    ];
    if let Some(k) = &order.merchant_keys.0 {
        params.push(("merchantRequestKey1", k.clone()));
    }
    if let Some(k) = &order.merchant_keys.1 {
        params.push(("merchantRequestKey2", k.clone()));
    }
    let creds = app.credentials();
    let (auth_params, v_auth_info) =
        sign::sign_redirect(&creds.merchant_ccid, &creds.merchant_auth_key, &params);
    match url::Url::parse(url) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in &params {
                    q.append_pair(k, v);
                }
                q.append_pair("authParams", &auth_params);
                q.append_pair("vAuthInfo", &v_auth_info);
            }
            u.to_string()
        }
        // The URL passed validation; an unparsable one cannot occur, but never panic.
        Err(_) => url.to_string(),
    }
}
