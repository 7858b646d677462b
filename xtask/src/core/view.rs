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
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// Keys removed besides the `x-` extensions (constraints, defaults…).
    pub strip: &'a [&'a str],
    /// A schema marked `x-openEnum: true` loses its `enum`: its values are
    /// known values, not a rule, so the field stays a string.
    pub open_enums_as_strings: bool,
    /// A schema marked `x-direction: response`, and everything below it, is
    /// parsed leniently: no `enum`, integers as any JSON value (a gateway that
    /// sends `"3"` instead of `3` must not break parsing), arrays nullable.
    pub lenient_responses: bool,
    /// Every object schema of `components.schemas` without a discriminator
    /// keeps the members it does not name (`additionalProperties: {}`).
    pub open_objects: bool,
    /// Fields marked with an extension (in requests and responses) become a
    /// reference to a string schema added to `components.schemas` (for a
    /// replacement type).
    pub replace: &'a [Replace<'a>],
    /// Schemas removed from `components.schemas`.
    pub drop: &'a [&'a str],
}

/// Fields marked `marker: true` become `allOf: [$ref: schema]`
/// (keeping their description); `schema` is a string schema documented by
/// `description`.
#[derive(Debug, Clone, Copy)]
pub struct Replace<'a> {
    pub marker: &'a str,
    pub schema: &'a str,
    pub description: &'a str,
}

impl View<'static> {
    /// The view that only drops the `x-` extensions; a gateway's view is this
    /// with its own rules (`View { strip: …, ..View::BASE }`).
    pub const BASE: Self = Self {
        strip: &[],
        open_enums_as_strings: false,
        lenient_responses: false,
        open_objects: false,
        replace: &[],
        drop: &[],
    };
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
                object
                    .entry("additionalProperties".into())
                    .or_insert(mapping([]).into());
            }
        }
        for r in self.replace {
            let schema = mapping([
                ("type", "string".into()),
                ("description", r.description.into()),
            ]);
            schemas.insert(r.schema.into(), schema.into());
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
                let marked = |r: &&Replace| map.get(r.marker) == Some(&true.into());
                if let Some(r) = self.replace.iter().find(marked) {
                    let reference = format!("#/components/schemas/{}", r.schema);
                    let all_of = vec![Value::from(mapping([("$ref", reference.into())]))];
                    let description = map.remove("description").map(|d| ("description", d));
                    *map = mapping(std::iter::once(("allOf", all_of.into())).chain(description));
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

/// A YAML mapping of `entries`, in their order.
fn mapping<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Mapping {
    entries.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

#[cfg(test)]
mod tests {
    //! The rules, each on a small document. The gateways' own views (in
    //! `pop.rs`, `mpi.rs`, `unified.rs`) are guarded by `codegen --check`:
    //! a view that changes what typify sees changes the generated types.

    use super::View;

    /// The same document, in the same order (`serde_yaml::Value`'s equality
    /// ignores the order of a mapping; the generated fields do not).
    fn text(value: &impl serde::Serialize) -> String {
        serde_json::to_string_pretty(value).unwrap()
    }

    fn yaml(text: &str) -> serde_yaml::Value {
        serde_yaml::from_str(text).unwrap()
    }

    /// A marked field, in a request or a response, becomes a reference to the
    /// added schema and keeps its description; an open enum's values are
    /// dropped, a closed one's kept.
    #[test]
    fn replacements_and_open_enums() {
        const VIEW: View = View {
            open_enums_as_strings: true,
            lenient_responses: true,
            replace: &[super::Replace {
                marker: "x-yen",
                schema: "Yen",
                description: "Yen.",
            }],
            ..View::BASE
        };
        let spec = yaml(
            r#"
components:
  schemas:
    Req:
      properties:
        amount: {type: string, maxLength: 12, description: d, x-yen: true}
        kind: {type: string, enum: [a], x-openEnum: true}
        mode: {type: string, enum: [b]}
    Res:
      x-direction: response
      properties:
        amount: {type: string, x-yen: true}
"#,
        );
        let expected = yaml(
            r#"
components:
  schemas:
    Req:
      properties:
        amount: {allOf: [{$ref: '#/components/schemas/Yen'}], description: d}
        kind: {type: string}
        mode: {type: string, enum: [b]}
    Res:
      properties:
        amount: {allOf: [{$ref: '#/components/schemas/Yen'}]}
    Yen: {type: string, description: Yen.}
"#,
        );
        assert_eq!(text(&VIEW.apply(&spec).unwrap()), text(&expected));
    }

    /// The properties keep the order of the document the view is made from
    /// (a sorted copy would put `a` first).
    #[test]
    fn the_order_is_the_documents() {
        let spec = yaml("properties: {z: {maxLength: 1}, a: {}}");
        let view = View {
            strip: &["maxLength"],
            ..View::BASE
        };
        let expected = yaml("properties: {z: {}, a: {}}");
        assert_eq!(text(&view.apply(&spec).unwrap()), text(&expected));
    }
}
