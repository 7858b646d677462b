//! The guide's "Testing" simulation tables, read from `data/unified-testing.yaml`.
//!
//! The data file holds the flattened rows as the guide lists them; this module applies
//! the documented reading of merged cells (see the file's header) once, at load time.

use std::collections::BTreeMap;

use serde::Deserialize;
use unified_proto::ResultCode;

/// The data file, compiled in so the sandbox needs no files at run time.
const DATA: &str = include_str!("../../../data/unified-testing.yaml");

/// One simulated answer: `resultCode` and `vResultCode` (`None` where the guide shows `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) result_code: String,
    pub(crate) v_result_code: Option<String>,
}

impl Cell {
    fn parse(text: &str) -> Result<Self, String> {
        let mut parts = text.split_whitespace();
        let (Some(code), v, None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("cell {text:?} is not `RESULTCODE VRESULTCODE`"));
        };
        Ok(Self {
            result_code: code.to_string(),
            v_result_code: v.filter(|v| *v != "-").map(String::from),
        })
    }
    /// `-` as the result code: the guide simulates nothing for this cell.
    pub(crate) fn is_unspecified(&self) -> bool {
        self.result_code == "-"
    }
    /// A cell of one of the generated result codes.
    pub(crate) fn of(code: &ResultCode, v_result_code: Option<String>) -> Self {
        Self {
            result_code: code.as_str().to_string(),
            v_result_code,
        }
    }
    /// The result code, typed.
    pub(crate) fn code(&self) -> ResultCode {
        ResultCode::from(self.result_code.as_str())
    }
    /// `UA-000-001`: the order succeeded.
    pub(crate) fn is_success(&self) -> bool {
        self.code() == ResultCode::Ua000001
    }
}

/// Where the dummy provider page sends the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RedirectTo {
    Success,
    Cancel,
    Error,
    /// The guide's "redirect fails" cases: the page shows a notice and stops.
    None,
    /// Back to the dummy page itself, with no result (Rakuten Pay's point fraud).
    Provider,
}

/// A choice on the dummy provider page.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) cell: Cell,
    pub(crate) redirect: RedirectTo,
    /// The guide lists no such choice: the sandbox offers it and says so.
    pub(crate) sandbox_only: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTable {
    columns: Vec<String>,
    rows: BTreeMap<u8, Vec<String>>,
    #[serde(default)]
    placements: BTreeMap<u8, Vec<String>>,
    #[serde(default)]
    by_recovery_type: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOutcome {
    id: String,
    label: String,
    cell: String,
    redirect: RedirectTo,
    #[serde(default)]
    sandbox_only: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPayType {
    pay: Option<RawTable>,
    other: Option<RawTable>,
    subscribe_fail_name: Option<String>,
    subscribe_fail: Option<String>,
    #[serde(default)]
    outcomes: Vec<RawOutcome>,
    #[serde(default)]
    subscribe_outcomes: Vec<RawOutcome>,
}

/// A column's value for one last digit: a cell, or a choice by `recoveryType`.
#[derive(Debug, Clone)]
enum Entry {
    Cell(Cell),
    ByRecoveryType(BTreeMap<String, Cell>),
}

/// One payment type's tables after the merged-cell reading.
#[derive(Debug, Clone, Default)]
pub(crate) struct PayTypeSim {
    /// (column, last digit) → entry.
    cells: BTreeMap<(String, u8), Entry>,
    subscribe_fail_name: Option<String>,
    subscribe_fail: Option<Cell>,
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) subscribe_outcomes: Vec<Outcome>,
}

impl PayTypeSim {
    /// The simulated answer of `column` for `amount`; `None` when the guide lists nothing
    /// (the command then behaves normally).
    pub(crate) fn lookup(
        &self,
        column: &str,
        amount: u64,
        recovery_type: Option<&str>,
    ) -> Option<Cell> {
        let digit = (amount % 10) as u8;
        let cell = match self.cells.get(&(column.to_string(), digit))? {
            Entry::Cell(c) => c.clone(),
            // The guide's note *1 reads "not_recovery" as the default.
            Entry::ByRecoveryType(map) => map.get(recovery_type.unwrap_or("not_recovery"))?.clone(),
        };
        (!cell.is_unspecified()).then_some(cell)
    }

    /// Rakuten's on-demand payment request trigger: an item named `fail`.
    pub(crate) fn subscribe_trigger<'a>(
        &self,
        mut item_names: impl Iterator<Item = &'a str>,
    ) -> Option<Cell> {
        let name = self.subscribe_fail_name.as_deref()?;
        if item_names.any(|n| n == name) {
            self.subscribe_fail.clone()
        } else {
            None
        }
    }
}

/// All payment types' simulation data.
#[derive(Debug, Clone, Default)]
pub(crate) struct Simulation {
    pub(crate) pay_types: BTreeMap<String, PayTypeSim>,
}

impl Simulation {
    /// Parses the compiled-in data file.
    pub(crate) fn load() -> Result<Self, String> {
        Self::parse(DATA)
    }

    fn parse(text: &str) -> Result<Self, String> {
        let raw: BTreeMap<String, RawPayType> =
            serde_yaml::from_str(text).map_err(|e| format!("unified-testing.yaml: {e}"))?;
        let mut pay_types = BTreeMap::new();
        for (pay_type, raw) in raw {
            let mut sim = PayTypeSim::default();
            for table in [raw.pay, raw.other].into_iter().flatten() {
                read_table(&table, &mut sim.cells)
                    .map_err(|e| format!("unified-testing.yaml: {pay_type}: {e}"))?;
            }
            sim.subscribe_fail_name = raw.subscribe_fail_name;
            sim.subscribe_fail = raw.subscribe_fail.as_deref().map(Cell::parse).transpose()?;
            sim.outcomes = outcomes(raw.outcomes)?;
            sim.subscribe_outcomes = outcomes(raw.subscribe_outcomes)?;
            pay_types.insert(pay_type, sim);
        }
        Ok(Self { pay_types })
    }

    /// The tables of `pay_type` (an empty set for a type the guide does not simulate).
    pub(crate) fn of(&self, pay_type: &str) -> Option<&PayTypeSim> {
        self.pay_types.get(pay_type)
    }
}

fn outcomes(raw: Vec<RawOutcome>) -> Result<Vec<Outcome>, String> {
    raw.into_iter()
        .map(|o| {
            Ok(Outcome {
                cell: Cell::parse(&o.cell)?,
                id: o.id,
                label: o.label,
                redirect: o.redirect,
                sandbox_only: o.sandbox_only,
            })
        })
        .collect()
}

/// The cell text that stands for the table's `byRecoveryType` choice.
const BY_RECOVERY_TYPE: &str = "byRecoveryType";

/// Applies the merged-cell reading (see the data file's header): an empty row repeats the
/// row above; otherwise the cells fill the columns from the left and the last one also
/// covers the columns to its right; `placements` names a row's columns explicitly, and
/// the columns it leaves out repeat the row above.
fn read_table(table: &RawTable, out: &mut BTreeMap<(String, u8), Entry>) -> Result<(), String> {
    let by_recovery: BTreeMap<String, Cell> = table
        .by_recovery_type
        .iter()
        .map(|(k, v)| Ok((k.clone(), Cell::parse(v)?)))
        .collect::<Result<_, String>>()?;
    let entry = |text: &str| -> Result<Entry, String> {
        if text == BY_RECOVERY_TYPE {
            if by_recovery.is_empty() {
                return Err(format!("{BY_RECOVERY_TYPE} without a byRecoveryType table"));
            }
            Ok(Entry::ByRecoveryType(by_recovery.clone()))
        } else {
            Cell::parse(text).map(Entry::Cell)
        }
    };
    let index = |column: &str| {
        table
            .columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| format!("placement names unknown column {column}"))
    };
    if let Some(digit) = table
        .placements
        .keys()
        .find(|d| !table.rows.contains_key(d))
    {
        return Err(format!("placement of row {digit}, which is missing"));
    }
    let mut above: Vec<Option<Entry>> = vec![None; table.columns.len()];
    for digit in 0..10u8 {
        let row = table
            .rows
            .get(&digit)
            .ok_or_else(|| format!("row {digit} missing"))?;
        if row.len() > table.columns.len() {
            return Err(format!("row {digit} has more cells than columns"));
        }
        let mut current = above.clone();
        match table.placements.get(&digit) {
            Some(placement) => {
                if placement.len() != row.len() {
                    return Err(format!(
                        "row {digit}: {} cells but {} placements",
                        row.len(),
                        placement.len()
                    ));
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
                    let last = i + 1 == row.len();
                    let end = if last { table.columns.len() } else { i + 1 };
                    for slot in &mut current[i..end] {
                        *slot = Some(e.clone());
                    }
                }
            }
        }
        for (i, column) in table.columns.iter().enumerate() {
            match &current[i] {
                Some(entry) => {
                    out.insert((column.clone(), digit), entry.clone());
                }
                None => return Err(format!("row {digit}, column {column}: nothing above")),
            }
        }
        above = current;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_parses_and_reads_merged_cells() {
        let sim = Simulation::load().unwrap();
        let paypay = sim.of("paypay").unwrap();
        // Empty rows 1–7 continue row 0.
        assert_eq!(
            paypay.lookup("pay", 105, None).unwrap().result_code,
            "UA-000-001"
        );
        assert_eq!(
            paypay
                .lookup("pay", 108, None)
                .unwrap()
                .v_result_code
                .as_deref(),
            Some("1GD1")
        );
        // A single cell spans the row.
        assert_eq!(
            paypay
                .lookup("cancel", 101, None)
                .unwrap()
                .v_result_code
                .as_deref(),
            Some("1GD2")
        );
        // recoveryType picks the cell.
        assert_eq!(
            paypay
                .lookup("charge", 15, Some("recovery"))
                .unwrap()
                .result_code,
            "UA-U00-001"
        );
        assert_eq!(
            paypay.lookup("charge", 15, None).unwrap().result_code,
            unified_proto::ResultCode::UaCst001.as_str()
        );
        // A short row fills from the left and its last cell covers the rest (row 4 of
        // d Payment: capture W001, then WA02 for cancel and the on-demand payment, the
        // Japanese header's 随時支払).
        let docomo = sim.of("docomo").unwrap();
        for column in ["cancel", "charge"] {
            assert_eq!(
                docomo
                    .lookup(column, 4, None)
                    .unwrap()
                    .v_result_code
                    .as_deref(),
                Some("WA02")
            );
        }
        assert!(docomo.lookup("updateOrder", 4, None).is_none());
        // A placement names the columns: PayPay row 5's second cell is the charge's.
        assert_eq!(
            paypay
                .lookup("cancel", 5, None)
                .unwrap()
                .v_result_code
                .as_deref(),
            Some("1E50")
        );
        // `-` means nothing is simulated.
        assert!(sim.of("au").unwrap().lookup("capture", 5, None).is_none());
        for (pay_type, s) in &sim.pay_types {
            assert!(
                !s.outcomes.is_empty(),
                "{pay_type} has provider page outcomes"
            );
        }
    }

    #[test]
    fn malformed_tables_are_errors() {
        assert!(Simulation::parse("x: {pay: {columns: [pay], rows: {0: []}}}").is_err());
        assert!(Simulation::parse("x: {pay: {columns: [pay], rows: {0: [\"A B C\"]}}}").is_err());
        let rows = "{0: [\"A B\"], 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [], 8: [], 9: []}";
        assert!(Simulation::parse(&format!("x: {{pay: {{columns: [a], rows: {rows}}}}}")).is_ok());
        // A placement of another length than its row, or naming an unknown column.
        assert!(
            Simulation::parse(&format!(
                "x: {{pay: {{columns: [a, b], rows: {rows}, placements: {{0: [a, b]}}}}}}"
            ))
            .is_err()
        );
        assert!(
            Simulation::parse(&format!(
                "x: {{pay: {{columns: [a], rows: {rows}, placements: {{0: [z]}}}}}}"
            ))
            .is_err()
        );
        // byRecoveryType without its table.
        assert!(
            Simulation::parse(
                "x: {pay: {columns: [a], rows: {0: [byRecoveryType], 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [], 8: [], 9: []}}}"
            )
            .is_err()
        );
    }
}
