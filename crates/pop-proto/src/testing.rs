//! The guide's test data ("Testing POP"), as data: what a dummy transaction
//! returns for a given card, expiry date, CVS telephone number or bank
//! amount. A sandbox emulating POP and merchants' own tests read it from
//! here rather than copying numbers out of the guide. The tables are
//! generated from `specs/pop/1.8.1/testing.yaml` (each names the guide
//! section it comes from); the functions below are the hand-written helpers
//! that read them.
//!
//! A merchant's own test, without the sandbox: which card and expiry date
//! make a dummy card payment fail, and with which `v_result_code`?
//!
//! ```
//! use pop_proto::testing::{self, CardBrand};
//!
//! let visa = testing::TEST_CARDS.iter().find(|c| c.brand == CardBrand::Visa).unwrap();
//! assert_eq!(visa.number, "4111111111111111");
//! let declined = &testing::ERROR_EXPIRY_DATES[0];
//! assert_eq!(testing::v_result_code_for_expiry(declined.expiry), Some(declined.v_result_code));
//! assert!(testing::SECURITY_CODE_DIGITS.contains(&3));
//! ```

pub use crate::generated::testing::*;

/// A test card number that succeeds with any expiry date (except those in
/// [`ERROR_EXPIRY_DATES`]) and any security code of [`SECURITY_CODE_DIGITS`]
/// digits.
///
/// ```
/// use pop_proto::testing::{CardBrand, TEST_CARDS, TestCard};
///
/// let visa = TEST_CARDS.iter().find(|c| c.brand == CardBrand::Visa).unwrap();
/// assert_eq!(*visa, TestCard { brand: CardBrand::Visa, number: "4111111111111111" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestCard {
    /// Card brand.
    pub brand: CardBrand,
    /// Card number (test data published by the guide, not a real card).
    pub number: &'static str,
}

/// An expiry date (`MM/YY`) that makes a test card fail, and the
/// `v_result_code` it yields.
///
/// ```
/// use pop_proto::testing::{ERROR_EXPIRY_DATES, ErrorExpiry};
///
/// let declined = ERROR_EXPIRY_DATES.iter().find(|e| e.expiry == "06/99").unwrap();
/// assert_eq!(*declined, ErrorExpiry { expiry: "06/99", v_result_code: "AG70" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorExpiry {
    /// Expiry date as entered, `MM/YY`.
    pub expiry: &'static str,
    /// The `v_result_code` returned.
    pub v_result_code: &'static str,
}

/// The `v_result_code` a test card yields with this expiry date (`MM/YY`);
/// `None` means the guide's "arbitrary expiration date" success.
///
/// ```
/// assert_eq!(pop_proto::testing::v_result_code_for_expiry("06/99"), Some("AG70"));
/// assert_eq!(pop_proto::testing::v_result_code_for_expiry("12/30"), None);
/// ```
pub fn v_result_code_for_expiry(expiry: &str) -> Option<&'static str> {
    ERROR_EXPIRY_DATES
        .iter()
        .find(|e| e.expiry == expiry)
        .map(|e| e.v_result_code)
}

/// What a dummy transaction does.
///
/// ```
/// use pop_proto::testing::{Outcome, cvs_outcome};
///
/// assert_eq!(cvs_outcome("09012345678"), Some(Outcome::Success));
/// assert_eq!(cvs_outcome("0312345678"), Some(Outcome::Failure));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The transaction succeeds.
    Success,
    /// The transaction fails.
    Failure,
}

/// The outcome of a dummy convenience store payment for the telephone number
/// the customer enters; `None` when its first two digits are in neither of
/// the guide's lists (the guide does not say what happens).
///
/// ```
/// use pop_proto::testing::{cvs_outcome, Outcome};
/// assert_eq!(cvs_outcome("09012345678"), Some(Outcome::Success));
/// assert_eq!(cvs_outcome("0312345678"), Some(Outcome::Failure));
/// assert_eq!(cvs_outcome("1234"), None);
/// ```
pub fn cvs_outcome(telephone: &str) -> Option<Outcome> {
    let prefix = telephone.get(0..2)?;
    if CVS_SUCCESS_PHONE_PREFIXES.contains(&prefix) {
        Some(Outcome::Success)
    } else if CVS_FAILURE_PHONE_PREFIXES.contains(&prefix) {
        Some(Outcome::Failure)
    } else {
        None
    }
}

/// The outcome of a dummy bank payment: the last digit of `gross_amount` is
/// 0 for success, anything else fails.
///
/// ```
/// use pop_proto::testing::{bank_outcome, Outcome};
/// assert_eq!(bank_outcome(10000), Outcome::Success);
/// assert_eq!(bank_outcome(10001), Outcome::Failure);
/// ```
pub fn bank_outcome(gross_amount: i64) -> Outcome {
    let last_digit = gross_amount.rem_euclid(10);
    if BANK_SUCCESS_LAST_DIGITS
        .iter()
        .any(|d| i64::from(*d) == last_digit)
    {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

/// A redirect body signed the way POP signs it, for testing a merchant's
/// redirect handler: `params` form-encoded with `signature` appended.
///
/// ```
/// use pop_proto::{testing, Redirect};
/// use pop_proto::PopServerKey;
///
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// let body = testing::signed_redirect_body(
///     &[("merchant_id", "M1"), ("order_id", "ORDER-0001"), ("status", "failure"),
///       ("result_code", "RC34"), ("dummy", "true")],
///     &key,
/// );
/// let redirect = Redirect::verify_and_parse(&body, &key, "ORDER-0001").unwrap();
/// assert_eq!(redirect.notification.order_id(), "ORDER-0001");
/// ```
pub fn signed_redirect_body(
    params: &[(&str, &str)],
    key: &veritrans_sign::PopServerKey,
) -> Vec<u8> {
    let signature = veritrans_sign::pop::sign(params, key);
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().copied())
        .append_pair("signature", &signature)
        .finish()
        .into_bytes()
}

/// A push body signed the way POP signs it, for testing a merchant's push
/// handler: `params` (a flat JSON object without `signature`) with
/// `signature` added.
///
/// ```
/// use pop_proto::{testing, Push};
/// use pop_proto::PopServerKey;
///
/// let key = PopServerKey::new("Test-POP-Server-Key");
/// let params = serde_json::json!({"merchant_id": "M1", "order_id": "ORDER-0001",
///     "status": "success", "result_code": "R000", "payment_type": "card", "dummy": true});
/// let body = testing::signed_push_body(params.as_object().unwrap(), &key).unwrap();
/// assert!(Push::verify_and_parse(&body, &key).unwrap().notification.is_success());
/// // The signature is the last parameter, as the guide says POP adds it.
/// let text = String::from_utf8(body).unwrap();
/// assert!(text.rsplit(',').next().unwrap().starts_with("\"signature\":"));
/// ```
///
/// # Errors
/// [`Error::NotificationBody`](crate::Error::NotificationBody) when `params`
/// is not flat (POP never sends nested values).
pub fn signed_push_body(
    params: &serde_json::Map<String, serde_json::Value>,
    key: &veritrans_sign::PopServerKey,
) -> Result<Vec<u8>, crate::Error> {
    let mut object = params.clone();
    object.remove("signature");
    let empty = object.is_empty();
    let mut body = serde_json::Value::Object(object).to_string();
    let pairs = veritrans_sign::pop::json_params(body.as_bytes())
        .map_err(crate::Error::NotificationBody)?;
    let signature = veritrans_sign::pop::sign(&pairs, key);
    // "POP Server adds a signature as the last parameter": appended after the others
    // (a JSON object re-serialised through `serde_json::Map` would sort it among them).
    body.pop(); // the closing brace
    if !empty {
        body.push(',');
    }
    body.push_str("\"signature\":");
    body.push_str(&serde_json::Value::String(signature).to_string());
    body.push('}');
    Ok(body.into_bytes())
}
