//! VeriTrans 3-D Secure (MPI): the documented search response and signed pushes, driven
//! by sandbox-only request conventions.
//!
//! The guide documents what comes *back* to a merchant — the browser's form POST to
//! `redirection_uri` (`RequestId`, `OrderId`), the `/search` response, the signed push —
//! but neither the 3-D Secure request (`/mpi_charges`) nor the search request. So the two
//! requests here are **sandbox-only conventions**, the least needed to drive the
//! documented parts (see the crate README, section "MPI"):
//!
//! - `POST /mpi/mpi_charges` (JSON: `order_id`, `amount`, `card_number`,
//!   `service_option_type`, `redirection_uri`, optional `push_uri`) runs the "MPI
//!   Authorize" step and answers `mstatus`, `vresult_code`, `request_id` and, when the
//!   browser has somewhere to go, `redirect_url`;
//! - `GET /mpi/acs/{request_id}` is the consumer-side page standing in for the card
//!   company's authentication server (or, for rows 4 and 5-1 under `mpi-company`, the
//!   gateway's payment step); `POST` to the same path completes it: the "Verify" step
//!   is applied, the push is queued, and the answer is an auto-submitting form that
//!   POSTs `RequestId` and `OrderId` to `redirection_uri`;
//! - `POST /mpi/search` (JSON: `request_id`) answers the documented search response.
//!
//! Every outcome comes from `mpi_proto::testing`'s scenario table (per test card and
//! service option type); every body is one of `mpi_proto`'s own types, written by its
//! own encoders; pushes are signed with `veritrans_sign::mpi::authorization`; every
//! command, status, code, header and parameter name comes from `mpi_proto`'s generated
//! enums and constants.
//!
//! One idea per file: `state` (a transaction's stages and transitions), `commands`
//! (the endpoints), `answers` (the search answer and its transactions), `notify`
//! (pushes), `pages` (the browser pages).

mod answers;
mod commands;
mod notify;
mod pages;
mod state;

use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::state::AppState;

/// Starts a 3-D Secure transaction (sandbox-only request format).
pub const CHARGES_PATH: &str = "/mpi/mpi_charges";
/// The search API (sandbox-only request format, documented response).
pub const SEARCH_PATH: &str = "/mpi/search";
/// The consumer-side authentication page, `{request_id}` appended.
pub const ACS_PATH_PREFIX: &str = "/mpi/acs/";

/// The 3-D Secure code of a card that is not one of the guide's test cards, under every
/// option: `GE04` ("Error occurred in MPI library"), an abnormal end at the authorize
/// step, as a full code. A sandbox choice: it never pays and never sends the browser
/// anywhere.
pub fn non_test_card_code() -> String {
    mpi_proto::testing::full_code(mpi_proto::ThreeDSecureCode::GE04.as_str())
}

/// Largest accepted `amount` (yen). The guide states no limit; this is the sandbox's.
pub const MAX_AMOUNT: i64 = 99_999_999;

/// Longest accepted `redirection_uri` / `push_uri`. The guide states no limit.
pub const MAX_URI_LEN: usize = 2048;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(CHARGES_PATH, post(commands::charge))
        .route(SEARCH_PATH, post(commands::search))
        .route(
            &format!("{ACS_PATH_PREFIX}{{request_id}}"),
            get(commands::acs_page).post(commands::acs_complete),
        )
        .layer(Extension(state::Store::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sandbox's choice for cards outside the guide's test table (labelled so in the
    /// crate docs and `docs/conformance.md`). The code it uses is the guide's:
    /// shared/seeds/mpi-3d-secure.en.txt, "Code List for each Scenario": "GE04=3-D Secure
    /// execution not possible. (Error occurred in MPI library)".
    #[test]
    fn the_non_test_card_code_is_a_full_ge04() {
        let code = mpi_proto::VResultCode::parse(&non_test_card_code()).ok();
        assert_eq!(
            code.map(|c| c.three_d_secure()),
            Some(mpi_proto::ThreeDSecureCode::GE04)
        );
    }
}
