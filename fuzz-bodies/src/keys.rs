//! The test keys the bodies sign and verify with. Fixed, so a replayed input behaves as it
//! did under the fuzzer.

use veritrans_sign::{MerchantAuthKey, MpiServerKey, PopServerKey};

/// The POP server key.
pub fn pop() -> PopServerKey {
    PopServerKey::new("fuzz-POP-Server-Key")
}

/// The Unified API merchant CCID.
pub const CCID: &str = "fuzzCcId";

/// The Unified API merchant authentication key (HMAC keyed by its UTF-8 bytes).
pub fn unified() -> MerchantAuthKey {
    MerchantAuthKey::new("fuzzAuthKey")
}

/// The same API's key in the 4G MDK's hex-decoded HMAC key mode.
pub fn unified_hex() -> Option<MerchantAuthKey> {
    MerchantAuthKey::with_hex_hmac_key("00112233445566778899aabbccddeeff").ok()
}

/// The MPI server key.
pub fn mpi() -> MpiServerKey {
    MpiServerKey::new("fuzz-mpi-server-key")
}
