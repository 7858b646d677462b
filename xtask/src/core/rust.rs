//! Spec → Rust: typify (through `progenitor`) for OpenAPI types, and one
//! formatting path (`prettyplease`), so the output depends only on the pinned
//! crate versions in `Cargo.lock`, never on a local rustfmt.

use anyhow::Context;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
pub use progenitor_impl::GenerationSettings;
use quote::ToTokens;

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
    let mut file: syn::File = syn::parse2(tokens).context("generated code is not valid Rust")?;
    // The file's inner attributes and docs, then its items one by one.
    let items = std::mem::take(&mut file.items);
    let pretty = prettyplease::unparse(&file) + &items.into_iter().map(unparse).collect::<String>();
    let spaced =
        progenitor_impl::space_out_items(pretty).map_err(|e| anyhow::anyhow!("progenitor: {e}"))?;
    Ok(format!("{GENERATED_ALLOWS}{spaced}"))
}

/// One item formatted; the body of an item-like macro invocation
/// (`veritrans_core::open_enum! { pub enum … }`) is formatted as the item it
/// reads as, which `prettyplease` leaves as one run of tokens.
fn unparse(item: syn::Item) -> String {
    // Only a bare `path! { … }`: attributes or another delimiter would be lost.
    if let syn::Item::Macro(m) = &item
        && (m.attrs.is_empty() && m.ident.is_none())
        && matches!(m.mac.delimiter, syn::MacroDelimiter::Brace(_))
        && let Ok(body) = syn::parse2::<syn::Item>(m.mac.tokens.clone())
    {
        let path = m.mac.path.to_token_stream().to_string().replace(' ', "");
        let body = unparse(body);
        let indented = body
            .lines()
            .map(|l| format!("    {l}\n").replace("    \n", "\n"));
        return format!("{path}! {{\n{}}}\n", indented.collect::<String>());
    }
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// An item-like macro body is laid out as the item; anything else
    /// (attributes on the invocation, a non-item body) stays as prettyplease
    /// prints it, so nothing is dropped.
    #[test]
    fn item_like_macro_bodies_are_formatted_as_items() {
        let out = super::format(quote! {
            m::open_enum! { #[doc = " An enum."] pub enum E { #[doc = " `a`."] A = ("a", None), } }
            #[cfg(test)] m::open_enum! { pub enum F { B = ("b", None), } }
            m::other! { 1 + 1 }
        })
        .unwrap();
        let expected = "m::open_enum! {\n    /// An enum.\n    pub enum E {\n        /// `a`.\n        A = (\"a\", None),\n    }\n}\n";
        assert!(out.contains(expected), "{out}");
        assert!(
            out.contains("#[cfg(test)]\nm::open_enum! {\n    pub enum F { B = (\"b\", None), }\n}"),
            "{out}"
        );
        assert!(out.contains("m::other! {\n    1 + 1\n}"), "{out}");
    }
}
