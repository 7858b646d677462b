//! The four gateways.

use std::fmt;

/// The gateway an error, a log record or anything else comes from.
///
/// `Display` and serde (feature `serde`) use the lower-case slug ([`Gateway::as_str`]);
/// [`Gateway::name`] is the name a person reads.
///
/// ```
/// use veritrans_core::Gateway;
///
/// assert_eq!(Gateway::JPayment.to_string(), "jpayment");
/// assert_eq!(Gateway::Unified.name(), "VeriTrans4G Unified API");
/// assert_eq!(Gateway::ALL.len(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
// Deliberately exhaustive: a fifth gateway is a breaking change, and every `match` on
// this type (the sandbox's per-gateway bookkeeping, a merchant's routing) should be
// revisited when one comes, not fall into a wildcard.
pub enum Gateway {
    /// VeriTrans4G POP.
    Pop,
    /// VeriTrans4G Unified API.
    Unified,
    /// J-Payment (ROBOT PAYMENT).
    #[cfg_attr(feature = "serde", serde(rename = "jpayment"))]
    JPayment,
    /// VeriTrans 3-D Secure (MPI).
    Mpi,
}

impl Gateway {
    /// Every gateway, in this order.
    ///
    /// ```
    /// use veritrans_core::Gateway;
    ///
    /// let slugs: Vec<&str> = Gateway::ALL.iter().map(|g| g.as_str()).collect();
    /// assert_eq!(slugs, ["pop", "unified", "jpayment", "mpi"]);
    /// ```
    pub const ALL: [Gateway; 4] = [Self::Pop, Self::Unified, Self::JPayment, Self::Mpi];

    /// The lower-case slug: `pop`, `unified`, `jpayment`, `mpi`.
    ///
    /// ```
    /// use veritrans_core::Gateway;
    ///
    /// assert_eq!(Gateway::Unified.as_str(), "unified");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pop => "pop",
            Self::Unified => "unified",
            Self::JPayment => "jpayment",
            Self::Mpi => "mpi",
        }
    }

    /// The product's name, for people.
    ///
    /// ```
    /// use veritrans_core::Gateway;
    ///
    /// assert_eq!(Gateway::Pop.name(), "VeriTrans4G POP");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pop => "VeriTrans4G POP",
            Self::Unified => "VeriTrans4G Unified API",
            Self::JPayment => "J-Payment",
            Self::Mpi => "VeriTrans 3-D Secure (MPI)",
        }
    }
}

impl fmt::Display for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "serde")]
    #[test]
    fn serde_uses_the_slug() {
        for g in Gateway::ALL {
            let json = serde_json::to_string(&g).unwrap();
            assert_eq!(json, format!("\"{}\"", g.as_str()));
            assert_eq!(serde_json::from_str::<Gateway>(&json).unwrap(), g);
        }
    }

    #[test]
    fn slugs_are_distinct() {
        let mut slugs: Vec<_> = Gateway::ALL.iter().map(|g| g.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 4);
    }
}
