//! What the result-code table says beyond each code's description: the
//! phase the guide lists it under (`x-resultCodes`' `phase` column, kept as
//! `const` rows in the generated `enums.rs`).

use crate::ResultCode;
use crate::generated::enums::PHASES;

impl ResultCode {
    /// Where the guide lists the code: `common`, `merchant-server`
    /// (payment key / link / account management requests), `client`
    /// (POP client, reported by redirects and pushes), or both.
    ///
    /// ```
    /// use pop_proto::ResultCode;
    ///
    /// assert_eq!(ResultCode::R000.phase(), Some("common"));
    /// assert_eq!(ResultCode::RC01.phase(), Some("merchant-server")); // answers a payment key request
    /// assert_eq!(ResultCode::from("RZ99").phase(), None); // a code the guide does not list
    /// ```
    pub fn phase(&self) -> Option<&'static str> {
        let row = PHASES.iter().find(|(code, _)| code == self);
        row.map(|(_, phase)| *phase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Result code list": `R000` is common, `RC01` answers a merchant-server
    /// request, a code the guide does not list has no phase.
    #[test]
    fn phases_come_from_the_table() {
        assert_eq!(ResultCode::R000.phase(), Some("common"));
        assert_eq!(ResultCode::RC01.phase(), Some("merchant-server"));
        assert_eq!(ResultCode::Unknown("R000".into()).phase(), None);
        assert!(ResultCode::KNOWN.iter().all(|code| code.phase().is_some()));
    }
}
