//! The `/search` response for a Request ID.
//!
//! The guide gives a sample, not a field table, and not the request format.
//! This crate parses the response; sending the search is the caller's HTTP
//! client's job.

use time::PrimitiveDateTime;
use veritrans_core::jst;

use crate::codes::ServiceOptionType;
use crate::decision::Decision;
use crate::generated::tables::MStatus;
use crate::generated::types::{SearchResponse, TransactionInfo};
use crate::{Error, VResultCode, vresult};

impl SearchResponse {
    /// Parses a search response body. Unknown members are kept; a member of
    /// the wrong JSON type is an error naming its path.
    ///
    /// ```
    /// let search = mpi_proto::SearchResponse::from_json(mpi_proto::testing::SEARCH_SAMPLE.as_bytes())?;
    /// assert_eq!(search.code.as_deref(), Some("Q000"));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        Error::parse_json(body)
    }

    /// `Ok` when the search itself succeeded (top-level `mstatus` is
    /// `success`); otherwise [`Error::SearchFailed`] with what the gateway
    /// said. A missing `mstatus` counts as not succeeded.
    ///
    /// ```
    /// use mpi_proto::{Error, SearchResponse, testing};
    ///
    /// assert!(SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?.ensure_succeeded().is_ok());
    /// let failed = SearchResponse::from_json(br#"{"mstatus": "failure", "code": "Q001", "status": "failure"}"#)?;
    /// let err = failed.ensure_succeeded().unwrap_err();
    /// assert!(matches!(err, Error::SearchFailed { .. }));
    /// assert_eq!(err.result_code(), Some("Q001"));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn ensure_succeeded(&self) -> Result<(), Error> {
        if self.mstatus == Some(MStatus::Success) {
            return Ok(());
        }
        Err(Error::SearchFailed {
            mstatus: self.mstatus.as_ref().map(|m| m.as_str().to_owned()),
            code: self.code.clone(),
            status: self.status.clone(),
            message: self.message.clone(),
        })
    }

    /// `Ok` when `order_info.order_id` is `expected` (the `OrderId` of the
    /// redirect, or the one the merchant stored when requesting).
    ///
    /// ```
    /// use mpi_proto::{Error, SearchResponse, testing};
    ///
    /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
    /// assert!(search.ensure_order("TESTB001").is_ok());
    /// assert!(matches!(search.ensure_order("TESTB002"), Err(Error::OrderMismatch { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn ensure_order(&self, expected: &str) -> Result<(), Error> {
        let actual = self.order_info.as_ref().and_then(|o| o.order_id.as_deref());
        if actual == Some(expected) {
            Ok(())
        } else {
            Err(Error::OrderMismatch {
                expected: expected.to_owned(),
                actual: actual.map(str::to_owned),
            })
        }
    }

    /// The search's own result code (`N001…` in the sample).
    ///
    /// ```
    /// use mpi_proto::{SearchResponse, testing};
    ///
    /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
    /// assert_eq!(search.search_result_code()?.as_str(), "N001000000000000");
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn search_result_code(&self) -> Result<VResultCode, Error> {
        vresult::read(self.vresult_code.as_deref(), "vresult_code")
    }

    /// The order's transactions; an error when `order_info` or
    /// `transaction_info_array` is absent or empty.
    ///
    /// ```
    /// use mpi_proto::{SearchResponse, testing};
    ///
    /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
    /// assert_eq!(search.transactions()?.len(), 2); // the mpi and the card transaction
    /// assert!(SearchResponse::from_json(b"{}")?.transactions().is_err());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn transactions(&self) -> Result<&[TransactionInfo], Error> {
        let order = self
            .order_info
            .as_ref()
            .ok_or_else(|| Error::missing("order_info"))?;
        if order.transaction_info_array.is_empty() {
            return Err(Error::missing("order_info.transaction_info_array"));
        }
        Ok(&order.transaction_info_array)
    }

    /// The latest transaction and its index: the last one of
    /// `transaction_info_array`. The guide's sample lists transactions
    /// oldest first; array order is used rather than
    /// `transaction_datetime`, whose format the guide does not state.
    ///
    /// ```
    /// use mpi_proto::{ProperTransactionInfo, SearchResponse, testing};
    ///
    /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
    /// let (index, latest) = search.latest_transaction()?;
    /// assert_eq!(index, 1);
    /// assert!(matches!(latest.proper_transaction_info, Some(ProperTransactionInfo::Card(_))));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn latest_transaction(&self) -> Result<(usize, &TransactionInfo), Error> {
        let all = self.transactions()?;
        let index = all.len() - 1;
        Ok((index, &all[index]))
    }

    /// The ship / don't-ship decision for this search result; see
    /// [`Decision::from_search`].
    ///
    /// ```
    /// use mpi_proto::{SearchResponse, ServiceOptionType, testing};
    ///
    /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
    /// assert!(search.decide(&ServiceOptionType::MpiCompany)?.should_ship());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn decide(&self, option: &ServiceOptionType) -> Result<Decision, Error> {
        Decision::from_search(option, self)
    }
}

impl TransactionInfo {
    /// `transaction_datetime` read as JST wall-clock time
    /// (`YYYY-MM-DD hh:mm:ss.SSS` in the sample; the fraction is optional).
    ///
    /// ```
    /// use mpi_proto::{SearchResponse, testing};
    ///
    /// let search = SearchResponse::from_json(testing::SEARCH_SAMPLE.as_bytes())?;
    /// let at = search.transactions()?[0].datetime()?; // "2015-03-11 20:05:20.277", JST
    /// assert_eq!((at.hour(), at.minute(), at.second(), at.millisecond()), (20, 5, 20, 277));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn datetime(&self) -> Result<PrimitiveDateTime, Error> {
        let value = self
            .transaction_datetime
            .as_deref()
            .ok_or_else(|| Error::missing("transaction_datetime"))?;
        jst::parse_wall(value, &[jst::DASHES_FRACTION, jst::DASHES]).ok_or_else(|| {
            Error::DateTime {
                path: "transaction_datetime".to_owned(),
                value: value.to_owned(),
                expected: "YYYY-MM-DD hh:mm:ss[.SSS]",
            }
        })
    }
}
