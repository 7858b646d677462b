//! The one way the sandbox's tests (this crate's `tests/` and the repository's end-to-end
//! `tests/`, which includes this file) send a raw HTTP request to the sandbox: one client
//! setting, one answer type read whole, so that a test says what it sends and what it
//! expects, and nothing about how reqwest is driven.
//!
//! Requests that a protocol crate's client can make go through that client; this module
//! is for what a client cannot send (malformed bodies, wrong headers, the consumer's
//! browser, the sandbox's own `/_sandbox` API).
// A request that cannot even be sent, or an answer that cannot be read, fails the test.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{IntoUrl, Method, RequestBuilder};
use serde_json::Value;

/// A client that never reuses a connection, so an aborted connection affects only the
/// request that caused it; that never goes through an environment proxy; and that gives
/// up after 10 s, so a hung sandbox fails the test instead of hanging it.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client builds")
}

/// [`client`] that does not follow redirects: for checking a `303` and its `Location`.
pub fn client_without_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client builds")
}

/// A whole answer: status, headers and body, read before the test looks at it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON; fails the test, showing the body, when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The body as JSON, or `Value::Null` when it is empty or not JSON.
    pub fn json_or_null(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends `request` and reads its whole answer.
pub async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.expect("the request is answered");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("the answer is read").to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// A request of `method` to `url` on [`client`], for adding headers or a body.
pub fn request(method: Method, url: impl IntoUrl) -> RequestBuilder {
    client().request(method, url)
}

/// `GET url`.
pub async fn get(url: impl IntoUrl) -> Answer {
    send(request(Method::GET, url)).await
}

/// `POST url` without a body.
pub async fn post(url: impl IntoUrl) -> Answer {
    send(request(Method::POST, url)).await
}

/// `POST url` with `body` as JSON.
pub async fn post_json(url: impl IntoUrl, body: &Value) -> Answer {
    send(request(Method::POST, url).json(body)).await
}

/// `PUT url` with `body` as JSON.
pub async fn put_json(url: impl IntoUrl, body: &Value) -> Answer {
    send(request(Method::PUT, url).json(body)).await
}

/// `POST url` with `fields` as an `application/x-www-form-urlencoded` body.
pub async fn post_form<K: AsRef<str>, V: AsRef<str>>(
    url: impl IntoUrl,
    fields: &[(K, V)],
) -> Answer {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    let body = serde_urlencoded::to_string(pairs).expect("form fields encode");
    send(
        request(Method::POST, url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
    )
    .await
}
