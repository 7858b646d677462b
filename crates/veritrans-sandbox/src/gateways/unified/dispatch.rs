//! `POST /fep/{command}`: authentication, the idempotency key, the body read with the
//! generated request types and checked with `unified-proto`'s own validator (the
//! client's rules, with the local `pushUrl` opt-in), then the command.

use http::{HeaderMap, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use unified_proto::validate::{self, BodyView, Context, Mode};
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
        // Checked through a view of the bytes; a body that is not a JSON object is refused
        // with the error of its reading into a `Value`.
        let view = match BodyView::parse(body) {
            Ok(view) if view.is_object() => view,
            _ => return self.refuse_body(body),
        };
        macro_rules! run {
            ($ty:ty, |$inner:ident, $req:ident| $effect:expr) => {
                match self.read::<$ty>(body, &view) {
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

    /// The answer to a body that is not a JSON object.
    /// (`BodyView` parses exactly the texts a `Value` does, with the same top-level kind:
    /// `unified_proto`'s `a_view_reads_as_the_value_does`.)
    fn refuse_body(&self, body: &[u8]) -> Answer {
        match serde_json::from_slice::<Value>(body) {
            Ok(_) => failure(
                self.guide,
                &ResultCode::UaReq001,
                "body: must be a JSON object".into(),
            ),
            Err(e) => failure(
                self.guide,
                &ResultCode::UaReq001,
                format!("body: not JSON ({e})"),
            ),
        }
    }

    /// Reads the body into the generated request type and checks it with the generated
    /// rules of the emulated guide version's command (the client's own validation). The
    /// payment type of the order the request names enables the per-payment-type limits. Loopback webhook URLs are allowed
    /// through the validator's own opt-in (`Context::local_push_url`): the real sandbox
    /// requires https on port 443, this one serves local tests.
    fn read<C: Command + DeserializeOwned + Addressed>(
        &self,
        body: &[u8],
        view: &BodyView<'_>,
    ) -> Result<C, String> {
        let mut ctx = Context::new(Mode::Test);
        ctx.local_push_url = true;
        // The validator takes a body's own `order.payType` over the context's, so the
        // store (and its lock, which every request contends for) is consulted only for a
        // request that names none: a follow-up command, or a payment that left it out.
        let names_pay_type = view.str_at(&[field::ORDER, field::PAY_TYPE]).is_some();
        // Naming none, the request is read before the check (its order names the payment
        // type); naming one, after it.
        let early = (!names_pay_type).then(|| typed::<C>(body));
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
        let violations: Vec<String> = validate::check_view(rules, pay_types, view, &ctx)
            .iter()
            .map(ToString::to_string)
            .collect();
        if !violations.is_empty() {
            return Err(violations.join("; "));
        }
        early
            .unwrap_or_else(|| typed(body))
            .map_err(|e| format!("body: {e}"))
    }
}

/// The body read into `C` as through a [`Value`], as the sandbox always read it: the
/// bytes straight into `C` when that succeeds, else through a `Value`, whose answer
/// (success or error) is then the one given. The two differ only where serde's derived
/// reading refuses what a `Value` accepts, a repeated member name (a `Value` keeps the
/// last), and in the error's wording (a `Value`'s has no line and column).
fn typed<C: DeserializeOwned>(body: &[u8]) -> Result<C, serde_json::Error> {
    serde_json::from_slice(body)
        .or_else(|_| serde_json::from_slice::<Value>(body).and_then(serde_json::from_value))
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
    use serde_json::Value;
    use unified_proto::PayRequest;

    use super::typed;

    /// `typed` answers what reading through a `Value` answers, the way the sandbox read
    /// every body before it read the bytes straight into the request: the same request,
    /// or the same error message, for a body with a repeated member name (which serde's
    /// derived reading alone refuses), one of the wrong type, one missing a field, one
    /// with a member the type does not know, and one with escapes.
    #[test]
    fn typed_reads_as_a_value_does() {
        let bodies: [&[u8]; 7] = [
            br#"{"order": {"payType": "paypay", "paymentId": "p1", "amount": "100"},
                 "control": {"successUrl": "http://127.0.0.1/ok", "cancelUrl": "http://127.0.0.1/c",
                             "errorUrl": "http://127.0.0.1/e"}}"#,
            br#"{"order": {"payType": "paypay", "paymentId": "p1", "paymentId": "p2", "amount": "100"},
                 "control": {"successUrl": "http://127.0.0.1/ok", "cancelUrl": "http://127.0.0.1/c",
                             "errorUrl": "http://127.0.0.1/e"}}"#,
            br#"{"order": {"payType": "p\u0061ypay", "paymentId": "p\"1", "amount": "100"},
                 "control": {"successUrl": "http://127.0.0.1/ok", "cancelUrl": "http://127.0.0.1/c",
                             "errorUrl": "http://127.0.0.1/e"}, "unknown": [1, {"a": null}]}"#,
            br#"{"order": {"payType": "paypay", "paymentId": 7, "amount": "100"}}"#,
            br#"{"order": {"payType": "paypay"}}"#,
            br#"{"order": "nothing"}"#,
            br#"{"order": {"payType": "paypay"}, "order": {"payType": "rakutenpay"}}"#,
        ];
        for body in bodies {
            let direct = typed::<PayRequest>(body);
            let through_value = serde_json::from_slice::<Value>(body)
                .and_then(serde_json::from_value::<PayRequest>);
            let text = String::from_utf8_lossy(body);
            match (direct, through_value) {
                (Ok(a), Ok(b)) => assert_eq!(
                    serde_json::to_value(a).unwrap(),
                    serde_json::to_value(b).unwrap(),
                    "{text}"
                ),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
                (a, b) => panic!("{text}: {:?} against {:?}", a.is_ok(), b.is_ok()),
            }
        }
        // The repeated name is read as its last value, as a `Value` keeps it, and the
        // escapes are read.
        let repeated = typed::<PayRequest>(bodies[1]).unwrap();
        assert_eq!(repeated.order.payment_id, "p2");
        let escaped = typed::<PayRequest>(bodies[2]).unwrap();
        assert_eq!(escaped.order.payment_id, r#"p"1"#);
    }
}
