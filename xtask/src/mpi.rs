//! Generator for `crates/mpi-proto`: VeriTrans 3-D Secure (MPI).
//!
//! Input: `specs/mpi/openapi.yaml`. Output, under
//! `crates/mpi-proto/src/generated/`:
//! - `types.rs`: the inbound JSON types, through the shared typify pipeline,
//!   from a *lenient* copy of the spec (see [`lenient`]);
//! - `tables.rs`: what typify cannot express and what the guide states as
//!   lists: open enums (`Unknown(String)`), the `properTransactionInfo`
//!   dispatch on `transaction_kind`, the service option types, the
//!   `vresult_code` code lists, the field-constraint table and the scenario
//!   table with its test cards;
//! - `mod.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::codegen::{GeneratedFile, Generator};
use crate::core::names::pascal;
use crate::core::open_enum::{OpenEnum, Variant};
use crate::core::rust;
use crate::core::spec;

const SPEC: &str = "specs/mpi/openapi.yaml";
const OUT: &str = "crates/mpi-proto/src/generated";
/// Where the generated tables live, as seen from the generated types.
const TABLES_PATH: &str = "crate::generated::tables";

/// The entry listed in `codegen::GENERATORS`.
pub const GENERATOR: Generator = Generator {
    name: "mpi",
    run: generate,
};

fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    generate_from(&spec::read(root, SPEC)?)
}

fn generate_from(spec: &Value) -> anyhow::Result<Vec<GeneratedFile>> {
    let extensions = Extensions::from_spec(spec)?;
    let lenient = lenient(spec)?;

    let replaced = lenient.open_enums.iter().map(|e| &e.name);
    let replaced = replaced.chain(lenient.unions.iter().map(|u| &u.name));
    let settings = rust::settings(
        &["PartialEq"],
        replaced.map(|name| (name.as_str(), format!("{TABLES_PATH}::{name}"))),
    );
    let types = rust::types(&lenient.spec, &settings)?;
    let tables = tables(&lenient, &extensions)?;

    let module = "//! Generated from the MPI spec: inbound types (`types`) and the guide's\n\
                  //! lists and tables (`tables`).\n\n\
                  pub mod tables;\n\
                  // typify's `error::ConversionError` goes unused: nothing here is\n\
                  // validated while parsing.\n\
                  #[allow(dead_code)]\npub mod types;\n";
    Ok(vec![
        GeneratedFile::rust(format!("{OUT}/mod.rs"), SPEC, module),
        GeneratedFile::rust(format!("{OUT}/types.rs"), SPEC, &types),
        GeneratedFile::rust(format!("{OUT}/tables.rs"), SPEC, &tables),
    ])
}

// ---------------------------------------------------------------------------
// The lenient copy of the spec handed to typify.

/// A `oneOf` told apart by a discriminator property.
#[derive(Debug, Clone, PartialEq)]
struct Union {
    name: String,
    description: String,
    property: String,
    /// discriminator value → schema name
    mapping: Vec<(String, String)>,
}

/// One length / charset rule taken out of the spec before typify sees it.
#[derive(Debug, Clone, PartialEq)]
struct Constraint {
    schema: String,
    field: String,
    min: Option<u64>,
    max: Option<u64>,
    charset: Option<String>,
}

#[derive(Debug)]
struct Lenient {
    spec: Value,
    open_enums: Vec<OpenEnum>,
    unions: Vec<Union>,
    constraints: Vec<Constraint>,
}

/// Rewrites the spec so typify produces types that never reject what the
/// gateway sends: length and charset rules move into a table checked on
/// demand (typify would turn them into newtypes validated while parsing),
/// every object keeps unknown members (`additionalProperties: {}` gives a
/// flattened `extra` map), and open enums / discriminated unions are
/// replaced by types generated here.
fn lenient(spec: &Value) -> anyhow::Result<Lenient> {
    let mut spec = spec.clone();
    let mut open_enums = Vec::new();
    let mut unions = Vec::new();
    let mut constraints = Vec::new();

    if let Some(root) = spec.as_object_mut() {
        // Our own extensions mean nothing to openapiv3/typify.
        root.retain(|key, _| !key.starts_with("x-"));
    }
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .context("spec has no components.schemas")?;

    for (name, schema) in schemas.iter_mut() {
        let object = schema
            .as_object_mut()
            .with_context(|| format!("schema {name} is not an object"))?;
        let description = text(object.get("description"));

        if let Some(open) = OpenEnum::from_schema(name, &Value::Object(object.clone()))? {
            object.remove("x-openEnum");
            open_enums.push(open);
            continue;
        }

        if let Some(discriminator) = object.get("discriminator") {
            let property = discriminator
                .get("propertyName")
                .and_then(Value::as_str)
                .with_context(|| format!("{name}: discriminator without propertyName"))?
                .to_owned();
            let mapping = discriminator
                .get("mapping")
                .and_then(Value::as_object)
                .with_context(|| format!("{name}: discriminator without mapping"))?
                .iter()
                .map(|(value, target)| {
                    let target = target
                        .as_str()
                        .and_then(|t| t.strip_prefix("#/components/schemas/"))
                        .with_context(|| format!("{name}: mapping {value} is not a local $ref"))?;
                    Ok((value.clone(), target.to_owned()))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            unions.push(Union {
                name: name.clone(),
                description,
                property,
                mapping,
            });
            continue;
        }

        if object.get("type").and_then(Value::as_str) == Some("object") {
            object
                .entry("additionalProperties")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
                for (field, property) in properties.iter_mut() {
                    if let Some(rule) = take_constraint(name, field, property) {
                        constraints.push(rule);
                    }
                }
            }
        }
    }

    Ok(Lenient {
        spec,
        open_enums,
        unions,
        constraints,
    })
}

fn take_constraint(schema: &str, field: &str, property: &mut Value) -> Option<Constraint> {
    let property = property.as_object_mut()?;
    let min = property.remove("minLength").and_then(|v| v.as_u64());
    let max = property.remove("maxLength").and_then(|v| v.as_u64());
    let charset = property
        .remove("x-charset")
        .and_then(|v| v.as_str().map(str::to_owned));
    property.remove("pattern");
    (min.is_some() || max.is_some() || charset.is_some()).then(|| Constraint {
        schema: schema.to_owned(),
        field: field.to_owned(),
        min,
        max,
        charset,
    })
}

fn text(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------
// The guide's lists, carried as `x-` extensions.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceOption {
    value: String,
    variant: String,
    label: String,
    source: String,
    doc: String,
    pays: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreeDsCode {
    code: String,
    group: String,
    meaning: String,
    outcome: String,
    #[serde(default)]
    risk: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardCode {
    code: String,
    variant: String,
    meaning: String,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    no: String,
    scenario: String,
    risk: String,
    cards: Vec<String>,
    authorize: Step,
    verify: Step,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    mstatus: Option<String>,
    #[serde(rename = "mpi-complete")]
    complete: Vec<String>,
    #[serde(rename = "mpi-company")]
    company: Vec<String>,
}

#[derive(Debug)]
struct Extensions {
    push: PushFacts,
    options: Vec<ServiceOption>,
    three_ds: Vec<ThreeDsCode>,
    cards: Vec<CardCode>,
    scenarios: Vec<Scenario>,
}

impl Extensions {
    fn from_spec(spec: &Value) -> anyhow::Result<Self> {
        fn list<T: for<'de> Deserialize<'de>>(spec: &Value, key: &str) -> anyhow::Result<Vec<T>> {
            let value = spec
                .get(key)
                .with_context(|| format!("spec has no `{key}`"))?;
            serde_json::from_value(value.clone()).with_context(|| format!("reading `{key}`"))
        }
        let push = spec.get("x-push").context("spec has no `x-push`")?;
        let extensions = Self {
            push: serde_json::from_value(push.clone()).context("reading `x-push`")?,
            options: list(spec, "x-serviceOptionTypes")?,
            three_ds: list(spec, "x-threeDSecureCodes")?,
            cards: list(spec, "x-cardCodes")?,
            scenarios: list(spec, "x-scenarios")?,
        };
        extensions.check()?;
        Ok(extensions)
    }

    /// Rules the Rust output relies on; a spec edit breaking one fails
    /// codegen with a message instead of producing code that does not build.
    fn check(&self) -> anyhow::Result<()> {
        let mut seen = BTreeMap::new();
        for code in &self.three_ds {
            if code.code.len() != 4 || !code.code.chars().all(|c| c.is_ascii_alphanumeric()) {
                bail!("3-D Secure code `{}` is not four alphanumerics", code.code);
            }
            if seen.insert(code.code.clone(), ()).is_some() {
                bail!("3-D Secure code `{}` listed twice", code.code);
            }
            // Note *1 of the code list: GExx is failure, G0xx success.
            let failure = code.code.starts_with("GE");
            if failure != code.group.starts_with("failure") {
                bail!("{}: group `{}` contradicts note *1", code.code, code.group);
            }
        }
        for card in &self.cards {
            if card.code.len() != 4 {
                bail!("card code `{}` is not four characters", card.code);
            }
        }
        for scenario in &self.scenarios {
            for code in scenario
                .authorize
                .complete
                .iter()
                .chain(&scenario.authorize.company)
                .chain(&scenario.verify.complete)
                .chain(&scenario.verify.company)
            {
                if code.len() != 8 {
                    bail!(
                        "scenario {}: cell `{code}` is not 8 characters",
                        scenario.no
                    );
                }
                if !self.three_ds.iter().any(|c| code.starts_with(&c.code)) {
                    bail!("scenario {}: `{code}` is not in the code list", scenario.no);
                }
            }
            for card in &scenario.cards {
                if card.len() < 12 || !card.chars().all(|c| c.is_ascii_digit()) {
                    bail!(
                        "scenario {}: card `{card}` is not a card number",
                        scenario.no
                    );
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// tables.rs

fn tables(lenient: &Lenient, ext: &Extensions) -> anyhow::Result<String> {
    let mut out = quote!(
        use serde::{Deserialize, Deserializer, Serialize, Serializer};
    );
    for open in &lenient.open_enums {
        out.extend(open.emit());
    }
    for union in &lenient.unions {
        out.extend(union_enum(union));
    }
    out.extend(service_options(ext)?);
    out.extend(three_ds_codes(ext)?);
    out.extend(card_codes(ext));
    out.extend(constraint_table(&lenient.constraints)?);
    out.extend(scenario_table(ext)?);
    out.extend(push_facts(&ext.push));
    rust::format(out)
}

/// `x-push`: the push's HTTP facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PushFacts {
    signature_header: String,
    content_type: String,
}

/// The push's header name and content type as constants, so a server
/// (the sandbox) sends exactly what the spec says.
fn push_facts(push: &PushFacts) -> TokenStream {
    let (header, content_type) = (&push.signature_header, &push.content_type);
    quote! {
        /// The push's signature header (`x-push.signatureHeader`).
        pub const PUSH_SIGNATURE_HEADER: &str = #header;
        /// The push body's content type (`x-push.contentType`).
        pub const PUSH_CONTENT_TYPE: &str = #content_type;
    }
}

/// An open enum from (variant, wire, description, note) rows.
fn open_enum(
    name: &str,
    doc: &str,
    variants: impl Iterator<Item = (String, String, Option<String>, Option<String>)>,
) -> TokenStream {
    OpenEnum {
        name: name.into(),
        doc: doc.into(),
        variants: variants
            .map(|(ident, wire, description, note)| Variant {
                ident,
                wire,
                description,
                note,
            })
            .collect(),
    }
    .emit()
}

/// `match self { Self::V => value, …, Self::Unknown(_) => unknown }` as a
/// method of an open enum.
fn per_variant(
    doc: &str,
    name: &str,
    ty: TokenStream,
    rows: impl Iterator<Item = (String, TokenStream)>,
    unknown: TokenStream,
) -> TokenStream {
    let (doc, name) = (crate::core::doc::doc(doc), format_ident!("{name}"));
    let (variants, values): (Vec<_>, Vec<_>) =
        rows.map(|(v, value)| (format_ident!("{v}"), value)).unzip();
    quote! {
        #doc
        pub fn #name(&self) -> #ty {
            match self { #( Self::#variants => #values, )* Self::Unknown(_) => #unknown }
        }
    }
}

/// `Some(crate::codes::Type::Variant)`, for a spec value among `known`.
fn some_of(
    ty: &str,
    value: &str,
    known: &[(&str, &str)],
    what: &str,
) -> anyhow::Result<TokenStream> {
    let (ty, variant) = match known.iter().find(|(k, _)| *k == value) {
        Some((_, v)) => (format_ident!("{ty}"), format_ident!("{v}")),
        None => bail!("unknown {what}: `{value}`"),
    };
    Ok(quote!(Some(crate::codes::#ty::#variant)))
}

/// A discriminated union whose unknown kinds are kept whole.
fn union_enum(union: &Union) -> TokenStream {
    let name = format_ident!("{}", union.name);
    let property = &union.property;
    let doc = crate::core::doc::doc(&union.description);
    let values: Vec<&str> = union.mapping.iter().map(|(v, _)| v.as_str()).collect();
    let variants: Vec<_> = values
        .iter()
        .map(|v| format_ident!("{}", pascal(v)))
        .collect();
    let targets = union.mapping.iter().map(|(_, t)| format_ident!("{t}"));
    let docs = values.iter().map(|v| format!(" `{property}` = `{v}`."));
    let errors = values.iter().map(|v| format!("{property} `{v}`: {{e}}"));
    let unknown_doc = format!(" Any other (or no) `{property}`: every member kept as received.");
    let kind_doc = format!(" The `{property}` value (`None` when an unknown object has none).");
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #( #[doc = #docs] #variants(super::types::#targets), )*
            #[doc = #unknown_doc]
            Unknown(::serde_json::Map<String, ::serde_json::Value>),
        }

        impl #name {
            /// The name of the discriminating member.
            pub const DISCRIMINATOR: &'static str = #property;
            #[doc = #kind_doc]
            pub fn kind(&self) -> Option<&str> {
                match self {
                    #( #name::#variants(_) => Some(#values), )*
                    #name::Unknown(fields) => fields.get(#property).and_then(::serde_json::Value::as_str),
                }
            }
        }

        // The discriminator is read first and the variant parsed from the
        // remaining members, so it is not duplicated in the variant's `extra`.
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut fields = ::serde_json::Map::<String, ::serde_json::Value>::deserialize(deserializer)?;
                let kind = fields.get(#property).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match kind.as_deref() {
                    #( Some(#values) => {
                        fields.remove(#property);
                        ::serde_json::from_value(::serde_json::Value::Object(fields))
                            .map(#name::#variants)
                            .map_err(|e| <D::Error as ::serde::de::Error>::custom(format_args!(#errors)))
                    } )*
                    _ => Ok(#name::Unknown(fields)),
                }
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (kind, value) = match self {
                    #( #name::#variants(inner) => (#values, ::serde_json::to_value(inner).map_err(<S::Error as ::serde::ser::Error>::custom)?), )*
                    #name::Unknown(fields) => return fields.serialize(serializer),
                };
                let mut fields = match value { ::serde_json::Value::Object(fields) => fields, _ => ::serde_json::Map::new() };
                fields.insert(#property.to_owned(), ::serde_json::Value::String(kind.to_owned()));
                fields.serialize(serializer)
            }
        }
    }
}

fn service_options(ext: &Extensions) -> anyhow::Result<TokenStream> {
    const POLICIES: &[(&str, &str)] = &[
        ("never", "Never"),
        ("complete-only", "OnlyOnCompleteAuthentication"),
        ("conditional", "AlsoOnConditionalSuccess"),
    ];
    let variants = ext.options.iter().map(|o| {
        let source = match o.source.as_str() {
            "guide" => "Named with this value by the guide.",
            _ => {
                "Wire value from VeriTrans's public MDK documentation; \
                 the guide names the option only in prose."
            }
        };
        let description = format!("{}. {}", o.label, o.doc);
        (
            o.variant.clone(),
            o.value.clone(),
            Some(description),
            Some(source.to_string()),
        )
    });
    let mut out = open_enum(
        "ServiceOptionType",
        "Payment service option type (`ServiceOptionType` of the 3-D Secure request): \
         who bears the risk burden and when a payment is made.",
        variants,
    );
    let rows = |f: &dyn Fn(&ServiceOption) -> TokenStream| {
        ext.options
            .iter()
            .map(move |o| (o.variant.clone(), f(o)))
            .collect::<Vec<_>>()
    };
    let policies = ext
        .options
        .iter()
        .map(|o| {
            let what = format!("payment policy of service option {}", o.value);
            Ok((
                o.variant.clone(),
                some_of("PaymentPolicy", &o.pays, POLICIES, &what)?,
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let label = per_variant(
        "The option's name in the guide.",
        "label",
        quote!(Option<&'static str>),
        rows(&|o| {
            let l = &o.label;
            quote!(Some(#l))
        })
        .into_iter(),
        quote!(None),
    );
    let policy = per_variant(
        "When the gateway makes a card payment under this option (`None` for unknown options).",
        "payment_policy",
        quote!(Option<crate::codes::PaymentPolicy>),
        policies.into_iter(),
        quote!(None),
    );
    let by_guide = per_variant(
        "`true` when the guide itself gives the wire value (not only public MDK docs).",
        "named_by_guide",
        quote!(bool),
        rows(&|o| {
            let b = o.source == "guide";
            quote!(#b)
        })
        .into_iter(),
        quote!(false),
    );
    out.extend(quote!(impl ServiceOptionType { #label #policy #by_guide }));
    Ok(out)
}

fn three_ds_codes(ext: &Extensions) -> anyhow::Result<TokenStream> {
    const GROUPS: &[(&str, &str)] = &[
        ("success-authorize", "SuccessAuthorize"),
        ("success-verify", "SuccessVerify"),
        ("failure-authorize", "FailureAuthorize"),
        ("failure-verify", "FailureVerify"),
    ];
    const OUTCOMES: &[(&str, &str)] = &[
        ("authentication-in-progress", "AuthenticationInProgress"),
        ("success", "Success"),
        ("conditional-success", "ConditionalSuccess"),
        ("payment-not-allowed", "PaymentNotAllowed"),
        ("merchant-bears-risk", "MerchantBearsRisk"),
        ("system-error", "SystemError"),
    ];
    const RISKS: &[(&str, &str)] = &[("card-company", "CardCompany"), ("merchant", "Merchant")];
    let variants = ext.three_ds.iter().map(|c| {
        (
            c.code.clone(),
            c.code.clone(),
            Some(c.meaning.clone()),
            None,
        )
    });
    let mut out = open_enum(
        "ThreeDSecureCode",
        "The 3-D Secure result: the first four characters of `vresult_code`.",
        variants,
    );
    let (mut groups, mut outcomes, mut risks) = (Vec::new(), Vec::new(), Vec::new());
    for c in &ext.three_ds {
        let what = |kind: &str| format!("{kind} of {}", c.code);
        groups.push((
            c.code.clone(),
            some_of("CodeGroup", &c.group, GROUPS, &what("group"))?,
        ));
        outcomes.push((
            c.code.clone(),
            some_of("CodeOutcome", &c.outcome, OUTCOMES, &what("outcome"))?,
        ));
        let risk = match c.risk.as_deref() {
            None => quote!(None),
            Some(r) => some_of("RiskBearer", r, RISKS, &what("risk"))?,
        };
        risks.push((c.code.clone(), risk));
    }
    let group = per_variant(
        "The guide's list the code belongs to.",
        "group",
        quote!(Option<crate::codes::CodeGroup>),
        groups.into_iter(),
        quote!(None),
    );
    let outcome = per_variant(
        "What the code means for the order (this crate's reading of the guide).",
        "outcome",
        quote!(Option<crate::codes::CodeOutcome>),
        outcomes.into_iter(),
        quote!(None),
    );
    let risk = per_variant(
        "Who bears the risk burden, where a scenario-table row says so for this code.",
        "documented_risk",
        quote!(Option<crate::codes::RiskBearer>),
        risks.into_iter(),
        quote!(None),
    );
    out.extend(quote!(impl ThreeDSecureCode { #group #outcome #risk }));
    Ok(out)
}

fn card_codes(ext: &Extensions) -> TokenStream {
    let variants = ext.cards.iter().map(|c| {
        let source = match c.source.as_str() {
            "guide" => "Named by the guide.",
            _ => "Seen in the guide's samples.",
        };
        (
            c.variant.clone(),
            c.code.clone(),
            Some(c.meaning.clone()),
            Some(source.to_string()),
        )
    });
    open_enum(
        "CardCode",
        "The card payment result: characters 5 to 8 of `vresult_code`.",
        variants,
    )
}

fn constraint_table(constraints: &[Constraint]) -> anyhow::Result<TokenStream> {
    const CHARSETS: &[(&str, &str)] = &[
        ("ascii-printable", "AsciiPrintable"),
        ("alnum-hyphen-underscore", "AlnumHyphenUnderscore"),
        ("alnum", "Alnum"),
        ("digits", "Digits"),
    ];
    let rows = constraints
        .iter()
        .map(|c| {
            let (schema, field) = (&c.schema, &c.field);
            let (min, max) = (option(c.min), option(c.max));
            let charset = match c.charset.as_deref() {
                None => quote!(None),
                Some(name) => match CHARSETS.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => {
                        let v = format_ident!("{v}");
                        quote!(Some(crate::validate::Charset::#v))
                    }
                    None => bail!("{schema}.{field}: unknown x-charset `{name}`"),
                },
            };
            Ok(quote! {
                crate::validate::FieldConstraint { schema: #schema, field: #field, min_length: #min, max_length: #max, charset: #charset }
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(quote! {
        /// Length and charset rules of the spec, checked on demand (never while parsing).
        pub const CONSTRAINTS: &[crate::validate::FieldConstraint] = &[ #(#rows),* ];
    })
}

fn option(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}

fn scenario_table(ext: &Extensions) -> anyhow::Result<TokenStream> {
    let rows = ext
        .scenarios
        .iter()
        .map(|s| {
            let risk = format_ident!(
                "{}",
                match s.risk.as_str() {
                    "payment-not-possible" => "PaymentNotPossible",
                    "card-company" => "CardCompany",
                    "merchant" => "Merchant",
                    other => bail!("scenario {}: unknown risk `{other}`", s.no),
                }
            );
            let (no, title, cards) = (&s.no, &s.scenario, &s.cards);
            let (authorize, verify) = (step(&s.authorize, no)?, step(&s.verify, no)?);
            Ok(quote! {
                crate::testing::Scenario { no: #no, title: #title, risk: crate::testing::ScenarioRisk::#risk, cards: &[#(#cards),*], authorize: #authorize, verify: #verify }
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(quote! {
        /// The guide's "Code List for each Scenario", row by row.
        pub const SCENARIOS: &[crate::testing::Scenario] = &[ #(#rows),* ];
    })
}

fn step(step: &Step, no: &str) -> anyhow::Result<TokenStream> {
    let mstatus = match step.mstatus.as_deref() {
        None => quote!(None),
        Some("success") => quote!(Some(crate::testing::MStatusCell::Success)),
        Some("failure") => quote!(Some(crate::testing::MStatusCell::Failure)),
        Some("failure or success") => quote!(Some(crate::testing::MStatusCell::FailureOrSuccess)),
        Some(other) => bail!("scenario {no}: unknown mstatus cell `{other}`"),
    };
    let (complete, company) = (&step.complete, &step.company);
    Ok(quote! {
        crate::testing::Step { mstatus: #mstatus, mpi_complete: &[#(#complete),*], mpi_company: &[#(#company),*] }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn spec() -> Value {
        let root = crate::workspace_root().unwrap();
        spec::read(&root, SPEC).unwrap()
    }

    #[test]
    fn inbound_types_carry_no_parse_time_validation() {
        fn keys(value: &Value, found: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    for (key, inner) in map {
                        found.push(key.clone());
                        keys(inner, found);
                    }
                }
                Value::Array(items) => items.iter().for_each(|inner| keys(inner, found)),
                _ => {}
            }
        }
        let original = spec();
        let mut before = Vec::new();
        keys(&original, &mut before);
        assert!(before.iter().any(|k| k == "maxLength"));
        let lenient = lenient(&original).unwrap();
        let mut after = Vec::new();
        keys(&lenient.spec, &mut after);
        for rule in [
            "maxLength",
            "minLength",
            "pattern",
            "x-charset",
            "x-openEnum",
        ] {
            assert!(!after.iter().any(|k| k == rule), "{rule} left for typify");
        }
        let files = generate_from(&spec()).unwrap();
        let types = &files[1].contents;
        // No validating newtypes, no closed enum for MStatus.
        assert!(!types.contains("impl ::std::str::FromStr for PushDataOrderId"));
        assert!(!types.contains("pub enum MStatus"), "{types}");
        assert!(types.contains("crate::generated::tables::MStatus"));
        assert!(types.contains("pub extra:"), "objects keep unknown members");
    }

    #[test]
    fn constraints_come_from_the_spec() {
        let lenient = lenient(&spec()).unwrap();
        let request_id = lenient
            .constraints
            .iter()
            .find(|c| c.schema == "RedirectParameters" && c.field == "RequestId")
            .unwrap();
        assert_eq!(request_id.max, Some(128));
        assert_eq!(request_id.charset.as_deref(), Some("ascii-printable"));
        let push_id = lenient
            .constraints
            .iter()
            .find(|c| c.schema == "PushNotification" && c.field == "push_id")
            .unwrap();
        assert_eq!((push_id.min, push_id.max), (Some(8), Some(8)));
    }

    #[test]
    fn discriminator_becomes_an_open_union() {
        let lenient = lenient(&spec()).unwrap();
        assert_eq!(lenient.unions.len(), 1);
        let union = &lenient.unions[0];
        assert_eq!(union.name, "ProperTransactionInfo");
        assert_eq!(union.property, "transaction_kind");
        assert_eq!(
            union.mapping,
            vec![
                ("card".to_owned(), "CardTransactionInfo".to_owned()),
                ("mpi".to_owned(), "MpiTransactionInfo".to_owned())
            ]
        );
    }

    #[test]
    fn code_list_is_complete_and_consistent() {
        let ext = Extensions::from_spec(&spec()).unwrap();
        let codes: Vec<_> = ext.three_ds.iter().map(|c| c.code.as_str()).collect();
        let mut expected: Vec<String> = (1..=6).map(|n| format!("G00{n}")).collect();
        expected.extend((11..=14).map(|n| format!("G0{n}")));
        expected.extend((1..=6).map(|n| format!("GE0{n}")));
        expected.extend((11..=16).map(|n| format!("GE{n}")));
        assert_eq!(codes, expected);
        assert_eq!(ext.scenarios.len(), 10);
    }

    #[test]
    fn spec_mistakes_are_reported() {
        let mut bad = spec();
        bad["x-threeDSecureCodes"][0]["group"] = Value::from("failure-authorize");
        let err = Extensions::from_spec(&bad).unwrap_err().to_string();
        assert!(err.contains("note *1"), "{err}");

        let mut bad = spec();
        bad["x-scenarios"][0]["verify"]["mpi-complete"] = serde_json::json!(["GX990000"]);
        let err = Extensions::from_spec(&bad).unwrap_err().to_string();
        assert!(err.contains("not in the code list"), "{err}");

        let mut bad = spec();
        bad["x-threeDSecureCodes"][0]["outcome"] = Value::from("maybe");
        let ext = Extensions::from_spec(&bad).unwrap();
        let err = tables(&lenient(&bad).unwrap(), &ext)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown outcome"), "{err}");
    }
}
