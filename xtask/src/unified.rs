//! Generator of `crates/unified-proto/src/generated/` from
//! `specs/unified/<version>/openapi.yaml`.
//!
//! Per spec version it writes three files:
//! - `types.rs`: request/response types from typify (through progenitor),
//!   generated from a *relaxed* copy of the spec (its [`VIEW`]): string constraints are
//!   dropped (so a surprising gateway value never fails to parse), response
//!   schemas keep plain strings for codes, and the `paymentId`/`fepOrderId`
//!   one-of becomes two optional fields. The constraints are not lost: they
//!   go into `tables.rs`.
//! - `tables.rs`: data only: validation rules per command (field path,
//!   required, maxLength, character set, URL rules, per-payType applicability
//!   and limits, one-of groups), the result-code table with the open enums
//!   `ResultCode`, `Status`, `ActionCode` and `TransactionCommand`, the
//!   servers, the command list and the headers. The methods over the code
//!   tables (`ResultCode::is_success`, …) are hand-written once for every
//!   version in `unified_proto::codes`.
//! - `mod.rs`: ties them together.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail, ensure};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use serde::Deserialize;
use serde_json::Value;

use crate::codegen::GeneratedFile;
use crate::core::model::{Body, Document, Ordered, Schema};
use crate::core::names::screaming;
use crate::core::open_enum::{OpenEnum, Variant};
use crate::core::rust;
use crate::core::spec;
use crate::core::tokens::lit;
use crate::core::view::{Replace, View};

/// Spec versions, oldest last; the first is the crate's main API.
pub const VERSIONS: &[(&str, &str)] = &[("1.1.3", "v1_1_3"), ("1.1.1-rc", "v1_1_1_rc")];

/// The Unified entry of `codegen::GENERATORS`.
pub const GENERATOR: crate::codegen::Generator = crate::codegen::Generator {
    name: "unified",
    run: generate,
};

/// Every file of every spec version.
pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    let mut files = Vec::new();
    for (version, module) in VERSIONS {
        let rel = format!("specs/unified/{version}/openapi.yaml");
        let spec: Value = spec::read(root, &rel)?;
        let dir = format!("crates/unified-proto/src/generated/{module}");
        let sources = [
            ("types", types_source(&spec)),
            ("tables", tables_source(&spec)),
            ("mod", mod_source(&spec, version)),
        ];
        for (name, source) in sources {
            let source = source.with_context(|| format!("{name} of {rel}"))?;
            files.push(GeneratedFile::rust(
                format!("{dir}/{name}.rs"),
                &rel,
                &source,
            ));
        }
    }
    Ok(files)
}

// ---------------------------------------------------------------- types

/// Typify output for the relaxed spec.
pub fn types_source(spec: &Value) -> anyhow::Result<String> {
    // Request amounts are integer yen in Rust and digit strings on the wire:
    // the hand-written `unified_proto::Yen` does both.
    let settings = rust::settings(&[], [("Yen", "crate::Yen".to_string())]);
    rust::types(VIEW.apply(spec)?, &settings)
}

/// What typify sees: no request constraints (`tables.rs` enforces them), no
/// extensions, open enums as strings, lenient responses, and
/// `x-yen` request fields a reference to one `Yen` schema (`crate::Yen`).
const VIEW: View = View {
    strip: &[
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "oneOf",
        "not",
    ],
    open_enums_as_strings: true,
    lenient_responses: true,
    replace: &[Replace {
        marker: "x-yen",
        schema: "Yen",
        description: "An amount in integer yen.",
    }],
    ..View::BASE
};

// ---------------------------------------------------------------- rules

/// Character sets the specs use as `pattern`; any other pattern is an error,
/// so a new rule in a guide forces a deliberate generator change.
pub fn charset_of(pattern: &str) -> anyhow::Result<&'static str> {
    Ok(match pattern {
        "^[A-Za-z0-9_-]*$" => "IdChars",
        "^[0-9]*$" => "Digits",
        "^[A-Za-z0-9]*$" => "Alnum",
        "^[0-9]{14}$" => "Datetime14",
        "^[A-Za-z0-9*_@ .-]*$" => "PaypayItemId",
        other => bail!("pattern {other:?} has no character-set mapping in xtask/src/unified.rs"),
    })
}

/// A variant of the runtime's `validate::Charset`.
pub type CharsetName = &'static str;

/// A `pattern` read as its character set ([`charset_of`]).
fn charset<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<CharsetName>, D::Error> {
    let pattern = Option::<String>::deserialize(d)?;
    let charset = pattern.as_deref().map(charset_of).transpose();
    charset.map_err(serde::de::Error::custom)
}

/// One per-payType limit (`x-payTypeLimits.<payType>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limit {
    pub max_digits: Option<u64>,
    pub minimum: Option<u64>,
    pub maximum: Option<u64>,
    pub max_length: Option<u64>,
    pub max_bytes: Option<u64>,
    #[serde(rename = "pattern", default, deserialize_with = "charset")]
    pub charset: Option<CharsetName>,
    /// Allowed values for this payment type (`enum`).
    #[serde(rename = "enum", default)]
    pub enum_values: Vec<String>,
}

/// `x-onlyWith`: the field may be set only when the field at `path` (from the
/// body's root) has one of `values`, for `pay_types` (empty: all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OnlyWith {
    #[serde(rename = "field")]
    pub path: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub pay_types: Vec<String>,
}

/// `x-datetimeWindow`: minutes after the request time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Window {
    pub min_minutes: u64,
    pub max_minutes: u64,
}

/// The `x-` extensions of a request field (`specs/README.md`), read once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FieldExt {
    #[serde(rename = "x-payTypes", default)]
    pub pay_types: Vec<String>,
    #[serde(rename = "x-requiredFor", default)]
    pub required_for: Vec<String>,
    #[serde(rename = "x-truncatedByGateway", default)]
    pub truncated: bool,
    #[serde(rename = "x-httpsOnlyInLive", default)]
    pub https_in_live: bool,
    /// Wins over `https_in_live`: a webhook URL has the stricter rule.
    #[serde(rename = "x-pushUrl", default)]
    pub push_url: bool,
    /// By payment type, in name order.
    #[serde(rename = "x-payTypeLimits", default)]
    pub limits: BTreeMap<String, Limit>,
    #[serde(rename = "x-onlyWith")]
    pub only_with: Option<OnlyWith>,
    #[serde(rename = "x-datetimeWindow")]
    pub window: Option<Window>,
}

impl FieldExt {
    /// The extensions of a property over those of the schema its `$ref`
    /// names (extensions may sit on either; the property's win).
    pub fn read(prop: &Schema, target: &Schema) -> anyhow::Result<Self> {
        let map = target.ext.0.iter().chain(&prop.ext.0);
        let map = map.map(|(k, v)| (k.clone(), v.clone())).collect();
        let ext: Self = serde_json::from_value(Value::Object(map))?;
        if let Some(o) = &ext.only_with {
            ensure!(!o.values.is_empty(), "x-onlyWith {}: no values", o.path);
        }
        if let Some(Window {
            min_minutes: min,
            max_minutes: max,
        }) = ext.window
        {
            ensure!(
                min <= max,
                "x-datetimeWindow: minMinutes {min} > maxMinutes {max}"
            );
        }
        Ok(ext)
    }
}

/// Rule of one field, by JSON path (`item[].id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldRule {
    pub path: String,
    pub required: bool,
    pub max_length: Option<u64>,
    pub charset: Option<CharsetName>,
    /// A closed `enum` (an `x-openEnum` only lists known values).
    pub enum_values: Vec<String>,
    pub ext: FieldExt,
}

/// Exactly one of `alternatives` inside the object at `object`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOf {
    pub object: String,
    pub alternatives: Vec<String>,
}

/// A command as the spec describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub command: String,
    pub path: String,
    pub request: String,
    pub response: String,
    pub pay_types: Vec<String>,
    pub summary: String,
    pub fields: Vec<FieldRule>,
    pub one_of: Vec<OneOf>,
}

fn walk(
    schemas: &Ordered<Schema>,
    schema: &Schema,
    prefix: &str,
    fields: &mut Vec<FieldRule>,
    one_of: &mut Vec<OneOf>,
) -> anyhow::Result<()> {
    let resolved = schema.resolve(schemas)?;
    if !resolved.one_of.is_empty() {
        let mut alternatives = Vec::new();
        for alt in &resolved.one_of {
            let [required] = alt.required.as_slice() else {
                bail!("{prefix}: oneOf alternatives must each require exactly one field");
            };
            alternatives.push(required.clone());
        }
        one_of.push(OneOf {
            object: prefix.to_string(),
            alternatives,
        });
    }
    for (name, prop) in resolved.properties.iter() {
        let path = match prefix {
            "" => name.clone(),
            _ => format!("{prefix}.{name}"),
        };
        let target = prop.resolve(schemas)?;
        let closed = target.enumeration.as_ref();
        let closed = closed.filter(|_| !target.ext.flag("x-openEnum"));
        let charset = target.pattern.as_deref().map(charset_of).transpose();
        fields.push(FieldRule {
            path: path.clone(),
            required: resolved.required.contains(name),
            max_length: target
                .max_length
                .filter(|_| closed.is_none())
                .map(|n| n as u64),
            charset: charset.with_context(|| path.clone())?,
            enum_values: closed
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            ext: FieldExt::read(prop, target).with_context(|| path.clone())?,
        });
        match (target.ty.as_deref(), &target.items) {
            (Some("object"), _) => walk(schemas, target, &path, fields, one_of)?,
            (Some("array"), Some(items)) => {
                walk(schemas, items, &format!("{path}[]"), fields, one_of)?
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every operation of the spec with its request rules, in spec order.
pub fn operations(spec: &Value) -> anyhow::Result<Vec<Operation>> {
    let doc: Document = serde_json::from_value(spec.clone()).context("reading the spec")?;
    let schemas = &doc.components.schemas;
    let mut out = Vec::new();
    for (path, item) in doc.paths.iter() {
        let op = &item.post;
        let command = op.ext.str("x-commandName");
        let command = command.with_context(|| format!("{path}: no x-commandName"))?;
        let json_ref = |body: Option<&Body>| {
            let name = body.and_then(Body::json_schema).map(String::from);
            name.with_context(|| format!("{path}: body is not a $ref to a component schema"))
        };
        let request = json_ref(op.request_body.as_ref())?;
        let response = json_ref(op.responses.get("200"))?;
        let root = schemas
            .get(&request)
            .with_context(|| format!("dangling $ref {request}"))?;
        let (mut fields, mut one_of) = (Vec::new(), Vec::new());
        walk(schemas, root, "", &mut fields, &mut one_of).with_context(|| path.clone())?;
        for f in &fields {
            if let Some(o) = &f.ext.only_with
                && !fields.iter().any(|g| g.path == o.path)
            {
                bail!(
                    "{path}: {}: x-onlyWith names {}, not a field of the request",
                    f.path,
                    o.path
                );
            }
        }
        out.push(Operation {
            command: command.to_string(),
            path: path.clone(),
            request,
            response,
            pay_types: op.ext.get("x-payTypes")?.unwrap_or_default(),
            summary: op.summary.clone(),
            fields,
            one_of,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- tables

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn charset_ident(c: &str) -> TokenStream {
    let c = ident(c);
    quote!(crate::validate::Charset::#c)
}

/// `start.name(args)…` for every call whose arguments are set: a rule as a
/// chain of `const fn` calls naming only what is set keeps the tables small.
fn chain<const N: usize>(
    start: TokenStream,
    calls: [(&str, Option<TokenStream>); N],
) -> TokenStream {
    let calls = calls.into_iter().filter_map(|(name, args)| {
        let name = ident(name);
        args.map(|args| quote!(.#name(#args)))
    });
    quote!(#start #(#calls)*)
}

/// A call without arguments, made when `set`.
fn flag(set: bool) -> Option<TokenStream> {
    set.then(TokenStream::new)
}

/// `&["a", "b"]`, when the list is not empty.
fn strs(values: &[String]) -> Option<TokenStream> {
    (!values.is_empty()).then(|| quote!(&[#(#values),*]))
}

fn num(n: u64) -> TokenStream {
    lit(n).into_token_stream()
}

fn field_tokens(f: &FieldRule) -> TokenStream {
    let (path, ext) = (&f.path, &f.ext);
    let only_with = ext.only_with.as_ref().map(|o| {
        let (path, values, pay_types) = (&o.path, &o.values, &o.pay_types);
        quote!(#path, &[#(#values),*], &[#(#pay_types),*])
    });
    let window = ext.window.map(|w| {
        let (min, max) = (lit(w.min_minutes), lit(w.max_minutes));
        quote!(#min, #max)
    });
    let limits = ext.limits.iter().map(|(pay_type, l)| {
        chain(
            quote!(crate::validate::PayTypeLimit::new(#pay_type)),
            [
                ("max_digits", l.max_digits.map(num)),
                ("minimum", l.minimum.map(num)),
                ("maximum", l.maximum.map(num)),
                ("max_length", l.max_length.map(num)),
                ("max_bytes", l.max_bytes.map(num)),
                ("charset", l.charset.map(charset_ident)),
                ("one_of_values", strs(&l.enum_values)),
            ],
        )
    });
    chain(
        quote!(crate::validate::FieldRule::new(#path)),
        [
            ("required", flag(f.required)),
            ("max_length", f.max_length.map(num)),
            ("charset", f.charset.map(charset_ident)),
            ("https_in_live", flag(ext.https_in_live && !ext.push_url)),
            ("push_url", flag(ext.push_url)),
            ("one_of_values", strs(&f.enum_values)),
            ("pay_types", strs(&ext.pay_types)),
            ("required_for", strs(&ext.required_for)),
            ("truncated_by_gateway", flag(ext.truncated)),
            ("only_with", only_with),
            ("window", window),
            (
                "limits",
                (!ext.limits.is_empty()).then(|| quote!(&[#(#limits),*])),
            ),
        ],
    )
}

/// A row of `x-resultCodes`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResultCodeRow {
    http_status: u16,
    result_code: String,
    description: String,
    status: String,
    action_code: String,
}

/// A row of `x-statuses` or `x-actionCodes`: a value and its description.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRow {
    #[serde(alias = "status", alias = "actionCode")]
    value: String,
    description: String,
}

/// The `x-environment` of a server (live before sandbox in `SERVERS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Environment {
    Live,
    Sandbox,
}

/// A `servers` entry.
#[derive(Deserialize)]
struct Server {
    url: String,
    #[serde(rename = "x-environment")]
    environment: Environment,
    #[serde(rename = "x-deprecated", default)]
    deprecated: bool,
}

/// `x-webhook`: its headers and the guide's `transaction.command` values.
#[derive(Deserialize)]
struct Webhook {
    headers: BTreeMap<String, Header>,
    commands: Vec<String>,
}

/// A header parameter (`components.parameters`) or a webhook header: its
/// name, description and the schema of its value.
#[derive(Deserialize)]
struct Header {
    name: Option<String>,
    #[serde(rename = "in")]
    location: Option<String>,
    description: String,
    #[serde(default)]
    schema: Schema,
}

fn code_enum(name: &str, doc: &str, rows: &[CodeRow]) -> OpenEnum {
    let variants = rows
        .iter()
        .map(|r| Variant::named(&r.value, Some(&r.description), None));
    OpenEnum::new(name, doc, variants)
}

/// `tables.rs` of one spec.
pub fn tables_source(spec: &Value) -> anyhow::Result<String> {
    let ops = operations(spec)?;
    let mut tokens = TokenStream::new();

    // Commands and their rules.
    for op in &ops {
        let request = ident(&op.request);
        let response = ident(&op.response);
        let command = &op.command;
        let path = &op.path;
        let pay_types = &op.pay_types;
        let fields = op.fields.iter().map(field_tokens);
        let one_of = op.one_of.iter().map(|o| {
            let object = &o.object;
            let alts = &o.alternatives;
            quote!(crate::validate::OneOfRule { object: #object, alternatives: &[#(#alts),*] })
        });
        let doc = format!("`{command}` ({}): `POST {path}`.", op.summary);
        tokens.extend(quote! {
            #[doc = #doc]
            impl crate::Command for super::types::#request {
                const NAME: &'static str = #command;
                const PATH: &'static str = #path;
                const PAY_TYPES: &'static [&'static str] = &[#(#pay_types),*];
                const RULES: &'static crate::validate::Rules = &crate::validate::Rules {
                    fields: &[#(#fields),*],
                    one_of: &[#(#one_of),*],
                };
                type Response = super::types::#response;
            }
        });
    }
    let names = ops.iter().map(|o| &o.command);

    // Servers (stable sort: the spec's order within an environment) and
    // security schemes.
    let mut servers: Vec<Server> = spec::member(spec, "/servers")?;
    servers.sort_by_key(|s| s.environment);
    let current = |env| {
        let mut current = servers.iter().filter(|s| s.environment == env);
        let url = current.find(|s| !s.deprecated).map(|s| &s.url);
        url.with_context(|| format!("no current {env:?} server"))
    };
    let (live_url, sandbox_url) = (current(Environment::Live)?, current(Environment::Sandbox)?);
    let all_hosts = servers.iter().map(|s| &s.url);
    let schemes: BTreeMap<String, serde::de::IgnoredAny> =
        spec::member(spec, "/components/securitySchemes")?;
    let schemes = schemes.keys();
    tokens.extend(quote! {
        /// Every command of this spec version, in spec order.
        pub const COMMANDS: &[&str] = &[#(#names),*];
        /// Base URL of the live environment.
        pub const LIVE_URL: &str = #live_url;
        /// Base URL of the sandbox environment.
        pub const SANDBOX_URL: &str = #sandbox_url;
        /// Every server the guide lists (including superseded domains).
        pub const SERVERS: &[&str] = &[#(#all_hosts),*];
        /// Request authentication schemes this version accepts.
        pub const SECURITY_SCHEMES: &[&str] = &[#(#schemes),*];
    });

    // Code tables: rows and open enums; `unified_proto::codes` reads them.
    let rows: Vec<ResultCodeRow> = spec::member(spec, "/x-resultCodes")?;
    let codes = rows.iter().map(|r| {
        let note = format!("(HTTP {}, {}, {})", r.http_status, r.status, r.action_code);
        Variant::named(&r.result_code, Some(&r.description), Some(note))
    });
    tokens.extend(
        OpenEnum::new(
            "ResultCode",
            "Result code (`resultCode`) of a response, webhook or redirect.",
            codes,
        )
        .emit(),
    );
    let rc_rows = rows.iter().map(|r| {
        let (code, http, desc) = (&r.result_code, r.http_status, &r.description);
        let (status, action) = (&r.status, &r.action_code);
        quote! {
            crate::codes::ResultCodeInfo { result_code: #code, http_status: #http, description: #desc, status: #status, action_code: #action }
        }
    });
    tokens.extend(quote! {
        /// The guide's result-code table: HTTP status, resultCode, status, actionCode.
        pub const RESULT_CODES: &[crate::codes::ResultCodeInfo] = &[#(#rc_rows),*];
    });
    let statuses: Vec<CodeRow> = spec::member(spec, "/x-statuses")?;
    let status_doc = "Status (`status`) of an order result.";
    tokens.extend(code_enum("Status", status_doc, &statuses).emit());
    let actions: Vec<CodeRow> = spec::member(spec, "/x-actionCodes")?;
    let action_doc = "Action code (`actionCode`): the merchant's recommended action.";
    tokens.extend(code_enum("ActionCode", action_doc, &actions).emit());

    // `transaction.command` of answers, webhooks and getTransactionResult: the guide's
    // own values (`update_order`), which differ from the request paths (`updateOrder`).
    let webhook: Webhook = spec::member(spec, "/x-webhook")?;
    ensure!(
        !webhook.commands.is_empty(),
        "x-webhook.commands lists no command"
    );
    let tx_commands = webhook
        .commands
        .iter()
        .map(|c| Variant::named(c, None, None));
    tokens.extend(OpenEnum::new(
        "TransactionCommand",
        "`transaction.command` of an answer, webhook or getTransactionResult (the guide's Webhook section).",
        tx_commands,
    ).emit());
    tokens.extend(header_tokens(spec, &webhook)?);

    rust::format(tokens)
}

/// `X-VT-Idempotency-Key` → `IDEMPOTENCY_KEY_HEADER`.
fn header_const(header: &str) -> anyhow::Result<Ident> {
    let bare = header.strip_prefix("X-VT-");
    let bare = bare.with_context(|| format!("header {header:?} does not start with X-VT-"))?;
    Ok(ident(&format!("{}_HEADER", screaming(bare))))
}

/// The header names of the spec as constants (from `components.parameters`
/// in the header and the `x-webhook.headers`), and each request header's rule
/// as a `FieldRule`, so the sandbox and the client name and check headers
/// through generated code.
fn header_tokens(spec: &Value, webhook: &Webhook) -> anyhow::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    let params: BTreeMap<String, Header> = spec::member(spec, "/components/parameters")?;
    for param in params.values() {
        let (Some("header"), Some(name)) = (param.location.as_deref(), &param.name) else {
            continue;
        };
        let konst = header_const(name)?;
        let doc = format!("`{name}` request header: {}", param.description);
        let rule_name = ident(&konst.to_string().replace("_HEADER", "_RULE"));
        let rule_doc = format!("The rule of a `{name}` header that is sent (its `schema`).");
        let rule = field_tokens(&FieldRule {
            path: name.to_string(),
            // A header that is sent must carry a value: an empty one is refused.
            required: true,
            max_length: param.schema.max_length.map(|n| n as u64),
            charset: param
                .schema
                .pattern
                .as_deref()
                .map(charset_of)
                .transpose()?,
            ..FieldRule::default()
        });
        tokens.extend(quote! {
            #[doc = #doc] pub const #konst: &str = #name;
            #[doc = #rule_doc] pub const #rule_name: crate::validate::FieldRule = #rule;
        });
    }
    for (name, header) in &webhook.headers {
        let konst = header_const(name)?;
        let doc = format!("`{name}` webhook header: {}", header.description);
        tokens.extend(quote! { #[doc = #doc] pub const #konst: &str = #name; });
    }
    Ok(tokens)
}

fn mod_source(spec: &Value, version: &str) -> anyhow::Result<String> {
    let title = spec
        .pointer("/info/version")
        .and_then(Value::as_str)
        .context("info.version")?;
    // Written as text already in rustfmt's style, so `cargo fmt` leaves it
    // alone; the two modules below are `rustfmt::skip`.
    Ok(format!(
        "//! The VeriTrans4G Unified API {title} (`specs/unified/{version}/openapi.yaml`): types,\n\
         //! validation tables and codes.\n\
         \n\
         #[rustfmt::skip]\n\
         mod tables;\n\
         #[rustfmt::skip]\n\
         pub mod types;\n\
         \n\
         pub use tables::*;\n\
         pub use types::*;\n\
         \n\
         /// Version of the guide this module was generated from.\n\
         pub const SPEC_VERSION: &str = {title:?};\n"
    ))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use serde_json::json;

    /// A plain-text listing of the public types of a generated `types.rs`
    /// (structs with their fields, enums with their variants), for snapshot review.
    fn api_surface(source: &str) -> anyhow::Result<String> {
        let file = syn::parse_file(source).context("parsing generated types")?;
        let mut out = BTreeMap::new();
        collect_items(&file.items, "", &mut out);
        let mut text = String::new();
        for (name, body) in out {
            let _ = writeln!(text, "{name}{body}");
        }
        Ok(text)
    }

    fn collect_items(items: &[syn::Item], prefix: &str, out: &mut BTreeMap<String, String>) {
        for item in items {
            match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    let mut body = String::new();
                    match &s.fields {
                        syn::Fields::Named(named) => {
                            body.push_str(" {\n");
                            for f in &named.named {
                                let ty = &f.ty;
                                let name = f
                                    .ident
                                    .as_ref()
                                    .map(ToString::to_string)
                                    .unwrap_or_default();
                                let wire = serde_rename(&f.attrs).unwrap_or_else(|| name.clone());
                                let _ = writeln!(
                                    body,
                                    "    {name}: {} (\"{wire}\")",
                                    tidy(&quote!(#ty).to_string())
                                );
                            }
                            body.push('}');
                        }
                        syn::Fields::Unnamed(u) => {
                            let tys: Vec<String> = u
                                .unnamed
                                .iter()
                                .map(|f| {
                                    let ty = &f.ty;
                                    quote!(#ty).to_string()
                                })
                                .collect();
                            let _ = write!(body, "({})", tys.join(", "));
                        }
                        syn::Fields::Unit => {}
                    }
                    out.insert(format!("struct {prefix}{}", s.ident), body);
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    let mut body = String::from(" {\n");
                    for v in &e.variants {
                        let wire = serde_rename(&v.attrs)
                            .or_else(|| doc_code(&v.attrs))
                            .unwrap_or_else(|| v.ident.to_string());
                        let _ = writeln!(body, "    {} (\"{wire}\")", v.ident);
                    }
                    body.push('}');
                    out.insert(format!("enum {prefix}{}", e.ident), body);
                }
                // `veritrans_core::open_enum! { pub enum … }`: the enum it declares,
                // with the `Unknown` variant the macro adds.
                syn::Item::Macro(m) => {
                    if let Ok(mut e) = m.mac.parse_body::<syn::ItemEnum>() {
                        e.variants.push(syn::parse_quote!(Unknown));
                        collect_items(&[syn::Item::Enum(e)], prefix, out);
                    }
                }
                syn::Item::Mod(m) if matches!(m.vis, syn::Visibility::Public(_)) => {
                    if let Some((_, inner)) = &m.content {
                        collect_items(inner, &format!("{prefix}{}::", m.ident), out);
                    }
                }
                _ => {}
            }
        }
    }

    /// `::std::option::Option<::std::string::String>` → `Option<String>`.
    fn tidy(ty: &str) -> String {
        let compact = ty.replace(' ', "");
        [
            "::std::option::",
            "::std::string::",
            "::std::vec::",
            "::serde_json::",
        ]
        .iter()
        .fold(compact, |t, p| t.replace(p, ""))
    }

    /// The wire value of a generated code enum variant, from its "`CODE`: …" doc.
    fn doc_code(attrs: &[syn::Attribute]) -> Option<String> {
        attrs.iter().find_map(|a| {
            let syn::Meta::NameValue(nv) = &a.meta else {
                return None;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            else {
                return None;
            };
            let text = s.value();
            let rest = text.trim_start().strip_prefix('`')?;
            rest.split_once('`').map(|(code, _)| code.to_string())
        })
    }

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace root")
            .to_path_buf()
    }

    fn spec(version: &str) -> Value {
        spec::read(&root(), &format!("specs/unified/{version}/openapi.yaml")).unwrap()
    }

    #[test]
    fn specs_are_plain_openapi_3_0_3() {
        for (version, _) in VERSIONS {
            let v = spec(version);
            assert_eq!(v["openapi"], "3.0.3");
            let _: openapiv3::OpenAPI = serde_json::from_value(v).unwrap();
        }
    }

    #[test]
    fn the_view_drops_request_constraints_and_response_enums() {
        let v = json!({"components": {"schemas": {
            "Req": {"type": "object", "required": ["a"], "oneOf": [{"required": ["a"]}],
                    "properties": {"a": {"type": "string", "maxLength": 3, "pattern": "^[0-9]*$", "x-payTypes": ["paypay"]},
                                   "e": {"$ref": "#/components/schemas/E", "description": "d"}}},
            "Res": {"type": "object", "x-direction": "response",
                    "properties": {"n": {"type": "integer"}, "l": {"type": "array", "items": {"type": "string", "maxLength": 1}},
                                   "k": {"type": "string", "enum": ["x"]}}}}}});
        let r = serde_json::to_value(VIEW.apply(&v).unwrap()).unwrap();
        assert_eq!(
            r.pointer("/components/schemas/Req/properties/a").unwrap(),
            &json!({"type": "string"})
        );
        assert!(r.pointer("/components/schemas/Req/oneOf").is_none());
        assert_eq!(
            r.pointer("/components/schemas/Req/required").unwrap(),
            &json!(["a"])
        );
        // A reference keeps its description (OpenAPI 3.0, and so typify,
        // ignores the siblings of a `$ref`).
        assert_eq!(
            r.pointer("/components/schemas/Req/properties/e").unwrap(),
            &json!({"$ref": "#/components/schemas/E", "description": "d"})
        );
        assert_eq!(
            r.pointer("/components/schemas/Res/properties/n").unwrap(),
            &json!({})
        );
        assert_eq!(
            r.pointer("/components/schemas/Res/properties/l/nullable")
                .unwrap(),
            &json!(true)
        );
        assert!(
            r.pointer("/components/schemas/Res/properties/k/enum")
                .is_none()
        );
    }

    /// `x-payTypeLimits` and `x-onlyWith` are read strictly: a misspelt
    /// key is an error, not a rule silently dropped.
    #[test]
    fn misspelt_extension_keys_are_refused() {
        let read = |ext: Value| {
            let prop: Schema = serde_json::from_value(ext).unwrap();
            FieldExt::read(&prop, &Schema::default()).unwrap_err()
        };
        let err = read(json!({"x-payTypeLimits": {"au": {"maxDigit": 7}}}));
        assert!(format!("{err:#}").contains("maxDigit"), "{err:#}");
        let err = read(json!({"x-onlyWith": {"field": "a", "value": ["b"]}}));
        assert!(format!("{err:#}").contains("value"), "{err:#}");
        let err = read(json!({"x-onlyWith": {"field": "a", "values": []}}));
        assert!(format!("{err:#}").contains("no values"), "{err:#}");
        let err = read(json!({"x-datetimeWindow": {"minMinutes": 5, "maxMinutes": 1}}));
        assert!(format!("{err:#}").contains("minMinutes 5"), "{err:#}");
    }

    /// Extensions next to a `$ref` win over those of the schema it names.
    #[test]
    fn property_extensions_win_over_the_target_ones() {
        let prop: Schema = serde_json::from_value(json!({"x-payTypes": ["au"]})).unwrap();
        let target: Schema =
            serde_json::from_value(json!({"x-payTypes": ["paypay"], "x-pushUrl": true})).unwrap();
        let ext = FieldExt::read(&prop, &target).unwrap();
        assert_eq!(
            (ext.pay_types, ext.push_url),
            (vec!["au".to_string()], true)
        );
    }

    #[test]
    fn unknown_patterns_are_refused() {
        assert_eq!(charset_of("^[0-9]*$").unwrap(), "Digits");
        assert!(charset_of("^[a-z]+$").is_err());
    }

    #[test]
    fn rules_carry_per_pay_type_limits_and_one_of() {
        let ops = operations(&spec("1.1.3")).unwrap();
        let names: Vec<&str> = ops.iter().map(|o| o.command.as_str()).collect();
        for c in [
            "pay",
            "subscribe",
            "updateOrder",
            "capture",
            "cancel",
            "charge",
            "terminate",
            "getTransactionResult",
        ] {
            assert!(names.contains(&c), "{c} missing");
        }
        let pay = ops.iter().find(|o| o.command == "pay").unwrap();
        let amount = pay
            .fields
            .iter()
            .find(|f| f.path == "order.amount")
            .unwrap();
        assert!(amount.required);
        assert_eq!(amount.max_length, Some(12));
        assert_eq!(amount.charset, Some("Digits"));
        assert_eq!(amount.ext.limits["au"].max_digits, Some(7));
        let capture = ops.iter().find(|o| o.command == "capture").unwrap();
        assert_eq!(
            capture.one_of[0].alternatives,
            vec!["paymentId", "fepOrderId"]
        );
        let push = pay
            .fields
            .iter()
            .find(|f| f.path == "control.pushUrl")
            .unwrap();
        assert!(push.ext.push_url);
        let item_id = pay.fields.iter().find(|f| f.path == "item[].id").unwrap();
        assert_eq!(item_id.ext.limits.len(), 4);

        let old = operations(&spec("1.1.1-rc")).unwrap();
        let old_pay = old.iter().find(|o| o.command == "pay").unwrap();
        let old_amount = old_pay
            .fields
            .iter()
            .find(|f| f.path == "order.amount")
            .unwrap();
        assert_eq!(old_amount.ext.limits["au"].max_digits, Some(12));
    }

    /// Every `description` string of a spec (info, schemas, fields, code tables).
    fn descriptions(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    match (k.as_str(), child) {
                        ("description", Value::String(text)) => out.push(text.clone()),
                        _ => descriptions(child, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| descriptions(i, out)),
            _ => {}
        }
    }

    /// `UA-XXX-NNN` result codes cited in a text.
    fn cited_codes(text: &str) -> Vec<&str> {
        text.match_indices("UA-")
            .filter_map(|(i, _)| text.get(i..i + 10))
            .filter(|c| {
                let b = c.as_bytes();
                b[6] == b'-'
                    && b[3..6].iter().all(u8::is_ascii_alphanumeric)
                    && b[7..10].iter().all(u8::is_ascii_digit)
            })
            .collect()
    }

    /// A spec's descriptions state only facts of its own guide: every result
    /// code they cite is in its own `x-resultCodes`, and the 1.1.1 RC spec
    /// mentions nothing the 1.1.2 RC / 1.1.3 revision history added (apart from
    /// the provenance sentence of `info.description`).
    #[test]
    fn descriptions_cite_only_facts_of_their_own_version() {
        for (version, _) in VERSIONS {
            let s = spec(version);
            let known: Vec<&str> = s["x-resultCodes"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|r| r["resultCode"].as_str())
                .collect();
            let mut texts = Vec::new();
            descriptions(&s, &mut texts);
            for text in &texts {
                for code in cited_codes(text) {
                    assert!(
                        known.contains(&code),
                        "{version}: a description cites {code}, which this version does not list: {text}"
                    );
                }
            }
        }
        let rc = spec("1.1.1-rc");
        let mut texts = Vec::new();
        descriptions(&rc, &mut texts);
        for text in &texts {
            let text = text
                .lines()
                .filter(|l| !l.starts_with("Written by hand from"))
                .collect::<Vec<_>>()
                .join("\n");
            for later in [
                "1.1.3",
                "1.1.2",
                "Application method",
                "app_method",
                "paymentAuthenticationType",
                "Subsequent processing",
                "UA-CST-004",
                "UA-PND-002",
                "UA-PND-003",
            ] {
                assert!(
                    !text.contains(later),
                    "1.1.1-rc: a description mentions {later:?}, a fact of a later guide: {text}"
                );
            }
        }
    }

    /// Rules written only in descriptions reach the validation tables through
    /// `x-onlyWith`, `x-datetimeWindow` and `x-payTypeLimits.enum`.
    #[test]
    fn description_rules_reach_the_tables() {
        for (version, _) in VERSIONS {
            let ops = operations(&spec(version)).unwrap();
            let charge = ops.iter().find(|o| o.command == "charge").unwrap();
            let field = |p: &str| charge.fields.iter().find(|f| f.path == p).unwrap();
            let auth = field("order.authCaptureType");
            assert_eq!(auth.ext.required_for, vec!["paypay"], "{version}");
            let paypay = &auth.ext.limits["paypay"];
            assert_eq!(paypay.enum_values, vec!["auth_with_capture"], "{version}");
            let expiry = field("control.protocol.recoveryExpiredDatetime");
            let window = expiry.ext.window.unwrap();
            assert_eq!(
                (window.min_minutes, window.max_minutes),
                (10, 48 * 60),
                "{version}"
            );
            let only = expiry.ext.only_with.as_ref().unwrap();
            assert_eq!(only.path, "control.protocol.recoveryType");
            assert_eq!(only.values, vec!["recovery"]);
            let pay = ops.iter().find(|o| o.command == "pay").unwrap();
            let amount = pay
                .fields
                .iter()
                .find(|f| f.path == "order.amount")
                .unwrap();
            let limit = |pt: &str| amount.ext.limits[pt].clone();
            assert_eq!(limit("rakuten").minimum, Some(2), "{version}");
            assert_eq!(
                (limit("merpay").minimum, limit("merpay").maximum),
                (Some(1), Some(1_000_000))
            );
        }
        let ops = operations(&spec("1.1.3")).unwrap();
        let pay = ops.iter().find(|o| o.command == "pay").unwrap();
        for path in ["merchant.storeId", "merchant.terminalId"] {
            let f = pay.fields.iter().find(|f| f.path == path).unwrap();
            let only = f.ext.only_with.as_ref().unwrap();
            assert_eq!(only.path, "paymentInstrument.au.paymentAuthenticationType");
            assert_eq!(
                (only.values.clone(), only.pay_types.clone()),
                (vec!["app_method".to_string()], vec!["au".to_string()])
            );
        }
    }

    #[test]
    fn an_only_with_naming_no_field_is_refused() {
        let mut s = spec("1.1.3");
        s["components"]["schemas"]["ChargeProtocol"]["properties"]["recoveryExpiredDatetime"]["x-onlyWith"]
            ["field"] = json!("control.protocol.recoveryKind");
        let err = operations(&s).unwrap_err();
        assert!(format!("{err:#}").contains("recoveryKind"), "{err:#}");
    }

    /// The generated public API of each version, so a regenerated spec shows
    /// up as a reviewable diff.
    #[test]
    fn generated_api_surface() {
        for (version, module) in VERSIONS {
            let types = types_source(&spec(version)).unwrap();
            let tables = tables_source(&spec(version)).unwrap();
            let surface = format!(
                "{}\n--- tables ---\n{}",
                api_surface(&types).unwrap(),
                api_surface(&tables).unwrap()
            );
            insta::assert_snapshot!(format!("api_surface_{module}"), surface);
        }
    }

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
}
