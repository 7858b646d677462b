//! The chaos: fault rules added to the sandbox at random while the merchants
//! pay, one request at a time (`count` 1), on every gateway path the flows
//! use. Kinds: connection reset, dropped answer (effect applied, answer
//! lost), 500 and 503 without `Retry-After`, 503 and 429 with it, and a delay
//! past the merchants' client timeout.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use veritrans_sandbox::{FaultAction, FaultId, FaultRule, Inspector};

use super::rng::Rng;

/// The gateway paths the flows call (prefixes).
pub const PATHS: &[&str] = &[
    "/pop/v1/payment-key",
    "/pop/v1/pay/",
    "/fep/pay",
    "/fep/capture",
    "/fep/cancel",
    "/unified-sandbox/provider/",
    "/gateway/carduser.aspx",
    "/gateway/carduser_token.aspx",
    "/gateway/onetouch.aspx",
    "/mpi/mpi_charges",
    "/mpi/acs/",
    "/mpi/search",
];

/// One kind of injected fault, named as in the report.
pub fn kinds(delay: Duration) -> Vec<(&'static str, FaultAction)> {
    let status = |status, retry_after| FaultAction::Status {
        status,
        retry_after,
    };
    vec![
        ("connection_reset", FaultAction::ConnectionReset),
        ("drop_response", FaultAction::DropResponse),
        ("http_500", status(500, None)),
        ("http_503", status(503, None)),
        ("http_503_retry_after", status(503, Some(1))),
        ("http_429_retry_after", status(429, Some(1))),
        (
            "delay_past_timeout",
            FaultAction::Delay {
                ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            },
        ),
    ]
}

/// Adds a random rule every `every` (keeping at most `max_active` waiting)
/// until `stop` turns true; then removes the rules nobody hit and returns, per
/// kind, how many were actually applied to a request.
pub async fn run(
    inspect: Inspector,
    rng: Arc<Rng>,
    every: Duration,
    delay: Duration,
    max_active: usize,
    mut stop: watch::Receiver<bool>,
) -> BTreeMap<&'static str, u64> {
    let kinds = kinds(delay);
    let mut added: HashMap<FaultId, &'static str> = HashMap::new();
    let mut applied: BTreeMap<&'static str, u64> = kinds.iter().map(|(k, _)| (*k, 0)).collect();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if inspect.faults().len() >= max_active {
            continue;
        }
        let (name, action) = &kinds[rng.below(kinds.len() as u64) as usize];
        let path = PATHS[rng.below(PATHS.len() as u64) as usize];
        if let Ok(fault) = inspect.add_fault(FaultRule::new(path, action.clone())) {
            added.insert(fault.id, name);
        }
    }
    let waiting: Vec<FaultId> = inspect.faults().iter().map(|f| f.id).collect();
    inspect.clear_faults();
    for (id, name) in added {
        if !waiting.contains(&id) {
            *applied.entry(name).or_default() += 1;
        }
    }
    applied
}
