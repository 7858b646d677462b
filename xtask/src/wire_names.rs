//! Generator of the wire names of the OpenAPI gateways (POP, Unified API 1.1.3,
//! MPI): every property name and the `Authorization` prefix of the spec, as
//! `&str` constants in `<crate>/src/generated/wire.rs`.
//!
//! The typed messages already spell these names (serde renames); the
//! constants serve code that writes the wire *by name*: the sandbox's pages
//! and its transaction log summaries. With them a renamed field in a spec
//! breaks that code's build instead of silently leaving an old spelling
//! behind (issue #13, "no wire literal in the sandbox's sources"). Header
//! names are not repeated here: the gateway generators already emit them
//! (`IDEMPOTENCY_KEY_HEADER`, `PUSH_SIGNATURE_HEADER`, …). Kept apart from
//! the gateway generators so it reads each spec the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::codegen::{GeneratedFile, Generator};
use crate::core::{names, rust, spec};

/// The entry listed in `codegen::GENERATORS`.
pub const GENERATOR: Generator = Generator {
    name: "wire-names",
    run: generate,
};

/// (spec directory, crate) of every OpenAPI gateway whose wire names are emitted;
/// `unified` stands for its latest version folder.
const SPECS: &[(&str, &str)] = &[
    ("pop/1.8.1", "pop-proto"),
    ("unified", "unified-proto"),
    ("mpi", "mpi-proto"),
];

fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    let file = |(dir, krate): &(&str, &str)| {
        let spec_path = match *dir {
            "unified" => crate::versions::latest_file(root, dir, "openapi.yaml")?,
            _ => format!("specs/{dir}/openapi.yaml"),
        };
        let body = emit(&spec::read(root, &spec_path)?, &spec_path).context(spec_path.clone())?;
        let out = format!("crates/{krate}/src/generated/wire.rs");
        Ok(GeneratedFile::rust(out, &spec_path, &body))
    };
    SPECS.iter().map(file).collect()
}

/// The words of one spec, gathered by walking the whole document.
#[derive(Default)]
struct Names {
    /// Every key of a `properties` mapping.
    fields: Vec<String>,
    /// The `scheme` of every `type: http` security scheme.
    schemes: Vec<String>,
}

fn walk(value: &Value, parent: Option<&str>, names: &mut Names) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("http")
                && let Some(scheme) = map.get("scheme").and_then(Value::as_str)
            {
                names.schemes.push(scheme.to_owned());
            }
            for (key, child) in map {
                if parent == Some("properties") {
                    names.fields.push(key.clone());
                }
                walk(child, Some(key), names);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| walk(v, parent, names)),
        _ => {}
    }
}

/// `paymentId` → `PAYMENT_ID`, `order_id` → `ORDER_ID`,
/// `X-VT-Idempotency-Key` → `X_VT_IDEMPOTENCY_KEY` (the core's
/// [`names::screaming`]), `3ds_version` → `_3DS_VERSION`.
fn const_name(wire: &str) -> anyhow::Result<String> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if wire.is_empty() || !wire.chars().all(word) {
        bail!("`{wire}` cannot be a Rust constant name");
    }
    let name = names::screaming(wire);
    // An identifier cannot start with a digit (`3ds_version`).
    let digit = name.starts_with(|c: char| c.is_ascii_digit());
    Ok(if digit { format!("_{name}") } else { name })
}

/// One `pub const NAME: &str = "wire";` per distinct wire name, sorted by
/// name. Two spellings with one constant name (MPI's redirect form `OrderId`
/// and its JSON `order_id`) both keep their wire spelling as the constant's
/// name instead, so neither takes the plain name by an arbitrary preference.
fn constants(words: &[String]) -> anyhow::Result<TokenStream> {
    let mut by_name: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for word in words {
        by_name.entry(const_name(word)?).or_default().insert(word);
    }
    let mut items = BTreeMap::new();
    for (name, spellings) in by_name {
        let verbatim = spellings.len() > 1;
        for wire in spellings {
            if verbatim && wire.contains('-') {
                bail!("`{wire}` collides with another spelling and is no identifier");
            }
            let name = if verbatim {
                wire.to_owned()
            } else {
                name.clone()
            };
            items.insert(name, (wire, verbatim));
        }
    }
    let items = items.iter().map(|(name, (wire, verbatim))| {
        let ident = format_ident!("{name}");
        let doc = format!("`{wire}`");
        let allow = verbatim.then(|| quote! { #[allow(non_upper_case_globals)] });
        quote! {
            #[doc = #doc]
            #allow
            pub const #ident: &str = #wire;
        }
    });
    Ok(quote! { #(#items)* })
}

/// The `Authorization` value prefix of an http security scheme: the scheme's
/// name as its RFC spells it, then one space.
fn authorization_prefix(scheme: &str) -> anyhow::Result<&'static str> {
    // OpenAPI: `scheme` is an HTTP authentication scheme name, case-insensitive.
    match scheme.to_ascii_lowercase().as_str() {
        // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
        "bearer" => Ok("Bearer "),
        // RFC 7617 §2: credentials = "Basic" 1*SP token68
        "basic" => Ok("Basic "),
        other => bail!("http security scheme `{other}` has no known Authorization prefix"),
    }
}

fn emit(spec: &Value, spec_path: &str) -> anyhow::Result<String> {
    let mut names = Names::default();
    walk(spec, None, &mut names);
    let fields = constants(&names.fields)?;
    let module_doc = format!(
        " The wire names of `{spec_path}`, one constant per name, for code that \
         writes the wire by name (pages, log summaries); the \
         typed messages spell the same names in their serde attributes."
    );
    let prefix = match names.schemes.as_slice() {
        [] => quote! {},
        [scheme] => {
            let prefix = authorization_prefix(scheme)?;
            let doc = format!(
                " The `Authorization` header's value starts with this: the spec's \
                 http security scheme `{scheme}`, spelled as its RFC does, and one space."
            );
            quote! {
                #[doc = #doc]
                pub const AUTHORIZATION_PREFIX: &str = #prefix;
            }
        }
        more => bail!("more than one http security scheme: {more:?}"),
    };
    rust::format(quote! {
        #![doc = #module_doc]
        /// Property names of every schema (request, answer, notification).
        pub mod field {
            #fields
        }
        #prefix
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_names_follow_the_wire_spelling() {
        assert_eq!(const_name("paymentId").unwrap(), "PAYMENT_ID");
        assert_eq!(const_name("order_id").unwrap(), "ORDER_ID");
        assert_eq!(const_name("vresult_code").unwrap(), "VRESULT_CODE");
        assert_eq!(
            const_name("X-VT-Idempotency-Key").unwrap(),
            "X_VT_IDEMPOTENCY_KEY"
        );
        assert_eq!(const_name("X-VT-webhook-id").unwrap(), "X_VT_WEBHOOK_ID");
        assert_eq!(const_name("3ds_version").unwrap(), "_3DS_VERSION");
        assert!(const_name("a.b").is_err());
    }

    #[test]
    fn two_spellings_of_one_constant_keep_their_own_names() {
        let words = [
            "OrderId".to_owned(),
            "order_id".to_owned(),
            "amount".to_owned(),
        ];
        let code = constants(&words).unwrap().to_string();
        assert!(
            code.contains("pub const OrderId : & str = \"OrderId\""),
            "{code}"
        );
        assert!(
            code.contains("pub const order_id : & str = \"order_id\""),
            "{code}"
        );
        assert!(
            code.contains("pub const AMOUNT : & str = \"amount\""),
            "{code}"
        );
    }

    #[test]
    fn an_unknown_security_scheme_is_refused() {
        assert_eq!(authorization_prefix("bearer").unwrap(), "Bearer ");
        assert_eq!(authorization_prefix("Basic").unwrap(), "Basic ");
        assert!(authorization_prefix("digest").is_err());
    }
}
