//! The blocking client from plain (non-async) code, against a fake gateway
//! running on its own thread and runtime.

#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::mpsc;

use axum::Router;
use axum::routing::any;
use jpayment_proto::blocking::Client;
use jpayment_proto::prelude::*;

/// A gateway answering every call with `answer`, on a thread of its own.
fn fake(answer: &'static str) -> SocketAddr {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            let router =
                Router::new().route("/gateway/{*rest}", any(move || async move { answer }));
            axum::serve(listener, router).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

fn environment(addr: SocketAddr) -> Environment {
    Environment::Custom {
        base_url: format!("http://{addr}/gateway/"),
        mode: Mode::Test,
    }
}

fn charge() -> OnetouchCharge {
    OnetouchCharge::new(
        "123456",
        ReplyMethod::Response,
        "012345",
        UserKey::new("vnjpBycDO5"),
        1,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(500),
    )
}

#[test]
fn the_same_send_without_an_async_runtime() {
    let addr = fake("1095729,1,TestMod,,205685,,1000,80,500,1580,,\r\n");
    let client = Client::builder(environment(addr))
        .method(Method::Get)
        .build()
        .unwrap();
    let PaymentReply::Completed(result) = client.send(&charge()).unwrap() else {
        panic!("rt=1 answers with the result")
    };
    assert_eq!(
        (result.payment_id.as_str(), result.total),
        ("1095729", yen(1580))
    );
    // A clone shares the runtime and still works.
    let again = client.clone().send(&charge()).unwrap();
    assert!(matches!(again, PaymentReply::Completed(_)));
}

#[test]
fn gateway_refusals_and_invalid_requests_are_the_async_clients_errors() {
    let addr = fake("ER003");
    let client = Client::new(environment(addr)).unwrap();
    let err = client.send(&charge()).unwrap_err();
    assert_eq!(err.result_code(), Some(&ErrorCode::SourceIp));
    let err = client
        .send(&RegisterUser::new("123456", "no-email-or-phone"))
        .unwrap_err();
    assert!(matches!(err, jpayment_proto::Error::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn inside_an_async_runtime_it_refuses_instead_of_blocking() {
    let addr = fake("OK");
    let client = Client::new(environment(addr)).unwrap();
    let err = client.send(&charge()).unwrap_err();
    assert!(
        matches!(err, jpayment_proto::Error::InsideAsyncRuntime(_)),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Config);
}
