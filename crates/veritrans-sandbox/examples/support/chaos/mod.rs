//! A chaos soak of whole payments on all four gateways: many merchants pay at
//! once against one in-process sandbox while fault rules break requests at
//! random and the merchants' own endpoints fail or hang; at the end the
//! sandbox's ledger and the merchants' records are checked (see [`check`]).
//!
//! Shared by `examples/chaos_soak.rs` (long runs by hand) and
//! `tests/chaos_soak.rs` (a short bounded run in CI), through `#[path]`.

pub mod check;
pub mod flows;
pub mod front;
pub mod inject;
pub mod rng;
pub mod world;

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::watch;
use veritrans_sandbox::merchant::Merchant;
use veritrans_sandbox::{DeliverySchedule, DeliveryStatus, Gateway, Retention, Sandbox};

use rng::Rng;
use world::{Outcome, World};

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Concurrent merchants, each with its own recording server.
    pub merchants: usize,
    /// No payment starts after this.
    pub duration: Duration,
    /// No payment starts once this many have (over all merchants).
    pub max_payments: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// A new sandbox fault rule this often.
    pub fault_every: Duration,
    /// Percent of notifications the front door answers 500.
    pub merchant_500_percent: u64,
    /// Percent of notifications the front door holds past the attempt timeout.
    pub merchant_hang_percent: u64,
}

/// The merchants' client timeout; the injected delay is longer.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(1500);
/// The injected delay: past the client timeout.
const DELAY: Duration = Duration::from_millis(2000);
/// The sandbox's time limit per delivery attempt; a hang is longer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1000);
const HANG: Duration = Duration::from_millis(1300);

/// What a run measured.
#[derive(Debug)]
pub struct Report {
    /// The configuration.
    pub config: Config,
    /// Wall time of the payments phase.
    pub elapsed: Duration,
    /// Payment attempts per gateway (abandoned ones included).
    pub attempts: BTreeMap<String, u64>,
    /// Of which concluded paid.
    pub succeeded: u64,
    /// Of which concluded known not paid (declined, cancelled, abandoned).
    pub failed: u64,
    /// Why the failed ones failed (the reason up to its details), and how often.
    pub failure_reasons: BTreeMap<String, u64>,
    /// Of which abandoned because the answer carrying the key was lost.
    pub abandoned: u64,
    /// Sandbox faults applied to a request, by kind.
    pub faults: BTreeMap<&'static str, u64>,
    /// Merchant endpoint faults: (answered 500, hung).
    pub merchant_faults: (u64, u64),
    /// Requests the merchants sent again.
    pub retries: u64,
    /// Uncertain J-Payment charges found applied in the console.
    pub reconciled: u64,
    /// See [`check::Checked`].
    pub checked: check::Checked,
    /// Panics anywhere in the process (handler panics included).
    pub panics: u64,
    /// Resident set size at start, after the payments, and at the end, in KiB.
    pub rss_kib: (Option<u64>, Option<u64>, Option<u64>),
    /// Ledger records at the end.
    pub ledger_records: usize,
}

impl Report {
    /// Every broken invariant, panics included.
    pub fn violations(&self) -> Vec<String> {
        let mut v = self.checked.violations.clone();
        if self.panics > 0 {
            v.push(format!("{} panics", self.panics));
        }
        v
    }

    /// The figures as one JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        let attempted: u64 = self.attempts.values().sum();
        json!({
            "merchants": self.config.merchants,
            "seed": self.config.seed,
            "seconds": (self.elapsed.as_secs_f64() * 10.0).round() / 10.0,
            "payments_attempted": attempted,
            "payments_by_gateway": self.attempts,
            "succeeded": self.succeeded,
            "known_failed": self.failed,
            "abandoned_after_lost_key": self.abandoned,
            "known_failed_by_reason": self.failure_reasons,
            "sandbox_faults_injected": self.faults,
            "sandbox_faults_total": self.faults.values().sum::<u64>(),
            "merchant_endpoint_500": self.merchant_faults.0,
            "merchant_endpoint_hang": self.merchant_faults.1,
            "retries": self.retries,
            "jpayment_reconciled_from_console": self.reconciled,
            "duplicates_suppressed_by_gateway": self.checked.suppressed_by_gateway,
            "duplicates_suppressed_by_gateway_total": self.checked.suppressed_by_gateway.values().sum::<u64>(),
            "duplicate_notifications_suppressed_by_merchants": self.checked.suppressed_by_merchant,
            "deliveries": self.checked.deliveries.0,
            "delivery_attempts": self.checked.deliveries.1,
            "ledger_records": self.ledger_records,
            "panics": self.panics,
            "rss_kib_start": self.rss_kib.0,
            "rss_kib_after_payments": self.rss_kib.1,
            "rss_kib_end": self.rss_kib.2,
            "invariant_violations": self.violations().len(),
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_string_pretty(&self.to_json()).map_err(|_| fmt::Error)?;
        writeln!(f, "{json}")?;
        for v in self.violations().iter().take(50) {
            writeln!(f, "VIOLATION: {v}")?;
        }
        Ok(())
    }
}

/// The resident set size of this process in KiB (Linux; `None` elsewhere).
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

static PANICS: AtomicU64 = AtomicU64::new(0);
static HOOK: OnceLock<()> = OnceLock::new();

/// Counts every panic in the process (the sandbox catches handler panics and
/// answers 500; the hook still sees them), then reports it as before.
fn count_panics() {
    HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

fn http(redirects: bool) -> Result<reqwest::Client, reqwest::Error> {
    let policy = if redirects {
        reqwest::redirect::Policy::limited(5)
    } else {
        reqwest::redirect::Policy::none()
    };
    reqwest::Client::builder()
        .no_proxy()
        .redirect(policy)
        .timeout(CLIENT_TIMEOUT)
        .build()
}

/// Runs the soak and checks it.
pub async fn run(config: Config) -> Result<Report, Box<dyn Error + Send + Sync>> {
    count_panics();
    let panics_before = PANICS.load(Ordering::SeqCst);
    let rss_start = rss_kib();
    let rng = Arc::new(Rng::new(config.seed));

    let sandbox = Sandbox::builder()
        // The checks reconcile every record with the merchants': keep them all.
        .retention(Retention::unbounded())
        .retry_policy(DeliverySchedule {
            max_attempts: 12,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(500),
            attempt_timeout: ATTEMPT_TIMEOUT,
        })
        .start()
        .await?;
    let mut merchants = Vec::with_capacity(config.merchants);
    for _ in 0..config.merchants {
        merchants.push(Merchant::start(sandbox.credentials()).await?);
    }
    let urls = merchants.iter().map(|m| m.url("")).collect();
    let (front, front_counts) = front::start(
        urls,
        rng.clone(),
        (
            config.merchant_500_percent,
            config.merchant_hang_percent,
            HANG,
        ),
    )
    .await?;
    let plain = http(true)?;
    let settings = plain
        .put(format!("{}/_sandbox/jpayment/settings", sandbox.base_url()))
        .json(&json!({ "kickback_url": format!("{front}/kickback") }))
        .send()
        .await?;
    if !settings.status().is_success() {
        return Err(format!("kickback setting: HTTP {}", settings.status()).into());
    }
    let credentials = sandbox.credentials();
    let pop_env = pop_proto::Environment::custom(sandbox.base_url(), pop_proto::Mode::Test);
    let pop = pop_proto::client::Client::builder(credentials.pop_server_key.clone(), pop_env)
        .timeout(CLIENT_TIMEOUT)
        .build()?;
    let unified = unified_proto::client::Client::builder(
        unified_proto::client::Environment::Custom {
            base_url: sandbox.base_url().to_owned(),
            mode: unified_proto::validate::Mode::Test,
        },
        unified_proto::UnifiedToken::new(credentials.unified_token.expose_secret()),
    )
    // Only this soak's resends: each one is counted and checked.
    .retry(unified_proto::client::ResendPolicy::none())
    .allow_local_push_url()
    .timeout(CLIENT_TIMEOUT)
    .build()?;
    let jpayment = jpayment_proto::Client::builder(sandbox.jpayment_environment())
        .timeout(CLIENT_TIMEOUT)
        .connect_timeout(CLIENT_TIMEOUT)
        .build()?;
    let world = Arc::new(World::new(
        sandbox,
        merchants,
        front,
        plain,
        http(false)?,
        (pop, unified, jpayment),
        Duration::from_secs(60),
        DELAY + Duration::from_millis(1000),
    ));

    let (stop, stopped) = watch::channel(false);
    let chaos = tokio::spawn(inject::run(
        world.sandbox.inspect(),
        rng.clone(),
        config.fault_every,
        DELAY,
        32,
        stopped,
    ));

    let started = Instant::now();
    let deadline = started + config.duration;
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for m in 0..config.merchants {
        let (world, next, max) = (world.clone(), next.clone(), config.max_payments);
        tasks.spawn(async move {
            let mut n: u64 = 0;
            while Instant::now() < deadline && next.fetch_add(1, Ordering::SeqCst) < max {
                match (m as u64 + n) % 4 {
                    0 => flows::pop(&world, m, n).await,
                    1 => flows::unified(&world, m, n).await,
                    2 => flows::jpayment(&world, m, n).await,
                    _ => flows::mpi(&world, m, n).await,
                }
                n += 1;
            }
        });
    }
    let mut task_failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            task_failures.push(format!("a merchant task failed: {e}"));
        }
    }
    let elapsed = started.elapsed();
    let rss_after = rss_kib();
    stop.send_replace(true);
    let faults = chaos.await?;

    // Let redeliveries finish before reading the ledger.
    let inspect = world.sandbox.inspect();
    let settle_until = Instant::now() + Duration::from_secs(120);
    while Instant::now() < settle_until
        && inspect
            .deliveries()
            .iter()
            .any(|d| d.status == DeliveryStatus::Pending)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let attempts = world.attempts();
    let ledger = inspect.transactions();
    let mut checked = check::check(
        &attempts,
        &world.resends(),
        &ledger,
        &inspect.deliveries(),
        &world.merchants,
    );
    checked.violations.extend(task_failures);
    let mut by_gateway: BTreeMap<String, u64> = BTreeMap::new();
    for g in [
        Gateway::Pop,
        Gateway::Unified,
        Gateway::JPayment,
        Gateway::Mpi,
    ] {
        by_gateway.insert(g.to_string(), 0);
    }
    for a in &attempts {
        *by_gateway.entry(a.gateway.to_string()).or_default() += 1;
    }
    let count = |f: &dyn Fn(&Result<Outcome, String>) -> bool| {
        attempts.iter().filter(|a| f(&a.outcome)).count() as u64
    };
    let mut failure_reasons: BTreeMap<String, u64> = BTreeMap::new();
    for a in &attempts {
        if let Ok(Outcome::Failed(why)) = &a.outcome {
            let short = why.split([':', '(']).next().unwrap_or_default().trim();
            *failure_reasons
                .entry(format!("{} {short}", a.gateway))
                .or_default() += 1;
        }
    }
    let report = Report {
        failure_reasons,
        elapsed,
        attempts: by_gateway,
        succeeded: count(&|o| *o == Ok(Outcome::Succeeded)),
        failed: count(&|o| matches!(o, Ok(Outcome::Failed(_)))),
        abandoned: world.abandoned.load(Ordering::Relaxed),
        faults,
        merchant_faults: (
            front_counts.answered_500.load(Ordering::Relaxed),
            front_counts.hung.load(Ordering::Relaxed),
        ),
        retries: world.retries.load(Ordering::Relaxed),
        reconciled: world.reconciled.load(Ordering::Relaxed),
        checked,
        panics: PANICS.load(Ordering::SeqCst) - panics_before,
        rss_kib: (rss_start, rss_after, None),
        ledger_records: ledger.len(),
        config,
    };
    drop(ledger);
    drop(attempts);
    let world = Arc::try_unwrap(world).map_err(|_| "the world is still shared")?;
    world.sandbox.shutdown().await?;
    Ok(Report {
        rss_kib: (report.rss_kib.0, report.rss_kib.1, rss_kib()),
        ..report
    })
}
