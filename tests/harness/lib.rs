//! The harness of the end-to-end tests: what every test starts with (the sandbox
//! and a merchant server, both in this process on 127.0.0.1, random ports).
//!
//! - [`browser`]: the consumer's browser, plain HTTP following the pages' forms;
//! - [`gateways`]: the facade's clients pointed at the sandbox, and the
//!   sandbox-only conventions that stand in for consoles and consumer scripts;
//! - [`raw_http`]: the one way a test sends a raw request to the sandbox (its
//!   `/_sandbox` API, malformed requests), the same file as `veritrans-sandbox`'s tests use;
//! - [`webdriver`]: a real Chromium driven through ChromeDriver, for `browser.rs`.
#![allow(clippy::expect_used)] // a harness that cannot start should stop the test loudly

pub mod browser;
pub mod gateways;
/// The sandbox tests' one raw-HTTP helper, shared with `veritrans-sandbox`'s own tests.
#[path = "../../crates/veritrans-sandbox/tests/integration/common/raw_http.rs"]
pub mod raw_http;
pub mod webdriver;

use std::time::Duration;

use veritrans_sandbox::merchant::{Merchant, Seen};
use veritrans_sandbox::{DeliverySchedule, RunningSandbox, Sandbox, SandboxBuilder};

/// How long a test waits for an asynchronous notification.
pub const NOTIFICATION_TIMEOUT: Duration = Duration::from_secs(10);

/// The sandbox, with notifications redelivered quickly, and a merchant server
/// holding the sandbox's keys.
pub async fn start() -> (RunningSandbox, Merchant) {
    start_with(Sandbox::builder()).await
}

/// [`start`], with the sandbox emulating the Unified API guide version `unified`
/// (`1.1.1-rc`, `1.1.3`).
pub async fn start_unified(unified: &str) -> (RunningSandbox, Merchant) {
    start_with(Sandbox::builder().unified_version(unified)).await
}

async fn start_with(builder: SandboxBuilder) -> (RunningSandbox, Merchant) {
    let sandbox = builder
        .retry_policy(DeliverySchedule {
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

/// Waits (up to [`NOTIFICATION_TIMEOUT`]) until `select` picks at least `n`
/// of the notifications the merchant accepted, and returns them all; panics
/// naming `what` when they do not come.
pub async fn at_least<T>(
    merchant: &Merchant,
    n: usize,
    what: &str,
    select: impl Fn(&Seen) -> Vec<T>,
) -> Vec<T> {
    let arrived = merchant
        .wait_for(NOTIFICATION_TIMEOUT, |s| select(s).len() >= n)
        .await;
    assert!(arrived, "{what}: {n} never verified by the merchant");
    merchant.seen(select)
}

/// The gateway sends the notification it delivered to `url` once more, as
/// gateways do when an answer went missing; waits until the first delivery
/// has settled so that the second is a true duplicate.
pub async fn deliver_again(sandbox: &RunningSandbox, url: &str) {
    let inspect = sandbox.inspect();
    let delivery = inspect
        .deliveries()
        .into_iter()
        .find(|d| d.url == url)
        .unwrap_or_else(|| panic!("nothing was delivered to {url}"));
    inspect
        .wait_delivery_settled(&delivery.id, NOTIFICATION_TIMEOUT)
        .await
        .expect("the first delivery settles");
    inspect
        .redeliver(&delivery.id)
        .expect("a settled delivery can be sent again");
}
