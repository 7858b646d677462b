//! The sandbox's error codes and the deterministic triggers that produce them, read from
//! `jpayment_proto::testing` (spec data: `specs/jpayment/testing.yaml`).
//!
//! The guide documents one code (`ER003`, source IP); public sources add `ER010` (busy)
//! and `ER999` (maintenance) and say card-company refusals come as `G…` codes. The real
//! codes for the other refusals (unknown user, wrong key, …) are not public, so the
//! sandbox answers its own codes `ER100`–`ER106` for them: merchants' code sees them as
//! `ErrorCode::Unknown`, which is exactly how an undocumented code arrives from the real
//! gateway. Every trigger is the sandbox's own (the guide lists none); every code is
//! listed in the crate README.

use jpayment_proto::ErrorCode;
use jpayment_proto::testing::{self, TriggerAnswer};

/// `ER003` (guide): the request is not from the shop's registered server. The sandbox
/// answers it to a request whose `aid` is not the configured one (its own reading: the
/// source-IP check is per shop, so a shop ID the caller is not registered for fails it).
pub(super) const SOURCE_IP: &str = ErrorCode::SOURCE_IP;

/// Sandbox code: the request breaks the guide's table.
pub(super) const INVALID_REQUEST: &str = testing::INVALID_REQUEST.code;
/// Sandbox code: the user ID is already registered (user registration, bulk payment).
pub(super) const USER_EXISTS: &str = testing::USER_EXISTS.code;
/// Sandbox code: no such user.
pub(super) const NO_USER: &str = testing::NO_USER.code;
/// Sandbox code: the key does not belong to the user.
pub(super) const WRONG_KEY: &str = testing::WRONG_KEY.code;
/// Sandbox code: the user has no card with this number.
pub(super) const NO_CARD: &str = testing::NO_CARD.code;
/// Sandbox code: the token is unknown or was already used.
pub(super) const BAD_TOKEN: &str = testing::BAD_TOKEN.code;
/// Sandbox code: no registered item with this code (`iid`).
pub(super) const NO_ITEM: &str = testing::NO_ITEM.code;

/// What a charge's total (`am + tx + sf`, or the item's) triggers, before any card is
/// asked: `ER010`, `ER999` (nothing charged, no kickback), or a card-company refusal.
pub(super) fn amount_trigger(total: u64) -> Option<AmountTrigger> {
    Some(match testing::amount_trigger(total)? {
        TriggerAnswer::Gateway(code) => AmountTrigger::Gateway(code.as_str()),
        TriggerAnswer::Issuer(code) => AmountTrigger::Issuer(code),
    })
}

/// See [`amount_trigger`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AmountTrigger {
    /// The gateway refuses before any payment exists: a bare code.
    Gateway(&'static str),
    /// The card company refuses: a failed payment with an ID.
    Issuer(&'static str),
}

/// The refusal code of a card number, if it is one of `testing::REFUSED_CARDS`.
pub(super) fn refusal_of(number: &str) -> Option<&'static str> {
    testing::refusal_of(number).map(|r| r.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_codes_are_jpayment_protos() {
        assert_eq!(ErrorCode::parse(SOURCE_IP), ErrorCode::SourceIp);
        assert_eq!(ErrorCode::parse(SOURCE_IP), testing::SOURCE_IP);
    }

    #[test]
    fn test_cards_pass_luhn_and_refusals_are_distinct() {
        for r in testing::REFUSED_CARDS {
            assert!(veritrans_core::card::luhn(r.number), "{}", r.number);
            assert!(r.code.starts_with('G'));
        }
        assert!(veritrans_core::card::luhn("4111111111111111"));
        assert!(!veritrans_core::card::luhn("4111111111111112"));
        assert!(!veritrans_core::card::luhn("41111111111a1111"));
        assert_eq!(refusal_of("4000000000000002"), Some("G12"));
        assert_eq!(refusal_of("4111111111111111"), None);
        assert_eq!(
            amount_trigger(10_010),
            Some(AmountTrigger::Gateway(ErrorCode::BUSY))
        );
        assert_eq!(amount_trigger(1_000), None);
    }
}
