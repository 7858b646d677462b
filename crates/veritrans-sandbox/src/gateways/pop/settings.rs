//! The POP settings a merchant's contract and the MAP ("POP Settings") decide, which the
//! guide's result codes depend on: what is "in contract" (`RC21`, `RC22`, `RC50`, `RC1L`),
//! whether the merchant is a test merchant (`RC44`), and the "Enable 3D Secure" default
//! used when a request leaves `card.mpi` out.
//!
//! `GET /_sandbox/pop/settings` shows them; `PUT` changes the fields it is given.

use axum::Extension;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use pop_proto::{BankSubType, CvsSubType, PaymentType, ResultCode};
use serde::{Deserialize, Serialize};

use super::store::Store;
use crate::error::ApiError;

/// The contract and MAP settings of the sandbox's one POP merchant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Settings {
    /// Payment types in contract; a request enabling another answers `RC21`.
    pub(crate) payment_types: Vec<PaymentType>,
    /// CVS sub types in contract; a request offering another answers `RC50`.
    pub(crate) cvs_sub_types: Vec<CvsSubType>,
    /// Bank sub types in contract; a request offering another answers `RC1L`.
    pub(crate) bank_sub_types: Vec<BankSubType>,
    /// 3-D Secure (MPI) in contract; `card.mpi: true` without it answers `RC22`.
    pub(crate) mpi_contract: bool,
    /// The MAP's "Enable 3D Secure", used when `card.mpi` is not sent.
    pub(crate) enable_3d_secure: bool,
    /// A test merchant: `dummy` must be `true` (`RC44`).
    pub(crate) test_merchant: bool,
}

impl Default for Settings {
    /// Everything in contract, 3-D Secure off by default, not a test merchant: the
    /// sandbox accepts every request the guide allows unless a test narrows it.
    fn default() -> Self {
        Self {
            payment_types: PaymentType::KNOWN.to_vec(),
            cvs_sub_types: CvsSubType::KNOWN.to_vec(),
            bank_sub_types: BankSubType::KNOWN.to_vec(),
            mpi_contract: true,
            enable_3d_secure: false,
            test_merchant: false,
        }
    }
}

/// What a key request asks for that the contract and settings decide.
pub(crate) struct Terms<'a> {
    pub(crate) payment_types: &'a [PaymentType],
    pub(crate) cvs_sub_types: Vec<&'a CvsSubType>,
    pub(crate) bank_sub_types: Vec<&'a BankSubType>,
    pub(crate) mpi: Option<bool>,
    pub(crate) dummy: Option<bool>,
}

impl Settings {
    /// The first thing the request asks for that the merchant may not have, with its
    /// result code and what it was. The guide gives no order among these codes; the
    /// sandbox checks them in the result-code table's order.
    pub(crate) fn check(&self, terms: &Terms<'_>) -> Result<(), (ResultCode, String)> {
        if let Some(t) = terms
            .payment_types
            .iter()
            .find(|t| !self.payment_types.contains(t))
        {
            return Err((
                ResultCode::RC21,
                format!("enabled_payment_types: {t} is not in contract"),
            ));
        }
        if terms.mpi == Some(true) && !self.mpi_contract {
            return Err((ResultCode::RC22, "card.mpi: no MPI contract".into()));
        }
        if terms.dummy != Some(true) && self.test_merchant {
            return Err((
                ResultCode::RC44,
                "dummy: must be true for a test merchant".into(),
            ));
        }
        if let Some(s) = terms
            .cvs_sub_types
            .iter()
            .find(|s| !self.cvs_sub_types.contains(s))
        {
            return Err((
                ResultCode::RC50,
                format!("cvs.payment_sub_type: {s} is not in contract"),
            ));
        }
        if let Some(s) = terms
            .bank_sub_types
            .iter()
            .find(|s| !self.bank_sub_types.contains(s))
        {
            return Err((
                ResultCode::RC1L,
                format!("bank.payment_type.payment_sub_type: {s} is not in contract"),
            ));
        }
        Ok(())
    }

    /// Whether a card payment of this order does 3-D Secure.
    pub(crate) fn mpi(&self, requested: Option<bool>) -> bool {
        requested.unwrap_or(self.enable_3d_secure)
    }
}

/// A `PUT` body: every field optional, unknown fields refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsRequest {
    payment_types: Option<Vec<PaymentType>>,
    cvs_sub_types: Option<Vec<CvsSubType>>,
    bank_sub_types: Option<Vec<BankSubType>>,
    mpi_contract: Option<bool>,
    enable_3d_secure: Option<bool>,
    test_merchant: Option<bool>,
}

fn known<T: Clone + std::fmt::Display>(
    field: &str,
    values: Option<Vec<T>>,
    is_known: impl Fn(&T) -> bool,
) -> Result<Option<Vec<T>>, ApiError> {
    match values {
        Some(values) => match values.iter().find(|v| !is_known(v)) {
            Some(v) => Err(ApiError::bad_request(format!(
                "{field}: {v:?} is not a value the POP guide lists",
                v = v.to_string()
            ))),
            None => Ok(Some(values)),
        },
        None => Ok(None),
    }
}

pub(crate) async fn get_settings(Extension(store): Extension<Store>) -> Json<Settings> {
    Json(store.lock().settings.clone())
}

pub(crate) async fn put_settings(
    Extension(store): Extension<Store>,
    body: Result<Json<SettingsRequest>, JsonRejection>,
) -> Result<Json<Settings>, ApiError> {
    let Json(request) = body?;
    let payment_types = known("payment_types", request.payment_types, |v| v.is_known())?;
    let cvs_sub_types = known("cvs_sub_types", request.cvs_sub_types, |v| v.is_known())?;
    let bank_sub_types = known("bank_sub_types", request.bank_sub_types, |v| v.is_known())?;
    let mut inner = store.lock();
    let settings = &mut inner.settings;
    if let Some(v) = payment_types {
        settings.payment_types = v;
    }
    if let Some(v) = cvs_sub_types {
        settings.cvs_sub_types = v;
    }
    if let Some(v) = bank_sub_types {
        settings.bank_sub_types = v;
    }
    if let Some(v) = request.mpi_contract {
        settings.mpi_contract = v;
    }
    if let Some(v) = request.enable_3d_secure {
        settings.enable_3d_secure = v;
    }
    if let Some(v) = request.test_merchant {
        settings.test_merchant = v;
    }
    Ok(Json(settings.clone()))
}
