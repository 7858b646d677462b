//! `veritrans tour`: the whole project in one command. It starts the sandbox
//! and a small merchant server in this process (both on 127.0.0.1, random
//! ports: no network beyond loopback), then acts as a merchant with the
//! protocol crates' own clients and verification, narrating every step, and
//! ends with a table. Exit status 0 only when every step's checks held.
//!
//! One module per gateway (`pop`, `unified`, `jpayment`, `mpi`) plus `failures`
//! (what a merchant sees when something is wrong); each is a list of steps
//! run through [`Tour::step`]. A gateway joins the tour as one more module
//! and one more line in [`run_steps`].

mod failures;
mod jpayment;
mod mpi;
mod narrate;
mod pop;
mod unified;

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use veritrans::unified::prelude::{Client, Environment, Mode, ResendPolicy, UnifiedToken};
use veritrans_sandbox::{RunningSandbox, Sandbox};

use narrate::{Outcome, Started, StepRecord};
use veritrans_sandbox::merchant::Merchant;

/// No step may take longer than this; a hung step fails instead of hanging the tour.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the tour; prints as it goes; 0 when every step passed, 1 otherwise,
/// 2 when the sandbox or the merchant server cannot start.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(tour()) {
        Ok(records) if narrate::all_passed(&records) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(reason) => {
            eprintln!("error: {reason}");
            ExitCode::from(2)
        }
    }
}

async fn tour() -> Result<Vec<StepRecord>, String> {
    let sandbox = Sandbox::builder()
        // Webhooks and pushes are retried quickly so the tour stays short.
        .retry_policy(veritrans_sandbox::DeliverySchedule {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
            attempt_timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .map_err(|e| format!("the sandbox cannot start: {e}"))?;
    let credentials = sandbox.credentials();
    let pop_key = credentials.pop_server_key.clone();
    let merchant = Merchant::start(credentials)
        .await
        .map_err(|e| format!("the merchant server cannot start on 127.0.0.1: {e}"))?;
    // A test environment: the client sets `dummy: true` on every request.
    let pop_env =
        veritrans::pop::Environment::custom(sandbox.base_url(), veritrans::pop::Mode::Test);
    let pop = veritrans::pop::client::Client::builder(pop_key, pop_env)
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| format!("the POP client cannot be built: {e}"))?;
    let unified = Client::builder(
        Environment::Custom {
            base_url: sandbox.base_url().to_string(),
            mode: Mode::Test,
        },
        UnifiedToken::new(credentials.unified_token.expose_secret()),
    )
    // The client resends a lost answer by itself, with the same idempotency
    // key; an answer that arrived (even a provider failure) it hands over.
    .retry(ResendPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(500),
    })
    // The merchant server's webhook URL is on 127.0.0.1, like the sandbox.
    .allow_local_push_url()
    .timeout(Duration::from_secs(5))
    .build()
    .map_err(|e| format!("the Unified API client cannot be built: {e}"))?;
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| format!("the HTTP client cannot be built: {e}"))?;

    say("veritrans tour: a merchant's day against the local sandbox");
    say(&format!(
        "sandbox  {} (public test credentials only)",
        sandbox.base_url()
    ));
    say(&format!(
        "merchant {} (receives webhooks, pushes and redirects)",
        merchant.url("")
    ));

    let ctx = Ctx {
        sandbox,
        merchant,
        unified,
        pop,
        browser,
    };
    let mut tour = Tour::default();
    run_steps(&mut tour, &ctx).await;

    say("");
    say(&narrate::summary(&tour.records));
    let Ctx { sandbox, .. } = ctx;
    if let Err(e) = sandbox.shutdown().await {
        eprintln!("warning: the sandbox did not stop cleanly: {e}");
    }
    Ok(tour.records)
}

/// Every section of the tour, in order.
async fn run_steps(tour: &mut Tour, ctx: &Ctx) {
    pop::run(tour, ctx).await;
    unified::run(tour, ctx).await;
    jpayment::run(tour, ctx).await;
    mpi::run(tour, ctx).await;
    failures::run(tour, ctx).await;
}

/// Prints one line of narration. A closed standard output (`veritrans tour
/// | head`) ends the output, not the tour: the exit status still tells.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// What every step may use: the sandbox, the merchant server, the clients.
pub struct Ctx {
    /// The in-process sandbox.
    pub sandbox: RunningSandbox,
    /// The in-process merchant server.
    pub merchant: Merchant,
    /// `unified-proto`'s client, pointed at the sandbox.
    pub unified: Client,
    /// `pop-proto`'s client, pointed at the sandbox.
    pub pop: veritrans::pop::client::Client,
    /// Plays the consumer's browser: plain HTTP, redirects followed by hand.
    pub browser: reqwest::Client,
}

/// What a step hands on: a value for later steps and a line on what it saw.
pub struct Done<T> {
    value: T,
    detail: String,
}

/// A passed step's result.
pub fn done<T>(value: T, detail: impl Into<String>) -> Result<Done<T>, String> {
    Ok(Done {
        value,
        detail: detail.into(),
    })
}

/// A step's check: `Err(reason)` when `ok` is false.
pub fn check(ok: bool, reason: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(reason()) }
}

/// The steps run so far.
#[derive(Default)]
pub struct Tour {
    records: Vec<StepRecord>,
}

impl Tour {
    /// Runs one step: prints its start, awaits it (at most [`STEP_TIMEOUT`]),
    /// prints its end with the timing, records it. `None` when it failed, so
    /// the steps that need its result are not attempted.
    pub async fn step<T>(
        &mut self,
        gateway: &'static str,
        name: &'static str,
        body: impl Future<Output = Result<Done<T>, String>>,
    ) -> Option<T> {
        let number = self.records.len() + 1;
        say(&narrate::start_line(number, gateway, name));
        let started = Started::new(number, gateway, name);
        let result = match tokio::time::timeout(STEP_TIMEOUT, body).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", STEP_TIMEOUT.as_secs())),
        };
        let (value, outcome) = match result {
            Ok(done) => (Some(done.value), Outcome::Passed(done.detail)),
            Err(reason) => (None, Outcome::Failed(reason)),
        };
        let record = started.finish(outcome);
        say(&narrate::end_line(&record));
        if matches!(record.outcome, Outcome::Failed(_)) {
            say("     (steps of this section that need its result are skipped)");
        }
        self.records.push(record);
        value
    }

    /// Prints a section heading.
    pub fn section(&self, title: &str) {
        say(&narrate::heading(title));
    }
}
