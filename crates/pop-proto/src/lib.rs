//! VeriTrans4G POP (Payment Optimization Platform): payment keys, payment
//! links, PayNowID account management, and the signed redirect and push
//! notifications that report a payment's result.
//!
//! Source of truth: the VeriTrans4G POP API guide v1.8.1, written down as
//! `specs/pop/1.8.1/openapi.yaml`; the types, enums, validation and
//! notification tables in [`types`] and the crate root are generated from it
//! by `cargo xtask codegen`.
#![forbid(unsafe_code)]

mod amount;
#[cfg(feature = "client")]
pub mod client;
mod error;
pub mod notify;
mod request;
mod response;
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
    pub mod types;
    #[rustfmt::skip]
    pub(crate) mod validate;
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

pub use amount::Yen;
pub use error::Error;
pub use generated::endpoints;
pub use generated::enums::{
    BankSubType, CvsSubType, CvsType, GatewayStatus, NotificationPaymentType, PaymentType,
    ResultCode, ResultType, SaveCard, Status, ThreeDsVersion,
};
pub use notify::{Notification, NotificationKind, Push, Redirect};
pub use response::{
    AccountManagementKey, JST, PaymentKey, PaymentLink, account_management_key, parse_jst,
    payment_key, payment_link,
};
pub use validate::{Validate, ValidationErrors, Violation};
