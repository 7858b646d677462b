//! The one open enum of every gateway: a string enum of the values a guide
//! lists plus an `Unknown(String)` catch-all, so a value the guide does not
//! list is kept instead of failing to parse.
//!
//! Its public API is the same for every gateway: `KNOWN`, `as_str`,
//! `description`, `is_known`, `From<&str>`, `FromStr`, `Display` and serde
//! as a JSON string, all written once in `veritrans_core::open_enum!`; this
//! emitter writes only the macro's invocation (rows of variant, wire value,
//! description and doc); a code table's extra columns are const rows read by
//! hand-written methods in the crates.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::tokens::doc;

/// One listed value.
#[derive(Debug)]
pub struct Variant {
    /// The Rust variant name.
    pub ident: String,
    /// The value on the wire.
    pub wire: String,
    /// The guide's description (`description()`); `None` when it gives none.
    pub description: Option<String>,
    /// Extra doc text after "`wire`: description" (provenance, table row).
    pub note: Option<String>,
}

/// An open enum to emit.
#[derive(Debug)]
pub struct OpenEnum {
    pub name: String,
    pub doc: String,
    pub variants: Vec<Variant>,
}

impl Variant {
    /// A listed value whose Rust name is its wire value in PascalCase.
    pub fn named(wire: &str, description: Option<&str>, note: Option<String>) -> Self {
        Self {
            ident: super::names::pascal(wire),
            wire: wire.to_string(),
            description: description.map(str::to_string),
            note,
        }
    }
}

impl OpenEnum {
    /// The enum `name` of `variants`, in the guide's order.
    pub fn new(name: &str, doc: &str, variants: impl IntoIterator<Item = Variant>) -> Self {
        Self {
            name: name.to_string(),
            doc: doc.to_string(),
            variants: variants.into_iter().collect(),
        }
    }

    /// The invocation of `veritrans_core::open_enum!` that declares the enum
    /// and its impls (the behaviour is the macro's, written once there).
    pub fn emit(&self) -> TokenStream {
        let (ident, enum_doc) = (format_ident!("{}", self.name), doc(&self.doc));
        let rows = self.variants.iter().map(|v| {
            let text = [v.description.as_deref(), v.note.as_deref()];
            let text = text.into_iter().flatten().collect::<Vec<_>>().join(" ");
            let row_doc = match text.is_empty() {
                true => doc(&format!("`{}`.", v.wire)),
                false => doc(&format!("`{}`: {text}", v.wire)),
            };
            let (variant, wire) = (format_ident!("{}", v.ident), &v.wire);
            let description = super::tokens::opt(v.description.as_ref());
            quote!(#row_doc #variant = (#wire, #description),)
        });
        // Codes such as `RC01` or `G001` are variant names as the guide writes them.
        let upper = self
            .variants
            .iter()
            .any(|v| v.ident.chars().all(|c| !c.is_ascii_lowercase()));
        let allow =
            upper.then(|| quote!(#[allow(non_camel_case_types, clippy::upper_case_acronyms)]));
        quote! {
            veritrans_core::open_enum! {
                #enum_doc
                #allow
                pub enum #ident { #(#rows)* }
            }
        }
    }
}

impl OpenEnum {
    /// The open enum a component schema declares (`enum` with
    /// `x-openEnum: true`, optional `x-enumDescriptions` and
    /// `x-enumVarnames`, one per value); `None` for any other schema (an
    /// `enum` without `x-openEnum` is a closed list a request must satisfy).
    pub fn from_schema(name: &str, schema: &super::model::Schema) -> anyhow::Result<Option<Self>> {
        use anyhow::Context;
        if schema.ext.get::<bool>("x-openEnum")? != Some(true) {
            return Ok(None);
        }
        let values = schema
            .enumeration
            .clone()
            .context("x-openEnum without an `enum` list");
        let values: Vec<String> = serde_json::from_value(values.context(name.to_string())?.into())
            .with_context(|| format!("{name}: an enum value is not a string"))?;
        // One entry per value, or none at all.
        let list = |key: &str| -> anyhow::Result<Vec<Option<String>>> {
            let list: Option<Vec<String>> = schema.ext.get(key).context(name.to_string())?;
            let (n, want) = (list.as_ref().map_or(values.len(), Vec::len), values.len());
            anyhow::ensure!(n == want, "{name}.{key} has {n} entries for {want} values");
            Ok(list.map_or(vec![None; want], |l| l.into_iter().map(Some).collect()))
        };
        let (descriptions, varnames) = (list("x-enumDescriptions")?, list("x-enumVarnames")?);
        let rows = values.iter().zip(descriptions).zip(varnames);
        let variants = rows.map(|((wire, description), ident)| Variant {
            ident: ident.unwrap_or_else(|| super::names::pascal(wire)),
            description,
            ..Variant::named(wire, None, None)
        });
        let doc = schema.description.as_deref().unwrap_or_default().trim();
        Ok(Some(Self::new(name, doc, variants)))
    }
}
