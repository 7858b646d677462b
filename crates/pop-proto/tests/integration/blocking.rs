//! The blocking client: the async client's methods from plain `fn`, with the
//! same `dummy` rule (see `environment.rs` for the guide's words), and a
//! refusal instead of a panic inside an async runtime.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use pop_proto::blocking::Client;
use pop_proto::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};
use pop_proto::{Environment, Error, Mode, PopServerKey, yen};
use serde_json::Value;

use crate::environment::{Bodies, app};

/// The stand-in on a thread of its own (a blocking caller has no runtime).
fn stand_in() -> (String, Bodies) {
    let bodies = Bodies::default();
    let app = app(bodies.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (base_url, bodies)
}

#[test]
fn the_blocking_client_has_the_async_methods_and_sets_dummy() {
    let (base_url, bodies) = stand_in();
    let environment = Environment::Custom {
        base_url,
        mode: Mode::Test,
    };
    let client = Client::new(PopServerKey::new("key"), environment).unwrap();
    let key = client
        .payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(1000)))
        .unwrap();
    assert_eq!(key.key, "28GTzdVOZNeImaHMDeQF1319");
    let link = client
        .payment_link(&PaymentLinkRequest::new("ORDER-0002", yen(1000)))
        .unwrap();
    assert!(
        link.url.contains("payment_key=28GTzdVOZNeImaHMDeQF1319"),
        "{}",
        link.url
    );
    let account = client
        .account_management_key(&AccountManagementKeyRequest::new("TEST-ACCOUNT-101"))
        .unwrap();
    assert_eq!(account.key, "uxhn7T0eWt22XHycTNr11702");
    let sent: Vec<_> = bodies
        .taken()
        .into_iter()
        .map(|b| b["dummy"].clone())
        .collect();
    assert_eq!(sent, vec![Value::Bool(true); 3]);

    // The same refusal as the async client, before sending.
    let mut live = PaymentKeyRequest::new("ORDER-0003", yen(1000));
    live.dummy = Some(false);
    let err = client.payment_key(&live).unwrap_err();
    assert!(matches!(err, Error::DummyConflict { .. }), "{err:?}");
    assert!(bodies.taken().is_empty());
}

#[tokio::test]
async fn inside_an_async_runtime_it_refuses_instead_of_panicking() {
    let (base_url, bodies) = stand_in();
    let environment = Environment::Custom {
        base_url,
        mode: Mode::Test,
    };
    let client = Client::new(PopServerKey::new("key"), environment).unwrap();
    let err = client
        .payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(1000)))
        .unwrap_err();
    assert!(matches!(err, Error::InsideAsyncRuntime(_)), "{err:?}");
    assert_eq!(err.kind(), pop_proto::ErrorKind::Config);
    assert!(bodies.taken().is_empty());
}
