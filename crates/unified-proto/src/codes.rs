//! The row type of the generated result-code tables.
//!
//! The typed enums (`ResultCode`, `Status`, `ActionCode`) are generated per
//! spec version from its `x-resultCodes`, `x-statuses` and `x-actionCodes`;
//! each has an `Unknown(String)` variant so a code added by a later guide
//! never breaks parsing.

/// One row of the guide's result-code table.
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
