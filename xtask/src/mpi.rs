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
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::codegen::{GeneratedFile, Generator};
use crate::openapi::{self, GenerationSettings};

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
    let spec = openapi::load_value(&root.join(SPEC))?;
    generate_from(&spec)
}

fn generate_from(spec: &Value) -> anyhow::Result<Vec<GeneratedFile>> {
    let extensions = Extensions::from_spec(spec)?;
    let lenient = lenient(spec)?;

    let mut settings = GenerationSettings::default();
    settings.with_derive("PartialEq");
    for open in &lenient.open_enums {
        settings.with_replacement(
            &open.name,
            format!("{TABLES_PATH}::{}", open.name),
            std::iter::empty(),
        );
    }
    for union in &lenient.unions {
        settings.with_replacement(
            &union.name,
            format!("{TABLES_PATH}::{}", union.name),
            std::iter::empty(),
        );
    }
    let document: openapiv3::OpenAPI =
        serde_json::from_value(lenient.spec.clone()).context("lenient spec is not OpenAPI 3.0")?;
    let types = openapi::types(&document, &settings)?;

    let tables_src = tables(&lenient, &extensions)?;
    let tokens: proc_macro2::TokenStream = tables_src
        .parse()
        .map_err(|e| anyhow::anyhow!("generated tables do not tokenize: {e}"))?;
    let tables = openapi::format(tokens)?;

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

/// A string enum that must stay open (`x-open-enum: true`).
#[derive(Debug, Clone, PartialEq)]
struct OpenEnum {
    name: String,
    description: String,
    values: Vec<String>,
}

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

        if object.remove("x-open-enum") == Some(Value::Bool(true)) {
            let values = object
                .get("enum")
                .and_then(Value::as_array)
                .with_context(|| format!("open enum {name} has no `enum` list"))?
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .with_context(|| format!("open enum {name}: non-string value {v}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            open_enums.push(OpenEnum {
                name: name.clone(),
                description,
                values,
            });
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
            options: list(spec, "x-service-option-types")?,
            three_ds: list(spec, "x-three-d-secure-codes")?,
            cards: list(spec, "x-card-codes")?,
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
    let mut out = String::new();
    out.push_str("use serde::{Deserialize, Deserializer, Serialize, Serializer};\n");
    for open in &lenient.open_enums {
        open_enum(
            &mut out,
            &open.name,
            &open.description,
            &open
                .values
                .iter()
                .map(|v| (pascal(v), v.clone(), format!("`{v}`")))
                .collect::<Vec<_>>(),
        );
    }
    for union in &lenient.unions {
        union_enum(&mut out, union);
    }

    let options: Vec<_> = ext
        .options
        .iter()
        .map(|o| {
            let source = match o.source.as_str() {
                "guide" => "Named with this value by the guide.",
                _ => {
                    "Wire value from VeriTrans's public MDK documentation; \
                     the guide names the option only in prose."
                }
            };
            (
                o.variant.clone(),
                o.value.clone(),
                format!("`{}`: {}. {} {source}", o.value, o.label, o.doc),
            )
        })
        .collect();
    open_enum(
        &mut out,
        "ServiceOptionType",
        "Payment service option type (`ServiceOptionType` of the 3-D Secure request): \
         who bears the risk burden and when a payment is made.",
        &options,
    );
    service_option_facts(&mut out, ext)?;
    three_ds_codes(&mut out, ext)?;
    card_codes(&mut out, ext);
    constraint_table(&mut out, &lenient.constraints)?;
    scenario_table(&mut out, ext)?;
    push_facts(&mut out, &ext.push);
    Ok(out)
}

/// `x-push`: the push's HTTP facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PushFacts {
    signature_header: String,
    content_type: String,
}

/// The push's header name and content type as constants, so a server
/// (the sandbox) sends exactly what the spec says.
fn push_facts(out: &mut String, push: &PushFacts) {
    let _ = writeln!(
        out,
        "/// The push's signature header (`x-push.signature-header`).\n\
         pub const PUSH_SIGNATURE_HEADER: &str = {:?};\n\
         /// The push body's content type (`x-push.content-type`).\n\
         pub const PUSH_CONTENT_TYPE: &str = {:?};",
        push.signature_header, push.content_type
    );
}

/// An enum over wire strings with an `Unknown(String)` catch-all, parsed
/// and written as a JSON string.
fn open_enum(out: &mut String, name: &str, doc: &str, variants: &[(String, String, String)]) {
    let _ = writeln!(out, "{}", doc_attr(doc));
    let _ = writeln!(
        out,
        "#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum {name} {{"
    );
    for (variant, _, doc) in variants {
        let _ = writeln!(out, "{}\n{variant},", doc_attr(doc));
    }
    let _ = writeln!(
        out,
        "/// A value this crate does not know, kept as received.\nUnknown(String),\n}}"
    );
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "/// Every value the spec lists, in spec order.\npub const KNOWN: &'static [{name}] = &[{}];",
        variants
            .iter()
            .map(|(v, _, _)| format!("{name}::{v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "/// Reads a wire value; never fails (unknown values are kept).\n\
         pub fn from_wire(value: &str) -> Self {{ match value {{"
    );
    for (variant, wire, _) in variants {
        let _ = writeln!(out, "{wire:?} => {name}::{variant},");
    }
    let _ = writeln!(out, "other => {name}::Unknown(other.to_owned()), }} }}");
    let _ = writeln!(
        out,
        "/// The wire value.\npub fn as_str(&self) -> &str {{ match self {{"
    );
    for (variant, wire, _) in variants {
        let _ = writeln!(out, "{name}::{variant} => {wire:?},");
    }
    let _ = writeln!(out, "{name}::Unknown(other) => other, }} }}");
    let _ = writeln!(
        out,
        "/// `true` for the `Unknown` catch-all.\npub fn is_unknown(&self) -> bool {{ matches!(self, {name}::Unknown(_)) }}\n}}"
    );
    let _ = writeln!(
        out,
        "impl ::std::fmt::Display for {name} {{ fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{ f.write_str(self.as_str()) }} }}\n\
         impl ::std::str::FromStr for {name} {{ type Err = ::std::convert::Infallible; fn from_str(value: &str) -> Result<Self, Self::Err> {{ Ok(Self::from_wire(value)) }} }}\n\
         impl Serialize for {name} {{ fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{ serializer.serialize_str(self.as_str()) }} }}\n\
         impl<'de> Deserialize<'de> for {name} {{ fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{ let value = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?; Ok(Self::from_wire(&value)) }} }}"
    );
}

/// A discriminated union whose unknown kinds are kept whole.
fn union_enum(out: &mut String, union: &Union) {
    let name = &union.name;
    let property = &union.property;
    let _ = writeln!(out, "{}", doc_attr(&union.description));
    let _ = writeln!(
        out,
        "#[derive(Clone, Debug, PartialEq)]\npub enum {name} {{"
    );
    for (value, target) in &union.mapping {
        let _ = writeln!(
            out,
            "/// `{property}` = `{value}`.\n{}(super::types::{target}),",
            pascal(value)
        );
    }
    let _ = writeln!(
        out,
        "/// Any other (or no) `{property}`: every member kept as received.\n\
         Unknown(::serde_json::Map<String, ::serde_json::Value>),\n}}"
    );
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "/// The name of the discriminating member.\npub const DISCRIMINATOR: &'static str = {property:?};"
    );
    let _ = writeln!(
        out,
        "/// The `{property}` value (`None` when an unknown object has none).\n\
         pub fn kind(&self) -> Option<&str> {{ match self {{"
    );
    for (value, _) in &union.mapping {
        let _ = writeln!(out, "{name}::{}(_) => Some({value:?}),", pascal(value));
    }
    let _ = writeln!(
        out,
        "{name}::Unknown(fields) => fields.get({property:?}).and_then(::serde_json::Value::as_str), }} }} }}"
    );
    // Deserialize: look at the discriminator first, then parse the variant
    // from the remaining members, so the discriminator is not duplicated in
    // the variant's `extra` map.
    let _ = writeln!(
        out,
        "impl<'de> Deserialize<'de> for {name} {{ fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{\n\
         let mut fields = ::serde_json::Map::<String, ::serde_json::Value>::deserialize(deserializer)?;\n\
         let kind = fields.get({property:?}).and_then(::serde_json::Value::as_str).map(str::to_owned);\n\
         match kind.as_deref() {{"
    );
    for (value, _) in &union.mapping {
        let _ = writeln!(
            out,
            "Some({value:?}) => {{ fields.remove({property:?}); ::serde_json::from_value(::serde_json::Value::Object(fields)).map({name}::{}).map_err(|e| <D::Error as ::serde::de::Error>::custom(format_args!(\"{property} `{value}`: {{e}}\"))) }}",
            pascal(value)
        );
    }
    let _ = writeln!(out, "_ => Ok({name}::Unknown(fields)), }} }} }}");
    let _ = writeln!(
        out,
        "impl Serialize for {name} {{ fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{\n\
         let (kind, value) = match self {{"
    );
    for (value, _) in &union.mapping {
        let _ = writeln!(
            out,
            "{name}::{}(inner) => ({value:?}, ::serde_json::to_value(inner).map_err(<S::Error as ::serde::ser::Error>::custom)?),",
            pascal(value)
        );
    }
    let _ = writeln!(
        out,
        "{name}::Unknown(fields) => return fields.serialize(serializer), }};\n\
         let mut fields = match value {{ ::serde_json::Value::Object(fields) => fields, _ => ::serde_json::Map::new() }};\n\
         fields.insert({property:?}.to_owned(), ::serde_json::Value::String(kind.to_owned()));\n\
         fields.serialize(serializer) }} }}"
    );
}

fn service_option_facts(out: &mut String, ext: &Extensions) -> anyhow::Result<()> {
    let _ = writeln!(out, "impl ServiceOptionType {{");
    let _ = writeln!(
        out,
        "/// The option's name in the guide.\npub fn label(&self) -> Option<&'static str> {{ match self {{"
    );
    for o in &ext.options {
        let _ = writeln!(
            out,
            "ServiceOptionType::{} => Some({:?}),",
            o.variant, o.label
        );
    }
    let _ = writeln!(out, "ServiceOptionType::Unknown(_) => None, }} }}");
    let _ = writeln!(
        out,
        "/// When the gateway makes a card payment under this option (`None` for unknown options).\n\
         pub fn payment_policy(&self) -> Option<crate::codes::PaymentPolicy> {{ match self {{"
    );
    for o in &ext.options {
        let policy = match o.pays.as_str() {
            "never" => "Never",
            "complete-only" => "OnlyOnCompleteAuthentication",
            "conditional" => "AlsoOnConditionalSuccess",
            other => bail!("service option {}: unknown `pays: {other}`", o.value),
        };
        let _ = writeln!(
            out,
            "ServiceOptionType::{} => Some(crate::codes::PaymentPolicy::{policy}),",
            o.variant
        );
    }
    let _ = writeln!(out, "ServiceOptionType::Unknown(_) => None, }} }}");
    let _ = writeln!(
        out,
        "/// `true` when the guide itself gives the wire value (not only public MDK docs).\n\
         pub fn named_by_guide(&self) -> bool {{ match self {{"
    );
    for o in &ext.options {
        let _ = writeln!(
            out,
            "ServiceOptionType::{} => {},",
            o.variant,
            o.source == "guide"
        );
    }
    let _ = writeln!(out, "ServiceOptionType::Unknown(_) => false, }} }} }}");
    Ok(())
}

fn three_ds_codes(out: &mut String, ext: &Extensions) -> anyhow::Result<()> {
    let variants: Vec<_> = ext
        .three_ds
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.code.clone(),
                format!("`{}`: {}", c.code, c.meaning),
            )
        })
        .collect();
    open_enum(
        out,
        "ThreeDSecureCode",
        "The 3-D Secure result: the first four characters of `vresult_code`.",
        &variants,
    );
    let _ = writeln!(out, "impl ThreeDSecureCode {{");
    let _ = writeln!(
        out,
        "/// The guide's meaning of the code.\npub fn meaning(&self) -> Option<&'static str> {{ match self {{"
    );
    for c in &ext.three_ds {
        let _ = writeln!(
            out,
            "ThreeDSecureCode::{} => Some({:?}),",
            c.code, c.meaning
        );
    }
    let _ = writeln!(out, "ThreeDSecureCode::Unknown(_) => None, }} }}");
    let _ = writeln!(
        out,
        "/// The guide's list the code belongs to.\npub fn group(&self) -> Option<crate::codes::CodeGroup> {{ match self {{"
    );
    for c in &ext.three_ds {
        let group = match c.group.as_str() {
            "success-authorize" => "SuccessAuthorize",
            "success-verify" => "SuccessVerify",
            "failure-authorize" => "FailureAuthorize",
            "failure-verify" => "FailureVerify",
            other => bail!("{}: unknown group `{other}`", c.code),
        };
        let _ = writeln!(
            out,
            "ThreeDSecureCode::{} => Some(crate::codes::CodeGroup::{group}),",
            c.code
        );
    }
    let _ = writeln!(out, "ThreeDSecureCode::Unknown(_) => None, }} }}");
    let _ = writeln!(
        out,
        "/// What the code means for the order (this crate's reading of the guide).\n\
         pub fn outcome(&self) -> Option<crate::codes::CodeOutcome> {{ match self {{"
    );
    for c in &ext.three_ds {
        let outcome = match c.outcome.as_str() {
            "authentication-in-progress" => "AuthenticationInProgress",
            "success" => "Success",
            "conditional-success" => "ConditionalSuccess",
            "payment-not-allowed" => "PaymentNotAllowed",
            "merchant-bears-risk" => "MerchantBearsRisk",
            "system-error" => "SystemError",
            other => bail!("{}: unknown outcome `{other}`", c.code),
        };
        let _ = writeln!(
            out,
            "ThreeDSecureCode::{} => Some(crate::codes::CodeOutcome::{outcome}),",
            c.code
        );
    }
    let _ = writeln!(out, "ThreeDSecureCode::Unknown(_) => None, }} }}");
    let _ = writeln!(
        out,
        "/// Who bears the risk burden, where a scenario-table row says so for this code.\n\
         pub fn documented_risk(&self) -> Option<crate::codes::RiskBearer> {{ match self {{"
    );
    for c in &ext.three_ds {
        let risk = match c.risk.as_deref() {
            None => "None".to_owned(),
            Some("card-company") => "Some(crate::codes::RiskBearer::CardCompany)".to_owned(),
            Some("merchant") => "Some(crate::codes::RiskBearer::Merchant)".to_owned(),
            Some(other) => bail!("{}: unknown risk `{other}`", c.code),
        };
        let _ = writeln!(out, "ThreeDSecureCode::{} => {risk},", c.code);
    }
    let _ = writeln!(out, "ThreeDSecureCode::Unknown(_) => None, }} }} }}");
    Ok(())
}

fn card_codes(out: &mut String, ext: &Extensions) {
    let variants: Vec<_> = ext
        .cards
        .iter()
        .map(|c| {
            let source = if c.source == "guide" {
                "Named by the guide."
            } else {
                "Seen in the guide's samples."
            };
            (
                c.variant.clone(),
                c.code.clone(),
                format!("`{}`: {} {source}", c.code, c.meaning),
            )
        })
        .collect();
    open_enum(
        out,
        "CardCode",
        "The card payment result: characters 5 to 8 of `vresult_code`.",
        &variants,
    );
    let _ = writeln!(
        out,
        "impl CardCode {{ /// The meaning of the code (`None` when unknown).\npub fn meaning(&self) -> Option<&'static str> {{ match self {{"
    );
    for c in &ext.cards {
        let _ = writeln!(out, "CardCode::{} => Some({:?}),", c.variant, c.meaning);
    }
    let _ = writeln!(out, "CardCode::Unknown(_) => None, }} }} }}");
}

fn constraint_table(out: &mut String, constraints: &[Constraint]) -> anyhow::Result<()> {
    let _ = writeln!(
        out,
        "/// Length and charset rules of the spec, checked on demand (never while parsing).\n\
         pub const CONSTRAINTS: &[crate::validate::FieldConstraint] = &["
    );
    for c in constraints {
        let charset = match c.charset.as_deref() {
            None => "None".to_owned(),
            Some("ascii-printable") => "Some(crate::validate::Charset::AsciiPrintable)".to_owned(),
            Some("alnum-hyphen-underscore") => {
                "Some(crate::validate::Charset::AlnumHyphenUnderscore)".to_owned()
            }
            Some("alnum") => "Some(crate::validate::Charset::Alnum)".to_owned(),
            Some("digits") => "Some(crate::validate::Charset::Digits)".to_owned(),
            Some(other) => bail!("{}.{}: unknown x-charset `{other}`", c.schema, c.field),
        };
        let _ = writeln!(
            out,
            "crate::validate::FieldConstraint {{ schema: {:?}, field: {:?}, min_length: {:?}, max_length: {:?}, charset: {charset} }},",
            c.schema, c.field, c.min, c.max
        );
    }
    let _ = writeln!(out, "];");
    Ok(())
}

fn scenario_table(out: &mut String, ext: &Extensions) -> anyhow::Result<()> {
    let _ = writeln!(
        out,
        "/// The guide's \"Code List for each Scenario\", row by row.\n\
         pub const SCENARIOS: &[crate::testing::Scenario] = &["
    );
    for s in &ext.scenarios {
        let risk = match s.risk.as_str() {
            "payment-not-possible" => "PaymentNotPossible",
            "card-company" => "CardCompany",
            "merchant" => "Merchant",
            other => bail!("scenario {}: unknown risk `{other}`", s.no),
        };
        let _ = writeln!(
            out,
            "crate::testing::Scenario {{ no: {:?}, title: {:?}, risk: crate::testing::ScenarioRisk::{risk}, cards: &{:?}, authorize: {}, verify: {} }},",
            s.no,
            s.scenario,
            s.cards,
            step(&s.authorize, &s.no)?,
            step(&s.verify, &s.no)?,
        );
    }
    let _ = writeln!(out, "];");
    Ok(())
}

fn step(step: &Step, no: &str) -> anyhow::Result<String> {
    let mstatus = match step.mstatus.as_deref() {
        None => "None",
        Some("success") => "Some(crate::testing::MStatusCell::Success)",
        Some("failure") => "Some(crate::testing::MStatusCell::Failure)",
        Some("failure or success") => "Some(crate::testing::MStatusCell::FailureOrSuccess)",
        Some(other) => bail!("scenario {no}: unknown mstatus cell `{other}`"),
    };
    Ok(format!(
        "crate::testing::Step {{ mstatus: {mstatus}, mpi_complete: &{:?}, mpi_company: &{:?} }}",
        step.complete, step.company
    ))
}

/// `mpi-none` → `MpiNone`, `success` → `Success`.
fn pascal(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn doc_attr(doc: &str) -> String {
    doc.lines()
        .map(|line| format!("#[doc = {:?}]", format!(" {line}")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn spec() -> Value {
        let root = crate::workspace_root().unwrap();
        openapi::load_value(&root.join(SPEC)).unwrap()
    }

    #[test]
    fn generation_is_deterministic() {
        let first = generate_from(&spec()).unwrap();
        let second = generate_from(&spec()).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 3);
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
            "x-open-enum",
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
        bad["x-three-d-secure-codes"][0]["group"] = Value::from("failure-authorize");
        let err = Extensions::from_spec(&bad).unwrap_err().to_string();
        assert!(err.contains("note *1"), "{err}");

        let mut bad = spec();
        bad["x-scenarios"][0]["verify"]["mpi-complete"] = serde_json::json!(["GX990000"]);
        let err = Extensions::from_spec(&bad).unwrap_err().to_string();
        assert!(err.contains("not in the code list"), "{err}");

        let mut bad = spec();
        bad["x-three-d-secure-codes"][0]["outcome"] = Value::from("maybe");
        let ext = Extensions::from_spec(&bad).unwrap();
        let err = tables(&lenient(&bad).unwrap(), &ext)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown outcome"), "{err}");
    }

    #[test]
    fn pascal_case() {
        assert_eq!(pascal("mpi-none"), "MpiNone");
        assert_eq!(pascal("success"), "Success");
        assert_eq!(pascal("card"), "Card");
    }
}
