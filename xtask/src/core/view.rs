//! The typify view: the copy of a spec typify sees, declared as data (a
//! [`View`]) and made by one function ([`View::apply`]).
//!
//! typify turns constraints into newtypes validated while parsing and knows
//! nothing of our `x-` extensions, so every gateway hands it a copy without
//! them; the constraints reach Rust as tables instead. The copy keeps the
//! order of the document it is made from (a YAML mapping keeps the spec's
//! order, a `serde_json::Value` is sorted), because the order of a schema's
//! properties is the order of the generated struct's fields.

use serde::Serialize;
use serde_yaml::{Mapping, Value};

/// How a spec is relaxed for typify.
///
/// Keys are removed from every mapping of the document except a
/// `properties` map (whose keys are field names); every `x-` extension goes
/// too, after the rules below that read one have been applied.
#[derive(Debug, Clone, Copy, Default)]
pub struct View<'a> {
    /// Keys removed besides the `x-` extensions (constraints, defaults…).
    pub strip: &'a [&'a str],
    /// A schema marked `x-openEnum: true` loses its `enum`: its values are
    /// known values, not a rule, so the field stays a string.
    pub open_enums_as_strings: bool,
    /// A mapping with a `$ref` keeps nothing else (OpenAPI 3.0 ignores the
    /// siblings of a reference).
    pub bare_refs: bool,
    /// A schema marked `x-direction: response`, and everything below it, is
    /// parsed leniently: no `enum`, integers as any JSON value (a gateway that
    /// sends `"3"` instead of `3` must not break parsing), arrays nullable.
    pub lenient_responses: bool,
    /// Every object schema of `components.schemas` without a discriminator
    /// keeps the members it does not name (`additionalProperties: {}`).
    pub open_objects: bool,
    /// Request fields marked with an extension become a reference to a
    /// string schema added to `components.schemas` (for a replacement type).
    pub replace: &'a [Replace<'a>],
    /// Schemas removed from `components.schemas`.
    pub drop: &'a [&'a str],
}

/// Request fields marked `marker: true` become `allOf: [$ref: schema]`
/// (keeping their description); `schema` is a string schema documented by
/// `description`.
#[derive(Debug, Clone, Copy)]
pub struct Replace<'a> {
    pub marker: &'a str,
    pub schema: &'a str,
    pub description: &'a str,
}

impl View<'_> {
    /// The view of `spec`, in the order `spec` serialises its maps.
    pub fn apply(&self, spec: impl Serialize) -> anyhow::Result<Value> {
        let mut view = serde_yaml::to_value(spec)?;
        self.walk(&mut view, false, false);
        let Some(schemas) = view
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(Value::as_mapping_mut)
        else {
            return Ok(view);
        };
        for name in self.drop {
            schemas.remove(*name);
        }
        for object in schemas.values_mut().filter_map(Value::as_mapping_mut) {
            let is_object = object.get("type").and_then(Value::as_str) == Some("object");
            if self.open_objects && is_object && !object.contains_key("discriminator") {
                let open = Value::Mapping(Mapping::new());
                object.entry("additionalProperties".into()).or_insert(open);
            }
        }
        for r in self.replace {
            let schema = [("type", "string"), ("description", r.description)];
            let schema = schema.map(|(k, v)| (Value::from(k), Value::from(v)));
            schemas.insert(
                r.schema.into(),
                Value::Mapping(schema.into_iter().collect()),
            );
        }
        Ok(view)
    }

    /// Relaxes `node`; `properties` is true for a `properties` map, whose
    /// keys are field names, and `response` below a response schema.
    fn walk(&self, node: &mut Value, properties: bool, mut response: bool) {
        match node {
            Value::Mapping(map) if !properties => {
                response |=
                    self.lenient_responses && map.get("x-direction") == Some(&"response".into());
                if self.bare_refs && map.contains_key("$ref") {
                    map.retain(|k, _| k.as_str() == Some("$ref"));
                    return;
                }
                if let Some(r) = self
                    .replace
                    .iter()
                    .find(|r| !response && map.get(r.marker) == Some(&true.into()))
                {
                    let reference = format!("#/components/schemas/{}", r.schema);
                    let mut field = Mapping::new();
                    field.insert(
                        "allOf".into(),
                        vec![Value::Mapping(
                            [("$ref".into(), reference.into())].into_iter().collect(),
                        )]
                        .into(),
                    );
                    if let Some(description) = map.remove("description") {
                        field.insert("description".into(), description);
                    }
                    *map = field;
                    return;
                }
                if self.open_enums_as_strings && map.get("x-openEnum") == Some(&true.into()) {
                    map.remove("enum");
                }
                map.retain(|k, _| {
                    let k = k.as_str().unwrap_or_default();
                    !k.starts_with("x-") && !self.strip.contains(&k)
                });
                if response {
                    map.remove("enum");
                    match map.get("type").and_then(Value::as_str) {
                        Some("integer") => drop(map.remove("type")),
                        Some("array") => drop(map.insert("nullable".into(), true.into())),
                        _ => {}
                    }
                }
                for (k, v) in map.iter_mut() {
                    self.walk(v, k.as_str() == Some("properties"), response);
                }
            }
            Value::Mapping(fields) => fields
                .values_mut()
                .for_each(|v| self.walk(v, false, response)),
            Value::Sequence(items) => items.iter_mut().for_each(|v| self.walk(v, false, response)),
            _ => {}
        }
    }
}
