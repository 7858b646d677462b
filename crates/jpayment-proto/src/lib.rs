//! J-Payment (ROBOT PAYMENT) card-on-file and one-touch charging: query
//! string requests, positional comma-separated responses and kickbacks.
//!
//! Source of truth: the J-Payment guide for credit cards with tokens,
//! 3-D Secure 2.0, multiple cards per user and one-touch charging.
#![forbid(unsafe_code)]

pub mod charset;
pub mod error;
mod generated;
pub mod request;
pub mod response;
pub mod tables;
pub mod values;

pub use charset::Charset;
pub use error::{Error, GatewayError, MalformedResponse, Rule, ValidationError};
pub use generated::*;
pub use request::Operation;
pub use response::{PaymentReply, Record};
pub use values::{Echo, MaskedCardNumber, OtherData, Secret, Token, UserKey};
