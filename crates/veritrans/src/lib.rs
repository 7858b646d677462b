//! Japanese payment gateways for Rust, one cargo feature per gateway.
//!
//! | feature | module | gateway |
//! |---|---|---|
//! | `pop` | [`pop`] | VeriTrans4G POP |
//! | `unified` | [`unified`] | VeriTrans4G Unified API |
//! | `jpayment` | [`jpayment`] | J-Payment (ROBOT PAYMENT) |
//! | `mpi` | [`mpi`] | VeriTrans 3-D Secure (MPI) |
//!
//! [`sign`] (the signature schemes) is always available. A service that
//! speaks to one gateway only can depend on that protocol crate directly.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

pub use veritrans_sign as sign;

#[cfg(feature = "pop")]
pub use pop_proto as pop;

#[cfg(feature = "unified")]
pub use unified_proto as unified;

#[cfg(feature = "jpayment")]
pub use jpayment_proto as jpayment;

#[cfg(feature = "mpi")]
pub use mpi_proto as mpi;
