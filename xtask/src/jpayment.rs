//! J-Payment: `specs/jpayment/jpayment.yaml` (a declarative description of
//! query-string requests and positional comma-separated answers, documented
//! in `specs/jpayment/README.md`) → `crates/jpayment-proto/src/generated/mod.rs`.
//!
//! The generated module holds the request and result types, their tables
//! (which the crate's hand-written validator and decoder interpret) and the
//! conversions between typed fields and wire values.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail, ensure};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;

use crate::codegen::GeneratedFile;
use crate::core::names::{screaming, variant};
use crate::core::spec;
use crate::core::tokens::{doc, opt};

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
    pub max_bytes: usize,
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
    pub max: Option<usize>,
    pub max_bytes: Option<usize>,
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
    pub len: Option<usize>,
    pub max: Option<usize>,
    pub max_bytes: Option<usize>,
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
    pub methods: Vec<String>,
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    pub reply: ReplySpec,
    pub sample: Option<String>,
    pub printed_sample: Option<String>,
    pub kickback_sample: Option<String>,
    pub printed_kickback_sample: Option<String>,
}

/// One rule: exactly one of its keys is set (serde_yaml would want YAML
/// tags for an enum, which read worse in a spec).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    pub at_least_one_of: Option<Vec<String>>,
    pub required_if: Option<Condition>,
    pub only_if: Option<Condition>,
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "RuleEntry")]
pub enum Rule {
    AtLeastOneOf(Vec<String>),
    RequiredIf(Condition),
    OnlyIf(Condition),
}

impl TryFrom<RuleEntry> for Rule {
    type Error = String;

    fn try_from(entry: RuleEntry) -> Result<Self, String> {
        match (entry.at_least_one_of, entry.required_if, entry.only_if) {
            (Some(names), None, None) => Ok(Rule::AtLeastOneOf(names)),
            (None, Some(c), None) => Ok(Rule::RequiredIf(c)),
            (None, None, Some(c)) => Ok(Rule::OnlyIf(c)),
            _ => Err("a rule has exactly one of at_least_one_of, required_if, only_if".into()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub when: String,
    pub equals: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplySpec {
    pub csv: Option<String>,
    pub payment: Option<String>,
}

impl ReplySpec {
    fn shape(&self) -> anyhow::Result<(&str, bool)> {
        match (&self.csv, &self.payment) {
            (Some(s), None) => Ok((s, false)),
            (None, Some(s)) => Ok((s, true)),
            _ => bail!("reply needs exactly one of `csv` and `payment`"),
        }
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
    check(&spec)?;
    let body = render(&spec)?;
    Ok(vec![GeneratedFile::rust(OUT, SPEC, &body)])
}

/// Consistency checks the YAML schema cannot express.
fn check(spec: &Spec) -> anyhow::Result<()> {
    for (name, shape) in &spec.shapes {
        let names: Vec<&str> = shape.columns.iter().map(|c| c.name.as_str()).collect();
        for control in ["rst", "ec"] {
            ensure!(
                names.iter().filter(|n| **n == control).count() == 1,
                "shape {name}: needs exactly one `{control}` column"
            );
        }
        spec::unique(&format!("shape {name}: column"), names.iter().copied())?;
        for (i, column) in shape.columns.iter().enumerate() {
            column_format(&column.format)
                .with_context(|| format!("shape {name}, column {}", column.name))?;
            ensure!(
                !column.kickback_omit_empty || column.optional,
                "shape {name}: column {} may be left out of a kickback only if it is optional",
                column.name
            );
            if column.may_be_absent {
                ensure!(
                    column.optional,
                    "shape {name}: column {} may be absent only if it is optional",
                    column.name
                );
                // A column in the middle cannot be absent from a positional
                // line without shifting the ones after it.
                ensure!(
                    shape.columns[i..].iter().all(|c| c.may_be_absent),
                    "shape {name}: column {} may be absent, so every column after it must be too",
                    column.name
                );
            }
            for part in &column.sum_of {
                ensure!(
                    names.contains(&part.as_str()),
                    "shape {name}: {} sums unknown column {part}",
                    column.name
                );
            }
        }
    }
    spec::unique("operation", spec.operations.iter().map(|o| o.name.as_str()))?;
    for op in &spec.operations {
        let (shape, _) = op.reply.shape()?;
        ensure!(
            spec.shapes.contains_key(shape),
            "operation {}: unknown shape {shape}",
            op.name
        );
        ensure!(
            op.methods.iter().all(|m| m == "GET" || m == "POST"),
            "operation {}: methods are GET and POST",
            op.name
        );
        let names: Vec<&str> = op.fields.iter().map(|f| f.name.as_str()).collect();
        spec::unique(
            &format!("operation {}: field", op.name),
            names.iter().copied(),
        )?;
        for field in &op.fields {
            field_format(spec, field)
                .with_context(|| format!("operation {}, field {}", op.name, field.name))?;
        }
        for rule in &op.rules {
            let mentioned: Vec<&String> = match rule {
                Rule::AtLeastOneOf(fields) => fields.iter().collect(),
                Rule::RequiredIf(c) | Rule::OnlyIf(c) => vec![&c.field, &c.when],
            };
            for m in mentioned {
                ensure!(
                    names.contains(&m.as_str()),
                    "operation {}: rule names unknown field {m}",
                    op.name
                );
            }
        }
        if op.reply.payment.is_some() {
            ensure!(
                names.contains(&"rt"),
                "operation {}: a payment needs `rt`",
                op.name
            );
        }
    }
    Ok(())
}

fn column_format(format: &str) -> anyhow::Result<proc_macro2::Ident> {
    const FORMATS: &[&str] = &[
        "rst",
        "error_code",
        "digits",
        "alnum",
        "email",
        "text",
        "amount",
        "serial",
        "masked_card",
        "yymm",
    ];
    variant("column format", format, FORMATS)
}

fn lit(n: usize) -> proc_macro2::Literal {
    crate::core::tokens::lit(n as u64)
}

fn opt_usize(v: Option<usize>) -> TokenStream {
    opt(v.map(lit))
}

fn field_format(spec: &Spec, field: &FieldSpec) -> anyhow::Result<TokenStream> {
    Ok(match field.format.as_str() {
        "constant" => {
            let value = field.value.as_deref().context("a constant needs `value`")?;
            quote!(FieldFormat::Constant(#value))
        }
        "digits" => {
            let len = opt_usize(field.len);
            let max = opt_usize(field.max);
            quote!(FieldFormat::Digits { len: #len, max: #max })
        }
        "alnum" => {
            let max = opt_usize(field.max);
            quote!(FieldFormat::Alnum { max: #max })
        }
        "ascii" => quote!(FieldFormat::Ascii),
        "email" => {
            let max = lit(field.max.context("an e-mail field needs `max`")?);
            quote!(FieldFormat::Email { max: #max })
        }
        "text" => {
            let max = lit(field.max_bytes.context("a text field needs `max_bytes`")?);
            quote!(FieldFormat::Text { max_bytes: #max })
        }
        "amount" => quote!(FieldFormat::Amount),
        "serial" => quote!(FieldFormat::Serial),
        "enum" => {
            let name = field
                .enumeration
                .as_deref()
                .context("an enum field needs `enum`")?;
            let e = spec
                .enums
                .get(name)
                .with_context(|| format!("unknown enum {name}"))?;
            let wires = e.values.iter().map(|v| &v.wire);
            quote!(FieldFormat::Enum(&[#(#wires),*]))
        }
        "count" => {
            let allowed = field
                .allowed
                .as_ref()
                .context("a count field needs `allowed`")?
                .iter()
                .map(|n| proc_macro2::Literal::u8_unsuffixed(*n));
            quote!(FieldFormat::Count(&[#(#allowed),*]))
        }
        other => bail!("unknown field format `{other}`"),
    })
}

fn rust_name(name: &str, rust: Option<&String>) -> proc_macro2::Ident {
    format_ident!("{}", rust.map(String::as_str).unwrap_or(name))
}

/// The whole generated module.
pub fn render(spec: &Spec) -> anyhow::Result<String> {
    let header = format!(
        " Generated from `{SPEC}` ({}, written from `{}`): request and result types, their tables and wire conversions.",
        spec.gateway, spec.source
    );
    let base_url = &spec.base_url;
    let other_max = lit(spec.other_data.max_bytes);
    let other_label = &spec.other_data.label;
    let reserved = parameter_names(spec).into_iter();
    let enums = spec
        .enums
        .iter()
        .map(|(name, e)| render_enum(name, e))
        .collect::<Vec<_>>();
    let error_code = render_error_codes(spec);
    let shapes = spec
        .shapes
        .iter()
        .map(|(name, shape)| render_shape(name, shape))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ops = spec
        .operations
        .iter()
        .map(|op| render_operation(spec, op))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let samples = render_samples(spec)?;
    let any = render_any_request(spec);
    let names = render_names(spec);
    let tokens = quote! {
        #![doc = #header]
        use std::fmt;

        use crate::charset::Charset;
        use crate::error::{Error, MalformedResponse};
        use crate::error::ValidationError;
        use crate::request::{Operation, Received};
        use crate::response::{PaymentReply, Record, Row, ToColumn};
        use crate::tables::{ColumnFormat, ColumnSpec, CrossRule, FieldFormat, FieldSpec, OperationSpec, ShapeSpec};
        use crate::values::{Echo, MaskedCardNumber, OtherData, Secret, Token, UserKey};

        /// The production gateway; every endpoint is relative to it.
        pub const BASE_URL: &str = #base_url;

        #[doc = concat!("Limit of the free other data (", #other_label, "), in bytes as sent.")]
        pub const OTHER_DATA_MAX_BYTES: usize = #other_max;

        /// Every parameter name of the protocol; none may be used as other data.
        pub const RESERVED_NAMES: &[&str] = &[#(#reserved),*];

        #(#enums)*
        #error_code
        #(#shapes)*
        #(#ops)*
        #any
        #names
        #samples
    };
    crate::core::rust::format(tokens)
}

fn render_enum(name: &str, e: &EnumSpec) -> TokenStream {
    let ident = format_ident!("{name}");
    let docs = doc(&format!("{} (`{}`).", e.doc, e.field));
    let vars: Vec<_> = e
        .values
        .iter()
        .map(|v| format_ident!("{}", v.rust))
        .collect();
    let var_docs = e
        .values
        .iter()
        .map(|v| doc(&format!("`{}`: {} ({})", v.wire, v.doc, v.label)));
    let wires: Vec<_> = e.values.iter().map(|v| &v.wire).collect();
    let labels = e.values.iter().map(|v| &v.label);
    let variants = quote!(#(#var_docs #vars),*);
    let wire_arms = quote!(#(#ident::#vars => #wires),*);
    let label_arms = quote!(#(#ident::#vars => #labels),*);
    let from_arms = quote!(#(#wires => Some(#ident::#vars),)*);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #ident { #variants }

        impl #ident {
            /// The value on the wire.
            pub fn as_wire(self) -> &'static str {
                match self { #wire_arms }
            }

            /// The guide's Japanese label.
            pub fn label(self) -> &'static str {
                match self { #label_arms }
            }

            /// The value for a wire value, if it is one of the guide's.
            pub fn from_wire(wire: &str) -> Option<Self> {
                match wire { #from_arms _ => None }
            }
        }

        impl fmt::Display for #ident {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_wire())
            }
        }
    }
}

fn render_error_codes(spec: &Spec) -> TokenStream {
    let prefix = &spec.issuer_code_prefix;
    let codes = &spec.error_codes;
    let vars: Vec<_> = codes.iter().map(|c| format_ident!("{}", c.rust)).collect();
    let consts: Vec<_> = codes
        .iter()
        .map(|c| format_ident!("{}", screaming(&c.rust)))
        .collect();
    let wires = codes.iter().map(|c| &c.code);
    let var_docs = codes.iter().map(|c| {
        doc(&format!(
            "`{}` {}: {} (source: {})",
            c.code, c.label, c.doc, c.source
        ))
    });
    let variants = quote!(#(#var_docs #vars,)*);
    let parse_arms = quote!(#(#wires => ErrorCode::#vars,)*);
    let str_arms = quote!(#(ErrorCode::#vars => Self::#consts,)*);
    // The wire codes as constants, so servers (the sandbox) answer with the
    // spec's codes instead of spelling them again.
    let const_items = codes.iter().zip(&consts).map(|(c, konst)| {
        let code = &c.code;
        let d = doc(&format!(
            "`{code}` ({}), the wire code of [`ErrorCode::{}`].",
            c.label, c.rust
        ));
        quote!(#d pub const #konst: &'static str = #code;)
    });
    let descriptions = codes
        .iter()
        .map(|c| format!("{} ({})", c.doc.trim_end_matches('.'), c.label));
    let desc_arms = quote!(#(ErrorCode::#vars => #descriptions,)*);
    let issuer_doc = doc(&format!(
        "A card company code (starting with `{prefix}`): the card was refused after the gateway asked the card company."
    ));
    quote! {
        /// Card company codes start with this.
        pub const ISSUER_CODE_PREFIX: &str = #prefix;

        /// An error code of the gateway (`ec`, or a bare answer). New codes
        /// never break decoding: they are kept in `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            #variants
            #issuer_doc
            Issuer(String),
            /// A code this crate does not know, verbatim.
            Unknown(String),
        }

        impl ErrorCode {
            #(#const_items)*

            /// Classifies a code as received.
            pub fn parse(code: &str) -> Self {
                match code {
                    #parse_arms
                    c if c.len() > ISSUER_CODE_PREFIX.len() && c.starts_with(ISSUER_CODE_PREFIX) => ErrorCode::Issuer(c.to_owned()),
                    c => ErrorCode::Unknown(c.to_owned()),
                }
            }

            /// The code as received.
            pub fn as_str(&self) -> &str {
                match self {
                    #str_arms
                    ErrorCode::Issuer(c) | ErrorCode::Unknown(c) => c,
                }
            }

            /// What the code means, as far as the guide and public sources say.
            pub fn description(&self) -> &'static str {
                match self {
                    #desc_arms
                    ErrorCode::Issuer(_) => "refused by the card company",
                    ErrorCode::Unknown(_) => "not documented",
                }
            }
        }

        impl fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// The Rust type of a result column, and whether it is sensitive.
fn column_type(column: &ColumnSpec) -> (TokenStream, bool) {
    match (column.ty.as_deref(), column.format.as_str()) {
        (Some("UserKey"), _) => (quote!(UserKey), true),
        (Some("Secret"), _) => (quote!(Secret), true),
        (_, "masked_card") => (quote!(MaskedCardNumber), true),
        (_, "amount") => (quote!(u64), false),
        (_, "serial") => (quote!(u32), false),
        _ => (quote!(String), false),
    }
}

fn render_shape(name: &str, shape: &ShapeSpec) -> anyhow::Result<TokenStream> {
    let ident = format_ident!("{name}");
    let index = |n: &str| shape.columns.iter().position(|c| c.name == n);
    let rst = index("rst").context("no rst")?;
    let ec = index("ec").context("no ec")?;
    let order: Vec<&str> = shape.columns.iter().map(|c| c.name.as_str()).collect();
    let docs = doc(&format!(
        "{}\n\nColumns in order: `{}`, then the echoed other data.",
        shape.doc,
        order.join(",")
    ));
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut columns = Vec::new();
    let mut wire = Vec::new();
    for (i, column) in shape.columns.iter().enumerate() {
        let cname = &column.name;
        let label = &column.label;
        let format = column_format(&column.format)?;
        let optional = column.optional;
        let may_be_absent = column.may_be_absent;
        let kickback_omit_empty = column.kickback_omit_empty;
        let (ty, sensitive) = column_type(column);
        let sums = column
            .sum_of
            .iter()
            .map(|s| index(s).map(lit).context("unknown sum column"))
            .collect::<anyhow::Result<Vec<_>>>()?;
        columns.push(quote! {
            ColumnSpec { name: #cname, label: #label, format: ColumnFormat::#format, optional: #optional, may_be_absent: #may_be_absent, kickback_omit_empty: #kickback_omit_empty, sensitive: #sensitive, sum_of: &[#(#sums),*] }
        });
        if i == rst {
            wire.push(quote!("1".to_owned()));
            continue;
        }
        if i == ec {
            wire.push(quote!(String::new()));
            continue;
        }
        let field = rust_name(cname, column.rust.as_ref());
        let position = i + 1;
        let i = lit(i);
        let limit = match (column.max, column.max_bytes) {
            (Some(n), _) => format!("; the guide says at most {n} characters"),
            (None, Some(n)) => format!("; the guide says at most {n} bytes"),
            (None, None) => String::new(),
        };
        let d = doc(&format!("{label} (`{cname}`, column {position}{limit})."));
        if optional {
            fields.push(quote!(#d pub #field: Option<#ty>));
            inits.push(quote!(#field: row.opt(#i)?));
            wire.push(quote!(self.#field.as_ref().map(ToColumn::to_column).unwrap_or_default()));
        } else {
            wire.push(quote!(self.#field.to_column()));
            fields.push(quote!(#d pub #field: #ty));
            inits.push(quote!(#field: row.get(#i)?));
        }
    }
    let (rst_lit, ec_lit) = (lit(rst), lit(ec));
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #ident {
            #(#fields,)*
            /// The other data echoed back (その他データ).
            pub echo: Echo,
        }

        impl Record for #ident {
            const SHAPE: &'static ShapeSpec = &ShapeSpec {
                name: #name,
                columns: &[#(#columns),*],
                rst: #rst_lit,
                ec: #ec_lit,
            };

            fn from_row(row: &Row) -> Result<Self, MalformedResponse> {
                Ok(Self { #(#inits,)* echo: row.echo() })
            }

            fn to_columns(&self) -> Vec<String> {
                vec![#(#wire),*]
            }

            fn echo(&self) -> &Echo {
                &self.echo
            }
        }
    })
}

/// How a request field is held and turned into its wire value.
struct RequestField {
    /// `|v: &str| -> Option<ty>` reading a received wire value.
    parse: TokenStream,
    ty: TokenStream,
    /// `new` takes `impl Into<ty>` rather than `ty`.
    into: bool,
    to_wire: fn(TokenStream) -> TokenStream,
}

fn request_field(field: &FieldSpec) -> anyhow::Result<RequestField> {
    let number = |ty: TokenStream| RequestField {
        parse: quote!(|v: &str| v.parse().ok()),
        ty,
        into: false,
        to_wire: |v| quote!(#v.to_string()),
    };
    Ok(match (field.ty.as_deref(), field.format.as_str()) {
        (Some(t @ ("UserKey" | "Token")), _) => {
            let ty = format_ident!("{t}");
            RequestField {
                parse: quote!(|v: &str| Some(#ty::new(v))),
                ty: quote!(#ty),
                into: true,
                to_wire: |v| quote!(#v.expose_secret().to_owned()),
            }
        }
        (Some(other), _) => bail!("unknown request type {other}"),
        (None, "amount") => number(quote!(u64)),
        (None, "serial") => number(quote!(u32)),
        (None, "count") => number(quote!(u8)),
        (None, "enum") => {
            let e = format_ident!("{}", field.enumeration.as_deref().context("enum")?);
            RequestField {
                parse: quote!(#e::from_wire),
                ty: quote!(#e),
                into: false,
                to_wire: |v| quote!(#v.as_wire().to_owned()),
            }
        }
        (None, _) => RequestField {
            parse: quote!(|v: &str| Some(v.to_owned())),
            ty: quote!(String),
            into: true,
            to_wire: |v| quote!(#v.clone()),
        },
    })
}

fn render_operation(spec: &Spec, op: &OperationSpec) -> anyhow::Result<TokenStream> {
    let ident = format_ident!("{}", op.rust);
    let (shape, payment) = op.reply.shape()?;
    let shape_ident = format_ident!("{shape}");
    let mut table = Vec::new();
    let mut fields = Vec::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut wire = Vec::new();
    let mut received = Vec::new();
    for field in &op.fields {
        let name = &field.name;
        let label = &field.label;
        let required = field.required;
        let format = field_format(spec, field)?;
        let guide = field.guide.clone().unwrap_or_default();
        table.push(quote! {
            FieldSpec { name: #name, label: #label, required: #required, format: #format, guide: #guide }
        });
        if field.format == "constant" {
            let value = field.value.as_deref().context("constant")?;
            wire.push(quote!((#name, Some(#value.to_owned()))));
            continue;
        }
        let rf = request_field(field)?;
        let member = rust_name(name, field.rust.as_ref());
        let parse = &rf.parse;
        if required {
            received.push(quote!(#member: received.required(#name, #parse)?));
        } else {
            received.push(quote!(#member: received.optional(#name, #parse)?));
        }
        let ty = &rf.ty;
        let need = if required { "required" } else { "optional" };
        let d = doc(&format!("{label} (`{name}`, {need}; guide: {guide})."));
        if required {
            fields.push(quote!(#d pub #member: #ty));
            if rf.into {
                args.push(quote!(#member: impl Into<#ty>));
                inits.push(quote!(#member: #member.into()));
            } else {
                args.push(quote!(#member: #ty));
                inits.push(quote!(#member));
            }
            let value = (rf.to_wire)(quote!(self.#member));
            wire.push(quote!((#name, Some(#value))));
        } else {
            fields.push(quote!(#d pub #member: Option<#ty>));
            inits.push(quote!(#member: None));
            let value = (rf.to_wire)(quote!(v));
            wire.push(quote!((#name, self.#member.as_ref().map(|v| #value))));
        }
    }
    let rules = op.rules.iter().map(|rule| match rule {
        Rule::AtLeastOneOf(names) => quote!(CrossRule::AtLeastOneOf(&[#(#names),*])),
        Rule::RequiredIf(c) => {
            let (f, w, e) = (&c.field, &c.when, &c.equals);
            quote!(CrossRule::RequiredIf { field: #f, when: #w, equals: #e })
        }
        Rule::OnlyIf(c) => {
            let (f, w, e) = (&c.field, &c.when, &c.equals);
            quote!(CrossRule::OnlyIf { field: #f, when: #w, equals: #e })
        }
    });
    let name = &op.name;
    let title = &op.title;
    let endpoint = &op.endpoint;
    let methods = &op.methods;
    let docs = doc(&format!(
        "{title}: {}\n\n`{}` ({}), answered with [`{shape}`]{}.",
        op.doc,
        op.endpoint,
        op.methods.join(" or "),
        if payment {
            " (`rt=1`) or `OK` and a kickback (`rt=0`)"
        } else {
            ""
        }
    ));
    let (reply_ty, decode) = if payment {
        (
            quote!(PaymentReply<#shape_ident>),
            quote!(crate::response::decode_payment(
                body,
                charset,
                self.reply == ReplyMethod::Kickback,
                !self.other.is_empty()
            )),
        )
    } else {
        (
            quote!(#shape_ident),
            quote!(crate::response::decode_csv(
                body,
                charset,
                !self.other.is_empty()
            )),
        )
    };
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #ident {
            #(#fields,)*
            /// Free `key=value` parameters (その他データ), echoed back.
            pub other: OtherData,
        }

        impl #ident {
            /// The request with its required fields; optional ones are `None`.
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* other: OtherData::new() }
            }

            /// Reads the request as the gateway receives it (for test
            /// servers and the sandbox): every parameter of the table by
            /// name, the rest as other data; then validates it.
            pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, ValidationError> {
                let received = Received::new(Self::SPEC, pairs)?;
                let value = Self { #(#received,)* other: received.other() };
                value.validate()?;
                Ok(value)
            }
        }

        impl Operation for #ident {
            type Reply = #reply_ty;

            const SPEC: &'static OperationSpec = &OperationSpec {
                name: #name,
                title: #title,
                endpoint: #endpoint,
                methods: &[#(#methods),*],
                fields: &[#(#table),*],
                rules: &[#(#rules),*],
                reply: #shape_ident::SHAPE,
                payment: #payment,
            };

            fn wire_values(&self) -> Vec<(&'static str, Option<String>)> {
                vec![#(#wire),*]
            }

            fn other_data(&self) -> &OtherData {
                &self.other
            }

            fn decode_reply(&self, body: &[u8], charset: Charset) -> Result<Self::Reply, Error> {
                #decode
            }
        }
    })
}

fn render_any_request(spec: &Spec) -> TokenStream {
    let variants = spec.operations.iter().map(|op| {
        let ident = format_ident!("{}", op.rust);
        let d = doc(&format!("{} (`{}`).", op.title, op.name));
        quote!(#d #ident(#ident))
    });
    let tries = spec.operations.iter().map(|op| {
        let ident = format_ident!("{}", op.rust);
        let endpoint = &op.endpoint;
        quote! {
            if endpoint == #endpoint {
                found.push(#ident::from_pairs(pairs).map(AnyRequest::#ident));
            }
        }
    });
    quote! {
        /// Any request of the guide, as a server (a test server, the
        /// sandbox) receives it.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum AnyRequest { #(#variants),* }

        impl AnyRequest {
            /// Reads a request sent to `endpoint` (`carduser.aspx`, …):
            /// the operation is the one of that endpoint whose table
            /// accepts the parameters (`cmd`, and which of `num`, `jb`,
            /// `iid` are present, tell them apart). `None` for an unknown
            /// endpoint; otherwise the request, or the most telling error.
            pub fn from_pairs(endpoint: &str, pairs: &[(String, String)]) -> Option<Result<Self, ValidationError>> {
                let mut found = Vec::new();
                #(#tries)*
                crate::request::pick(found)
            }
        }
    }
}

/// Every parameter and column name of the protocol, sorted.
fn parameter_names(spec: &Spec) -> BTreeSet<&str> {
    let fields = spec.operations.iter().flat_map(|o| &o.fields);
    let columns = spec.shapes.values().flat_map(|s| &s.columns);
    let names = fields.map(|f| f.name.as_str());
    names.chain(columns.map(|c| c.name.as_str())).collect()
}

/// The protocol's names for servers (the sandbox, test servers): one
/// constant per parameter or column name, the direct answer to `rt=0`, and
/// every operation's table, so a renamed name in the spec breaks their build.
fn render_names(spec: &Spec) -> TokenStream {
    let params = parameter_names(spec).into_iter().map(|name| {
        let ident = format_ident!("{}", name.to_ascii_uppercase());
        let d = doc(&format!("`{name}`."));
        quote!(#d pub const #ident: &str = #name;)
    });
    let ops = spec.operations.iter().map(|op| {
        let ident = format_ident!("{}", op.rust);
        quote!(<#ident as Operation>::SPEC)
    });
    let accepted = &spec.accepted_answer;
    let media = &spec.answer_media_type;
    quote! {
        /// Parameter and column names, one constant each.
        pub mod param {
            #(#params)*
        }

        /// The whole direct answer to a payment sent with `rt=0`.
        pub const ACCEPTED_ANSWER: &str = #accepted;

        /// The media type of every answer (the guide's "HTML出力"), without its charset.
        pub const ANSWER_MEDIA_TYPE: &str = #media;

        /// Every operation's table, in the spec's order.
        pub const OPERATIONS: &[&OperationSpec] = &[#(#ops),*];
    }
}

fn render_samples(spec: &Spec) -> anyhow::Result<TokenStream> {
    let mut samples = Vec::new();
    for op in &spec.operations {
        let (shape, _) = op.reply.shape()?;
        let shape = format_ident!("{shape}");
        let name = &op.name;
        let kinds = [
            ("csv", &op.sample, false),
            ("printed_csv", &op.printed_sample, false),
            ("kickback", &op.kickback_sample, true),
            ("printed_kickback", &op.printed_kickback_sample, true),
        ];
        for (kind, text, kickback) in kinds {
            let Some(text) = text else { continue };
            let decode = if kickback {
                quote!(
                    |b| crate::response::decode_kickback::<#shape>(b, Charset::Utf8).map(|v| format!("{v:#?}"))
                )
            } else {
                quote!(
                    |b| crate::response::decode_csv::<#shape>(b, Charset::Utf8, false).map(|v| format!("{v:#?}"))
                )
            };
            samples.push(quote! {
                GuideSample { operation: #name, kind: #kind, text: #text, decode: #decode }
            });
        }
    }
    Ok(quote! {
        /// A sample answer printed in the guide (or its corrected form).
        #[cfg(test)]
        pub(crate) struct GuideSample {
            pub operation: &'static str,
            pub kind: &'static str,
            pub text: &'static str,
            pub decode: fn(&[u8]) -> Result<String, Error>,
        }

        /// Every sample of the spec, decoded by its operation's shape.
        #[cfg(test)]
        pub(crate) const SAMPLES: &[GuideSample] = &[#(#samples),*];
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and cross-checks a spec text, as `generate` does.
    fn parse(text: &str) -> anyhow::Result<Spec> {
        let spec: Spec = spec::parse(text)?;
        check(&spec)?;
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
    reply: { csv: Thing }
"#;

    #[test]
    fn a_tiny_spec_renders_every_construct() {
        let spec = parse(TINY).unwrap();
        let code = render(&spec).unwrap();
        syn::parse_file(&code).unwrap();
        for expected in [
            "pub enum Flag",
            "Flag::On => \"1\"",
            "\"ER001\" => ErrorCode::First",
            "pub struct Thing",
            "pub total: u64",
            "sum_of: &[2, 3]",
            "pub struct MakeThing",
            "pub fn new(flag: Flag) -> Self",
            "(\"cmd\", Some(\"9\".to_owned()))",
            "FieldFormat::Count(&[2, 4])",
            "CrossRule::RequiredIf",
            "pub const OTHER_DATA_MAX_BYTES: usize = 16;",
            "&[\"a\", \"b\", \"cmd\", \"ec\", \"fl\", \"n\", \"rst\", \"t\"]",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in\n{code}");
        }
    }

    #[test]
    fn a_payment_needs_rt_and_a_rule_needs_one_key() {
        let no_rt = TINY.replace("reply: { csv: Thing }", "reply: { payment: Thing }");
        let err = parse(&no_rt).unwrap_err();
        assert!(format!("{err:#}").contains("needs `rt`"), "{err:#}");
        let two = TINY.replace(
            "rules: [{ required_if: { field: n, when: fl, equals: \"1\" } }]",
            "rules: [{ at_least_one_of: [n], only_if: { field: n, when: fl, equals: \"1\" } }]",
        );
        let err = parse(&two).unwrap_err();
        assert!(format!("{err:#}").contains("exactly one of"), "{err:#}");
    }

    #[test]
    fn generated_code_carries_the_tables() {
        let files = generate(&root()).unwrap();
        let code = &files[0].contents;
        assert!(code.contains("pub struct OnetouchCharge"));
        assert!(code.contains("endpoint: \"onetouch.aspx\""));
        assert!(code.contains("FieldFormat::Count(&[3, 5, 6, 10, 12, 15, 18, 20, 24])"));
        assert!(
            code.contains("pub const BASE_URL: &str = \"https://credit.j-payment.co.jp/gateway/\"")
        );
    }
}
