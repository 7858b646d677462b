//! The composition point of the gateway emulations.
//!
//! Each gateway is one module here (`pop`, `unified`, `jpayment`, `mpi`) exposing `pub(crate) fn routes() -> Router<AppState>` built on its protocol
//! crate's own types and keeping its state inside the module, plus one
//! `.merge(<gateway>::routes())` line in `gateways::routes` and one entry in
//! [`EMULATED`]. The shared layers (body limit, fault injection, panic safety net, JSON
//! 404/405) wrap these routes without further wiring.

use axum::Router;

use crate::log::Gateway;
use crate::state::AppState;

mod html;
pub mod jpayment;
pub mod mpi;
pub mod pop;
mod unified;

/// The gateways whose routes this module serves; reported by `GET /_sandbox/health`.
pub const EMULATED: &[Gateway] = &[
    Gateway::JPayment,
    Gateway::Mpi,
    Gateway::Pop,
    Gateway::Unified,
];

/// Every gateway's routes, merged. Add one `.merge(…)` line per gateway.
/// `state` carries the guide versions the sandbox emulates.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(jpayment::routes())
        .merge(mpi::routes())
        .merge(pop::routes())
        .merge(unified::routes(state.versions().unified))
}
