//! Spec → Rust: typify (through `progenitor`) for OpenAPI types, and one
//! formatting path (`prettyplease`), so the output depends only on the pinned
//! crate versions in `Cargo.lock`, never on a local rustfmt.

use anyhow::Context;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
pub use progenitor_impl::GenerationSettings;

/// Lints the generated code cannot satisfy and nobody may fix by hand.
const GENERATED_ALLOWS: &str = "#![allow(\n    missing_docs,\n    unused_imports,\n    clippy::all,\n    clippy::unwrap_used\n)]\n\n";

/// Settings that replace each schema `name` by the Rust type `path`.
pub fn settings<'a>(
    derives: &[&str],
    replacements: impl IntoIterator<Item = (&'a str, String)>,
) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    for derive in derives {
        settings.with_derive(*derive);
    }
    for (name, path) in replacements {
        settings.with_replacement(name, path, std::iter::empty());
    }
    settings
}

/// The types of `spec` (its `components.schemas` and its operations' inline
/// bodies), from a document fit for typify, formatted.
pub fn types(spec: impl serde::Serialize, settings: &GenerationSettings) -> anyhow::Result<String> {
    // Through text, not `serde_json::Value`: its map is sorted, and the
    // order of a spec's properties is the order of the generated fields.
    let api: OpenAPI = serde_json::from_str(&serde_json::to_string(&spec)?)
        .context("the typify view is not OpenAPI 3.0")?;
    let mut generator = progenitor_impl::Generator::new(settings);
    generator
        .generate_tokens(&api)
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

/// The Rust field typify gave each JSON property, by (struct, property),
/// read from its own output so no generator re-implements its naming.
pub fn field_names(types: &str) -> anyhow::Result<FieldNames> {
    let file = syn::parse_file(types).context("parsing generated types")?;
    let mut names = FieldNames::new();
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        for field in &fields.named {
            let Some(ident) = &field.ident else { continue };
            let rust = ident.to_string();
            let json = serde_rename(&field.attrs).unwrap_or_else(|| rust.clone());
            names.insert((s.ident.to_string(), json), rust);
        }
    }
    Ok(names)
}

/// (struct, JSON property) → Rust field.
pub type FieldNames = std::collections::BTreeMap<(String, String), String>;

/// The `#[serde(rename = "…")]` of an item, if any.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|attr| {
            let mut found = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    found = Some(lit.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}
