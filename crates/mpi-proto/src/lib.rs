//! VeriTrans 3-D Secure (MPI): redirect parameters, search results,
//! `vresult_code`, ship / don't-ship decisions and push notifications.
//!
//! Source of truth: the VeriTrans 3-D Secure (MPI) guide ("About 3-D Secure
//! Payment"), written down in `specs/mpi/openapi.yaml`; the types, the code
//! lists and the scenario table are generated from it by
//! `cargo xtask codegen`.
#![forbid(unsafe_code)]

pub mod codes;
pub mod decision;
mod error;
mod generated;
mod redirect;
mod search;
pub mod testing;
pub mod validate;
mod vresult;

pub use codes::{
    CardCode, CodeGroup, CodeOutcome, PaymentPolicy, RiskBearer, ServiceOptionType,
    ThreeDSecureCode,
};
pub use decision::{Action, Decision, Outcome, Statuses};
pub use error::{Error, VResultCodeError};
pub use generated::tables::{MStatus, ProperTransactionInfo};
pub use generated::types::{
    CardTransactionInfo, MpiTransactionInfo, OrderInfo, ProperOrderInfo, PushData,
    PushNotification, RedirectParameters, SearchResponse, TransactionInfo,
};
pub use vresult::VResultCode;
