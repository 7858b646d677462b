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
//!   checks that report the field path, the rule and the result code.
//! - `notification.rs`: which schema a notification's `payment_type` and
//!   `result_type` select, and the parameter names each schema knows.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, bail};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_yaml::{Mapping, Value};

use crate::codegen::{GeneratedFile, Generator};
use crate::core::names::screaming;
use crate::core::open_enum::{OpenEnum, Variant};
use crate::core::rust::{self, FieldNames};
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
    let mut doc: Value = spec::parse(text).context("parsing the POP spec")?;
    flatten_all_of(&mut doc)?;
    let types = types(&doc)?;
    let spec = Spec::read(&doc, &rust::field_names(&types)?)?;
    let files = vec![
        GeneratedFile::rust(format!("{OUT}/types.rs"), SPEC, &types),
        GeneratedFile::rust(format!("{OUT}/enums.rs"), SPEC, &enums(&spec)?),
        GeneratedFile::rust(format!("{OUT}/validate.rs"), SPEC, &validation(&spec)?),
        GeneratedFile::rust(
            format!("{OUT}/notification.rs"),
            SPEC,
            &notifications(&doc, &spec)?,
        ),
        GeneratedFile::rust(format!("{OUT}/endpoints.rs"), SPEC, &endpoints(&doc)?),
    ];
    Ok(files)
}

// ------------------------------------------------------------------ reading

fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_mapping().and_then(|m| m.get(key))
}

fn get_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    get(v, key).and_then(Value::as_str)
}

fn get_i64(v: &Value, key: &str) -> Option<i64> {
    get(v, key).and_then(Value::as_i64)
}

fn schemas(doc: &Value) -> anyhow::Result<&Mapping> {
    get(doc, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
        .context("spec has no components.schemas")
}

fn ref_name(v: &Value) -> Option<&str> {
    get_str(v, "$ref").and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// Merges `allOf` lists of object schemas into one object schema, so typify
/// emits flat structs and the other generators see every property directly.
fn flatten_all_of(doc: &mut Value) -> anyhow::Result<()> {
    let originals = schemas(doc)?.clone();
    let Some(target) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    else {
        bail!("spec has no components.schemas");
    };
    for (_, schema) in target.iter_mut() {
        let Some(parts) = get(schema, "allOf").and_then(Value::as_sequence).cloned() else {
            continue;
        };
        let mut properties = Mapping::new();
        let mut required: Vec<Value> = Vec::new();
        for part in &parts {
            let part = match ref_name(part) {
                Some(name) => originals
                    .get(name)
                    .with_context(|| format!("allOf refers to unknown schema {name}"))?,
                None => part,
            };
            if let Some(props) = get(part, "properties").and_then(Value::as_mapping) {
                for (k, v) in props {
                    properties.insert(k.clone(), v.clone());
                }
            }
            for r in get(part, "required")
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
    rust: String,
    required: bool,
    kind: PropKind,
    code: Option<String>,
    schema: Value,
}

#[derive(Clone)]
enum PropKind {
    Str,
    Int,
    Bool,
    Enum,
    /// A nested object, by schema name.
    Object(String),
    EnumArray,
    ObjectArray(String),
}

struct ObjectDef {
    name: String,
    props: Vec<Prop>,
    rules: Vec<Value>,
}

struct Spec {
    enums: Vec<OpenEnum>,
    objects: Vec<ObjectDef>,
    /// Objects reachable from request bodies, top-level ones first.
    request_roots: Vec<String>,
    result_codes: Vec<(String, String, String)>, // code, phase, description
}

impl Spec {
    fn read(doc: &Value, names: &FieldNames) -> anyhow::Result<Self> {
        let all = schemas(doc)?;
        let mut enums = Vec::new();
        for (name, schema) in all {
            let name = name.as_str().context("schema name")?;
            let schema = serde_json::to_value(schema)?;
            if let Some(open) = OpenEnum::from_schema(name, &schema)? {
                if open.variants.iter().any(|v| v.description.is_none()) {
                    bail!("{name}: the guide describes every value: x-enumDescriptions");
                }
                enums.push(open);
            }
        }

        let codes = get(
            all.get("ResultCode").context("no ResultCode schema")?,
            "x-resultCodes",
        )
        .and_then(Value::as_sequence)
        .context("ResultCode has no x-resultCodes")?;
        let mut result_codes = Vec::new();
        for c in codes {
            let field = |k| {
                get_str(c, k)
                    .map(str::to_string)
                    .with_context(|| format!("result code without {k}"))
            };
            result_codes.push((field("code")?, field("phase")?, field("description")?));
        }

        let mut request_roots = Vec::new();
        for (_, item) in get(doc, "paths")
            .and_then(Value::as_mapping)
            .context("no paths")?
        {
            let body = get(item, "post")
                .and_then(|op| get(op, "requestBody"))
                .and_then(|b| get(b, "content"))
                .and_then(|c| get(c, "application/json"))
                .and_then(|j| get(j, "schema"))
                .and_then(ref_name)
                .context("every POP operation has a JSON request body schema")?;
            request_roots.push(body.to_string());
        }

        let enum_names: BTreeSet<&str> = enums.iter().map(|e| e.name.as_str()).collect();
        let mut objects: Vec<ObjectDef> = Vec::new();
        let mut queue = request_roots.clone();
        while let Some(name) = queue.pop() {
            if objects.iter().any(|o| o.name == name) {
                continue;
            }
            let schema = all
                .get(name.as_str())
                .with_context(|| format!("unknown schema {name}"))?;
            let required: Vec<&str> = get(schema, "required")
                .and_then(Value::as_sequence)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut props = Vec::new();
            for (json, p) in get(schema, "properties")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                let json = json.as_str().context("property name")?.to_string();
                let (kind, inherited_code) = match (ref_name(p), get_str(p, "type")) {
                    (Some(r), _) if enum_names.contains(r) => (PropKind::Enum, schema_code(all, r)),
                    (Some(r), _) => {
                        queue.push(r.into());
                        (PropKind::Object(r.into()), None)
                    }
                    (None, Some("string")) => (PropKind::Str, None),
                    (None, Some("integer")) => (PropKind::Int, None),
                    (None, Some("boolean")) => (PropKind::Bool, None),
                    (None, Some("array")) => {
                        let item = get(p, "items").and_then(ref_name).with_context(|| {
                            format!("{name}.{json}: array items must be a $ref")
                        })?;
                        if enum_names.contains(item) {
                            (PropKind::EnumArray, schema_code(all, item))
                        } else {
                            queue.push(item.into());
                            (PropKind::ObjectArray(item.into()), None)
                        }
                    }
                    _ => bail!("{name}.{json}: unsupported property schema"),
                };
                let code = get_str(p, "x-resultCode")
                    .map(str::to_string)
                    .or(inherited_code);
                let needs_code = !matches!(kind, PropKind::Object(_) | PropKind::ObjectArray(_));
                if needs_code && code.is_none() {
                    bail!("{name}.{json}: request property without x-resultCode");
                }
                props.push(Prop {
                    rust: names
                        .get(&(name.clone(), json.clone()))
                        .with_context(|| format!("typify made no field for {name}.{json}"))?
                        .clone(),
                    required: required.contains(&json.as_str()),
                    json,
                    kind,
                    code,
                    schema: p.clone(),
                });
            }
            let rules = get(schema, "x-rules")
                .and_then(Value::as_sequence)
                .cloned()
                .unwrap_or_default();
            objects.push(ObjectDef { name, props, rules });
        }
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        let spec = Spec {
            enums,
            objects,
            request_roots,
            result_codes,
        };
        spec.check_codes(doc)?;
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
        if known.len() != self.result_codes.len() {
            bail!("ResultCode lists a code twice");
        }
        walk(doc, &known, "")
    }

    fn object(&self, name: &str) -> anyhow::Result<&ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name == name)
            .with_context(|| format!("unknown object {name}"))
    }
}

fn schema_code(all: &Mapping, name: &str) -> Option<String> {
    all.get(name)
        .and_then(|s| get_str(s, "x-resultCode"))
        .map(str::to_string)
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
fn types(doc: &Value) -> anyhow::Result<String> {
    let enums = schemas(doc)?
        .iter()
        .filter(|(_, schema)| get(schema, "enum").is_some())
        .filter_map(|(name, _)| name.as_str())
        .chain(["ResultCode"])
        .map(|name| (name, format!("crate::generated::enums::{name}")));
    let hand_written = HAND_WRITTEN.iter().map(|(s, p)| (*s, p.to_string()));
    let settings = rust::settings(&["PartialEq"], enums.chain(hand_written));
    rust::types(typify_view(doc)?, &settings)
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

/// Compiles a `^[class]+$` / `^[class]*$` pattern into a `char` predicate
/// body and the minimum length the quantifier implies.
fn compile_pattern(pattern: &str) -> anyhow::Result<(TokenStream, usize)> {
    let (body, min) = if let Some(b) = pattern
        .strip_prefix("^[")
        .and_then(|p| p.strip_suffix("]+$"))
    {
        (b, 1)
    } else if let Some(b) = pattern
        .strip_prefix("^[")
        .and_then(|p| p.strip_suffix("]*$"))
    {
        (b, 0)
    } else {
        bail!("pattern `{pattern}` is not a single character class with + or *");
    };
    let (negated, body) = match body.strip_prefix('^') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let mut chars = Vec::new();
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        let c = if c == '\\' {
            let kind = it.next().context("dangling escape")?;
            let digits = match kind {
                'x' => 2,
                'u' => 4,
                other => {
                    chars.push(other);
                    continue;
                }
            };
            let hex: String = (0..digits).filter_map(|_| it.next()).collect();
            char::from_u32(u32::from_str_radix(&hex, 16)?)
                .with_context(|| format!("bad escape in `{pattern}`"))?
        } else {
            c
        };
        chars.push(c);
    }
    let mut arms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // A '-' between two characters is a range; at either end it is literal.
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            let (a, b) = (
                Literal::character(chars[i]),
                Literal::character(chars[i + 2]),
            );
            arms.push(quote! { #a..=#b });
            i += 3;
        } else {
            let a = Literal::character(chars[i]);
            arms.push(quote! { #a });
            i += 1;
        }
    }
    let test = quote! { matches!(c, #( #arms )|*) };
    Ok((
        if negated {
            quote! { !#test }
        } else {
            test
        },
        min,
    ))
}

fn code_ident(code: &str) -> TokenStream {
    let id = format_ident!("{}", code);
    quote! { ResultCode::#id }
}

/// The name of the generated JSON-shape table of an object schema.
fn shape_ident(object: &str) -> proc_macro2::Ident {
    format_ident!("SHAPE_{}", screaming(object))
}

/// The JSON shape of every request object: which JSON type each property
/// has, whether it is required, and the result code the server answers when
/// the type is wrong (the property's own `x-resultCode`; none for nested
/// objects and lists of objects the guide gives no code).
fn shapes(spec: &Spec) -> TokenStream {
    let mut out = TokenStream::new();
    for object in &spec.objects {
        let ident = shape_ident(&object.name);
        let fields = object.props.iter().map(|p| {
            let name = p.json.as_str();
            let required = p.required;
            let code = opt(p.code.as_deref().map(code_ident));
            let kind = match &p.kind {
                PropKind::Str | PropKind::Enum => quote! { JsonKind::String },
                PropKind::Int => quote! { JsonKind::Integer },
                PropKind::Bool => quote! { JsonKind::Boolean },
                PropKind::EnumArray => quote! { JsonKind::StringArray },
                PropKind::Object(item) => {
                    let s = shape_ident(item);
                    quote! { JsonKind::Object(#s) }
                }
                PropKind::ObjectArray(item) => {
                    let s = shape_ident(item);
                    quote! { JsonKind::ObjectArray(#s) }
                }
            };
            quote! { FieldShape { name: #name, kind: #kind, required: #required, code: #code } }
        });
        let doc = format!("The JSON shape of `{}`.", object.name);
        out.extend(quote! {
            #[doc = #doc]
            const #ident: &[FieldShape] = &[ #(#fields),* ];
        });
    }
    out
}

fn validation(spec: &Spec) -> anyhow::Result<String> {
    let mut consts = shapes(spec);
    let mut impls = TokenStream::new();
    for object in &spec.objects {
        let ty = format_ident!("{}", object.name);
        let mut body = TokenStream::new();
        for p in &object.props {
            if matches!(p.kind, PropKind::Bool) {
                // A typed bool cannot break a constraint; its code documents serde-level errors only.
                continue;
            }
            let field = format_ident!("{}", p.rust);
            let json = p.json.as_str();
            let code = p.code.as_deref().map(code_ident);
            let check = match &p.kind {
                PropKind::Str => {
                    let s = &p.schema;
                    let mut min = get_i64(s, "minLength").unwrap_or(0) as usize;
                    let max = get_i64(s, "maxLength").map(|v| v as usize);
                    let charset = match get_str(s, "pattern") {
                        Some(pattern) => {
                            let (test, pmin) = compile_pattern(pattern)?;
                            min = min.max(pmin);
                            let fname = format_ident!(
                                "charset_{}",
                                screaming(&format!("{}_{json}", object.name)).to_lowercase()
                            );
                            let name = get_str(s, "x-charset").with_context(|| {
                                format!("{}.{json}: pattern without x-charset", object.name)
                            })?;
                            consts.extend(quote! { fn #fname(c: char) -> bool { #test } });
                            quote! { Some(Charset { name: #name, pattern: #pattern, test: #fname }) }
                        }
                        None => quote! { None },
                    };
                    let format = match get_str(s, "x-format") {
                        Some("url") => quote! { Some(Format::Url) },
                        Some("email") => quote! { Some(Format::Email) },
                        Some("yyyymmdd") => quote! { Some(Format::Yyyymmdd) },
                        Some("hhmm") => quote! { Some(Format::Hhmm) },
                        Some(other) => bail!("{}.{json}: unknown x-format {other}", object.name),
                        None => quote! { None },
                    };
                    let max = opt(max);
                    let ahead = opt(get_i64(s, "x-maxDaysAhead").map(|v| v as u32));
                    let rules =
                        format_ident!("TEXT_{}", screaming(&format!("{}_{json}", object.name)));
                    consts.extend(quote! {
                        const #rules: TextRules = TextRules { min_len: #min, max_len: #max, charset: #charset, format: #format, max_days_ahead: #ahead, code: #code };
                    });
                    quote! { check_text(v, &#rules, cx, &p, out); }
                }
                PropKind::Int => {
                    let min = opt(get_i64(&p.schema, "minimum"));
                    let max = opt(get_i64(&p.schema, "maximum"));
                    quote! { check_int(*v, #min, #max, #code, &p, out); }
                }
                PropKind::Bool => continue,
                PropKind::Enum => quote! { check_enum(v.is_known(), #code, &p, out); },
                PropKind::Object(_) => quote! { v.collect(cx, &p, out); },
                PropKind::EnumArray => {
                    let unique = unique_check(p, quote! { v.iter().map(|x| x.as_str()) }, None)?;
                    quote! {
                        for (i, x) in v.iter().enumerate() {
                            check_enum(x.is_known(), #code, &index(&p, i), out);
                        }
                        #unique
                    }
                }
                PropKind::ObjectArray(item) => {
                    let by = get_str(&p.schema, "x-uniqueBy");
                    let unique = match by {
                        Some(by) => {
                            let item_def = spec.object(item)?;
                            let key = item_def.props.iter().find(|q| q.json == by).with_context(
                                || format!("x-uniqueBy {by} is not a property of {item}"),
                            )?;
                            let kf = format_ident!("{}", key.rust);
                            unique_check(p, quote! { v.iter().map(|x| x.#kf.as_str()) }, Some(by))?
                        }
                        None => TokenStream::new(),
                    };
                    quote! {
                        for (i, x) in v.iter().enumerate() {
                            x.collect(cx, &index(&p, i), out);
                        }
                        #unique
                    }
                }
            };
            let is_vec = matches!(p.kind, PropKind::EnumArray | PropKind::ObjectArray(_));
            body.extend(if p.required || is_vec {
                quote! { { let v = &self.#field; let p = join(path, #json); #check } }
            } else {
                quote! { if let Some(v) = &self.#field { let p = join(path, #json); #check } }
            });
        }
        for rule in &object.rules {
            body.extend(cross_rule(spec, object, rule)?);
        }
        let doc = format!("The constraints of `{}`.", object.name);
        impls.extend(quote! {
            #[doc = #doc]
            impl Collect for types::#ty {
                fn collect(&self, cx: &Context, path: &str, out: &mut Vec<Violation>) {
                    #body
                }
            }
        });
    }
    let roots: Vec<_> = spec
        .request_roots
        .iter()
        .map(|r| format_ident!("{}", r))
        .collect();
    let root_shapes: Vec<_> = spec.request_roots.iter().map(|r| shape_ident(r)).collect();
    let out = quote! {
        use crate::generated::enums::ResultCode;
        use crate::generated::types;
        use crate::validate::{check_enum, check_int, check_sum, check_text, check_unique, index, join, Charset, Collect, Context, FieldShape, Format, JsonKind, Rule, TextRules, Violation};

        /// The request bodies of the three operations, with their JSON shape.
        pub(crate) trait RequestBody: Collect + serde::de::DeserializeOwned {
            /// The properties of the body and their JSON types.
            const SHAPE: &'static [FieldShape];
        }
        #( impl RequestBody for types::#roots { const SHAPE: &'static [FieldShape] = #root_shapes; } )*

        #consts
        #impls
    };
    rust::format(out)
}

fn unique_check(p: &Prop, keys: TokenStream, by: Option<&str>) -> anyhow::Result<TokenStream> {
    let code = match get_str(&p.schema, "x-uniqueResultCode") {
        Some(c) => code_ident(c),
        None if get(&p.schema, "uniqueItems").and_then(Value::as_bool) == Some(true) => {
            bail!("{}: uniqueItems without x-uniqueResultCode", p.json)
        }
        None => return Ok(TokenStream::new()),
    };
    let by = opt(by);
    Ok(quote! { check_unique(#keys, #by, #code, &p, out); })
}

fn prop<'a>(object: &'a ObjectDef, json: &str) -> anyhow::Result<&'a Prop> {
    object
        .props
        .iter()
        .find(|p| p.json == json)
        .with_context(|| format!("x-rules of {}: no property {json}", object.name))
}

/// `true` when the property is present, as Rust code.
fn present(p: &Prop) -> TokenStream {
    let f = format_ident!("{}", p.rust);
    match (&p.kind, p.required) {
        (PropKind::EnumArray | PropKind::ObjectArray(_), _) => quote! { !self.#f.is_empty() },
        (_, true) => quote! { true },
        (_, false) => quote! { self.#f.is_some() },
    }
}

fn cross_rule(spec: &Spec, object: &ObjectDef, rule: &Value) -> anyhow::Result<TokenStream> {
    let kind = get_str(rule, "rule").context("x-rules entry without rule")?;
    let code =
        code_ident(get_str(rule, "x-resultCode").context("x-rules entry without x-resultCode")?);
    let s = |k: &str| {
        get_str(rule, k).with_context(|| format!("{} rule `{kind}` without {k}", object.name))
    };
    Ok(match kind {
        "exclusive" => {
            let fields: Vec<&str> = get(rule, "fields")
                .and_then(Value::as_sequence)
                .map(|f| f.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let [a, b] = fields.as_slice() else {
                bail!("exclusive rule needs two fields")
            };
            let (pa, pb) = (present(prop(object, a)?), present(prop(object, b)?));
            quote! {
                if #pa && #pb {
                    out.push(Violation::new(join(path, #b), Rule::Exclusive { with: #a }, #code));
                }
            }
        }
        "requires" => {
            let (field, requires) = (s("field")?, s("requires")?);
            let (pf, pr) = (
                present(prop(object, field)?),
                present(prop(object, requires)?),
            );
            quote! {
                if #pf && !(#pr) {
                    out.push(Violation::new(join(path, #field), Rule::Requires { field: #requires }, #code));
                }
            }
        }
        "forbidden-when" => {
            let (field, when) = (s("field")?, s("when")?);
            let equals = get(rule, "equals")
                .and_then(Value::as_bool)
                .context("forbidden-when compares with a boolean")?;
            let pf = present(prop(object, field)?);
            let wp = prop(object, when)?;
            let wf = format_ident!("{}", wp.rust);
            let cond = if wp.required {
                quote! { self.#wf == #equals }
            } else {
                quote! { self.#wf == Some(#equals) }
            };
            let shown = if equals { "true" } else { "false" };
            quote! {
                if #pf && #cond {
                    out.push(Violation::new(join(path, #field), Rule::ForbiddenWhen { field: #when, equals: #shown }, #code));
                }
            }
        }
        "sum" => {
            let total = prop(object, s("total")?)?;
            let items = prop(object, s("items")?)?;
            let plus = prop(object, s("plus")?)?;
            let PropKind::ObjectArray(item) = &items.kind else {
                bail!("sum items must be an array of objects")
            };
            let item = spec.object(item)?;
            let (tf, itf, pf) = (
                format_ident!("{}", total.rust),
                format_ident!("{}", items.rust),
                format_ident!("{}", plus.rust),
            );
            let (price, quantity) = (
                format_ident!("{}", prop(item, s("price")?)?.rust),
                format_ident!("{}", prop(item, s("quantity")?)?.rust),
            );
            let tj = total.json.as_str();
            let total_v = if total.required {
                quote! { Some(self.#tf) }
            } else {
                quote! { self.#tf }
            };
            let plus_v = if plus.required {
                quote! { Some(self.#pf) }
            } else {
                quote! { self.#pf }
            };
            quote! {
                if !self.#itf.is_empty() {
                    if let Some(total) = #total_v {
                        check_sum(total, self.#itf.iter().map(|x| (x.#price, x.#quantity)), #plus_v, #code, &join(path, #tj), out);
                    }
                }
            }
        }
        other => bail!("{}: unknown x-rules kind {other}", object.name),
    })
}

// ---------------------------------------------------------------- endpoints

/// The server URL and one path constant per operation (named after its
/// `operationId`), so the client never spells a URL itself.
fn endpoints(doc: &Value) -> anyhow::Result<String> {
    let server = get(doc, "servers")
        .and_then(Value::as_sequence)
        .and_then(|s| s.first())
        .and_then(|s| get_str(s, "url"))
        .context("spec has no servers[0].url")?;
    let mut out = quote! {
        /// The POP server (live and test: test requests set `dummy`).
        pub const BASE_URL: &str = #server;
    };
    for (path, item) in get(doc, "paths")
        .and_then(Value::as_mapping)
        .context("no paths")?
    {
        let path = path.as_str().context("path")?;
        let op = get(item, "post").context("POP operations are POSTs")?;
        let id = get_str(op, "operationId").context("operation without operationId")?;
        let konst = format_ident!("{}_PATH", id.trim_start_matches("create_").to_uppercase());
        let d = doc_attr(&format!(
            "`POST {path}`: {}",
            get_str(op, "summary").unwrap_or_default()
        ));
        out.extend(quote! { #d pub const #konst: &str = #path; });
    }
    out.extend(media_types(doc)?);
    rust::format(out)
}

/// The media types of the key requests and of the two notifications (the spec's
/// `requestBody.content` keys, each one for all operations), so no code writes them.
fn media_types(doc: &Value) -> anyhow::Result<TokenStream> {
    fn keys(body: Option<&Value>, into: &mut BTreeSet<String>) {
        let content = body
            .and_then(|b| get(b, "content"))
            .and_then(Value::as_mapping);
        into.extend(
            content
                .into_iter()
                .flatten()
                .filter_map(|(k, _)| k.as_str().map(String::from)),
        );
    }
    fn one(set: &BTreeSet<String>, what: &str) -> anyhow::Result<String> {
        match set.iter().collect::<Vec<_>>().as_slice() {
            [only] => Ok((*only).clone()),
            other => bail!("{what}: expected one media type, found {other:?}"),
        }
    }
    let (mut request, mut redirect, mut push) = Default::default();
    for (_, item) in get(doc, "paths")
        .and_then(Value::as_mapping)
        .context("no paths")?
    {
        let op = get(item, "post").context("POP operations are POSTs")?;
        keys(get(op, "requestBody"), &mut request);
        for (name, callback) in get(op, "callbacks")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            let into = match name.as_str() {
                Some("redirect") => &mut redirect,
                Some("push") => &mut push,
                other => bail!("unknown callback {other:?}"),
            };
            for (_, expression) in callback.as_mapping().into_iter().flatten() {
                keys(
                    get(expression, "post").and_then(|p| get(p, "requestBody")),
                    into,
                );
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

fn notifications(doc: &Value, _spec: &Spec) -> anyhow::Result<String> {
    let all = schemas(doc)?;
    let union = all.get("Notification").context("no Notification schema")?;
    let kinds = get(union, "x-notificationKinds")
        .and_then(Value::as_sequence)
        .context("Notification has no x-notificationKinds")?;

    let mut variants: Vec<(String, String)> = Vec::new();
    let mut arms = Vec::new();
    for k in kinds {
        let variant = get_str(k, "variant")
            .context("kind without variant")?
            .to_string();
        let schema = get_str(k, "schema")
            .context("kind without schema")?
            .to_string();
        let pt = opt(get_str(k, "payment_type"));
        let rt = opt(get_str(k, "result_type"));
        let v = format_ident!("{}", variant);
        arms.push(quote! { (#pt, #rt) => Some(Kind::#v), });
        match variants.iter().find(|(v, _)| *v == variant) {
            Some((_, s)) if *s != schema => bail!("variant {variant} maps to two schemas"),
            Some(_) => {}
            None => variants.push((variant, schema)),
        }
    }

    let mut field_consts = TokenStream::new();
    let mut enum_variants = TokenStream::new();
    let mut kind_variants = TokenStream::new();
    let mut parse_arms = TokenStream::new();
    let mut field_arms = TokenStream::new();
    let mut kind_of_arms = TokenStream::new();
    let mut done = BTreeSet::new();
    for (variant, schema) in &variants {
        let s = all
            .get(schema.as_str())
            .with_context(|| format!("unknown schema {schema}"))?;
        let v = format_ident!("{}", variant);
        let ty = format_ident!("{}", schema);
        let konst = format_ident!("{}_FIELDS", screaming(schema));
        if done.insert(schema.clone()) {
            let mut fields = Vec::new();
            for (name, p) in get(s, "properties")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().context("property name")?;
                let boolean = get_str(p, "type") == Some("boolean");
                fields.push(quote! { Field { name: #name, boolean: #boolean } });
            }
            let d = format!(
                "The parameters `{schema}` knows; anything else is kept as an extra parameter."
            );
            field_consts.extend(
                quote! { #[doc = #d] pub(crate) const #konst: &[Field] = &[ #( #fields ),* ]; },
            );
        }
        let d = get_str(s, "description").unwrap_or_default();
        let vd = doc_attr(d);
        enum_variants.extend(quote! { #vd #v(types::#ty), });
        kind_variants.extend(quote! { #vd #v, });
        parse_arms.extend(
            quote! { Kind::#v => Notification::#v(serde_path_to_error::deserialize(deserializer)?), },
        );
        field_arms.extend(quote! { Kind::#v => #konst, });
        kind_of_arms.extend(quote! { Notification::#v(_) => Kind::#v, });
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
        pub enum Kind { #kind_variants }

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
                match self { #field_arms }
            }
        }

        /// A verified notification, by payment type and phase.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Notification { #enum_variants }

        impl Notification {
            /// The kind of this notification.
            pub fn kind(&self) -> Kind {
                match self { #kind_of_arms }
            }

            /// The notification of `kind` from any serde deserializer (a verified
            /// parameter list), with the path of a failure.
            pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(kind: Kind, deserializer: D) -> Result<Self, serde_path_to_error::Error<D::Error>> {
                Ok(match kind { #parse_arms })
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
        let mut doc: Value = serde_yaml::from_str(&spec_text()).unwrap();
        flatten_all_of(&mut doc).unwrap();
        let names = rust::field_names(&types(&doc).unwrap()).unwrap();
        let spec = Spec::read(&doc, &names).unwrap();
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
    fn patterns_compile_to_character_tests() {
        let (test, min) = compile_pattern("^[0-9A-Za-z_-]+$").unwrap();
        assert_eq!(min, 1);
        assert_eq!(
            test.to_string(),
            "matches ! (c , '0' ..= '9' | 'A' ..= 'Z' | 'a' ..= 'z' | '_' | '-')"
        );
        let (test, min) = compile_pattern(r"^[^\x00-\x1F\x7F]*$").unwrap();
        assert_eq!(min, 0);
        assert!(test.to_string().starts_with("! matches"), "{test}");
        assert!(compile_pattern("^a+$").is_err());
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
        let paid = schemas(&doc).unwrap().get("BankPaidNotification").unwrap();
        let required: Vec<&str> = get(paid, "required")
            .unwrap()
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(required.contains(&"signature") && required.contains(&"transaction_datetime"));
        assert!(get(get(paid, "properties").unwrap(), "company_code").is_some());
    }
}
