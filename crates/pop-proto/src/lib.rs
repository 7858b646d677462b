//! VeriTrans4G POP (Payment Optimization Platform): payment keys, payment
//! links, PayNowID account management, and the signed redirect and push
//! notifications that report a payment's result.
//!
//! Source of truth: the VeriTrans4G POP API guide v1.8.1, written down as
//! `specs/pop/1.8.1/openapi.yaml`. The request, response and notification
//! types ([`types`]), the enums with an `Unknown(String)` catch-all (including
//! all 70 [`ResultCode`]s with the guide's descriptions), the client-side
//! validation and the notification tables are generated from it by
//! `cargo xtask codegen`; this crate adds the client, the verification and
//! small conveniences by hand.
//!
//! # The merchant flow
//!
//! **1. Get a payment key** (merchant server → POP). The request is
//! validated against every rule of the guide before it is sent; a violation
//! names the field, the rule and the result code POP would have answered.
//!
//! ```no_run
//! # #[cfg(feature = "client")] mod example {
//! use pop_proto::prelude::*;
//!
//! # async fn run() -> Result<(), PopError> {
//! let key = PopServerKey::new(std::env::var("POP_SERVER_KEY").unwrap_or_default());
//! // Test transactions: the client sets `dummy: true` on every request
//! // (`Environment::Live` never sets it; there is no default).
//! let client = PopClient::new(key, Environment::Dummy)?;
//! let mut request = PaymentKeyRequest::new("ORDER-0001", yen(10050));
//! request.shipping_amount = Some(yen(50));
//! request.items = vec![Item::new("ITEM-0001", "ITEM NAME", yen(10000), 1)];
//! request.enabled_payment_types = vec![PaymentType::Card, PaymentType::Cvs];
//! request.cvs = vec![CvsParameters::new(CvsSubType::Sej)];
//! request.push_url = Some("https://shop.example/pop/push".into());
//!
//! let key = client.payment_key(&request).await?;
//! // Hand key.key to pop.pay(payment_key, options) in the browser before key.expires_at (JST).
//! println!("{} until {}", key.key, key.expires_at);
//! # Ok(()) } }
//! ```
//!
//! **2. Verify the redirect** (browser → merchant server, form-encoded POST
//! to `success_url` / `failure_url` / `incomplete_url`). Nothing is parsed
//! before the signature matches.
//!
//! ```
//! use pop_proto::{Notification, Redirect, testing};
//! use pop_proto::PopServerKey;
//!
//! let key = PopServerKey::new("Test-POP-Server-Key");
//! # let form_body = testing::signed_redirect_body(&[("merchant_id", "A100000000000001069713"),
//! #     ("order_id", "ORDER-0001"), ("status", "success"), ("result_code", "R000"),
//! #     ("payment_type", "card"), ("dummy", "true"), ("masked_card_number", "411111*11")], &key);
//! // form_body: the raw body your web framework received.
//! // The order this customer was sent to pay: a redirect of another order is refused.
//! let redirect = Redirect::verify_and_parse(&form_body, &key, "ORDER-0001")?;
//! match &redirect.notification {
//!     Notification::Card(card) | Notification::Mpi(card) => {
//!         assert_eq!(card.masked_card_number.as_deref(), Some("411111*11"));
//!     }
//!     other => println!("{:?} for {}", other.kind(), other.order_id()),
//! }
//! // Show the customer the result; book the order only on the push below.
//! assert!(redirect.notification.is_success());
//! # Ok::<(), pop_proto::Error>(())
//! ```
//!
//! **3. Verify the push** (POP → merchant server, JSON POST to `push_url`):
//! the authoritative result. CVS and bank payments push twice: `applied`
//! (receipt number / ATM numbers issued) and `paid`.
//!
//! ```
//! use pop_proto::{Notification, Push, Yen, testing};
//! use pop_proto::PopServerKey;
//!
//! let key = PopServerKey::new("Test-POP-Server-Key");
//! # let params = serde_json::json!({"merchant_id": "A100000000000001069713",
//! #     "order_id": "ORDER-0001", "status": "success", "result_code": "R000",
//! #     "payment_type": "cvs", "dummy": true, "result_type": "paid", "payment_sub_type": "sej",
//! #     "receipt_number": "1234567890123", "cvs_type": "sej", "received_amount": "10050"});
//! # let json_body = testing::signed_push_body(params.as_object().unwrap(), &key)?;
//! let push = Push::verify_and_parse(&json_body, &key)?;
//! if let Notification::CvsPaid(paid) = &push.notification {
//!     assert_eq!(paid.received_amount, Yen(10050));
//!     // mark ORDER-0001 paid (idempotently: POP retries pushes)
//! }
//! # Ok::<(), pop_proto::Error>(())
//! ```
//!
//! PayNowID: [`client::Client::account_management_key`] gives the key for
//! `pop.accountManagement`; [`client::Client::payment_link`] a payment link URL.
//!
//! # Test or live: chosen when the client is built
//!
//! POP tests on the live host with `dummy: true` in each request. The client
//! takes an [`Environment`] and no default: [`Environment::Dummy`] (and
//! `Custom { mode: Mode::Test, .. }`, e.g. the sandbox) sets `dummy: true` on
//! every request; [`Environment::Live`] never sets it. A request whose own
//! `dummy` contradicts the environment is refused before sending
//! ([`Error::DummyConflict`]): forgetting the flag cannot charge a real card,
//! and a live client cannot be told to test one request.
//!
//! # Features
//!
//! - `client` (default): the async HTTP client ([`client::Client`]) over
//!   rustls with aws-lc-rs.
//! - `rustls-ring`: the same client over rustls with `ring` (use with
//!   `default-features = false`).
//! - `blocking`: `blocking::Client`, the same methods from plain `fn`
//!   (a private single-threaded runtime drives the async client).
//! - `http-client`: the client's code without a TLS provider (chosen by one
//!   of the two above).
//!
//! Tracing is always on: each request runs in one `veritrans.request` span
//! (gateway `pop`, operation, `order_id`, attempt, HTTP status, result code,
//! latency) and each redirect or push check emits one `veritrans::verify`
//! event (`verified` or `refused` with the reason); keys, card numbers and
//! bodies are never recorded. Without a `tracing` subscriber nothing is output.
//!
//! # Decisions on points the guide leaves open
//!
//! The spec's description lists them all; in short:
//! - lengths count characters (Unicode scalar values), not bytes;
//! - `order_id`: ASCII letters, digits, `-`, `_`; phone numbers and country
//!   codes: half-width digits; `contents_kana`: full-width katakana
//!   (U+30A1–U+30FA), `ー` and the full-width space;
//! - `gross_amount` must equal Σ `price × quantity` + `shipping_amount` when
//!   `items` are given (reported as RC03); item IDs unique (RC13);
//! - `3ds_version` is refused (RC5J) only when `mpi` is explicitly `false`;
//! - reading a JSON body ([`Validate::from_json`], what a server does): a
//!   missing required parameter at any depth is RC31, a value of the wrong
//!   JSON type is that parameter's own code (RC43 where the guide gives it
//!   none);
//! - CVS expiry duration: at least 1 day, no maximum (the guide states none);
//!   bank: 1–60 days, and a bank expiry date in the past or more than 60
//!   days ahead is refused (RC1V) by [`Validate::validate_on`];
//! - the payment-link request is the payment-key request without the three
//!   redirect URLs (the guide's exclusion list was lost);
//! - notifications: one schema per payment type and phase for redirect and
//!   push (the looser optionality wins); no `payment_type` →
//!   [`Notification::Unspecified`]; CVS/bank without `result_type` →
//!   applied; push JSON types are strict (a number where the guide says
//!   string is an error), redirect `dummy` must be `true` or `false`;
//! - responses parse leniently on lengths; a non-JSON body (an HTML 500
//!   page) is [`Error::MalformedResponse`]; a JSON failure is
//!   [`Error::GatewayRefused`] with the result code;
//! - request amounts (`gross_amount`, `shipping_amount`, an item's `price`)
//!   are [`Yen`] in the types and JSON integers on the wire, as the guide's
//!   "number(10)" says; a negative amount cannot be built, and read from
//!   JSON ([`Validate::from_json`]) it answers the amount's own code;
//! - the client never retries (a second payment-key request for the same
//!   order is refused with RC20).
#![forbid(unsafe_code)]

mod amount;
#[cfg(feature = "blocking")]
pub mod blocking;
#[cfg(feature = "http-client")]
pub mod client;
mod environment;
mod error;
pub mod notify;
mod request;
mod response;
mod result_code;
pub mod testing;
pub mod validate;

/// Code generated from the spec; never edited by hand (nor by rustfmt:
/// `cargo xtask codegen --check` compares it byte for byte).
pub(crate) mod generated {
    #[rustfmt::skip]
    pub mod endpoints;
    #[rustfmt::skip]
    pub mod enums;
    #[rustfmt::skip]
    pub mod notification;
    #[rustfmt::skip]
    pub mod testing;
    #[rustfmt::skip]
    pub mod types;
    #[rustfmt::skip]
    pub(crate) mod validate;
    #[rustfmt::skip]
    pub mod wire;
}

/// Request, response and notification bodies, generated from the spec.
///
/// Requests are built with the constructors (`PaymentKeyRequest::new`,
/// `CvsParameters::new`, …) and public fields; their constraints are checked
/// by [`Validate`]. Responses and notifications parse leniently on lengths
/// and character sets (the server's word is final) but strictly on JSON types.
pub mod types {
    pub use crate::generated::types::*;
}

pub use environment::{Environment, Mode};
pub use error::Error;
pub use generated::endpoints;
pub use generated::enums::{
    BankSubType, CvsSubType, CvsType, GatewayStatus, NotificationPaymentType, PaymentType,
    ResultCode, ResultType, SaveCard, Status, ThreeDsVersion,
};
pub use generated::wire;
pub use notify::{Notification, NotificationKind, Push, Redirect};
pub use response::{
    AccountManagementKey, PaymentKey, PaymentLink, account_management_key, parse_jst, payment_key,
    payment_link,
};
pub use validate::{Validate, ValidationErrors, Violation};
pub use veritrans_core::jst::JST;
pub use veritrans_core::{ErrorKind, Gateway, Yen, yen};
/// The POP server key (re-exported from `veritrans-sign`): a `pop-proto` user needs no
/// direct dependency on it.
pub use veritrans_sign::PopServerKey;

/// The README's quick start, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "client"))]
pub struct ReadmeDoctests;

/// What a merchant's code names, in one import: `use pop_proto::prelude::*;`.
///
/// The client, its builder and the crate's error carry the gateway in their
/// name (`PopClient`, `PopClientBuilder`, `PopError`), so the glob collides
/// with neither `reqwest::Client` nor `std::error::Error`; everything else
/// keeps the name it has at the crate root.
///
/// ```
/// use pop_proto::prelude::*;
///
/// let mut request = PaymentKeyRequest::new("ORDER-0001", yen(1000));
/// request.enabled_payment_types = vec![PaymentType::Card];
/// assert!(request.validate().is_ok());
/// # #[cfg(feature = "http-client")]
/// let client = PopClient::new(PopServerKey::new("key"), Environment::Dummy)?;
/// # Ok::<(), PopError>(())
/// ```
pub mod prelude {
    #[cfg(feature = "http-client")]
    pub use crate::client::{Client as PopClient, ClientBuilder as PopClientBuilder};
    pub use crate::types::{
        AccountManagementKeyRequest, BankParameters, CardParameters, CustomMessage, CvsParameters,
        EmailParameters, Item, PaymentKeyRequest, PaymentLinkRequest,
    };
    pub use crate::{
        BankSubType, CvsSubType, Environment, Error as PopError, ErrorKind, Mode, Notification,
        PaymentType, PopServerKey, Push, Redirect, ResultCode, ThreeDsVersion, Validate, Yen, yen,
    };
}
