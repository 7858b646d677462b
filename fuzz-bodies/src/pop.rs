//! `pop-proto`: the redirect and push notifications and every response parser.

use pop_proto::{Error, Push, Redirect};
use veritrans_sign::pop as sign_pop;

use crate::frame::first_line;
use crate::keys;

/// A notification the test key signed must get past the signature check: any error after
/// it is about the content, never the signature.
fn past_the_signature<T>(result: &Result<T, Error>, what: &str) {
    assert!(
        !matches!(
            result,
            Err(Error::Signature(_) | Error::MissingSignature | Error::NotificationBody(_))
        ),
        "{what} signed with the key is refused at the signature: {:?}",
        result.as_ref().err()
    );
}

/// `Redirect::verify_and_parse` on the bytes as received, then on the same form body with a
/// valid `signature` appended, so the typed parsing behind the check is reached.
pub fn redirect(data: &[u8]) {
    let key = keys::pop();
    let Ok(params) = sign_pop::form_params(data) else {
        let _ = Redirect::verify_and_parse(data, &key, "");
        return;
    };
    // The order the redirect names, so the order binding passes and the parsing behind
    // it is reached.
    let order_id = params
        .iter()
        .find(|(k, _)| k == "order_id")
        .map_or("", |(_, v)| v.as_str());
    let _ = Redirect::verify_and_parse(data, &key, order_id);
    if params.iter().any(|(k, _)| k == "signature") {
        return;
    }
    let mut body = data.to_vec();
    body.extend_from_slice(b"&signature=");
    body.extend_from_slice(sign_pop::sign(&params, &key).as_bytes());
    let result = Redirect::verify_and_parse(&body, &key, order_id);
    past_the_signature(&result, "redirect");
    if let Ok(redirect) = result {
        read(&redirect.notification);
    }
}

/// `Push::verify_and_parse` on the bytes as received, then on the same JSON object with a
/// valid `signature` member inserted first.
pub fn push(data: &[u8]) {
    let key = keys::pop();
    let _ = Push::verify_and_parse(data, &key);
    let Ok(params) = sign_pop::json_params(data) else {
        return;
    };
    if params.iter().any(|(k, _)| k == "signature") {
        return;
    }
    // json_params accepted it, so it is UTF-8 and starts (after spaces) with `{`.
    let Some(rest) = std::str::from_utf8(data)
        .ok()
        .and_then(|t| t.trim_start().strip_prefix('{'))
    else {
        return;
    };
    let separator = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    let signature = sign_pop::sign(&params, &key);
    let body = format!("{{\"signature\":\"{signature}\"{separator}{rest}");
    let result = Push::verify_and_parse(body.as_bytes(), &key);
    past_the_signature(&result, "push");
    if let Ok(push) = result {
        read(&push.notification);
    }
}

fn read(n: &pop_proto::Notification) {
    let _ = (
        n.order_id(),
        n.merchant_id(),
        n.status(),
        n.result_code(),
        n.v_result_code(),
        n.dummy(),
        n.is_success(),
    );
}

/// Every response parser: first line `<HTTP status> <Content-Type>` (an unreadable status
/// reads as 200; no content type when the line has none), the rest the body.
pub fn responses(data: &[u8]) {
    let (line, body) = first_line(data);
    let line = String::from_utf8_lossy(line);
    let (status, content_type) = match line.split_once(' ') {
        Some((s, ct)) => (s, Some(ct.trim())),
        None => (line.as_ref(), None),
    };
    let status = status.trim().parse::<u16>().unwrap_or(200);
    let _ = pop_proto::payment_key(status, content_type, body);
    let _ = pop_proto::payment_link(status, content_type, body);
    let _ = pop_proto::account_management_key(status, content_type, body);
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = pop_proto::parse_jst(text);
        let _ = pop_proto::Yen::parse(text);
    }
}
