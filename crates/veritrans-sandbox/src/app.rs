//! Assembles the router and the layers every request passes through.
//!
//! From the outside in: the hard stop (cuts requests still running when the shutdown
//! grace is over), a panic safety net, fault injection, the body-size limit, then
//! the routes (`/_sandbox/`, the gateways, then any extra routers given to the builder),
//! and finally JSON `404`/`405` answers for anything unrouted.

use std::panic::AssertUnwindSafe;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use http::{Method, StatusCode, Uri};
use tokio::sync::watch;

use crate::error::ApiError;
use crate::state::AppState;
use crate::{faults, gateways, inspect};

/// The default request body limit: 1 MiB, far above any gateway request.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

pub(crate) fn build(
    state: AppState,
    extra: Vec<Router<AppState>>,
    body_limit: usize,
    halt: watch::Receiver<bool>,
) -> Router {
    // Extra routers are chained as fallbacks rather than merged: a merge panics on an
    // overlapping route, a fallback chain just lets earlier routes win.
    let mut rest: Router = unrouted(Router::new()).with_state(state.clone());
    for router in extra.into_iter().rev() {
        rest = router
            .method_not_allowed_fallback(method_not_allowed)
            .fallback_service(rest)
            .with_state(state.clone());
    }
    inspect::routes()
        .merge(gateways::routes(&state))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback_service(rest)
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(
            Guards {
                halt,
                faults: state.faults().clone(),
                body_limit,
            },
            guard,
        ))
}

/// What [`guard`] needs.
#[derive(Clone)]
struct Guards {
    halt: watch::Receiver<bool>,
    faults: faults::FaultTable,
    body_limit: usize,
}

/// The layers every request passes through, from the outside in: the hard stop, the panic
/// safety net, fault injection and the body-size limit.
///
/// One middleware rather than one `from_fn` layer each: a `from_fn` layer clones and boxes
/// the service below it and boxes its own future on every request: the three layers saved
/// were about 15k instructions of a Unified payment's 151k (callgrind, docs/performance.md,
/// "Seventh session").
async fn guard(State(guards): State<Guards>, request: Request, next: Next) -> Response {
    let Guards {
        mut halt,
        faults,
        body_limit,
    } = guards;
    // For the panic message; both clones share their bytes with the request's.
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let handled = AssertUnwindSafe(faults::inject(&faults, request, |request| {
        limited(body_limit, request, next)
    }))
    .catch_unwind();
    // Graceful shutdown waits for requests in flight; once the grace is over (or the
    // handle was dropped) the ones still running are abandoned and their connections
    // aborted, so the server's connection tasks end rather than outlive the sandbox.
    tokio::select! {
        response = handled => response.unwrap_or_else(|_| panicked(&method, uri.path())),
        // An error means the handle is gone, which halts as well.
        _ = halt.wait_for(|halted| *halted) => faults::aborting_response(),
    }
}

fn unrouted(router: Router<AppState>) -> Router<AppState> {
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not accept {method}", uri.path()),
    )
}

/// Refuses a declared over-limit body before reading it, and caps undeclared (chunked)
/// bodies for handlers that read the raw body; axum's own extractors apply the same
/// limit through `DefaultBodyLimit` and answer 413, which handlers map to [`ApiError`].
async fn limited(limit: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return ApiError::payload_too_large(limit).into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

/// A handler panic is a sandbox bug; answer 500 instead of dropping the connection, so
/// the test that hit it sees a message rather than a puzzling transport error.
fn panicked(method: &Method, path: &str) -> Response {
    tracing::error!(%method, %path, "a sandbox handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        format!("the sandbox failed while handling {method} {path}; this is a sandbox bug"),
    )
    .into_response()
}
