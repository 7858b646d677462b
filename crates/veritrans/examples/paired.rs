//! Each operation of the criterion benches (`benches/notifications.rs`,
//! `veritrans-sign/benches/floors.rs`) and its floor, measured in alternating
//! 20 ms slices: on a machine shared with other builds the load changes between
//! criterion's floor and operation runs, a few seconds apart; here each ratio is
//! taken from two adjacent slices, and the median of 21 such ratios is printed.
//! A cross-check of the criterion tables in `docs/performance.md`, same inputs.
//!
//! `cargo run --release -p veritrans --example paired --no-default-features --features pop,unified,mpi,rustls-ring`
#![allow(clippy::unwrap_used, clippy::expect_used)] // a measurement tool: a panic is the report

use std::hint::black_box;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use veritrans::unified::{MerchantKeys, Redirect, RedirectQuery, Webhook, WebhookPayload};
use veritrans::{MerchantAuthKey, MpiServerKey};

mod pop_inputs;
use pop_inputs::{POP_PUSH, PopInputs};
mod redirect_inputs;
use redirect_inputs::RedirectInputs;
const WEBHOOK_BODY: &[u8] =
    include_bytes!("../../veritrans-sign/benches/data/unified-webhook.json");

/// Nanoseconds per call of `f`, over `iters` calls.
fn per_call(f: &mut dyn FnMut(), iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

fn paired(name: &str, floor: &mut dyn FnMut(), op: &mut dyn FnMut()) {
    // `PAIRED_ONLY=unified::` measures only the rows whose name starts so.
    if std::env::var("PAIRED_ONLY").is_ok_and(|only| !name.starts_with(&only)) {
        return;
    }
    let slice = Duration::from_millis(20);
    // Calibrate: iterations of the operation that fill one slice.
    let probe = per_call(op, 200);
    let iters = ((slice.as_nanos() as f64 / probe) as u64).max(10);
    let (mut ratios, mut floors, mut ops) = (vec![], vec![], vec![]);
    for round in 0..21 {
        let (f, o) = if round % 2 == 0 {
            let f = per_call(floor, iters);
            (f, per_call(op, iters))
        } else {
            let o = per_call(op, iters);
            (per_call(floor, iters), o)
        };
        ratios.push(f / o);
        floors.push(f);
        ops.push(o);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    println!(
        "| `{name}` | {:.0} ns | {:.0} ns | {:.2}× |",
        median(&mut ops),
        median(&mut floors),
        median(&mut ratios)
    );
}

fn sha512(bytes: &[u8]) -> [u8; 64] {
    Sha512::digest(bytes).into()
}

fn main() {
    println!("| operation | measured (median) | floor (median) | median of paired ratios |");
    println!("|---|---|---|---|");

    // POP: the card push of examples/notifications/pop-card-push.json.
    let PopInputs {
        key,
        params,
        canonical,
    } = PopInputs::new();
    let unsigned = pop_inputs::unsigned(&params);
    let floor = &mut || {
        black_box(sha512(black_box(canonical.as_bytes())));
    };
    paired("pop::sign", floor, &mut || {
        black_box(veritrans::sign::pop::sign(black_box(&unsigned), &key));
    });
    paired("pop::verify", floor, &mut || {
        black_box(veritrans::sign::pop::verify(black_box(&params), &key)).unwrap();
    });
    use veritrans::pop::types::CardNotification;
    paired(
        "pop::Push::verify_and_parse",
        &mut || {
            let d = sha512(black_box(canonical.as_bytes()));
            let p: CardNotification = serde_json::from_slice(black_box(POP_PUSH)).unwrap();
            black_box((d, p));
        },
        &mut || {
            black_box(veritrans::pop::Push::verify_and_parse(
                black_box(POP_PUSH),
                &key,
            ))
            .unwrap();
        },
    );
    let redirect = veritrans::pop::testing::signed_redirect_body(&unsigned, &key);
    paired(
        "pop::Redirect::verify_and_parse",
        &mut || {
            let d = sha512(black_box(canonical.as_bytes()));
            let p: CardNotification = serde_urlencoded::from_bytes(black_box(&redirect)).unwrap();
            black_box((d, p));
        },
        &mut || {
            black_box(veritrans::pop::Redirect::verify_and_parse(
                black_box(&redirect),
                &key,
                "ORDER-0001",
            ))
            .unwrap();
        },
    );

    // Unified API: the 1,917-byte webhook and the five-value redirect.
    let keys = MerchantKeys::new("sampleCcId", MerchantAuthKey::new("sampleKey"));
    let (ccid, auth) = (keys.ccid.as_str(), &keys.auth_key);
    let header = veritrans::sign::unified::sign_webhook(ccid, auth, WEBHOOK_BODY);
    let message = [
        ccid.as_bytes(),
        WEBHOOK_BODY,
        auth.expose_secret().as_bytes(),
    ]
    .concat();
    let hmac = |bytes: &[u8]| -> [u8; 64] {
        let mut mac = Hmac::<Sha512>::new_from_slice(auth.expose_secret().as_bytes()).unwrap();
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    };
    let floor = &mut || {
        black_box(hmac(black_box(&message)));
    };
    paired("unified::sign_webhook", floor, &mut || {
        black_box(veritrans::sign::unified::sign_webhook(
            ccid,
            auth,
            black_box(WEBHOOK_BODY),
        ));
    });
    paired("unified::verify_webhook", floor, &mut || {
        veritrans::sign::unified::verify_webhook(ccid, auth, &header, black_box(WEBHOOK_BODY))
            .unwrap();
    });
    let headers = Webhook::test_headers(&keys, "01HG79DYJS6MJBN8BRS0HAQ38X", WEBHOOK_BODY);
    paired(
        "unified::Webhook::verify_and_parse",
        &mut || {
            let m = hmac(black_box(&message));
            let p: WebhookPayload = serde_json::from_slice(black_box(WEBHOOK_BODY)).unwrap();
            black_box((m, p));
        },
        &mut || {
            black_box(Webhook::verify_and_parse(
                &headers,
                black_box(WEBHOOK_BODY),
                &keys,
            ))
            .unwrap();
        },
    );
    let inputs = RedirectInputs::new(auth);
    let (rpairs, received, signed) = (redirect_inputs::PAIRS, inputs.received(), &inputs.signed);
    let (auth_params, v_auth_info) = (&inputs.auth_params, &inputs.v_auth_info);
    let floor = &mut || {
        black_box(sha512(black_box(signed.as_bytes())));
    };
    paired("unified::sign_redirect", floor, &mut || {
        black_box(veritrans::sign::unified::sign_redirect(
            ccid,
            auth,
            black_box(&rpairs),
        ));
    });
    paired("unified::verify_redirect", floor, &mut || {
        veritrans::sign::unified::verify_redirect(
            ccid,
            auth,
            black_box(&received),
            redirect_inputs::PAYMENT_ID,
        )
        .unwrap();
    });
    let query = format!(
        "status=success&resultCode=UA-000-001&paymentId=order-20261123-000123&fepReferenceId=X000002F368872DB9B645E69448&command=pay&authParams={}&vAuthInfo={v_auth_info}",
        auth_params.replace('=', "%3D").replace('+', "%2B"),
    );
    paired(
        "unified::Redirect::verify_and_parse",
        &mut || {
            let d = sha512(black_box(signed.as_bytes()));
            let p: RedirectQuery = serde_urlencoded::from_str(black_box(&query)).unwrap();
            black_box((d, p));
        },
        &mut || {
            black_box(Redirect::verify_and_parse(
                black_box(&query),
                &keys,
                redirect_inputs::PAYMENT_ID,
            ))
            .unwrap();
        },
    );

    // MPI: the guide's push sample.
    let key = MpiServerKey::new("your-mpi-server-key");
    let body = veritrans::mpi::testing::PUSH_SAMPLE.as_bytes();
    let header = veritrans::mpi::testing::push_authorization(body, &key);
    let message = [body, key.expose_secret().as_bytes()].concat();
    let floor = &mut || {
        black_box(<[u8; 32]>::from(Sha256::digest(black_box(&message))));
    };
    paired("mpi::authorization", floor, &mut || {
        black_box(veritrans::sign::mpi::authorization(black_box(body), &key));
    });
    paired("mpi::verify", floor, &mut || {
        veritrans::sign::mpi::verify(black_box(body), &header, &key).unwrap();
    });
    use veritrans::mpi::PushNotification;
    paired(
        "mpi::Push::verify_and_parse",
        &mut || {
            let d: [u8; 32] = Sha256::digest(black_box(&message)).into();
            let p: PushNotification = serde_json::from_slice(black_box(body)).unwrap();
            black_box((d, p));
        },
        &mut || {
            black_box(veritrans::mpi::Push::verify_and_parse(
                black_box(body),
                &header,
                &key,
            ))
            .unwrap();
        },
    );
}
