//! What every merchant shares: the sandbox, the clients pointed at it, the
//! merchants' recording servers behind the front door, and the records the
//! flows keep of what they did.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;
use veritrans_sandbox::merchant::Merchant;
use veritrans_sandbox::{Gateway, RunningSandbox};

/// How one payment attempt ended, as the merchant knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Paid (and, for the Unified API, captured and partly refunded).
    Succeeded,
    /// Known not paid: declined, cancelled by the consumer, or abandoned
    /// before any money could move (with the reason).
    Failed(String),
}

/// One payment attempt and what the merchant concluded.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The gateway.
    pub gateway: Gateway,
    /// The merchant's own ID for it (order ID, paymentId, J-Payment `uid`).
    pub id: String,
    /// Which merchant.
    pub merchant: usize,
    /// What its notification is about (the order ID; J-Payment's `cod`).
    pub notice: String,
    /// The conclusion; `Err` when the merchant could not reach one (a lost payment).
    pub outcome: Result<Outcome, String>,
}

/// A request sent again after its first answer was lost or refused for a
/// transient reason: `kind` is the ledger kind it would apply, `id` the
/// order it is about, `at` when it was sent.
#[derive(Clone, Debug)]
pub struct Resend {
    /// The gateway.
    pub gateway: Gateway,
    /// The ledger record kind the request applies (`pay`, `payment`, …).
    pub kind: &'static str,
    /// The order it is about (see `check::order_of`).
    pub id: String,
    /// When it was sent.
    pub at: OffsetDateTime,
}

/// Everything the merchants share.
pub struct World {
    /// The sandbox.
    pub sandbox: RunningSandbox,
    /// One recording server per merchant.
    pub merchants: Vec<Merchant>,
    /// The front door's base URL (notifications go through it).
    pub front: String,
    /// Plain HTTP for the consumer's browser and the sandbox-only requests.
    pub http: reqwest::Client,
    /// The same, not following redirects (provider page choices).
    pub http_no_redirect: reqwest::Client,
    /// POP's client.
    pub pop: pop_proto::client::Client,
    /// The Unified API's client.
    pub unified: unified_proto::client::Client,
    /// J-Payment's client.
    pub jpayment: jpayment_proto::Client,
    /// How long a merchant waits for a notification.
    pub notification_timeout: Duration,
    /// How long a merchant waits before reconciling an uncertain J-Payment charge
    /// (longer than any injected delay, so the request cannot still land).
    pub settle: Duration,
    /// Resends of every kind.
    pub retries: AtomicU64,
    /// Attempts abandoned because an answer carrying a key was lost.
    pub abandoned: AtomicU64,
    /// Uncertain J-Payment charges reconciled from the console.
    pub reconciled: AtomicU64,
    attempts: Mutex<Vec<Attempt>>,
    resends: Mutex<Vec<Resend>>,
}

impl World {
    /// Assembles the world.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        sandbox: RunningSandbox,
        merchants: Vec<Merchant>,
        front: String,
        http: reqwest::Client,
        http_no_redirect: reqwest::Client,
        clients: (
            pop_proto::client::Client,
            unified_proto::client::Client,
            jpayment_proto::Client,
        ),
        notification_timeout: Duration,
        settle: Duration,
    ) -> Self {
        Self {
            sandbox,
            merchants,
            front,
            http,
            http_no_redirect,
            pop: clients.0,
            unified: clients.1,
            jpayment: clients.2,
            notification_timeout,
            settle,
            retries: AtomicU64::new(0),
            abandoned: AtomicU64::new(0),
            reconciled: AtomicU64::new(0),
            attempts: Mutex::new(Vec::new()),
            resends: Mutex::new(Vec::new()),
        }
    }

    /// The URL of `path` on merchant `m` through the front door (faulty).
    pub fn notify_url(&self, m: usize, path: &str) -> String {
        format!("{}/m/{m}{path}", self.front)
    }

    /// The sandbox's base URL.
    pub fn base(&self) -> &str {
        self.sandbox.base_url()
    }

    /// Notes a resend.
    pub fn resend(&self, gateway: Gateway, kind: &'static str, id: &str) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        let r = Resend {
            gateway,
            kind,
            id: id.to_owned(),
            at: OffsetDateTime::now_utc(),
        };
        self.resends
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(r);
    }

    /// Notes an attempt's conclusion.
    pub fn conclude(&self, attempt: Attempt) {
        self.attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(attempt);
    }

    /// Every attempt so far.
    pub fn attempts(&self) -> Vec<Attempt> {
        self.attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every resend so far.
    pub fn resends(&self) -> Vec<Resend> {
        self.resends
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
