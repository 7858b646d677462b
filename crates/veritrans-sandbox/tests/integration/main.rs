//! The sandbox's integration tests: one test binary, one module per former `tests/*.rs`
//! file (the module keeps the file's name, so a test is still
//! `veritrans-sandbox::<file>::<test>`), with the helpers they share in `common/`. One
//! binary per crate rather than one per file: each test binary is compiled and linked
//! against the whole dependency tree on its own (issue #15, item 4; the figures are in
//! `docs/performance.md`).
//! Two stay binaries of their own, because they watch their whole process, which the
//! other tests would disturb: `tests/retention.rs` measures its resident memory, and
//! `tests/chaos_soak.rs` counts every panic in it (through a panic hook), while
//! `robustness` panics in a handler on purpose.

mod common;
mod concurrency;
mod deliveries;
mod faults;
mod jpayment;
mod lifecycle;
mod mpi;
mod pop;
mod robustness;
mod unified;
mod unified_about_api;
mod unified_guide;
mod unified_versions;
