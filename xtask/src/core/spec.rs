//! Reading a spec: every spec is YAML, read by one function into the model
//! its generator asks for (an OpenAPI `serde_json::Value`, or the typed
//! description of J-Payment), with one way of following `$ref`.

use std::path::Path;

use anyhow::Context;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads `rel` (relative to the workspace root) as YAML into `T`.
pub fn read<T: DeserializeOwned>(root: &Path, rel: &str) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(root.join(rel)).with_context(|| format!("reading {rel}"))?;
    parse(&text).with_context(|| format!("parsing {rel}"))
}

/// Parses spec text as YAML (JSON is a subset) into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    Ok(serde_yaml::from_str(text)?)
}

/// The schema name of a local `$ref` (`#/components/schemas/Name` → `Name`).
pub fn ref_name(reference: &str) -> anyhow::Result<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .with_context(|| format!("unsupported $ref {reference}"))
}

/// Fails on the first name `names` lists twice ("{what} `name` listed twice").
pub fn unique<'a>(what: &str, names: impl IntoIterator<Item = &'a str>) -> anyhow::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    match names.into_iter().find(|name| !seen.insert(*name)) {
        Some(name) => anyhow::bail!("{what} `{name}` listed twice"),
        None => Ok(()),
    }
}

/// The member at JSON `pointer` (`/x-resultCodes`) read into `T`.
pub fn member<T: DeserializeOwned>(spec: &Value, pointer: &str) -> anyhow::Result<T> {
    let value = spec
        .pointer(pointer)
        .with_context(|| format!("spec has no {pointer}"))?;
    serde_json::from_value(value.clone()).with_context(|| format!("reading {pointer}"))
}

/// The strings of an array member (missing or not an array: none).
pub fn strings(value: Option<&Value>) -> Vec<String> {
    let items = value.and_then(Value::as_array).into_iter().flatten();
    items.filter_map(Value::as_str).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    /// Every extension key a spec uses (`x-name:`) is documented in
    /// `specs/README.md`, and spelled `x-` + lowerCamelCase.
    #[test]
    fn every_extension_is_documented_and_camel_case() {
        let root = crate::workspace_root().unwrap();
        let readme = std::fs::read_to_string(root.join("specs/README.md")).unwrap();
        for spec in [
            "specs/pop/1.8.1/openapi.yaml",
            "specs/unified/1.1.3/openapi.yaml",
            "specs/unified/1.1.1-rc/openapi.yaml",
            "specs/mpi/openapi.yaml",
        ] {
            let text = std::fs::read_to_string(root.join(spec)).unwrap();
            for line in text.lines() {
                let key = line.trim_start().trim_start_matches("- ");
                let Some((key, _)) = key.split_once(':') else {
                    continue;
                };
                if !key.starts_with("x-") || key.contains(' ') {
                    continue;
                }
                assert!(
                    key[2..].chars().all(|c| c.is_ascii_alphanumeric()),
                    "{spec}: `{key}` is not x- + lowerCamelCase"
                );
                assert!(
                    readme.contains(&format!("`{key}`")),
                    "{spec}: `{key}` is not documented in specs/README.md"
                );
            }
        }
    }
}
