//! Each signature scheme next to its floor: the raw primitive (SHA-512, HMAC-SHA512,
//! SHA-256 from the same `sha2`/`hmac` crates) over exactly the bytes the scheme
//! hashes, prepared in advance. Each criterion group holds one operation and its floor,
//! so `floor time / operation time` is the fraction of the primitive's speed reached
//! (`docs/performance.md`, `cargo bench -p veritrans-sign`).
#![allow(missing_docs)] // `criterion_group!` generates an undocumented public function

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use veritrans_sign::{MerchantAuthKey, MpiServerKey, PopServerKey, mpi, pop, unified};

/// The card push of `examples/notifications/pop-card-push.json`, as its parameters.
const POP_CARD: [(&str, &str); 12] = [
    ("merchant_id", "A100000000000001069951"),
    ("order_id", "ORDER-0001"),
    ("status", "success"),
    ("result_code", "R000"),
    ("m_status", "success"),
    ("v_result_code", "A001H00100000000"),
    ("payment_type", "card"),
    ("transaction_datetime", "20261123153000"),
    ("dummy", "true"),
    ("acquirer_code", "05"),
    ("auth_code", "0000000"),
    ("masked_card_number", "411111*11"),
];

/// A Rakuten Pay capture webhook with the buyer and shipping blocks: 1,917 bytes.
pub const WEBHOOK_BODY: &[u8] = include_bytes!("data/unified-webhook.json");

/// The MPI guide's push sample (as `mpi_proto::testing::PUSH_SAMPLE`).
const MPI_PUSH: &[u8] = br#"{
    "push_time": "2015-03-30 18:36:42",
    "push_id": "00000080",
    "data": [
        {
            "order_id": "TESTC001",
            "vresult_code": "G012A00100000000",
            "transaction_type": "Verify",
            "mpi_mstatus": "success",
            "card_mstatus": "success",
            "test_mode": true
        }
    ]
}"#;

fn sha512(bytes: &[u8]) -> [u8; 64] {
    Sha512::digest(bytes).into()
}

fn pop(c: &mut Criterion) {
    let key = PopServerKey::new("Test-POP-Server-Key");
    let mut sorted = POP_CARD.to_vec();
    sorted.sort();
    // The floor hashes the signed string itself, built once outside the loop.
    let canonical: String = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
        + ":"
        + key.expose_secret();
    let mut signed: Vec<(&str, String)> =
        POP_CARD.iter().map(|(k, v)| (*k, v.to_string())).collect();
    signed.push(("signature", pop::sign(&POP_CARD, &key)));

    let mut g = c.benchmark_group("pop card push: sign");
    g.bench_function("floor: SHA-512 of the signed string", |b| {
        b.iter(|| sha512(black_box(canonical.as_bytes())))
    });
    g.bench_function("pop::sign", |b| {
        b.iter(|| pop::sign(black_box(&POP_CARD), &key))
    });
    g.finish();

    let mut g = c.benchmark_group("pop card push: verify");
    g.bench_function("floor: SHA-512 of the signed string", |b| {
        b.iter(|| sha512(black_box(canonical.as_bytes())))
    });
    g.bench_function("pop::verify", |b| {
        b.iter(|| pop::verify(black_box(&signed), &key))
    });
    g.finish();
}

fn unified(c: &mut Criterion) {
    let (ccid, key) = ("sampleCcId", MerchantAuthKey::new("sampleKey"));
    let header = unified::sign_webhook(ccid, &key, WEBHOOK_BODY);
    // HMAC-SHA512 keyed with the key's bytes over `ccid ‖ body ‖ key`, one buffer.
    let message = [
        ccid.as_bytes(),
        WEBHOOK_BODY,
        key.expose_secret().as_bytes(),
    ]
    .concat();
    let hmac = |bytes: &[u8]| -> [u8; 64] {
        let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(key.expose_secret().as_bytes()) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    };

    let mut g = c.benchmark_group("unified webhook 1.9 KiB: sign");
    g.bench_function("floor: HMAC-SHA512 of ccid+body+key", |b| {
        b.iter(|| hmac(black_box(&message)))
    });
    g.bench_function("unified::sign_webhook", |b| {
        b.iter(|| unified::sign_webhook(ccid, &key, black_box(WEBHOOK_BODY)))
    });
    g.finish();

    let mut g = c.benchmark_group("unified webhook 1.9 KiB: verify");
    g.bench_function("floor: HMAC-SHA512 of ccid+body+key", |b| {
        b.iter(|| hmac(black_box(&message)))
    });
    g.bench_function("unified::verify_webhook", |b| {
        b.iter(|| unified::verify_webhook(ccid, &key, &header, black_box(WEBHOOK_BODY)))
    });
    g.finish();

    let pairs = [
        ("status", "success"),
        ("resultCode", "UA-000-001"),
        ("paymentId", "order-20261123-000123"),
        ("fepReferenceId", "X000002F368872DB9B645E69448"),
        ("command", "pay"),
    ];
    let (auth_params, v_auth_info) = unified::sign_redirect(ccid, &key, &pairs);
    let mut received: Vec<(&str, &str)> = pairs.to_vec();
    received.push((unified::AUTH_PARAMS, &auth_params));
    received.push((unified::V_AUTH_INFO, &v_auth_info));
    let signed: String = std::iter::once(ccid)
        .chain(pairs.iter().map(|(_, v)| *v))
        .chain([key.expose_secret()])
        .collect();

    let mut g = c.benchmark_group("unified redirect: sign");
    g.bench_function("floor: SHA-512 of ccid+values+key", |b| {
        b.iter(|| sha512(black_box(signed.as_bytes())))
    });
    g.bench_function("unified::sign_redirect", |b| {
        b.iter(|| unified::sign_redirect(ccid, &key, black_box(&pairs)))
    });
    g.finish();

    let mut g = c.benchmark_group("unified redirect: verify");
    g.bench_function("floor: SHA-512 of ccid+values+key", |b| {
        b.iter(|| sha512(black_box(signed.as_bytes())))
    });
    g.bench_function("unified::verify_redirect", |b| {
        b.iter(|| {
            unified::verify_redirect(ccid, &key, black_box(&received), "order-20261123-000123")
        })
    });
    g.finish();
}

fn mpi(c: &mut Criterion) {
    let key = MpiServerKey::new("your-mpi-server-key");
    let header = mpi::authorization(MPI_PUSH, &key);
    let message = [MPI_PUSH, key.expose_secret().as_bytes()].concat();
    let sha256 = |bytes: &[u8]| -> [u8; 32] { Sha256::digest(bytes).into() };

    let mut g = c.benchmark_group("mpi push: sign");
    g.bench_function("floor: SHA-256 of body+key", |b| {
        b.iter(|| sha256(black_box(&message)))
    });
    g.bench_function("mpi::authorization", |b| {
        b.iter(|| mpi::authorization(black_box(MPI_PUSH), &key))
    });
    g.finish();

    let mut g = c.benchmark_group("mpi push: verify");
    g.bench_function("floor: SHA-256 of body+key", |b| {
        b.iter(|| sha256(black_box(&message)))
    });
    g.bench_function("mpi::verify", |b| {
        b.iter(|| mpi::verify(black_box(MPI_PUSH), &header, &key))
    });
    g.finish();
}

criterion_group!(benches, pop, unified, mpi);
criterion_main!(benches);
