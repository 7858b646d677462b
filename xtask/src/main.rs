//! `cargo xtask`: the workspace's own automation.
//!
//! ```text
//! cargo xtask codegen           regenerate every checked-in generated file from specs/
//! cargo xtask codegen --check   exit 1 (and print a diff) when a checked-in file drifted
//! ```

mod codegen;
mod mpi;
// Its callers arrive with each gateway's generator (unified, pop, mpi).
#[allow(dead_code)]
mod openapi;
mod pop;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => {
            codegen::write(&root)?;
            Ok(ExitCode::SUCCESS)
        }
        ["codegen", "--check"] => Ok(if codegen::check(&root)? {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }),
        _ => bail!("usage: cargo xtask codegen [--check]"),
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> anyhow::Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(PathBuf::from)
        .context("xtask has no parent directory")
}
