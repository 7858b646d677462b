//! The VeriTrans4G Unified API (PayPay, Rakuten Pay, d Payment, au PAY,
//! Merpay): request and response types generated from OpenAPI specs, a
//! client, and verification of webhooks and redirects.
//!
//! Source of truth: the VeriTrans4G Unified API guides 1.1.3 and 1.1.1 RC,
//! written down as `specs/unified/<version>/openapi.yaml`. Everything under
//! [`generated`] comes from those specs via `cargo xtask codegen`; the rest is
//! a small hand-written layer.
//!
//! # Versions
//! Every folder of `specs/unified/` is a guide version and a module of
//! [`generated`] (wired by `cargo xtask codegen`). The crate root re-exports
//! the latest guide (1.1.3, module [`v1_1_3`]). Every other version is
//! compiled with the cargo feature of its module's name: with `v1_1_1_rc`,
//! the previous guide is available as `v1_1_1_rc` so code written against
//! it keeps compiling during a migration;
//! `docs/unified-spec-diff-1.1.1-rc-to-1.1.3.md` lists what changed.
//! Each version's tables are also one value, `GUIDE`, listed in [`versions`]
//! for code that chooses a version at run time (the sandbox).
//!
//! # Cargo features
//! - `client` (default): the async HTTP client ([`client::Client`]) over
//!   rustls with aws-lc-rs; `rustls-ring`: the same over ring (with
//!   `default-features = false`); `http-client`: the client without a crypto
//!   provider (one of the two chooses it).
//! - `blocking`: `blocking::Client`, the same methods without an async
//!   runtime in the caller's code (for batch jobs and scripts).
//! - `v1_1_1_rc`: the previous guide as `unified_proto::v1_1_1_rc`.
//!
//! Tracing is always on (the `tracing` crate, which records nothing without a
//! subscriber): every client call runs in a `veritrans.request` span and
//! every webhook or redirect check emits one `veritrans::verify` event; keys,
//! tokens and bodies never appear. See `veritrans_core::trace`.
//!
//! The README below shows a merchant how to pay, capture, cancel, verify a
//! webhook and verify a redirect, and lists every decision taken where the
//! guides are silent.
#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod codes;
mod environment;
mod errors;
// Its `mod.rs` is generated too: one module per folder of `specs/unified/`.
#[rustfmt::skip]
pub mod generated;
mod money;
pub mod notify;
pub mod prelude;
mod requests;
mod resend;
pub mod testing;
mod text;
mod token;
mod typed;
pub use typed::Answer;
pub mod validate;
pub mod versions;

#[cfg(feature = "http-client")]
pub mod client;

pub use environment::Environment;
pub use errors::{Error, NextStep, Refusal};
// Every version module by name (`v1_1_3`, …) and the latest guide's items,
// as the generated wiring lists them.
generated::root_exports!();
pub use generated::wire;
pub use money::{Yen, parse_yen, yen};
pub use notify::{MerchantKeys, Redirect, Webhook};
pub use token::UnifiedToken;
pub use veritrans_core::{ErrorKind, Gateway, Mode};
/// The merchant authentication key (re-exported from `veritrans-sign`): a
/// `unified-proto` user needs no direct dependency on it.
pub use veritrans_sign::MerchantAuthKey;

/// Calls `$mac!` with every command of the latest spec as
/// `method: RequestType,` (the method name is the guide's command name in
/// snake case): the one list behind the clients' per-command methods,
/// checked against the spec's `COMMANDS` by a test.
#[doc(hidden)]
#[macro_export]
macro_rules! commands {
    ($mac:ident) => {
        $mac! {
            cancel: CancelRequest,
            capture: CaptureRequest,
            charge: ChargeRequest,
            get_transaction_result: GetTransactionResultRequest,
            pay: PayRequest,
            subscribe: SubscribeRequest,
            terminate: TerminateRequest,
            update_order: UpdateOrderRequest,
        }
    };
}

/// A command of the Unified API: the request body type knows where it goes,
/// which rules it must satisfy and what answers it. Implemented by the
/// generated request types of every spec version.
///
/// ```
/// use unified_proto::{CaptureRequest, Command, PayRequest};
///
/// assert_eq!((PayRequest::NAME, PayRequest::PATH), ("pay", "/fep/pay"));
/// assert!(CaptureRequest::PAY_TYPES.contains(&"paypay"));
/// assert!(PayRequest::RULES.fields.iter().any(|rule| rule.path == "order.amount"));
/// ```
pub trait Command: serde::Serialize {
    /// Command name as the guide writes it (`pay`, `getTransactionResult`).
    const NAME: &'static str;
    /// Path below the environment's base URL (`/fep/pay`).
    const PATH: &'static str;
    /// Payment types the command supports.
    const PAY_TYPES: &'static [&'static str];
    /// Validation rules generated from the spec.
    const RULES: &'static validate::Rules;
    /// The typed body of the answer.
    type Response: serde::de::DeserializeOwned;
}

/// A parsed answer of the gateway.
///
/// ```
/// # #[cfg(feature = "http-client")] {
/// use unified_proto::client::interpret;
/// use unified_proto::{PayRequest, Status};
///
/// let body = br#"{"result":{"resultCode":"UA-000-001","status":"success","actionCode":"success"},"control":{"redirectUrl":"https://provider.example/pay"},"extra":1}"#;
/// let answer = interpret::<PayRequest>(200, body, "key-1").unwrap();
/// assert_eq!(answer.status, Some(Status::Success));
/// assert_eq!(answer.raw["extra"], 1); // fields this version does not know are kept
/// assert_eq!(answer.idempotency_key, "key-1");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The typed body.
    pub body: T,
    /// The body as received, including fields this version does not know.
    pub raw: serde_json::Value,
    /// The HTTP status.
    pub http_status: u16,
    /// `result.resultCode` (`None` when absent).
    pub result_code: Option<ResultCode>,
    /// `result.status`.
    pub status: Option<Status>,
    /// `result.actionCode`.
    pub action_code: Option<ActionCode>,
    /// The `X-VT-Idempotency-Key` of the answered attempt: the same on every
    /// attempt, except for the read-only `getTransactionResult`, which the
    /// client asks again under a new key after an arrived `retry_request`
    /// answer (see the `client` module's "Retries").
    pub idempotency_key: String,
}

impl<T> Response<T> {
    /// `resultCode` is a success (`UA-000-001`, or `UA-000-002` which asks to
    /// confirm the payment in MAP).
    ///
    /// ```
    /// # #[cfg(feature = "http-client")] {
    /// use unified_proto::{CaptureRequest, client::interpret};
    ///
    /// let body = br#"{"result":{"resultCode":"UA-000-002","status":"success","actionCode":"confirm_payment"}}"#;
    /// assert!(interpret::<CaptureRequest>(200, body, "key-1").unwrap().is_success());
    /// # }
    /// ```
    pub fn is_success(&self) -> bool {
        self.result_code
            .as_ref()
            .is_some_and(ResultCode::is_success)
    }
    /// The outcome is not settled yet (consumer paying, provider processing,
    /// pending status).
    ///
    /// ```
    /// # #[cfg(feature = "http-client")] {
    /// use unified_proto::{PayRequest, client::interpret};
    ///
    /// let body = br#"{"result":{"resultCode":"UA-U00-001","status":"success","actionCode":"user_paying"}}"#;
    /// let answer = interpret::<PayRequest>(200, body, "key-1").unwrap();
    /// assert!(answer.is_pending() && !answer.is_success());
    /// # }
    /// ```
    pub fn is_pending(&self) -> bool {
        self.result_code
            .as_ref()
            .is_some_and(ResultCode::is_pending)
    }
}

/// Reads `result.{resultCode,status,actionCode,message}` from a raw body
/// without assuming anything else about it (the client's; a webhook takes
/// its codes from the typed payload).
#[cfg(feature = "http-client")]
pub(crate) fn result_fields(
    raw: &serde_json::Value,
) -> (
    Option<ResultCode>,
    Option<Status>,
    Option<ActionCode>,
    Option<String>,
) {
    let get = |k: &str| {
        raw.get("result")
            .and_then(|r| r.get(k))
            .and_then(serde_json::Value::as_str)
    };
    (
        get("resultCode").map(ResultCode::from),
        get("status").map(Status::from),
        get("actionCode").map(ActionCode::from),
        get("message").map(String::from),
    )
}
