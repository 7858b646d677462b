//! Reading a spec: every spec is YAML, read by one function into the model
//! its generator asks for (an OpenAPI `serde_json::Value`, or the typed
//! description of J-Payment), with one way of following `$ref`.

use std::path::Path;

use std::collections::BTreeMap;

use anyhow::Context;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A schema as the specs write it: the keywords the generators read, and
/// every other key (the `x-` extensions) in `ext`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub properties: Ordered<Schema>,
    pub items: Option<Box<Schema>>,
    #[serde(rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    pub min_length: Option<i64>,
    pub max_length: Option<i64>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub pattern: Option<String>,
    #[serde(default)]
    pub unique_items: bool,
    #[serde(flatten)]
    pub ext: BTreeMap<String, Value>,
}

impl Schema {
    /// The schema name of its local `$ref`, if it is one.
    pub fn ref_name(&self) -> Option<&str> {
        self.reference.as_deref().and_then(|r| ref_name(r).ok())
    }

    /// The extension `key` read into `T`; `None` when absent.
    pub fn ext<T: DeserializeOwned>(&self, key: &str) -> anyhow::Result<Option<T>> {
        let value = self.ext.get(key).cloned();
        value
            .map(serde_json::from_value)
            .transpose()
            .with_context(|| format!("reading {key}"))
    }

    /// A string extension.
    pub fn ext_str(&self, key: &str) -> Option<&str> {
        self.ext.get(key).and_then(Value::as_str)
    }
}

/// A map read in the order the spec writes it (a spec's order is the
/// generated code's order).
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Entries<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

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

/// `schema` itself, or the component schema its `$ref` points to.
pub fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> anyhow::Result<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(&format!("/components/schemas/{}", ref_name(r)?))
            .with_context(|| format!("dangling $ref {r}")),
        None => Ok(schema),
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
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
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
