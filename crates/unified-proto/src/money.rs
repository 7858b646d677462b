//! Amounts: integer yen in Rust (`veritrans-core`'s [`Yen`]), strings of digits on the wire.

pub use veritrans_core::{Yen, yen};

use crate::Error;

/// Reads a wire amount (`"1000"`) as integer yen; anything but plain digits
/// is a [`Error::MalformedResponse`] naming `field`.
///
/// ```
/// use unified_proto::{Error, parse_yen};
///
/// assert_eq!(parse_yen("order.amount", "1000")?, 1000);
/// let err = parse_yen("order.amount", "1,000").unwrap_err();
/// assert!(matches!(err, Error::MalformedResponse { ref path, .. } if path == "order.amount"));
/// # Ok::<(), Error>(())
/// ```
pub fn parse_yen(field: &str, wire: &str) -> Result<u64, Error> {
    Yen::parse(wire)
        .map(Yen::get)
        .map_err(|reason| Error::MalformedResponse {
            what: "amount".into(),
            path: field.into(),
            reason: reason.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_and_reject_non_digits() {
        assert_eq!(serde_json::to_value(yen(1_000_000)).unwrap(), "1000000");
        assert_eq!(parse_yen("order.amount", "1000000").unwrap(), 1_000_000);
        for bad in ["", "-1", "1.5", "1e3", " 1", "99999999999999999999999"] {
            assert!(parse_yen("order.amount", bad).is_err(), "{bad}");
            let json = serde_json::Value::String(bad.into());
            assert!(serde_json::from_value::<Yen>(json).is_err(), "{bad}");
        }
        // A JSON number is not the wire form.
        assert!(serde_json::from_str::<Yen>("1000").is_err());
    }
}
