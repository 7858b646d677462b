//! The guide's "Testing" simulation tables (guide 1.1.3, section "Testing"), as data:
//! which answer the sandbox environment gives for an amount's last digit, for a choice
//! on a dummy provider page, or for an on-demand payment request's item name. A
//! merchant's own tests and the project's sandbox read the same rows, generated from
//! `specs/unified/1.1.3/testing.yaml` (module [`generated::testing`](crate::generated::testing)).
//!
//! The guide's tables lost their merged cells when flattened to text; how they are read
//! back (an empty row repeats the row above, a row's last cell covers the columns to its
//! right) is the project's interpretation, written down in the spec file's header.
//!
//! ```
//! use unified_proto::testing::{self, Column};
//! use unified_proto::{PayType, ResultCode, yen};
//!
//! // A merchant's test: which amount makes a PayPay capture fail?
//! let cell = testing::amount_answer(PayType::Paypay, Column::Capture, yen(1001), None).unwrap();
//! assert_eq!(cell.result_code, Some(ResultCode::UaPrv001));
//! assert_eq!(cell.v_result_code, Some("1GD2"));
//! // Amounts ending in 0 succeed.
//! assert!(testing::amount_answer(PayType::Paypay, Column::Capture, yen(1000), None)
//!     .unwrap()
//!     .is_success());
//! ```

use crate::Yen;
pub use crate::generated::testing::*;
use crate::v1_1_3::{PayType, RecoveryType, ResultCode};

impl Cell {
    /// `UA-000-001`: the request succeeded.
    pub fn is_success(&self) -> bool {
        self.result_code == Some(ResultCode::Ua000001)
    }
}

/// The row of `pay_type`'s table for `column` and the last digit of `amount`; `None`
/// when the payment type has no such table.
pub fn amount_row(pay_type: PayType, column: Column, amount: Yen) -> Option<&'static AmountRow> {
    let digit = (amount.get() % 10) as u8;
    AMOUNT_ROWS
        .iter()
        .find(|r| r.pay_type == pay_type && r.column == column && r.last_digit == digit)
}

/// The answer the sandbox environment gives to `column`'s request of `amount`; `None`
/// when the guide simulates nothing there (the request then behaves normally).
/// `recovery` is the request's `control.protocol.recoveryType`; the guide's note *1
/// makes `not_recovery` the default.
///
/// ```
/// use unified_proto::testing::{self, Column};
/// use unified_proto::{PayType, RecoveryType, ResultCode, yen};
///
/// // PayPay's on-demand payment, last digit 5: notes *1 and *2 of the guide.
/// let charge = |r| testing::amount_answer(PayType::Paypay, Column::Charge, yen(15), r);
/// assert_eq!(charge(None).unwrap().result_code, Some(ResultCode::UaCst001));
/// assert_eq!(
///     charge(Some(RecoveryType::Recovery)).unwrap().result_code,
///     Some(ResultCode::UaU00001)
/// );
/// ```
pub fn amount_answer(
    pay_type: PayType,
    column: Column,
    amount: Yen,
    recovery: Option<RecoveryType>,
) -> Option<&'static Cell> {
    match amount_row(pay_type, column, amount)?.answer.as_ref()? {
        Simulated::Cell(cell) => Some(cell),
        Simulated::ByRecoveryType(by) => {
            let wanted = recovery.unwrap_or(RecoveryType::NotRecovery);
            by.iter().find(|(r, _)| *r == wanted).map(|(_, c)| c)
        }
    }
}

/// The choices on `pay_type`'s dummy provider page for `request`, the success choice
/// first.
pub fn page_choices(
    pay_type: PayType,
    request: PageRequest,
) -> impl Iterator<Item = &'static PageChoice> {
    PAGE_CHOICES
        .iter()
        .filter(move |c| c.pay_type == pay_type && c.request == request)
}

/// The answer to an on-demand payment request whose items are named `item_names`, when
/// one of the names is a trigger of `pay_type` (Rakuten Pay's `fail`); `None` otherwise.
///
/// ```
/// use unified_proto::testing;
/// use unified_proto::{PayType, ResultCode};
///
/// let fail = testing::item_name_answer(PayType::Rakuten, ["fail"]).unwrap();
/// assert_eq!(fail.result_code, Some(ResultCode::UaPrv999));
/// assert!(testing::item_name_answer(PayType::Rakuten, ["coffee"]).is_none());
/// ```
pub fn item_name_answer<'a>(
    pay_type: PayType,
    item_names: impl IntoIterator<Item = &'a str>,
) -> Option<&'static Cell> {
    let names: Vec<&str> = item_names.into_iter().collect();
    ITEM_NAME_TRIGGERS
        .iter()
        .find(|t| t.pay_type == pay_type && names.contains(&t.item_name))
        .map(|t| &t.cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yen;

    // Every table has ten rows per column, and every row cites the guide.
    #[test]
    fn every_column_has_ten_cited_rows() {
        for pay_type in [
            PayType::Paypay,
            PayType::Rakuten,
            PayType::Docomo,
            PayType::Au,
            PayType::Merpay,
        ] {
            for column in Column::KNOWN {
                let rows: Vec<_> = AMOUNT_ROWS
                    .iter()
                    .filter(|r| r.pay_type == pay_type && r.column == *column)
                    .collect();
                assert!(rows.is_empty() || rows.len() == 10, "{pay_type} {column:?}");
                assert!(
                    rows.iter()
                        .all(|r| r.cite.contains("unified-api-1.1.3.en.txt"))
                );
            }
            assert!(
                page_choices(pay_type, PageRequest::Pay)
                    .next()
                    .is_some_and(|c| c.cell.is_success()),
                "{pay_type}: the first choice is the success"
            );
        }
    }

    // unified-api-1.1.3.en.txt, Testing › au simulation details › Other APIs: row 5
    // reads "5 - - UA-PRV-001(Failure) WG02": capture is not simulated.
    #[test]
    fn a_dash_cell_simulates_nothing() {
        let row = amount_row(PayType::Au, Column::Capture, yen(5)).unwrap();
        assert_eq!(row.answer, None);
        assert!(amount_answer(PayType::Au, Column::Capture, yen(5), None).is_none());
        assert_eq!(
            amount_answer(PayType::Au, Column::Cancel, yen(5), None)
                .unwrap()
                .v_result_code,
            Some("WG02")
        );
        // d Payment has no payment-request change column.
        assert!(amount_row(PayType::Docomo, Column::UpdateOrder, yen(5)).is_none());
    }
}
