#![no_main]
//! Body: `fuzz_bodies::pop::responses` (replayed on stable by fuzz-bodies/tests/replay.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_bodies::pop::responses(data));
