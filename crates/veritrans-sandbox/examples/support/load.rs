//! What the load examples share: their command-line numbers and latency
//! percentiles. Included with `#[path]` so that it is not an example itself.

use std::error::Error;
use std::time::Duration;

/// The `position`-th command-line argument as a number, or `default`.
pub fn arg(position: usize, default: usize) -> Result<usize, Box<dyn Error>> {
    match std::env::args().nth(position) {
        Some(text) => Ok(text.parse()?),
        None => Ok(default),
    }
}

/// The `p` quantile (0.0–1.0, nearest rank) of sorted latencies, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1);
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
