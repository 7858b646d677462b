//! The one open enum of every gateway: a string enum of the values a guide
//! lists plus an `Unknown(String)` catch-all, so a value the guide does not
//! list is kept instead of failing to parse.
//!
//! Its public API is the same for every gateway: `KNOWN`, `as_str`,
//! `description`, `is_known`, `From<&str>`, `FromStr`, `Display` and serde
//! as a JSON string.

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

    /// The enum and its impls.
    pub fn emit(&self) -> TokenStream {
        let ident = format_ident!("{}", self.name);
        let enum_doc = doc(&self.doc);
        let variants: Vec<_> = self
            .variants
            .iter()
            .map(|v| format_ident!("{}", v.ident))
            .collect();
        let wires: Vec<&str> = self.variants.iter().map(|v| v.wire.as_str()).collect();
        let docs = self.variants.iter().map(|v| {
            let text = [v.description.as_deref(), v.note.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            match text.is_empty() {
                true => doc(&format!("`{}`.", v.wire)),
                false => doc(&format!("`{}`: {text}", v.wire)),
            }
        });
        let descriptions = self.variants.iter().map(|v| match &v.description {
            Some(d) => quote!(Some(#d)),
            None => quote!(None),
        });
        // Codes such as `RC01` or `G001` are variant names as the guide writes them.
        let upper = self
            .variants
            .iter()
            .any(|v| v.ident.chars().all(|c| !c.is_ascii_lowercase()));
        let allow =
            upper.then(|| quote!(#[allow(non_camel_case_types, clippy::upper_case_acronyms)]));
        quote! {
            #enum_doc
            ///
            /// Values the guide does not list are kept in `Unknown`.
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #allow
            pub enum #ident {
                #( #docs #variants, )*
                /// A value the guide does not list, kept as received.
                Unknown(String),
            }

            impl #ident {
                /// Every value the guide lists, in the guide's order.
                pub const KNOWN: &'static [Self] = &[ #( Self::#variants ),* ];

                /// The wire value.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #wires, )*
                        Self::Unknown(other) => other,
                    }
                }

                /// The guide's description; `None` for an unknown value or
                /// one the guide does not describe.
                pub fn description(&self) -> Option<&'static str> {
                    match self {
                        #( Self::#variants => #descriptions, )*
                        Self::Unknown(_) => None,
                    }
                }

                /// Whether the guide lists this value.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::Unknown(_))
                }
            }

            impl From<&str> for #ident {
                fn from(value: &str) -> Self {
                    match value {
                        #( #wires => Self::#variants, )*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }

            impl std::str::FromStr for #ident {
                type Err = std::convert::Infallible;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl std::fmt::Display for #ident {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl serde::Serialize for #ident {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> serde::Deserialize<'de> for #ident {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    // Only strings: a number where the guide says string is an error.
                    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(text.as_ref()))
                }
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
        use anyhow::{Context, bail};
        if schema.ext.get::<bool>("x-openEnum")? != Some(true) {
            return Ok(None);
        }
        let values = schema
            .enumeration
            .as_ref()
            .with_context(|| format!("{name}: x-openEnum without an `enum` list"))?;
        let list = |key: &str| -> anyhow::Result<Option<Vec<String>>> {
            let list: Option<Vec<String>> =
                schema.ext.get(key).with_context(|| name.to_string())?;
            match list {
                Some(l) if l.len() != values.len() => {
                    bail!(
                        "{name}.{key} has {} entries for {} values",
                        l.len(),
                        values.len()
                    )
                }
                list => Ok(list),
            }
        };
        let (descriptions, varnames) = (list("x-enumDescriptions")?, list("x-enumVarnames")?);
        let mut variants = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let wire = value
                .as_str()
                .with_context(|| format!("{name}: enum value {value} is not a string"))?;
            let mut variant = Variant::named(wire, None, None);
            variant.description = descriptions.as_ref().map(|d| d[i].clone());
            if let Some(names) = &varnames {
                variant.ident = names[i].clone();
            }
            variants.push(variant);
        }
        let doc = schema.description.as_deref().unwrap_or_default().trim();
        Ok(Some(Self::new(name, doc, variants)))
    }
}
