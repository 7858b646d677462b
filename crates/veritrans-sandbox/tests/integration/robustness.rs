//! Bad input gets a JSON 4xx with a message; never a panic, never a request-caused 500.
// Helpers in this test crate unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::{get, post};
use common::raw_http;
use reqwest::Method;
use serde_json::Value;
use veritrans_sandbox::{AppState, DEFAULT_BODY_LIMIT, Sandbox};

fn echo_routes() -> Router<AppState> {
    // Reads the body through axum's extractor.
    async fn bytes(body: Bytes) -> String {
        body.len().to_string()
    }
    // Reads the raw body stream, as a gateway decoding its own format might.
    async fn raw(body: Body) -> Result<String, String> {
        axum::body::to_bytes(body, usize::MAX)
            .await
            .map(|b| b.len().to_string())
            .map_err(|e| format!("body error: {e}"))
    }
    async fn boom() -> &'static str {
        panic!("deliberate test panic")
    }
    Router::new()
        .route("/echo/bytes", post(bytes))
        .route("/echo/raw", post(raw))
        .route("/boom", get(boom))
}

async fn sandbox(limit: usize) -> veritrans_sandbox::RunningSandbox {
    Sandbox::builder()
        .body_limit(limit)
        .routes(echo_routes())
        .start()
        .await
        .unwrap()
}

/// The status and JSON body of an error answer, which must say it is JSON.
fn error_of(answer: raw_http::Answer) -> (u16, Value) {
    assert_eq!(answer.header("content-type"), Some("application/json"));
    (answer.status, answer.json())
}

#[test]
fn default_limit_is_one_mebibyte() {
    assert_eq!(DEFAULT_BODY_LIMIT, 1 << 20);
}

#[tokio::test]
async fn declared_over_limit_body_is_413_json() {
    let sandbox = sandbox(64).await;
    let post_bytes = |url: String, len: usize| {
        raw_http::send(raw_http::request(Method::POST, url).body(vec![b'a'; len]))
    };
    let ok = post_bytes(format!("{}/echo/bytes", sandbox.base_url()), 64).await;
    assert_eq!(ok.text(), "64");
    for path in ["/echo/bytes", "/echo/raw", "/_sandbox/faults", "/nowhere"] {
        let response = post_bytes(format!("{}{path}", sandbox.base_url()), 65).await;
        let (status, body) = error_of(response);
        assert_eq!(status, 413, "{path}");
        assert_eq!(body["error"], "payload_too_large");
        assert_eq!(
            body["message"],
            "request body exceeds the limit of 64 bytes"
        );
    }
    sandbox.shutdown().await.unwrap();
}

/// Sends two 40-byte chunks with `transfer-encoding: chunked` (no declared length) and
/// returns the raw HTTP answer.
async fn chunked_request(addr: std::net::SocketAddr, path: &str, content_type: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let chunk = format!("28\r\n{}\r\n", "a".repeat(40));
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: {content_type}\r\n\
         transfer-encoding: chunked\r\n\r\n{chunk}{chunk}0\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tcp.read_to_end(&mut answer),
    )
    .await
    .unwrap()
    .unwrap();
    String::from_utf8(answer).unwrap()
}

#[tokio::test]
async fn chunked_over_limit_body_is_cut_off() {
    let sandbox = sandbox(64).await;
    // Through axum's extractor: 413.
    let via_extractor = chunked_request(sandbox.addr(), "/echo/bytes", "text/plain").await;
    assert!(via_extractor.starts_with("HTTP/1.1 413"), "{via_extractor}");
    // Raw readers get an error from the body stream itself: they never see more than the
    // limit, whatever they pass to `to_bytes`.
    let raw = chunked_request(sandbox.addr(), "/echo/raw", "text/plain").await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(raw.contains("body error"), "{raw}");
    // The JSON API reports the limit in its own shape.
    let api = chunked_request(sandbox.addr(), "/_sandbox/faults", "application/json").await;
    assert!(api.starts_with("HTTP/1.1 413"), "{api}");
    assert!(api.contains(r#""error":"payload_too_large""#), "{api}");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_404_and_405() {
    let sandbox = sandbox(DEFAULT_BODY_LIMIT).await;
    let (status, body) = error_of(
        raw_http::send(raw_http::request(
            Method::GET,
            format!("{}/no-gateway/v1/payment-key", sandbox.base_url()),
        ))
        .await,
    );
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    assert_eq!(
        body["message"],
        "no route for GET /no-gateway/v1/payment-key"
    );

    let (status, body) = error_of(
        raw_http::send(raw_http::request(
            Method::PUT,
            format!("{}/_sandbox/transactions", sandbox.base_url()),
        ))
        .await,
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (405, Some("method_not_allowed"))
    );

    // An extra router's own paths answer 405 in the same shape.
    let (status, _) = error_of(
        raw_http::send(raw_http::request(
            Method::GET,
            format!("{}/echo/bytes", sandbox.base_url()),
        ))
        .await,
    );
    assert_eq!(status, 405);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_query_is_400_json() {
    let sandbox = sandbox(DEFAULT_BODY_LIMIT).await;
    for query in ["gateway=paypal", "unknown=1", "gateway=pop&gateway=mpi"] {
        let (status, body) = error_of(
            raw_http::send(raw_http::request(
                Method::GET,
                format!("{}/_sandbox/transactions?{query}", sandbox.base_url()),
            ))
            .await,
        );
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"], "bad_request");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_handler_panic_is_a_500_json_and_the_server_survives() {
    let sandbox = sandbox(DEFAULT_BODY_LIMIT).await;
    let (status, body) = error_of(
        raw_http::send(raw_http::request(
            Method::GET,
            format!("{}/boom", sandbox.base_url()),
        ))
        .await,
    );
    assert_eq!(status, 500);
    assert_eq!(body["error"], "internal_error");
    let health = raw_http::get(format!("{}/_sandbox/health", sandbox.base_url())).await;
    assert_eq!(health.status, 200);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_take_the_server_down() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let sandbox = sandbox(DEFAULT_BODY_LIMIT).await;
    let mut tcp = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    tcp.write_all(b"\x00\x01 NOT HTTP\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tcp.read_to_end(&mut answer),
    )
    .await;
    let health = raw_http::get(format!("{}/_sandbox/health", sandbox.base_url())).await;
    assert_eq!(health.status, 200);
    sandbox.shutdown().await.unwrap();
}
