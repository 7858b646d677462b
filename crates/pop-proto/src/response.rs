//! Turning the POP server's answers into typed results.
//!
//! Kept apart from the HTTP client so a sandbox, a test or another HTTP
//! stack can use exactly the same interpretation of status and body.

use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::types::{
    AccountManagementKeyResponse, ErrorResponse, PaymentKeyResponse, PaymentLinkResponse,
};
use crate::{Error, ResultCode, Status};

/// A payment key for `pop.pay(payment_key, options)`.
///
/// ```
/// use pop_proto::{PaymentKey, parse_jst, payment_key};
///
/// // The guide's success response (pop-api-v1.8.1.en.txt, Merchant Server Integration › Response).
/// let body = br#"{
///     "payment_key" : "28GTzdVOZNeImaHMDeQF1319",
///     "result_code" : "R000",
///     "status" : "success",
///     "message" : "\"Payment Key\" has been generated successfully",
///     "payment_key_expiry_time" : "20200401000000"
/// }"#;
/// let key: PaymentKey = payment_key(200, Some("application/json"), body)?;
/// assert_eq!(key.key, "28GTzdVOZNeImaHMDeQF1319");
/// assert_eq!(Some(key.expires_at), parse_jst("20200401000000")); // JST
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentKey {
    /// The `payment_key`.
    pub key: String,
    /// When it stops being usable (`payment_key_expiry_time`, JST).
    pub expires_at: OffsetDateTime,
    /// POP's message.
    pub message: String,
}

/// A payment link to send to the customer.
///
/// ```
/// use pop_proto::{PaymentLink, payment_link};
///
/// // The guide's success response (pop-api-v1.8.1.en.txt, Payment Link › Success Response).
/// let body = br#"{
///     "payment_key" : "28GTzdVOZNeImaHMDeQF1319",
///     "result_code" : "R000",
///     "status" : "success",
///     "message" : "\"Payment Key\" has been generated successfully",
///     "payment_key_expiry_time" : "20200401000000",
///     "pay_link_url" : "https://pay3.veritrans.co.jp/pop/v1/payment-link?payment_key=28GTzdVOZNeImaHMDeQF1319&client_key=client101"
/// }"#;
/// let link: PaymentLink = payment_link(200, Some("application/json"), body)?;
/// assert!(link.url.starts_with("https://pay3.veritrans.co.jp/pop/v1/payment-link?"));
/// assert_eq!(link.key, "28GTzdVOZNeImaHMDeQF1319");
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLink {
    /// The `payment_key` behind the link.
    pub key: String,
    /// When it stops being usable (JST).
    pub expires_at: OffsetDateTime,
    /// The `pay_link_url`.
    pub url: String,
    /// POP's message.
    pub message: String,
}

/// A key for `pop.accountManagement(account_mgmt_key, options)`.
///
/// ```
/// use pop_proto::{AccountManagementKey, account_management_key};
///
/// // The guide's success response (pop-api-v1.8.1.en.txt, Managing PayNowID › Account Management Key › Success Response).
/// let body = br#"{
///     "account_mgmt_key" : "uxhn7T0eWt22XHycTNr11702",
///     "result_code" : "R000",
///     "status" : "success",
///     "message" : "Success",
///     "account_mgmt_key_expiry_time" : "20200401000000"
/// }"#;
/// let key: AccountManagementKey = account_management_key(200, Some("application/json"), body)?;
/// assert_eq!((key.key.as_str(), key.message.as_str()), ("uxhn7T0eWt22XHycTNr11702", "Success"));
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountManagementKey {
    /// The `account_mgmt_key`.
    pub key: String,
    /// When it stops being usable (`account_mgmt_key_expiry_time`, JST).
    pub expires_at: OffsetDateTime,
    /// POP's message.
    pub message: String,
}

/// Parses `YYYYMMDDhhmmss` as a JST time stamp.
///
/// ```
/// let t = pop_proto::parse_jst("20200401000000").unwrap();
/// assert_eq!(t.to_string(), "2020-04-01 0:00:00.0 +09:00:00");
/// assert!(pop_proto::parse_jst("2020-04-01").is_none());
/// ```
pub fn parse_jst(text: &str) -> Option<OffsetDateTime> {
    veritrans_core::jst::parse_compact(text)
}

/// Interprets a `/pop/v1/payment-key` answer.
///
/// ```
/// use pop_proto::{Error, ResultCode, payment_key};
///
/// let ok = br#"{"payment_key":"28GTzdVOZNeImaHMDeQF1319","result_code":"R000","status":"success","message":"ok","payment_key_expiry_time":"20200401000000"}"#;
/// assert_eq!(payment_key(200, Some("application/json"), ok)?.key, "28GTzdVOZNeImaHMDeQF1319");
///
/// let refused = br#"{"result_code":"RC01","status":"failure","message":"Invalid \"Order ID\""}"#;
/// let err = payment_key(400, Some("application/json"), refused).unwrap_err();
/// assert!(matches!(err, Error::GatewayRefused { status: 400, result_code: ResultCode::RC01, .. }));
///
/// // A success without its key is not a key.
/// let keyless = br#"{"result_code":"R000","status":"success","message":"ok"}"#;
/// assert!(matches!(payment_key(200, Some("application/json"), keyless), Err(Error::MalformedResponse { .. })));
/// # Ok::<(), Error>(())
/// ```
pub fn payment_key(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<PaymentKey, Error> {
    let r: PaymentKeyResponse = success_body(status, content_type, body)?;
    refused_unless_success(status, &r.status, &r.result_code, &r.message)?;
    Ok(PaymentKey {
        key: required(status, r.payment_key, "payment_key")?,
        expires_at: expiry(status, r.payment_key_expiry_time, "payment_key_expiry_time")?,
        message: r.message,
    })
}

/// Interprets a `/pop/v1/link-pay` answer.
///
/// ```
/// use pop_proto::{Error, payment_link};
///
/// // A payment key answer without `pay_link_url` is not a payment link.
/// let no_url = br#"{"payment_key":"k","result_code":"R000","status":"success","message":"ok","payment_key_expiry_time":"20200401000000"}"#;
/// let err = payment_link(200, Some("application/json"), no_url).unwrap_err();
/// assert!(err.to_string().contains("pay_link_url"), "{err}");
/// ```
pub fn payment_link(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<PaymentLink, Error> {
    let r: PaymentLinkResponse = success_body(status, content_type, body)?;
    refused_unless_success(status, &r.status, &r.result_code, &r.message)?;
    Ok(PaymentLink {
        key: required(status, r.payment_key, "payment_key")?,
        expires_at: expiry(status, r.payment_key_expiry_time, "payment_key_expiry_time")?,
        url: required(status, r.pay_link_url, "pay_link_url")?,
        message: r.message,
    })
}

/// Interprets a `/pop/v1/paynow-acctmgmt-key` answer.
///
/// ```
/// use pop_proto::{Error, account_management_key};
///
/// let html = b"<html>Service Unavailable</html>";
/// let err = account_management_key(503, Some("text/html"), html).unwrap_err();
/// assert!(matches!(err, Error::MalformedResponse { status: 503, .. }));
/// ```
pub fn account_management_key(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<AccountManagementKey, Error> {
    let r: AccountManagementKeyResponse = success_body(status, content_type, body)?;
    refused_unless_success(status, &r.status, &r.result_code, &r.message)?;
    Ok(AccountManagementKey {
        key: required(status, r.account_mgmt_key, "account_mgmt_key")?,
        expires_at: expiry(
            status,
            r.account_mgmt_key_expiry_time,
            "account_mgmt_key_expiry_time",
        )?,
        message: r.message,
    })
}

/// The body of a 2xx answer as `T`; any other status becomes
/// `GatewayRefused` (a JSON failure body) or `MalformedResponse`.
fn success_body<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    if !(200..300).contains(&status) {
        let failure: ErrorResponse = json(status, content_type, body)?;
        return Err(Error::GatewayRefused {
            status,
            result_code: failure.result_code,
            message: failure.message,
        });
    }
    json(status, content_type, body)
}

fn json<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if let Some(media) = media.filter(|m| m != "application/json" && !m.ends_with("+json")) {
        return Err(Error::MalformedResponse {
            status,
            detail: format!(
                "expected application/json, got {media} ({} bytes)",
                body.len()
            ),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| Error::MalformedResponse {
            status,
            detail: format!("at `{}`: {}", e.path(), e.inner()),
        })?;
    de.end().map_err(|e| Error::MalformedResponse {
        status,
        detail: format!("trailing data after the JSON body: {e}"),
    })?;
    Ok(value)
}

fn refused_unless_success(
    status: u16,
    st: &Status,
    code: &ResultCode,
    message: &str,
) -> Result<(), Error> {
    if *st == Status::Success && *code == ResultCode::R000 {
        Ok(())
    } else {
        Err(Error::GatewayRefused {
            status,
            result_code: code.clone(),
            message: message.to_string(),
        })
    }
}

fn required(status: u16, value: Option<String>, field: &str) -> Result<String, Error> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::MalformedResponse {
            status,
            detail: format!("success without `{field}`"),
        })
}

fn expiry(status: u16, value: Option<String>, field: &str) -> Result<OffsetDateTime, Error> {
    let text = required(status, value, field)?;
    parse_jst(&text).ok_or_else(|| Error::MalformedResponse {
        status,
        detail: format!("`{field}` is not YYYYMMDDhhmmss"),
    })
}
