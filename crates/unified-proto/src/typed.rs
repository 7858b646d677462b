//! Typed readings of the latest version's lenient response fields: the
//! generated response types keep codes and amounts as the strings the
//! gateway sent (so nothing surprising fails to parse); these accessors give
//! the typed view on demand.

use crate::{ActionCode, Error, ResponseOrder, ResultCode, ResultInfo, Status, parse_yen};

impl ResultInfo {
    /// `resultCode` as a [`ResultCode`] (`Unknown` for codes this version
    /// does not list).
    pub fn result_code(&self) -> Option<ResultCode> {
        self.result_code.as_deref().map(ResultCode::from)
    }
    /// `status` as a [`Status`].
    pub fn status(&self) -> Option<Status> {
        self.status.as_deref().map(Status::from)
    }
    /// `actionCode` as an [`ActionCode`].
    pub fn action_code(&self) -> Option<ActionCode> {
        self.action_code.as_deref().map(ActionCode::from)
    }
}

impl ResponseOrder {
    /// `amount` in integer yen; `Ok(None)` when absent.
    pub fn amount_yen(&self) -> Result<Option<u64>, Error> {
        self.amount
            .as_deref()
            .map(|a| parse_yen("order.amount", a))
            .transpose()
    }
    /// `usedPoint` (Rakuten points, in yen) as an integer; `Ok(None)` when absent.
    pub fn used_point_yen(&self) -> Result<Option<u64>, Error> {
        self.used_point
            .as_deref()
            .map(|a| parse_yen("order.usedPoint", a))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_readings() {
        let r = ResultInfo {
            result_code: Some("UA-PND-002".into()),
            status: Some("failure".into()),
            action_code: Some("confirm_pending_status".into()),
            message: None,
            v_result_code: None,
        };
        assert!(r.result_code().unwrap().is_pending());
        assert_eq!(r.status(), Some(Status::Failure));
        assert!(r.action_code().unwrap().is_pending());
        let o = ResponseOrder {
            amount: Some("1500".into()),
            ..Default::default()
        };
        assert_eq!(o.amount_yen().unwrap(), Some(1500));
        assert_eq!(o.used_point_yen().unwrap(), None);
        let bad = ResponseOrder {
            amount: Some("15.00".into()),
            ..Default::default()
        };
        assert!(bad.amount_yen().is_err());
    }
}
