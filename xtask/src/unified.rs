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
//!
//! The spec is read once into [`Spec`]; the rows of the tables are structs
//! mirroring the runtime types of `unified_proto::validate` and
//! `unified_proto::codes` (read from the spec's extensions by serde, written by
//! [`const_data`]), so the rules' meaning lives in the crate, not here.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, anyhow, bail, ensure};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::codegen::GeneratedFile;
use crate::core::const_data;
use crate::core::model::{self, Body, Ext, Ordered, PathItem, Schema};
use crate::core::names::screaming;
use crate::core::open_enum::{OpenEnum, Variant};
use crate::core::rust;
use crate::core::spec;
use crate::core::view::{Replace, View};

/// The folder of the specs (`specs/unified/<version>/`): every version folder
/// is discovered (`crate::versions`) and generated into its own module.
pub const SPECS: &str = "unified";

/// The Unified entry of `codegen::GENERATORS`.
pub const GENERATOR: crate::codegen::Generator = crate::codegen::Generator {
    name: "unified",
    run: generate,
};

/// Every file of every spec version.
pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    let mut files = Vec::new();
    for version in crate::versions::discover(root, SPECS)? {
        let module = version.module();
        let rel = format!("specs/unified/{}/openapi.yaml", version.name());
        let value: Value = spec::read(root, &rel)?;
        let spec: Spec = spec::member(&value, "").context(rel.clone())?;
        let dir = format!("crates/unified-proto/src/generated/{module}");
        let sources = [
            ("types", types_source(&value)),
            ("tables", tables_source(&spec)),
            ("mod", Ok(mod_source(&spec, &version))),
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
    // Amounts are integer yen in Rust and digit strings on the wire: the
    // hand-written `unified_proto::Yen` does both. Codes are the open enums of
    // the version's own tables (`super::ResultCode`, …), so an answer is read
    // one way and an unknown code still parses.
    let codes = ["ResultCode", "Status", "ActionCode"].map(|n| (n, format!("super::{n}")));
    let settings = rust::settings(&[], codes.into_iter().chain([("Yen", "crate::Yen".into())]));
    rust::types(VIEW.apply(spec)?, &settings)
}

/// What typify sees: no request constraints (`tables.rs` enforces them), no
/// extensions, open enums as strings, lenient responses, and
/// `x-yen` fields (requests and responses) a reference to one `Yen` schema
/// (`crate::Yen`).
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

// ---------------------------------------------------------------- the spec

/// The parts of a Unified spec the tables come from, read in one pass.
#[derive(Deserialize)]
pub struct Spec {
    info: Info,
    servers: Vec<Server>,
    paths: Ordered<PathItem>,
    components: Components,
    #[serde(rename = "x-resultCodes")]
    result_codes: Vec<ResultCodeRow>,
    #[serde(rename = "x-statuses")]
    statuses: Vec<CodeRow>,
    #[serde(rename = "x-actionCodes")]
    action_codes: Vec<CodeRow>,
    #[serde(rename = "x-webhook")]
    webhook: Webhook,
}

#[derive(Deserialize)]
struct Info {
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Components {
    schemas: Ordered<Schema>,
    parameters: BTreeMap<String, Header>,
    security_schemes: BTreeMap<String, IgnoredAny>,
}

/// A row of `x-resultCodes`, written as a `codes::ResultCodeInfo`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase"), deny_unknown_fields)]
#[serde(rename(serialize = "crate::codes::ResultCodeInfo"))]
struct ResultCodeRow {
    result_code: String,
    http_status: u16,
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

// ---------------------------------------------------------------- rules

/// A `pattern` of the specs, as the `validate::Charset` it means; any other
/// pattern is refused, so a new rule in a guide forces a deliberate change here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename(serialize = "crate::validate::Charset"))]
enum Charset {
    #[serde(rename(deserialize = "^[A-Za-z0-9_-]*$"))]
    IdChars,
    #[serde(rename(deserialize = "^[0-9]*$"))]
    Digits,
    #[serde(rename(deserialize = "^[A-Za-z0-9]*$"))]
    Alnum,
    #[serde(rename(deserialize = "^[0-9]{14}$"))]
    Datetime14,
    #[serde(rename(deserialize = "^[A-Za-z0-9*_@ .-]*$"))]
    PaypayItemId,
}

/// The character set of a schema's `pattern`.
fn charset(pattern: Option<&String>) -> anyhow::Result<Option<Charset>> {
    let charset = pattern.map(|p| serde_json::from_value(p.as_str().into()));
    Ok(charset.transpose()?)
}

/// `validate::UrlRule`, from `x-httpsOnlyInLive` and `x-pushUrl`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename = "crate::validate::UrlRule")]
enum UrlRule {
    #[default]
    None,
    HttpsInLive,
    PushUrl,
}

/// One per-payType limit (`x-payTypeLimits.<payType>`), as a `validate::PayTypeLimit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase"), deny_unknown_fields)]
#[serde(rename(serialize = "crate::validate::PayTypeLimit"))]
struct Limit {
    /// The key of the limit in `x-payTypeLimits`.
    #[serde(skip_deserializing)]
    pay_type: String,
    max_digits: Option<u64>,
    minimum: Option<u64>,
    maximum: Option<u64>,
    max_length: Option<u64>,
    max_bytes: Option<u64>,
    #[serde(rename(deserialize = "pattern"), default)]
    charset: Option<Charset>,
    /// Allowed values for this payment type (`enum`).
    #[serde(rename(deserialize = "enum"), default)]
    enum_values: Vec<String>,
}

/// `x-onlyWith`, as a `validate::OnlyWith`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase"), deny_unknown_fields)]
#[serde(rename(serialize = "crate::validate::OnlyWith"))]
struct OnlyWith {
    #[serde(rename(deserialize = "field"))]
    path: String,
    values: Vec<String>,
    #[serde(default)]
    pay_types: Vec<String>,
}

/// `x-datetimeWindow`, as a `validate::DatetimeWindow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase"), deny_unknown_fields)]
#[serde(rename(serialize = "crate::validate::DatetimeWindow"))]
struct Window {
    min_minutes: u64,
    max_minutes: u64,
}

/// The rule of one field, by JSON path (`item[].id`), as a `validate::FieldRule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename = "crate::validate::FieldRule")]
struct FieldRule {
    path: String,
    required: bool,
    max_length: Option<u64>,
    charset: Option<Charset>,
    url: UrlRule,
    /// A closed `enum` (an `x-openEnum` only lists known values).
    enum_values: Vec<String>,
    pay_types: Vec<String>,
    required_for: Vec<String>,
    truncated_by_gateway: bool,
    /// By payment type, in name order.
    limits: Vec<Limit>,
    only_with: Option<OnlyWith>,
    window: Option<Window>,
    /// `path` cut where the checker reads it: derived here once, not searched for on
    /// every request.
    at: PathSplit,
}

/// A rule's path cut at its last `.`, as a `validate::PathSplit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename = "crate::validate::PathSplit")]
struct PathSplit {
    /// Before the last `.` (empty at the top).
    parent: String,
    /// After it.
    name: String,
    /// The parent crosses an array (`item[]`).
    in_array: bool,
}

impl PathSplit {
    fn of(path: &str) -> Self {
        let (parent, name) = path.rsplit_once('.').unwrap_or(("", path));
        Self {
            parent: parent.to_string(),
            name: name.to_string(),
            in_array: parent.contains('['),
        }
    }
}

impl FieldRule {
    /// The rule of the property `prop` at `path` (`target`: the schema its
    /// `$ref` names, or itself) from its schema and its `x-` extensions
    /// (`specs/README.md`), which may sit on either; the property's win.
    fn read(path: &str, required: bool, prop: &Schema, target: &Schema) -> anyhow::Result<Self> {
        let ext = target.ext.0.iter().chain(&prop.ext.0);
        let ext = Ext(ext.map(|(k, v)| (k.clone(), v.clone())).collect());
        let flag = |key| anyhow::Ok(ext.get::<bool>(key)?.unwrap_or_default());
        let only_with: Option<OnlyWith> = ext.get("x-onlyWith")?;
        if let Some(o) = &only_with {
            ensure!(!o.values.is_empty(), "x-onlyWith {}: no values", o.path);
        }
        let window: Option<Window> = ext.get("x-datetimeWindow")?;
        if let Some(Window {
            min_minutes: min,
            max_minutes: max,
        }) = window
        {
            ensure!(
                min <= max,
                "x-datetimeWindow: minMinutes {min} > maxMinutes {max}"
            );
        }
        let limits: BTreeMap<String, Limit> = ext.get("x-payTypeLimits")?.unwrap_or_default();
        let closed = target.enumeration.as_ref();
        let closed = closed.filter(|_| !target.ext.flag("x-openEnum"));
        let max_length = target.max_length.filter(|_| closed.is_none());
        let values = closed.into_iter().flatten().filter_map(Value::as_str);
        // A webhook URL's rule is the stricter one.
        let url = match (flag("x-pushUrl")?, flag("x-httpsOnlyInLive")?) {
            (true, _) => UrlRule::PushUrl,
            (false, true) => UrlRule::HttpsInLive,
            (false, false) => UrlRule::None,
        };
        Ok(Self {
            path: path.to_string(),
            required,
            max_length: max_length.map(|n| n as u64),
            charset: charset(target.pattern.as_ref())?,
            url,
            enum_values: values.map(String::from).collect(),
            pay_types: ext.get("x-payTypes")?.unwrap_or_default(),
            required_for: ext.get("x-requiredFor")?.unwrap_or_default(),
            truncated_by_gateway: flag("x-truncatedByGateway")?,
            limits: limits
                .into_iter()
                .map(|(pay_type, l)| Limit { pay_type, ..l })
                .collect(),
            only_with,
            window,
            at: PathSplit::of(path),
        })
    }
}

/// Exactly one of `alternatives` inside the object at `object`, as a `validate::OneOfRule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename = "crate::validate::OneOfRule")]
struct OneOf {
    object: String,
    alternatives: Vec<String>,
}

/// All rules of one command, as a `validate::Rules`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename = "crate::validate::Rules")]
struct Rules {
    fields: Vec<FieldRule>,
    one_of: Vec<OneOf>,
}

/// A command of the spec: its name and its `impl crate::Command` for the
/// request type (with the request rules, kept as read for the tests).
#[derive(Debug)]
struct Command {
    command: String,
    /// The request type's name (`PayRequest`).
    request: proc_macro2::Ident,
    #[cfg(test)]
    rules: Rules,
    item: TokenStream,
}

/// The rules of `schema` and of the objects under it, at `prefix`.
fn walk(
    schemas: &Ordered<Schema>,
    schema: &Schema,
    prefix: &str,
    rules: &mut Rules,
) -> anyhow::Result<()> {
    let resolved = schema.resolve(schemas)?;
    if !resolved.one_of.is_empty() {
        let alternatives = resolved
            .one_of
            .iter()
            .map(|alt| match alt.required.as_slice() {
                [required] => Ok(required.clone()),
                _ => Err(anyhow!(
                    "{prefix}: oneOf alternatives must each require exactly one field"
                )),
            });
        let alternatives = alternatives.collect::<anyhow::Result<_>>()?;
        rules.one_of.push(OneOf {
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
        let required = resolved.required.contains(name);
        let rule = FieldRule::read(&path, required, prop, target);
        rules.fields.push(rule.with_context(|| path.clone())?);
        match (target.ty.as_deref(), &target.items) {
            (Some("object"), _) => walk(schemas, target, &path, rules)?,
            (Some("array"), Some(items)) => walk(schemas, items, &format!("{path}[]"), rules)?,
            _ => {}
        }
    }
    Ok(())
}

/// Every operation of the spec with its request rules and its `impl`, in spec order.
fn operations(spec: &Spec) -> anyhow::Result<Vec<Command>> {
    let schemas = &spec.components.schemas;
    let read = |path: &String, op: &model::Operation| {
        let command = op.ext.str("x-commandName").context("no x-commandName")?;
        let json_ref = |body: Option<&Body>| {
            let name = body.and_then(Body::json_schema).map(String::from);
            name.context("body is not a $ref to a component schema")
        };
        let request = json_ref(op.request_body.as_ref())?;
        let response = json_ref(op.responses.get("200"))?;
        let root = schemas.get(&request);
        let root = root.with_context(|| format!("dangling $ref {request}"))?;
        let mut rules = Rules::default();
        walk(schemas, root, "", &mut rules)?;
        for f in &rules.fields {
            if let Some(o) = &f.only_with
                && !rules.fields.iter().any(|g| g.path == o.path)
            {
                bail!(
                    "{}: x-onlyWith names {}, not a field of the request",
                    f.path,
                    o.path
                );
            }
        }
        let (request, response) = (format_ident!("{request}"), format_ident!("{response}"));
        let pay_types: Vec<String> = op.ext.get("x-payTypes")?.unwrap_or_default();
        let doc = format!("`{command}` ({}): `POST {path}`.", op.summary);
        let table = const_data::to_tokens(&rules)?;
        let item = quote! {
            #[doc = #doc]
            impl crate::Command for super::types::#request {
                const NAME: &'static str = #command;
                const PATH: &'static str = #path;
                const PAY_TYPES: &'static [&'static str] = &[#(#pay_types),*];
                const RULES: &'static crate::validate::Rules = &#table;
                type Response = super::types::#response;
            }
        };
        anyhow::Ok(Command {
            command: command.to_string(),
            request: request.clone(),
            #[cfg(test)]
            rules,
            item,
        })
    };
    let ops = spec
        .paths
        .iter()
        .map(|(path, item)| read(path, &item.post).context(path.clone()));
    ops.collect()
}

// ---------------------------------------------------------------- tables

fn code_enum(name: &str, doc: &str, rows: &[CodeRow]) -> OpenEnum {
    let variants = rows
        .iter()
        .map(|r| Variant::named(&r.value, Some(&r.description), None));
    OpenEnum::new(name, doc, variants)
}

/// `tables.rs` of one spec.
pub fn tables_source(spec: &Spec) -> anyhow::Result<String> {
    let ops = operations(spec)?;
    let mut tokens = TokenStream::new();

    // Commands and their rules.
    tokens.extend(ops.iter().map(|op| op.item.clone()));
    let names = ops.iter().map(|o| &o.command);
    // The same, as values (`crate::versions::CommandTable`), for code that chooses a
    // version at run time: read off each request type's `Command` constants.
    let command_tables = ops.iter().map(|o| {
        let request = &o.request;
        quote! {
            crate::versions::CommandTable {
                name: <super::types::#request as crate::Command>::NAME,
                path: <super::types::#request as crate::Command>::PATH,
                pay_types: <super::types::#request as crate::Command>::PAY_TYPES,
                rules: <super::types::#request as crate::Command>::RULES,
            }
        }
    });

    // Servers (stable sort: the spec's order within an environment) and
    // security schemes.
    let mut servers: Vec<&Server> = spec.servers.iter().collect();
    servers.sort_by_key(|s| s.environment);
    let current = |env| {
        let mut current = servers.iter().filter(|s| s.environment == env);
        let url = current.find(|s| !s.deprecated).map(|s| &s.url);
        url.with_context(|| format!("no current {env:?} server"))
    };
    let (live_url, sandbox_url) = (current(Environment::Live)?, current(Environment::Sandbox)?);
    let all_hosts = servers.iter().map(|s| &s.url);
    let schemes = spec.components.security_schemes.keys();
    tokens.extend(quote! {
        /// Every command of this spec version, in spec order.
        pub const COMMANDS: &[&str] = &[#(#names),*];
        /// Every command of this spec version with its rules, in spec order.
        pub const COMMAND_TABLES: &[crate::versions::CommandTable] = &[#(#command_tables),*];
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
    let codes = spec.result_codes.iter().map(|r| {
        let note = format!("(HTTP {}, {}, {})", r.http_status, r.status, r.action_code);
        Variant::named(&r.result_code, Some(&r.description), Some(note))
    });
    let doc = "Result code (`resultCode`) of a response, webhook or redirect.";
    tokens.extend(OpenEnum::new("ResultCode", doc, codes).emit());
    let doc = "The guide's result-code table: HTTP status, resultCode, status, actionCode.";
    let ty = "crate::codes::ResultCodeInfo";
    let rows = &spec.result_codes;
    tokens.extend(const_data::table(doc, "RESULT_CODES", ty, rows)?);
    let status_doc = "Status (`status`) of an order result.";
    tokens.extend(code_enum("Status", status_doc, &spec.statuses).emit());
    let action_doc = "Action code (`actionCode`): the merchant's recommended action.";
    tokens.extend(code_enum("ActionCode", action_doc, &spec.action_codes).emit());

    // `transaction.command` of answers, webhooks and getTransactionResult: the guide's
    // own values (`update_order`), which differ from the request paths (`updateOrder`).
    let commands = &spec.webhook.commands;
    ensure!(!commands.is_empty(), "x-webhook.commands lists no command");
    let tx_commands = commands.iter().map(|c| Variant::named(c, None, None));
    let doc = "`transaction.command` of an answer, webhook or getTransactionResult (the guide's Webhook section).";
    tokens.extend(OpenEnum::new("TransactionCommand", doc, tx_commands).emit());
    tokens.extend(header_tokens(spec)?);

    rust::format(tokens)
}

/// `X-VT-Idempotency-Key` → `IDEMPOTENCY_KEY`, the stem of its constants.
fn header_stem(header: &str) -> anyhow::Result<String> {
    let bare = header.strip_prefix("X-VT-");
    let bare = bare.with_context(|| format!("header {header:?} does not start with X-VT-"))?;
    Ok(screaming(bare))
}

/// The header names of the spec as constants (`IDEMPOTENCY_KEY_HEADER`, from
/// `components.parameters` in the header and the `x-webhook.headers`), and
/// each request header's rule as a `FieldRule` (`IDEMPOTENCY_KEY_RULE`), so
/// the sandbox and the client name and check headers through generated code.
fn header_tokens(spec: &Spec) -> anyhow::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    let mut rule_names = Vec::new();
    for param in spec.components.parameters.values() {
        let (Some("header"), Some(name)) = (param.location.as_deref(), &param.name) else {
            continue;
        };
        let stem = header_stem(name)?;
        let (konst, rule_name) = (format_ident!("{stem}_HEADER"), format_ident!("{stem}_RULE"));
        let doc = format!("`{name}` request header: {}", param.description);
        let rule_doc = format!("The rule of a `{name}` header that is sent (its `schema`).");
        let rule = const_data::to_tokens(&FieldRule {
            path: name.to_string(),
            // A header that is sent must carry a value: an empty one is refused.
            required: true,
            max_length: param.schema.max_length.map(|n| n as u64),
            charset: charset(param.schema.pattern.as_ref())?,
            at: PathSplit::of(name),
            ..FieldRule::default()
        })?;
        tokens.extend(quote! {
            #[doc = #doc] pub const #konst: &str = #name;
            #[doc = #rule_doc] pub const #rule_name: crate::validate::FieldRule = #rule;
        });
        rule_names.push(rule_name);
    }
    tokens.extend(quote! {
        /// The rule of every request header of this spec version (`path`: its name).
        pub const REQUEST_HEADER_RULES: &[crate::validate::FieldRule] = &[#(#rule_names),*];
    });
    for (name, header) in &spec.webhook.headers {
        let konst = format_ident!("{}_HEADER", header_stem(name)?);
        let doc = format!("`{name}` webhook header: {}", header.description);
        tokens.extend(quote! { #[doc = #doc] pub const #konst: &str = #name; });
    }
    Ok(tokens)
}

fn mod_source(spec: &Spec, version: &crate::versions::Version) -> String {
    let title = &spec.info.version;
    let (version, module) = (version.name(), version.module());
    // Written as text already in rustfmt's style, so `cargo fmt` leaves it
    // alone; the two modules below are `rustfmt::skip`.
    format!(
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
         // The methods of the code enums, written once for every version.\n\
         crate::codes::code_methods!({module});\n\
         \n\
         /// Version of the guide this module was generated from.\n\
         pub const SPEC_VERSION: &str = {title:?};\n\
         \n\
         /// This version's tables as one value, for code that chooses a version at run time\n\
         /// (see [`crate::versions`]).\n\
         pub const GUIDE: crate::versions::GuideVersion = crate::versions::GuideVersion {{\n\
         \x20   folder: {version:?},\n\
         \x20   title: SPEC_VERSION,\n\
         \x20   commands: COMMAND_TABLES,\n\
         \x20   result_codes: RESULT_CODES,\n\
         \x20   live_url: LIVE_URL,\n\
         \x20   sandbox_url: SANDBOX_URL,\n\
         \x20   servers: SERVERS,\n\
         \x20   security_schemes: SECURITY_SCHEMES,\n\
         \x20   request_headers: REQUEST_HEADER_RULES,\n\
         }};\n"
    )
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

    /// Every version folder of `specs/unified/`, as (name, module).
    fn versions() -> Vec<(String, String)> {
        let found = crate::versions::discover(&root(), SPECS).unwrap();
        found
            .iter()
            .map(|v| (v.name().into(), v.module()))
            .collect()
    }

    fn spec(version: &str) -> Value {
        spec::read(&root(), &format!("specs/unified/{version}/openapi.yaml")).unwrap()
    }

    fn typed(version: &str) -> Spec {
        serde_json::from_value(spec(version)).unwrap()
    }

    /// The limit of `field` for `pay_type`.
    fn limit<'a>(field: &'a FieldRule, pay_type: &str) -> &'a Limit {
        field
            .limits
            .iter()
            .find(|l| l.pay_type == pay_type)
            .unwrap()
    }

    #[test]
    fn specs_are_plain_openapi_3_0_3() {
        for (version, _) in &versions() {
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
            FieldRule::read("f", false, &prop, &Schema::default()).unwrap_err()
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
        let ext = FieldRule::read("f", false, &prop, &target).unwrap();
        assert_eq!(
            (ext.pay_types, ext.url),
            (vec!["au".to_string()], UrlRule::PushUrl)
        );
    }

    #[test]
    fn unknown_patterns_are_refused() {
        let read = |p: &str| charset(Some(&p.to_string()));
        assert_eq!(read("^[0-9]*$").unwrap(), Some(Charset::Digits));
        assert!(format!("{:#}", read("^[a-z]+$").unwrap_err()).contains("^[a-z]+$"));
    }

    #[test]
    fn rules_carry_per_pay_type_limits_and_one_of() {
        let ops = operations(&typed("1.1.3")).unwrap();
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
            .rules
            .fields
            .iter()
            .find(|f| f.path == "order.amount")
            .unwrap();
        assert!(amount.required);
        assert_eq!(amount.max_length, Some(12));
        assert_eq!(amount.charset, Some(Charset::Digits));
        assert_eq!(limit(amount, "au").max_digits, Some(7));
        let capture = ops.iter().find(|o| o.command == "capture").unwrap();
        assert_eq!(
            capture.rules.one_of[0].alternatives,
            vec!["paymentId", "fepOrderId"]
        );
        let push = pay
            .rules
            .fields
            .iter()
            .find(|f| f.path == "control.pushUrl")
            .unwrap();
        assert_eq!(push.url, UrlRule::PushUrl);
        let item_id = pay
            .rules
            .fields
            .iter()
            .find(|f| f.path == "item[].id")
            .unwrap();
        assert_eq!(item_id.limits.len(), 4);

        let old = operations(&typed("1.1.1-rc")).unwrap();
        let old_pay = old.iter().find(|o| o.command == "pay").unwrap();
        let old_amount = old_pay
            .rules
            .fields
            .iter()
            .find(|f| f.path == "order.amount")
            .unwrap();
        assert_eq!(limit(old_amount, "au").max_digits, Some(12));
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
        for (version, _) in &versions() {
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
        for (version, _) in &versions() {
            let ops = operations(&typed(version)).unwrap();
            let charge = ops.iter().find(|o| o.command == "charge").unwrap();
            let field = |p: &str| charge.rules.fields.iter().find(|f| f.path == p).unwrap();
            let auth = field("order.authCaptureType");
            assert_eq!(auth.required_for, vec!["paypay"], "{version}");
            let paypay = limit(auth, "paypay");
            assert_eq!(paypay.enum_values, vec!["auth_with_capture"], "{version}");
            let expiry = field("control.protocol.recoveryExpiredDatetime");
            let window = expiry.window.unwrap();
            assert_eq!(
                (window.min_minutes, window.max_minutes),
                (10, 48 * 60),
                "{version}"
            );
            let only = expiry.only_with.as_ref().unwrap();
            assert_eq!(only.path, "control.protocol.recoveryType");
            assert_eq!(only.values, vec!["recovery"]);
            let pay = ops.iter().find(|o| o.command == "pay").unwrap();
            let amount = pay
                .rules
                .fields
                .iter()
                .find(|f| f.path == "order.amount")
                .unwrap();
            let limit = |pt: &str| limit(amount, pt).clone();
            assert_eq!(limit("rakuten").minimum, Some(2), "{version}");
            assert_eq!(
                (limit("merpay").minimum, limit("merpay").maximum),
                (Some(1), Some(1_000_000))
            );
        }
        let ops = operations(&typed("1.1.3")).unwrap();
        let pay = ops.iter().find(|o| o.command == "pay").unwrap();
        for path in ["merchant.storeId", "merchant.terminalId"] {
            let f = pay.rules.fields.iter().find(|f| f.path == path).unwrap();
            let only = f.only_with.as_ref().unwrap();
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
        let err = operations(&serde_json::from_value(s).unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("recoveryKind"), "{err:#}");
    }

    /// The generated public API of each version, so a regenerated spec shows
    /// up as a reviewable diff.
    #[test]
    fn generated_api_surface() {
        for (version, module) in &versions() {
            let types = types_source(&spec(version)).unwrap();
            let tables = tables_source(&typed(version)).unwrap();
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
