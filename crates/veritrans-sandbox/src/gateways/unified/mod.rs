//! The VeriTrans4G Unified API: `POST /fep/{command}` for every command, the order
//! lifecycle, idempotency, the guide's simulation tables (`data/unified-testing.yaml`),
//! the dummy provider page behind `redirectUrl`, signed redirects and webhooks, and
//! `getTransactionResult`.
//!
//! Requests are read with `unified-proto`'s generated types and checked with its
//! generated validation tables (the same code the client runs); result codes, HTTP
//! statuses and action codes come from its generated `RESULT_CODES`; answers, redirects
//! and webhooks are its generated types, signed with `veritrans-sign`. The tables are
//! those of the guide version the sandbox was started for (a
//! `unified_proto::versions::GuideVersion`, default the latest); the types are the
//! latest's, whose shapes carry both versions' bodies.
//!
//! One idea per file: `dispatch` (a request in), `state` (the order state machine),
//! `store` (what is remembered, under one lock), `commands` (each command's effect),
//! `provider` (the dummy provider page), `notify` (webhooks and redirects), `answers`
//! (the answer bodies), `idempotency`, `sim` (the Testing tables).

mod answers;
mod commands;
mod dispatch;
mod idempotency;
mod notify;
mod provider;
mod sim;
mod state;
mod store;

use crate::gateways::html::escape;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, FromRequest, Path, Request, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use http::{StatusCode, header};
use unified_proto::versions::GuideVersion;

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) use store::Store;

/// Where the dummy provider pages live (outside `/fep/`, which is the gateway's).
pub(crate) const PROVIDER_PREFIX: &str = "/unified-sandbox/provider";

/// The Unified API routes, each sandbox with its own order store, emulating `guide`.
pub(crate) fn routes(guide: &'static GuideVersion) -> Router<AppState> {
    let store = Arc::new(Store::new(guide));
    Router::new()
        .route("/fep/{command}", post(fep))
        .route(
            &format!("{PROVIDER_PREFIX}/{{reference}}"),
            get(provider_page),
        )
        .route(
            &format!("{PROVIDER_PREFIX}/{{reference}}/{{outcome}}"),
            get(provider_choice),
        )
        .layer(Extension(store))
}

async fn fep(
    State(app): State<AppState>,
    Extension(store): Extension<Arc<Store>>,
    Path(command): Path<String>,
    mut request: Request,
) -> Response {
    // The headers are moved out rather than cloned (what the `HeaderMap` extractor does);
    // reading the body needs only the rest (its limit is an extension).
    let headers = std::mem::take(request.headers_mut());
    let body = match Bytes::from_request(request, &app).await {
        Ok(b) => b,
        Err(rejection) => {
            return ApiError::new(rejection.status(), "bad_body", rejection.body_text())
                .into_response();
        }
    };
    let answer = store.handle(&app, &command, &headers, &body);
    answer.into_response()
}

async fn provider_page(
    Extension(store): Extension<Arc<Store>>,
    Path(reference): Path<String>,
) -> Response {
    match store.provider_page(&reference) {
        Ok(html) => Html(html).into_response(),
        Err((status, text)) => (status, Html(page("Unified API sandbox", &text))).into_response(),
    }
}

async fn provider_choice(
    State(app): State<AppState>,
    Extension(store): Extension<Arc<Store>>,
    Path((reference, outcome)): Path<(String, String)>,
) -> Response {
    match store.choose(&app, &reference, &outcome) {
        Ok(provider::Choice::Redirect(location)) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, location)],
            Html(page("Redirecting", "Returning to the merchant…")),
        )
            .into_response(),
        Ok(provider::Choice::BackToProvider(location)) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, location)],
            Html(page(
                "Redirecting",
                "Back to the payment details confirmation page…",
            )),
        )
            .into_response(),
        Ok(provider::Choice::NoRedirect(text)) => {
            Html(page("Redirect failed", &text)).into_response()
        }
        Err((status, text)) => (status, Html(page("Unified API sandbox", &text))).into_response(),
    }
}

/// A minimal HTML page; `body` is escaped.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>{}</h1><p>{}</p></body></html>",
        escape(title),
        escape(title),
        escape(body)
    )
}
