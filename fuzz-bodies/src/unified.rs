//! `unified-proto`: the webhook (headers and body), the redirect, every response body and
//! the request validator.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use unified_proto::validate::{self, Context, Mode};
use unified_proto::{
    ActionCode, CancelRequest, CaptureRequest, ChargeRequest, Command, Error,
    GetTransactionResultRequest, MerchantKeys, PayRequest, Redirect, ResponseOrder, ResultCode,
    ResultInfo, Status, SubscribeRequest, TerminateRequest, UpdateOrderRequest, Webhook,
};
use veritrans_sign::unified as sign_unified;

use crate::frame::{first_line, header_pair, headers_and_body};
use crate::keys;

fn merchant() -> MerchantKeys {
    MerchantKeys::new(keys::CCID, keys::unified())
}

/// A webhook ID of the allowed alphabet, used when the input gives none.
const WEBHOOK_ID: &str = "01HG79DYJS6MJBN8BRS0HAQ38X";

/// `Webhook::verify_and_parse`: header lines (`Name: value`) up to an empty line, then the
/// body. Run as received, then with the `X-VT-Content-hmac` the gateway would send for the
/// body (other received headers kept), so the JSON parsing behind the check is reached.
pub fn webhook(data: &[u8]) {
    let keys = merchant();
    let (lines, body) = headers_and_body(data);
    let mut received = http::HeaderMap::new();
    for line in lines {
        let Some((name, value)) = header_pair(line) else {
            continue;
        };
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            received.append(n, v);
        }
    }
    let _ = Webhook::verify_and_parse(&received, body, &keys);

    let id = received
        .get(unified_proto::notify::WEBHOOK_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(WEBHOOK_ID)
        .to_string();
    let mut signed = Webhook::test_headers(&keys, &id, body);
    for (name, value) in &received {
        if name
            .as_str()
            .eq_ignore_ascii_case(unified_proto::notify::WEBHOOK_HMAC_HEADER)
        {
            continue;
        }
        if !signed.contains_key(name) {
            signed.append(name.clone(), value.clone());
        }
    }
    let result = Webhook::verify_and_parse(&signed, body, &keys);
    let expect_refused = body.is_empty() || body.len() > veritrans_sign::MAX_INPUT_LEN;
    if !expect_refused {
        assert!(
            !matches!(result, Err(Error::Signature { .. })),
            "a webhook signed with the key is refused at the signature: {:?}",
            result.as_ref().err()
        );
    }
    if let Ok(hook) = result {
        if let Some(order) = &hook.payload.order {
            read_order(order);
        }
        // The payload is read straight from the bytes; where a JSON tree holds the body,
        // the former read through the tree gives the same payload.
        assert_eq!(
            hook.body().as_bytes(),
            body,
            "the verified body is kept as received"
        );
        if let Ok(tree) = hook.raw() {
            let through_tree = serde_json::from_value::<unified_proto::WebhookPayload>(tree);
            assert_eq!(
                through_tree.as_ref().map(|p| format!("{p:?}")).ok(),
                Some(format!("{:?}", hook.payload)),
                "the typed read and the read through a tree disagree"
            );
        }
        let _ = (hook.result_code, hook.status, hook.action_code);
    }
}

/// The typed amounts (parsed as `Yen` with the order; read here so a change that
/// made them lazy again would still be exercised).
fn read_order(order: &ResponseOrder) {
    let _ = order.amount.map(unified_proto::Yen::get);
    let _ = order.used_point.map(unified_proto::Yen::get);
}

/// `Redirect::verify`: the input is the query string (or whole URL) as received, then the
/// same parameters re-sent with the `authParams`/`vAuthInfo` the gateway would add (when
/// they are signable: distinct non-empty names without `,`, and a `paymentId`).
pub fn redirect(data: &[u8]) {
    let keys = merchant();
    let query = String::from_utf8_lossy(data);
    let _ = Redirect::verify_and_parse(&query, &keys, "paymentId_1234567890");
    let Ok(params) = sign_unified::query_params(&query) else {
        return;
    };
    let mut names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    let signable = names.windows(2).all(|w| w[0] != w[1])
        && names.iter().all(|n| {
            !n.is_empty()
                && !n.contains(',')
                && *n != sign_unified::AUTH_PARAMS
                && *n != sign_unified::V_AUTH_INFO
        });
    let Some(payment_id) = params
        .iter()
        .find(|(k, _)| k == sign_unified::PAYMENT_ID)
        .map(|(_, v)| v.clone())
    else {
        return;
    };
    if !signable {
        return;
    }
    let (auth_params, v_auth_info) =
        sign_unified::sign_redirect(keys::CCID, &keys.auth_key, &params);
    let signed = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .append_pair(sign_unified::AUTH_PARAMS, &auth_params)
        .append_pair(sign_unified::V_AUTH_INFO, &v_auth_info)
        .finish();
    let result = Redirect::verify_and_parse(&signed, &keys, &payment_id);
    assert!(
        !matches!(result, Err(Error::Signature { .. })),
        "a redirect signed with the key is refused at the signature: {:?}",
        result.as_ref().err()
    );
    if let Ok(r) = result {
        let mut sent = params.clone();
        sent.push((sign_unified::AUTH_PARAMS.into(), auth_params));
        sent.push((sign_unified::V_AUTH_INFO.into(), v_auth_info));
        assert_eq!(
            r.params().ok(),
            Some(sent),
            "the pairs sent, decoded on demand"
        );
        let _ = (r.result_code, r.status, r.action_code, r.query);
    }
}

/// Every command's response body type: first line ignored (room for a status), the rest
/// the body. A body that parses re-serialises to JSON that parses to the same value.
pub fn responses(data: &[u8]) {
    let (_, body) = first_line(data);
    response::<PayRequest>(body);
    response::<CaptureRequest>(body);
    response::<CancelRequest>(body);
    response::<ChargeRequest>(body);
    response::<GetTransactionResultRequest>(body);
    response::<SubscribeRequest>(body);
    response::<TerminateRequest>(body);
    response::<UpdateOrderRequest>(body);
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = (
            ResultCode::from(text),
            Status::from(text),
            ActionCode::from(text),
        );
        let _ = unified_proto::parse_yen("order.amount", text);
    }
}

fn response<C: Command>(body: &[u8])
where
    C::Response: Serialize,
{
    let Ok(raw) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    if let Some(result) = raw.get("result")
        && let Ok(info) = serde_json::from_value::<ResultInfo>(result.clone())
    {
        let _ = (
            info.result_code.as_ref().map(ToString::to_string),
            info.status.as_ref().map(ToString::to_string),
            info.action_code.as_ref().map(ToString::to_string),
        );
    }
    if let Some(order) = raw.get("order")
        && let Ok(order) = serde_json::from_value::<ResponseOrder>(order.clone())
    {
        read_order(&order);
    }
    let Ok(typed) = serde_json::from_value::<C::Response>(raw) else {
        return;
    };
    round_trip::<C::Response>(&typed, C::NAME);
}

/// Serialise → parse → serialise gives the same JSON.
fn round_trip<T: Serialize + DeserializeOwned>(value: &T, what: &str) {
    let Ok(first) = serde_json::to_value(value) else {
        return;
    };
    let again: Result<T, _> = serde_json::from_value(first.clone());
    let Ok(again) = again else {
        panic!("{what}: its own serialisation does not parse: {first}");
    };
    let second = serde_json::to_value(&again).ok();
    assert_eq!(second.as_ref(), Some(&first), "{what}: round trip");
}

/// The validator on arbitrary JSON: `validate::check` with every command's rules in every
/// context, and for bodies that parse as a command's request, `validate::validate`,
/// `validate::body_of` and a round trip.
pub fn validate(data: &[u8]) {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let mut local = Context::new(Mode::Test);
    local.local_push_url = true;
    let contexts = [
        Context::new(Mode::Test),
        Context::new(Mode::Live),
        Context::new(Mode::Live).with_pay_type(unified_proto::PayType::Paypay),
        local.with_pay_type(unified_proto::PayType::Rakuten),
    ];
    for ctx in &contexts {
        request::<PayRequest>(&body, ctx);
        request::<CaptureRequest>(&body, ctx);
        request::<CancelRequest>(&body, ctx);
        request::<ChargeRequest>(&body, ctx);
        request::<GetTransactionResultRequest>(&body, ctx);
        request::<SubscribeRequest>(&body, ctx);
        request::<TerminateRequest>(&body, ctx);
        request::<UpdateOrderRequest>(&body, ctx);
    }
}

fn request<C: Command + DeserializeOwned>(body: &Value, ctx: &Context) {
    for violation in validate::check(C::RULES, C::PAY_TYPES, body, ctx) {
        let _ = violation.to_string();
    }
    let Ok(typed) = serde_json::from_value::<C>(body.clone()) else {
        return;
    };
    if let Err(e) = validate::validate(&typed, ctx) {
        let _ = e.to_string();
    }
    if let Ok(bytes) = validate::body_of(&typed) {
        let again = serde_json::from_slice::<C>(&bytes);
        let Ok(again) = again else {
            panic!("{}: body_of's bytes do not parse", C::NAME);
        };
        assert_eq!(
            validate::body_of(&again).ok().as_ref(),
            Some(&bytes),
            "{}: body_of round trip",
            C::NAME
        );
    }
}
