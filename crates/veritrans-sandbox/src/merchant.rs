//! A stand-in for the merchant's own server, for tests and demos: a small axum
//! server on 127.0.0.1 (random port) that receives everything the gateways send
//! back and treats it as a careful merchant would.
//!
//! - Every notification is verified with its protocol crate *before* it is read:
//!   POP redirects and pushes (SHA-512 with the server key), Unified API webhooks
//!   (HMAC-SHA512) and browser redirects (`vAuthInfo`, bound to the merchant's own
//!   paymentId), MPI pushes (SHA-256). J-Payment kickbacks carry no signature and are
//!   parsed only.
//! - Notifications are de-duplicated by their ID (webhook id, MPI `push_id`,
//!   J-Payment `gid`); a duplicate still gets its 200, or the gateway would send it
//!   again.
//! - Whatever was accepted, and why anything was refused, is kept in [`Seen`] for the
//!   test to check; [`Merchant::wait_for`] waits for asynchronous deliveries.
//!
//! | route | receives |
//! |---|---|
//! | `POST /pop/return/{outcome}/{order_id}` | POP browser redirect (`success`/`incomplete`/`error` URLs), bound to the order in its URL |
//! | `POST /pop/push` | POP push |
//! | `POST /unified/webhook` | Unified API webhook |
//! | `GET /unified/return/{payment_id}` | Unified API browser redirect |
//! | `POST /mpi/push` | MPI push |
//! | `POST /mpi/return` | MPI browser return (`RequestId`, `OrderId`) |
//! | `GET /jpayment/kickback` | J-Payment kickback |
//!
//! # Example
//!
//! ```
//! use veritrans_sandbox::merchant::Merchant;
//! use veritrans_sandbox::Sandbox;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let sandbox = Sandbox::builder().start().await?;
//!     let merchant = Merchant::start(sandbox.credentials()).await?;
//!     // Give the gateways these URLs as push, webhook, redirect and kickback URLs.
//!     let push_url = merchant.url("/pop/push");
//!     assert!(push_url.starts_with("http://127.0.0.1:"));
//!
//!     // A forged push is refused, and the reason is kept.
//!     let answer = reqwest::Client::new()
//!         .post(&push_url)
//!         .body(r#"{"orderId":"o1","vResultCode":"A001"}"#)
//!         .send()
//!         .await?;
//!     assert_eq!(answer.status(), 401);
//!     assert_eq!(merchant.seen(|seen| seen.rejected.len()), 1);
//!     Ok(())
//! }
//! ```

use std::collections::HashSet;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use jpayment_proto::Charset;
use jpayment_proto::kickback::{self, PaymentNotice};
use mpi_proto::{MpiServerKey, Push, RedirectParameters};
use unified_proto::{MerchantKeys, Redirect, Webhook};
use veritrans_sign::PopServerKey;

use crate::Credentials;

/// A Unified API webhook delivery that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSeen {
    /// `X-VT-webhook-id`.
    pub id: String,
    /// `order.paymentId` of the payload.
    pub payment_id: Option<String>,
    /// `result.resultCode`.
    pub result_code: Option<String>,
    /// Already processed under this ID: answered 200 and skipped.
    pub duplicate: bool,
}

/// A Unified API browser redirect that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectSeen {
    /// The merchant's own paymentId for the session (from the return URL's path).
    pub payment_id: String,
    /// `resultCode`.
    pub result_code: Option<String>,
    /// `fepReferenceId`.
    pub fep_reference_id: Option<String>,
}

/// An MPI push that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSeen {
    /// `push_id`.
    pub push_id: String,
    /// `data[0].order_id`.
    pub order_id: Option<String>,
    /// `data[0].vresult_code`.
    pub vresult_code: Option<String>,
    /// Already processed under this ID: answered 200 and skipped.
    pub duplicate: bool,
}

/// A POP redirect or push that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopSeen {
    /// `order_id`.
    pub order_id: String,
    /// `vResultCode`.
    pub result_code: String,
    /// Whether it reports a success.
    pub success: bool,
    /// For a redirect, the last segment of the URL it came back to
    /// (`success`, `incomplete`, `error`); empty for a push.
    pub outcome: String,
    /// Which notification it is (`payment_type` / `result_type`): for CVS and
    /// bank, tells the applied phase from the paid one.
    pub kind: pop_proto::NotificationKind,
}

/// A J-Payment kickback, parsed (kickbacks carry no signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KickbackSeen {
    /// `gid`, the gateway's payment ID.
    pub gid: String,
    /// `cod`, the merchant's order reference.
    pub order_ref: Option<String>,
    /// `ta`, the total charged; 0 for a failed payment.
    pub total: u64,
    /// The error code of a failed payment (`rst=2`).
    pub error_code: Option<String>,
    /// Already processed under this `gid`: answered and skipped.
    pub duplicate: bool,
}

/// What the merchant saw.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Seen {
    /// Every verified webhook delivery, duplicates included.
    pub webhooks: Vec<WebhookSeen>,
    /// Every verified Unified redirect.
    pub redirects: Vec<RedirectSeen>,
    /// Every MPI browser return (`RequestId`, `OrderId`).
    pub mpi_returns: Vec<RedirectParameters>,
    /// Every verified MPI push delivery, duplicates included.
    pub pushes: Vec<PushSeen>,
    /// Every verified POP browser redirect.
    pub pop_redirects: Vec<PopSeen>,
    /// Every verified POP push delivery.
    pub pop_pushes: Vec<PopSeen>,
    /// Every J-Payment kickback, duplicates included.
    pub kickbacks: Vec<KickbackSeen>,
    /// Why each refused message was refused.
    pub rejected: Vec<String>,
    /// The raw headers and body of the first verified webhook, so a test can
    /// replay or tamper with it.
    pub first_webhook: Option<(HeaderMap, Bytes)>,
    webhook_ids: HashSet<String>,
    push_ids: HashSet<String>,
    kickback_ids: HashSet<String>,
}

#[derive(Clone)]
struct AppState {
    keys: MerchantKeys,
    mpi_key: MpiServerKey,
    pop_key: PopServerKey,
    charset: Charset,
    seen: Arc<Mutex<Seen>>,
}

fn lock(seen: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    // Every update is a single push or insert: a poisoned lock is consistent.
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The running merchant server; stops when dropped.
pub struct Merchant {
    base_url: String,
    seen: Arc<Mutex<Seen>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for Merchant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Merchant")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Merchant {
    /// Starts a merchant that holds the keys of `credentials` (a sandbox's, or
    /// the real ones) and reads kickbacks as UTF-8, the sandbox's default.
    pub async fn start(credentials: &Credentials) -> io::Result<Self> {
        let keys = MerchantKeys::new(
            credentials.merchant_ccid.clone(),
            credentials.merchant_auth_key.clone(),
        );
        Self::start_with(
            keys,
            credentials.mpi_server_key.clone(),
            credentials.pop_server_key.clone(),
            Charset::Utf8,
        )
        .await
    }

    /// Starts a merchant with explicit keys and the J-Payment charset set in the
    /// gateway's console.
    pub async fn start_with(
        keys: MerchantKeys,
        mpi_key: MpiServerKey,
        pop_key: PopServerKey,
        charset: Charset,
    ) -> io::Result<Self> {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let state = AppState {
            keys,
            mpi_key,
            pop_key,
            charset,
            seen: seen.clone(),
        };
        let app = Router::new()
            .route("/unified/webhook", post(unified_webhook))
            .route("/unified/return/{payment_id}", get(unified_return))
            .route("/mpi/push", post(mpi_push))
            .route("/mpi/return", post(mpi_return))
            .route("/pop/return/{outcome}/{order_id}", post(pop_return))
            .route("/pop/push", post(pop_push))
            .route("/jpayment/kickback", get(jpayment_kickback))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            base_url: format!("http://{addr}"),
            seen,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Reads what was seen so far.
    pub fn seen<T>(&self, read: impl FnOnce(&Seen) -> T) -> T {
        read(&lock(&self.seen))
    }

    /// Waits (up to `timeout`) until `ready` holds; whether it did.
    pub async fn wait_for(&self, timeout: Duration, ready: impl Fn(&Seen) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.seen(&ready) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for Merchant {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn refuse(state: &AppState, status: StatusCode, reason: String) -> (StatusCode, String) {
    lock(&state.seen).rejected.push(reason.clone());
    (status, reason)
}

async fn unified_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let hook = match Webhook::verify_and_parse(&headers, &body, &state.keys) {
        Ok(hook) => hook,
        Err(e) => return refuse(&state, StatusCode::UNAUTHORIZED, e.to_string()),
    };
    let mut seen = lock(&state.seen);
    let duplicate = !seen.webhook_ids.insert(hook.id.clone());
    if seen.first_webhook.is_none() {
        seen.first_webhook = Some((headers, body));
    }
    seen.webhooks.push(WebhookSeen {
        id: hook.id,
        payment_id: hook
            .payload
            .order
            .as_ref()
            .and_then(|o| o.payment_id.clone()),
        result_code: hook.result_code.map(|c| c.to_string()),
        duplicate,
    });
    // 200 for a duplicate too: anything else makes the gateway send it again.
    let answer = if duplicate {
        "duplicate, skipped"
    } else {
        "processed"
    };
    (StatusCode::OK, answer.into())
}

async fn unified_return(
    State(state): State<AppState>,
    Path(payment_id): Path<String>,
    RawQuery(query): RawQuery,
) -> (StatusCode, String) {
    let query = query.unwrap_or_default();
    match Redirect::verify_and_parse(&query, &state.keys, &payment_id) {
        Ok(redirect) => {
            let result_code = redirect.result_code.map(|c| c.to_string());
            lock(&state.seen).redirects.push(RedirectSeen {
                payment_id,
                result_code: result_code.clone(),
                fep_reference_id: redirect.query.fep_reference_id,
            });
            (
                StatusCode::OK,
                format!("thank you ({})", result_code.unwrap_or_default()),
            )
        }
        Err(e) => refuse(&state, StatusCode::BAD_REQUEST, e.to_string()),
    }
}

async fn mpi_push(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let authorization = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let push = match Push::verify_and_parse(&body, authorization, &state.mpi_key) {
        Ok(push) => push,
        Err(e) => return refuse(&state, StatusCode::UNAUTHORIZED, e.to_string()),
    };
    let mut seen = lock(&state.seen);
    let duplicate = !seen.push_ids.insert(push.push_id().to_string());
    let first = push.data().first();
    seen.pushes.push(PushSeen {
        push_id: push.push_id().to_string(),
        order_id: first.and_then(|d| d.order_id.clone()),
        vresult_code: first.and_then(|d| d.vresult_code.clone()),
        duplicate,
    });
    (StatusCode::OK, "ok".into())
}

async fn mpi_return(State(state): State<AppState>, body: Bytes) -> (StatusCode, String) {
    match RedirectParameters::from_form(&body) {
        Ok(params) => {
            lock(&state.seen).mpi_returns.push(params);
            (StatusCode::OK, "checking your payment".into())
        }
        Err(e) => refuse(&state, StatusCode::BAD_REQUEST, e.to_string()),
    }
}

fn pop_seen(n: &pop_proto::Notification, outcome: String) -> PopSeen {
    PopSeen {
        order_id: n.order_id().to_string(),
        result_code: n.result_code().to_string(),
        success: n.is_success(),
        outcome,
        kind: n.kind(),
    }
}

async fn pop_return(
    State(state): State<AppState>,
    Path((outcome, order_id)): Path<(String, String)>,
    body: Bytes,
) -> (StatusCode, String) {
    match pop_proto::Redirect::verify_and_parse(&body, &state.pop_key, &order_id) {
        Ok(redirect) => {
            let seen = pop_seen(&redirect.notification, outcome);
            lock(&state.seen).pop_redirects.push(seen);
            (StatusCode::OK, "thank you".into())
        }
        Err(e) => refuse(&state, StatusCode::BAD_REQUEST, e.to_string()),
    }
}

async fn pop_push(State(state): State<AppState>, body: Bytes) -> (StatusCode, String) {
    match pop_proto::Push::verify_and_parse(&body, &state.pop_key) {
        Ok(push) => {
            let seen = pop_seen(&push.notification, String::new());
            lock(&state.seen).pop_pushes.push(seen);
            (StatusCode::OK, "ok".into())
        }
        Err(e) => refuse(&state, StatusCode::UNAUTHORIZED, e.to_string()),
    }
}

async fn jpayment_kickback(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> (StatusCode, &'static str) {
    let query = query.unwrap_or_default();
    let seen = match kickback::parse(query.as_bytes(), state.charset) {
        Ok(PaymentNotice::Onetouch(r)) => (r.payment_id, r.order_ref, r.total.get(), None),
        Ok(PaymentNotice::Bulk(r)) => (r.payment_id, r.order_ref, r.total.get(), None),
        Err(jpayment_proto::Error::Gateway(refused)) => (
            refused
                .field(jpayment_proto::param::GID)
                .unwrap_or_default()
                .to_string(),
            refused
                .field(jpayment_proto::param::COD)
                .map(str::to_string),
            0,
            Some(refused.code.to_string()),
        ),
        Err(e) => {
            lock(&state.seen).rejected.push(e.to_string());
            // Still acknowledged: a malformed kickback will not improve when resent.
            return (StatusCode::OK, kickback::ACK_BODY);
        }
    };
    let (gid, order_ref, total, error_code) = seen;
    let mut seen = lock(&state.seen);
    let duplicate = !seen.kickback_ids.insert(gid.clone());
    seen.kickbacks.push(KickbackSeen {
        gid,
        order_ref,
        total,
        error_code,
        duplicate,
    });
    (StatusCode::OK, kickback::ACK_BODY)
}
