//! The sandbox's error codes and the deterministic triggers that produce them.
//!
//! The guide documents one code (`ER003`, source IP); public sources add `ER010` (busy)
//! and `ER999` (maintenance) and say card-company refusals come as `G…` codes. The real
//! codes for the other refusals (unknown user, wrong key, …) are not public, so the
//! sandbox answers its own codes `ER100`–`ER106` for them: merchants' code sees them as
//! `ErrorCode::Unknown`, which is exactly how an undocumented code arrives from the real
//! gateway. Every code is listed in the crate README.

use jpayment_proto::ErrorCode;

/// `ER003` (guide): the request is not from the shop's registered server. The sandbox
/// answers it to a request whose `aid` is not the configured one (its own reading: the
/// source-IP check is per shop, so a shop ID the caller is not registered for fails it).
pub(super) const SOURCE_IP: &str = ErrorCode::SOURCE_IP;
/// `ER010` (public): busy.
pub(super) const BUSY: &str = ErrorCode::BUSY;
/// `ER999` (public): maintenance.
pub(super) const MAINTENANCE: &str = ErrorCode::MAINTENANCE;

/// Sandbox code: the request breaks the guide's table (a required parameter missing, a
/// value in the wrong format, a rule such as "e-mail or phone" broken).
pub(super) const INVALID_REQUEST: &str = "ER100";
/// Sandbox code: the user ID is already registered (user registration, bulk payment).
pub(super) const USER_EXISTS: &str = "ER101";
/// Sandbox code: no such user.
pub(super) const NO_USER: &str = "ER102";
/// Sandbox code: the key does not belong to the user.
pub(super) const WRONG_KEY: &str = "ER103";
/// Sandbox code: the user has no card with this number.
pub(super) const NO_CARD: &str = "ER104";
/// Sandbox code: the token is unknown or was already used.
pub(super) const BAD_TOKEN: &str = "ER105";
/// Sandbox code: no registered item with this code (`iid`).
pub(super) const NO_ITEM: &str = "ER106";

/// A test card that the card company refuses at every charge, with its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Refusal {
    /// The full test number (only used to match at token creation; never stored).
    pub number: &'static str,
    /// The card-company code the charge fails with.
    pub code: &'static str,
    /// What it means, for the README and the log.
    pub meaning: &'static str,
}

/// Card numbers whose charges fail. Any other number that passes the Luhn check is
/// approved. The codes follow the card networks' common `G` codes; the guide lists none.
pub(super) const REFUSED_CARDS: &[Refusal] = &[
    Refusal {
        number: "4000000000000002",
        code: "G12",
        meaning: "card not usable (カード使用不可)",
    },
    Refusal {
        number: "4000000000000036",
        code: "G83",
        meaning: "expiry date error (有効期限エラー)",
    },
    Refusal {
        number: "4000000000000044",
        code: "G44",
        meaning: "security code mismatch (セキュリティコード誤り)",
    },
    Refusal {
        number: "4000000000000051",
        code: "G55",
        meaning: "over the credit limit (限度額オーバー)",
    },
    Refusal {
        number: "4000000000000069",
        code: "G56",
        meaning: "invalid card (無効カード)",
    },
];

/// What a charge's total (`am + tx + sf`, or the item's) triggers, before any card is
/// asked: `ER010`, `ER999` (nothing charged, no kickback), or a card-company refusal.
pub(super) fn amount_trigger(total: u64) -> Option<AmountTrigger> {
    match total {
        10_010 => Some(AmountTrigger::Gateway(BUSY)),
        19_999 => Some(AmountTrigger::Gateway(MAINTENANCE)),
        55_555 => Some(AmountTrigger::Issuer("G55")),
        _ => None,
    }
}

/// See [`amount_trigger`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AmountTrigger {
    /// The gateway refuses before any payment exists: a bare code.
    Gateway(&'static str),
    /// The card company refuses: a failed payment with an ID.
    Issuer(&'static str),
}

/// The refusal code of a card number, if it is one of [`REFUSED_CARDS`].
pub(super) fn refusal_of(number: &str) -> Option<&'static str> {
    REFUSED_CARDS
        .iter()
        .find(|r| r.number == number)
        .map(|r| r.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_codes_are_jpayment_protos() {
        assert_eq!(ErrorCode::parse(SOURCE_IP), ErrorCode::SourceIp);
        assert_eq!(ErrorCode::parse(BUSY), ErrorCode::Busy);
        assert_eq!(ErrorCode::parse(MAINTENANCE), ErrorCode::Maintenance);
    }

    #[test]
    fn test_cards_pass_luhn_and_refusals_are_distinct() {
        for r in REFUSED_CARDS {
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
            Some(AmountTrigger::Gateway("ER010"))
        );
        assert_eq!(amount_trigger(1_000), None);
    }
}
