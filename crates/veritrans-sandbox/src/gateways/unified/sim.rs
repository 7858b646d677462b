//! The guide's "Testing" simulation tables, from `unified_proto::testing`.
//!
//! The tables are spec data (`specs/unified/1.1.3/testing.yaml`), generated into the
//! protocol crate with the merged cells already read out, so the sandbox and a merchant's
//! own tests answer from the same rows. This module only adapts them to the sandbox's
//! orders, which carry the payment type and the wire codes as text.

use std::collections::BTreeMap;
use std::str::FromStr;

use unified_proto::testing::{self as table, Column, PageRequest};
use unified_proto::{PayType, RecoveryType, ResultCode, Yen};

pub(crate) use unified_proto::testing::RedirectTo;

/// What the page shows for a `resultCode` the guide leaves as `-` (Rakuten Pay's point
/// fraud: no result).
const NO_CODE: &str = "-";

/// One simulated answer: `resultCode` and `vResultCode` (`None` where the guide shows `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) result_code: String,
    pub(crate) v_result_code: Option<String>,
}

impl Cell {
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

impl From<&table::Cell> for Cell {
    fn from(c: &table::Cell) -> Self {
        Self {
            result_code: c
                .result_code
                .as_ref()
                .map_or(NO_CODE, ResultCode::as_str)
                .to_string(),
            v_result_code: c.v_result_code.map(String::from),
        }
    }
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

impl From<&table::PageChoice> for Outcome {
    fn from(c: &table::PageChoice) -> Self {
        Self {
            id: c.id.to_string(),
            label: c.label.to_string(),
            cell: Cell::from(&c.cell),
            redirect: c.redirect,
            sandbox_only: c.sandbox_only,
        }
    }
}

/// One payment type's tables.
#[derive(Debug, Clone)]
pub(crate) struct PayTypeSim {
    pay_type: PayType,
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) subscribe_outcomes: Vec<Outcome>,
}

impl PayTypeSim {
    /// The simulated answer of `column` for `amount`; `None` when the guide lists nothing
    /// (the command then behaves normally).
    pub(crate) fn lookup(
        &self,
        column: Column,
        amount: u64,
        recovery_type: Option<&str>,
    ) -> Option<Cell> {
        // An unknown recoveryType was refused by validation; read it as the default.
        let recovery = recovery_type.and_then(|r| RecoveryType::from_str(r).ok());
        table::amount_answer(self.pay_type, column, Yen::new(amount), recovery).map(Cell::from)
    }

    /// Rakuten's on-demand payment request trigger: an item named `fail`.
    pub(crate) fn subscribe_trigger<'a>(
        &self,
        item_names: impl Iterator<Item = &'a str>,
    ) -> Option<Cell> {
        table::item_name_answer(self.pay_type, item_names).map(Cell::from)
    }
}

/// All payment types' simulation data.
#[derive(Debug, Clone, Default)]
pub(crate) struct Simulation {
    pay_types: BTreeMap<String, PayTypeSim>,
}

impl Simulation {
    /// The generated tables of every payment type the guide simulates.
    pub(crate) fn load() -> Self {
        let mut pay_types = BTreeMap::new();
        for choice in table::PAGE_CHOICES {
            pay_types
                .entry(choice.pay_type.to_string())
                .or_insert_with(|| PayTypeSim {
                    pay_type: choice.pay_type,
                    outcomes: table::page_choices(choice.pay_type, PageRequest::Pay)
                        .map(Outcome::from)
                        .collect(),
                    subscribe_outcomes: table::page_choices(
                        choice.pay_type,
                        PageRequest::Subscribe,
                    )
                    .map(Outcome::from)
                    .collect(),
                });
        }
        Self { pay_types }
    }

    /// The tables of `pay_type` (`None` for a type the guide does not simulate).
    pub(crate) fn of(&self, pay_type: &str) -> Option<&PayTypeSim> {
        self.pay_types.get(pay_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The adapter reads the generated rows by the generated column; the reading of
    // the tables themselves is tested in `unified_proto::testing` and xtask.
    #[test]
    fn the_generated_tables_answer_by_column_name() {
        let sim = Simulation::load();
        let paypay = sim.of("paypay").unwrap();
        // unified-api-1.1.3.en.txt, Testing › PayPay › Payment Request: "8
        // UA-PRV-001(Failure) 1GD1"; rows 1–7 continue row 0.
        assert_eq!(
            paypay.lookup(Column::Pay, 108, None).unwrap(),
            Cell::of(&ResultCode::UaPrv001, Some("1GD1".into()))
        );
        assert!(paypay.lookup(Column::Pay, 105, None).unwrap().is_success());
        // Notes *1/*2: recoveryType picks the on-demand payment's cell.
        assert_eq!(
            paypay
                .lookup(Column::Charge, 15, Some("recovery"))
                .unwrap()
                .code(),
            ResultCode::UaU00001
        );
        assert_eq!(
            paypay.lookup(Column::Charge, 15, None).unwrap().code(),
            ResultCode::UaCst001
        );
        // A column the payment type has no table for, and a `-` cell, simulate nothing.
        assert!(
            sim.of("docomo")
                .unwrap()
                .lookup(Column::UpdateOrder, 4, None)
                .is_none()
        );
        assert!(
            sim.of("au")
                .unwrap()
                .lookup(Column::Capture, 5, None)
                .is_none()
        );
        // Rakuten Pay's point fraud shows `-` as its resultCode.
        let rakuten = sim.of("rakuten").unwrap();
        let fraud = rakuten
            .outcomes
            .iter()
            .find(|o| o.id == "point-fraud")
            .unwrap();
        assert_eq!(fraud.cell.result_code, NO_CODE);
        assert_eq!(fraud.redirect, RedirectTo::Provider);
        assert!(rakuten.subscribe_trigger(["fail"].into_iter()).is_some());
        for pay_type in ["paypay", "rakuten", "docomo", "au", "merpay"] {
            assert!(
                !sim.of(pay_type).unwrap().outcomes.is_empty(),
                "{pay_type} has provider page outcomes"
            );
        }
    }
}
