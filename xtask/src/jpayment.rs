//! J-Payment: `specs/jpayment/jpayment.yaml` (a declarative description of
//! query-string requests and positional comma-separated answers, documented
//! in `specs/jpayment/README.md`) → `crates/jpayment-proto/src/generated/mod.rs`.
//!
//! The generator emits data only: each operation's and shape's table, and
//! one invocation per spec entry of the crate's hand-written declaration
//! macros (`crates/jpayment-proto/src/declare.rs`), which declare the types
//! and wire them to the crate's table-driven validator and decoder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail, ensure};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde::Deserialize;

use crate::codegen::GeneratedFile;
use crate::core::names::{pascal, screaming};
use crate::core::spec;
use crate::core::tokens::{doc, lit, opt};

const SPEC: &str = "specs/jpayment/jpayment.yaml";
const OUT: &str = "crates/jpayment-proto/src/generated/mod.rs";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub gateway: String,
    pub source: String,
    pub base_url: String,
    /// The whole direct answer to a payment sent with `rt=0`.
    pub accepted_answer: String,
    /// The media type of every answer (the guide's "HTML出力").
    pub answer_media_type: String,
    pub enums: BTreeMap<String, EnumSpec>,
    pub error_codes: Vec<ErrorCodeSpec>,
    pub issuer_code_prefix: String,
    pub shapes: BTreeMap<String, ShapeSpec>,
    /// Only a home for YAML anchors; operations list their fields.
    #[serde(rename = "fields")]
    _fields: serde::de::IgnoredAny,
    pub other_data: OtherDataSpec,
    pub operations: Vec<OperationSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    pub field: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub wire: String,
    pub rust: String,
    pub label: String,
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeSpec {
    pub code: String,
    pub rust: String,
    pub label: String,
    pub doc: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDataSpec {
    pub label: String,
    pub max_bytes: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeSpec {
    pub doc: String,
    pub columns: Vec<ColumnSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub name: String,
    pub rust: Option<String>,
    pub label: String,
    pub format: String,
    pub max: Option<u64>,
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub optional: bool,
    /// The comma-separated answer may end before this column (it then reads
    /// as empty); only for a trailing run of optional columns.
    #[serde(default)]
    pub may_be_absent: bool,
    /// Returned only in some cases (the guide's 「…のみ返却されます」): the
    /// guide's kickback samples leave the parameter out, so an empty value
    /// is not written into a kickback; only for optional columns.
    #[serde(default)]
    pub kickback_omit_empty: bool,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub sum_of: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    pub rust: Option<String>,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    pub format: String,
    pub len: Option<u64>,
    pub max: Option<u64>,
    pub max_bytes: Option<u64>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    #[serde(rename = "enum")]
    pub enumeration: Option<String>,
    pub allowed: Option<Vec<u8>>,
    pub value: Option<String>,
    pub guide: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    pub name: String,
    pub rust: String,
    pub title: String,
    pub doc: String,
    pub endpoint: String,
    pub methods: Vec<Method>,
    pub fields: Vec<FieldSpec>,
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    pub rules: Vec<Rule>,
    /// The answer's shape; an operation with an `rt` field is a payment,
    /// whose answer depends on it.
    pub reply: String,
    /// The guide's sample answers by kind: as corrected (`csv`, `kickback`)
    /// or exactly as printed where that differs from the guide's own table
    /// (`printed_csv`, `printed_kickback`). A kind names its decoder in the
    /// crate's tests (`declare::sample`), so an unknown one does not compile.
    #[serde(default)]
    pub samples: BTreeMap<String, String>,
}

/// The HTTP methods the guide accepts (serde refuses any other).
#[derive(Debug, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub enum Method {
    GET,
    POST,
}

/// One rule, written as a map of one key (`{at_least_one_of: [em, pn]}`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    AtLeastOneOf(Vec<String>),
    RequiredIf(Condition),
    OnlyIf(Condition),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub when: String,
    pub equals: String,
}

impl Rule {
    /// The rule's row of the table, once every field it names is one of `names`.
    fn render(&self, names: &[&str]) -> anyhow::Result<TokenStream> {
        let (row, named) = match self {
            Rule::AtLeastOneOf(f) => (quote!(AtLeastOneOf(&[#(#f),*])), f.iter().collect()),
            Rule::RequiredIf(c) => (quote!(RequiredIf #c), vec![&c.field, &c.when]),
            Rule::OnlyIf(c) => (quote!(OnlyIf #c), vec![&c.field, &c.when]),
        };
        if let Some(m) = named.into_iter().find(|m| !names.contains(&m.as_str())) {
            bail!("rule names unknown field {m}");
        }
        Ok(quote!(CrossRule::#row))
    }
}

impl quote::ToTokens for Condition {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let (f, w, e) = (&self.field, &self.when, &self.equals);
        tokens.extend(quote!({ field: #f, when: #w, equals: #e }));
    }
}

/// The generator's entry in `GENERATORS`.
pub const GENERATOR: crate::codegen::Generator = crate::codegen::Generator {
    name: "jpayment",
    run: generate,
};

/// Every file this generator owns.
pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    let spec: Spec = spec::read(root, SPEC)?;
    Ok(vec![GeneratedFile::rust(OUT, SPEC, &render(&spec)?)])
}

fn rust_name(name: &str, rust: Option<&String>) -> Ident {
    format_ident!("{}", rust.map_or(name, String::as_str))
}

/// The whole generated module. Besides what serde and the compiler of the
/// generated code refuse, it refuses names that only the runtime tables
/// mention (rules, sums) and column flags that would misread an answer.
pub fn render(spec: &Spec) -> anyhow::Result<String> {
    let header = format!(
        " Generated from `{SPEC}` ({}, written from `{}`): request and result types, their tables and wire conversions.",
        spec.gateway, spec.source
    );
    let (base_url, accepted) = (&spec.base_url, &spec.accepted_answer);
    let (media, other_label) = (&spec.answer_media_type, &spec.other_data.label);
    let other_max = lit(spec.other_data.max_bytes);
    let enums = spec.enums.iter().map(|(name, e)| render_enum(name, e));
    let error_codes = render_error_codes(spec);
    let (ops, mut shapes, mut operations) = (&spec.operations, Vec::new(), Vec::new());
    for (name, shape) in &spec.shapes {
        shapes.push(render_shape(name, shape).context(format!("shape {name}"))?);
    }
    spec::unique("operation", ops.iter().map(|o| o.name.as_str()))?;
    let (mut any, mut samples) = (Vec::new(), Vec::new());
    for op in ops {
        let (name, title, ident) = (&op.name, &op.title, format_ident!("{}", op.rust));
        operations.push(render_operation(spec, op).context(format!("operation {name}"))?);
        any.push(quote!(#title #name #ident,));
        for (kind, text) in &op.samples {
            let (kind, shape): (Ident, _) = (syn::parse_str(kind)?, format_ident!("{}", op.reply));
            samples.push(quote!(#name #kind #text #shape;));
        }
    }
    let fields = ops.iter().flat_map(|o| &o.fields).map(|f| &f.name);
    let columns = spec.shapes.values().flat_map(|s| &s.columns);
    // Every parameter and column name of the protocol, sorted.
    let names: BTreeSet<&String> = fields.chain(columns.map(|c| &c.name)).collect();
    let names = names.into_iter().map(|name| {
        let konst = format_ident!("{}", name.to_ascii_uppercase());
        quote!(#konst = #name,)
    });
    let tokens = quote! {
        #![doc = #header]
        use crate::declare::{any_request, closed_enum, error_codes, names, operation, record, samples};
        use crate::response::Record;
        use crate::tables::{ColumnFormat, ColumnSpec, CrossRule, FieldFormat, FieldSpec, OperationSpec, ShapeSpec};
        use crate::values::{MaskedCardNumber, Secret, Token, UserKey};

        /// The production gateway; every endpoint is relative to it.
        pub const BASE_URL: &str = #base_url;

        #[doc = concat!("Limit of the free other data (", #other_label, "), in bytes as sent.")]
        pub const OTHER_DATA_MAX_BYTES: usize = #other_max;

        /// The whole direct answer to a payment sent with `rt=0`.
        pub const ACCEPTED_ANSWER: &str = #accepted;

        /// The media type of every answer (the guide's "HTML出力"), without its charset.
        pub const ANSWER_MEDIA_TYPE: &str = #media;

        names! { #(#names)* }
        #(#enums)*
        #error_codes
        #(#shapes)*
        #(#operations)*
        any_request! { #(#any)* }
        samples! { #(#samples)* }
    };
    crate::core::rust::format(tokens)
}

fn render_enum(name: &str, e: &EnumSpec) -> TokenStream {
    let ident = format_ident!("{name}");
    let docs = doc(&format!("{} (`{}`).", e.doc, e.field));
    let values = e.values.iter().map(|v| {
        let (var, wire, label, doc) = (format_ident!("{}", v.rust), &v.wire, &v.label, &v.doc);
        quote!(#var = #wire, #label, #doc;)
    });
    quote!(closed_enum! { #docs #ident { #(#values)* } })
}

fn render_error_codes(spec: &Spec) -> TokenStream {
    let prefix = &spec.issuer_code_prefix;
    let codes = spec.error_codes.iter().map(|c| {
        let (code, label, source) = (&c.code, &c.label, &c.source);
        let description = c.doc.trim_end_matches('.');
        let var = format_ident!("{}", c.rust);
        let konst = format_ident!("{}", screaming(&c.rust));
        quote!(#var = #code, #konst, #label, #description, #source;)
    });
    quote!(error_codes! { issuer: #prefix; #(#codes)* })
}

/// The column formats, separated by spaces. A column is text (`String`)
/// unless its format is one of `COLUMN_TYPES`' or its `type` names a secret
/// type.
const COLUMN_FORMATS: &str =
    "rst error_code digits alnum email text amount serial masked_card yymm";
const COLUMN_TYPES: &[(&str, &str)] = &[
    ("amount", "u64"),
    ("serial", "u32"),
    ("masked_card", "MaskedCardNumber"),
];

fn render_shape(name: &str, shape: &ShapeSpec) -> anyhow::Result<TokenStream> {
    let order: Vec<&str> = shape.columns.iter().map(|c| c.name.as_str()).collect();
    spec::unique("column", order.iter().copied())?;
    let index = |n: &str| order.iter().position(|c| *c == n);
    let rst = index("rst").context("needs an `rst` column")?;
    let ec = index("ec").context("needs an `ec` column")?;
    let (docs, order) = (doc(&shape.doc), order.join(","));
    let mut columns = Vec::new();
    let mut fields = Vec::new();
    for (i, column) in shape.columns.iter().enumerate() {
        let (cname, label, format) = (&column.name, &column.label, &column.format);
        let known = COLUMN_FORMATS.split(' ').any(|f| f == format);
        ensure!(known, "unknown column format `{format}`");
        let by_format = COLUMN_TYPES.iter().find(|(f, _)| f == format);
        let ty = column.ty.as_deref().or(by_format.map(|t| t.1));
        let format = format_ident!("{}", pascal(format));
        // Secrets and card data are never shown in errors.
        let sensitive = column.ty.is_some() || column.format == "masked_card";
        let ty = format_ident!("{}", ty.unwrap_or("String"));
        let (optional, may_be_absent) = (column.optional, column.may_be_absent);
        let kickback_omit_empty = column.kickback_omit_empty;
        ensure!(
            optional || !(may_be_absent || kickback_omit_empty),
            "column {cname} may be absent or left out of a kickback only if it is optional"
        );
        // A column in the middle cannot be absent from a positional line
        // without shifting the ones after it.
        ensure!(
            !may_be_absent || shape.columns[i..].iter().all(|c| c.may_be_absent),
            "column {cname} may be absent, so every column after it must be too"
        );
        let sums = column.sum_of.iter().map(|s| {
            let i = index(s).with_context(|| format!("column {cname} sums unknown column {s}"));
            i.map(|i| lit(i as u64))
        });
        let sums = sums.collect::<anyhow::Result<Vec<_>>>()?;
        columns.push(quote! {
            ColumnSpec { name: #cname, label: #label, format: ColumnFormat::#format, optional: #optional, may_be_absent: #may_be_absent, kickback_omit_empty: #kickback_omit_empty, sensitive: #sensitive, sum_of: &[#(#sums),*] }
        });
        if i == rst || i == ec {
            continue;
        }
        let limit = match (column.max, column.max_bytes) {
            (Some(n), _) => format!("; the guide says at most {n} characters"),
            (None, Some(n)) => format!("; the guide says at most {n} bytes"),
            (None, None) => String::new(),
        };
        let (position, i) = (lit(i as u64 + 1), lit(i as u64));
        let field = rust_name(cname, column.rust.as_ref());
        let how = format_ident!("{}", if optional { "opt" } else { "get" });
        fields.push(quote!(#label #cname #position #limit #field: #ty = #i #how,));
    }
    let (ident, rst, ec) = (format_ident!("{name}"), lit(rst as u64), lit(ec as u64));
    let table_name = format_ident!("{}", screaming(name));
    Ok(quote! {
        const #table_name: ShapeSpec = ShapeSpec { name: #name, columns: &[#(#columns),*], rst: #rst, ec: #ec };
        record! { #docs #ident = &#table_name, #order; #(#fields)* }
    })
}

/// A request field's row format (`FieldFormat::…`).
fn field_format(spec: &Spec, field: &FieldSpec) -> anyhow::Result<TokenStream> {
    let max = opt(field.max.map(lit));
    Ok(match field.format.as_str() {
        "constant" => {
            let value = field.value.as_deref().context("needs `value`")?;
            quote!(FieldFormat::Constant(#value))
        }
        "digits" => {
            let len = opt(field.len.map(lit));
            quote!(FieldFormat::Digits { len: #len, max: #max })
        }
        "alnum" => quote!(FieldFormat::Alnum { max: #max }),
        "ascii" => quote!(FieldFormat::Ascii),
        "email" => {
            let max = lit(field.max.context("needs `max`")?);
            quote!(FieldFormat::Email { max: #max })
        }
        "text" => {
            let max = lit(field.max_bytes.context("needs `max_bytes`")?);
            quote!(FieldFormat::Text { max_bytes: #max })
        }
        "amount" => quote!(FieldFormat::Amount),
        "serial" => quote!(FieldFormat::Serial),
        "enum" => {
            let name = field.enumeration.as_deref().context("needs `enum`")?;
            ensure!(spec.enums.contains_key(name), "unknown enum {name}");
            let ident = format_ident!("{name}");
            quote!(FieldFormat::Enum(#ident::WIRES))
        }
        "count" => {
            let allowed = field.allowed.as_ref().context("needs `allowed`")?;
            let allowed = allowed.iter().map(|n| Literal::u8_unsuffixed(*n));
            quote!(FieldFormat::Count(&[#(#allowed),*]))
        }
        other => bail!("unknown field format `{other}`"),
    })
}

/// The Rust type of a request field by format; text otherwise, and an
/// `enum` field is held as its enumeration, a field with a `type` as that
/// (secret) type.
const FIELD_TYPES: &[(&str, &str)] = &[("amount", "u64"), ("serial", "u32"), ("count", "u8")];

fn render_operation(spec: &Spec, op: &OperationSpec) -> anyhow::Result<TokenStream> {
    let names: Vec<&str> = op.fields.iter().map(|f| f.name.as_str()).collect();
    spec::unique("field", names.iter().copied())?;
    let mut table = Vec::new();
    let mut fields = Vec::new();
    for field in &op.fields {
        let (name, label, required) = (&field.name, &field.label, field.required);
        let format = field_format(spec, field).with_context(|| format!("field {name}"))?;
        let guide = field.guide.as_deref().unwrap_or_default();
        table.push(quote! {
            FieldSpec { name: #name, label: #label, required: #required, format: #format, guide: #guide }
        });
        if field.format == "constant" {
            continue;
        }
        let by_format = FIELD_TYPES.iter().find(|(f, _)| *f == field.format);
        let ty = (field.ty.as_deref().or(field.enumeration.as_deref()))
            .unwrap_or(by_format.map_or("String", |(_, ty)| ty));
        // Text and secrets: `new` takes `impl Into` of them.
        let into = (required && matches!(ty, "String" | "UserKey" | "Token")).then(|| quote!(into));
        let ty = format_ident!("{ty}");
        let member = rust_name(name, field.rust.as_ref());
        let how = format_ident!("{}", if required { "required" } else { "optional" });
        fields.push(quote!(#label #guide #name #member: #ty = #how #into,));
    }
    let rules = op.rules.iter().map(|r| r.render(&names));
    let rules = rules.collect::<anyhow::Result<Vec<_>>>()?;
    let (name, title, endpoint, shape) = (&op.name, &op.title, &op.endpoint, &op.reply);
    let methods: Vec<String> = op.methods.iter().map(|m| format!("{m:?}")).collect();
    let payment = names.contains(&"rt");
    let kickback = payment.then_some(" (`rt=1`) or `OK` and a kickback (`rt=0`)");
    let docs = doc(&format!(
        "{title}: {}\n\n`{endpoint}` ({}), answered with [`{shape}`]{}.",
        op.doc,
        methods.join(" or "),
        kickback.unwrap_or_default()
    ));
    let (ident, shape) = (format_ident!("{}", op.rust), format_ident!("{shape}"));
    let decode = format_ident!("{}", if payment { "payment" } else { "csv" });
    let table_name = format_ident!("{}", screaming(&op.rust));
    Ok(quote! {
        const #table_name: OperationSpec = OperationSpec {
            name: #name,
            title: #title,
            endpoint: #endpoint,
            methods: &[#(#methods),*],
            fields: &[#(#table),*],
            rules: &[#(#rules),*],
            reply: #shape::SHAPE,
            payment: #payment,
        };
        operation! { #docs #ident: #shape #decode = &#table_name; #(#fields)* }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and renders a spec text, as `generate` does.
    fn parse(text: &str) -> anyhow::Result<Spec> {
        let spec: Spec = spec::parse(text)?;
        render(&spec)?;
        Ok(spec)
    }

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    fn spec_text() -> String {
        std::fs::read_to_string(root().join(SPEC)).unwrap()
    }

    #[test]
    fn every_guide_operation_is_specified() {
        let spec = parse(&spec_text()).unwrap();
        let ops: Vec<(&str, &str)> = spec
            .operations
            .iter()
            .map(|o| (o.endpoint.as_str(), o.name.as_str()))
            .collect();
        assert_eq!(ops.len(), 12, "{ops:?}");
        let cmd = |name: &str| {
            spec.operations
                .iter()
                .find(|o| o.name == name)
                .and_then(|o| o.fields.iter().find(|f| f.name == "cmd"))
                .and_then(|f| f.value.clone())
        };
        assert_eq!(cmd("register_user").as_deref(), Some("0"));
        assert_eq!(cmd("update_user").as_deref(), Some("1"));
        assert_eq!(cmd("delete_user").as_deref(), Some("2"));
        assert_eq!(cmd("reference_user").as_deref(), Some("3"));
        assert_eq!(cmd("register_card").as_deref(), Some("4"));
        assert_eq!(cmd("delete_card").as_deref(), Some("5"));
        assert_eq!(cmd("reference_card").as_deref(), Some("6"));
        assert_eq!(cmd("bulk_register_and_pay"), None);
    }

    #[test]
    fn shapes_follow_the_numbered_tables() {
        let spec = parse(&spec_text()).unwrap();
        let names = |shape: &str| -> Vec<String> {
            spec.shapes[shape]
                .columns
                .iter()
                .map(|c| c.name.clone())
                .collect()
        };
        assert_eq!(
            names("BulkPaymentResult").join(","),
            "gid,rst,ap,ec,god,cod,am,tx,sf,ta,id,ps,uid,key,num"
        );
        assert_eq!(
            names("OnetouchResult").join(","),
            "gid,rst,ap,ec,god,cod,am,tx,sf,ta,id,ps"
        );
        assert_eq!(
            names("CardDetails").join(","),
            "rst,ec,uid,key,num,cn,ed,fn,ln"
        );
    }

    #[test]
    fn rejects_unknown_keys_and_formats() {
        let bad = spec_text().replacen("format: alnum", "format: alphanumeric", 1);
        let err = parse(&bad).unwrap_err();
        assert!(format!("{err:#}").contains("alphanumeric"), "{err:#}");
        let typo = spec_text().replacen("optional: true", "optinal: true", 1);
        assert!(parse(&typo).is_err());
    }

    #[test]
    fn rejects_rules_on_unknown_fields() {
        let bad = spec_text().replacen("at_least_one_of: [em, pn]", "at_least_one_of: [em, pm]", 1);
        let err = parse(&bad).unwrap_err();
        assert!(format!("{err:#}").contains("pm"), "{err:#}");
    }

    #[test]
    fn rejects_a_shape_without_ec() {
        let bad = spec_text().replacen(
            "      - { name: ec, label: エラーコード, format: error_code }\n",
            "",
            1,
        );
        let err = parse(&bad).unwrap_err();
        assert!(format!("{err:#}").contains("`ec`"), "{err:#}");
    }

    #[test]
    fn may_be_absent_only_for_a_trailing_run_of_optional_columns() {
        let spec = parse(&spec_text()).unwrap();
        let absent: Vec<&str> = spec.shapes["OnetouchResult"]
            .columns
            .iter()
            .filter(|c| c.may_be_absent)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(absent, ["id", "ps"]);
        let code = render(&spec).unwrap();
        assert!(code.contains("may_be_absent: true"));
        // Not optional: refused.
        let required = TINY.replace(
            "{ name: t, rust: total, label: T, format: amount, sum_of: [a, b] }",
            "{ name: t, rust: total, label: T, format: amount, sum_of: [a, b], may_be_absent: true }",
        );
        let err = parse(&required).unwrap_err();
        assert!(
            format!("{err:#}").contains("only if it is optional"),
            "{err:#}"
        );
        // In the middle of the line: refused.
        let middle = TINY.replace(
            "{ name: a, rust: alpha, label: A, format: amount }",
            "{ name: a, rust: alpha, label: A, format: amount, optional: true, may_be_absent: true }",
        );
        let err = parse(&middle).unwrap_err();
        assert!(
            format!("{err:#}").contains("every column after it"),
            "{err:#}"
        );
    }

    const TINY: &str = r#"
gateway: Tiny
source: tiny.txt
base_url: https://example.invalid/
accepted_answer: OK
answer_media_type: text/html
enums:
  Flag:
    field: fl
    doc: A flag.
    values:
      - { wire: "0", rust: Off, label: オフ, doc: Off. }
      - { wire: "1", rust: On, label: オン, doc: On. }
error_codes:
  - { code: ER001, rust: First, label: 一, doc: The first., source: guide }
issuer_code_prefix: G
shapes:
  Thing:
    doc: A thing.
    columns:
      - { name: rst, label: 結果, format: rst }
      - { name: ec, label: エラーコード, format: error_code }
      - { name: a, rust: alpha, label: A, format: amount }
      - { name: b, label: B, format: amount }
      - { name: t, rust: total, label: T, format: amount, sum_of: [a, b] }
fields: {}
other_data: { label: その他, max_bytes: 16 }
operations:
  - name: make_thing
    rust: MakeThing
    title: 作成
    doc: Makes a thing.
    endpoint: thing.aspx
    methods: [POST]
    fields:
      - { name: cmd, label: C, format: constant, value: "9" }
      - { name: fl, rust: flag, label: F, required: true, format: enum, enum: Flag }
      - { name: n, rust: count, label: N, format: count, allowed: [2, 4] }
    rules: [{ required_if: { field: n, when: fl, equals: "1" } }]
    reply: Thing
"#;

    /// The code without whitespace: macro bodies are laid out by
    /// prettyplease's token filling, which moves line breaks around.
    fn flat(code: &str) -> String {
        code.split_whitespace().collect()
    }

    #[test]
    fn a_tiny_spec_renders_every_construct() {
        let spec = parse(TINY).unwrap();
        let code = render(&spec).unwrap();
        syn::parse_file(&code).unwrap();
        for expected in [
            r#"Flag { Off = "0", "オフ", "Off."; On = "1", "オン", "On."; }"#,
            r#"First = "ER001", FIRST, "一", "The first", "guide";"#,
            "const THING: ShapeSpec",
            r#""T" "t" 5 "" total: u64 = 4 get"#,
            "sum_of: &[2, 3]",
            "MakeThing: Thing csv = &MAKE_THING;",
            r#""F" "" "fl" flag: Flag = required,"#,
            r#""N" "" "n" count: u8 = optional,"#,
            r#"FieldFormat::Constant("9")"#,
            "FieldFormat::Count(&[2, 4])",
            "CrossRule::RequiredIf",
            "payment: false",
            "pub const OTHER_DATA_MAX_BYTES: usize = 16;",
            r#"names! { A = "a", B = "b", CMD = "cmd", EC = "ec", FL = "fl", N = "n", RST = "rst", T = "t", }"#,
        ] {
            assert!(
                flat(&code).contains(&flat(expected)),
                "missing {expected:?} in\n{code}"
            );
        }
    }

    #[test]
    fn an_operation_with_rt_is_a_payment_and_a_rule_has_one_key() {
        let rt = "      - { name: rt, rust: reply, label: R, required: true, format: enum, enum: Flag }\n";
        let with_rt = TINY.replace("    rules:", &format!("{rt}    rules:"));
        let code = render(&parse(&with_rt).unwrap()).unwrap();
        for expected in ["MakeThing: Thing payment = &MAKE_THING;", "payment: true"] {
            assert!(
                flat(&code).contains(&flat(expected)),
                "missing {expected:?} in\n{code}"
            );
        }
        let two = TINY.replace(
            "rules: [{ required_if: { field: n, when: fl, equals: \"1\" } }]",
            "rules: [{ at_least_one_of: [n], only_if: { field: n, when: fl, equals: \"1\" } }]",
        );
        let err = parse(&two).unwrap_err();
        assert!(format!("{err:#}").contains("a single key"), "{err:#}");
    }

    #[test]
    fn generated_code_carries_the_tables() {
        let files = generate(&root()).unwrap();
        let code = &files[0].contents;
        assert!(flat(code).contains("OnetouchCharge:OnetouchResultpayment=&ONETOUCH_CHARGE;"));
        assert!(code.contains("endpoint: \"onetouch.aspx\""));
        assert!(code.contains("FieldFormat::Count(&[3, 5, 6, 10, 12, 15, 18, 20, 24])"));
        assert!(
            code.contains("pub const BASE_URL: &str = \"https://credit.j-payment.co.jp/gateway/\"")
        );
    }
}
