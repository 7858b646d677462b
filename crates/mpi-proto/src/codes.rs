//! The vocabulary of the guide's code list: which list a 3-D Secure code
//! belongs to, what it means for the order, who bears the risk, and when a
//! service option type lets the gateway pay.
//!
//! The codes themselves ([`ThreeDSecureCode`], [`CardCode`]) and the
//! service option types ([`ServiceOptionType`]) are generated from
//! `specs/mpi/openapi.yaml`; this module holds only the words they map to.

use serde::Serialize;

pub use crate::generated::tables::{CardCode, ServiceOptionType, ThreeDSecureCode};

/// The four lists of the guide's code list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CodeGroup {
    /// "Success based authorize process" (`G001`–`G006`).
    SuccessAuthorize,
    /// "Success based verify process" (`G011`–`G014`).
    SuccessVerify,
    /// "Failure based authorize process" (`GE01`–`GE06`).
    FailureAuthorize,
    /// "Failure based verify process" (`GE11`–`GE16`).
    FailureVerify,
}

impl CodeGroup {
    /// `true` for the failure lists: per note *1 of the code list, `mstatus`
    /// is then `failure`.
    pub fn is_failure(self) -> bool {
        matches!(self, CodeGroup::FailureAuthorize | CodeGroup::FailureVerify)
    }
}

/// What a 3-D Secure code means for the order, before the card part and the
/// service option type are taken into account (see [`crate::decision`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CodeOutcome {
    /// `G001`: 3-D Secure is possible; the customer is (or was) sent to the
    /// card company's authentication server. Not a final result.
    AuthenticationInProgress,
    /// `G011`: 3-D Secure succeeded (password match).
    Success,
    /// `G002`–`G006`, `G012`–`G014`: conditional success; payment may run.
    ConditionalSuccess,
    /// 3-D Secure failed or was not possible and nobody bears the risk
    /// under the chosen option: no payment (`GE01`, `GE02`, `GE06`, `GE11`,
    /// `GE12`, `GE16`).
    PaymentNotAllowed,
    /// 3-D Secure could not vouch for the cardholder for a reason whose risk
    /// falls on the merchant (scenario rows 6-1 and 6-2: `GE03`, `GE13`).
    MerchantBearsRisk,
    /// Abnormal end on the VeriTrans side (scenario rows 7-1 and 7-2:
    /// `GE04`, `GE05`, `GE14`, `GE15`).
    SystemError,
}

/// Who bears the risk burden (chargeback liability) of a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RiskBearer {
    /// The card company.
    CardCompany,
    /// The merchant.
    Merchant,
}

/// When the gateway makes a card payment under a service option type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PaymentPolicy {
    /// `mpi-none`: authentication only; never a card payment.
    Never,
    /// `mpi-complete`: only when passwords perfectly match (`G011`).
    OnlyOnCompleteAuthentication,
    /// `mpi-company`, `mpi-merchant`: also on conditional success.
    AlsoOnConditionalSuccess,
}
