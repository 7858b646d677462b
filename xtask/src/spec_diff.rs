//! `cargo xtask spec-diff OLD NEW`: what changed between two spec versions.
