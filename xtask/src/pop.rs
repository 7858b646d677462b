//! Generator for `crates/pop-proto` from `specs/pop/1.8.1/openapi.yaml`.
//!
//! Five files come out of one spec, each data for hand-written code of the
//! crate:
//! - `types.rs`: request, response and notification structs (typify through
//!   the shared pipeline). Constraints are stripped from the copy typify sees,
//!   so responses and notifications parse leniently; enums, `ResultCode` and
//!   `Yen` are replaced by the crate's own types.
//! - `enums.rs`: every string enum of the spec with an `Unknown(String)`
//!   catch-all, and `ResultCode` with all codes and descriptions.
//! - `validate.rs`: the constraints and `x-rules` of every request schema as
//!   `const` tables of `veritrans_core::constraint` (data only; its one
//!   validator checks them and `pop_proto::validate` words the findings).
//! - `notification.rs`: the parameter names each notification schema knows,
//!   the `x-notificationKinds` rows (read by `NotificationKind::select`) and
//!   a `notification_kinds!` invocation naming each kind's schema.
//! - `endpoints.rs`: the server, the paths and the media types.
//!
//! Names the spec gives (result codes, `x-rules` kinds and keys, variants)
//! are emitted as Rust paths and fields, so the compiler of the generated
//! code refuses one that does not exist; the crate's tests check what the
//! compiler cannot (a rule naming a property its object lacks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_yaml::Value;

use crate::codegen::{GeneratedFile, Generator};
use crate::core::constraint;
use crate::core::model::{self, Document as Doc, Operation, Ordered, Schema};
use crate::core::names::{pascal, screaming};
use crate::core::open_enum::{OpenEnum, Variant};
use crate::core::rust;
use crate::core::spec;
use crate::core::tokens::{doc as doc_attr, opt};
use crate::core::view::View;

const SPEC: &str = "specs/pop/1.8.1/openapi.yaml";
const OUT: &str = "crates/pop-proto/src/generated";

/// The POP entry of `codegen::GENERATORS`.
pub const GENERATOR: Generator = Generator {
    name: "pop",
    run: generate,
};

pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    generate_from(spec::read(root, SPEC)?)
}

fn generate_from(mut raw: Value) -> anyhow::Result<Vec<GeneratedFile>> {
    model::flatten_all_of(&mut raw)?;
    let doc: Doc = serde_yaml::from_value(raw.clone()).context("reading the POP spec")?;
    let file = |name: &str, contents: String| {
        GeneratedFile::rust(format!("{OUT}/{name}.rs"), SPEC, &contents)
    };
    Ok(vec![
        file("types", types(raw, &doc)?),
        file("enums", enums(&doc.components.schemas)?),
        file("validate", validation(&doc)?),
        file("notification", notifications(&doc.components.schemas)?),
        file("endpoints", endpoints(&doc)?),
    ])
}

/// typify output from a view of the spec without constraints (they are
/// enforced by the generated validation on requests only), defaults (an
/// unset optional stays unsent), extensions, callbacks or the notification
/// union; every string enum (and `ResultCode`) replaced by the open enums of
/// `enums.rs` and `Yen` by the crate's own type.
fn types(view: Value, doc: &Doc) -> anyhow::Result<String> {
    const VIEW: View = View {
        strip: &[
            "maxLength",
            "minLength",
            "pattern",
            "minimum",
            "maximum",
            "uniqueItems",
            "minItems",
            "maxItems",
            "default",
            "callbacks",
        ],
        drop: &["Notification", "NotificationCommon"],
        ..View::BASE
    };
    let schemas = doc.components.schemas.iter();
    let enums = schemas.filter(|(_, schema)| schema.enumeration.is_some());
    let enums = enums.map(|(name, _)| name.as_str()).chain(["ResultCode"]);
    let enums = enums.map(|name| (name, format!("crate::generated::enums::{name}")));
    let settings = rust::settings(&["PartialEq"], enums.chain([("Yen", "crate::Yen".into())]));
    // `x-yen` request amounts are JSON integers on the wire and `Yen` in Rust: typify's
    // `i64` becomes `crate::Yen` read and written as an integer (`crate::amount`).
    let yen = |name: &str, field: &str| {
        let schema = doc.components.schemas.get(name)?;
        schema
            .properties
            .get(field)
            .filter(|p| p.ext.flag("x-yen"))?;
        Some(schema.required.iter().any(|r| r == field))
    };
    // Fields read like the guide: its `3ds_version` is `three_ds_version`, not typify's
    // `x3ds_version` (typify's serde rename keeps the wire name).
    let mut file = syn::parse_file(&rust::types(VIEW.apply(view)?, &settings)?)?;
    let structs = file.items.iter_mut().filter_map(|item| match item {
        syn::Item::Struct(item) => Some(item),
        _ => None,
    });
    for item in structs {
        let name = item.ident.to_string();
        for field in item.fields.iter_mut() {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            if ident == "x3ds_version" {
                field.ident = Some(format_ident!("three_ds_version"));
            } else if let Some(required) = yen(&name, &ident.to_string()) {
                let (ty, serde): (syn::Type, syn::Attribute) = match required {
                    true => (
                        syn::parse_quote!(crate::Yen),
                        syn::parse_quote!(#[serde(with = "crate::amount")]),
                    ),
                    // `default`: with `with`, serde no longer treats a missing field as `None`.
                    false => (
                        syn::parse_quote!(::std::option::Option<crate::Yen>),
                        syn::parse_quote!(#[serde(default, with = "crate::amount::optional")]),
                    ),
                };
                field.ty = ty;
                field.attrs.push(serde);
            }
        }
    }
    let items = file.items;
    rust::format(quote!(#(#items)*))
}

/// The open enums, and `ResultCode` from `x-resultCodes` with the phase of
/// each code as `const` rows (read by `ResultCode::phase`).
fn enums(all: &Ordered<Schema>) -> anyhow::Result<String> {
    #[derive(serde::Deserialize)]
    struct Row {
        code: String,
        phase: String,
        description: String,
    }
    let mut out = TokenStream::new();
    for (name, schema) in all.iter() {
        if let Some(open) = OpenEnum::from_schema(name, schema)? {
            if open.variants.iter().any(|v| v.description.is_none()) {
                bail!("{name}: the guide describes every value: x-enumDescriptions");
            }
            out.extend(open.emit());
        }
    }
    let codes = all.get("ResultCode").context("no ResultCode schema")?;
    let rows: Option<Vec<Row>> = codes.ext.get("x-resultCodes")?;
    let rows = rows.context("ResultCode has no x-resultCodes")?;
    let variants = rows.iter().map(|r| Variant {
        ident: r.code.clone(),
        wire: r.code.clone(),
        description: Some(r.description.clone()),
        note: None,
    });
    let doc = "A four-character POP result code (`R000` is success), with the guide's description.";
    out.extend(OpenEnum::new("ResultCode", doc, variants).emit());
    let phases = rows.iter().map(|r| (code(&r.code), &r.phase));
    let phases = phases.map(|(code, phase)| quote!((#code, #phase)));
    rust::format(quote! {
        #out
        /// `x-resultCodes`: where the guide lists each code.
        pub(crate) const PHASES: &[(ResultCode, &str)] = &[ #(#phases),* ];
    })
}

/// `ResultCode::CODE`: an unlisted code fails to compile.
fn code(code: &str) -> TokenStream {
    let id = format_ident!("{code}");
    quote! { ResultCode::#id }
}

/// The name of the constraint table of an object schema.
fn table(schema: &str) -> proc_macro2::Ident {
    format_ident!("{}", screaming(schema))
}

/// The constraint tables of every object a request body reaches
/// (`veritrans_core::constraint`), named after their schemas, and the
/// request bodies they check: data only.
fn validation(doc: &Doc) -> anyhow::Result<String> {
    let all = &doc.components.schemas;
    let bodies = doc.paths.iter().map(|(_, item)| &item.post.request_body);
    let roots = bodies.map(|body| body.as_ref().and_then(|b| b.json_schema()));
    let roots = roots.collect::<Option<Vec<_>>>();
    let roots = roots.context("every POP operation has a JSON request body schema")?;
    let (mut queue, mut tables) = (roots.clone(), BTreeMap::new());
    while let Some(name) = queue.pop() {
        if tables.contains_key(name) {
            continue;
        }
        let schema = all.get(name);
        let schema = schema.with_context(|| format!("unknown schema {name}"))?;
        let mut fields = Vec::new();
        for (json, p) in schema.properties.iter() {
            let required = schema.required.contains(json);
            let row = field_row(all, json, p, required, &mut queue);
            fields.push(row.with_context(|| format!("{name}.{json}"))?);
        }
        let rules: Vec<Rule> = schema.ext.get("x-rules")?.unwrap_or_default();
        let rules = rules.into_iter().map(cross_rule);
        let rules = rules.collect::<anyhow::Result<Vec<_>>>()?;
        let (ident, doc) = (table(name), format!("The constraints of `{name}`."));
        tables.insert(name, quote! {
            #[doc = #doc]
            const #ident: &Object<ResultCode> = &Object { name: #name, fields: &[ #(#fields),* ], rules: &[ #(#rules),* ] };
        });
    }
    let (imports, tables) = (constraint::imports(), tables.into_values());
    let tables_of = roots.iter().map(|r| table(r));
    let roots = roots.iter().map(|r| format_ident!("{r}"));
    rust::format(quote! {
        use crate::generated::enums::ResultCode;
        use crate::generated::types;
        pub(crate) use crate::validate::RequestBody;
        #imports

        #( impl RequestBody for types::#roots { const CONSTRAINTS: &'static Object<ResultCode> = #tables_of; } )*
        #(#tables)*
    })
}

/// The table row of one property; nested objects join `queue`.
fn field_row<'a>(
    all: &'a Ordered<Schema>,
    json: &str,
    p: &'a Schema,
    required: bool,
    queue: &mut Vec<&'a str>,
) -> anyhow::Result<TokenStream> {
    // An open enum's values, and the code its schema gives.
    let known = |name: &str| {
        let schema = all.get(name).filter(|s| s.ext.flag("x-openEnum"))?;
        let values = schema.enumeration.iter().flatten();
        let values = values
            .filter_map(serde_json::Value::as_str)
            .collect::<Vec<_>>();
        Some((values, schema.ext.str("x-resultCode")))
    };
    let unique = match (p.ext.str("x-uniqueResultCode"), p.unique_items) {
        (None, true) => bail!("uniqueItems without x-uniqueResultCode"),
        (unique, _) => unique.map(code),
    };
    let (mut inherited, mut needs_code) = (None, true);
    // A nested object: checked by its own table, reported with its own codes.
    let mut nested = |name: &'a str| {
        queue.push(name);
        needs_code = false;
        table(name)
    };
    let item = p.items.as_ref().and_then(|i| i.ref_name());
    let check = match (p.ref_name(), p.ty.as_deref(), item) {
        (Some(r), ..) => match known(r) {
            Some((values, code)) => {
                inherited = code;
                quote! { Check::Known(&[ #(#values),* ]) }
            }
            None => {
                let object = nested(r);
                quote! { Check::Object(#object) }
            }
        },
        (None, Some("string"), _) => {
            let text = constraint::text(p)?;
            quote! { Check::Text(#text) }
        }
        (None, Some("integer"), _) => {
            let (min, max) = (p.minimum.map(Literal::i64_unsuffixed), p.maximum);
            let (min, max) = (opt(min), opt(max.map(Literal::i64_unsuffixed)));
            quote! { Check::Integer { min: #min, max: #max } }
        }
        (None, Some("boolean"), _) => quote! { Check::Boolean },
        (None, Some("array"), Some(item)) => match known(item) {
            Some((values, code)) => {
                let unique = opt(unique);
                inherited = code;
                quote! { Check::KnownList { known: &[ #(#values),* ], unique: #unique } }
            }
            None => {
                let by = p.ext.str("x-uniqueBy").zip(unique);
                let (by, item) = (opt(by.map(|(by, c)| quote!((#by, #c)))), nested(item));
                quote! { Check::ObjectList { item: #item, unique_by: #by } }
            }
        },
        _ => bail!("unsupported property schema (arrays need $ref items)"),
    };
    let own = p.ext.str("x-resultCode").or(inherited);
    if own.is_none() && needs_code {
        bail!("request property without x-resultCode");
    }
    let code = opt(own.map(code));
    Ok(quote! { Field { name: #json, required: #required, code: #code, check: #check } })
}

/// An `x-rules` entry: `rule` names a `CrossRule` variant, every other key
/// (but `description`) one of its fields.
#[derive(serde::Deserialize)]
struct Rule {
    rule: String,
    #[serde(rename = "x-resultCode")]
    code: String,
    #[serde(flatten)]
    fields: BTreeMap<String, serde_json::Value>,
}

/// The `CrossRule` row of an `x-rules` entry; the model's compiler checks
/// every name and type.
fn cross_rule(mut rule: Rule) -> anyhow::Result<TokenStream> {
    let (kind, code) = (format_ident!("{}", pascal(&rule.rule)), code(&rule.code));
    rule.fields.remove("description");
    let fields = rule.fields.iter().map(|(key, value)| {
        let key = format_ident!("{key}");
        match value {
            serde_json::Value::String(s) => Ok(quote!(#key: #s)),
            serde_json::Value::Bool(b) => Ok(quote!(#key: #b)),
            other => bail!(
                "{}.{key}: `{other}` is neither a name nor a boolean",
                rule.rule
            ),
        }
    });
    let fields = fields.collect::<anyhow::Result<Vec<_>>>()?;
    Ok(quote! { CrossRule::#kind { #(#fields,)* code: #code } })
}

/// The server URL, one path constant per operation (named after its
/// `operationId`) and the media types of the requests and of the two
/// notifications, so no code writes them.
fn endpoints(doc: &Doc) -> anyhow::Result<String> {
    /// The one media type of the request bodies of `ops`.
    fn media<'a>(ops: impl Iterator<Item = &'a Operation>, what: &str) -> anyhow::Result<&'a str> {
        let bodies = ops.flat_map(|op| op.request_body.iter().flat_map(|b| b.content.iter()));
        let types: BTreeSet<&str> = bodies.map(|(media, _)| media.as_str()).collect();
        match Vec::from_iter(types).as_slice() {
            [one] => Ok(one),
            other => bail!("{what}: expected one media type, found {other:?}"),
        }
    }
    let server = doc.servers.first().context("spec has no servers[0].url")?;
    let server = &server.url;
    let mut out = quote! {
        /// The POP server (live and test: test requests set `dummy`).
        pub const BASE_URL: &str = #server;
    };
    for (path, item) in doc.paths.iter() {
        let id = item.post.operation_id.as_deref();
        let id = id.context("operation without operationId")?;
        let konst = format_ident!("{}_PATH", id.trim_start_matches("create_").to_uppercase());
        let d = doc_attr(&format!("`POST {path}`: {}", item.post.summary));
        out.extend(quote! { #d pub const #konst: &str = #path; });
    }
    let ops = || doc.paths.iter().map(|(_, item)| &item.post);
    let callback = |name: &'static str| {
        let callbacks = ops().filter_map(move |op| op.callbacks.get(name));
        callbacks.flat_map(|c| c.iter().map(|(_, expression)| &expression.post))
    };
    let request = media(ops(), "requests")?;
    let redirect = media(callback("redirect"), "redirect callback")?;
    let push = media(callback("push"), "push callback")?;
    out.extend(quote! {
        /// Media type (`Content-Type`) of every key request.
        pub const REQUEST_MEDIA_TYPE: &str = #request;
        /// Media type of a redirect: the form the browser POSTs to the merchant's URL.
        pub const REDIRECT_MEDIA_TYPE: &str = #redirect;
        /// Media type of a push to `push_url`.
        pub const PUSH_MEDIA_TYPE: &str = #push;
    });
    rust::format(out)
}

/// The parameters each notification schema knows, the `x-notificationKinds`
/// selection rows, and the kinds with their schemas (`notification_kinds!`;
/// a variant listed twice is a duplicate variant the compiler refuses).
fn notifications(all: &Ordered<Schema>) -> anyhow::Result<String> {
    /// An `x-notificationKinds` entry.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct KindEntry {
        variant: String,
        schema: String,
        selected_by: Vec<(Option<String>, Option<String>)>,
    }
    let union = all
        .get("Notification")
        .context("no Notification schema")?
        .ext
        .get("x-notificationKinds")?;
    let entries: Vec<KindEntry> = union.context("no x-notificationKinds")?;
    let (mut fields, mut kinds, mut selected) = (TokenStream::new(), Vec::new(), Vec::new());
    for (i, entry) in entries.iter().enumerate() {
        let (variant, ty, schema) = (
            format_ident!("{}", entry.variant),
            format_ident!("{}", entry.schema),
            &entry.schema,
        );
        let konst = format_ident!("{}_FIELDS", screaming(schema));
        let s = all
            .get(schema)
            .with_context(|| format!("unknown schema {schema}"))?;
        if !entries[..i].iter().any(|e| e.schema == *schema) {
            // In byte order of the names: the decoder finds a name by binary search,
            // and a table index orders the parameters as a JSON object's names are.
            let mut props: Vec<_> = s.properties.iter().collect();
            props.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let rows = props.into_iter().map(|(name, p)| {
                let boolean = p.ty.as_deref() == Some("boolean");
                quote! { Field::new(#name, #boolean) }
            });
            let d = format!(
                "The parameters `{schema}` knows, in byte order of their names; anything \
                 else is kept as an extra parameter."
            );
            fields.extend(
                quote! { #[doc = #d] pub(crate) const #konst: &[Field] = &[ #(#rows),* ]; },
            );
        }
        let doc = doc_attr(s.description.as_deref().unwrap_or_default());
        kinds.push(quote!(#doc #variant(#ty) knows #konst));
        for (payment_type, result_type) in &entry.selected_by {
            let (pt, rt) = (opt(payment_type.as_deref()), opt(result_type.as_deref()));
            selected.push(quote!((#pt, #rt, Kind::#variant)));
        }
    }
    rust::format(quote! {
        use crate::notify::kinds::{Field, notification_kinds};

        #fields

        /// `x-notificationKinds`: the kind each `payment_type` / `result_type`
        /// pair selects (`None`: the parameter is absent).
        pub(crate) const KINDS: &[(Option<&str>, Option<&str>, Kind)] = &[ #(#selected),* ];

        notification_kinds! { #(#kinds),* }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_text() -> String {
        let root = crate::workspace_root().unwrap();
        std::fs::read_to_string(root.join(SPEC)).unwrap()
    }

    #[test]
    fn all_seventy_result_codes_are_in_the_spec() {
        let doc: Doc = spec::parse(&spec_text()).unwrap();
        let codes = &doc.components.schemas.get("ResultCode").unwrap().ext;
        let rows: Vec<serde_json::Value> = codes.get("x-resultCodes").unwrap().unwrap();
        assert_eq!(rows.len(), 70);
    }

    /// An unlisted code is emitted as a path of `ResultCode`, which the
    /// compiler of `pop-proto` refuses (no generator-side list to keep).
    #[test]
    fn result_codes_are_emitted_as_paths_the_compiler_checks() {
        let text = spec_text().replace("x-resultCode: RC01", "x-resultCode: RC99");
        let files = generate_from(spec::parse(&text).unwrap()).unwrap();
        let validate = &files[2].contents;
        assert!(
            validate.contains("code: Some(ResultCode::RC99)"),
            "{validate}"
        );
    }

    #[test]
    fn a_request_property_without_result_code_is_refused() {
        let text = spec_text().replace("          x-resultCode: RC14\n", "");
        let err = generate_from(spec::parse(&text).unwrap()).unwrap_err();
        assert!(
            format!("{err:#}").contains("without x-resultCode"),
            "{err:#}"
        );
    }

    #[test]
    fn cross_rules_name_the_model_variant_and_its_fields() {
        let files = generate_from(spec::parse(&spec_text()).unwrap()).unwrap();
        let validate = files[2]
            .contents
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(validate.contains(
            r#"CrossRule::Requires { field: "save_card", requires: "paynow_account_id", code: ResultCode::RC2N, }"#
        ));
        let text = spec_text().replace("rule: requires", "rule: requires\n          size: 3");
        let err = generate_from(spec::parse(&text).unwrap()).unwrap_err();
        assert!(
            format!("{err:#}").contains("neither a name nor a boolean"),
            "{err:#}"
        );
    }

    #[test]
    fn the_spec_is_plain_openapi_3_0() {
        let root = crate::workspace_root().unwrap();
        let api: openapiv3::OpenAPI = spec::read(&root, SPEC).unwrap();
        assert_eq!(api.openapi, "3.0.3");
        assert_eq!(api.paths.paths.len(), 3);
    }

    #[test]
    fn all_of_is_flattened_with_required_merged() {
        let mut doc: Value = serde_yaml::from_str(&spec_text()).unwrap();
        model::flatten_all_of(&mut doc).unwrap();
        let doc: Doc = serde_yaml::from_value(doc).unwrap();
        let paid = doc.components.schemas.get("BankPaidNotification").unwrap();
        let required = &paid.required;
        assert!(required.contains(&"signature".into()));
        assert!(required.contains(&"transaction_datetime".into()));
        assert!(paid.properties.get("company_code").is_some());
    }
}
