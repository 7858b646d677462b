//! Fault injection: make the next matching requests slow, fail, or lose their answer.
//!
//! A [`FaultRule`] matches requests by method and path prefix and applies its
//! [`FaultAction`] to the next `count` of them, then expires. Rules are tried in the order
//! they were added; the first with a match takes the request. Requests under the reserved
//! prefix `/_sandbox/` are never faulted, so a test can always inspect and clean up.
//!
//! The actions prove that a client retries safely:
//! - `delay`: the request is handled normally after a pause (timeouts).
//! - `status`: the gateway is "down": the handler does **not** run and the answer is the
//!   given status (e.g. 500, 503, 429 with `Retry-After`). Nothing happened.
//! - `connection_reset`: the handler does **not** run and the connection is aborted
//!   without an answer. Nothing happened, but the client cannot know that.
//! - `drop_response`: the handler **runs** (its effect is applied and logged) and then
//!   the connection is aborted without an answer. A client that retries without an
//!   idempotency key will apply the effect twice.
//!
//! The two aborting actions answer with a body whose first read fails; hyper then closes
//! the connection before any byte of the response is written, and the client sees a
//! transport error ("connection closed before message completed"). The socket is closed,
//! not reset with an RST segment: the sandbox has no portable way to force one.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The path prefix reserved for the sandbox's own API; faults never apply under it.
pub const RESERVED_PREFIX: &str = "/_sandbox";

/// The longest delay a fault may ask for, so a forgotten rule cannot hang a test run.
pub const MAX_DELAY_MS: u64 = 60_000;

/// What to do to requests that match a rule.
///
/// JSON: `{"type": "delay", "ms": 200}`, `{"type": "connection_reset"}`,
/// `{"type": "status", "status": 503, "retry_after": 2}`, `{"type": "drop_response"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultAction {
    /// Wait this long, then handle the request normally.
    Delay {
        /// Milliseconds, at most [`MAX_DELAY_MS`].
        ms: u64,
    },
    /// Abort the connection without running the handler.
    ConnectionReset,
    /// Answer with this error status without running the handler.
    Status {
        /// HTTP status, 400–599 (typically 500, 503 or 429).
        status: u16,
        /// `Retry-After` header value in seconds, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Run the handler (apply the effect), then abort the connection without its answer.
    DropResponse,
}

/// A fault to inject into matching requests.
///
/// ```
/// use veritrans_sandbox::{FaultAction, FaultRule};
///
/// let rule: FaultRule = serde_json::from_str(
///     r#"{"method": "POST", "path_prefix": "/fep/", "count": 2,
///         "action": {"type": "status", "status": 503, "retry_after": 1}}"#,
/// ).unwrap();
/// assert_eq!(rule, FaultRule::new("/fep/", FaultAction::Status { status: 503, retry_after: Some(1) })
///     .method("POST")
///     .count(2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Only requests with this method (case-insensitive); any method if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path starts with this; must start with `/` and must not be
    /// under `/_sandbox`.
    pub path_prefix: String,
    /// How many matching requests to fault before the rule expires; at least 1, default 1.
    #[serde(default = "one")]
    pub count: u32,
    /// What to do.
    pub action: FaultAction,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// A rule for any method under `path_prefix`, applied once.
    pub fn new(path_prefix: impl Into<String>, action: FaultAction) -> Self {
        Self {
            method: None,
            path_prefix: path_prefix.into(),
            count: 1,
            action,
        }
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Sets how many requests it applies to.
    pub fn count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// Checks the rule and normalises the method to upper case.
    fn validated(mut self) -> Result<Self, FaultError> {
        let bad = |m: String| Err(FaultError(m));
        if let Some(m) = &self.method {
            let upper = m.to_ascii_uppercase();
            if Method::from_bytes(upper.as_bytes()).is_err() {
                return bad(format!("method: {m:?} is not an HTTP method"));
            }
            self.method = Some(upper);
        }
        if !self.path_prefix.starts_with('/') {
            return bad(format!(
                "path_prefix: {:?} must start with '/'",
                self.path_prefix
            ));
        }
        if is_reserved(&self.path_prefix) {
            return bad(format!(
                "path_prefix: {:?} is under the reserved {RESERVED_PREFIX}/ prefix, \
                 which is never faulted",
                self.path_prefix
            ));
        }
        if self.count == 0 {
            return bad("count: must be at least 1".into());
        }
        match self.action {
            FaultAction::Delay { ms } if ms > MAX_DELAY_MS => {
                return bad(format!(
                    "action.ms: {ms} exceeds the maximum of {MAX_DELAY_MS}"
                ));
            }
            FaultAction::Status { status, .. } if !(400..=599).contains(&status) => {
                return bad(format!("action.status: {status} is not in 400..=599"));
            }
            _ => {}
        }
        Ok(self)
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method.as_str())
            && path.starts_with(&self.path_prefix)
    }
}

/// Why a fault rule was refused; the message names the field and the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault rule: {0}")]
pub struct FaultError(String);

/// Identifies an active fault rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FaultId(pub u64);

/// An active fault rule and how many requests it will still take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Its ID.
    pub id: FaultId,
    /// The rule as added (method in upper case).
    pub rule: FaultRule,
    /// Matching requests it will still fault.
    pub remaining: u32,
}

/// The active fault rules; cloning shares them.
#[derive(Clone, Debug, Default)]
pub(crate) struct FaultTable {
    inner: Arc<Mutex<TableInner>>,
    /// How many rules are active, written under the lock: every request of every gateway
    /// reads it, and when no rule is active (almost always) it need not take the lock.
    active: Arc<AtomicUsize>,
}

#[derive(Debug, Default)]
struct TableInner {
    next_id: u64,
    faults: Vec<Fault>,
}

impl FaultTable {
    pub(crate) fn add(&self, rule: FaultRule) -> Result<Fault, FaultError> {
        let rule = rule.validated()?;
        let mut inner = self.lock();
        inner.next_id += 1;
        let fault = Fault {
            id: FaultId(inner.next_id),
            remaining: rule.count,
            rule,
        };
        inner.faults.push(fault.clone());
        self.active.store(inner.faults.len(), Ordering::Release);
        Ok(fault)
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        self.lock().faults.clone()
    }

    pub(crate) fn remove(&self, id: FaultId) -> bool {
        let mut inner = self.lock();
        let before = inner.faults.len();
        inner.faults.retain(|f| f.id != id);
        self.active.store(inner.faults.len(), Ordering::Release);
        inner.faults.len() != before
    }

    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.faults.clear();
        self.active.store(0, Ordering::Release);
    }

    /// Consumes one use of the first matching rule, under one lock so concurrent
    /// requests never take more uses than `count`.
    fn take(&self, method: &Method, path: &str) -> Option<(FaultId, FaultAction)> {
        // A rule added after this load applies from the next request on, as it would if
        // this request had taken the lock first.
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut inner = self.lock();
        let index = inner
            .faults
            .iter()
            .position(|f| f.rule.matches(method, path))?;
        let fault = &mut inner.faults[index];
        fault.remaining -= 1;
        let taken = (fault.id, fault.rule.action.clone());
        if fault.remaining == 0 {
            inner.faults.remove(index);
            self.active.store(inner.faults.len(), Ordering::Release);
        }
        Some(taken)
    }

    // Mutations are single pushes/removals/decrements: a poisoned lock is still consistent.
    fn lock(&self) -> MutexGuard<'_, TableInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) fn is_reserved(path: &str) -> bool {
    path.strip_prefix(RESERVED_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Fault injection (a layer of the sandbox's middleware, `app.rs`): applies the first
/// matching fault, if any, around `next`, which handles the request.
pub(crate) async fn inject<F, Fut>(faults: &FaultTable, request: Request, next: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    if is_reserved(request.uri().path()) {
        return next(request).await;
    }
    let Some((id, action)) = faults.take(request.method(), request.uri().path()) else {
        return next(request).await;
    };
    tracing::info!(fault = id.0, ?action, method = %request.method(), path = request.uri().path(), "injecting fault");
    match action {
        FaultAction::Delay { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next(request).await
        }
        FaultAction::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut response = ApiError::new(
                status,
                "injected_fault",
                format!(
                    "fault {} injected by the sandbox: HTTP {}",
                    id.0,
                    status.as_u16()
                ),
            )
            .into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        FaultAction::ConnectionReset => {
            drop(request);
            aborting_response()
        }
        FaultAction::DropResponse => {
            // Wait for the handler to finish so its effect is applied, then discard its
            // answer (including a streaming body) and abort instead.
            drop(next(request).await);
            aborting_response()
        }
    }
}

/// A response whose body fails on first read: hyper aborts the connection before
/// writing the status line, so the client gets no answer at all.
pub(crate) fn aborting_response() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection aborted by an injected fault",
        ))
    });
    Response::new(Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> FaultAction {
        FaultAction::Status {
            status: code,
            retry_after: None,
        }
    }

    #[test]
    fn validation_names_the_field() {
        let table = FaultTable::default();
        let err = |rule: FaultRule| table.add(rule).unwrap_err().to_string();
        assert!(err(FaultRule::new("fep", status(500))).contains("path_prefix"));
        assert!(err(FaultRule::new("/_sandbox/x", status(500))).contains("reserved"));
        assert!(err(FaultRule::new("/_sandbox", status(500))).contains("reserved"));
        assert!(err(FaultRule::new("/x", status(500)).count(0)).contains("count"));
        assert!(err(FaultRule::new("/x", status(200))).contains("action.status"));
        assert!(err(FaultRule::new("/x", FaultAction::Delay { ms: 60_001 })).contains("action.ms"));
        assert!(err(FaultRule::new("/x", status(500)).method("GE T")).contains("method"));
        // A path that merely starts with the same letters is not reserved.
        assert!(
            table
                .add(FaultRule::new("/_sandboxed", status(500)))
                .is_ok()
        );
    }

    #[test]
    fn rules_are_taken_in_order_and_expire_after_count() {
        let table = FaultTable::default();
        let a = table
            .add(FaultRule::new("/fep/", status(503)).method("post").count(2))
            .unwrap();
        assert_eq!(a.rule.method.as_deref(), Some("POST"));
        table.add(FaultRule::new("/", status(429))).unwrap();

        assert_eq!(
            table.take(&Method::GET, "/pop/x").map(|t| t.1),
            Some(status(429))
        );
        assert_eq!(table.take(&Method::GET, "/fep/pay"), None);
        assert_eq!(
            table.take(&Method::POST, "/fep/pay").map(|t| t.0),
            Some(a.id)
        );
        assert_eq!(table.list()[0].remaining, 1);
        assert_eq!(
            table.take(&Method::POST, "/fep/pay").map(|t| t.0),
            Some(a.id)
        );
        assert_eq!(table.take(&Method::POST, "/fep/pay"), None);
        assert!(table.list().is_empty());
    }

    #[test]
    fn remove_and_clear() {
        let table = FaultTable::default();
        let a = table.add(FaultRule::new("/a", status(500))).unwrap();
        table.add(FaultRule::new("/b", status(500))).unwrap();
        assert!(table.remove(a.id));
        assert!(!table.remove(a.id));
        assert_eq!(table.list().len(), 1);
        table.clear();
        assert!(table.list().is_empty());
    }

    #[test]
    fn action_json_shapes() {
        let json = serde_json::to_value(FaultAction::Status {
            status: 429,
            retry_after: Some(3),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "status", "status": 429, "retry_after": 3})
        );
        let reset: FaultAction = serde_json::from_str(r#"{"type":"connection_reset"}"#).unwrap();
        assert_eq!(reset, FaultAction::ConnectionReset);
        assert!(serde_json::from_str::<FaultAction>(r#"{"type":"explode"}"#).is_err());
    }
}
