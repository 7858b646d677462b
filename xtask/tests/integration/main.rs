//! The repository-wide checks (`docs/conformance.md` stays true; no wire literal in
//! the sandbox's or the CLI's sources): one test binary, one module per former
//! `tests/*.rs` file (the module keeps the file's name).

mod conformance;
mod wire_literals;
