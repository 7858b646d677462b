//! A chaos soak: whole payments on all four gateways from many concurrent
//! merchants against one in-process sandbox, while faults are injected at
//! random (connection resets, dropped answers, 5xx with and without
//! `Retry-After`, 429, delays past the client timeout, merchant endpoints
//! that answer 500 or hang). Prints the figures as JSON and exits 1 if any
//! invariant broke (see `support/chaos/check.rs`).
//!
//! ```text
//! cargo run --release -p veritrans-sandbox --example chaos_soak -- \
//!     [--merchants 64] [--seconds 180] [--max-payments N] [--seed S] \
//!     [--fault-every-ms 10] [--merchant-500-percent 10] [--merchant-hang-percent 5]
//! ```

use std::error::Error;
use std::time::Duration;

#[path = "support/chaos/mod.rs"]
mod chaos;

fn flag(args: &[String], name: &str, default: u64) -> Result<u64, Box<dyn Error>> {
    match args.iter().position(|a| a == name) {
        Some(i) => {
            let value = args.get(i + 1).ok_or(format!("{name} needs a value"))?;
            Ok(value
                .parse()
                .map_err(|e| format!("{name} {value:?}: {e}"))?)
        }
        None => Ok(default),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let known = [
        "--merchants",
        "--seconds",
        "--max-payments",
        "--seed",
        "--fault-every-ms",
        "--merchant-500-percent",
        "--merchant-hang-percent",
    ];
    for pair in args.chunks(2) {
        if !known.contains(&pair[0].as_str()) {
            return Err(format!("unknown flag {:?}; flags: {}", pair[0], known.join(" ")).into());
        }
    }
    let seed = flag(&args, "--seed", 0)?;
    let seed = if seed == 0 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    } else {
        seed
    };
    let config = chaos::Config {
        merchants: usize::try_from(flag(&args, "--merchants", 64)?)?.max(1),
        duration: Duration::from_secs(flag(&args, "--seconds", 180)?),
        max_payments: flag(&args, "--max-payments", u64::MAX)?,
        seed,
        fault_every: Duration::from_millis(flag(&args, "--fault-every-ms", 10)?.max(1)),
        merchant_500_percent: flag(&args, "--merchant-500-percent", 10)?,
        merchant_hang_percent: flag(&args, "--merchant-hang-percent", 5)?,
    };
    let report = chaos::run(config).await.map_err(|e| e.to_string())?;
    print!("{report}");
    if !report.violations().is_empty() {
        std::process::exit(1);
    }
    Ok(())
}
