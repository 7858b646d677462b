//! Tests that need the crate's private parts (the generated samples).

mod decode;
mod samples;
