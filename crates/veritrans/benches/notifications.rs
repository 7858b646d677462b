//! What a merchant's notification endpoints cost per request, each next to its
//! floor: the raw primitive over the same bytes plus `serde` straight into the
//! same typed struct (`serde_json` for JSON bodies, `serde_urlencoded` for
//! forms and queries). One criterion group per notification kind, so
//! `floor time / operation time` is the fraction of the floor's speed reached
//! (`docs/performance.md`). `cargo bench -p veritrans`.
#![allow(missing_docs)] // `criterion_group!` generates an undocumented public function

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use veritrans::unified::{MerchantKeys, Redirect, RedirectQuery, Webhook, WebhookPayload};
use veritrans::{MerchantAuthKey, MpiServerKey, PopServerKey};

/// The signed card push of `examples/notifications/pop-card-push.json`.
const POP_PUSH: &[u8] = include_bytes!("../../../examples/notifications/pop-card-push.json");
/// A 1,917-byte Rakuten Pay capture webhook (shared with `veritrans-sign`'s benchmark).
const WEBHOOK_BODY: &[u8] =
    include_bytes!("../../veritrans-sign/benches/data/unified-webhook.json");

fn sha512(bytes: &[u8]) -> [u8; 64] {
    Sha512::digest(bytes).into()
}

/// The string POP signs: sorted `name=value` pairs without `signature`, `:` and the key.
fn pop_signed_string(params: &[(String, String)], key: &PopServerKey) -> String {
    let mut sorted: Vec<_> = params.iter().filter(|(k, _)| k != "signature").collect();
    sorted.sort();
    let pairs: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}:{}", pairs.join("&"), key.expose_secret())
}

fn pop(c: &mut Criterion) {
    use veritrans::pop::types::CardNotification;
    let key = PopServerKey::new("Test-POP-Server-Key");

    let params = veritrans::sign::pop::json_params(POP_PUSH).expect("a flat object");
    let signed = pop_signed_string(&params, &key);
    assert!(veritrans::pop::Push::verify_and_parse(POP_PUSH, &key).is_ok());
    let mut g = c.benchmark_group("pop push (JSON, card): verify and parse");
    g.bench_function("floor: SHA-512 + serde_json into CardNotification", |b| {
        b.iter(|| {
            let digest = sha512(black_box(signed.as_bytes()));
            let parsed: CardNotification =
                serde_json::from_slice(black_box(POP_PUSH)).expect("the card push");
            (digest, parsed)
        })
    });
    g.bench_function("pop::Push::verify_and_parse", |b| {
        b.iter(|| veritrans::pop::Push::verify_and_parse(black_box(POP_PUSH), &key))
    });
    g.finish();

    // The same notification as the form POSTed to `success_url`.
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k != "signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let redirect = veritrans::pop::testing::signed_redirect_body(&pairs, &key);
    let order_id = params
        .iter()
        .find(|(k, _)| k == "order_id")
        .map_or("", |(_, v)| v.as_str());
    assert!(veritrans::pop::Redirect::verify_and_parse(&redirect, &key, order_id).is_ok());
    let mut g = c.benchmark_group("pop redirect (form, card): verify and parse");
    g.bench_function(
        "floor: SHA-512 + serde_urlencoded into CardNotification",
        |b| {
            b.iter(|| {
                let digest = sha512(black_box(signed.as_bytes()));
                let parsed: CardNotification =
                    serde_urlencoded::from_bytes(black_box(&redirect)).expect("the card redirect");
                (digest, parsed)
            })
        },
    );
    g.bench_function("pop::Redirect::verify_and_parse", |b| {
        b.iter(|| veritrans::pop::Redirect::verify_and_parse(black_box(&redirect), &key, order_id))
    });
    g.finish();
}

fn unified(c: &mut Criterion) {
    let keys = MerchantKeys::new("sampleCcId", MerchantAuthKey::new("sampleKey"));
    let headers = Webhook::test_headers(&keys, "01HG79DYJS6MJBN8BRS0HAQ38X", WEBHOOK_BODY);
    let message = [
        keys.ccid.as_bytes(),
        WEBHOOK_BODY,
        keys.auth_key.expose_secret().as_bytes(),
    ]
    .concat();
    let hmac = |bytes: &[u8]| -> [u8; 64] {
        let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(keys.auth_key.expose_secret().as_bytes())
        else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    };
    assert!(Webhook::verify_and_parse(&headers, WEBHOOK_BODY, &keys).is_ok());
    let mut g = c.benchmark_group("unified webhook (1.9 KiB): verify and parse");
    g.bench_function("floor: HMAC-SHA512 + serde_json into WebhookPayload", |b| {
        b.iter(|| {
            let mac = hmac(black_box(&message));
            let parsed: WebhookPayload =
                serde_json::from_slice(black_box(WEBHOOK_BODY)).expect("the webhook");
            (mac, parsed)
        })
    });
    g.bench_function("unified::Webhook::verify_and_parse", |b| {
        b.iter(|| Webhook::verify_and_parse(&headers, black_box(WEBHOOK_BODY), &keys))
    });
    g.finish();

    let pairs = [
        ("status", "success"),
        ("resultCode", "UA-000-001"),
        ("paymentId", "order-20261123-000123"),
        ("fepReferenceId", "X000002F368872DB9B645E69448"),
        ("command", "pay"),
    ];
    let (auth_params, v_auth_info) =
        veritrans::sign::unified::sign_redirect(&keys.ccid, &keys.auth_key, &pairs);
    let query = format!(
        "status=success&resultCode=UA-000-001&paymentId=order-20261123-000123&fepReferenceId=X000002F368872DB9B645E69448&command=pay&authParams={}&vAuthInfo={v_auth_info}",
        auth_params.replace('=', "%3D").replace('+', "%2B"),
    );
    let signed: String = std::iter::once(keys.ccid.as_str())
        .chain(pairs.iter().map(|(_, v)| *v))
        .chain([keys.auth_key.expose_secret()])
        .collect();
    assert!(Redirect::verify_and_parse(&query, &keys, "order-20261123-000123").is_ok());
    let mut g = c.benchmark_group("unified redirect: verify and parse");
    g.bench_function(
        "floor: SHA-512 + serde_urlencoded into RedirectQuery",
        |b| {
            b.iter(|| {
                let digest = sha512(black_box(signed.as_bytes()));
                let parsed: RedirectQuery =
                    serde_urlencoded::from_str(black_box(&query)).expect("the redirect");
                (digest, parsed)
            })
        },
    );
    g.bench_function("unified::Redirect::verify_and_parse", |b| {
        b.iter(|| Redirect::verify_and_parse(black_box(&query), &keys, "order-20261123-000123"))
    });
    g.finish();
}

fn mpi(c: &mut Criterion) {
    use veritrans::mpi::PushNotification;
    let key = MpiServerKey::new("your-mpi-server-key");
    let body = veritrans::mpi::testing::PUSH_SAMPLE.as_bytes();
    let header = veritrans::mpi::testing::push_authorization(body, &key);
    let message = [body, key.expose_secret().as_bytes()].concat();
    assert!(veritrans::mpi::Push::verify_and_parse(body, &header, &key).is_ok());
    let mut g = c.benchmark_group("mpi push: verify and parse");
    g.bench_function("floor: SHA-256 + serde_json into PushNotification", |b| {
        b.iter(|| {
            let digest: [u8; 32] = Sha256::digest(black_box(&message)).into();
            let parsed: PushNotification =
                serde_json::from_slice(black_box(body)).expect("the guide's push");
            (digest, parsed)
        })
    });
    g.bench_function("mpi::Push::verify_and_parse", |b| {
        b.iter(|| veritrans::mpi::Push::verify_and_parse(black_box(body), &header, &key))
    });
    g.finish();
}

criterion_group!(benches, pop, unified, mpi);
criterion_main!(benches);
