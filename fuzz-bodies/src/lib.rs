//! The bodies of the fuzz targets in `fuzz/fuzz_targets/`, one public function per target,
//! each taking the raw input bytes.
//!
//! libFuzzer (nightly, `cargo +nightly fuzz run <target>`) calls them through one-line
//! `fuzz_target!`s; `tests/replay.rs` calls them on stable for every file under
//! `fuzz/seeds/<target>/` and `fuzz/regressions/<target>/`, so a crash once found stays a
//! test. A body returns normally for any input: the crates under test answer with a value
//! or a typed error. It panics only when a crate panics or when an invariant it states
//! (round trip, "signed verifies", "tampered never verifies") is broken.
//!
//! Where a signature would stop raw bytes at the door, a body also signs the fuzzed
//! content itself (with the test keys in [`keys`]) and checks that the parser behind the
//! check is reached.
#![forbid(unsafe_code)]

pub mod frame;
pub mod jpayment;
pub mod keys;
pub mod mpi;
pub mod pop;
pub mod roundtrip;
pub mod sign;
pub mod unified;

/// A fuzz target's body.
pub type Body = fn(&[u8]);

/// Every target: its name (the file name in `fuzz/fuzz_targets/` and the folder name
/// under `fuzz/seeds/` and `fuzz/regressions/`) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("sign_pop_form", sign::pop_form),
    ("sign_pop_json", sign::pop_json),
    ("sign_unified_webhook", sign::unified_webhook),
    ("sign_unified_redirect", sign::unified_redirect),
    ("sign_mpi_push", sign::mpi_push),
    ("roundtrip_sign", roundtrip::sign),
    ("pop_redirect", pop::redirect),
    ("pop_push", pop::push),
    ("pop_responses", pop::responses),
    ("unified_webhook", unified::webhook),
    ("unified_redirect", unified::redirect),
    ("unified_responses", unified::responses),
    ("unified_validate", unified::validate),
    ("jpayment_csv", jpayment::csv),
    ("jpayment_kickback", jpayment::kickback),
    ("jpayment_charset", jpayment::charset),
    ("mpi_search", mpi::search),
    ("mpi_push", mpi::push),
    ("mpi_redirect", mpi::redirect),
];

/// The body of the target called `name`.
pub fn target(name: &str) -> Option<Body> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}
