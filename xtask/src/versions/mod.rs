//! Guide versions are folders: every folder under `specs/<gateway>/` is one
//! version of that gateway's guide, named by the version (`1.1.3`,
//! `1.1.1-rc`); the latest by [`Version`]'s order is the one a crate's root
//! API follows.
//!
//! - [`discover`] lists them (newest first) and refuses a folder whose name
//!   is not a version.
//! - [`wiring`] generates `unified-proto`'s `src/generated/mod.rs`: one
//!   module per version, the latest re-exported, every other behind a cargo
//!   feature, which it checks exists ([`features`]).
//! - [`new_version`] is `cargo xtask new-version`.
//!
//! Gateways differ in how far this goes today (see [`Layout`]).

pub mod features;
pub mod new_version;
mod version;
pub mod wiring;

use std::path::Path;

use anyhow::{Context, bail, ensure};

pub use version::Version;

/// How a gateway's specs are laid out under `specs/<dir>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One folder per version, each generated into its own module of `krate`
    /// (`crates/<krate>/src/generated/<module>/`).
    Modules {
        /// The crate the versions are generated into.
        krate: &'static str,
    },
    /// Version folders, but the crate is generated from one: exactly one
    /// folder may exist (the previous guide stays in git history).
    OneFolder,
    /// No version folder: the spec files sit in `specs/<dir>/` itself,
    /// because the guide they are written from states no version number.
    Flat,
}

/// A gateway's spec directory.
#[derive(Debug, Clone, Copy)]
pub struct Gateway {
    /// The folder under `specs/` (`unified`), also the name on the command line.
    pub dir: &'static str,
    /// How its versions are laid out.
    pub layout: Layout,
}

/// Every gateway. J-Payment's and MPI's guides carry no version number (the
/// texts in the seeds name none), so there is nothing to name a folder by:
/// they stay flat until a guide does. POP has a version folder but
/// `pop-proto` is generated from one guide only.
pub const GATEWAYS: &[Gateway] = &[
    Gateway {
        dir: "unified",
        layout: Layout::Modules {
            krate: "unified-proto",
        },
    },
    Gateway {
        dir: "pop",
        layout: Layout::OneFolder,
    },
    Gateway {
        dir: "jpayment",
        layout: Layout::Flat,
    },
    Gateway {
        dir: "mpi",
        layout: Layout::Flat,
    },
];

/// The gateway whose folder is `specs/<dir>/`.
pub fn gateway(dir: &str) -> anyhow::Result<&'static Gateway> {
    let names: Vec<&str> = GATEWAYS.iter().map(|g| g.dir).collect();
    GATEWAYS
        .iter()
        .find(|g| g.dir == dir)
        .with_context(|| format!("no gateway `{dir}`; the gateways are {}", names.join(", ")))
}

/// The version folders of `specs/<dir>/`, newest first. A folder whose name
/// is not a version is an error (naming the folder), not skipped: a typo
/// would otherwise leave a guide ungenerated without a word.
pub fn discover(root: &Path, dir: &str) -> anyhow::Result<Vec<Version>> {
    let specs = root.join("specs").join(dir);
    let entries =
        std::fs::read_dir(&specs).with_context(|| format!("reading {}", specs.display()))?;
    let mut versions = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", specs.display()))?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let name = entry.file_name();
        let name = name
            .to_str()
            .with_context(|| format!("specs/{dir}/{name:?} is not UTF-8"))?;
        let version = Version::parse(name).with_context(|| format!("specs/{dir}/{name}/"))?;
        versions.push(version);
    }
    versions.sort_by(|a, b| b.cmp(a));
    for pair in versions.windows(2) {
        ensure!(
            pair[0].module() != pair[1].module(),
            "specs/{dir}/{} and specs/{dir}/{} make the same module `{}`",
            pair[0].name(),
            pair[1].name(),
            pair[0].module()
        );
    }
    Ok(versions)
}

/// The latest version folder of `specs/<dir>/`.
pub fn latest(root: &Path, dir: &str) -> anyhow::Result<Version> {
    discover(root, dir)?
        .into_iter()
        .next()
        .with_context(|| format!("specs/{dir}/ has no version folder"))
}

/// `specs/<dir>/<latest>/<file>`, relative to the root: where a generator
/// that follows the latest guide reads `file`.
pub fn latest_file(root: &Path, dir: &str, file: &str) -> anyhow::Result<String> {
    Ok(format!("specs/{dir}/{}/{file}", latest(root, dir)?.name()))
}

/// Checks that every gateway's folders fit its [`Layout`]; run by codegen
/// before any generator, so a folder the generators would ignore is an
/// error that says what to do.
pub fn check_layouts(root: &Path) -> anyhow::Result<()> {
    for gateway in GATEWAYS {
        let versions = discover(root, gateway.dir);
        match gateway.layout {
            Layout::Modules { .. } => {
                versions?;
            }
            Layout::OneFolder => {
                let versions = versions?;
                if versions.len() > 1 {
                    let names: Vec<&str> = versions.iter().map(Version::name).collect();
                    bail!(
                        "specs/{} has {} version folders ({}), but its crate is generated from one \
                         guide version (only unified-proto generates a module per version): keep \
                         the new folder and `git rm -r` the old one once `cargo xtask spec-diff` \
                         has been reviewed (git history keeps it)",
                        gateway.dir,
                        versions.len(),
                        names.join(", ")
                    );
                }
            }
            Layout::Flat => {
                let folders = std::fs::read_dir(root.join("specs").join(gateway.dir))?
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect::<Vec<_>>();
                if let Some(folder) = folders.first() {
                    bail!(
                        "specs/{}/{folder}/ is a folder, but {}'s spec is flat (its files sit in \
                         specs/{}/ because its guide names no version): version folders for it \
                         are not supported yet",
                        gateway.dir,
                        gateway.dir,
                        gateway.dir
                    );
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_specs_fit_their_layouts() {
        let root = crate::workspace_root().unwrap();
        check_layouts(&root).unwrap();
        let unified: Vec<String> = discover(&root, "unified")
            .unwrap()
            .iter()
            .map(|v| v.name().to_string())
            .collect();
        assert_eq!(unified, ["1.1.3", "1.1.1-rc"]);
        assert_eq!(latest(&root, "pop").unwrap().name(), "1.8.1");
    }

    #[test]
    fn a_folder_that_is_not_a_version_is_named() {
        let tmp = crate::versions::scratch::Scratch::new("not-a-version");
        std::fs::create_dir_all(tmp.root().join("specs/unified/1.1.3")).unwrap();
        std::fs::create_dir_all(tmp.root().join("specs/unified/next")).unwrap();
        let err = format!("{:#}", discover(tmp.root(), "unified").unwrap_err());
        assert!(err.contains("specs/unified/next/"), "{err}");
    }
}

#[cfg(test)]
mod adding;
#[cfg(test)]
pub mod scratch;
