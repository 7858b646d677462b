//! J-Payment (ROBOT PAYMENT): card-on-file users, numbered card slots, one-touch charges
//! and bulk registration with payment, at the gateway's real `.aspx` paths.
//!
//! Requests are read with `jpayment-proto`'s server-side reader
//! ([`AnyRequest::from_pairs`](jpayment_proto::AnyRequest::from_pairs)) and answered with
//! its encoders, so the sandbox speaks exactly the format the client decodes. Every path,
//! parameter name and answer comes from the generated code (`jpayment_proto::OPERATIONS`,
//! `jpayment_proto::param`, `jpayment_proto::ACCEPTED_ANSWER`). The gateway's data lives
//! in this module's own store behind one mutex, handed to these routes only (an axum
//! `Extension` layer on this router), so no other gateway's code or the shared
//! [`AppState`] changes.
//!
//! | path (GET or POST) | operations |
//! |---|---|
//! | `/gateway/carduser.aspx` | user register/update/delete/reference (`cmd` 0/1/2/3), card reference/delete (6/5) |
//! | `/gateway/carduser_token.aspx` | card register (`cmd=4`), card update (`cmd=4` with `num`) |
//! | `/gateway/gateway_token.aspx` | user-and-card bulk registration with payment (with or without `iid`) |
//! | `/gateway/onetouch.aspx` | one-touch charge (with or without `iid`) |
//!
//! Sandbox-only endpoints (never subject to fault injection), in `console`:
//!
//! | method and path | meaning |
//! |---|---|
//! | `POST /_sandbox/jpayment/token` `{"cn","ed","fn","ln","cvv"?}` | `201 {"tkn","card"}`: a single-use token, instead of `CPToken.js` |
//! | `GET`/`PUT /_sandbox/jpayment/settings` `{"charset"?,"kickback_url"?}` | the console settings: charset, 決済結果通知URL |
//! | `POST /_sandbox/jpayment/items` `{"iid","am","tx","sf","jb","content"?}` | `201`: a registered item (商品登録) |
//! | `GET /_sandbox/jpayment/payments` | every payment that reached the card company |
//!
//! One idea per file: `state` (the gateway's data and its single-use rules),
//! `users` and `payments` (what each operation of the guide does to it), `commands`
//! (the `.aspx` endpoints), `answers` (the answer bodies), `notify` (kickbacks),
//! `console` (the sandbox-only endpoints); `triggers` holds the test triggers.

mod answers;
mod commands;
mod console;
mod notify;
mod payments;
mod state;
mod triggers;
mod users;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::Extension;
use axum::routing::{get, post};
use jpayment_proto::OPERATIONS;

use crate::state::AppState;

use state::Store;

/// The gateway's path prefix: the path of `jpayment_proto::BASE_URL` (`/gateway/`), to
/// which the client joins the endpoints.
pub fn path_prefix() -> String {
    reqwest::Url::parse(jpayment_proto::BASE_URL)
        .map(|url| url.path().to_owned())
        .unwrap_or_else(|_| "/".to_owned())
}

impl crate::RunningSandbox {
    /// Where a J-Payment client reaches this sandbox: its base URL with the gateway's
    /// path (`/gateway/`), as [`Environment::Custom`](jpayment_proto::Environment::Custom)
    /// in test mode (nothing here moves money).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = veritrans_sandbox::Sandbox::builder().start().await?;
    /// let client = jpayment_proto::Client::new(sandbox.jpayment_environment())?;
    /// assert!(client.mode().is_test());
    /// assert!(client.environment().base_url().ends_with("/gateway/"));
    /// # Ok(()) }
    /// ```
    pub fn jpayment_environment(&self) -> jpayment_proto::Environment {
        jpayment_proto::Environment::Custom {
            base_url: format!("{}{}", self.base_url(), path_prefix()),
            mode: jpayment_proto::Mode::Test,
        }
    }
}

/// Header carrying the sandbox's explanation of a refusal (the gateway itself only
/// answers a code); never holds secrets. The sandbox's own header, not the gateway's.
pub const REASON_HEADER: &str = "x-sandbox-reason";

type Shared = Arc<Mutex<Store>>;

fn lock(store: &Shared) -> MutexGuard<'_, Store> {
    // Every operation completes its writes before releasing the lock without panicking
    // paths in between, so a poisoned lock still holds consistent data.
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every endpoint of the spec's operations, once each, in the spec's order.
fn endpoints() -> Vec<&'static str> {
    let mut endpoints: Vec<&'static str> = Vec::new();
    for op in OPERATIONS {
        if !endpoints.contains(&op.endpoint) {
            endpoints.push(op.endpoint);
        }
    }
    endpoints
}

/// The J-Payment routes, with a fresh gateway state for this sandbox.
pub(crate) fn routes() -> Router<AppState> {
    let store: Shared = Arc::new(Mutex::new(Store::default()));
    let prefix = path_prefix();
    let mut router = Router::new();
    for endpoint in endpoints() {
        router = router.route(
            &format!("{prefix}{endpoint}"),
            get(commands::endpoint).post(commands::endpoint),
        );
    }
    router
        .route("/_sandbox/jpayment/token", post(console::token))
        .route(
            "/_sandbox/jpayment/settings",
            get(console::settings).put(console::put_settings),
        )
        .route("/_sandbox/jpayment/items", post(console::item))
        .route("/_sandbox/jpayment/payments", get(console::payments))
        .layer(Extension(store))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The routes are where the client sends its requests: below the base URL's path,
    /// one per endpoint of the spec.
    #[test]
    fn routes_follow_the_base_url_and_the_endpoints() {
        assert_eq!(path_prefix(), "/gateway/");
        assert_eq!(
            endpoints(),
            [
                "carduser.aspx",
                "carduser_token.aspx",
                "gateway_token.aspx",
                "onetouch.aspx"
            ]
        );
    }
}
