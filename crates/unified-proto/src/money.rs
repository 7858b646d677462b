//! Amounts: integer yen in Rust, strings of digits on the wire.

use crate::Error;

/// The wire form of an amount in yen (`1000` → `"1000"`).
pub fn yen(amount: u64) -> String {
    amount.to_string()
}

/// Reads a wire amount (`"1000"`) as integer yen; anything but plain digits
/// is a [`Error::MalformedResponse`] naming `field`.
pub fn parse_yen(field: &str, wire: &str) -> Result<u64, Error> {
    if wire.is_empty() || !wire.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::MalformedResponse {
            what: "amount".into(),
            path: field.into(),
            reason: format!("{wire:?} is not a whole number of yen"),
        });
    }
    wire.parse().map_err(|_| Error::MalformedResponse {
        what: "amount".into(),
        path: field.into(),
        reason: format!("{wire:?} is out of range"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_and_reject_non_digits() {
        assert_eq!(yen(1_000_000), "1000000");
        assert_eq!(parse_yen("order.amount", "1000000").unwrap(), 1_000_000);
        for bad in ["", "-1", "1.5", "1e3", " 1", "99999999999999999999999"] {
            assert!(parse_yen("order.amount", bad).is_err(), "{bad}");
        }
    }
}
