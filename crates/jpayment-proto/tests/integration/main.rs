//! `jpayment-proto`'s integration tests in one test binary: one module per former
//! `tests/*.rs` file, named after it, so a test is still `jpayment-proto::<file>::<test>`.
//! One binary per crate rather than one per file: each test binary is compiled and
//! linked against the whole dependency tree on its own (issue #15, item 4; the figures
//! are in `docs/performance.md`).

mod blocking;
mod client;
mod encode;
mod roundtrip;
mod traced;
