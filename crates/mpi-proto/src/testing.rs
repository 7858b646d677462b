//! The guide's test data as data: the scenario table ("Code List for each
//! Scenario") with its test cards and expected codes per service option
//! type, and the guide's sample bodies. A sandbox answers with these; tests
//! check against them.
//!
//! Reading of the flattened table (deliberate, see the crate docs):
//! - a cell holds the first eight characters of `vresult_code`; the other
//!   eight are `0` in every sample ([`full_code`]);
//! - an empty code list means the step does not happen for that option
//!   (the authorize step already ended the process);
//! - where a cell lists several codes (rows 7-1, 7-2) any of them may
//!   come back; row 7-1 also lists two cards and the guide does not pair
//!   them, so [`Scenario::codes_for_card`] pairs them by position and
//!   [`Step::codes`] keeps all alternatives;
//! - `mstatus` cells reading "failure or success" are settled per code by
//!   note *1 (`GExx` → failure, `G0xx` → success).

use veritrans_sign::MpiServerKey;

use crate::codes::ServiceOptionType;

pub use crate::generated::tables::SCENARIOS;

/// The risk-burden column of the scenario table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScenarioRisk {
    /// "(Payment not possible)".
    PaymentNotPossible,
    /// "Card Company".
    CardCompany,
    /// "Merchant".
    Merchant,
}

/// An `mstatus` cell of the scenario table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MStatusCell {
    /// "success".
    Success,
    /// "failure".
    Failure,
    /// "failure or success": depends on the option; note *1 decides per code.
    FailureOrSuccess,
}

/// One step of a scenario: "MPI Authorize (/mpi_charges)" or "Verify
/// (VeriTrans internal process)".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The `mstatus` cell; `None` where the flattened guide has none.
    pub mstatus: Option<MStatusCell>,
    /// Codes (first eight characters) under `mpi-complete`.
    pub mpi_complete: &'static [&'static str],
    /// Codes (first eight characters) under `mpi-company`.
    pub mpi_company: &'static [&'static str],
}

impl Step {
    /// The codes for `option`; `None` for options the table has no column
    /// for (`mpi-none`, `mpi-merchant`, unknown ones).
    pub fn codes(&self, option: &ServiceOptionType) -> Option<&'static [&'static str]> {
        match option {
            ServiceOptionType::MpiComplete => Some(self.mpi_complete),
            ServiceOptionType::MpiCompany => Some(self.mpi_company),
            _ => None,
        }
    }
}

/// One row of the scenario table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// "No" column (`"1"`, `"5-1"`, …).
    pub no: &'static str,
    /// Scenario column.
    pub title: &'static str,
    /// Risk-burden column.
    pub risk: ScenarioRisk,
    /// Test card numbers (test data published by the guide, not real cards).
    pub cards: &'static [&'static str],
    /// "MPI Authorize (/mpi_charges)".
    pub authorize: Step,
    /// "Verify (VeriTrans internal process)".
    pub verify: Step,
}

impl Scenario {
    /// The row whose "No" is `no`.
    pub fn by_no(no: &str) -> Option<&'static Scenario> {
        SCENARIOS.iter().find(|s| s.no == no)
    }

    /// The row a test card belongs to.
    pub fn by_card(card: &str) -> Option<&'static Scenario> {
        SCENARIOS.iter().find(|s| s.cards.contains(&card))
    }

    /// The final codes (full 16 characters) for `option`: the verify step's,
    /// or the authorize step's when there is no verify step. Empty for
    /// options the table has no column for.
    pub fn final_codes(&self, option: &ServiceOptionType) -> Vec<String> {
        let verify = self.verify.codes(option).unwrap_or_default();
        let cells = if verify.is_empty() {
            self.authorize.codes(option).unwrap_or_default()
        } else {
            verify
        };
        cells.iter().map(|cell| full_code(cell)).collect()
    }

    /// The final code a sandbox should answer for `card` under `option`:
    /// with as many cards as codes (row 7-1) they pair by position,
    /// otherwise the first code.
    pub fn codes_for_card(&self, card: &str, option: &ServiceOptionType) -> Option<String> {
        self.pair(card, &self.final_codes(option))
    }

    /// The authorize-step code (full 16 characters) a sandbox should answer
    /// for `card` under `option`, paired like [`Scenario::codes_for_card`].
    /// `None` for a card of another row or an option without a column.
    pub fn authorize_code_for_card(
        &self,
        card: &str,
        option: &ServiceOptionType,
    ) -> Option<String> {
        let cells = self.authorize.codes(option)?;
        self.pair(
            card,
            &cells.iter().map(|c| full_code(c)).collect::<Vec<_>>(),
        )
    }

    /// The verify-step code (full 16 characters) for `card` under `option`,
    /// paired like [`Scenario::codes_for_card`]; `None` where the table has
    /// no verify step (the authorize step ended the process).
    pub fn verify_code_for_card(&self, card: &str, option: &ServiceOptionType) -> Option<String> {
        let cells = self.verify.codes(option)?;
        self.pair(
            card,
            &cells.iter().map(|c| full_code(c)).collect::<Vec<_>>(),
        )
    }

    // With as many cards as codes (row 7-1) they pair by position, otherwise
    // every card of the row gets the first code.
    fn pair(&self, card: &str, codes: &[String]) -> Option<String> {
        let position = self.cards.iter().position(|c| *c == card)?;
        if codes.len() == self.cards.len() {
            codes.get(position).cloned()
        } else {
            codes.first().cloned()
        }
    }
}

/// A scenario cell (first eight characters) as a full 16-character code.
pub fn full_code(cell: &str) -> String {
    format!("{cell:0<16}")
}

/// The guide's search response sample, byte for byte (with its `\u003d`
/// escapes and its mix of `snake_case` and `properTransactionInfo`).
pub const SEARCH_SAMPLE: &str = r#"{
  "order_info": {
    "order_id": "TESTB001",
    "service_type_code": "mpi",
    "last_success_command": "Verify",
    "success_detail_transaction_type": "a",
    "proper_order_info": {"trad_url": "https://example.com/..."},
    "transaction_info_array": [
      {
        "amount": 100,
        "command": "Verify",
        "mstatus": "success",
        "vresult_code": "G011A00100000000",
        "transaction_datetime": "2015-03-11 20:05:20.277",
        "properTransactionInfo": {
          "transaction_kind": "mpi",
          "transaction_type": "vd",
          "res_3d_cavv": "AbC1eFg2IJkl3NopQ4STU5WXYZ\u003d\u003d",
          "res_3d_cavv_algorithm": "2",
          "res_3d_eci": "05",
          "res_3d_message_version": "1.0.2",
          "res_3d_transaction_id": "12aBcde3Fg4HiJ\u003dAbcd1Efgh2J\u003d",
          "res_3d_transaction_status": "Y"
        }
      },
      {
        "amount": 100,
        "command": "Verify",
        "mstatus": "success",
        "vresult_code": "G011A00100000000",
        "transaction_datetime": "2015-03-11 20:05:22.221",
        "properTransactionInfo": {
          "transaction_kind": "card",
          "res_auth_code": "000000",
          "res_center_error_code": "   "
        }
      }
    ]
  },
  "vresult_code": "N001000000000000",
  "mstatus": "success",
  "code": "Q000",
  "status": "success",
  "message": "Search request was successful"
}"#;

/// The guide's push notification sample, byte for byte.
pub const PUSH_SAMPLE: &str = r#"{
    "push_time": "2015-03-30 18:36:42",
    "push_id": "00000080",
    "data": [
        {
            "order_id": "TESTC001",
            "vresult_code": "G012A00100000000",
            "transaction_type": "Verify",
            "mpi_mstatus": "success",
            "card_mstatus": "success",
            "test_mode": true
        }
    ]
}"#;

/// The `Authorization` header the gateway would send with `body`: lets a
/// merchant test a push handler end to end.
pub fn push_authorization(body: &[u8], key: &MpiServerKey) -> String {
    veritrans_sign::mpi::authorization(body, key)
}
