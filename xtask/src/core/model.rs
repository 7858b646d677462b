//! The typed model of a spec: the parts of OpenAPI the generators read
//! (paths, operations, bodies, schemas with their constraints), every `x-`
//! extension kept beside them, and maps in the order the spec writes them.

use std::collections::BTreeMap;

use anyhow::Context;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::spec::ref_name;

/// A schema as the specs write it: the keywords the generators read, and
/// every other key (the `x-` extensions) in `ext`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Schema {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub description: Option<String>,
    pub required: Vec<String>,
    pub properties: Ordered<Schema>,
    pub items: Option<Box<Schema>>,
    #[serde(rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    pub min_length: Option<i64>,
    pub max_length: Option<i64>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub pattern: Option<String>,
    pub unique_items: bool,
    pub one_of: Vec<Schema>,
    #[serde(flatten)]
    pub ext: Ext,
}

impl Schema {
    /// The schema name of its local `$ref`, if it is one.
    pub fn ref_name(&self) -> Option<&str> {
        self.reference.as_deref().and_then(|r| ref_name(r).ok())
    }

    /// The schema itself, or the component schema its `$ref` points to.
    pub fn resolve<'a>(&'a self, schemas: &'a Ordered<Schema>) -> anyhow::Result<&'a Schema> {
        match &self.reference {
            Some(r) => schemas
                .get(ref_name(r)?)
                .with_context(|| format!("dangling $ref {r}")),
            None => Ok(self),
        }
    }
}

/// The keys of a spec object this model does not name: its `x-` extensions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Ext(pub BTreeMap<String, Value>);

impl Ext {
    /// The extension `key` read into `T`; `None` when absent.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> anyhow::Result<Option<T>> {
        let value = self.0.get(key).cloned();
        value
            .map(serde_json::from_value)
            .transpose()
            .with_context(|| format!("reading {key}"))
    }

    /// A string extension.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    /// A boolean extension that is `true`.
    pub fn flag(&self, key: &str) -> bool {
        self.0.get(key).and_then(Value::as_bool) == Some(true)
    }
}

/// The parts of an OpenAPI document the generators read.
#[derive(Debug, Deserialize)]
pub struct Document {
    #[serde(default)]
    pub servers: Vec<Server>,
    pub paths: Ordered<PathItem>,
    pub components: Components,
}

#[derive(Debug, Deserialize)]
pub struct Server {
    pub url: String,
}

#[derive(Debug, Deserialize)]
pub struct Components {
    pub schemas: Ordered<Schema>,
}

/// A path or a callback expression (every operation of the specs is a POST).
#[derive(Debug, Default, Deserialize)]
pub struct PathItem {
    pub post: Operation,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Operation {
    pub operation_id: Option<String>,
    pub summary: String,
    pub request_body: Option<Body>,
    pub responses: Ordered<Body>,
    pub callbacks: Ordered<Ordered<PathItem>>,
    #[serde(flatten)]
    pub ext: Ext,
}

/// A request or response body.
#[derive(Debug, Default, Deserialize)]
pub struct Body {
    #[serde(default)]
    pub content: Ordered<Media>,
}

impl Body {
    /// The component schema of its JSON content, by name.
    pub fn json_schema(&self) -> Option<&str> {
        self.content.get("application/json")?.schema.ref_name()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Media {
    pub schema: Schema,
}

/// A map read in the order the spec writes it (a spec's order is the
/// generated code's order).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "serde_yaml::Mapping", bound = "T: DeserializeOwned")]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Ordered<T> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The entries, in the spec's order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// Read through `serde_yaml::Mapping`, which keeps the order of whatever
/// map it is read from.
impl<T: DeserializeOwned> TryFrom<serde_yaml::Mapping> for Ordered<T> {
    type Error = serde_yaml::Error;

    fn try_from(map: serde_yaml::Mapping) -> Result<Self, Self::Error> {
        let entries = map
            .into_iter()
            .map(|(k, v)| Ok((serde_yaml::from_value(k)?, serde_yaml::from_value(v)?)));
        entries.collect::<Result<_, _>>().map(Ordered)
    }
}

/// Resolves `allOf` in the component schemas of a raw spec: a schema made of
/// parts (inline, or a `$ref` to another component schema) becomes one
/// object schema with the parts' properties in order and their `required`
/// names without repeats, so typify emits flat structs and the model sees
/// every property directly.
pub fn flatten_all_of(doc: &mut serde_yaml::Value) -> anyhow::Result<()> {
    use serde_yaml::{Mapping, Value, from_value};
    /// A part of an `allOf`, or the schema its `$ref` names.
    #[derive(Deserialize)]
    struct Part {
        #[serde(rename = "$ref")]
        reference: Option<String>,
        #[serde(default)]
        properties: Mapping,
        #[serde(default)]
        required: Vec<Value>,
    }
    let schemas = doc.get_mut("components").and_then(|c| c.get_mut("schemas"));
    let schemas = schemas
        .and_then(Value::as_mapping_mut)
        .context("no components.schemas")?;
    let originals = schemas.clone();
    for schema in schemas.values_mut().filter_map(Value::as_mapping_mut) {
        let Some(parts) = schema.remove("allOf") else {
            continue;
        };
        let (mut properties, mut required) = (Mapping::new(), Vec::new());
        for mut part in from_value::<Vec<Part>>(parts)? {
            if let Some(r) = &part.reference {
                let target = originals.get(ref_name(r)?).context("allOf: unknown $ref")?;
                part = from_value(target.clone())?;
            }
            properties.extend(part.properties);
            for name in part.required {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
        schema.insert("type".into(), "object".into());
        if !required.is_empty() {
            schema.insert("required".into(), Value::Sequence(required));
        }
        schema.insert("properties".into(), Value::Mapping(properties));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A `$ref` part and an inline part merge into one object: properties in
    /// the parts' order, `required` without repeats, other keys kept.
    #[test]
    fn all_of_parts_merge_into_one_object() {
        let mut doc: serde_yaml::Value = serde_yaml::from_str(
            r#"
components:
  schemas:
    Base: {required: [a], properties: {a: {type: string}}}
    Both:
      description: d
      allOf:
        - $ref: '#/components/schemas/Base'
        - {required: [a, b], properties: {b: {type: integer}}}
"#,
        )
        .unwrap();
        super::flatten_all_of(&mut doc).unwrap();
        let expected: serde_yaml::Value = serde_yaml::from_str(
            "{description: d, type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}",
        )
        .unwrap();
        let both = &doc["components"]["schemas"]["Both"];
        let text = |v: &serde_yaml::Value| serde_json::to_string(v).unwrap();
        assert_eq!(text(both), text(&expected));
        let mut dangling: serde_yaml::Value = serde_yaml::from_str(
            "components: {schemas: {X: {allOf: [{$ref: '#/components/schemas/Y'}]}}}",
        )
        .unwrap();
        let err = super::flatten_all_of(&mut dangling).unwrap_err();
        assert!(err.to_string().contains("unknown $ref"), "{err}");
    }
}
