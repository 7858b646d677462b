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

use anyhow::Context;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde::{Deserialize, Serialize, Serializer};

use crate::codegen::GeneratedFile;
use crate::core::const_data::{self, Path as ConstPath};
use crate::core::names::screaming;
use crate::core::spec;
use crate::core::tokens::{doc, lit};

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
    pub result_codes: Vec<ResultCodeSpec>,
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
    pub variant: String,
    pub label: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultCodeSpec {
    pub code: String,
    pub variant: String,
    pub label: String,
    pub description: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDataSpec {
    pub label: String,
    pub max_bytes: u64,
}

// The spec's rows below are also the generated tables: each serialises (with
// `const_data`) as the literal of the crate's `tables::` type of its name,
// leaving out what only the generator reads and carrying what `resolve` derives.

/// A result shape (`tables::ShapeSpec`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeSpec {
    #[serde(skip_serializing)]
    pub doc: String,
    #[serde(skip_deserializing)]
    name: String,
    pub columns: Vec<ColumnSpec>,
    #[serde(skip_deserializing)]
    rst: usize,
    #[serde(skip_deserializing)]
    ec: usize,
}

/// One column of a shape (`tables::ColumnSpec`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub name: String,
    #[serde(skip_serializing)]
    pub rust: Option<String>,
    pub label: String,
    pub format: ColumnFormat,
    #[serde(skip_serializing)]
    pub max: Option<u64>,
    #[serde(skip_serializing)]
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
    #[serde(rename = "type", skip_serializing)]
    pub ty: Option<String>,
    /// Secrets and card data are never shown in errors (from `type`, `format`).
    #[serde(skip_deserializing)]
    sensitive: bool,
    #[serde(default, skip_serializing)]
    pub sum_of: Vec<String>,
    /// `sum_of` as column indices, as the table holds it.
    #[serde(rename(serialize = "sum_of"), skip_deserializing)]
    sums: Vec<usize>,
}

/// `tables::ColumnFormat`, written in snake case in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "snake_case"))]
pub enum ColumnFormat {
    Rst,
    ErrorCode,
    Digits,
    Alnum,
    Email,
    Text,
    Amount,
    Serial,
    MaskedCard,
    Yymm,
}

/// A request parameter (`tables::FieldSpec`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    #[serde(skip_serializing)]
    pub rust: Option<String>,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    #[serde(deserialize_with = "serde_yaml::with::singleton_map::deserialize")]
    pub format: FieldFormat,
    #[serde(rename = "type", skip_serializing)]
    pub ty: Option<String>,
    #[serde(default)]
    pub guide: String,
}

/// `tables::FieldFormat`, written `ascii` or as a map of one key
/// (`{digits: {len: 6}}`, `{enum: JobType}`) in the spec.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "snake_case"), deny_unknown_fields)]
pub enum FieldFormat {
    Constant(String),
    Digits {
        len: Option<u64>,
        max: Option<u64>,
    },
    Alnum {
        max: Option<u64>,
    },
    Ascii,
    Email {
        max: u64,
    },
    Text {
        max_bytes: u64,
    },
    Amount,
    Serial,
    /// The enumeration's name; its wire values in the table.
    Enum(#[serde(serialize_with = "wires")] String),
    Count(Vec<u8>),
}

/// An operation (`tables::OperationSpec`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    pub name: String,
    #[serde(skip_serializing)]
    pub rust: String,
    pub title: String,
    #[serde(skip_serializing)]
    pub doc: String,
    pub endpoint: String,
    pub methods: Vec<Method>,
    pub fields: Vec<FieldSpec>,
    #[serde(
        default,
        deserialize_with = "serde_yaml::with::singleton_map_recursive::deserialize"
    )]
    pub rules: Vec<CrossRule>,
    /// The answer's shape; an operation with an `rt` field is a payment,
    /// whose answer depends on it.
    #[serde(serialize_with = "shape_table")]
    pub reply: String,
    #[serde(skip_deserializing)]
    payment: bool,
    /// The guide's sample answers by kind: as corrected (`csv`, `kickback`)
    /// or exactly as printed where that differs from the guide's own table
    /// (`printed_csv`, `printed_kickback`). A kind names its decoder in the
    /// crate's tests (`declare::sample`), so an unknown one does not compile.
    #[serde(default, skip_serializing)]
    pub samples: BTreeMap<String, String>,
}

/// The HTTP methods the guide accepts (serde refuses any other); in the
/// table, the crate's constant of each (`declare::method::GET`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename = "crate::declare::method")]
#[allow(clippy::upper_case_acronyms)]
pub enum Method {
    GET,
    POST,
}

/// One rule (`tables::CrossRule`), written as a map of one key
/// (`{at_least_one_of: [em, pn]}`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "snake_case"), deny_unknown_fields)]
pub enum CrossRule {
    AtLeastOneOf(Vec<String>),
    RequiredIf {
        field: String,
        when: String,
        equals: String,
    },
    OnlyIf {
        field: String,
        when: String,
        equals: String,
    },
}

/// `Enum::WIRES`, the enumeration's wire values.
fn wires<S: Serializer>(name: &str, s: S) -> Result<S::Ok, S::Error> {
    ConstPath(format!("{name}::WIRES")).serialize(s)
}

/// `Shape::SHAPE`, the shape's table as its record type holds it.
fn shape_table<S: Serializer>(shape: &str, s: S) -> Result<S::Ok, S::Error> {
    ConstPath(format!("{shape}::SHAPE")).serialize(s)
}

/// The generator's entry in `GENERATORS`.
pub const GENERATOR: crate::codegen::Generator = crate::codegen::Generator {
    name: "jpayment",
    run: generate,
};

/// Every file this generator owns.
pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    let mut spec: Spec = spec::read(root, SPEC)?;
    resolve(&mut spec)?;
    Ok(vec![GeneratedFile::rust(OUT, SPEC, &render(&spec)?)])
}

/// Fills in what the tables hold but the spec derives (indices, flags).
/// Besides what serde and the compiler of the generated code refuse (column
/// flags that would misread an answer, rules naming an unknown field: the
/// declaration macros assert them), it refuses duplicate names and sums of
/// unknown columns.
pub fn resolve(spec: &mut Spec) -> anyhow::Result<()> {
    for (name, shape) in &mut spec.shapes {
        resolve_shape(name, shape).with_context(|| format!("shape {name}"))?;
    }
    spec::unique("operation", spec.operations.iter().map(|o| o.name.as_str()))?;
    for op in &mut spec.operations {
        let names: Vec<&str> = op.fields.iter().map(|f| f.name.as_str()).collect();
        let context = || format!("operation {}", op.name);
        spec::unique("field", names.iter().copied()).with_context(context)?;
        op.payment = names.contains(&"rt");
    }
    Ok(())
}

fn resolve_shape(name: &str, shape: &mut ShapeSpec) -> anyhow::Result<()> {
    let order: Vec<String> = shape.columns.iter().map(|c| c.name.clone()).collect();
    spec::unique("column", order.iter().map(String::as_str))?;
    let index = |n: &str| order.iter().position(|c| c == n);
    shape.name = name.to_owned();
    shape.rst = index("rst").context("needs an `rst` column")?;
    shape.ec = index("ec").context("needs an `ec` column")?;
    for c in &mut shape.columns {
        c.sensitive = c.ty.is_some() || c.format == ColumnFormat::MaskedCard;
        let sums = c.sum_of.iter().map(|s| {
            index(s).with_context(|| format!("column {} sums unknown column {s}", c.name))
        });
        c.sums = sums.collect::<anyhow::Result<_>>()?;
    }
    Ok(())
}

/// The whole generated module of a resolved spec.
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
    let shapes = spec.shapes.iter().map(|(name, s)| render_shape(name, s));
    let shapes = shapes.collect::<anyhow::Result<Vec<_>>>()?;
    let operations = spec.operations.iter().map(render_operation);
    let operations = operations.collect::<anyhow::Result<Vec<_>>>()?;
    let (mut any, mut samples) = (Vec::new(), Vec::new());
    for op in &spec.operations {
        let (name, title, ident) = (&op.name, &op.title, format_ident!("{}", op.rust));
        any.push(quote!(#title #name #ident,));
        for (kind, text) in &op.samples {
            let (kind, shape): (Ident, _) = (syn::parse_str(kind)?, format_ident!("{}", op.reply));
            samples.push(quote!(#name #kind #text #shape;));
        }
    }
    let fields = spec
        .operations
        .iter()
        .flat_map(|o| o.fields.iter().map(|f| &f.name));
    let columns = spec
        .shapes
        .values()
        .flat_map(|s| s.columns.iter().map(|c| &c.name));
    // Every parameter and column name of the protocol, sorted.
    let names: BTreeSet<&String> = fields.chain(columns).collect();
    let names = names.into_iter().map(|name| {
        let konst = format_ident!("{}", name.to_ascii_uppercase());
        quote!(#konst = #name,)
    });
    let tokens = quote! {
        #![doc = #header]
        use crate::declare::prelude::*;
        gateway! {
            base_url: #base_url, other_data: #other_label #other_max,
            accepted_answer: #accepted, answer_media_type: #media,
        }
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
        let (var, wire, label) = (format_ident!("{}", v.variant), &v.wire, &v.label);
        let doc = &v.description;
        quote!(#var = #wire, #label, #doc;)
    });
    quote!(closed_enum! { #docs #ident { #(#values)* } })
}

fn render_error_codes(spec: &Spec) -> TokenStream {
    let prefix = &spec.issuer_code_prefix;
    let codes = spec.result_codes.iter().map(|c| {
        let (code, label, source, description) = (&c.code, &c.label, &c.source, &c.description);
        let var = format_ident!("{}", c.variant);
        let konst = format_ident!("{}", screaming(&c.variant));
        quote!(#var = #code, #konst, #label, #description, #source;)
    });
    quote!(error_codes! { issuer: #prefix; #(#codes)* })
}

/// A shape's table and its record: a field for each column but `rst`/`ec`,
/// text (`String`) unless its format or its (secret) `type` says otherwise.
fn render_shape(name: &str, shape: &ShapeSpec) -> anyhow::Result<TokenStream> {
    let ident = format_ident!("{name}");
    let table_name = format_ident!("{}", screaming(name));
    let (docs, table) = (doc(&shape.doc), const_data::to_tokens(shape)?);
    let order: Vec<&str> = shape.columns.iter().map(|c| c.name.as_str()).collect();
    let order = order.join(",");
    let mut fields = Vec::new();
    for (i, c) in shape.columns.iter().enumerate() {
        if [shape.rst, shape.ec].contains(&i) {
            continue;
        }
        let limit = match (c.max, c.max_bytes) {
            (Some(n), _) => format!("; the guide says at most {n} characters"),
            (None, Some(n)) => format!("; the guide says at most {n} bytes"),
            (None, None) => String::new(),
        };
        let ty = c.ty.as_deref().unwrap_or(match c.format {
            ColumnFormat::Amount => "u64",
            ColumnFormat::Serial => "u32",
            ColumnFormat::MaskedCard => "MaskedCardNumber",
            _ => "String",
        });
        let (label, cname, ty) = (&c.label, &c.name, format_ident!("{ty}"));
        let (position, i) = (lit(i as u64 + 1), lit(i as u64));
        let field = format_ident!("{}", c.rust.as_ref().unwrap_or(cname));
        let how = format_ident!("{}", if c.optional { "opt" } else { "get" });
        fields.push(quote!(#label #cname #position #limit #field: #ty = #i #how,));
    }
    Ok(quote! {
        const #table_name: ShapeSpec = #table;
        record! { #docs #ident = &#table_name, #order; #(#fields)* }
    })
}

/// An operation's table and its request: a field for each parameter but
/// constants, held as its enumeration, its (secret) `type`, or by format.
fn render_operation(op: &OperationSpec) -> anyhow::Result<TokenStream> {
    let mut fields = Vec::new();
    for field in &op.fields {
        let by_format = match &field.format {
            FieldFormat::Constant(_) => continue,
            FieldFormat::Amount => "u64",
            FieldFormat::Serial => "u32",
            FieldFormat::Count(_) => "u8",
            FieldFormat::Enum(name) => name,
            _ => "String",
        };
        let ty = field.ty.as_deref().unwrap_or(by_format);
        let (name, label, guide) = (&field.name, &field.label, &field.guide);
        let required = field.required;
        // Text and secrets: `new` takes `impl Into` of them.
        let into = (required && matches!(ty, "String" | "UserKey" | "Token")).then(|| quote!(into));
        let ty = format_ident!("{ty}");
        let member = format_ident!("{}", field.rust.as_ref().unwrap_or(name));
        let how = format_ident!("{}", if required { "required" } else { "optional" });
        fields.push(quote!(#label #guide #name #member: #ty = #how #into,));
    }
    let (title, endpoint, shape) = (&op.title, &op.endpoint, &op.reply);
    let methods: Vec<String> = op.methods.iter().map(|m| format!("{m:?}")).collect();
    let (methods, doc_text) = (methods.join(" or "), &op.doc);
    let kickback = if op.payment {
        " (`rt=1`) or `OK` and a kickback (`rt=0`)"
    } else {
        ""
    };
    let docs = format!(
        "{title}: {doc_text}\n\n`{endpoint}` ({methods}), answered with [`{shape}`]{kickback}."
    );
    let (ident, shape) = (format_ident!("{}", op.rust), format_ident!("{shape}"));
    let decode = format_ident!("{}", if op.payment { "payment" } else { "csv" });
    let (docs, table) = (doc(&docs), const_data::to_tokens(op)?);
    let table_name = format_ident!("{}", screaming(&op.rust));
    Ok(quote! {
        const #table_name: OperationSpec = #table;
        operation! { #docs #ident: #shape #decode = &#table_name; #(#fields)* }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and renders a spec text, as `generate` does.
    fn parse(text: &str) -> anyhow::Result<Spec> {
        let mut spec: Spec = spec::parse(text)?;
        resolve(&mut spec)?;
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
                .and_then(|f| match &f.format {
                    FieldFormat::Constant(value) => Some(value.clone()),
                    _ => None,
                })
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
    fn may_be_absent_marks_the_trailing_issued_columns() {
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
        // Misplaced flags are refused when the generated code compiles
        // (`jpayment_proto::tables::ShapeSpec::flags_are_consistent`).
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
      - { wire: "0", variant: Off, label: オフ, description: Off. }
      - { wire: "1", variant: On, label: オン, description: On. }
result_codes:
  - { code: ER001, variant: First, label: 一, description: The first, source: guide }
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
      - { name: cmd, label: C, format: { constant: "9" } }
      - { name: fl, rust: flag, label: F, required: true, format: { enum: Flag } }
      - { name: n, rust: count, label: N, format: { count: [2, 4] } }
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
            r#"other_data: "その他" 16,"#,
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
        let rt =
            "      - { name: rt, rust: reply, label: R, required: true, format: { enum: Flag } }\n";
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
        let base_url = r#"base_url: "https://credit.j-payment.co.jp/gateway/""#;
        assert!(flat(code).contains(&flat(base_url)));
    }
}
