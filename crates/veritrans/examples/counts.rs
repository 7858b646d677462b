//! Runs the Unified API redirect's or the MPI push's verification, or its floor (the
//! same as `paired.rs`), a given number of times, for an instruction count that a shared
//! machine's load does not move (the POP rows: `pop_counts`):
//!
//! ```sh
//! cargo build --release -p veritrans --example counts --no-default-features --features unified,mpi,rustls-ring
//! valgrind --tool=cachegrind --cache-sim=no target/release/examples/counts redirect 2000
//! valgrind --tool=cachegrind --cache-sim=no target/release/examples/counts redirect-floor 2000
//! ```
//!
//! (subtract a run with 0 iterations: the start-up). Operations: `redirect`, `mpi`; each
//! with `-floor` for its floor. Under valgrind `sha2` finds no SHA-NI and hashes SHA-256
//! in software, so the MPI floor counts far more instructions than it runs on the machine;
//! the difference between operation and floor is what the count is for.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a measurement tool: a panic is the report

use std::hint::black_box;

use sha2::{Digest, Sha256, Sha512};
use veritrans::{MerchantAuthKey, MpiServerKey};

mod redirect_inputs;
use redirect_inputs::{CCID, PAYMENT_ID, RedirectInputs};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().expect("an operation: redirect, mpi (-floor)");
    let n: u64 = args.next().map_or(10_000, |n| n.parse().expect("a count"));

    let auth = MerchantAuthKey::new("sampleKey");
    let inputs = RedirectInputs::new(&auth);
    let received = inputs.received();
    let key = MpiServerKey::new("your-mpi-server-key");
    let body = veritrans::mpi::testing::PUSH_SAMPLE.as_bytes();
    let header = veritrans::mpi::testing::push_authorization(body, &key);
    let message = [body, key.expose_secret().as_bytes()].concat();

    for _ in 0..n {
        match which.as_str() {
            "redirect" => veritrans::sign::unified::verify_redirect(
                CCID,
                &auth,
                black_box(&received),
                PAYMENT_ID,
            )
            .unwrap(),
            "redirect-floor" => {
                black_box(<[u8; 64]>::from(Sha512::digest(black_box(
                    inputs.signed.as_bytes(),
                ))));
            }
            "mpi" => veritrans::sign::mpi::verify(black_box(body), &header, &key).unwrap(),
            "mpi-floor" => {
                black_box(<[u8; 32]>::from(Sha256::digest(black_box(&message))));
            }
            other => panic!("unknown operation {other}"),
        }
    }
}
