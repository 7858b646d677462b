//! What a merchant's code needs, in one import: `use jpayment_proto::prelude::*;`.
//!
//! The client and its builder, the environment and [`Mode`], [`Yen`] (every
//! amount: `yen(1000)`), every request
//! and answer type, the enumerations they use, the secret types and the
//! error types other than the crate's [`Error`](crate::Error) itself (write
//! `jpayment_proto::Error`, so it never shadows `std::error::Error` or
//! another crate's `Error`). Nothing here is named `Response`, `Request` or
//! `Result`.
//!
//! ```
//! use jpayment_proto::prelude::*;
//!
//! let charge = OnetouchCharge::new("123456", ReplyMethod::Response, "customer42",
//!     UserKey::new("vnjpBycDO5"), 1, JobType::Auth, yen(1000), yen(80), yen(0));
//! assert!(charge.encode(Charset::Utf8)?.starts_with("aid=123456&rt=1&cmd=4"));
//! # Ok::<(), jpayment_proto::Error>(())
//! ```

#[cfg(feature = "http-client")]
pub use crate::client::{Client, ClientBuilder, Method};
pub use crate::environment::Environment;
pub use crate::error::{GatewayError, MalformedResponse, Rule, ValidationError};
pub use crate::generated::{
    BulkPaymentResult, BulkRegisterAndPay, BulkRegisterAndPayItem, CardDetails, CardRecord,
    DeleteCard, DeleteUser, ErrorCode, JobType, OnetouchCharge, OnetouchChargeItem, OnetouchResult,
    PaymentMethod, ReferenceCard, ReferenceUser, RegisterCard, RegisterUser, ReplyMethod,
    UpdateCard, UpdateUser, UserDetails, UserRecord,
};
pub use crate::request::Operation;
pub use crate::response::PaymentReply;
pub use crate::values::{MaskedCardNumber, OtherData, Token, UserKey};
pub use crate::{Charset, ErrorKind, Mode, Yen, yen};
