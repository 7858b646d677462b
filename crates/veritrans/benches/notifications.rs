//! What a merchant's notification endpoints cost per request: verifying the
//! signature and parsing the body, for every gateway that signs its
//! notifications. `cargo bench -p veritrans`.
#![allow(missing_docs)] // `criterion_group!` generates an undocumented public function

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use veritrans::unified::{MerchantKeys, Redirect, Webhook};
use veritrans::{MerchantAuthKey, MpiServerKey, PopServerKey};

fn pop(c: &mut Criterion) {
    let key = PopServerKey::new("Test-POP-Server-Key");
    let push = serde_json::json!({
        "merchant_id": "A100000000000001069951cc", "order_id": "ORDER-0001",
        "status": "success", "result_code": "R000", "payment_type": "card",
        "transaction_time": "2026-11-23 12:00:00", "gross_amount": "2500",
        "card_type": "VISA", "card_number": "411111******1111", "dummy": true,
    });
    let push =
        veritrans::pop::testing::signed_push_body(push.as_object().expect("an object"), &key)
            .expect("a flat object");
    c.bench_function("pop push: verify and parse", |b| {
        b.iter(|| veritrans::pop::Push::verify_and_parse(black_box(&push), &key))
    });
    let redirect = veritrans::pop::testing::signed_redirect_body(
        &[
            ("merchant_id", "A100000000000001069951cc"),
            ("order_id", "ORDER-0001"),
            ("status", "success"),
            ("result_code", "R000"),
            ("payment_type", "card"),
            ("dummy", "true"),
        ],
        &key,
    );
    c.bench_function("pop redirect: verify and parse", |b| {
        b.iter(|| veritrans::pop::Redirect::verify_and_parse(black_box(&redirect), &key))
    });
}

fn unified(c: &mut Criterion) {
    let keys = MerchantKeys::new("sampleCcId", MerchantAuthKey::new("sampleKey"));
    let body = br#"{"result":{"resultCode":"UA-000-001","status":"success"},"order":{"paymentId":"order-1","payType":"paypay","amount":"1000"},"transaction":{"fepReferenceId":"X000002F368872DB9B645E69448","command":"pay"}}"#;
    let headers = Webhook::test_headers(&keys, "01HG79DYJS6MJBN8BRS0HAQ38X", body);
    c.bench_function("unified webhook: verify and parse", |b| {
        b.iter(|| Webhook::verify_and_parse(&headers, black_box(body), &keys))
    });
    let pairs = [
        ("status", "success"),
        ("resultCode", "UA-000-001"),
        ("paymentId", "order-1"),
        ("fepReferenceId", "X000002F368872DB9B645E69448"),
    ];
    let (auth_params, v_auth_info) =
        veritrans::sign::unified::sign_redirect(&keys.ccid, &keys.auth_key, &pairs);
    let query = format!(
        "status=success&resultCode=UA-000-001&paymentId=order-1&fepReferenceId=X000002F368872DB9B645E69448&authParams={}&vAuthInfo={v_auth_info}",
        auth_params.replace('=', "%3D").replace('+', "%2B"),
    );
    c.bench_function("unified redirect: verify and parse", |b| {
        b.iter(|| Redirect::verify(black_box(&query), &keys, "order-1"))
    });
}

fn mpi(c: &mut Criterion) {
    let key = MpiServerKey::new("your-mpi-server-key");
    let body = veritrans::mpi::testing::PUSH_SAMPLE.as_bytes();
    let header = veritrans::mpi::testing::push_authorization(body, &key);
    c.bench_function("mpi push: verify and parse", |b| {
        b.iter(|| veritrans::mpi::Push::verify_and_parse(black_box(body), &header, &key))
    });
}

criterion_group!(benches, pop, unified, mpi);
criterion_main!(benches);
