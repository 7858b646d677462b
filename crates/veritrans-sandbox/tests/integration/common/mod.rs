//! Helpers shared by the integration tests: a sandbox with a test route that has an
//! observable effect, and a tiny merchant receiver.
// Test helpers outside #[test] functions: a failed setup should fail the test loudly.
#![allow(dead_code, clippy::unwrap_used)]

pub mod raw_http;
pub mod unified;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use veritrans_sandbox::{
    AppState, DeliverySchedule, Gateway, RunningSandbox, Sandbox, SandboxBuilder,
};

/// `POST /test/effect/{id}`: appends one record (kind `effect`) and answers its seq.
pub fn effect_routes() -> Router<AppState> {
    async fn effect(State(state): State<AppState>, Path(id): Path<String>) -> String {
        state
            .record(Gateway::Pop, "effect", id, serde_json::json!({}))
            .seq
            .to_string()
    }
    Router::new().route("/test/effect/{id}", post(effect))
}

pub fn quick_policy(max_attempts: u32) -> DeliverySchedule {
    DeliverySchedule {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        attempt_timeout: Duration::from_secs(2),
    }
}

pub fn builder() -> SandboxBuilder {
    Sandbox::builder()
        .retry_policy(quick_policy(4))
        .routes(effect_routes())
}

pub async fn start() -> RunningSandbox {
    builder().start().await.expect("sandbox starts")
}

#[allow(unused_imports)]
pub use raw_http::client;

/// What the merchant receiver saw.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A merchant endpoint on 127.0.0.1:0 answering the scripted statuses in order, then 200.
pub struct Merchant {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Merchant {
    pub async fn start(script: &[u16]) -> Merchant {
        #[derive(Clone)]
        struct S {
            script: Arc<Mutex<VecDeque<u16>>>,
            received: Arc<Mutex<Vec<Received>>>,
        }
        async fn hook(
            State(s): State<S>,
            method: axum::http::Method,
            headers: HeaderMap,
            body: Bytes,
        ) -> StatusCode {
            s.received.lock().unwrap().push(Received {
                method: method.to_string(),
                headers,
                body,
            });
            let next = s.script.lock().unwrap().pop_front().unwrap_or(200);
            StatusCode::from_u16(next).unwrap()
        }
        let s = S {
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
            received: Arc::default(),
        };
        let received = s.received.clone();
        let app = Router::new().fallback(hook).with_state(s);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Merchant {
            addr,
            received,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Merchant {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A port with nothing listening on it (bound, read, released).
pub async fn closed_port() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}
