//! The merchants' front door: one HTTP server in front of every merchant's
//! recording server (`veritrans_sandbox::merchant::Merchant`) that, at random,
//! answers a notification with `500` or hangs past the sandbox's attempt
//! timeout before passing it on, so the sandbox must redeliver.
//!
//! Routes: `/m/{merchant}/{path}` forwards to that merchant's `{path}`;
//! `GET /kickback` is the one J-Payment kickback URL of the shop (a console
//! setting, so one for all merchants) and is forwarded to the merchant named
//! by the `cod` prefix (`m{merchant}-…`).
//!
//! A hang is passed on after the wait: the merchant processes the
//! notification although the sandbox has given up on the answer, which is
//! the case the merchant's de-duplication exists for.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::{any, get};

use super::rng::Rng;

/// What the front door did.
#[derive(Debug, Default)]
pub struct FrontCounts {
    /// Notifications answered 500 without reaching the merchant.
    pub answered_500: AtomicU64,
    /// Notifications held past the sandbox's attempt timeout, then passed on.
    pub hung: AtomicU64,
    /// Notifications passed on at once.
    pub forwarded: AtomicU64,
}

#[derive(Clone)]
struct Front {
    merchants: Arc<Vec<String>>,
    http: reqwest::Client,
    rng: Arc<Rng>,
    percent_500: u64,
    percent_hang: u64,
    hang: Duration,
    counts: Arc<FrontCounts>,
}

/// Starts the front door for `merchants` (their base URLs, by index); returns
/// its base URL and its counters. It runs until the runtime ends.
pub async fn start(
    merchants: Vec<String>,
    rng: Arc<Rng>,
    (percent_500, percent_hang, hang): (u64, u64, Duration),
) -> std::io::Result<(String, Arc<FrontCounts>)> {
    let counts = Arc::new(FrontCounts::default());
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(std::io::Error::other)?;
    let front = Front {
        merchants: Arc::new(merchants),
        http,
        rng,
        percent_500,
        percent_hang,
        hang,
        counts: counts.clone(),
    };
    let app = Router::new()
        .route("/m/{merchant}/{*path}", any(to_merchant))
        .route("/kickback", get(kickback))
        .with_state(front);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((format!("http://{addr}"), counts))
}

async fn to_merchant(
    State(front): State<Front>,
    Path((merchant, path)): Path<(usize, String)>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    forward(&front, merchant, &path, method, query, headers, body).await
}

async fn kickback(
    State(front): State<Front>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> (StatusCode, Bytes) {
    let query = query.unwrap_or_default();
    let merchant = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "cod")
        .and_then(|(_, cod)| {
            let rest = cod.strip_prefix('m')?;
            rest.split('-').next()?.parse::<usize>().ok()
        });
    let Some(merchant) = merchant else {
        return (
            StatusCode::BAD_REQUEST,
            Bytes::from_static(b"no merchant in cod"),
        );
    };
    let path = "jpayment/kickback".to_owned();
    forward(
        &front,
        merchant,
        &path,
        Method::GET,
        Some(query),
        headers,
        Bytes::new(),
    )
    .await
}

async fn forward(
    front: &Front,
    merchant: usize,
    path: &str,
    method: Method,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let Some(base) = front.merchants.get(merchant) else {
        return (
            StatusCode::NOT_FOUND,
            Bytes::from_static(b"no such merchant"),
        );
    };
    let roll = front.rng.below(100);
    if roll < front.percent_500 {
        front.counts.answered_500.fetch_add(1, Ordering::Relaxed);
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Bytes::from_static(b"down"),
        );
    }
    let hang = roll < front.percent_500 + front.percent_hang;
    let url = merchant_url(base, path, query);
    let send = pass_on(front.http.clone(), method, url, headers, body);
    if hang {
        front.counts.hung.fetch_add(1, Ordering::Relaxed);
        // Passed on after the wait even though the sandbox has hung up by then
        // (its attempt timed out): the merchant processes it, the sandbox
        // sends it again, and the merchant must recognise the copy.
        let wait = front.hang;
        let late = tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            send.await
        });
        return late
            .await
            .unwrap_or((StatusCode::BAD_GATEWAY, Bytes::new()));
    }
    front.counts.forwarded.fetch_add(1, Ordering::Relaxed);
    send.await
}

fn merchant_url(base: &str, path: &str, query: Option<String>) -> String {
    let mut url = format!("{base}/{path}");
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(&q);
    }
    url
}

async fn pass_on(
    http: reqwest::Client,
    method: Method,
    url: String,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let mut request = http.request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            let body = answer.bytes().await.unwrap_or_default();
            (status, body)
        }
        Err(_) => (
            StatusCode::BAD_GATEWAY,
            Bytes::from_static(b"merchant unreachable"),
        ),
    }
}
