//! The gateways' documented test behaviours (`specs/<gateway>/…/testing.yaml`) as
//! generated `testing` modules of the protocol crates.
//!
//! Every gateway's testing file has the same outer shape: `guide` (the seed file the
//! data is transcribed from), `section` (the guide's section), then the gateway's tables,
//! where every table or row carries `cite` (the place in the guide). The generated rows
//! keep that citation as data (`cite` fields), so a merchant's test, the sandbox and a
//! reader of the generated file all see where a row comes from. Nothing parses YAML at
//! run time: the tables are Rust constants, each written by [`crate::core::const_data`] from a row
//! struct that mirrors the generated type (often the spec reader's own struct).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use proc_macro2::Ident;
use quote::{format_ident, quote};
use serde::{Deserialize, Serialize, Serializer};

use crate::codegen::{GeneratedFile, Generator};
use crate::core::{const_data::to_tokens, rust::format, spec, spec::read};

/// The testing tables' entry of `codegen::GENERATORS`.
pub const GENERATOR: Generator = Generator {
    name: "testing",
    run: generate,
};

/// Every gateway's testing module.
pub fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    Ok(vec![
        unified::generate(root)?,
        pop::generate(root)?,
        jpayment::generate(root)?,
        mpi::generate(root)?,
    ])
}

/// `UA-000-001` → `Ua000001`, `not_recovery` → `NotRecovery`, `captureFull` →
/// `CaptureFull`: the variant names of the crates' generated enums. Unlike
/// `core::names::pascal` it keeps a camelCase word's humps, as the Unified spec's
/// column names (`cancelAfterCapture`) need. A mismatch with the enum does not go
/// unnoticed: the generated module then fails to compile.
fn pascal(text: &str) -> String {
    let mut out = String::new();
    for part in text.split(['-', '_', ' ']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            let rest: String = chars.collect();
            // An all-caps segment (`UA`, `PRV`) is a word; a camelCase one keeps its humps.
            if part.chars().all(|c| !c.is_lowercase()) {
                out.push_str(&rest.to_lowercase());
            } else {
                out.push_str(&rest);
            }
        }
    }
    out
}

fn ident(text: &str) -> Ident {
    format_ident!("{}", pascal(text))
}

/// `Type::Variant` of a generated enum whose variant only the spec names, written by
/// `const_data` as any unit variant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Variant(&'static str, String);

/// The variant of `ty` that the spec value `text` names ([`pascal`]).
fn variant(ty: &'static str, text: &str) -> Variant {
    Variant(ty, pascal(text))
}

impl Serialize for Variant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // serde takes a variant name as `&'static str`; codegen runs once and exits,
        // so leaking the few names it writes costs nothing.
        s.serialize_unit_variant(self.0, 0, Box::leak(self.1.clone().into_boxed_str()))
    }
}

/// A list of rows and the place in the guide it comes from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cited<T> {
    cite: String,
    rows: Vec<T>,
}

/// `guide, section ›`: how every `cite` of a testing file starts.
fn origin(guide: &str, section: &str) -> String {
    format!("{guide}, {section} ›")
}

/// The Unified API's tables: amount's last digit per command, the dummy provider
/// pages' choices, Rakuten Pay's item-name trigger.
mod unified {
    use super::*;

    /// The latest version's tables (`specs/unified/<latest>/testing.yaml`).
    const FILE: &str = "testing.yaml";
    const OUT: &str = "crates/unified-proto/src/generated/testing.rs";
    /// The table cell that stands for the `byRecoveryType` choice.
    const BY_RECOVERY_TYPE: &str = "byRecoveryType";

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Spec {
        guide: String,
        section: String,
        /// In the spec's order (the guide's), hence a mapping read entry by entry.
        pay_types: serde_yaml::Mapping,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct Table {
        #[serde(default)]
        pub(super) cite: String,
        pub(super) columns: Vec<String>,
        pub(super) rows: BTreeMap<u8, Vec<String>>,
        #[serde(default)]
        pub(super) placements: BTreeMap<u8, Vec<String>>,
        #[serde(default)]
        pub(super) by_recovery_type: BTreeMap<String, String>,
    }

    /// A choice of a dummy provider page, read from the spec (but for the fields the
    /// generator fills) and written as the generated `PageChoice` it mirrors.
    #[derive(Deserialize, Serialize)]
    #[serde(rename_all(deserialize = "camelCase"), deny_unknown_fields)]
    struct PageChoice {
        #[serde(skip_deserializing)]
        pay_type: Variant,
        #[serde(skip_deserializing)]
        request: Variant,
        id: String,
        label: String,
        cell: Cell,
        redirect: RedirectTo,
        #[serde(default)]
        sandbox_only: bool,
        #[serde(skip_deserializing)]
        cite: String,
    }

    /// The on-demand request's failing item name, read from the spec and written as
    /// the generated `ItemNameTrigger` it mirrors.
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct ItemNameTrigger {
        #[serde(skip_deserializing)]
        pay_type: Variant,
        #[serde(rename(deserialize = "name"))]
        item_name: String,
        cell: Cell,
        cite: String,
    }

    /// Read from the spec, and written as the generated `RedirectTo` it mirrors.
    #[derive(Deserialize, Serialize, Clone, Copy)]
    #[serde(rename_all(deserialize = "lowercase"))]
    enum RedirectTo {
        Success,
        Cancel,
        Error,
        None,
        Provider,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct PayType {
        title: String,
        pay: Option<Table>,
        other: Option<Table>,
        subscribe_fail: Option<ItemNameTrigger>,
        outcomes: Option<Cited<PageChoice>>,
        subscribe_outcomes: Option<Cited<PageChoice>>,
    }

    /// One cell, as the generated `Cell`: `resultCode` (`None` for `-`) and
    /// `vResultCode` (`None` for `-`).
    #[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
    #[serde(try_from = "String")]
    pub(super) struct Cell {
        pub(super) result_code: Option<Variant>,
        pub(super) v_result_code: Option<String>,
    }

    impl TryFrom<String> for Cell {
        type Error = anyhow::Error;
        fn try_from(text: String) -> anyhow::Result<Cell> {
            cell(&text)
        }
    }

    pub(super) fn cell(text: &str) -> anyhow::Result<Cell> {
        let mut parts = text.split_whitespace();
        let (Some(code), Some(v), None) = (parts.next(), parts.next(), parts.next()) else {
            bail!("cell {text:?} is not `RESULTCODE VRESULTCODE`");
        };
        let dash = |s: &str| (s != "-").then(|| s.to_string());
        Ok(Cell {
            result_code: dash(code).map(|c| variant("ResultCode", &c)),
            v_result_code: dash(v),
        })
    }

    /// What a column gives for one last digit, as the generated `Simulated`.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename = "Simulated")]
    pub(super) enum Entry {
        Cell(Cell),
        ByRecoveryType(Vec<(Variant, Cell)>),
    }

    /// Applies the merged-cell reading (the spec file's header): an empty row repeats
    /// the row above; otherwise the cells fill the columns from the left and the last
    /// one also covers the columns to its right; `placements` names a row's columns
    /// explicitly, and the columns it leaves out repeat the row above. Returns, per
    /// column and last digit, the entry (`None` for `- -`: nothing simulated).
    pub(super) fn read_table(table: &Table) -> anyhow::Result<Vec<(String, u8, Option<Entry>)>> {
        let by_recovery: Vec<(Variant, Cell)> = table
            .by_recovery_type
            .iter()
            .map(|(k, v)| Ok((variant("RecoveryType", k), cell(v)?)))
            .collect::<anyhow::Result<_>>()?;
        let entry = |text: &str| -> anyhow::Result<Option<Entry>> {
            if text == BY_RECOVERY_TYPE {
                if by_recovery.is_empty() {
                    bail!("{BY_RECOVERY_TYPE} without a byRecoveryType table");
                }
                return Ok(Some(Entry::ByRecoveryType(by_recovery.clone())));
            }
            let c = cell(text)?;
            Ok(c.result_code.is_some().then_some(Entry::Cell(c)))
        };
        let index = |column: &str| {
            table
                .columns
                .iter()
                .position(|c| c == column)
                .with_context(|| format!("placement names unknown column {column}"))
        };
        if let Some(digit) = table
            .placements
            .keys()
            .find(|d| !table.rows.contains_key(d))
        {
            bail!("placement of row {digit}, which is missing");
        }
        if let Some(digit) = table.rows.keys().find(|d| **d > 9) {
            bail!("row {digit} is not a last digit");
        }
        let mut out = Vec::new();
        let mut above: Vec<Option<Option<Entry>>> = vec![None; table.columns.len()];
        for digit in 0..10u8 {
            let row = table
                .rows
                .get(&digit)
                .with_context(|| format!("row {digit} missing"))?;
            if row.len() > table.columns.len() {
                bail!("row {digit} has more cells than columns");
            }
            let mut current = above.clone();
            match table.placements.get(&digit) {
                Some(placement) => {
                    if placement.len() != row.len() {
                        bail!(
                            "row {digit}: {} cells but {} placements",
                            row.len(),
                            placement.len()
                        );
                    }
                    for (text, columns) in row.iter().zip(placement) {
                        let e = entry(text)?;
                        for column in columns.split('+') {
                            current[index(column)?] = Some(e.clone());
                        }
                    }
                }
                None => {
                    for (i, text) in row.iter().enumerate() {
                        let e = entry(text)?;
                        let end = if i + 1 == row.len() {
                            table.columns.len()
                        } else {
                            i + 1
                        };
                        for slot in &mut current[i..end] {
                            *slot = Some(e.clone());
                        }
                    }
                }
            }
            for (column, slot) in table.columns.iter().zip(&current) {
                let Some(entry) = slot else {
                    bail!("row {digit}, column {column}: nothing above");
                };
                out.push((column.clone(), digit, entry.clone()));
            }
            above = current;
        }
        Ok(out)
    }

    /// The generated `AmountRow`.
    #[derive(Serialize)]
    struct AmountRow {
        pay_type: Variant,
        column: Variant,
        last_digit: u8,
        answer: Option<Entry>,
        cite: String,
    }

    pub(super) fn generate(root: &Path) -> anyhow::Result<GeneratedFile> {
        let path = crate::versions::latest_file(root, "unified", FILE)?;
        let spec: Spec = read(root, &path)?;
        let body = emit(&spec).context(path.clone())?;
        Ok(GeneratedFile::rust(OUT, &path, &body))
    }

    fn emit(spec: &Spec) -> anyhow::Result<String> {
        let at = origin(&spec.guide, &spec.section);
        let mut columns: Vec<String> = Vec::new();
        let (mut rows, mut choices, mut triggers) = (Vec::new(), Vec::new(), Vec::new());
        for (name, pt) in &spec.pay_types {
            let name = name.as_str().context("a payType key is not text")?;
            let pt: PayType =
                serde_yaml::from_value(pt.clone()).with_context(|| format!("payTypes.{name}"))?;
            let pay_type = || variant("PayType", name);
            for table in [&pt.pay, &pt.other].into_iter().flatten() {
                for column in &table.columns {
                    if !columns.contains(column) {
                        columns.push(column.clone());
                    }
                }
                let read = read_table(table).with_context(|| name.to_string())?;
                for (column, last_digit, answer) in read {
                    let cite = format!(
                        "{at} {} › {}: last digit {last_digit}, column {column}",
                        pt.title, table.cite
                    );
                    let column = variant("Column", &column);
                    let pay_type = pay_type();
                    rows.push(AmountRow {
                        pay_type,
                        column,
                        last_digit,
                        answer,
                        cite,
                    });
                }
            }
            for (request, outcomes) in [("pay", pt.outcomes), ("subscribe", pt.subscribe_outcomes)]
            {
                let Some(Cited { cite, rows }) = outcomes else {
                    continue;
                };
                for mut choice in rows {
                    choice.cite = if choice.sandbox_only {
                        let place = format!("{at} {} › {cite}", pt.title);
                        format!("the sandbox's own choice, not in the guide ({place})")
                    } else {
                        format!("{at} {} › {cite}: {}", pt.title, choice.label)
                    };
                    (choice.pay_type, choice.request) =
                        (pay_type(), variant("PageRequest", request));
                    choices.push(choice);
                }
            }
            if let Some(mut trigger) = pt.subscribe_fail {
                let (cite, item) = (&trigger.cite, &trigger.item_name);
                trigger.cite = format!("{at} {} › {cite}: {item}", pt.title);
                trigger.pay_type = pay_type();
                triggers.push(trigger);
            }
        }
        let variants: Vec<Ident> = columns.iter().map(|c| ident(c)).collect();
        let docs = columns
            .iter()
            .map(|c| format!("`{c}` in the spec's tables."));
        let guide = format!("{}, section \"{}\"", spec.guide, spec.section);
        let (rows, choices) = (to_tokens(&rows)?, to_tokens(&choices)?);
        let triggers = to_tokens(&triggers)?;
        let tokens = quote! {
            use crate::generated::latest::{PayType, RecoveryType, ResultCode};

            /// The guide the tables are transcribed from.
            pub const GUIDE: &str = #guide;

            crate::testing::table_types!();

            /// A column of the "last digit of the amount" tables: the request whose amount
            /// picks the answer. Rakuten Pay and Merpay split capture, cancel and
            /// payment-request change into several columns, as their tables do.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum Column {
                #( #[doc = #docs] #variants, )*
            }

            impl Column {
                /// Every column, in the order the spec first names it.
                pub const KNOWN: &'static [Column] = &[#(Column::#variants),*];

                /// The column's name in the spec.
                pub const fn as_str(&self) -> &'static str {
                    match self {
                        #( Column::#variants => #columns, )*
                    }
                }
            }

            /// Every payment type's amount tables, merged cells read out (ten rows per
            /// column). The reading of the flattened tables is the project's
            /// interpretation, explained in the spec file's header.
            pub const AMOUNT_ROWS: &[AmountRow] = #rows;

            /// Every dummy provider page's choices, the success choice first.
            pub const PAGE_CHOICES: &[PageChoice] = #choices;

            /// The item-name triggers of the on-demand payment request.
            pub const ITEM_NAME_TRIGGERS: &[ItemNameTrigger] = #triggers;
        };
        format(tokens)
    }
}

/// POP's test data: test cards, the expiry → `v_result_code` table, single codes, the
/// security-code lengths, the convenience-store and bank rules.
mod pop {
    use super::*;

    use crate::core::const_data;

    const SPEC: &str = "specs/pop/1.8.1/testing.yaml";
    const OUT: &str = "crates/pop-proto/src/generated/testing.rs";

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Spec {
        guide: String,
        section: String,
        test_cards: Cited<TestCard>,
        codes: Vec<Code>,
        security_code: SecurityCode,
        error_expiry_dates: Cited<ErrorExpiry>,
        convenience_store: ConvenienceStore,
        bank: Bank,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct TestCard {
        brand: String,
        number: String,
    }

    /// The generated `TestCard`.
    #[derive(Serialize)]
    #[serde(rename = "TestCard")]
    struct CardRow<'a> {
        brand: Variant,
        number: &'a str,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Code {
        name: String,
        v_result_code: String,
        doc: String,
        cite: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SecurityCode {
        cite: String,
        digits: Vec<usize>,
    }

    /// Read from the spec, and written as the generated `ErrorExpiry` it mirrors.
    #[derive(Deserialize, Serialize)]
    #[serde(rename_all(deserialize = "camelCase"), deny_unknown_fields)]
    struct ErrorExpiry {
        expiry: String,
        v_result_code: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct ConvenienceStore {
        cite: String,
        success_phone_prefixes: Values,
        failure_phone_prefixes: Values,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Values {
        cite: String,
        values: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Bank {
        cite: String,
        success_last_digits: Vec<u8>,
    }

    pub(super) fn generate(root: &Path) -> anyhow::Result<GeneratedFile> {
        let spec: Spec = read(root, SPEC)?;
        Ok(GeneratedFile::rust(OUT, SPEC, &emit(&spec)?))
    }

    fn emit(spec: &Spec) -> anyhow::Result<String> {
        let at = origin(&spec.guide, &spec.section);
        let mut brands: Vec<&str> = Vec::new();
        for card in &spec.test_cards.rows {
            if !card.number.bytes().all(|b| b.is_ascii_digit()) {
                bail!("{SPEC}: test card {:?} is not a card number", card.number);
            }
            if !brands.contains(&card.brand.as_str()) {
                brands.push(&card.brand);
            }
        }
        let brand_variants: Vec<Ident> = brands.iter().map(|b| ident(b)).collect();
        let cards: Vec<CardRow> = (spec.test_cards.rows.iter())
            .map(|c| CardRow {
                brand: variant("CardBrand", &c.brand),
                number: &c.number,
            })
            .collect();
        let cards = to_tokens(&cards)?;
        let cards_doc = format!(
            "The guide's test cards (not for 3-D Secure, which has its own list in the 3DS2.0 \
             supplementary material). Source: {at} {}.",
            spec.test_cards.cite
        );
        let codes = spec.codes.iter().map(|c| {
            let name = format_ident!("{}", c.name);
            let doc = format!("{} Source: {at} {}.", c.doc, c.cite);
            let v = &c.v_result_code;
            quote! {
                #[doc = #doc]
                pub const #name: &str = #v;
            }
        });
        let digits = to_tokens(&spec.security_code.digits)?;
        let digits_doc = format!(
            "Security codes may be any value of this many digits. Source: {at} {}.",
            spec.security_code.cite
        );
        let expiry_doc = format!(
            "The guide's expiry date → `v_result_code` table. Source: {at} {}.",
            spec.error_expiry_dates.cite
        );
        let expiries = const_data::table(
            &expiry_doc,
            "ERROR_EXPIRY_DATES",
            "ErrorExpiry",
            &spec.error_expiry_dates.rows,
        )?;
        let cvs = &spec.convenience_store;
        let prefix_doc = |values: &Values, outcome: &str| -> anyhow::Result<String> {
            if let Some(p) = (values.values.iter())
                .find(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                bail!("{SPEC}: telephone prefix {p:?} is not two digits");
            }
            Ok(format!(
                "Convenience store: first two digits of the telephone number that {outcome}. \
                 Source: {at} {} › {}.",
                cvs.cite, values.cite
            ))
        };
        let cvs_ok_doc = prefix_doc(&cvs.success_phone_prefixes, "succeed")?;
        let cvs_ko_doc = prefix_doc(&cvs.failure_phone_prefixes, "fail")?;
        let cvs_ok = to_tokens(&cvs.success_phone_prefixes.values)?;
        let cvs_ko = to_tokens(&cvs.failure_phone_prefixes.values)?;
        if spec.bank.success_last_digits.iter().any(|d| *d > 9) {
            bail!("{SPEC}: a bank success last digit is not a digit");
        }
        let bank = to_tokens(&spec.bank.success_last_digits)?;
        let bank_doc = format!(
            "Bank: the last digits of `gross_amount` for which a dummy bank payment \
             succeeds; any other last digit fails. Source: {at} {}.",
            spec.bank.cite
        );
        let guide = format!("{}, section \"{}\"", spec.guide, spec.section);
        let tokens = quote! {
            use crate::testing::{ErrorExpiry, TestCard};

            /// The guide the test data is transcribed from.
            pub const GUIDE: &str = #guide;

            /// A card brand of the guide's test cards.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub enum CardBrand {
                #( #[doc = #brands] #brand_variants, )*
            }

            impl CardBrand {
                /// The brand as the guide writes it.
                pub const fn as_str(&self) -> &'static str {
                    match self {
                        #( CardBrand::#brand_variants => #brands, )*
                    }
                }
            }

            #[doc = #cards_doc]
            pub const TEST_CARDS: &[TestCard] = #cards;

            #(#codes)*

            #[doc = #digits_doc]
            pub const SECURITY_CODE_DIGITS: &[usize] = #digits;

            #expiries

            #[doc = #cvs_ok_doc]
            pub const CVS_SUCCESS_PHONE_PREFIXES: &[&str] = #cvs_ok;

            #[doc = #cvs_ko_doc]
            pub const CVS_FAILURE_PHONE_PREFIXES: &[&str] = #cvs_ko;

            #[doc = #bank_doc]
            pub const BANK_SUCCESS_LAST_DIGITS: &[u8] = #bank;
        };
        format(tokens)
    }
}

/// J-Payment: the guide lists no test data, so these are the sandbox's own triggers and
/// codes, labelled as such, plus the guide's `ER003`.
mod jpayment {
    use super::*;

    const SPEC: &str = "specs/jpayment/testing.yaml";
    /// The gateway's codes and their variant names.
    const CODES_SPEC: &str = "specs/jpayment/jpayment.yaml";
    const OUT: &str = "crates/jpayment-proto/src/generated/testing.rs";

    /// Where a row comes from: the guide lists no test data, so only `sandbox` (the
    /// project's own) is accepted.
    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Provenance {
        Sandbox,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Spec {
        guide: String,
        section: String,
        source_ip: SourceIp,
        sandbox_codes: Vec<SandboxCode>,
        amount_triggers: Vec<AmountTrigger>,
        refused_cards: Vec<RefusedCard>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SourceIp {
        code: String,
        cite: String,
        when: String,
        #[serde(rename = "source")]
        _source: Provenance,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SandboxCode {
        name: String,
        code: String,
        meaning: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct AmountTrigger {
        total: u64,
        code: String,
        #[serde(default)]
        issuer: bool,
        #[serde(rename = "source")]
        _source: Provenance,
        cite: String,
    }

    /// The generated `AmountTrigger`.
    #[derive(Serialize)]
    #[serde(rename = "AmountTrigger")]
    struct TriggerRow {
        total: u64,
        answer: TriggerAnswer,
        note: String,
    }

    /// The generated `TriggerAnswer`.
    #[derive(Serialize)]
    enum TriggerAnswer {
        Gateway(Variant),
        Issuer(String),
    }

    /// Read from the spec, and written as the generated `RefusedCard` it mirrors.
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct RefusedCard {
        number: String,
        code: String,
        meaning: String,
        #[serde(rename = "source", skip_serializing)]
        _source: Provenance,
    }

    /// The part of the gateway's spec this generator reads.
    #[derive(Deserialize)]
    struct Codes {
        result_codes: Vec<Code>,
        issuer_code_prefix: String,
    }

    #[derive(Deserialize)]
    struct Code {
        code: String,
        variant: String,
    }

    pub(super) fn generate(root: &Path) -> anyhow::Result<GeneratedFile> {
        let spec: Spec = read(root, SPEC)?;
        let codes: Codes = read(root, CODES_SPEC)?;
        Ok(GeneratedFile::rust(OUT, SPEC, &emit(&spec, &codes)?))
    }

    fn emit(spec: &Spec, codes: &Codes) -> anyhow::Result<String> {
        let error_code = |code: &str| -> anyhow::Result<&str> {
            (codes.result_codes.iter())
                .find(|c| c.code == code)
                .map(|c| c.variant.as_str())
                .with_context(|| format!("{SPEC}: {code} is not in {CODES_SPEC}'s result_codes"))
        };
        let issuer = |code: &str| -> anyhow::Result<()> {
            if !code.starts_with(&codes.issuer_code_prefix) {
                bail!("{SPEC}: {code} is not a card-company code");
            }
            Ok(())
        };
        let ip = &spec.source_ip;
        let ip_variant = format_ident!("{}", error_code(&ip.code)?);
        let ip_doc = format!(
            "`{}` (the guide's code). The sandbox answers it when {} (the sandbox's reading). \
             Source: {}, {}.",
            ip.code, ip.when, spec.guide, ip.cite
        );
        spec::unique(
            "sandbox code",
            spec.sandbox_codes.iter().map(|c| c.code.as_str()),
        )?;
        let sandbox_codes = spec
            .sandbox_codes
            .iter()
            .map(|c| {
                if codes.result_codes.iter().any(|g| g.code == c.code) {
                    bail!("{SPEC}: {} is a gateway code", c.code);
                }
                let name = format_ident!("{}", c.name);
                let (code, meaning) = (&c.code, &c.meaning);
                let doc = format!("`{code}`, the sandbox's own code (not the gateway's): {meaning}.");
                Ok((
                    quote! {
                        #[doc = #doc]
                        pub const #name: SandboxCode = SandboxCode { code: #code, meaning: #meaning };
                    },
                    name,
                ))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let (sandbox_consts, sandbox_names): (Vec<_>, Vec<_>) = sandbox_codes.into_iter().unzip();
        let triggers = (spec.amount_triggers.iter())
            .map(|t| {
                let answer = if t.issuer {
                    issuer(&t.code)?;
                    TriggerAnswer::Issuer(t.code.clone())
                } else {
                    TriggerAnswer::Gateway(Variant("ErrorCode", error_code(&t.code)?.into()))
                };
                let (total, note) = (t.total, t.cite.clone());
                Ok(TriggerRow {
                    total,
                    answer,
                    note,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        for c in &spec.refused_cards {
            issuer(&c.code)?;
            if !c.number.bytes().all(|b| b.is_ascii_digit()) {
                bail!("{SPEC}: {:?} is not a card number", c.number);
            }
        }
        let (triggers, cards) = (to_tokens(&triggers)?, to_tokens(&spec.refused_cards)?);
        let guide = format!("{}; {}", spec.guide, spec.section);
        let tokens = quote! {
            use super::{AmountTrigger, RefusedCard, SandboxCode, TriggerAnswer};

            use crate::ErrorCode;

            /// The guide the data refers to. It has no testing section: everything here
            /// but `ER003` is the project's sandbox's own behaviour.
            pub const GUIDE: &str = #guide;

            #[doc = #ip_doc]
            pub const SOURCE_IP: ErrorCode = ErrorCode::#ip_variant;

            #(#sandbox_consts)*

            /// Every code of the sandbox's own.
            pub const SANDBOX_CODES: &[SandboxCode] = &[#(#sandbox_names),*];

            /// The sandbox's trigger amounts (its own: the guide lists none).
            pub const AMOUNT_TRIGGERS: &[AmountTrigger] = #triggers;

            /// The sandbox's refused cards (its own: the guide lists none; the codes
            /// follow the card networks' common `G` codes). Any other Luhn-valid number
            /// is approved.
            pub const REFUSED_CARDS: &[RefusedCard] = #cards;
        };
        format(tokens)
    }
}

/// MPI: the guide's "Code List for each Scenario", row by row.
mod mpi {
    use super::*;

    pub(super) const SPEC: &str = "specs/mpi/testing.yaml";
    /// The code list the scenario cells must come from.
    const CODES_SPEC: &str = "specs/mpi/openapi.yaml";
    const OUT: &str = "crates/mpi-proto/src/generated/testing.rs";

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Spec {
        guide: String,
        section: String,
        pub(super) scenarios: Scenarios,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Scenarios {
        cite: String,
        pub(super) rows: Vec<Scenario>,
    }

    /// Read from the spec, and written as the generated `Scenario` it mirrors.
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Scenario {
        no: String,
        #[serde(rename(deserialize = "scenario"))]
        title: String,
        risk: ScenarioRisk,
        cards: Vec<String>,
        pub(super) authorize: Step,
        verify: Step,
        /// Where in the guide the row is: written by the generator, not read.
        #[serde(skip_deserializing)]
        cite: String,
    }

    /// The generated `ScenarioRisk`.
    #[derive(Deserialize, Serialize)]
    #[serde(rename_all(deserialize = "kebab-case"))]
    enum ScenarioRisk {
        PaymentNotPossible,
        CardCompany,
        Merchant,
    }

    /// The generated `MStatusCell`.
    #[derive(Deserialize, Serialize)]
    #[serde(rename_all(deserialize = "lowercase"))]
    enum MStatusCell {
        Success,
        Failure,
        #[serde(rename(deserialize = "failure or success"))]
        FailureOrSuccess,
    }

    /// The generated `Step`.
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Step {
        mstatus: Option<MStatusCell>,
        #[serde(rename(deserialize = "mpi-complete"))]
        pub(super) mpi_complete: Vec<String>,
        #[serde(rename(deserialize = "mpi-company"))]
        mpi_company: Vec<String>,
    }

    /// The part of the gateway's spec this generator reads.
    #[derive(Deserialize)]
    pub(super) struct Codes {
        #[serde(rename = "x-threeDSecureCodes")]
        three_ds: Vec<Code>,
    }

    #[derive(Deserialize)]
    pub(super) struct Code {
        code: String,
    }

    pub(super) fn generate(root: &Path) -> anyhow::Result<GeneratedFile> {
        let spec: Spec = read(root, SPEC)?;
        let codes: Codes = read(root, CODES_SPEC)?;
        Ok(GeneratedFile::rust(OUT, SPEC, &emit(spec, &codes)?))
    }

    /// Rules the generated rows rely on: cells of eight characters from the code list,
    /// test cards of digits.
    pub(super) fn check(spec: &Spec, codes: &Codes) -> anyhow::Result<()> {
        for s in &spec.scenarios.rows {
            for code in [&s.authorize, &s.verify]
                .into_iter()
                .flat_map(|step| step.mpi_complete.iter().chain(&step.mpi_company))
            {
                if code.len() != 8 {
                    bail!("scenario {}: cell `{code}` is not 8 characters", s.no);
                }
                if !codes.three_ds.iter().any(|c| code.starts_with(&c.code)) {
                    bail!("scenario {}: `{code}` is not in the code list", s.no);
                }
            }
            for card in &s.cards {
                if card.len() < 12 || !card.bytes().all(|b| b.is_ascii_digit()) {
                    bail!("scenario {}: card `{card}` is not a card number", s.no);
                }
            }
        }
        Ok(())
    }

    fn emit(mut spec: Spec, codes: &Codes) -> anyhow::Result<String> {
        check(&spec, codes).context(SPEC)?;
        let at = origin(&spec.guide, &spec.section);
        for s in &mut spec.scenarios.rows {
            s.cite = format!("{at} {}: No {}", spec.scenarios.cite, s.no);
        }
        let rows = to_tokens(&spec.scenarios.rows)?;
        let guide = format!("{}, section \"{}\"", spec.guide, spec.section);
        let tokens = quote! {
            use super::{MStatusCell, Scenario, ScenarioRisk, Step};

            /// The guide the table is transcribed from.
            pub const GUIDE: &str = #guide;

            /// The guide's "Code List for each Scenario", row by row.
            pub const SCENARIOS: &[Scenario] = #rows;
        };
        format(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::unified::{Entry, Table, cell, read_table};
    use super::*;

    fn table(yaml: &str) -> Table {
        serde_yaml::from_str(yaml).unwrap()
    }

    const ROWS: &str =
        "{0: [\"A B\"], 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [], 8: [], 9: []}";

    #[test]
    fn merged_cells_are_read_out() {
        // Row 1 repeats row 0; row 2's single cell covers both columns; row 3's placement
        // sets column b only, column a repeats row 2.
        let t = table(
            "{columns: [a, b], rows: {0: [\"A 1\", \"B 1\"], 1: [], 2: [\"C 1\"], 3: [\"D 1\"], \
             4: [\"- -\"], 5: [], 6: [], 7: [], 8: [], 9: []}, placements: {3: [b]}}",
        );
        let read = read_table(&t).unwrap();
        let at = |column: &str, digit: u8| {
            read.iter()
                .find(|(c, d, _)| c == column && *d == digit)
                .and_then(|(_, _, e)| e.clone())
        };
        let c = |text: &str| Some(Entry::Cell(cell(text).unwrap()));
        assert_eq!(at("b", 1), c("B 1"));
        assert_eq!(at("a", 2), c("C 1"));
        assert_eq!(at("b", 2), c("C 1"));
        assert_eq!(at("a", 3), c("C 1"));
        assert_eq!(at("b", 3), c("D 1"));
        assert_eq!(at("a", 4), None);
        assert_eq!(read.len(), 20);
    }

    #[test]
    fn malformed_tables_are_errors() {
        assert!(read_table(&table("{columns: [pay], rows: {0: []}}")).is_err());
        assert!(
            read_table(&table(&format!(
                "{{columns: [pay], rows: {}}}",
                ROWS.replace("A B", "A B C")
            )))
            .is_err()
        );
        assert!(read_table(&table(&format!("{{columns: [a], rows: {ROWS}}}"))).is_ok());
        // A placement of another length than its row, or naming an unknown column.
        assert!(
            read_table(&table(&format!(
                "{{columns: [a, b], rows: {ROWS}, placements: {{0: [a, b]}}}}"
            )))
            .is_err()
        );
        assert!(
            read_table(&table(&format!(
                "{{columns: [a], rows: {ROWS}, placements: {{0: [z]}}}}"
            )))
            .is_err()
        );
        // byRecoveryType without its table.
        assert!(
            read_table(&table(&format!(
                "{{columns: [a], rows: {}}}",
                ROWS.replace("\"A B\"", "byRecoveryType")
            )))
            .is_err()
        );
    }

    #[test]
    fn mpi_cells_must_come_from_the_code_list() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let codes: mpi::Codes = read(&root, "specs/mpi/openapi.yaml").unwrap();
        let mut spec: mpi::Spec = read(&root, mpi::SPEC).unwrap();
        mpi::check(&spec, &codes).unwrap();
        spec.scenarios.rows[0].authorize.mpi_complete = vec!["GX990000".into()];
        let err = mpi::check(&spec, &codes).unwrap_err().to_string();
        assert!(err.contains("not in the code list"), "{err}");
    }

    #[test]
    fn names_follow_the_generated_enums() {
        assert_eq!(pascal("UA-000-001"), "Ua000001");
        assert_eq!(pascal("UA-U00-001"), "UaU00001");
        assert_eq!(pascal("not_recovery"), "NotRecovery");
        assert_eq!(pascal("captureFull"), "CaptureFull");
        assert_eq!(pascal("paypay"), "Paypay");
    }
}
