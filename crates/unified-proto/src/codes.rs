//! The row type of the generated result-code tables, and the methods of the
//! code enums.
//!
//! The typed enums (`ResultCode`, `Status`, `ActionCode`) are generated per
//! spec version from its `x-resultCodes`, `x-statuses` and `x-actionCodes`;
//! each has an `Unknown(String)` variant so a code added by a later guide
//! never breaks parsing. The generator writes data only; what a code means
//! (`ResultCode::is_success`, `is_pending`, `should_retry`, `info`) is written
//! here once for every version and read off its `RESULT_CODES` rows.

/// One row of the guide's result-code table.
///
/// ```
/// use unified_proto::{RESULT_CODES, ResultCode};
///
/// let row = ResultCode::UaPrv001.info().unwrap();
/// assert_eq!((row.http_status, row.status, row.action_code), (502, "failure", "retry_request"));
/// assert!(RESULT_CODES.iter().any(|r| r.result_code == "UA-000-001"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultCodeInfo {
    /// `resultCode`, e.g. `UA-000-001`.
    pub result_code: &'static str,
    /// The HTTP status the gateway answers with.
    pub http_status: u16,
    /// The guide's description.
    pub description: &'static str,
    /// `status`: success, failure or error.
    pub status: &'static str,
    /// `actionCode`: what the merchant should do.
    pub action_code: &'static str,
}

/// The methods of one spec version's code enums, written once here and read
/// off its generated tables (the generator emits data only): a result code
/// answers through its row of `RESULT_CODES`, whose `status` and
/// `actionCode` carry the meaning.
macro_rules! code_methods {
    ($version:ident) => {
        const _: () = {
            use crate::generated::$version::{ActionCode, RESULT_CODES, ResultCode, Status};

            impl ResultCode {
                /// The table row of this code; `None` for `Unknown`.
                ///
                /// ```
                /// use unified_proto::ResultCode;
                ///
                /// assert_eq!(ResultCode::UaReq001.info().unwrap().description, "Invalid message");
                /// assert!(ResultCode::from("UA-XXX-999").info().is_none()); // a code no guide lists
                /// ```
                pub fn info(&self) -> Option<&'static $crate::codes::ResultCodeInfo> {
                    RESULT_CODES
                        .iter()
                        .find(|row| row.result_code == self.as_str())
                }

                /// The order succeeded (`UA-000-001`, or `UA-000-002` which also asks the
                /// merchant to confirm the payment in MAP).
                ///
                /// ```
                /// use unified_proto::ResultCode;
                ///
                /// assert!(ResultCode::Ua000001.is_success());
                /// assert!(ResultCode::Ua000002.is_success()); // and confirm the payment in MAP
                /// assert!(!ResultCode::UaPrv001.is_success());
                /// ```
                pub fn is_success(&self) -> bool {
                    self.row(|status, action| {
                        status.is_success()
                            && matches!(action, ActionCode::Success | ActionCode::ConfirmPayment)
                    })
                }

                /// The outcome is not settled yet: wait and check the order status.
                ///
                /// ```
                /// use unified_proto::ResultCode;
                ///
                /// assert!(ResultCode::UaU00001.is_pending()); // awaiting the consumer's payment
                /// assert!(!ResultCode::Ua000001.is_pending());
                /// ```
                pub fn is_pending(&self) -> bool {
                    self.row(|_, action| action.is_pending())
                }

                /// The guide's action for this code is `retry_request`.
                ///
                /// ```
                /// use unified_proto::ResultCode;
                ///
                /// assert!(ResultCode::UaPrv001.should_retry());
                /// assert!(!ResultCode::UaReq001.should_retry()); // fix the request instead
                /// ```
                pub fn should_retry(&self) -> bool {
                    self.row(|_, action| action.should_retry())
                }

                /// `test` over the `status` and `actionCode` of a listed code's row
                /// (`false` for `Unknown`, even one spelling a listed code).
                fn row(&self, test: impl Fn(Status, ActionCode) -> bool) -> bool {
                    let row = self.info().filter(|_| self.is_known());
                    row.is_some_and(|r| test(r.status.into(), r.action_code.into()))
                }
            }

            impl Status {
                /// `success`.
                ///
                /// ```
                /// use unified_proto::Status;
                ///
                /// assert!(Status::from("success").is_success());
                /// assert!(!Status::from("failure").is_success());
                /// ```
                pub fn is_success(&self) -> bool {
                    matches!(self, Self::Success)
                }
            }

            impl ActionCode {
                /// `success`.
                ///
                /// ```
                /// use unified_proto::ActionCode;
                ///
                /// assert!(ActionCode::Success.is_success());
                /// assert!(!ActionCode::ConfirmPayment.is_success());
                /// ```
                pub fn is_success(&self) -> bool {
                    matches!(self, Self::Success)
                }

                /// Wait, then check the order status.
                ///
                /// ```
                /// use unified_proto::ActionCode;
                ///
                /// assert!(ActionCode::ProviderProcessing.is_pending());
                /// assert!(!ActionCode::RetryRequest.is_pending());
                /// ```
                pub fn is_pending(&self) -> bool {
                    matches!(
                        self,
                        Self::UserPaying | Self::ProviderProcessing | Self::ConfirmPendingStatus
                    )
                }

                /// `retry_request` ("wait for a while and then attempt the payment
                /// again"). What a new attempt means, and which key it needs, is the
                /// `client` module's rule: see its "Retries" docs.
                ///
                /// ```
                /// use unified_proto::ActionCode;
                ///
                /// assert!(ActionCode::from("retry_request").should_retry());
                /// assert!(!ActionCode::UserPaying.should_retry());
                /// ```
                pub fn should_retry(&self) -> bool {
                    matches!(self, Self::RetryRequest)
                }
            }
        };
    };
}

// Invoked by every generated version module (`crate::generated::<version>`).
pub(crate) use code_methods;

#[cfg(test)]
mod tests {
    use crate::{ActionCode, ResultCode};

    /// The listed codes each predicate answers `true` for.
    fn codes_where(test: fn(&ResultCode) -> bool) -> Vec<&'static str> {
        let known = ResultCode::KNOWN.iter().filter(|c| test(c));
        known.map(|c| c.info().unwrap().result_code).collect()
    }

    /// The guide (1.1.3, About transaction Result → Result Code and Action code)
    /// lists each code with its `status` and `actionCode` ("200 UA-U00-001 Awaiting
    /// consumer's payment user_paying", "502 UA-PRV-001 Provider error retry_request")
    /// and says per action: user_paying "Please check the order status after some
    /// time", provider_processing "Please check the order status after some time",
    /// confirm_pending_status "After a certain period of time(*1), please check the
    /// order status in MAP", retry_request "Please wait for a while and then attempt
    /// the payment again". So pending is those three actions, retry is
    /// retry_request, success is `status` success with success or confirm_payment
    /// (UA-000-002 "Success (Confirmation Required)"). The lists are those the
    /// generator wrote as `matches!` arms before the methods were read off the table.
    #[test]
    fn code_predicates_follow_the_table_columns() {
        assert_eq!(
            codes_where(ResultCode::is_success),
            ["UA-000-001", "UA-000-002"]
        );
        assert_eq!(
            codes_where(ResultCode::is_pending),
            ["UA-U00-001", "UA-P00-001", "UA-PND-001", "UA-PND-002"]
        );
        assert_eq!(
            codes_where(ResultCode::should_retry),
            [
                "UA-REQ-005",
                "UA-PRV-001",
                "UA-LMT-001",
                "UA-SYS-003",
                "UA-SYS-004"
            ]
        );
        // An `Unknown` spelling a listed code is not read as that code.
        let spelt = ResultCode::Unknown(ResultCode::Ua000001.as_str().to_string());
        assert!(!spelt.is_success() && spelt.info().is_some());
        let spelt = ActionCode::Unknown(ActionCode::UserPaying.as_str().to_string());
        assert!(!spelt.is_pending() && ActionCode::UserPaying.is_pending());
    }

    #[cfg(feature = "v1_1_1_rc")]
    #[test]
    fn the_1_1_1_rc_predicates_follow_its_own_table() {
        use crate::v1_1_1_rc::ResultCode;
        let pending = ResultCode::KNOWN.iter().filter(|c| c.is_pending());
        let pending: Vec<_> = pending.map(ResultCode::as_str).collect();
        assert_eq!(pending, ["UA-U00-001", "UA-P00-001", "UA-PND-001"]);
        let retry = ResultCode::KNOWN
            .iter()
            .filter(|c| c.should_retry())
            .count();
        assert_eq!((ResultCode::Ua000002.is_success(), retry), (true, 5));
    }
}
