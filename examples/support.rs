//! What the examples share: choosing between the real gateway and an embedded
//! sandbox, masking card numbers before anything is printed, and how a failure
//! ends the program.
//!
//! Every gateway example runs against a `veritrans_sandbox` started inside the
//! process unless the real credentials are in the environment. Giving only some
//! of them is an error rather than a silent fall-back, so a typo in a variable
//! name never sends a "real" run to the sandbox or the other way round; `--sandbox`
//! on the command line forces the sandbox whatever the environment holds (CI uses it).

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use veritrans_sandbox::{DeliverySchedule, RunningSandbox, Sandbox};

/// The real credentials named by `vars`, read from the environment, or `None`
/// when the example should use the embedded sandbox: `--sandbox` was given or
/// none of the variables is set. Says on standard error which one it is (never
/// the values).
///
/// # Errors
/// Some of the variables are set and others are not (or not valid Unicode).
pub fn real_credentials<const N: usize>(vars: [&str; N]) -> Result<Option<[String; N]>, String> {
    if std::env::args().skip(1).any(|arg| arg == "--sandbox") {
        eprintln!("--sandbox: using the embedded sandbox");
        return Ok(None);
    }
    let values = vars.map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
    if values.iter().all(Option::is_none) {
        eprintln!("{} not set: using the embedded sandbox", vars.join(", "));
        return Ok(None);
    }
    let missing: Vec<&str> = vars
        .iter()
        .zip(&values)
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "real gateway mode needs {} too (or none of {}, for the sandbox)",
            missing.join(", "),
            vars.join(", ")
        ));
    }
    eprintln!(
        "{} set: using the gateway, not the embedded sandbox",
        vars.join(", ")
    );
    Ok(Some(values.map(Option::unwrap_or_default)))
}

/// Starts the sandbox in this process on 127.0.0.1 (a random port), with the
/// public test credentials (`veritrans_sandbox::Credentials::default()`). It
/// stops when the returned value is dropped.
///
/// # Errors
/// The sandbox cannot bind to loopback, or no Tokio runtime is running.
pub async fn start_sandbox() -> Result<RunningSandbox, Box<dyn Error>> {
    let sandbox = Sandbox::builder()
        // Notifications to a merchant that does not answer are retried
        // quickly, so an example never waits on the default backoff.
        .retry_policy(DeliverySchedule {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(20),
            attempt_timeout: Duration::from_secs(2),
        })
        .start()
        .await?;
    eprintln!("embedded sandbox at {}", sandbox.base_url());
    Ok(sandbox)
}

/// The embedded sandbox for the blocking examples, whose `main` is plain `fn main`
/// with no runtime to serve it: it runs on a multi-threaded Tokio runtime of its
/// own, whose worker threads answer while `main` blocks in the client. Both live
/// until this value is dropped. Derefs to the [`RunningSandbox`].
pub struct BlockingSandbox {
    // Declared first, so dropped first: the sandbox stops before its runtime.
    sandbox: RunningSandbox,
    runtime: tokio::runtime::Runtime,
}

impl BlockingSandbox {
    /// Starts the sandbox ([`start_sandbox`]) on a runtime of its own.
    ///
    /// # Errors
    /// The runtime or the sandbox could not start.
    pub fn start() -> Result<Self, Box<dyn Error>> {
        let runtime = tokio::runtime::Runtime::new()?;
        let sandbox = runtime.block_on(start_sandbox())?;
        Ok(Self { sandbox, runtime })
    }

    /// Runs a sandbox-only setup step (one with no blocking API) to completion.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl std::ops::Deref for BlockingSandbox {
    type Target = RunningSandbox;
    fn deref(&self) -> &RunningSandbox {
        &self.sandbox
    }
}

/// Shows the clients' `tracing` output on standard error: each request's
/// `veritrans.request` span and each verification's event (never keys, tokens or
/// card numbers). Filtered by `RUST_LOG` (for example
/// `RUST_LOG=veritrans::request=debug` for every attempt); when it is unset, each
/// request's answer and each verification (`info`) and every warning. Call once, first.
pub fn trace_requests() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,veritrans::request=info,veritrans::verify=info")
    });
    // `Err`: a subscriber is installed already (a test harness): keep it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Ends an example: success, or the error's message (and its causes) on
/// standard error and exit status 1. `main` returning the error would print
/// its `Debug` form instead, which is meant for developers, not for reading.
pub fn exit(result: Result<(), Box<dyn Error>>) -> ExitCode {
    let Err(error) = result else {
        return ExitCode::SUCCESS;
    };
    eprintln!("error: {error}");
    let mut cause = error.source();
    while let Some(source) = cause {
        eprintln!("  caused by: {source}");
        cause = source.source();
    }
    ExitCode::FAILURE
}

/// A card number as it may be shown or logged: the first six and last four
/// digits, the rest as `*` (`4111111111111111` → `411111******1111`).
/// Anything too short to keep those is masked entirely.
pub fn mask_card(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 12 {
        return "*".repeat(digits.len());
    }
    let hidden = digits.len() - 10;
    digits[..6]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&digits[digits.len() - 4..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mask_card;

    #[test]
    fn masks_all_but_the_first_six_and_last_four_digits() {
        assert_eq!(mask_card("4111111111111111"), "411111******1111");
        assert_eq!(mask_card("4111 1111 1111 1111"), "411111******1111");
        assert_eq!(mask_card("30569309025904"), "305693****5904");
        assert_eq!(mask_card("12345"), "*****");
    }
}
