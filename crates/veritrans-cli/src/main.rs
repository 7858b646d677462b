//! The `veritrans` command.
fn main() {}
