//! Generator for `crates/pop-proto` from `specs/pop/1.8.1/openapi.yaml`.
//!
//! Four files come out of one spec:
//! - `types.rs`: request, response and notification structs (typify through
//!   the shared pipeline). Constraints are stripped from the copy typify sees,
//!   so responses and notifications parse leniently; enums, `ResultCode` and
//!   `Yen` are replaced by the crate's own types.
//! - `enums.rs`: every string enum of the spec with an `Unknown(String)`
//!   catch-all, and `ResultCode` with all codes and descriptions.
//! - `validate.rs`: the constraints and `x-rules` of every request schema as
//!   `const` tables of `veritrans_core::constraint` (data only; its one
//!   validator checks them and `pop_proto::validate` words the findings).
//! - `notification.rs`: which schema a notification's `payment_type` and
//!   `result_type` select, and the parameter names each schema knows.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, bail};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use crate::codegen::{GeneratedFile, Generator};
use crate::core::constraint;
use crate::core::model::{Document as Doc, Operation, Schema};
use crate::core::names::screaming;
use crate::core::open_enum::{OpenEnum, Variant};
use crate::core::rust;
use crate::core::spec;
use crate::core::tokens::{doc as doc_attr, opt};

const SPEC: &str = "specs/pop/1.8.1/openapi.yaml";
const OUT: &str = "crates/pop-proto/src/generated";

/// Schemas replaced by hand-written types of the runtime crate.
const HAND_WRITTEN: &[(&str, &str)] = &[("Yen", "crate::Yen")];

/// The POP entry of `codegen::GENERATORS`.
pub const GENERATOR: Generator = Generator {
    name: "pop",
    run: generate,
};

pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    let text =
        std::fs::read_to_string(root.join(SPEC)).with_context(|| format!("reading {SPEC}"))?;
    generate_from_str(&text)
}

fn generate_from_str(text: &str) -> anyhow::Result<Vec<GeneratedFile>> {
    let mut raw: Value = spec::parse(text).context("parsing the POP spec")?;
    flatten_all_of(&mut raw)?;
    let doc: Doc = serde_yaml::from_value(raw.clone()).context("reading the POP spec")?;
    let types = types(&raw, &doc)?;
    let spec = Spec::read(&doc, &raw)?;
    let files = vec![
        GeneratedFile::rust(format!("{OUT}/types.rs"), SPEC, &types),
        GeneratedFile::rust(format!("{OUT}/enums.rs"), SPEC, &enums(&spec)?),
        GeneratedFile::rust(format!("{OUT}/validate.rs"), SPEC, &validation(&spec)?),
        GeneratedFile::rust(
            format!("{OUT}/notification.rs"),
            SPEC,
            &notifications(&doc)?,
        ),
        GeneratedFile::rust(format!("{OUT}/endpoints.rs"), SPEC, &endpoints(&doc)?),
    ];
    Ok(files)
}

// ------------------------------------------------------------------ reading

/// Merges `allOf` lists of object schemas into one object schema, so typify
/// emits flat structs and the other generators see every property directly.
fn flatten_all_of(doc: &mut Value) -> anyhow::Result<()> {
    let schemas = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
        .context("spec has no components.schemas")?;
    let originals = schemas.clone();
    for (_, schema) in schemas.iter_mut() {
        let Some(parts) = schema.get("allOf").and_then(Value::as_sequence).cloned() else {
            continue;
        };
        let mut properties = Mapping::new();
        let mut required: Vec<Value> = Vec::new();
        for part in &parts {
            let part = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => originals
                    .get(spec::ref_name(r)?)
                    .with_context(|| format!("allOf refers to unknown schema {r}"))?,
                None => part,
            };
            if let Some(props) = part.get("properties").and_then(Value::as_mapping) {
                properties.extend(props.clone());
            }
            for r in part
                .get("required")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
        }
        let Some(map) = schema.as_mapping_mut() else {
            continue;
        };
        map.remove("allOf");
        map.insert("type".into(), "object".into());
        if !required.is_empty() {
            map.insert("required".into(), Value::Sequence(required));
        }
        map.insert("properties".into(), Value::Mapping(properties));
    }
    Ok(())
}

/// A checked property of a request object.
#[derive(Clone)]
struct Prop {
    json: String,
    required: bool,
    kind: PropKind,
    code: Option<String>,
    schema: Schema,
}

#[derive(Clone)]
enum PropKind {
    Str,
    Int,
    Bool,
    /// An open enum, by schema name.
    Enum(String),
    /// A nested object, by schema name.
    Object(String),
    EnumArray(String),
    ObjectArray(String),
}

struct ObjectDef {
    name: String,
    props: Vec<Prop>,
    rules: Vec<CrossRule>,
}

/// An `x-rules` entry: a rule across the properties of one object.
#[derive(Deserialize)]
struct CrossRule {
    rule: String,
    #[serde(rename = "x-resultCode")]
    code: String,
    #[serde(default)]
    fields: Vec<String>,
    field: Option<String>,
    requires: Option<String>,
    when: Option<String>,
    equals: Option<bool>,
    total: Option<String>,
    items: Option<String>,
    plus: Option<String>,
    price: Option<String>,
    quantity: Option<String>,
}

struct Spec {
    enums: Vec<OpenEnum>,
    objects: Vec<ObjectDef>,
    /// Objects reachable from request bodies, top-level ones first.
    request_roots: Vec<String>,
    result_codes: Vec<(String, String, String)>, // code, phase, description
}

impl Spec {
    fn read(doc: &Doc, raw: &Value) -> anyhow::Result<Self> {
        let all = &doc.components.schemas;
        let mut enums = Vec::new();
        for (name, schema) in all.iter() {
            if let Some(open) = OpenEnum::from_schema(name, schema)? {
                if open.variants.iter().any(|v| v.description.is_none()) {
                    bail!("{name}: the guide describes every value: x-enumDescriptions");
                }
                enums.push(open);
            }
        }

        #[derive(Deserialize)]
        struct Row {
            code: String,
            phase: String,
            description: String,
        }
        let rows: Vec<Row> = all
            .get("ResultCode")
            .context("no ResultCode schema")?
            .ext
            .get("x-resultCodes")?
            .context("ResultCode has no x-resultCodes")?;
        let result_codes = rows
            .into_iter()
            .map(|r| (r.code, r.phase, r.description))
            .collect();

        let mut request_roots = Vec::new();
        for (_, item) in doc.paths.iter() {
            let body = item
                .post
                .request_body
                .as_ref()
                .and_then(|b| b.json_schema());
            let body = body.context("every POP operation has a JSON request body schema")?;
            request_roots.push(body.to_string());
        }

        let enum_names: BTreeSet<&str> = enums.iter().map(|e| e.name.as_str()).collect();
        let schema_code = |name: &str| all.get(name)?.ext.str("x-resultCode").map(str::to_string);
        let mut objects: Vec<ObjectDef> = Vec::new();
        let mut queue = request_roots.clone();
        while let Some(name) = queue.pop() {
            if objects.iter().any(|o| o.name == name) {
                continue;
            }
            let schema = all
                .get(&name)
                .with_context(|| format!("unknown schema {name}"))?;
            let mut props = Vec::new();
            for (json, p) in schema.properties.iter() {
                let (kind, inherited_code) = match (p.ref_name(), p.ty.as_deref()) {
                    (Some(r), _) if enum_names.contains(r) => {
                        (PropKind::Enum(r.into()), schema_code(r))
                    }
                    (Some(r), _) => {
                        queue.push(r.into());
                        (PropKind::Object(r.into()), None)
                    }
                    (None, Some("string")) => (PropKind::Str, None),
                    (None, Some("integer")) => (PropKind::Int, None),
                    (None, Some("boolean")) => (PropKind::Bool, None),
                    (None, Some("array")) => {
                        let item = p.items.as_ref().and_then(|i| i.ref_name());
                        let item = item.with_context(|| {
                            format!("{name}.{json}: array items must be a $ref")
                        })?;
                        if enum_names.contains(item) {
                            (PropKind::EnumArray(item.into()), schema_code(item))
                        } else {
                            queue.push(item.into());
                            (PropKind::ObjectArray(item.into()), None)
                        }
                    }
                    _ => bail!("{name}.{json}: unsupported property schema"),
                };
                let code = p
                    .ext
                    .str("x-resultCode")
                    .map(str::to_string)
                    .or(inherited_code);
                let needs_code = !matches!(kind, PropKind::Object(_) | PropKind::ObjectArray(_));
                if needs_code && code.is_none() {
                    bail!("{name}.{json}: request property without x-resultCode");
                }
                props.push(Prop {
                    required: schema.required.contains(json),
                    json: json.clone(),
                    kind,
                    code,
                    schema: p.clone(),
                });
            }
            let rules = schema.ext.get("x-rules")?.unwrap_or_default();
            objects.push(ObjectDef { name, props, rules });
        }
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        let spec = Spec {
            enums,
            objects,
            request_roots,
            result_codes,
        };
        spec.check_codes(raw)?;
        Ok(spec)
    }

    /// Every `x-resultCode` in the spec must be one of the listed codes.
    fn check_codes(&self, doc: &Value) -> anyhow::Result<()> {
        fn walk(v: &Value, known: &BTreeSet<&str>, path: &str) -> anyhow::Result<()> {
            match v {
                Value::Mapping(m) => {
                    for (k, v) in m {
                        let key = k.as_str().unwrap_or_default();
                        if matches!(key, "x-resultCode" | "x-uniqueResultCode") {
                            let code = v.as_str().unwrap_or_default();
                            if !known.contains(code) {
                                bail!(
                                    "{path}.{key}: `{code}` is not in ResultCode's x-resultCodes"
                                );
                            }
                        }
                        walk(v, known, &format!("{path}.{key}"))?;
                    }
                }
                Value::Sequence(s) => {
                    for (i, v) in s.iter().enumerate() {
                        walk(v, known, &format!("{path}[{i}]"))?;
                    }
                }
                _ => {}
            }
            Ok(())
        }
        let known: BTreeSet<&str> = self.result_codes.iter().map(|c| c.0.as_str()).collect();
        spec::unique("ResultCode", self.result_codes.iter().map(|c| c.0.as_str()))?;
        walk(doc, &known, "")
    }

    /// The wire values of the open enum `name`.
    fn known(&self, name: &str) -> anyhow::Result<Vec<&str>> {
        let e = self.enums.iter().find(|e| e.name == name);
        let e = e.with_context(|| format!("unknown enum {name}"))?;
        Ok(e.variants.iter().map(|v| v.wire.as_str()).collect())
    }

    fn object(&self, name: &str) -> anyhow::Result<&ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name == name)
            .with_context(|| format!("unknown object {name}"))
    }
}

// -------------------------------------------------------------------- types

/// The document typify sees: no constraints (they are enforced by the
/// generated validation on requests only), no defaults (an unset optional
/// stays unsent), no extensions, no callbacks, no notification union.
fn typify_view(doc: &Value) -> anyhow::Result<Value> {
    const STRIP: &[&str] = &[
        "maxLength",
        "minLength",
        "pattern",
        "minimum",
        "maximum",
        "uniqueItems",
        "minItems",
        "maxItems",
        "default",
    ];
    fn strip(v: &mut Value, in_properties: bool) {
        match v {
            Value::Mapping(m) => {
                if !in_properties {
                    m.retain(|k, _| {
                        let k = k.as_str().unwrap_or_default();
                        !(k.starts_with("x-") || STRIP.contains(&k) || k == "callbacks")
                    });
                }
                for (k, v) in m.iter_mut() {
                    strip(v, !in_properties && k.as_str() == Some("properties"));
                }
            }
            Value::Sequence(s) => s.iter_mut().for_each(|v| strip(v, false)),
            _ => {}
        }
    }
    let mut view = doc.clone();
    strip(&mut view, false);
    if let Some(s) = view
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    {
        s.remove("Notification");
        s.remove("NotificationCommon");
    }
    Ok(view)
}

/// typify output, with every string enum (and `ResultCode`) replaced by
/// the open enums of `enums.rs` and `Yen` by the crate's own type.
fn types(raw: &Value, doc: &Doc) -> anyhow::Result<String> {
    let enums = doc.components.schemas.iter();
    let enums = enums
        .filter(|(_, schema)| schema.enumeration.is_some())
        .map(|(name, _)| name.as_str())
        .chain(["ResultCode"])
        .map(|name| (name, format!("crate::generated::enums::{name}")));
    let hand_written = HAND_WRITTEN.iter().map(|(s, p)| (*s, p.to_string()));
    let settings = rust::settings(&["PartialEq"], enums.chain(hand_written));
    rust::types(typify_view(raw)?, &settings)
}

// -------------------------------------------------------------------- enums

fn enums(spec: &Spec) -> anyhow::Result<String> {
    let mut out = TokenStream::new();
    for e in &spec.enums {
        out.extend(e.emit());
    }
    let codes = OpenEnum::new(
        "ResultCode",
        "A four-character POP result code (`R000` is success), with the guide's description.",
        spec.result_codes
            .iter()
            .map(|(code, _, description)| Variant {
                ident: code.clone(),
                wire: code.clone(),
                description: Some(description.clone()),
                note: None,
            }),
    );
    let phase = codes.method(
        "Where the guide lists the code: `common`, `merchant-server`\n\
         (payment key / link / account management requests), `client`\n\
         (POP client, reported by redirects and pushes), or both.",
        "phase",
        quote!(Option<&'static str>),
        spec.result_codes.iter().map(|(_, p, _)| opt(Some(p))),
        quote!(None),
    );
    out.extend(codes.emit());
    out.extend(quote!(impl ResultCode { #phase }));
    rust::format(out)
}

// --------------------------------------------------------------- validation

fn code_ident(code: &str) -> TokenStream {
    let id = format_ident!("{}", code);
    quote! { ResultCode::#id }
}

/// The name of the generated constraint table of an object schema.
fn object_ident(object: &str) -> proc_macro2::Ident {
    format_ident!("{}", screaming(object))
}

/// The constraint tables of every request object (`veritrans_core::constraint`),
/// named after their schemas, and the request bodies they check: data only.
fn validation(spec: &Spec) -> anyhow::Result<String> {
    let mut tables = TokenStream::new();
    for object in &spec.objects {
        let what = |p: &str| format!("{}.{p}", object.name);
        let fields = object
            .props
            .iter()
            .map(|p| field_row(spec, p).with_context(|| what(&p.json)));
        let fields = fields.collect::<anyhow::Result<Vec<_>>>()?;
        let rules = object
            .rules
            .iter()
            .map(|r| cross_rule(spec, object, r).with_context(|| what(&r.rule)));
        let rules = rules.collect::<anyhow::Result<Vec<_>>>()?;
        let (ident, name) = (object_ident(&object.name), object.name.as_str());
        let doc = format!("The constraints of `{name}`.");
        tables.extend(quote! {
            #[doc = #doc]
            const #ident: &Object<ResultCode> = &Object { name: #name, fields: &[ #(#fields),* ], rules: &[ #(#rules),* ] };
        });
    }
    let imports = constraint::imports();
    let roots = spec.request_roots.iter().map(|r| format_ident!("{r}"));
    let tables_of = spec.request_roots.iter().map(|r| object_ident(r));
    rust::format(quote! {
        use crate::generated::enums::ResultCode;
        use crate::generated::types;
        #imports

        /// The request bodies of the operations, with their constraints.
        pub(crate) trait RequestBody: serde::Serialize + serde::de::DeserializeOwned {
            /// The constraints of the body.
            const CONSTRAINTS: &'static Object<ResultCode>;
        }
        #( impl RequestBody for types::#roots { const CONSTRAINTS: &'static Object<ResultCode> = #tables_of; } )*
        #tables
    })
}

/// The table row of one property.
fn field_row(spec: &Spec, p: &Prop) -> anyhow::Result<TokenStream> {
    let s = &p.schema;
    let unique = || match s.ext.str("x-uniqueResultCode") {
        Some(c) => Ok(Some(code_ident(c))),
        None if s.unique_items => bail!("uniqueItems without x-uniqueResultCode"),
        None => Ok(None),
    };
    let check = match &p.kind {
        PropKind::Str => {
            let text = constraint::text(s)?;
            quote! { Check::Text(#text) }
        }
        PropKind::Int => {
            let (min, max) = (
                opt(s.minimum.map(Literal::i64_unsuffixed)),
                opt(s.maximum.map(Literal::i64_unsuffixed)),
            );
            quote! { Check::Integer { min: #min, max: #max } }
        }
        PropKind::Bool => quote! { Check::Boolean },
        PropKind::Enum(e) => {
            let known = spec.known(e)?;
            quote! { Check::Known(&[ #(#known),* ]) }
        }
        PropKind::Object(o) => {
            let o = object_ident(o);
            quote! { Check::Object(#o) }
        }
        PropKind::EnumArray(e) => {
            let (known, unique) = (spec.known(e)?, opt(unique()?));
            quote! { Check::KnownList { known: &[ #(#known),* ], unique: #unique } }
        }
        PropKind::ObjectArray(item) => {
            let by = match (s.ext.str("x-uniqueBy"), unique()?) {
                (Some(by), Some(code)) => {
                    prop(spec.object(item)?, by)?;
                    quote! { Some((#by, #code)) }
                }
                _ => quote! { None },
            };
            let item = object_ident(item);
            quote! { Check::ObjectList { item: #item, unique_by: #by } }
        }
    };
    let (name, required, code) = (&p.json, p.required, opt(p.code.as_deref().map(code_ident)));
    Ok(quote! { Field { name: #name, required: #required, code: #code, check: #check } })
}

fn prop<'a>(object: &'a ObjectDef, json: &str) -> anyhow::Result<&'a Prop> {
    object
        .props
        .iter()
        .find(|p| p.json == json)
        .with_context(|| format!("{}: no property {json}", object.name))
}

/// The property an `x-rules` entry names under `key`.
fn named<'a>(object: &'a ObjectDef, name: Option<&String>, key: &str) -> anyhow::Result<&'a Prop> {
    prop(object, name.with_context(|| format!("without {key}"))?)
}

/// The `CrossRule` row of an `x-rules` entry, its fields checked against the object.
fn cross_rule(spec: &Spec, object: &ObjectDef, rule: &CrossRule) -> anyhow::Result<TokenStream> {
    let code = code_ident(&rule.code);
    let field = |name: Option<&String>, key: &str| named(object, name, key);
    let ints = |props: &[&Prop]| {
        let bad = props.iter().find(|p| !matches!(p.kind, PropKind::Int));
        bad.map_or(Ok(()), |p| bail!("{} is not an integer", p.json))
    };
    Ok(match rule.rule.as_str() {
        "exclusive" => {
            let [first, second] = rule.fields.as_slice() else {
                bail!("exclusive rule needs two fields")
            };
            let (first, second) = (
                &field(Some(first), "fields")?.json,
                &field(Some(second), "fields")?.json,
            );
            quote! { CrossRule::Exclusive { first: #first, second: #second, code: #code } }
        }
        "requires" => {
            let f = &field(rule.field.as_ref(), "field")?.json;
            let requires = &field(rule.requires.as_ref(), "requires")?.json;
            quote! { CrossRule::Requires { field: #f, requires: #requires, code: #code } }
        }
        "forbidden-when" => {
            let f = &field(rule.field.as_ref(), "field")?.json;
            let when = field(rule.when.as_ref(), "when")?;
            anyhow::ensure!(
                matches!(when.kind, PropKind::Bool),
                "{} is not a boolean",
                when.json
            );
            let (when, equals) = (
                &when.json,
                rule.equals
                    .context("forbidden-when compares with a boolean")?,
            );
            quote! { CrossRule::ForbiddenWhen { field: #f, when: #when, equals: #equals, code: #code } }
        }
        "sum" => {
            let (total, plus) = (
                field(rule.total.as_ref(), "total")?,
                field(rule.plus.as_ref(), "plus")?,
            );
            let items = field(rule.items.as_ref(), "items")?;
            let PropKind::ObjectArray(item) = &items.kind else {
                bail!("sum items must be an array of objects")
            };
            let item = spec.object(item)?;
            let price = named(item, rule.price.as_ref(), "price")?;
            let quantity = named(item, rule.quantity.as_ref(), "quantity")?;
            ints(&[total, plus, price, quantity])?;
            anyhow::ensure!(
                price.required && quantity.required,
                "price and quantity must be required"
            );
            let (total, plus, items, price, quantity) = (
                &total.json,
                &plus.json,
                &items.json,
                &price.json,
                &quantity.json,
            );
            quote! {
                CrossRule::Sum { total: #total, items: #items, plus: #plus, price: #price, quantity: #quantity, code: #code }
            }
        }
        other => bail!("unknown x-rules kind {other}"),
    })
}

// ---------------------------------------------------------------- endpoints

/// The server URL and one path constant per operation (named after its
/// `operationId`), so the client never spells a URL itself.
fn endpoints(doc: &Doc) -> anyhow::Result<String> {
    let server = &doc
        .servers
        .first()
        .context("spec has no servers[0].url")?
        .url;
    let mut out = quote! {
        /// The POP server (live and test: test requests set `dummy`).
        pub const BASE_URL: &str = #server;
    };
    for (path, item) in doc.paths.iter() {
        let op = &item.post;
        let id = op
            .operation_id
            .as_deref()
            .context("operation without operationId")?;
        let konst = format_ident!("{}_PATH", id.trim_start_matches("create_").to_uppercase());
        let d = doc_attr(&format!("`POST {path}`: {}", op.summary));
        out.extend(quote! { #d pub const #konst: &str = #path; });
    }
    out.extend(media_types(doc)?);
    rust::format(out)
}

/// The media types of the key requests and of the two notifications (the spec's
/// `requestBody.content` keys, each one for all operations), so no code writes them.
fn media_types(doc: &Doc) -> anyhow::Result<TokenStream> {
    fn one<'a>(set: &BTreeSet<&'a String>, what: &str) -> anyhow::Result<&'a String> {
        match set.iter().collect::<Vec<_>>().as_slice() {
            [only] => Ok(only),
            other => bail!("{what}: expected one media type, found {other:?}"),
        }
    }
    fn keys(op: &Operation) -> impl Iterator<Item = &String> {
        op.request_body
            .iter()
            .flat_map(|b| b.content.iter().map(|(k, _)| k))
    }
    let (mut request, mut redirect, mut push) = Default::default();
    for (_, item) in doc.paths.iter() {
        let op = &item.post;
        BTreeSet::extend(&mut request, keys(op));
        for (name, callback) in op.callbacks.iter() {
            let into: &mut BTreeSet<&String> = match name.as_str() {
                "redirect" => &mut redirect,
                "push" => &mut push,
                other => bail!("unknown callback {other:?}"),
            };
            for (_, expression) in callback.iter() {
                into.extend(keys(&expression.post));
            }
        }
    }
    let (request, redirect, push) = (
        one(&request, "requests")?,
        one(&redirect, "redirect callback")?,
        one(&push, "push callback")?,
    );
    Ok(quote! {
        /// Media type (`Content-Type`) of every key request.
        pub const REQUEST_MEDIA_TYPE: &str = #request;
        /// Media type of a redirect: the form the browser POSTs to the merchant's URL.
        pub const REDIRECT_MEDIA_TYPE: &str = #redirect;
        /// Media type of a push to `push_url`.
        pub const PUSH_MEDIA_TYPE: &str = #push;
    })
}

// ------------------------------------------------------------ notifications

fn notifications(doc: &Doc) -> anyhow::Result<String> {
    /// An `x-notificationKinds` row.
    #[derive(Deserialize)]
    struct KindRow {
        payment_type: Option<String>,
        result_type: Option<String>,
        variant: String,
        schema: String,
    }
    let all = &doc.components.schemas;
    let union = all.get("Notification").context("no Notification schema")?;
    let kinds: Vec<KindRow> = union
        .ext
        .get("x-notificationKinds")?
        .context("Notification has no x-notificationKinds")?;

    let mut variants: Vec<(String, String)> = Vec::new();
    let mut arms = Vec::new();
    for KindRow {
        payment_type,
        result_type,
        variant,
        schema,
    } in kinds
    {
        let (pt, rt) = (opt(payment_type), opt(result_type));
        let v = format_ident!("{}", variant);
        arms.push(quote! { (#pt, #rt) => Some(Kind::#v), });
        match variants.iter().find(|(v, _)| *v == variant) {
            Some((_, s)) if *s != schema => bail!("variant {variant} maps to two schemas"),
            Some(_) => {}
            None => variants.push((variant, schema)),
        }
    }

    let mut field_consts = TokenStream::new();
    let (mut vs, mut tys, mut consts, mut docs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (variant, schema) in &variants {
        let s = all
            .get(schema.as_str())
            .with_context(|| format!("unknown schema {schema}"))?;
        let konst = format_ident!("{}_FIELDS", screaming(schema));
        if !consts.contains(&konst) {
            let fields = s.properties.iter().map(|(name, p)| {
                let boolean = p.ty.as_deref() == Some("boolean");
                quote! { Field { name: #name, boolean: #boolean } }
            });
            let d = format!(
                "The parameters `{schema}` knows; anything else is kept as an extra parameter."
            );
            field_consts.extend(
                quote! { #[doc = #d] pub(crate) const #konst: &[Field] = &[ #( #fields ),* ]; },
            );
        }
        vs.push(format_ident!("{variant}"));
        tys.push(format_ident!("{schema}"));
        consts.push(konst);
        docs.push(doc_attr(s.description.as_deref().unwrap_or_default()));
    }

    let out = quote! {
        use crate::generated::types;

        /// A parameter a notification schema knows.
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct Field {
            pub(crate) name: &'static str,
            /// Sent as `true`/`false`: a boolean in a push, text in a redirect.
            pub(crate) boolean: bool,
        }

        #field_consts

        /// Which kind of notification a `payment_type` / `result_type` pair is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind { #( #docs #vs, )* }

        impl Kind {
            /// The kind selected by `payment_type` and `result_type`; `None` for a
            /// combination the guide does not describe.
            pub fn select(payment_type: Option<&str>, result_type: Option<&str>) -> Option<Self> {
                match (payment_type, result_type) {
                    #( #arms )*
                    _ => None,
                }
            }

            /// The parameters this kind knows.
            pub(crate) fn fields(self) -> &'static [Field] {
                match self { #( Kind::#vs => #consts, )* }
            }
        }

        /// A verified notification, by payment type and phase.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Notification { #( #docs #vs(types::#tys), )* }

        impl Notification {
            /// The kind of this notification.
            pub fn kind(&self) -> Kind {
                match self { #( Notification::#vs(_) => Kind::#vs, )* }
            }

            /// The notification of `kind` from any serde deserializer (a verified
            /// parameter list), without tracking where a failure happened: the
            /// fast path, for input that is almost always well formed.
            pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(kind: Kind, deserializer: D) -> Result<Self, D::Error> {
                Ok(match kind { #( Kind::#vs => Notification::#vs(serde::Deserialize::deserialize(deserializer)?), )* })
            }

            /// As [`Notification::deserialize`], with the path of a failure (the
            /// same input fails the same way, now saying where).
            pub(crate) fn deserialize_tracked<'de, D: serde::Deserializer<'de>>(kind: Kind, deserializer: D) -> Result<Self, serde_path_to_error::Error<D::Error>> {
                Ok(match kind { #( Kind::#vs => Notification::#vs(serde_path_to_error::deserialize(deserializer)?), )* })
            }
        }
    };
    rust::format(out)
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
        let mut raw: Value = serde_yaml::from_str(&spec_text()).unwrap();
        flatten_all_of(&mut raw).unwrap();
        let doc: Doc = serde_yaml::from_value(raw.clone()).unwrap();
        let spec = Spec::read(&doc, &raw).unwrap();
        assert_eq!(spec.result_codes.len(), 70);
    }

    #[test]
    fn an_unknown_result_code_in_a_constraint_is_refused() {
        let text = spec_text().replace("x-resultCode: RC01", "x-resultCode: RC99");
        let err = generate_from_str(&text).unwrap_err();
        assert!(format!("{err:#}").contains("RC99"), "{err:#}");
    }

    #[test]
    fn a_request_property_without_result_code_is_refused() {
        let text = spec_text().replace("          x-resultCode: RC14\n", "");
        let err = generate_from_str(&text).unwrap_err();
        assert!(
            format!("{err:#}").contains("without x-resultCode"),
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
        flatten_all_of(&mut doc).unwrap();
        let doc: Doc = serde_yaml::from_value(doc).unwrap();
        let paid = doc.components.schemas.get("BankPaidNotification").unwrap();
        let required = &paid.required;
        assert!(required.contains(&"signature".into()));
        assert!(required.contains(&"transaction_datetime".into()));
        assert!(paid.properties.get("company_code").is_some());
    }
}
