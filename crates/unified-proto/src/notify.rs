//! Inbound messages from the gateway: the Webhook (push) and the Redirect of
//! the consumer's browser. Both are verified before anything is parsed into
//! a typed value: there is no way to get a [`Webhook`] or [`Redirect`]
//! without a valid signature.

use std::fmt;

use serde_json::Value;
use veritrans_sign::MerchantAuthKey;
use veritrans_sign::unified as sign;

use serde::de::value::MapDeserializer;

use crate::errors::parse_json;
use crate::text::Text;
use crate::{ActionCode, Error, RedirectQuery, ResultCode, Status, WebhookPayload};

/// Header carrying the webhook's notification ID (for de-duplication); the
/// spec's name, generated.
pub use crate::generated::latest::WEBHOOK_ID_HEADER;
/// Header carrying the webhook's HMAC.
///
/// ```
/// use unified_proto::notify::WEBHOOK_HMAC_HEADER;
/// use unified_proto::{MerchantAuthKey, MerchantKeys, Webhook};
///
/// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
/// let headers = Webhook::test_headers(&keys, "id-1", b"{}");
/// assert!(headers[WEBHOOK_HMAC_HEADER].to_str().unwrap().starts_with("h=HmacSHA512;s=ccid;v="));
/// ```
pub const WEBHOOK_HMAC_HEADER: &str = sign::WEBHOOK_HEADER;

/// The merchant CCID and merchant authentication key from MAP's API
/// configuration; the key is redacted in `Debug`.
///
/// ```
/// use unified_proto::{MerchantAuthKey, MerchantKeys};
///
/// let keys = MerchantKeys::new("your-ccid", MerchantAuthKey::new("your-merchant-auth-key"));
/// assert_eq!(keys.ccid, "your-ccid");
/// assert!(!format!("{keys:?}").contains("your-merchant-auth-key")); // redacted
/// ```
#[derive(Clone)]
pub struct MerchantKeys {
    /// Merchant CCID (the `s=` of the webhook header; not secret).
    pub ccid: String,
    /// Merchant authentication key.
    pub auth_key: MerchantAuthKey,
}

impl MerchantKeys {
    /// Keys for `ccid`.
    ///
    /// ```
    /// use unified_proto::{MerchantAuthKey, MerchantKeys};
    ///
    /// let keys = MerchantKeys::new(String::from("ccid"), MerchantAuthKey::new("key"));
    /// assert_eq!(keys.ccid, "ccid");
    /// ```
    pub fn new(ccid: impl Into<String>, auth_key: MerchantAuthKey) -> Self {
        Self {
            ccid: ccid.into(),
            auth_key,
        }
    }
}

impl fmt::Debug for MerchantKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantKeys")
            .field("ccid", &self.ccid)
            .field("auth_key", &self.auth_key)
            .finish()
    }
}

/// A verified Webhook.
///
/// ```
/// use unified_proto::{Answer, MerchantAuthKey, MerchantKeys, Webhook, yen};
///
/// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
/// let body = br#"{"result":{"resultCode":"UA-000-001","status":"success","actionCode":"success"},"order":{"paymentId":"order-1","amount":"1000"}}"#;
/// let headers = Webhook::test_headers(&keys, "01HG79DYJS6MJBN8BRS0HAQ38X", body);
/// let hook = Webhook::verify_and_parse(&headers, body, &keys)?;
/// assert_eq!(hook.id, "01HG79DYJS6MJBN8BRS0HAQ38X"); // de-duplicate on it
/// assert_eq!((hook.payment_id(), hook.amount()), (Some("order-1"), Some(yen(1000))));
/// # Ok::<(), unified_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Webhook {
    /// `X-VT-webhook-id`: the same notification can arrive more than once;
    /// if this ID was processed already, answer 200 and skip it.
    pub id: String,
    /// The typed body.
    pub payload: WebhookPayload,
    /// The verified body text, exactly as received ([`Webhook::body`],
    /// [`Webhook::raw`]).
    body: Box<str>,
    /// `result.resultCode`.
    pub result_code: Option<ResultCode>,
    /// `result.status`.
    pub status: Option<Status>,
    /// `result.actionCode`.
    pub action_code: Option<ActionCode>,
}

fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> Result<&'a str, Error> {
    let mut values = headers.get_all(name).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(Error::InvalidNotification {
            what: "webhook",
            reason: format!("header {name} must appear exactly once"),
        });
    };
    value.to_str().map_err(|_| Error::InvalidNotification {
        what: "webhook",
        reason: format!("header {name} is not visible ASCII"),
    })
}

impl Webhook {
    /// Verifies `X-VT-Content-hmac` over the exact `raw_body`, then reads
    /// `X-VT-webhook-id` and parses the body. Answer the gateway with HTTP
    /// 200 only after this succeeds (any other status makes it retry).
    ///
    /// ```
    /// use unified_proto::{MerchantKeys, Webhook};
    /// use veritrans_sign::MerchantAuthKey;
    ///
    /// let keys = MerchantKeys::new("sampleCcId", MerchantAuthKey::new("sampleKey"));
    /// let body = br#"{"result":{"resultCode":"UA-000-001","status":"success"},"order":{"paymentId":"p1","amount":"1000"}}"#;
    /// let headers = Webhook::test_headers(&keys, "01HG79DYJS6MJBN8BRS0HAQ38X", body);
    ///
    /// let hook = Webhook::verify_and_parse(&headers, body, &keys)?;
    /// assert_eq!(hook.id, "01HG79DYJS6MJBN8BRS0HAQ38X");
    /// assert!(hook.result_code.unwrap().is_success());
    ///
    /// let tampered = br#"{"result":{"resultCode":"UA-000-001","status":"success"},"order":{"paymentId":"p1","amount":"9000"}}"#;
    /// assert!(Webhook::verify_and_parse(&headers, tampered, &keys).is_err());
    /// # Ok::<(), unified_proto::Error>(())
    /// ```
    pub fn verify_and_parse(
        headers: &http::HeaderMap,
        raw_body: &[u8],
        keys: &MerchantKeys,
    ) -> Result<Self, Error> {
        traced("webhook", Self::verify_untraced(headers, raw_body, keys))
    }

    fn verify_untraced(
        headers: &http::HeaderMap,
        raw_body: &[u8],
        keys: &MerchantKeys,
    ) -> Result<Self, Error> {
        let hmac = header(headers, WEBHOOK_HMAC_HEADER)?;
        sign::verify_webhook(&keys.ccid, &keys.auth_key, hmac, raw_body).map_err(|source| {
            Error::Signature {
                what: "webhook",
                source,
            }
        })?;
        let id = header(headers, WEBHOOK_ID_HEADER)?;
        if id.is_empty() || !veritrans_core::charset::is_id_chars(id) {
            return Err(Error::InvalidNotification {
                what: "webhook",
                reason: format!("{WEBHOOK_ID_HEADER} is not alphanumerics, '-' and '_'"),
            });
        }
        let (body, payload) = match typed_object(raw_body) {
            Some(read) => read,
            // Whatever the quick read refused is read as before, for the same
            // answer: the error with its path, or (a repeated member name, which
            // a JSON tree resolves to the last one) the same payload.
            None => tree_read(raw_body)?,
        };
        let result = payload.result.as_ref();
        Ok(Self {
            id: id.to_string(),
            result_code: result.and_then(|r| r.result_code.clone()),
            status: result.and_then(|r| r.status.clone()),
            action_code: result.and_then(|r| r.action_code.clone()),
            payload,
            body,
        })
    }

    /// The verified body, exactly as received (UTF-8: a JSON text is).
    ///
    /// ```
    /// use unified_proto::{MerchantAuthKey, MerchantKeys, Webhook};
    ///
    /// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
    /// let body = br#"{"order":{"paymentId":"p1"},"futureField":1}"#;
    /// let headers = Webhook::test_headers(&keys, "id-1", body);
    /// let hook = Webhook::verify_and_parse(&headers, body, &keys)?;
    /// assert_eq!(hook.body().as_bytes(), body);
    /// # Ok::<(), unified_proto::Error>(())
    /// ```
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body as a JSON tree, including fields this version does not know,
    /// parsed from [`Webhook::body`] on each call (the typed [`Webhook::payload`]
    /// is read straight from the bytes; building a tree of every webhook cost
    /// more than the typed read itself).
    ///
    /// # Errors
    /// [`Error::MalformedResponse`] when the tree cannot hold the body: a
    /// number beyond `f64` or an unpaired surrogate escape (`\ud800`) in a field
    /// this version does not know. The typed read skips such a field as
    /// `serde_json` skips any unknown member (its syntax checked, its value not
    /// converted), so the webhook itself verifies.
    ///
    /// ```
    /// use unified_proto::{MerchantAuthKey, MerchantKeys, Webhook};
    ///
    /// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
    /// let body = br#"{"order":{"paymentId":"p1","futureField":{"nested":true}}}"#;
    /// let headers = Webhook::test_headers(&keys, "id-1", body);
    /// let hook = Webhook::verify_and_parse(&headers, body, &keys)?;
    /// assert_eq!(hook.raw()?["order"]["futureField"]["nested"], true);
    /// # Ok::<(), unified_proto::Error>(())
    /// ```
    pub fn raw(&self) -> Result<Value, Error> {
        parse_json("webhook", self.body.as_bytes())
    }

    /// Headers the gateway would send with `body`, for testing a webhook
    /// handler (signed with `keys`).
    ///
    /// ```
    /// use unified_proto::notify::{WEBHOOK_HMAC_HEADER, WEBHOOK_ID_HEADER};
    /// use unified_proto::{MerchantAuthKey, MerchantKeys, Webhook};
    ///
    /// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
    /// let headers = Webhook::test_headers(&keys, "hook-1", b"{}");
    /// assert_eq!(headers[WEBHOOK_ID_HEADER], "hook-1");
    /// // Signed with another key, the same body does not verify.
    /// let other = MerchantKeys::new("ccid", MerchantAuthKey::new("another key"));
    /// assert!(Webhook::verify_and_parse(&headers, b"{}", &other).is_err());
    /// assert!(headers.contains_key(WEBHOOK_HMAC_HEADER));
    /// ```
    pub fn test_headers(keys: &MerchantKeys, webhook_id: &str, body: &[u8]) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        let pairs = [
            ("content-type", "application/json".to_string()),
            (
                WEBHOOK_HMAC_HEADER,
                sign::sign_webhook(&keys.ccid, &keys.auth_key, body),
            ),
            (WEBHOOK_ID_HEADER, webhook_id.to_string()),
        ];
        for (name, value) in pairs {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::try_from(name),
                http::HeaderValue::try_from(value),
            ) {
                headers.insert(n, v);
            }
        }
        headers
    }
}

/// A verified Redirect of the consumer's browser to the merchant's page.
///
/// ```
/// use unified_proto::{MerchantKeys, Redirect, Status};
/// use veritrans_sign::{MerchantAuthKey, unified};
///
/// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
/// let pairs = [("status", "failure"), ("paymentId", "order-1"), ("fepReferenceId", "ref-1")];
/// let (auth_params, v_auth_info) = unified::sign_redirect(&keys.ccid, &keys.auth_key, &pairs);
/// let query = format!(
///     "?status=failure&paymentId=order-1&fepReferenceId=ref-1&authParams={}&vAuthInfo={v_auth_info}",
///     auth_params.replace('=', "%3D").replace('+', "%2B"),
/// );
/// let redirect = Redirect::verify_and_parse(&query, &keys, "order-1")?;
/// assert_eq!(redirect.status, Some(Status::Failure));
/// assert_eq!(redirect.query.fep_reference_id.as_deref(), Some("ref-1"));
/// # Ok::<(), unified_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Redirect {
    /// The typed query.
    pub query: RedirectQuery,
    /// The verified query string (or URL) as received: [`Redirect::params`]
    /// decodes it again on demand.
    received: Box<str>,
    /// `resultCode`.
    pub result_code: Option<ResultCode>,
    /// `status`.
    pub status: Option<Status>,
    /// `actionCode`.
    pub action_code: Option<ActionCode>,
}

impl Redirect {
    /// Verifies `vAuthInfo` over the parameters `authParams` names, checks
    /// that `paymentId` equals `expected_payment_id` (the one this merchant
    /// sent: a whole redirect replayed from another order verifies otherwise),
    /// then parses. `query` is the raw query string, with or without `?`, or
    /// the whole URL. The redirect is only an overview: fetch details with
    /// `getTransactionResult` or wait for the Webhook.
    ///
    /// ```
    /// use unified_proto::{MerchantKeys, Redirect};
    /// use veritrans_sign::{unified, MerchantAuthKey};
    ///
    /// let keys = MerchantKeys::new("sampleCcId", MerchantAuthKey::new("sampleKey"));
    /// let pairs = [("status", "success"), ("resultCode", "UA-000-001"), ("paymentId", "p1")];
    /// let (auth_params, v_auth_info) = unified::sign_redirect(&keys.ccid, &keys.auth_key, &pairs);
    /// let query = format!(
    ///     "status=success&resultCode=UA-000-001&paymentId=p1&authParams={}&vAuthInfo={v_auth_info}",
    ///     auth_params.replace('=', "%3D").replace('+', "%2B"),
    /// );
    ///
    /// let redirect = Redirect::verify_and_parse(&query, &keys, "p1")?;
    /// assert!(redirect.result_code.unwrap().is_success());
    /// assert!(Redirect::verify_and_parse(&query, &keys, "another-order").is_err());
    /// # Ok::<(), unified_proto::Error>(())
    /// ```
    ///
    /// (Named `verify` before: every notification of every gateway crate is now read
    /// with `verify_and_parse`.)
    pub fn verify_and_parse(
        query: &str,
        keys: &MerchantKeys,
        expected_payment_id: &str,
    ) -> Result<Self, Error> {
        traced(
            "redirect",
            Self::verify_untraced(query, keys, expected_payment_id),
        )
    }

    fn verify_untraced(
        query: &str,
        keys: &MerchantKeys,
        expected_payment_id: &str,
    ) -> Result<Self, Error> {
        let signature = |source| Error::Signature {
            what: "redirect",
            source,
        };
        // Decoded values borrow the query unless they had an escape to decode.
        let params = sign::query_pairs(query).map_err(signature)?;
        sign::verify_redirect(&keys.ccid, &keys.auth_key, &params, expected_payment_id)
            .map_err(signature)?;
        // The first occurrence wins; signed names cannot repeat (verified above).
        let unique = || {
            params.iter().enumerate().filter_map(|(i, (name, value))| {
                let repeated = params[..i].iter().any(|(n, _)| n == name);
                (!repeated).then_some((name.as_ref(), Text(value)))
            })
        };
        // Straight from the decoded pairs into the typed query: no JSON object
        // in between, no copy of a value before the one the field keeps. The
        // path of a fault is tracked only when there is one (read again).
        let map = || MapDeserializer::<_, serde_json::Error>::new(unique());
        let typed: RedirectQuery = match serde::Deserialize::deserialize(map()) {
            Ok(typed) => typed,
            Err(_) => {
                serde_path_to_error::deserialize(map()).map_err(|e| Error::MalformedResponse {
                    what: "redirect".into(),
                    path: e.path().to_string(),
                    reason: e.inner().to_string(),
                })?
            }
        };
        // The codes of the first occurrences, as the typed query read them.
        Ok(Self {
            result_code: typed.result_code.clone(),
            status: typed.status.clone(),
            action_code: typed.action_code.clone(),
            query: typed,
            received: query.into(),
        })
    }

    /// Every decoded query pair, in order (unknown ones included), decoded
    /// again from the verified query (or URL) as received, on each call.
    ///
    /// # Errors
    /// None in practice: the same text was decoded when the redirect was
    /// verified; the `Result` is the decoder's ([`Error::Signature`]).
    ///
    /// ```
    /// use unified_proto::{MerchantKeys, Redirect};
    /// use veritrans_sign::{MerchantAuthKey, unified};
    ///
    /// let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("key"));
    /// let (ap, va) = unified::sign_redirect(&keys.ccid, &keys.auth_key, &[("paymentId", "p1")]);
    /// let query = format!("paymentId=p1&futureParam=a+b&authParams={ap}&vAuthInfo={va}")
    ///     .replace("==", "%3D%3D");
    /// let redirect = Redirect::verify_and_parse(&query, &keys, "p1")?;
    /// let params = redirect.params()?;
    /// assert_eq!(params[1], ("futureParam".to_string(), "a b".to_string()));
    /// # Ok::<(), unified_proto::Error>(())
    /// ```
    pub fn params(&self) -> Result<Vec<(String, String)>, Error> {
        sign::query_params(&self.received).map_err(|source| Error::Signature {
            what: "redirect",
            source,
        })
    }
}

/// The quick read of a verified webhook body: the typed payload straight from
/// the bytes, when the body is a UTF-8 JSON object that reads without fault.
/// `None` sends the body to [`tree_read`], which gives the answer for it.
fn typed_object(raw_body: &[u8]) -> Option<(Box<str>, WebhookPayload)> {
    let text = std::str::from_utf8(raw_body).ok()?;
    // A derived struct also reads a JSON array (field by position): the body
    // must be an object, as `tree_read` checks on its tree.
    let first = text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .bytes()
        .next();
    if first != Some(b'{') {
        return None;
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let payload = serde::Deserialize::deserialize(&mut *de).ok()?;
    de.end().ok()?;
    Some((text.into(), payload))
}

/// The body parsed into a JSON tree first, then the typed payload read from
/// it (the former only read): the error of a body that is not JSON, not an
/// object, or has a bad field, with its path.
fn tree_read(raw_body: &[u8]) -> Result<(Box<str>, WebhookPayload), Error> {
    let raw: Value = parse_json("webhook", raw_body)?;
    if !raw.is_object() {
        return Err(Error::MalformedResponse {
            what: "webhook".into(),
            path: ".".into(),
            reason: "not a JSON object".into(),
        });
    }
    let payload: WebhookPayload = typed("webhook", &raw)?;
    // Parsed as JSON, so UTF-8 (a JSON text outside strings is ASCII, and
    // serde_json checks the strings of a tree).
    let text = std::str::from_utf8(raw_body).map_err(|e| Error::MalformedResponse {
        what: "webhook".into(),
        path: String::new(),
        reason: e.to_string(),
    })?;
    Ok((text.into(), payload))
}

/// `T` read from an already parsed body, with the JSON path of a failure
/// (as `errors::from_value`, without taking the tree). The path is tracked
/// only when the untracked read fails (the same tree fails the same way).
fn typed<T: serde::de::DeserializeOwned>(what: &str, raw: &Value) -> Result<T, Error> {
    if let Ok(value) = T::deserialize(raw) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(raw).map_err(|e| Error::MalformedResponse {
        what: what.to_string(),
        path: e.path().to_string(),
        reason: e.inner().to_string(),
    })
}

/// Emits the one `veritrans::verify` event of a check of `kind`: verified, or
/// refused with the error's `Display` (which never holds the key or the body).
fn traced<T>(kind: &str, outcome: Result<T, Error>) -> Result<T, Error> {
    match &outcome {
        Ok(_) => veritrans_core::trace::verified(veritrans_core::Gateway::Unified, kind),
        Err(e) => veritrans_core::trace::refused(veritrans_core::Gateway::Unified, kind, e),
    }
    outcome
}
