//! The end-to-end tests: one test binary, one module per gateway plus the browser
//! test (each was a `tests/*.rs` file of its own; the module keeps the file's name).
//! `secrets.rs` stays a binary of its own: it installs a process-wide `tracing`
//! subscriber and searches everything logged in its process.

mod browser;
mod jpayment;
mod mpi;
mod pop;
mod unified;
mod unified_versions;
