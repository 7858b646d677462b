//! Which answers a request may be sent again for, and with which key: the
//! guide's "About Idempotency" read against its result-code table. The
//! client's automatic resends and [`Refusal::next_step`](crate::Refusal::next_step)
//! (what is left to the caller) both follow these rules, so they cannot
//! disagree.

use crate::{ActionCode, ResultCode};

/// What an answer that arrived with the gateway's JSON body means for a resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `UA-REQ-005` (in process): the first request with this key has not
    /// finished; the same key, later, gets its answer.
    InProcess,
    /// Another `retry_request` code: processed and stored under the key, so the
    /// same key only replays it; a new attempt needs a new key.
    Stored,
    /// Anything else: the answer for this request.
    Final,
}

/// An HTTP status that, without the gateway's JSON body, means the answer was
/// lost on the way rather than given: a 5xx (a proxy's or load balancer's
/// error page, a gateway timeout), 408 or 429. Sending the same request again
/// with the same key is safe either way: the guide's "If the initial request
/// did not reach the FEP server, it is treated as a new request", and if it
/// did, the stored answer comes back. (The project's reading: the guide says
/// only that "depending on the error content, only the HTTP status code may
/// be returned".)
pub(crate) fn is_lost(http_status: u16) -> bool {
    http_status >= 500 || http_status == 408 || http_status == 429
}

/// The kind of an answer with these codes.
pub(crate) fn kind_of(result_code: Option<&ResultCode>, action_code: Option<&ActionCode>) -> Kind {
    if result_code == Some(&ResultCode::UaReq005) {
        Kind::InProcess
    } else if result_code.is_some_and(ResultCode::should_retry)
        || action_code.is_some_and(ActionCode::should_retry)
    {
        Kind::Stored
    } else {
        Kind::Final
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_retry_request_code_of_the_table_has_a_kind() {
        // The guide's result-code table: UA-REQ-005 "In process", and the other
        // `retry_request` codes, whose answers arrived and were stored.
        for row in crate::RESULT_CODES {
            let code = ResultCode::from(row.result_code);
            let action = ActionCode::from(row.action_code);
            let kind = kind_of(Some(&code), Some(&action));
            let expected = match row.result_code {
                "UA-REQ-005" => Kind::InProcess,
                _ if row.action_code == "retry_request" => Kind::Stored,
                _ => Kind::Final,
            };
            assert_eq!(kind, expected, "{}", row.result_code);
        }
        assert_eq!(kind_of(None, None), Kind::Final);
        assert!(is_lost(502) && is_lost(503) && is_lost(504) && is_lost(429));
        assert!(!is_lost(404) && !is_lost(401) && !is_lost(400));
    }
}
