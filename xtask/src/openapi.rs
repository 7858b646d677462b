//! The OpenAPI → Rust pipeline shared by every gateway whose spec is
//! OpenAPI 3.0 (Unified API, POP, MPI).
//!
//! `progenitor` (with `typify` inside it) turns a spec into tokens;
//! `prettyplease` formats them, so the output depends only on the pinned
//! crate versions in `Cargo.lock`, never on a local rustfmt.

use std::path::Path;

use anyhow::Context;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
pub use progenitor_impl::GenerationSettings;

/// Lints the generated code cannot satisfy and nobody may fix by hand.
const GENERATED_ALLOWS: &str = "#![allow(\n    missing_docs,\n    unused_imports,\n    clippy::all,\n    clippy::unwrap_used\n)]\n\n";

/// Reads an OpenAPI 3.0 document from YAML (or JSON, a subset of YAML).
pub fn load(path: &Path) -> anyhow::Result<OpenAPI> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml::from_str(&text)
        .with_context(|| format!("parsing {} as OpenAPI 3.0", path.display()))
}

/// Reads the same document untyped, for generators that interpret `x-`
/// extensions or walk the spec in ways `openapiv3` does not model.
pub fn load_value(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml::from_str(&text).with_context(|| format!("parsing {} as YAML", path.display()))
}

/// Types and a `progenitor` client for every operation of `spec`, formatted.
pub fn client(spec: &OpenAPI, settings: &GenerationSettings) -> anyhow::Result<String> {
    let mut generator = progenitor_impl::Generator::new(settings);
    let tokens = generator
        .generate_tokens(spec)
        .map_err(|e| anyhow::anyhow!("progenitor: {e}"))?;
    format(tokens)
}

/// Only the types of `spec`'s `components.schemas` (and of its operations'
/// inline bodies), for crates that do not use a generated client.
pub fn types(spec: &OpenAPI, settings: &GenerationSettings) -> anyhow::Result<String> {
    let mut generator = progenitor_impl::Generator::new(settings);
    generator
        .generate_tokens(spec)
        .map_err(|e| anyhow::anyhow!("progenitor: {e}"))?;
    format(generator.get_type_space().to_stream())
}

/// Formats generated tokens deterministically, with the lint allowances
/// generated code needs.
pub fn format(tokens: TokenStream) -> anyhow::Result<String> {
    let file: syn::File = syn::parse2(tokens).context("generated code is not valid Rust")?;
    let pretty = prettyplease::unparse(&file);
    let spaced =
        progenitor_impl::space_out_items(pretty).map_err(|e| anyhow::anyhow!("progenitor: {e}"))?;
    Ok(format!("{GENERATED_ALLOWS}{spaced}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = r##"
openapi: 3.0.3
info: { title: Tiny, version: "1" }
paths:
  /things/{id}:
    post:
      operationId: make_thing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Thing" }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: { type: string, maxLength: 8 }
        kind: { type: string, enum: [a, b] }
"##;

    fn tiny() -> OpenAPI {
        serde_yaml::from_str(TINY).unwrap()
    }

    #[test]
    fn generation_is_deterministic() {
        let settings = GenerationSettings::default();
        let first = client(&tiny(), &settings).unwrap();
        let second = client(&tiny(), &settings).unwrap();
        assert_eq!(first, second);
        assert!(first.contains("pub struct Thing"), "{first}");
        assert!(first.contains("make_thing"), "{first}");
    }

    #[test]
    fn types_only_has_no_client() {
        let out = types(&tiny(), &GenerationSettings::default()).unwrap();
        assert!(out.contains("pub struct Thing"));
        assert!(!out.contains("pub struct Client"));
    }
}
