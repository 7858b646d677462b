//! `cargo xtask`: the workspace's own automation.
//!
//! ```text
//! cargo xtask codegen           regenerate every checked-in generated file from specs/
//! cargo xtask codegen --check   exit 1 (and print a diff) when a checked-in file drifted
//! cargo xtask spec-diff OLD NEW [--format json]
//!                               the changes between two spec directories, breaking ones first
//! cargo xtask new-version GATEWAY NEW --from OLD
//!                               copy specs/GATEWAY/OLD/ to NEW/ and print the review steps
//! ```

mod codegen;
mod core;
mod jpayment;
mod mpi;
mod pop;
mod public_api;
mod spec_diff;
mod testing;
mod unified;
mod versions;
mod wire_names;

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
        ["public-api", rest @ ..] => public_api::run(&root, rest),
        ["spec-diff", old, new, rest @ ..] => {
            let format = match rest {
                [] | ["--format", "markdown"] => spec_diff::Format::Markdown,
                ["--format", "json"] => spec_diff::Format::Json,
                _ => bail!("usage: cargo xtask spec-diff OLD_DIR NEW_DIR [--format markdown|json]"),
            };
            let report = spec_diff::diff_dirs(&root.join(old), &root.join(new), old, new)?;
            print!("{}", report.render(format)?);
            Ok(ExitCode::SUCCESS)
        }
        ["new-version", gateway, new, "--from", old] => {
            print!("{}", versions::new_version::run(&root, gateway, new, old)?);
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!(
            "usage: cargo xtask codegen [--check] | cargo xtask spec-diff OLD_DIR NEW_DIR \
             [--format markdown|json] | cargo xtask new-version GATEWAY NEW --from OLD \
             | cargo xtask public-api [--check]"
        ),
    }
}

/// The workspace root: xtask lives one level below it.
///
/// Checkouts that share one `CARGO_TARGET_DIR` (git worktrees) share the
/// uplifted `target/debug/xtask` binary, and cargo may run one built from
/// another checkout: its generators and its root would be that checkout's,
/// and `--check` would silently check the wrong tree. `cargo run` tells the
/// binary which manifest it was asked for, so a mismatch is caught here.
fn workspace_root() -> anyhow::Result<PathBuf> {
    let built_from = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if let Some(asked_for) = std::env::var_os("CARGO_MANIFEST_DIR")
        && std::path::Path::new(&asked_for) != built_from
    {
        bail!(
            "this xtask binary was built from {} but runs for {}; \
             `touch xtask/src/main.rs` (or use a separate CARGO_TARGET_DIR) and run again",
            built_from.display(),
            PathBuf::from(asked_for).display()
        );
    }
    built_from
        .parent()
        .map(PathBuf::from)
        .context("xtask has no parent directory")
}
