//! A local, embeddable emulator of the VeriTrans gateways.
//!
//! The gateways are emulated on one address, one module each (see [`gateways`]): POP
//! (payment keys, links, the consumer page, signed redirects and pushes), the Unified
//! API, J-Payment and MPI (3-D Secure), each built on its protocol crate's own types,
//! validation and signing. They stand on a common core:
//!
//! - the server lifecycle: [`Sandbox::builder`] → [`SandboxBuilder::start`] →
//!   [`RunningSandbox`] on `127.0.0.1:0` by default, graceful [`RunningSandbox::shutdown`],
//!   stop on drop;
//! - the accepted [`Credentials`] (documented test defaults; keys in `veritrans-sign`'s
//!   redacting types, the access token in [`Secret`]);
//! - shared state for routes ([`AppState`]): an append-only transactions/events log
//!   ([`TransactionLog`]) and outbound notification delivery with redelivery of the same
//!   request until the merchant answers 200 ([`Delivery`], [`DeliverySchedule`], [`DeliveryLog`]);
//! - bounded memory: both logs keep the newest records of each gateway and evict older
//!   ones ([`Retention`]; counts in `GET /_sandbox/health`);
//! - inspection and fault injection over HTTP under `/_sandbox/` (see [`inspect`]) and in
//!   Rust through [`Inspector`]: delays, aborted connections, 500/503/429 answers, and
//!   answers dropped after the effect was applied ([`FaultAction`]);
//! - robustness: request bodies limited to [`DEFAULT_BODY_LIMIT`] (configurable), JSON
//!   errors in the [`ApiError`] shape, a panic safety net.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use veritrans_sandbox::{Credentials, Delivery, Gateway, DeliverySchedule, Sandbox};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let sandbox = Sandbox::builder()
//!         .retry_policy(DeliverySchedule {
//!             max_attempts: 2,
//!             initial_backoff: Duration::from_millis(10),
//!             max_backoff: Duration::from_millis(10),
//!             attempt_timeout: Duration::from_secs(1),
//!         })
//!         .start()
//!         .await?;
//!     assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//!     assert_eq!(
//!         sandbox.credentials().pop_server_key.expose_secret(),
//!         Credentials::DEFAULT_POP_SERVER_KEY
//!     );
//!
//!     // The inspection API answers over HTTP…
//!     let health: serde_json::Value =
//!         reqwest::get(format!("{}/_sandbox/health", sandbox.base_url())).await?.json().await?;
//!     assert_eq!(health["status"], "ok");
//!
//!     // …and in Rust. Here a notification to a closed port fails twice, then gives up.
//!     let id = sandbox.state().deliver(Delivery::new(Gateway::Unified, "wh-1", "http://127.0.0.1:9/"))?;
//!     let record = sandbox.inspect().wait_delivery_settled(&id, Duration::from_secs(5)).await;
//!     assert_eq!(record.map(|r| r.attempts.len()), Some(2));
//!
//!     sandbox.shutdown().await?;
//!     Ok(())
//! }
//! ```
#![forbid(unsafe_code)]

mod app;
mod boxed_map;
mod clock;
mod credentials;
mod delivery;
mod error;
mod faults;
pub mod gateways;
pub mod inspect;
mod log;
pub mod merchant;
mod retention;
mod server;
mod state;
pub mod versions;

pub use app::DEFAULT_BODY_LIMIT;
pub use clock::{Clock, ClockError, MAX_CLOCK_OFFSET};
pub use credentials::{Credentials, Secret};
pub use delivery::{
    AttemptOutcome, Delivery, DeliveryAttempt, DeliveryError, DeliveryLog, DeliveryRecord,
    DeliverySchedule, DeliveryStatus,
};
pub use error::{ApiError, Error};
pub use faults::{
    Fault, FaultAction, FaultError, FaultId, FaultRule, MAX_DELAY_MS, RESERVED_PREFIX,
};
pub use inspect::Inspector;
pub use log::{Gateway, TransactionFilter, TransactionLog, TransactionRecord};
pub use retention::{Retention, RetentionCounts};
pub use server::{RunningSandbox, Sandbox, SandboxBuilder};
pub use state::AppState;
pub use veritrans_sign::{MerchantAuthKey, MpiServerKey, PopServerKey};
pub use versions::GuideVersions;
