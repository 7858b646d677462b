//! The harness of the end-to-end tests: what every test starts with (the sandbox
//! and a merchant server, both in this process on 127.0.0.1, random ports).
#![allow(clippy::expect_used)] // a harness that cannot start should stop the test loudly

use std::time::Duration;

use veritrans_sandbox::merchant::Merchant;
use veritrans_sandbox::{RetryPolicy, RunningSandbox, Sandbox};

/// How long a test waits for an asynchronous notification.
pub const NOTIFICATION_TIMEOUT: Duration = Duration::from_secs(10);

/// The sandbox, with notifications redelivered quickly, and a merchant server
/// holding the sandbox's keys.
pub async fn start() -> (RunningSandbox, Merchant) {
    let sandbox = Sandbox::builder()
        .retry_policy(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
            attempt_timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .expect("the sandbox starts on 127.0.0.1");
    let merchant = Merchant::start(sandbox.credentials())
        .await
        .expect("the merchant server starts on 127.0.0.1");
    (sandbox, merchant)
}

pub mod unified;
pub mod webdriver;
