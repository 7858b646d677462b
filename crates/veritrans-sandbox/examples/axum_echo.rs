//! The floor of the sandbox's load figures: a minimal axum JSON echo (the body parsed into
//! a `serde_json::Value` and written back), on the same runtime, axum and TCP settings as
//! the sandbox (`TCP_NODELAY`). Prints `{"base_url": …}` and serves until Ctrl-C.
//!
//! ```text
//! cargo run --release -p veritrans-sandbox --example axum_echo
//! ```
//!
//! `benches/wrk.sh` runs it back to back with the sandbox; see `docs/performance.md`.

use std::error::Error;

use axum::Json;
use axum::Router;
use axum::routing::post;
use axum::serve::ListenerExt;

async fn echo(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(body)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    println!(
        "{}",
        serde_json::json!({"base_url": format!("http://{addr}")})
    );
    let app = Router::new().route("/echo", post(echo));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
