//! The vocabulary of the guide's code list: which list a 3-D Secure code
//! belongs to, what it means for the order, who bears the risk, and when a
//! service option type lets the gateway pay.
//!
//! The codes themselves ([`ThreeDSecureCode`], [`CardCode`]) and the
//! service option types ([`ServiceOptionType`]) are generated from
//! `specs/mpi/openapi.yaml`, with the other columns of the guide's lists as
//! `const` rows; this module holds the words they map to and reads the rows.

use serde::Serialize;

pub use crate::generated::tables::{CardCode, ServiceOptionType, ThreeDSecureCode};
use crate::generated::tables::{SERVICE_OPTIONS, THREE_D_SECURE_CODES};

impl ServiceOptionType {
    /// This option's row of `x-serviceOptionTypes` (`None` for an unknown option).
    fn row(&self) -> Option<&'static (ServiceOptionType, &'static str, PaymentPolicy, bool)> {
        SERVICE_OPTIONS.iter().find(|row| row.0 == *self)
    }

    /// The option's name in the guide.
    ///
    /// ```
    /// use mpi_proto::ServiceOptionType;
    ///
    /// assert_eq!(ServiceOptionType::MpiComplete.label(), Some("Complete Authentication"));
    /// assert_eq!(ServiceOptionType::from("mpi-future").label(), None);
    /// ```
    pub fn label(&self) -> Option<&'static str> {
        self.row().map(|row| row.1)
    }

    /// When the gateway makes a card payment under this option (`None` for unknown options).
    ///
    /// ```
    /// use mpi_proto::{PaymentPolicy, ServiceOptionType};
    ///
    /// assert_eq!(ServiceOptionType::MpiNone.payment_policy(), Some(PaymentPolicy::Never));
    /// assert_eq!(ServiceOptionType::MpiCompany.payment_policy(), Some(PaymentPolicy::AlsoOnConditionalSuccess));
    /// ```
    pub fn payment_policy(&self) -> Option<PaymentPolicy> {
        self.row().map(|row| row.2)
    }

    /// `true` when the guide itself gives the wire value (not only public MDK docs).
    ///
    /// ```
    /// use mpi_proto::ServiceOptionType;
    ///
    /// assert!(ServiceOptionType::MpiComplete.named_by_guide());
    /// assert!(!ServiceOptionType::MpiNone.named_by_guide()); // from the public MDK documentation
    /// ```
    pub fn named_by_guide(&self) -> bool {
        self.row().is_some_and(|row| row.3)
    }
}

/// A row of `x-threeDSecureCodes` after the code and its meaning.
type CodeRow = (ThreeDSecureCode, CodeGroup, CodeOutcome, Option<RiskBearer>);

impl ThreeDSecureCode {
    /// This code's row of `x-threeDSecureCodes` (`None` for an unknown code).
    fn row(&self) -> Option<&'static CodeRow> {
        THREE_D_SECURE_CODES.iter().find(|row| row.0 == *self)
    }

    /// The guide's list the code belongs to.
    ///
    /// ```
    /// use mpi_proto::{CodeGroup, ThreeDSecureCode};
    ///
    /// assert_eq!(ThreeDSecureCode::G011.group(), Some(CodeGroup::SuccessVerify));
    /// assert_eq!(ThreeDSecureCode::from("GE12").group(), Some(CodeGroup::FailureVerify));
    /// ```
    pub fn group(&self) -> Option<CodeGroup> {
        self.row().map(|row| row.1)
    }

    /// What the code means for the order (this crate's reading of the guide).
    ///
    /// ```
    /// use mpi_proto::{CodeOutcome, ThreeDSecureCode};
    ///
    /// assert_eq!(ThreeDSecureCode::G012.outcome(), Some(CodeOutcome::ConditionalSuccess));
    /// assert_eq!(ThreeDSecureCode::from("GE14").outcome(), Some(CodeOutcome::SystemError));
    /// ```
    pub fn outcome(&self) -> Option<CodeOutcome> {
        self.row().map(|row| row.2)
    }

    /// Who bears the risk burden, where a scenario-table row says so for this code.
    ///
    /// ```
    /// use mpi_proto::{RiskBearer, ThreeDSecureCode};
    ///
    /// assert_eq!(ThreeDSecureCode::G002.documented_risk(), Some(RiskBearer::CardCompany));
    /// assert_eq!(ThreeDSecureCode::G004.documented_risk(), None); // no scenario row says
    /// ```
    pub fn documented_risk(&self) -> Option<RiskBearer> {
        self.row().and_then(|row| row.3)
    }
}

/// The four lists of the guide's code list.
///
/// ```
/// use mpi_proto::{CodeGroup, ThreeDSecureCode};
///
/// assert_eq!(ThreeDSecureCode::G001.group(), Some(CodeGroup::SuccessAuthorize));
/// assert!(CodeGroup::FailureAuthorize.is_failure());
/// ```
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
    ///
    /// ```
    /// use mpi_proto::CodeGroup;
    ///
    /// assert!(CodeGroup::FailureVerify.is_failure());
    /// assert!(!CodeGroup::SuccessVerify.is_failure());
    /// ```
    pub fn is_failure(self) -> bool {
        matches!(self, CodeGroup::FailureAuthorize | CodeGroup::FailureVerify)
    }
}

/// What a 3-D Secure code means for the order, before the card part and the
/// service option type are taken into account (see [`crate::decision`]).
///
/// ```
/// use mpi_proto::{CodeOutcome, ThreeDSecureCode};
///
/// assert_eq!(ThreeDSecureCode::G001.outcome(), Some(CodeOutcome::AuthenticationInProgress));
/// assert_eq!(ThreeDSecureCode::from("GE13").outcome(), Some(CodeOutcome::MerchantBearsRisk));
/// ```
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
///
/// ```
/// use mpi_proto::{Decision, Outcome, RiskBearer, ServiceOptionType, Statuses};
///
/// let code = "G012A00100000000".parse()?;
/// let paid = Decision::decide(&ServiceOptionType::MpiCompany, &code, &Statuses::default());
/// assert_eq!(paid.outcome, Outcome::Paid { risk: Some(RiskBearer::CardCompany) });
/// # Ok::<(), mpi_proto::VResultCodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RiskBearer {
    /// The card company.
    CardCompany,
    /// The merchant.
    Merchant,
}

/// When the gateway makes a card payment under a service option type.
///
/// ```
/// use mpi_proto::{PaymentPolicy, ServiceOptionType};
///
/// assert_eq!(ServiceOptionType::MpiComplete.payment_policy(), Some(PaymentPolicy::OnlyOnCompleteAuthentication));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PaymentPolicy {
    /// `mpi-none`: authentication only; never a card payment.
    Never,
    /// `mpi-complete`: only when passwords perfectly match (`G011`).
    OnlyOnCompleteAuthentication,
    /// `mpi-company`, `mpi-merchant`: also on conditional success.
    AlsoOnConditionalSuccess,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rows_answer_for_listed_values_only() {
        let option = ServiceOptionType::MpiComplete;
        assert_eq!(option.label(), Some("Complete Authentication"));
        assert_eq!(
            option.payment_policy(),
            Some(PaymentPolicy::OnlyOnCompleteAuthentication)
        );
        assert!(option.named_by_guide());
        assert!(!ServiceOptionType::MpiNone.named_by_guide());
        // A value spelled like a listed one but built as unknown stays unknown.
        let unknown = ServiceOptionType::Unknown("mpi-complete".into());
        assert_eq!((unknown.label(), unknown.payment_policy()), (None, None));
        assert!(!unknown.named_by_guide());

        let code = ThreeDSecureCode::G011;
        assert_eq!(code.group(), Some(CodeGroup::SuccessVerify));
        assert_eq!(code.outcome(), Some(CodeOutcome::Success));
        assert_eq!(code.documented_risk(), Some(RiskBearer::CardCompany));
        assert_eq!(ThreeDSecureCode::G004.documented_risk(), None);
        let unknown = ThreeDSecureCode::Unknown("G011".into());
        assert_eq!((unknown.group(), unknown.outcome()), (None, None));
    }

    #[test]
    fn every_listed_value_has_its_row() {
        for option in ServiceOptionType::KNOWN {
            assert!(option.label().is_some() && option.payment_policy().is_some());
        }
        for code in ThreeDSecureCode::KNOWN {
            assert!(code.group().is_some() && code.outcome().is_some(), "{code}");
        }
        // The card part of `vresult_code` is four characters (characters 5 to 8).
        for code in CardCode::KNOWN {
            assert_eq!(code.as_str().len(), 4, "{code}");
        }
    }
}
