//! The tour's merchant: a tiny axum server on 127.0.0.1:0 that receives what
//! the gateways send back — Unified API webhooks and browser redirects, MPI
//! pushes and browser returns — verifies each with the protocol crates before
//! reading it, de-duplicates notifications by their ID and answers 200.
//! Everything it accepted or refused is kept for the tour to check.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use veritrans::mpi::{MpiServerKey, Push, RedirectParameters};
use veritrans::sign::PopServerKey;
use veritrans::unified::{MerchantKeys, Redirect, Webhook};

/// A webhook delivery that verified.
#[derive(Debug, Clone)]
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

/// A browser redirect that verified.
#[derive(Debug, Clone)]
pub struct RedirectSeen {
    /// The merchant's own paymentId for the session.
    pub payment_id: String,
    /// `resultCode`.
    pub result_code: Option<String>,
    /// `fepReferenceId`.
    pub fep_reference_id: Option<String>,
}

/// An MPI push that verified.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
pub struct PopSeen {
    /// `order_id`.
    pub order_id: String,
    /// Whether it reports a success.
    pub success: bool,
}

/// What the merchant saw.
#[derive(Debug, Default)]
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
    /// Why each refused message was refused.
    pub rejected: Vec<String>,
    /// The raw headers and body of the first verified webhook, so the tour
    /// can show what a tampered copy gets.
    pub first_webhook: Option<(HeaderMap, Bytes)>,
    webhook_ids: HashSet<String>,
    push_ids: HashSet<String>,
}

#[derive(Clone)]
struct AppState {
    keys: MerchantKeys,
    mpi_key: MpiServerKey,
    pop_key: PopServerKey,
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

impl Merchant {
    /// Binds 127.0.0.1:0 and serves until dropped.
    pub async fn start(
        keys: MerchantKeys,
        mpi_key: MpiServerKey,
        pop_key: PopServerKey,
    ) -> Result<Self, String> {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let state = AppState {
            keys,
            mpi_key,
            pop_key,
            seen: seen.clone(),
        };
        let app = Router::new()
            .route("/unified/webhook", post(unified_webhook))
            .route("/unified/return/{payment_id}", get(unified_return))
            .route("/mpi/push", post(mpi_push))
            .route("/mpi/return", post(mpi_return))
            .route("/pop/return/{outcome}", post(pop_return))
            .route("/pop/push", post(pop_push))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("merchant server cannot bind 127.0.0.1:0: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("merchant server address: {e}"))?;
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

    /// Waits (up to `timeout`) until `ready` holds; the last reading either way.
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
    match Redirect::verify(&query, &state.keys, &payment_id) {
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

async fn pop_return(
    State(state): State<AppState>,
    Path(_outcome): Path<String>,
    body: Bytes,
) -> (StatusCode, String) {
    match veritrans::pop::Redirect::verify_and_parse(&body, &state.pop_key) {
        Ok(redirect) => {
            let n = &redirect.notification;
            let seen = PopSeen {
                order_id: n.order_id().to_string(),
                success: n.is_success(),
            };
            lock(&state.seen).pop_redirects.push(seen);
            (StatusCode::OK, "thank you".into())
        }
        Err(e) => refuse(&state, StatusCode::BAD_REQUEST, e.to_string()),
    }
}

async fn pop_push(State(state): State<AppState>, body: Bytes) -> (StatusCode, String) {
    match veritrans::pop::Push::verify_and_parse(&body, &state.pop_key) {
        Ok(push) => {
            let n = &push.notification;
            let seen = PopSeen {
                order_id: n.order_id().to_string(),
                success: n.is_success(),
            };
            lock(&state.seen).pop_pushes.push(seen);
            (StatusCode::OK, "ok".into())
        }
        Err(e) => refuse(&state, StatusCode::UNAUTHORIZED, e.to_string()),
    }
}
