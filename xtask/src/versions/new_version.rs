//! `cargo xtask new-version <gateway> <new> --from <old>`: copies the spec
//! folder of a guide version to a new one and prints the review steps. The
//! copy is the whole change codegen needs (plus, for a gateway generated
//! per version, the cargo feature of the version that stops being latest).

use std::path::Path;

use anyhow::{Context, bail, ensure};

use super::{Layout, Version, features};

/// Copies `specs/<gateway>/<old>/` to `specs/<gateway>/<new>/`; returns the
/// review steps to print.
pub fn run(root: &Path, gateway: &str, new: &str, old: &str) -> anyhow::Result<String> {
    let gw = super::gateway(gateway)?;
    let krate = match gw.layout {
        Layout::Modules { krate } => Some(krate),
        Layout::OneFolder => None,
        Layout::Flat => bail!(
            "specs/{gateway}/ has no version folders (its guide names no version): \
             `new-version` copies a version folder"
        ),
    };
    let new_version = Version::parse(new).context("the new version")?;
    let known = super::discover(root, gateway)?;
    ensure!(
        known.iter().any(|v| v.name() == old),
        "specs/{gateway}/{old}/ does not exist; the versions are {}",
        known
            .iter()
            .map(Version::name)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (from, to) = (
        root.join("specs").join(gateway).join(old),
        root.join("specs").join(gateway).join(new),
    );
    ensure!(!to.exists(), "specs/{gateway}/{new}/ exists already");
    copy_dir(&from, &to)?;
    let versions = super::discover(root, gateway)?;
    let is_latest = versions.first() == Some(&new_version);
    let mut steps = vec![format!(
        "Copied specs/{gateway}/{old}/ to specs/{gateway}/{new}/. Next:"
    )];
    steps.push(format!(
        "Edit specs/{gateway}/{new}/ to match the new guide: `info.version` first, then every \
         change its revision history lists (the files still say {old})."
    ));
    steps.push(format!(
        "Review what changed for merchants, breaking changes first:\n     \
         cargo xtask spec-diff specs/{gateway}/{old} specs/{gateway}/{new}"
    ));
    match krate {
        Some(krate) => {
            let manifest = std::fs::read_to_string(root.join(format!("crates/{krate}/Cargo.toml")))
                .with_context(|| format!("reading crates/{krate}/Cargo.toml"))?;
            let declared = features::declared(&manifest);
            let missing: Vec<String> = versions
                .iter()
                .skip(1)
                .filter(|v| !declared.contains(&v.module()))
                .map(|v| format!("     {} = []", v.module()))
                .collect();
            if !missing.is_empty() {
                steps.push(format!(
                    "Add under [features] of crates/{krate}/Cargo.toml (every version but the \
                     latest is compiled only with its feature):\n{}",
                    missing.join("\n")
                ));
            }
            let role = if is_latest {
                format!(
                    "the crate root's API (it is the latest) and `{}`",
                    new_version.module()
                )
            } else {
                format!("`{}` behind its feature", new_version.module())
            };
            steps.push(format!(
                "cargo xtask codegen   (generates specs/{gateway}/{new}/ as {role})"
            ));
        }
        None => steps.push(format!(
            "The crate is generated from one {gateway} version: once the spec-diff is reviewed, \
             `git rm -r specs/{gateway}/{old}` and point its generator at {new} \
             (xtask/src/{gateway}.rs), then run `cargo xtask codegen`."
        )),
    }
    steps.push(
        "cargo test --workspace --all-features, then `cargo insta review` and \
         `cargo xtask public-api` for the changed API snapshots; docs/upgrading.md has the walk-through."
            .to_string(),
    );
    let mut out = steps[0].clone();
    for (i, step) in steps[1..].iter().enumerate() {
        out.push_str(&format!("\n  {}. {step}", i + 1));
    }
    out.push('\n');
    Ok(out)
}

/// Copies a folder recursively (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying to {}", target.display()))?;
        }
    }
    Ok(())
}
