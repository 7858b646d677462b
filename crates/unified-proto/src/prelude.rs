//! What a merchant's code needs, in one import: `use unified_proto::prelude::*;`
//! brings the client, its builder and environment, the request types and
//! their constructors' enums, `Yen`, `Mode` and the error types, and nothing
//! named like another crate's common items (no bare `Response`, so it sits
//! next to `axum::response::Response`).
//!
//! ```
//! use unified_proto::prelude::*;
//!
//! let request = PayRequest::new(
//!     PayOrder::new(PayType::Paypay, "order-1", 1000),
//!     PayControl::returning_to("https://shop.example/return/order-1"),
//! );
//! assert_eq!(request.order.amount, yen(1000));
//! let _: Option<Mode> = Environment::Sandbox.mode().is_test().then_some(Mode::Test);
//! ```

#[cfg(feature = "http-client")]
pub use crate::client::{Client, ClientBuilder, ResendPolicy, SendOptions};
pub use crate::{
    ActionCode, Answer, AuthCaptureType, CancelRequest, CaptureRequest, ChargeRequest, Environment,
    Error as UnifiedError, GetTransactionResultRequest, MerchantAuthKey, MerchantKeys, Mode,
    NextStep, PayControl, PayOrder, PayRequest, PayType, Redirect, Refusal, ResultCode, Status,
    SubscribeControl, SubscribeItem, SubscribeOrder, SubscribeRequest, TerminateRequest,
    UnifiedToken, UpdateOrderRequest, Webhook, Yen, yen,
};
