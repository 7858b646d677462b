//! A minimal merchant server: receives VeriTrans4G POP pushes and Unified API
//! webhooks, verifies each one, handles each notification once, and answers
//! 200 so the gateway stops resending it.
//!
//! ```sh
//! cargo run -p veritrans-examples --example merchant_server -- --addr 127.0.0.1:3000
//! ```
//!
//! | route | receives |
//! |---|---|
//! | `POST /pop/push` | POP push (JSON, `signature` in the body) |
//! | `POST /unified/webhook` | Unified API webhook (`X-VT-Content-hmac`, `X-VT-webhook-id`) |
//!
//! Configuration (the same variable names as the `veritrans` command):
//!
//! | variable | what |
//! |---|---|
//! | `POP_SERVER_KEY` | POP server key (MAP's API settings page) |
//! | `VERITRANS_MERCHANT_CCID` | Unified API merchant CCID |
//! | `VERITRANS_MERCHANT_AUTH_KEY` | Unified API merchant authentication key |
//! | `MERCHANT_ADDR` | listen address when `--addr` is not given (default `127.0.0.1:3000`) |
//! | `RUST_LOG` | log filter (default `info`) |
//!
//! A key that is not set falls back to `veritrans-sandbox`'s public test value,
//! with a warning on standard error: the server then accepts only what a
//! sandbox signs (`cargo run -p veritrans-cli -- sandbox`), never a real
//! gateway's notifications. Keys are never logged.
//!
//! The answers: `200 ok` (verified and handled), `200 duplicate` (verified,
//! handled before, skipped: a gateway may send the same notification again),
//! `401 invalid signature` (the signature, or a header it comes with, missing or
//! wrong), `400 malformed notification` (signed, but not what
//! the guide describes). Failures say no more than that to the sender; the
//! reason goes to the log.

use std::collections::HashSet;
use std::error::Error;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use clap::Parser;
use veritrans::pop::Push;
use veritrans::unified::{Answer as _, MerchantKeys, Webhook};
use veritrans::{ErrorKind, MerchantAuthKey, PopServerKey};
use veritrans_sandbox::Credentials;

/// Command line.
#[derive(Debug, Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "MERCHANT_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    veritrans_examples::exit(serve().await)
}

async fn serve() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let args = Args::parse();
    let keys = Keys::from_env();
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening: POST /pop/push, POST /unified/webhook");
    axum::serve(listener, app(keys))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// The keys notifications are verified with. Their `Debug` prints
/// `[redacted]`, so even a careless `{:?}` cannot leak them.
pub struct Keys {
    /// POP server key.
    pub pop: PopServerKey,
    /// Unified API merchant CCID and authentication key.
    pub unified: MerchantKeys,
}

impl Keys {
    /// From the environment, each missing value replaced by the sandbox's
    /// public test value (said on standard error).
    pub fn from_env() -> Self {
        let pop = env_or_test_value("POP_SERVER_KEY", Credentials::DEFAULT_POP_SERVER_KEY);
        let ccid = env_or_test_value(
            "VERITRANS_MERCHANT_CCID",
            Credentials::DEFAULT_MERCHANT_CCID,
        );
        let auth_key = env_or_test_value(
            "VERITRANS_MERCHANT_AUTH_KEY",
            Credentials::DEFAULT_MERCHANT_AUTH_KEY,
        );
        Self {
            pop: PopServerKey::new(pop),
            // The key's text is the HMAC key (veritrans-sign's default reading).
            unified: MerchantKeys::new(ccid, MerchantAuthKey::new(auth_key)),
        }
    }
}

fn env_or_test_value(name: &str, test_value: &str) -> String {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => value,
        _ => {
            eprintln!("warning: {name} is not set: using veritrans-sandbox's public test value");
            test_value.to_string()
        }
    }
}

#[derive(Clone)]
struct AppState {
    keys: Arc<Keys>,
    /// Notifications handled so far. In production this is your database: store
    /// the key in the same transaction as the order update, under a unique
    /// constraint, so a crash between the two cannot lose or repeat one.
    handled: Arc<Mutex<HashSet<String>>>,
}

impl AppState {
    /// Records `key`; `false` when it was recorded before.
    fn first_time(&self, key: String) -> bool {
        // A panic elsewhere cannot leave a half-inserted set: keep going.
        let mut handled = self.handled.lock().unwrap_or_else(PoisonError::into_inner);
        handled.insert(key)
    }
}

/// The routes, with `keys` to verify with.
pub fn app(keys: Keys) -> Router {
    let state = AppState {
        keys: Arc::new(keys),
        handled: Arc::default(),
    };
    Router::new()
        .route("/pop/push", post(pop_push))
        .route("/unified/webhook", post(unified_webhook))
        .with_state(state)
}

type Answer = (StatusCode, &'static str);

/// The answer to a notification that cannot be acted on. The sender learns
/// no more than the status line; the reason goes to the log (it never holds a
/// key: keys are redacting types, and the errors do not include them).
fn refuse(error: veritrans::Error) -> Answer {
    tracing::warn!(%error, "notification refused");
    match error.kind() {
        // Forged, altered, signed with another key, or missing what
        // verification needs: act on nothing in it.
        ErrorKind::Unverified => (StatusCode::UNAUTHORIZED, "invalid signature"),
        // Signed, but not what the guide describes.
        _ => (StatusCode::BAD_REQUEST, "malformed notification"),
    }
}

async fn pop_push(State(state): State<AppState>, body: Bytes) -> Answer {
    // Verify the exact bytes received before reading anything from them.
    let push = match Push::verify_and_parse(&body, &state.keys.pop) {
        Ok(push) => push,
        Err(e) => return refuse(e.into()),
    };
    let n = &push.notification;
    // A POP push has no ID of its own: an order's notifications differ by
    // kind (e.g. convenience store "applied", then "paid") and result.
    let key = format!(
        "pop:{}:{:?}:{}:{}",
        n.order_id(),
        n.kind(),
        n.status(),
        n.result_code()
    );
    if !state.first_time(key) {
        tracing::info!(order_id = n.order_id(), "POP push already handled: skipped");
        return (StatusCode::OK, "duplicate");
    }
    // Your business logic: mark the order paid (or failed), ship, e-mail…
    tracing::info!(
        order_id = n.order_id(),
        kind = ?n.kind(),
        success = n.is_success(),
        result_code = %n.result_code(),
        "POP push handled"
    );
    (StatusCode::OK, "ok")
}

async fn unified_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Answer {
    // The HMAC covers the raw body: verify before parsing, never re-serialise.
    let hook = match Webhook::verify_and_parse(&headers, &body, &state.keys.unified) {
        Ok(hook) => hook,
        Err(e) => return refuse(e.into()),
    };
    // The gateway resends a webhook with the same X-VT-webhook-id until it
    // gets a 200, and may send it twice anyway: handle each ID once.
    if !state.first_time(format!("unified:{}", hook.id)) {
        tracing::info!(webhook_id = %hook.id, "webhook already handled: skipped");
        return (StatusCode::OK, "duplicate");
    }
    // Your business logic: update the payment by its paymentId.
    tracing::info!(
        webhook_id = %hook.id,
        payment_id = hook.payment_id().unwrap_or("-"),
        result_code = hook.result_code.as_ref().map(ToString::to_string).as_deref().unwrap_or("-"),
        "webhook handled"
    );
    (StatusCode::OK, "ok")
}
