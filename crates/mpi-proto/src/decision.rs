//! From a result to "may I ship?".
//!
//! The gateway has already applied the service option type when it built
//! the `vresult_code`: under `mpi-complete` the "attempt" scenario comes back
//! as `GE12` (no payment), under `mpi-company` as `G012A001` (paid). So the
//! code decides; the option type is used to catch results that contradict
//! it (a conditional success under `mpi-complete`, a card payment under
//! `mpi-none`) and to tell "pending" from "charge it yourself".
//!
//! The steps, in order (each one documented where users read it, in the
//! crate docs as well):
//! 1. the 3-D Secure part (first four characters) must be in the guide's
//!    list, else [`Outcome::Undetermined`];
//! 2. a reported 3-D Secure `mstatus` must agree with note *1 (`GExx` ↔
//!    `failure`, `G0xx` ↔ `success`), else [`Outcome::Undetermined`];
//! 3. failures map to [`Outcome::PaymentNotAllowed`],
//!    [`Outcome::MerchantBearsRisk`] or [`Outcome::SystemError`] as the
//!    scenario table's risk column and titles say; `G001` is
//!    [`Outcome::AuthenticationInProgress`];
//! 4. successes look at the card part: `A001` is [`Outcome::Paid`], `0000`
//!    is [`Outcome::AuthenticatedPaymentPending`], any other card code is
//!    [`Outcome::CardPaymentFailed`] when a status says `failure`, pending
//!    when it says `pending`, and [`Outcome::Undetermined`] otherwise.
//!
//! Only [`Action::Ship`] means ship. Everything the guide does not settle is
//! [`Outcome::Undetermined`] with [`Action::DoNotShip`]: never "paid" by
//! default.

use serde::Serialize;

use crate::codes::{
    CardCode, CodeOutcome, PaymentPolicy, RiskBearer, ServiceOptionType, ThreeDSecureCode,
};
use crate::generated::tables::{MStatus, ProperTransactionInfo};
use crate::generated::types::{PushData, SearchResponse};
use crate::{Error, VResultCode, vresult};

/// What happened to the order.
///
/// ```
/// use mpi_proto::{Decision, Outcome, ServiceOptionType, Statuses};
///
/// let decide = |code: &str| Decision::decide(&ServiceOptionType::MpiCompany, &code.parse().unwrap(), &Statuses::default());
/// assert_eq!(decide("G001000000000000").outcome, Outcome::AuthenticationInProgress);
/// assert_eq!(decide("GE13000000000000").outcome, Outcome::MerchantBearsRisk);
/// assert!(matches!(decide("ZZ99000000000000").outcome, Outcome::Undetermined { .. })); // not in the guide
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// 3-D Secure passed (fully or conditionally) and the card payment
    /// succeeded (`A001`).
    Paid {
        /// Who bears the risk burden, where the guide's scenario table says
        /// so for the 3-D Secure code (`G002`, `G003`, `G011`, `G012`:
        /// the card company); `None` where it does not (`G004`–`G006`,
        /// `G013`, `G014`).
        risk: Option<RiskBearer>,
    },
    /// 3-D Secure passed but there is no card payment result yet
    /// (card part `0000`, or `card_mstatus` `pending`). Under `mpi-none`
    /// no payment will come: charge the card yourself.
    AuthenticatedPaymentPending,
    /// `G001`: 3-D Secure is possible and the customer was sent to the card
    /// company's authentication server; no final result yet.
    AuthenticationInProgress,
    /// 3-D Secure failed or was not possible and the option chosen does not
    /// take the risk: no payment was made.
    PaymentNotAllowed,
    /// 3-D Secure could not vouch for the cardholder for a reason whose risk
    /// falls on the merchant (unsupported device, ACS failure, incorrect
    /// PAReq: `GE03`, `GE13`). No payment was made; taking the sale anyway
    /// means charging outside 3-D Secure at the merchant's own risk.
    MerchantBearsRisk,
    /// Abnormal end on the VeriTrans side (`GE04`, `GE05`, `GE14`, `GE15`).
    /// No payment was made; the customer may try again later.
    SystemError,
    /// 3-D Secure passed but the card payment failed (a card code other than
    /// `A001`/`0000` with a `failure` status).
    CardPaymentFailed,
    /// The result does not fit the guide (unknown code, contradicting
    /// statuses, a result the chosen option cannot produce).
    Undetermined {
        /// Why, in words.
        reason: String,
    },
}

/// What the merchant should do.
///
/// ```
/// use mpi_proto::{Action, Decision, ServiceOptionType, Statuses};
///
/// // mpi-none: authentication only; the merchant charges the card itself.
/// let code = "G011000000000000".parse()?;
/// let decision = Decision::decide(&ServiceOptionType::MpiNone, &code, &Statuses::default());
/// assert_eq!(decision.action, Action::ChargeSeparately);
/// # Ok::<(), mpi_proto::VResultCodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    /// Paid: ship the goods.
    Ship,
    /// Do not ship; no payment exists (or none can be trusted).
    DoNotShip,
    /// Not final yet: wait for the push, then search again with the
    /// Request ID. Do not ship until a later decision says [`Action::Ship`].
    WaitAndSearchAgain,
    /// `mpi-none`: authentication succeeded and no payment is made by the
    /// gateway; charge the card with the authentication data
    /// (`res_3d_cavv`, `res_3d_eci`, …) before shipping.
    ChargeSeparately,
}

/// The statuses reported next to a code, when there are any.
///
/// ```
/// use mpi_proto::{Decision, MStatus, Outcome, ServiceOptionType, Statuses};
///
/// // A 3-D Secure `failure` next to a success code contradicts note *1 of the code list.
/// let contradicting = Statuses { three_d_secure: Some(MStatus::Failure), card: None };
/// let code = "G011A00100000000".parse()?;
/// let decision = Decision::decide(&ServiceOptionType::MpiCompany, &code, &contradicting);
/// assert!(matches!(decision.outcome, Outcome::Undetermined { .. }));
/// assert!(!decision.should_ship());
/// # Ok::<(), mpi_proto::VResultCodeError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statuses {
    /// `mstatus` of the 3-D Secure result (search: the latest transaction's
    /// `mstatus`; push: `mpi_mstatus`).
    pub three_d_secure: Option<MStatus>,
    /// Status of the card payment (search: the latest `card` transaction's
    /// `mstatus`; push: `card_mstatus`, blank read as absent).
    pub card: Option<MStatus>,
}

/// A decision with what it was based on.
///
/// ```
/// use mpi_proto::{CardCode, Decision, SearchResponse, ServiceOptionType, ThreeDSecureCode, testing};
///
/// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
/// let decision = Decision::from_search(&ServiceOptionType::MpiCompany, &search)?;
/// assert_eq!(decision.vresult_code.as_str(), "G011A00100000000");
/// assert_eq!((decision.three_d_secure, decision.card), (ThreeDSecureCode::G011, CardCode::Authorized));
/// # Ok::<(), mpi_proto::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// What happened.
    pub outcome: Outcome,
    /// What to do.
    pub action: Action,
    /// The code decided on.
    pub vresult_code: VResultCode,
    /// The 3-D Secure result (first four characters).
    pub three_d_secure: ThreeDSecureCode,
    /// The card payment result (characters 5–8).
    pub card: CardCode,
}

impl Decision {
    /// `true` only for [`Action::Ship`].
    ///
    /// ```
    /// use mpi_proto::{Decision, ServiceOptionType, Statuses};
    ///
    /// let pending = Decision::decide(&ServiceOptionType::MpiCompany, &"G011000000000000".parse().unwrap(), &Statuses::default());
    /// assert!(!pending.should_ship()); // authenticated, but no card payment yet
    /// ```
    pub fn should_ship(&self) -> bool {
        self.action == Action::Ship
    }

    /// Decides from a code and the statuses reported with it. Never fails:
    /// what does not fit the guide is [`Outcome::Undetermined`].
    ///
    /// ```
    /// use mpi_proto::{Action, Decision, Outcome, RiskBearer, ServiceOptionType, Statuses};
    ///
    /// let paid = Decision::decide(&ServiceOptionType::MpiCompany, &"G012A00100000000".parse()?, &Statuses::default());
    /// assert_eq!(paid.outcome, Outcome::Paid { risk: Some(RiskBearer::CardCompany) });
    /// assert!(paid.should_ship());
    ///
    /// let refused = Decision::decide(&ServiceOptionType::MpiComplete, &"GE12000000000000".parse()?, &Statuses::default());
    /// assert_eq!(refused.outcome, Outcome::PaymentNotAllowed);
    /// assert_eq!(refused.action, Action::DoNotShip);
    /// # Ok::<(), mpi_proto::VResultCodeError>(())
    /// ```
    pub fn decide(option: &ServiceOptionType, code: &VResultCode, statuses: &Statuses) -> Self {
        let (outcome, action) = classify(option, code, statuses);
        Decision {
            outcome,
            action,
            vresult_code: code.clone(),
            three_d_secure: code.three_d_secure(),
            card: code.card(),
        }
    }

    /// Decides from a search response. The search must have succeeded; the
    /// code is the latest transaction's (the last of
    /// `transaction_info_array`). When that transaction is the `card` one,
    /// its `mstatus` is the card status and the 3-D Secure status is that
    /// of the latest `mpi` transaction with the same code; otherwise its
    /// `mstatus` is the 3-D Secure status.
    ///
    /// ```
    /// use mpi_proto::{Decision, SearchResponse, ServiceOptionType, testing::SEARCH_SAMPLE};
    ///
    /// let search = SearchResponse::from_json(SEARCH_SAMPLE.as_bytes())?;
    /// let decision = Decision::from_search(&ServiceOptionType::MpiComplete, &search)?;
    /// assert!(decision.should_ship());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn from_search(option: &ServiceOptionType, search: &SearchResponse) -> Result<Self, Error> {
        search.ensure_succeeded()?;
        let (index, latest) = search.latest_transaction()?;
        let path = format!("order_info.transaction_info_array[{index}]");
        let code = vresult::read(
            latest.vresult_code.as_deref(),
            &format!("{path}.vresult_code"),
        )?;
        let status = latest
            .mstatus
            .clone()
            .ok_or_else(|| Error::missing(format!("{path}.mstatus")))?;
        let statuses = if matches!(
            latest.proper_transaction_info,
            Some(ProperTransactionInfo::Card(_))
        ) {
            // The card transaction's status is the card payment's; the 3-D
            // Secure status is that of the mpi transaction with the same code.
            let three_d_secure = search
                .transactions()?
                .iter()
                .rev()
                .find(|t| {
                    matches!(
                        t.proper_transaction_info,
                        Some(ProperTransactionInfo::Mpi(_))
                    ) && t.vresult_code == latest.vresult_code
                })
                .and_then(|t| t.mstatus.clone());
            Statuses {
                three_d_secure,
                card: Some(status),
            }
        } else {
            Statuses {
                three_d_secure: Some(status),
                card: None,
            }
        };
        Ok(Self::decide(option, &code, &statuses))
    }

    /// Decides from one entry of a push's `data`. Prefer deciding from a
    /// search (see the crate docs): the push is a hint that a result exists.
    ///
    /// ```
    /// use mpi_proto::{Action, Decision, MpiServerKey, Push, ServiceOptionType, testing};
    ///
    /// let key = MpiServerKey::new("your-mpi-server-key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// let decision = Decision::from_push_data(&ServiceOptionType::MpiCompany, &push.data()[0])?;
    /// assert_eq!(decision.action, Action::Ship); // G012A001: conditional success, paid
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn from_push_data(option: &ServiceOptionType, data: &PushData) -> Result<Self, Error> {
        let code = vresult::read(data.vresult_code.as_deref(), "data[].vresult_code")?;
        let statuses = Statuses {
            three_d_secure: data
                .mpi_mstatus
                .clone()
                .filter(|s| !matches!(s, MStatus::Unknown(text) if text.trim().is_empty())),
            card: data.card_status().cloned(),
        };
        Ok(Self::decide(option, &code, &statuses))
    }
}

fn undetermined(reason: String) -> (Outcome, Action) {
    (Outcome::Undetermined { reason }, Action::DoNotShip)
}

fn classify(
    option: &ServiceOptionType,
    code: &VResultCode,
    statuses: &Statuses,
) -> (Outcome, Action) {
    let three_d_secure = code.three_d_secure();
    let (Some(class), Some(group)) = (three_d_secure.outcome(), three_d_secure.group()) else {
        return undetermined(format!(
            "3-D Secure code {} is not in the guide's code list",
            code.three_d_secure_str()
        ));
    };

    // Note *1: GExx ↔ failure, G0xx ↔ success.
    let expected = if group.is_failure() {
        MStatus::Failure
    } else {
        MStatus::Success
    };
    if let Some(reported) = &statuses.three_d_secure
        && *reported != expected
    {
        return undetermined(format!(
            "mstatus {reported} contradicts {three_d_secure} (note *1 says {expected})"
        ));
    }

    match class {
        CodeOutcome::SystemError => (Outcome::SystemError, Action::DoNotShip),
        CodeOutcome::MerchantBearsRisk => (Outcome::MerchantBearsRisk, Action::DoNotShip),
        CodeOutcome::PaymentNotAllowed => (Outcome::PaymentNotAllowed, Action::DoNotShip),
        CodeOutcome::AuthenticationInProgress => (
            Outcome::AuthenticationInProgress,
            Action::WaitAndSearchAgain,
        ),
        CodeOutcome::Success | CodeOutcome::ConditionalSuccess => {
            success(option, code, class, statuses)
        }
    }
}

fn success(
    option: &ServiceOptionType,
    code: &VResultCode,
    class: CodeOutcome,
    statuses: &Statuses,
) -> (Outcome, Action) {
    let three_d_secure = code.three_d_secure();
    let Some(policy) = option.payment_policy() else {
        return undetermined(format!("service option type {option} is not known"));
    };
    if class == CodeOutcome::ConditionalSuccess
        && policy == PaymentPolicy::OnlyOnCompleteAuthentication
    {
        return undetermined(format!(
            "{three_d_secure} is a conditional success, which {option} never pays (check the option used for this order)"
        ));
    }
    match code.card() {
        CardCode::Authorized => {
            if policy == PaymentPolicy::Never {
                return undetermined(format!(
                    "card payment {} under {option}, which makes no payment",
                    code.card_str()
                ));
            }
            if let Some(card) = statuses.card.as_ref().filter(|s| **s != MStatus::Success) {
                return undetermined(format!("card status {card} contradicts card code A001"));
            }
            (
                Outcome::Paid {
                    risk: three_d_secure.documented_risk(),
                },
                Action::Ship,
            )
        }
        CardCode::NotRun => {
            if policy == PaymentPolicy::Never {
                return (
                    Outcome::AuthenticatedPaymentPending,
                    Action::ChargeSeparately,
                );
            }
            match &statuses.card {
                None | Some(MStatus::Pending) | Some(MStatus::Success) => (
                    Outcome::AuthenticatedPaymentPending,
                    Action::WaitAndSearchAgain,
                ),
                Some(other) => {
                    undetermined(format!("card status {other} without a card result code"))
                }
            }
        }
        CardCode::Unknown(card) => match &statuses.card {
            Some(MStatus::Failure) => (Outcome::CardPaymentFailed, Action::DoNotShip),
            Some(MStatus::Pending) => (
                Outcome::AuthenticatedPaymentPending,
                Action::WaitAndSearchAgain,
            ),
            _ => undetermined(format!("card code {card} is not documented by the guide")),
        },
    }
}
