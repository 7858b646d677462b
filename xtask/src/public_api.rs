//! `cargo xtask public-api [--check]`: one committed text file per library crate,
//! `crates/<crate>/public-api.txt`, listing its public API with every feature on.
//!
//! The listing is `cargo-public-api`'s (it reads rustdoc's JSON, which only a nightly
//! toolchain writes); this module only runs it for every crate and writes or compares
//! the files, so that an API change shows up in review as a diff of these files and
//! CI fails when one was not regenerated. `.ci/run` installs the tool; the README's
//! development section says which version and why.
//!
//! ```text
//! cargo xtask public-api           rewrite every crates/<crate>/public-api.txt
//! cargo xtask public-api --check   exit 1, with a diff, when one drifted
//! ```
//!
//! `PUBLIC_API_TOOLCHAIN` names the toolchain (default `nightly`).

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

/// Every library crate of the workspace that users depend on. A crate under
/// `crates/` with a `src/lib.rs` and missing here is an error, so a new crate
/// cannot go without a snapshot.
pub const CRATES: [&str; 8] = [
    "veritrans-core",
    "veritrans-sign",
    "pop-proto",
    "unified-proto",
    "jpayment-proto",
    "mpi-proto",
    "veritrans",
    "veritrans-sandbox",
];

/// The `cargo-public-api` release whose rustdoc-JSON reader matches the nightly the
/// machine has (format 57); `.ci/run` installs exactly this one.
pub const TOOL_VERSION: &str = "0.52.0";

/// The snapshot file of `krate`, relative to the workspace root.
fn snapshot_path(krate: &str) -> String {
    format!("crates/{krate}/public-api.txt")
}

/// `cargo xtask public-api [--check]`.
pub fn run(root: &Path, args: &[&str]) -> anyhow::Result<ExitCode> {
    let check = match args {
        [] => false,
        ["--check"] => true,
        _ => bail!("usage: cargo xtask public-api [--check]"),
    };
    every_library_is_listed(root)?;
    let toolchain = std::env::var("PUBLIC_API_TOOLCHAIN").unwrap_or_else(|_| "nightly".into());
    let mut clean = true;
    for krate in CRATES {
        let listed = list(root, &toolchain, krate)?;
        let path = snapshot_path(krate);
        let target = root.join(&path);
        if check {
            let committed = std::fs::read_to_string(&target).unwrap_or_default();
            if committed != listed {
                clean = false;
                let diff = similar::TextDiff::from_lines(&committed, &listed);
                println!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&format!("{path} (committed)"), &format!("{path} (now)"))
                );
            }
        } else {
            std::fs::write(&target, &listed).with_context(|| format!("writing {path}"))?;
            println!(
                "public-api: wrote {path} ({} lines)",
                listed.lines().count()
            );
        }
    }
    if !check {
        return Ok(ExitCode::SUCCESS);
    }
    if clean {
        println!("public-api: {} crates' snapshots up to date", CRATES.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "public-api: the public API changed; run `cargo xtask public-api` and review the diff"
        );
        Ok(ExitCode::FAILURE)
    }
}

/// The public API of `krate` with all its features, one item a line.
fn list(root: &Path, toolchain: &str, krate: &str) -> anyhow::Result<String> {
    let output = Command::new("cargo")
        .arg(format!("+{toolchain}"))
        .args(["public-api", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args(["--package", krate, "--all-features", "-ss"])
        .args(["--color", "never"])
        // `cargo xtask` runs under the stable toolchain's cargo, which exports its own
        // paths; the nightly build must not inherit them.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .output()
        .with_context(|| {
            format!(
                "running `cargo +{toolchain} public-api` (install it with \
                 `cargo install cargo-public-api --version {TOOL_VERSION} --locked`)"
            )
        })?;
    if !output.status.success() {
        bail!(
            "`cargo +{toolchain} public-api -p {krate}` failed ({}); install it with \
             `cargo install cargo-public-api --version {TOOL_VERSION} --locked` and make \
             sure the `{toolchain}` toolchain is installed:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8(output.stdout).context("cargo-public-api printed non-UTF-8")?;
    Ok(text)
}

/// Fails when a library crate under `crates/` is missing from [`CRATES`].
fn every_library_is_listed(root: &Path) -> anyhow::Result<()> {
    let crates = root.join("crates");
    for entry in
        std::fs::read_dir(&crates).with_context(|| format!("reading {}", crates.display()))?
    {
        let dir = entry?.path();
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if dir.join("src/lib.rs").is_file() && !CRATES.contains(&name) {
            bail!(
                "crates/{name} is a library without a public API snapshot: add it to xtask/src/public_api.rs"
            );
        }
    }
    Ok(())
}
