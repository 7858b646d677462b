//! The vocabulary every `veritrans-rs` crate shares, written once.
//!
//! The four protocol crates (`pop-proto`, `unified-proto`, `jpayment-proto`, `mpi-proto`),
//! the signature crate (`veritrans-sign`), the facade (`veritrans`) and the sandbox all
//! speak of the same things: an amount of [`Yen`], a secret that must never be printed
//! ([`Secret`] and the [`secret_type!`] family), the open enum of a guide's listed values
//! ([`open_enum!`], feature `serde`), the [`Gateway`] something comes from,
//! what kind of failure an error is ([`ErrorKind`]), how long to wait before trying again
//! ([`Backoff`]), Japan Standard Time ([`jst`], feature `time`), card numbers ([`card`]),
//! constant-time comparison ([`ct_eq`]), the identifier character rule ([`charset`]) and
//! the loopback-URL rule ([`url_rules`], feature `url`), and the one constraint model of
//! request specs with its validator ([`constraint`], feature `constraint`). Each lives here once; each
//! protocol crate re-exports what its users need, so nobody depends on this crate
//! directly unless they want to.
//!
//! Why a crate of its own, and not `veritrans-sign`: see the README. In short, J-Payment
//! has no signature scheme and must not pull in SHA-2/HMAC to name an amount, and the
//! vocabulary changes for other reasons than the signature schemes do.
//!
//! # Features
//! - `serde`: `Serialize`/`Deserialize` for [`Yen`] (a string of digits) and [`Gateway`],
//!   and the [`open_enum!`] macro (the open enums of the protocol crates).
//! - `time`: the [`jst`] module.
//! - `url`: the [`url_rules`] module.
//! - `constraint`: the [`constraint`] module (with `time`, `url` and `serde_json`).
//! - `blocking`: [`blocking::Runtime`], the runtime behind every blocking client.
//! - `tracing`: the [`trace`] module, the one shape of every client's and verifier's
//!   `tracing` output.
//! - `test-util`: `trace::Capture`, `tracing` output as text for tests.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod backoff;
pub mod blocking;
pub mod card;
pub mod charset;
#[cfg(feature = "constraint")]
pub mod constraint;
mod ct;
mod error_kind;
mod gateway;
#[cfg(feature = "time")]
pub mod jst;
mod mode;
mod money;
#[cfg(feature = "serde")]
mod open_enum;
mod secret;
#[cfg(feature = "tracing")]
pub mod trace;
#[cfg(feature = "url")]
pub mod url_rules;

pub use backoff::Backoff;
pub use ct::ct_eq;
pub use error_kind::ErrorKind;
pub use gateway::Gateway;
pub use mode::Mode;
pub use money::{Yen, YenParseError, yen};
pub use secret::{REDACTED, Secret};

#[doc(hidden)]
pub mod __private {
    //! What [`secret_type!`](crate::secret_type) and `open_enum!` expand to; not a public API.
    pub use crate::secret::fmt_redacted;
    #[cfg(feature = "serde")]
    pub use serde;
}
