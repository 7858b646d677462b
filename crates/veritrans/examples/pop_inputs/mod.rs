//! The POP inputs that `paired` and `pop_counts` measure, built in one place: the card
//! push of `examples/notifications/pop-card-push.json`, its parameters, and the signed
//! string its floor hashes (the guide's formula written out).

use veritrans::PopServerKey;

/// The card push body.
pub const POP_PUSH: &[u8] = include_bytes!("../../../../examples/notifications/pop-card-push.json");

/// The push's key, parameters and signed string.
pub struct PopInputs {
    /// The server key the push is signed with.
    pub key: PopServerKey,
    /// Every parameter of the push, `signature` included.
    pub params: Vec<(String, String)>,
    /// `name=value` of every unsigned parameter in name order, joined by `&`, then `:`
    /// and the key: what the floor hashes.
    pub canonical: String,
}

impl PopInputs {
    /// Reads the push.
    pub fn new() -> Self {
        let key = PopServerKey::new("Test-POP-Server-Key");
        let params = veritrans::sign::pop::json_params(POP_PUSH).expect("the push parses");
        let mut sorted = unsigned(&params);
        sorted.sort();
        let pairs: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let canonical = format!("{}:{}", pairs.join("&"), key.expose_secret());
        Self {
            key,
            params,
            canonical,
        }
    }
}

/// Every parameter but `signature`, borrowed, in the push's order.
pub fn unsigned(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .filter(|(k, _)| k != "signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
