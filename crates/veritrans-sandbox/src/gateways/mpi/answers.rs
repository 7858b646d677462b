//! The search answer and the transactions it lists, built from `mpi_proto`'s generated
//! types, with the guide's search sample (`mpi_proto::testing::SEARCH_SAMPLE`) as the
//! source of every value the guide shows and the sandbox cannot compute.

use mpi_proto::testing::SEARCH_SAMPLE;
use mpi_proto::{
    CardCode, CardTransactionInfo, MStatus, MpiTransactionInfo, OrderInfo, ProperTransactionInfo,
    SearchResponse, ServiceTypeCode, ThreeDSecureCode, TransactionCommand, TransactionInfo,
    VResultCode, attempt_authentication,
};
use serde_json::Map;

use crate::log::now_jst;

use super::state::Txn;

/// The parts of the guide's search sample the sandbox answers with, read from
/// `mpi_proto::testing::SEARCH_SAMPLE` so the guide's data lives in one place.
#[derive(Debug)]
pub(super) struct Sample {
    pub envelope: SearchResponse,
    pub mpi: MpiTransactionInfo,
    pub card: CardTransactionInfo,
}

impl Sample {
    pub fn load() -> Option<Sample> {
        let envelope = SearchResponse::from_json(SEARCH_SAMPLE.as_bytes()).ok()?;
        let transactions = &envelope.order_info.as_ref()?.transaction_info_array;
        let mut mpi = None;
        let mut card = None;
        for t in transactions {
            match &t.proper_transaction_info {
                Some(ProperTransactionInfo::Mpi(info)) => mpi = Some(info.clone()),
                Some(ProperTransactionInfo::Card(info)) => card = Some(info.clone()),
                _ => {}
            }
        }
        Some(Sample {
            mpi: mpi?,
            card: card?,
            envelope: SearchResponse {
                order_info: None,
                ..envelope
            },
        })
    }
}

/// Note *1 of the code list: `GExx` → `failure`, `G0xx` → `success`, read from
/// `mpi_proto`'s code groups.
pub(super) fn note_1(code: &str) -> MStatus {
    let failure = VResultCode::parse(code)
        .ok()
        .and_then(|c| c.three_d_secure().group())
        .is_none_or(|g| g.is_failure());
    if failure {
        MStatus::Failure
    } else {
        MStatus::Success
    }
}

/// Whether the card part of `code` says the payment was made (`A001`).
pub(super) fn paid(code: &str) -> bool {
    VResultCode::parse(code).is_ok_and(|c| c.card() == CardCode::Authorized)
}

/// An `mpi` transaction's details with nothing known.
pub(super) fn empty_mpi_info() -> MpiTransactionInfo {
    MpiTransactionInfo {
        res_3d_cavv: None,
        res_3d_cavv_algorithm: None,
        res_3d_eci: None,
        res_3d_message_version: None,
        res_3d_transaction_id: None,
        res_3d_transaction_status: None,
        transaction_type: None,
        extra: Map::new(),
    }
}

/// `YYYY-MM-DD hh:mm:ss.SSS`, JST, as in the search sample.
fn transaction_datetime() -> String {
    veritrans_core::jst::format(now_jst(), veritrans_core::jst::DASHES_MILLIS)
}

/// One transaction of the order as the search lists it.
fn transaction(
    command: TransactionCommand,
    amount: i64,
    code: &str,
    info: ProperTransactionInfo,
) -> TransactionInfo {
    TransactionInfo {
        amount: Some(amount),
        command: Some(command.as_str().to_owned()),
        mstatus: Some(note_1(code)),
        proper_transaction_info: Some(info),
        transaction_datetime: Some(transaction_datetime()),
        vresult_code: Some(code.to_owned()),
        extra: Map::new(),
    }
}

/// The authorize step's transaction ("MPI Authorize" in the scenario table).
pub(super) fn authorize_transaction(amount: i64, code: &str) -> TransactionInfo {
    transaction(
        TransactionCommand::Authorize,
        amount,
        code,
        ProperTransactionInfo::Mpi(empty_mpi_info()),
    )
}

/// Appends the verify step's transactions: the `mpi` one, and the `card` one when the
/// card part says the payment was made (`A001`), as in the guide's sample.
pub(super) fn verify(txn: &mut Txn, code: &str, sample: &Option<Sample>) {
    let three_d_secure = VResultCode::parse(code).ok().map(|c| c.three_d_secure());
    let mut mpi = match (sample, three_d_secure) {
        (Some(sample), Some(ThreeDSecureCode::G011)) => sample.mpi.clone(),
        // An attempt: the sample's values with the 3-D Secure "attempted" status
        // (the spec's `x-attemptAuthentication`: the 3-D Secure protocol's values,
        // which the guide does not print; an interpretation).
        (Some(sample), Some(ThreeDSecureCode::G012)) => MpiTransactionInfo {
            res_3d_eci: Some(attempt_authentication::RES_3D_ECI.to_owned()),
            res_3d_transaction_status: Some(
                attempt_authentication::RES_3D_TRANSACTION_STATUS.to_owned(),
            ),
            ..sample.mpi.clone()
        },
        _ => empty_mpi_info(),
    };
    mpi.transaction_type = sample.as_ref().and_then(|s| s.mpi.transaction_type.clone());
    let verify = |info| transaction(TransactionCommand::Verify, txn.amount, code, info);
    let mut added = vec![verify(ProperTransactionInfo::Mpi(mpi))];
    if paid(code) {
        let card = sample.as_ref().map_or_else(
            || CardTransactionInfo {
                res_auth_code: None,
                res_center_error_code: None,
                extra: Map::new(),
            },
            |s| s.card.clone(),
        );
        added.push(verify(ProperTransactionInfo::Card(card)));
    }
    txn.transactions.extend(added);
    if note_1(code) == MStatus::Success {
        txn.last_success_command = Some(TransactionCommand::Verify);
    }
}

/// The search answer for a known transaction: the sample's envelope around the order.
pub(super) fn search_answer(txn: Txn, sample: &Sample) -> SearchResponse {
    SearchResponse {
        order_info: Some(OrderInfo {
            order_id: Some(txn.order_id),
            service_type_code: Some(ServiceTypeCode::Mpi.as_str().to_owned()),
            last_success_command: txn.last_success_command.map(|c| c.as_str().to_owned()),
            success_detail_transaction_type: None,
            proper_order_info: None,
            transaction_info_array: txn.transactions,
            extra: Map::new(),
        }),
        ..sample.envelope.clone()
    }
}

/// The search answer for an unknown Request ID: a search that did not succeed
/// (`mstatus` and `status` `failure`), so `SearchResponse::ensure_succeeded` reports it
/// with the message, plus the sandbox's own `error` member.
pub(super) fn search_not_found(message: String) -> SearchResponse {
    let mut extra = Map::new();
    extra.insert("error".to_owned(), "not_found".into());
    SearchResponse {
        code: None,
        message: Some(message),
        mstatus: Some(MStatus::Failure),
        order_info: None,
        status: Some(MStatus::Failure.as_str().to_owned()),
        vresult_code: None,
        extra,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_sample_feeds_the_answers() {
        let sample = Sample::load().unwrap();
        assert_eq!(sample.envelope.code.as_deref(), Some("Q000"));
        assert_eq!(sample.mpi.res_3d_eci.as_deref(), Some("05"));
        assert_eq!(sample.card.res_auth_code.as_deref(), Some("000000"));
    }

    /// shared/seeds/mpi-3d-secure.en.txt, "Code List for each Scenario", note *1:
    /// "Response code is "failure" (failure) when it is "GExx", and it is "success"
    /// (success) when it is "G0xx"."
    #[test]
    fn note_1() {
        assert_eq!(super::note_1("G011A00100000000"), MStatus::Success);
        assert_eq!(super::note_1("GE11000000000000"), MStatus::Failure);
        assert_eq!(super::note_1("XXXX000000000000"), MStatus::Failure);
    }
}
