#![no_main]
//! Body: `fuzz_bodies::sign::mpi_push` (replayed on stable by fuzz-bodies/tests/replay.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_bodies::sign::mpi_push(data));
