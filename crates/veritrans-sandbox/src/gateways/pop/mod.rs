//! VeriTrans4G POP: payment keys, payment links, PayNowID account management keys, the
//! consumer payment page, signed redirects and signed pushes.
//!
//! - `POST /pop/v1/payment-key`, `/pop/v1/link-pay`, `/pop/v1/paynow-acctmgmt-key`: Basic
//!   auth with the configured POP server key (`401` + `RC17` otherwise), the body read with
//!   `pop_proto::Validate::from_json` (`RC31` for a missing parameter, the parameter's own
//!   code for a wrong JSON type) and checked with `pop_proto::Validate` (so the first
//!   violation's result code is exactly what `pop_proto`'s client-side validation gives),
//!   then against the contract and MAP settings (`settings`: `RC21`, `RC22`, `RC44`,
//!   `RC50`, `RC1L`), `RC20` for an `order_id` already used, `201` with a unique
//!   24-character key.
//! - The consumer page stands in for the POP JS screen: `GET /pop/v1/pay/{payment_key}`
//!   (the sandbox path for `pop.pay(payment_key)`) and `GET /pop/v1/payment-link?payment_key=…`
//!   (the `pay_link_url`). Its plain forms POST to `/pop/v1/pay/{payment_key}`; the answer
//!   is an auto-submitting form that POSTs the signed redirect to `success_url`,
//!   `failure_url` or `incomplete_url`, while the signed push goes to `push_url` through
//!   the sandbox's delivery engine.
//! - Outcomes come from `pop_proto::testing`: test cards and the expiry → `v_result_code`
//!   table (a non-test card gives `AC09`), the CVS telephone prefix rule, the bank
//!   last-digit rule. CVS and bank are paid later: `POST /_sandbox/pop/release/{order_id}`
//!   sends the `paid` push.
//! - `POST /_sandbox/pop/expire/{payment_key}` ends a key's validity (`RC34` without
//!   waiting); 3-D Secure orders answer `NH02` (the scenario cards are not in the guide) or
//!   `RC5C` with less than a minute left on the key.

//!
//! One idea per file: `state` (a payment's stages and transitions), `commands` (the
//! server API), `answers` (its responses), `page` (the consumer page), `payment`
//! (what a submission decides), `notify` (redirects and pushes), `controls` (the
//! sandbox's release and expire), `store` (orders and keys), `settings` (contract
//! and MAP settings).

mod answers;
mod commands;
mod controls;
mod notify;
mod page;
mod payment;
mod settings;
mod state;
mod store;

use axum::routing::{get, post};
use axum::{Extension, Router};
use pop_proto::endpoints::{ACCOUNT_MANAGEMENT_KEY_PATH, PAYMENT_KEY_PATH, PAYMENT_LINK_PATH};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::state::AppState;

pub use store::KEY_LEN;

/// The consumer page for `pop.pay(payment_key)`, `{payment_key}` appended.
pub const PAY_PATH_PREFIX: &str = "/pop/v1/pay/";
/// The page behind `pay_link_url` (`?payment_key=…`), as in the guide's sample URL.
pub const PAYMENT_LINK_PAGE_PATH: &str = "/pop/v1/payment-link";
/// The printable receipt of a CVS payment (`haraikomi_url`), `{payment_key}` appended.
pub const HARAIKOMI_PATH_PREFIX: &str = "/pop/v1/haraikomi/";
/// Releases the second (paid) phase of a CVS or bank payment, `{order_id}` appended.
pub const RELEASE_PATH_PREFIX: &str = "/_sandbox/pop/release/";
/// Makes a payment key expire now (the passage of time, without waiting), `{payment_key}`
/// appended.
pub const EXPIRE_PATH_PREFIX: &str = "/_sandbox/pop/expire/";
/// The contract and MAP settings (`GET`, `PUT`).
pub const SETTINGS_PATH: &str = "/_sandbox/pop/settings";
/// Time a 3-D Secure payment needs left on its key: with less, the guide's `RC5C`.
pub const MPI_MIN_KEY_LIFE: time::Duration = time::Duration::MINUTE;
/// The `merchant_id` in every notification (22 characters, as the guide's field).
pub const MERCHANT_ID: &str = "A100000000000000000001";
/// Default key validity in minutes (`payment_key_expiry_duration`,
/// `account_mgmt_key_expiry_duration`), as the guide says.
pub const DEFAULT_KEY_EXPIRY_MINUTES: i64 = 1440;
/// `v_result_code` of an authorised test card payment: the card code for "authorised"
/// (`A001`), from the card code table of the VeriTrans 3-D Secure guide
/// (`specs/mpi/openapi.yaml`, `x-cardCodes`), which names the card part of a VeriTrans
/// result code. The POP guide does not show a success `v_result_code`; reusing the
/// card code is a sandbox choice.
pub const CARD_SUCCESS_V_RESULT_CODE: mpi_proto::CardCode = mpi_proto::CardCode::Authorized;
/// `auth_code` of an authorised test card payment (the guide shows none; a sandbox
/// choice).
pub const CARD_SUCCESS_AUTH_CODE: &str = "000000";
/// `agency_code` of an applied bank payment (a sandbox choice).
pub const BANK_AGENCY_CODE: &str = "58091";
/// `company_code` of a paid bank payment (a sandbox choice).
pub const BANK_COMPANY_CODE: &str = "00001";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            PAYMENT_KEY_PATH,
            post(commands::payment_key).get(commands::get_refused),
        )
        .route(
            PAYMENT_LINK_PATH,
            post(commands::payment_link).get(commands::get_refused),
        )
        .route(
            ACCOUNT_MANAGEMENT_KEY_PATH,
            post(commands::account_management_key).get(commands::get_refused),
        )
        .route(PAYMENT_LINK_PAGE_PATH, get(page::link_page))
        .route(
            &format!("{PAY_PATH_PREFIX}{{payment_key}}"),
            get(page::pay_page).post(page::pay_submit),
        )
        .route(
            &format!("{RELEASE_PATH_PREFIX}{{order_id}}"),
            post(controls::release),
        )
        .route(
            &format!("{EXPIRE_PATH_PREFIX}{{payment_key}}"),
            post(controls::expire),
        )
        .route(
            SETTINGS_PATH,
            get(settings::get_settings).put(settings::put_settings),
        )
        .layer(Extension(store::Store::default()))
}

/// The query of the payment link page, as the guide's sample `pay_link_url` has it.
#[derive(Debug, Deserialize, Serialize)]
struct LinkQuery {
    payment_key: String,
}

impl LinkQuery {
    /// The page's URL for `payment_key`: the query built from this struct, so the
    /// parameter's name is written once.
    fn url(base_url: &str, payment_key: String, path: &str) -> String {
        let mut url = format!("{base_url}{path}");
        if let Ok(mut parsed) = url::Url::parse(&url) {
            if let Ok(serde_json::Value::Object(members)) =
                serde_json::to_value(LinkQuery { payment_key })
            {
                let mut query = parsed.query_pairs_mut();
                for (name, value) in &members {
                    if let Some(value) = value.as_str() {
                        query.append_pair(name, value);
                    }
                }
            }
            url = parsed.into();
        }
        url
    }
}

/// A JST time stamp as POP writes it (`YYYYMMDDhhmmss`).
fn jst_stamp(t: OffsetDateTime) -> String {
    veritrans_core::jst::format_compact(t)
}
