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
use crate::generated::latest::{PayType, RecoveryType, ResultCode};
pub use crate::generated::testing::*;

/// Declares the types of the generated tables where the generated file invokes it
/// (`generated::testing`, so their paths are that module's). Written by hand: nothing
/// in them comes from the spec; only [`Column`]'s variants do, and the generated file
/// declares that enum itself.
macro_rules! table_types {
    () => {
        /// One answer of the tables: `resultCode` and `vResultCode`.
        ///
        /// ```
        /// use unified_proto::testing::{self, Column};
        /// use unified_proto::{PayType, ResultCode, yen};
        ///
        /// let cell = testing::amount_answer(PayType::Paypay, Column::Capture, yen(1001), None).unwrap();
        /// assert_eq!(*cell, testing::Cell { result_code: Some(ResultCode::UaPrv001), v_result_code: Some("1GD2") });
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Cell {
            /// `resultCode`; `None` where the guide shows `-` (Rakuten Pay's point
            /// fraud, which answers nothing and returns to the dummy page).
            pub result_code: Option<ResultCode>,
            /// `vResultCode`; `None` where the guide shows `-` or nothing.
            pub v_result_code: Option<&'static str>,
        }

        /// What a column gives for one last digit.
        ///
        /// ```
        /// use unified_proto::testing::{self, Column, Simulated};
        /// use unified_proto::{PayType, yen};
        ///
        /// let row = testing::amount_row(PayType::Paypay, Column::Charge, yen(15)).unwrap();
        /// assert!(matches!(row.answer, Some(Simulated::ByRecoveryType(_))));
        /// let row = testing::amount_row(PayType::Paypay, Column::Pay, yen(10)).unwrap();
        /// assert!(matches!(&row.answer, Some(Simulated::Cell(cell)) if cell.is_success()));
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Simulated {
            /// This answer.
            Cell(Cell),
            /// The answer depends on the request's `control.protocol.recoveryType`
            /// (PayPay's on-demand payment, notes *1 and *2).
            ByRecoveryType(&'static [(RecoveryType, Cell)]),
        }

        /// One row of a "last digit of the amount" table, for one column.
        ///
        /// ```
        /// use unified_proto::testing::{self, Column};
        /// use unified_proto::{PayType, yen};
        ///
        /// let row = testing::amount_row(PayType::Paypay, Column::Capture, yen(1001)).unwrap();
        /// assert_eq!((row.pay_type, row.column, row.last_digit), (PayType::Paypay, Column::Capture, 1));
        /// assert!(row.cite.contains("Testing"));
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct AmountRow {
            /// The payment type whose table it is.
            pub pay_type: PayType,
            /// The request.
            pub column: Column,
            /// The amount's last digit.
            pub last_digit: u8,
            /// The answer; `None` where the guide shows `-`: nothing is simulated
            /// and the request behaves normally.
            pub answer: Option<Simulated>,
            /// Where in the guide the row is.
            pub cite: &'static str,
        }

        /// Which request's dummy provider page a choice is on.
        ///
        /// ```
        /// use unified_proto::PayType;
        /// use unified_proto::testing::{self, PageRequest};
        ///
        /// let agree = testing::page_choices(PayType::Paypay, PageRequest::Subscribe).next().unwrap();
        /// assert_eq!((agree.request, agree.label), (PageRequest::Subscribe, "Agree"));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum PageRequest {
            /// The single payment request (`pay`).
            Pay,
            /// The on-demand payment request (`subscribe`).
            Subscribe,
        }

        /// Where the dummy provider page sends the browser.
        ///
        /// ```
        /// use unified_proto::PayType;
        /// use unified_proto::testing::{self, PageRequest, RedirectTo};
        ///
        /// let mut choices = testing::page_choices(PayType::Rakuten, PageRequest::Pay);
        /// let fraud = choices.find(|c| c.id == "point-fraud").unwrap();
        /// assert_eq!((fraud.redirect, fraud.cell.result_code.as_ref()), (RedirectTo::Provider, None));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RedirectTo {
            /// The merchant's `successUrl`.
            Success,
            /// The merchant's `cancelUrl`.
            Cancel,
            /// The merchant's `errorUrl`.
            Error,
            /// The guide's "redirect fails" cases: the page shows a notice and stops.
            None,
            /// Back to the dummy page itself, with no result (Rakuten Pay's point fraud).
            Provider,
        }

        /// A choice on a dummy provider page and the answer it produces.
        ///
        /// ```
        /// use unified_proto::testing::{self, PageRequest, RedirectTo};
        /// use unified_proto::{PayType, ResultCode};
        ///
        /// let choices: Vec<_> = testing::page_choices(PayType::Paypay, PageRequest::Pay).collect();
        /// assert_eq!((choices[0].id, choices[0].redirect), ("pay", RedirectTo::Success));
        /// let cancel = choices.iter().find(|c| c.id == "cancel").unwrap();
        /// assert_eq!(cancel.cell.result_code, Some(ResultCode::UaCst002));
        /// assert!(cancel.sandbox_only); // the guide lists only the success choice for PayPay
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct PageChoice {
            /// The payment type.
            pub pay_type: PayType,
            /// The request whose page it is.
            pub request: PageRequest,
            /// A short stable name of the choice.
            pub id: &'static str,
            /// The choice as the guide names it.
            pub label: &'static str,
            /// The result it produces.
            pub cell: Cell,
            /// Where the browser goes.
            pub redirect: RedirectTo,
            /// `true` for a choice the guide does not list (the sandbox's own).
            pub sandbox_only: bool,
            /// Where in the guide the choice is.
            pub cite: &'static str,
        }

        /// An on-demand payment request item name that makes the request fail.
        ///
        /// ```
        /// use unified_proto::testing::ITEM_NAME_TRIGGERS;
        /// use unified_proto::{PayType, ResultCode};
        ///
        /// let fail = ITEM_NAME_TRIGGERS.iter().find(|t| t.item_name == "fail").unwrap();
        /// assert_eq!(fail.pay_type, PayType::Rakuten);
        /// assert_eq!(fail.cell.result_code, Some(ResultCode::UaPrv999));
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct ItemNameTrigger {
            /// The payment type.
            pub pay_type: PayType,
            /// `item[].name`.
            pub item_name: &'static str,
            /// The answer.
            pub cell: Cell,
            /// Where in the guide the row is.
            pub cite: &'static str,
        }
    };
}
pub(crate) use table_types;

impl Cell {
    /// `UA-000-001`: the request succeeded.
    ///
    /// ```
    /// use unified_proto::testing::{self, Column};
    /// use unified_proto::{PayType, yen};
    ///
    /// let answer = |amount| testing::amount_answer(PayType::Paypay, Column::Capture, yen(amount), None).unwrap();
    /// assert!(answer(1000).is_success());
    /// assert!(!answer(1001).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        self.result_code == Some(ResultCode::Ua000001)
    }
}

/// The row of `pay_type`'s table for `column` and the last digit of `amount`; `None`
/// when the payment type has no such table.
///
/// ```
/// use unified_proto::testing::{self, Column};
/// use unified_proto::{PayType, yen};
///
/// // Only the last digit counts.
/// assert_eq!(
///     testing::amount_row(PayType::Paypay, Column::Capture, yen(1001)),
///     testing::amount_row(PayType::Paypay, Column::Capture, yen(91)),
/// );
/// ```
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
///
/// ```
/// use unified_proto::testing::{self, PageRequest, RedirectTo};
/// use unified_proto::PayType;
///
/// let first = testing::page_choices(PayType::Au, PageRequest::Pay).next().unwrap();
/// assert_eq!(first.redirect, RedirectTo::Success); // the success choice first
/// assert!(testing::page_choices(PayType::Au, PageRequest::Pay).any(|c| c.redirect == RedirectTo::None));
/// ```
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
