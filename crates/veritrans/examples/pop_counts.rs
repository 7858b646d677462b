//! Runs one POP operation or its floor (the same as `paired.rs`) a given number of
//! times, for an instruction count that a shared machine's load does not move:
//!
//! ```sh
//! cargo build --release -p veritrans --example pop_counts --no-default-features --features pop,rustls-ring
//! valgrind --tool=cachegrind --cache-sim=no target/release/examples/pop_counts push 10000
//! valgrind --tool=cachegrind --cache-sim=no target/release/examples/pop_counts push-floor 10000
//! ```
//!
//! (subtract a run with 0 iterations: the start-up). Operations: `sign`, `verify`,
//! `push`, `redirect`; each with `-floor` for its floor.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a measurement tool: a panic is the report

use std::hint::black_box;

use sha2::{Digest, Sha512};
use veritrans::pop::types::CardNotification;

mod pop_inputs;
use pop_inputs::{POP_PUSH, PopInputs};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args
        .next()
        .expect("an operation: sign, verify, push, redirect (-floor)");
    let n: u64 = args.next().map_or(10_000, |n| n.parse().expect("a count"));

    let PopInputs {
        key,
        params,
        canonical,
    } = PopInputs::new();
    let unsigned = pop_inputs::unsigned(&params);
    let redirect = veritrans::pop::testing::signed_redirect_body(&unsigned, &key);
    let sha512 = |bytes: &[u8]| -> [u8; 64] { Sha512::digest(bytes).into() };

    for _ in 0..n {
        match which.as_str() {
            "sign" => {
                black_box(veritrans::sign::pop::sign(black_box(&unsigned), &key));
            }
            "verify" => veritrans::sign::pop::verify(black_box(&params), &key).unwrap(),
            "sign-floor" | "verify-floor" => {
                black_box(sha512(black_box(canonical.as_bytes())));
            }
            "push" => {
                black_box(veritrans::pop::Push::verify_and_parse(
                    black_box(POP_PUSH),
                    &key,
                ))
                .unwrap();
            }
            "push-floor" => {
                let d = sha512(black_box(canonical.as_bytes()));
                let p: CardNotification = serde_json::from_slice(black_box(POP_PUSH)).unwrap();
                black_box((d, p));
            }
            "redirect" => {
                black_box(veritrans::pop::Redirect::verify_and_parse(
                    black_box(&redirect),
                    &key,
                    "ORDER-0001",
                ))
                .unwrap();
            }
            "redirect-floor" => {
                let d = sha512(black_box(canonical.as_bytes()));
                let p: CardNotification =
                    serde_urlencoded::from_bytes(black_box(&redirect)).unwrap();
                black_box((d, p));
            }
            other => panic!("unknown operation {other}"),
        }
    }
}
