//! Every version but the latest is compiled only on request: a cargo feature
//! named like its module (`v1_1_1_rc`). Codegen checks the feature exists and
//! says which line to add, because a module behind a missing feature would
//! never be compiled, and nothing else would say so.

use std::path::Path;

use anyhow::{Context, bail};

use super::Version;

/// The feature names declared in `[features]` of `manifest` (a Cargo.toml's
/// text). A line-level reading of one table: the keys of `name = …` lines
/// between `[features]` and the next table header.
pub fn declared(manifest: &str) -> Vec<String> {
    let mut in_features = false;
    let mut names = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features || line.starts_with('#') {
            continue;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty() {
                names.push(key.to_string());
            }
        }
    }
    names
}

/// Fails, naming the line to add, when a version other than the latest
/// (`versions` newest first) has no feature in `crates/<krate>/Cargo.toml`.
pub fn check(root: &Path, krate: &str, dir: &str, versions: &[Version]) -> anyhow::Result<()> {
    let rel = format!("crates/{krate}/Cargo.toml");
    let manifest =
        std::fs::read_to_string(root.join(&rel)).with_context(|| format!("reading {rel}"))?;
    let declared = declared(&manifest);
    let missing: Vec<&Version> = versions
        .iter()
        .skip(1)
        .filter(|v| !declared.contains(&v.module()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = missing
        .iter()
        .map(|v| {
            format!(
                "    {} = []    # specs/{dir}/{}/ as `{}::{}`",
                v.module(),
                v.name(),
                krate.replace('-', "_"),
                v.module()
            )
        })
        .collect();
    bail!(
        "{rel} has no cargo feature for {} (every version but the latest, {}, is compiled only \
         with its feature); add under [features]:\n{}",
        missing
            .iter()
            .map(|v| format!("specs/{dir}/{}/", v.name()))
            .collect::<Vec<_>>()
            .join(", "),
        versions.first().map(Version::name).unwrap_or_default(),
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_read_from_their_table_only() {
        let manifest = "[package]\nname = \"x\"\n[features]\n# a comment\ndefault = [\"client\"]\nv1_1_1_rc = []\n\"quoted\" = []\n[dependencies]\nserde = \"1\"\n";
        assert_eq!(declared(manifest), ["default", "v1_1_1_rc", "quoted"]);
    }
}
