//! Japanese payment gateways for Rust, one cargo feature per gateway.
//!
//! | feature | module | gateway |
//! |---|---|---|
//! | `pop` | [`pop`] | VeriTrans4G POP |
//! | `unified` | [`unified`] | VeriTrans4G Unified API |
//! | `jpayment` | [`jpayment`] | J-Payment (ROBOT PAYMENT) |
//! | `mpi` | [`mpi`] | VeriTrans 3-D Secure (MPI) |
//!
//! The HTTP clients run on rustls (never OpenSSL) with one crypto provider,
//! chosen by feature: `rustls-aws-lc` (default, aws-lc-rs) or `rustls-ring`
//! (ring: no C/CMake build of aws-lc-sys; use with `default-features = false`
//! and the gateway features you need). With a client gateway (`pop`,
//! `unified`, `jpayment`) and neither, the build stops with a message saying so.
//!
//! Feature `blocking` adds each enabled client's blocking twin
//! (`pop::blocking::Client`, `unified::blocking::Client`,
//! `jpayment::blocking::Client`): the same methods, no async runtime in the
//! caller's code. Each gateway module has a `prelude` (e.g.
//! `use veritrans::unified::prelude::*;`).
//!
//! [`sign`] (the signature schemes) is always available. A service that
//! speaks to one gateway only can depend on that protocol crate directly; this
//! crate adds no code path of its own, only one vocabulary over them:
//!
//! - **errors**: every gateway's error converts into [`Error`] with `?`, and
//!   [`Error::kind`] classifies it the same way for all of them (invalid request,
//!   refused with a result code, transport, unverified notification, malformed,
//!   configuration);
//! - **keys**: [`PopServerKey`], [`MerchantAuthKey`], [`MpiServerKey`] and
//!   `UnifiedToken` at the top level; all redact themselves in `Debug` and `Display`;
//! - **environments**: the gateways separate test from live differently, and
//!   each client says so in its own terms, pointed at a local sandbox the same way
//!   (its base URL):
//!
//! | gateway | live | test | a local sandbox |
//! |---|---|---|---|
//! | POP | `Environment::Live` (`pay3.veritrans.co.jp`, `dummy` never set) | `Environment::Dummy`: the same endpoint, the client sets `dummy: true` on every request | `Environment::Custom { base_url, mode }` |
//! | Unified API | `Environment::Live` | `Environment::Sandbox` (its own domain; the client fills `requestMode` from it) | `Environment::Custom { base_url, mode: Mode::Test }` |
//! | J-Payment | `Environment::Live` (the guide's one host) | the same endpoint with a test account: the guide has no test switch | `Environment::Custom { base_url, mode }` |
//! | MPI | no client: the guide documents results, searches' answers and pushes | | |
//!
//! # Example
//!
//! One handler for two gateways' notifications, one way to answer a bad one:
//!
//! ```
//! use veritrans::{Error, ErrorKind, MerchantAuthKey, PopServerKey};
//! use veritrans::unified::MerchantKeys;
//!
//! fn on_pop_push(body: &[u8], key: &PopServerKey) -> Result<String, Error> {
//!     let push = veritrans::pop::Push::verify_and_parse(body, key)?;
//!     Ok(push.notification.order_id().to_string())
//! }
//!
//! fn status_for(err: &Error) -> u16 {
//!     match err.kind() {
//!         ErrorKind::Unverified => 401,
//!         _ => 400,
//!     }
//! }
//!
//! let key = PopServerKey::new("Test-POP-Server-Key");
//! let err = on_pop_push(br#"{"orderId":"o-1","signature":"forged"}"#, &key).unwrap_err();
//! assert_eq!(status_for(&err), 401);
//!
//! // The Unified API's keys, for webhooks and redirects: never printed.
//! let keys = MerchantKeys::new("ccid", MerchantAuthKey::new("secret"));
//! assert!(!format!("{keys:?}").contains("secret"));
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod error;

pub use error::{Error, ErrorKind, Gateway};
#[cfg(feature = "unified")]
pub use unified_proto::UnifiedToken;
pub use veritrans_core::{Secret, Yen, yen};
pub use veritrans_sign::{MerchantAuthKey, MpiServerKey, PopServerKey};

pub use veritrans_sign as sign;

#[cfg(feature = "pop")]
pub use pop_proto as pop;

#[cfg(feature = "unified")]
pub use unified_proto as unified;

#[cfg(feature = "jpayment")]
pub use jpayment_proto as jpayment;

#[cfg(feature = "mpi")]
pub use mpi_proto as mpi;
