//! `pop-proto`'s integration tests in one test binary: one module per former
//! `tests/*.rs` file, named after it, so a test is still `pop-proto::<file>::<test>`.
//! One binary per crate rather than one per file: each test binary is compiled and
//! linked against the whole dependency tree on its own (issue #15, item 4; the figures
//! are in `docs/performance.md`).

#[cfg(feature = "blocking")]
mod blocking;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "http-client")]
mod environment;
mod notify;
mod notify_encode;
mod properties;
mod requests;
