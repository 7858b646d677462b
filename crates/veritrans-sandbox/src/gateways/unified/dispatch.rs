//! `POST /fep/{command}`: authentication, the idempotency key, the body read with the
//! generated request types and checked with `unified-proto`'s own validator (the
//! client's rules, with the local `pushUrl` opt-in), then the command.

use http::{HeaderMap, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use unified_proto::validate::{self, Context, Mode};
use unified_proto::versions::GuideVersion;
use unified_proto::wire::field;
use unified_proto::{
    CONTENT_HMAC_HEADER, CancelRequest, CaptureRequest, ChargeRequest, Command,
    GetTransactionResultRequest, IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_RULE, PayRequest,
    ResultCode, SubscribeRequest, TerminateRequest, UpdateOrderRequest,
};

use super::answers::{Answer, failure};
use super::store::Store;
use crate::state::AppState;

/// The order a typed request names, for idempotency and for the payment type its
/// validation needs.
pub(super) trait Addressed {
    /// paymentId and fepOrderId of the request's own order.
    fn order_ids(&self) -> (Option<&str>, Option<&str>);
    /// The order whose payment type applies to this request (a charge's original).
    fn pay_type_source(&self) -> (Option<&str>, Option<&str>) {
        self.order_ids()
    }
}

macro_rules! addressed_by_either_id {
    ($($ty:ty),*) => {$(
        impl Addressed for $ty {
            fn order_ids(&self) -> (Option<&str>, Option<&str>) {
                (self.order.payment_id.as_deref(), self.order.fep_order_id.as_deref())
            }
        }
    )*};
}
addressed_by_either_id!(
    CaptureRequest,
    CancelRequest,
    UpdateOrderRequest,
    TerminateRequest
);

impl Addressed for PayRequest {
    fn order_ids(&self) -> (Option<&str>, Option<&str>) {
        (Some(&self.order.payment_id), None)
    }
}

impl Addressed for SubscribeRequest {
    fn order_ids(&self) -> (Option<&str>, Option<&str>) {
        (Some(&self.order.payment_id), None)
    }
}

impl Addressed for ChargeRequest {
    fn order_ids(&self) -> (Option<&str>, Option<&str>) {
        (Some(&self.order.payment_id), None)
    }
    /// A charge names a new paymentId of its own; its payment type is its original
    /// order's (else the per-type rules, such as PayPay's auth_with_capture, would never
    /// apply to charges).
    fn pay_type_source(&self) -> (Option<&str>, Option<&str>) {
        (
            self.order.original_payment_id.as_deref(),
            self.order.original_fep_order_id.as_deref(),
        )
    }
}

impl Addressed for GetTransactionResultRequest {
    /// "each API": keyed by the key and the API alone (`idempotency.rs`).
    fn order_ids(&self) -> (Option<&str>, Option<&str>) {
        (None, None)
    }
}

impl Store {
    /// `POST /fep/{command}`.
    pub(crate) fn handle(
        &self,
        app: &AppState,
        command: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Answer {
        // The commands of the emulated guide version (a body names its command by path).
        if self.guide.command(command).is_none() {
            return Answer::not_found();
        }
        if !self.authenticated(app, headers, body) {
            let bearer =
                "Authorization must be `Bearer {token}` with the sandbox's Unified API token";
            let how = if self.guide.accepts_request_hmac() {
                format!(
                    "{bearer}, or {CONTENT_HMAC_HEADER} must sign the body with the sandbox's merchant CCID and key"
                )
            } else {
                bearer.to_string()
            };
            return failure(
                self.guide,
                &ResultCode::UaReq008,
                format!("Authentication error: {how}"),
            );
        }
        let key = match idempotency_key(self.guide, headers) {
            Ok(key) => key,
            Err(answer) => return answer,
        };
        let value: Value = match serde_json::from_slice(body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                return failure(
                    self.guide,
                    &ResultCode::UaReq001,
                    "body: must be a JSON object".into(),
                );
            }
            Err(e) => {
                return failure(
                    self.guide,
                    &ResultCode::UaReq001,
                    format!("body: not JSON ({e})"),
                );
            }
        };
        macro_rules! run {
            ($ty:ty, |$inner:ident, $req:ident| $effect:expr) => {
                match self.read::<$ty>(value) {
                    Ok($req) => self.idempotent(app, command, key, $req.order_ids(), |$inner| {
                        let $req = &$req;
                        $effect
                    }),
                    Err(message) => failure(self.guide, &ResultCode::UaReq001, message),
                }
            };
        }
        match command {
            PayRequest::NAME => run!(PayRequest, |inner, req| self.pay(app, inner, req)),
            SubscribeRequest::NAME => {
                run!(SubscribeRequest, |inner, req| self
                    .subscribe(app, inner, req))
            }
            UpdateOrderRequest::NAME => {
                run!(UpdateOrderRequest, |inner, req| self
                    .update_order(app, inner, req))
            }
            CaptureRequest::NAME => {
                run!(CaptureRequest, |inner, req| self.capture(app, inner, req))
            }
            CancelRequest::NAME => run!(CancelRequest, |inner, req| self.cancel(app, inner, req)),
            ChargeRequest::NAME => run!(ChargeRequest, |inner, req| self.charge(app, inner, req)),
            TerminateRequest::NAME => {
                run!(TerminateRequest, |inner, req| self
                    .terminate(app, inner, req))
            }
            GetTransactionResultRequest::NAME => {
                run!(GetTransactionResultRequest, |inner, req| (
                    self.get_transaction_result(inner, req),
                    vec![]
                ))
            }
            // A command of the spec this emulation does not serve.
            _ => Answer::not_found(),
        }
    }

    /// Reads the body into the generated request type and checks it with the generated
    /// rules of the emulated guide version's command (the client's own validation). The
    /// payment type of the order the request names enables the per-payment-type limits. Loopback webhook URLs are allowed
    /// through the validator's own opt-in (`Context::local_push_url`): the real sandbox
    /// requires https on port 443, this one serves local tests.
    fn read<C: Command + DeserializeOwned + Addressed>(&self, value: Value) -> Result<C, String> {
        let mut ctx = Context::new(Mode::Test);
        ctx.local_push_url = true;
        // The validator takes a body's own `order.payType` over the context's, so the
        // store (and its lock, which every request contends for) is consulted only for a
        // request that names none: a follow-up command, or a payment that left it out.
        // `get` twice rather than `pointer("/order/payType")`, which unescapes each token
        // into a new string.
        let names_pay_type = value
            .get(field::ORDER)
            .and_then(|order| order.get(field::PAY_TYPE))
            .is_some_and(Value::is_string);
        // Naming none, the request is read before the check (its order names the payment
        // type), from the borrowed body; naming one, after it, by moving the body's
        // strings into the request instead of copying them (a keyed payment's eleven).
        let early = (!names_pay_type).then(|| C::deserialize(&value));
        if let Some(Ok(request)) = &early {
            let (payment_id, fep_order_id) = request.pay_type_source();
            ctx.pay_type = self
                .lock()
                .find(payment_id, fep_order_id)
                .map(|o| o.pay_type);
        }
        // The emulated version's rules for this command; the latest's when it has no
        // such command (not reached: `handle` answers 404 for those first).
        let (rules, pay_types) = self
            .guide
            .command(C::NAME)
            .map_or((C::RULES, C::PAY_TYPES), |c| (c.rules, c.pay_types));
        let violations: Vec<String> = validate::check(rules, pay_types, &value, &ctx)
            .iter()
            .map(ToString::to_string)
            .collect();
        if !violations.is_empty() {
            return Err(violations.join("; "));
        }
        early
            .unwrap_or_else(|| serde_json::from_value(value))
            .map_err(|e| format!("body: {e}"))
    }
}

/// The `X-VT-Idempotency-Key` header, checked with its generated rule in `guide`;
/// `None` without one.
fn idempotency_key(guide: &GuideVersion, headers: &HeaderMap) -> Result<Option<String>, Answer> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let key = String::from_utf8_lossy(value.as_bytes()).into_owned();
    let ctx = Context::new(Mode::Test);
    // Every version names this header; were one not to, the latest's rule applies.
    let rule = guide
        .request_header(IDEMPOTENCY_KEY_HEADER)
        .unwrap_or(&IDEMPOTENCY_KEY_RULE);
    let violations = validate::check_value(rule, Some(&key), &ctx);
    if violations.is_empty() {
        Ok(Some(key))
    } else {
        let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
        Err(failure(guide, &ResultCode::UaReq001, text.join("; ")))
    }
}

impl Store {
    /// Bearer in every version; in a version that also lists HMAC request
    /// authentication (1.1.1 RC), `X-VT-Content-hmac` when no `Authorization` is sent:
    /// unified-api-1.1.1-rc.ja.txt, 決済リクエストの認証について, "両方設定された場合には
    /// Bearer認証として処理します" (both set: processed as Bearer), and HMAC認証について:
    /// HmacSHA512 over the merchant CCID, the request body and the merchant
    /// authentication key, "Webhookの場合も同様に" (as for webhooks, so checked with
    /// the webhook verifier).
    fn authenticated(&self, app: &AppState, headers: &HeaderMap, body: &[u8]) -> bool {
        let credentials = app.credentials();
        if headers.contains_key(header::AUTHORIZATION) || !self.guide.accepts_request_hmac() {
            return authorised(headers, credentials.unified_token.expose_secret());
        }
        headers
            .get(CONTENT_HMAC_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|signature| {
                veritrans_sign::unified::verify_webhook(
                    &credentials.merchant_ccid,
                    &credentials.merchant_auth_key,
                    signature,
                    body,
                )
                .is_ok()
            })
    }
}

/// `Authorization: Bearer {token}`, compared in constant time.
fn authorised(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(unified_proto::wire::AUTHORIZATION_PREFIX))
    else {
        return false;
    };
    veritrans_core::ct_eq(given.as_bytes(), token.as_bytes())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};
    use unified_proto::PayRequest;

    /// `read` takes a body that names its payment type by moving it into the request
    /// (`from_value`), and any other by reading the borrowed body (`deserialize(&value)`):
    /// for a body the rules let through but the type cannot hold, both say the same, so
    /// the answer's message does not depend on which way it was read.
    #[test]
    fn a_moved_body_is_refused_as_a_borrowed_one() {
        let bodies: [Value; 4] = [
            json!({"order": {"payType": "paypay", "paymentId": "p1", "amount": "100"},
                   "control": {"successUrl": "http://127.0.0.1/ok"}, "customer": {"buyer": "x"}}),
            json!({"order": {"payType": "paypay", "paymentId": 7, "amount": "100"}}),
            json!({"order": {"payType": "paypay"}}),
            json!({"order": "nothing"}),
        ];
        for body in bodies {
            let borrowed = PayRequest::deserialize(&body).err().map(|e| e.to_string());
            let moved = serde_json::from_value::<PayRequest>(body.clone())
                .err()
                .map(|e| e.to_string());
            assert!(borrowed.is_some(), "{body}");
            assert_eq!(moved, borrowed, "{body}");
        }
    }
}
