//! Outbound notifications to merchant endpoints, with redelivery and an attempt log.
//!
//! A gateway route builds a [`Delivery`] (the URL, headers and body of one notification,
//! already signed) and hands it to [`AppState::deliver`](crate::AppState::deliver). The
//! engine sends it from a background task, records every attempt, and sends the very same
//! request again (same ID, same headers, same body) after a backoff until the merchant
//! answers `200` or the [`DeliverySchedule`] runs out. That is the Unified API's webhook rule
//! ("any status code other than 200 … will be retried", with the same `X-VT-webhook-id`);
//! the other gateways' pushes use it too. J-Payment's kickbacks also need a non-empty
//! body ([`Delivery::requires_body`]). Deliveries stop when the sandbox shuts down.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::log::{Gateway, now_jst};
use crate::retention::{Retention, RetentionCounts, slot};

/// One notification to deliver to a merchant endpoint.
///
/// ```
/// use unified_proto::notify::WEBHOOK_ID_HEADER;
/// use veritrans_sandbox::{Delivery, Gateway};
///
/// let d = Delivery::new(Gateway::Unified, "01HG79DYJS6MJBN8BRS0HAQ38X", "http://127.0.0.1:9/hook")
///     .header(http::header::CONTENT_TYPE.as_str(), "application/json")
///     .header(WEBHOOK_ID_HEADER, "01HG79DYJS6MJBN8BRS0HAQ38X")
///     .body(r#"{"order":{}}"#);
/// assert_eq!(d.method, http::Method::POST);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Identifies the notification across all its attempts; unique per sandbox. Gateways
    /// that carry an ID on the wire (Unified: `X-VT-webhook-id`) use the same value.
    pub id: String,
    /// The gateway that sends it.
    pub gateway: Gateway,
    /// HTTP method: `POST` by default (J-Payment's kickback is a `GET`).
    pub method: Method,
    /// The merchant endpoint, `http` or `https`.
    pub url: String,
    /// Headers sent with every attempt, in order.
    pub headers: Vec<(String, String)>,
    /// The body sent with every attempt.
    pub body: Bytes,
    /// Whether the merchant's `200` must also carry a body to count as delivered.
    /// J-Payment's kickback: "通知の成功判定を行っているため、通知先ではContentLengthが
    /// 0以上が出力されるよう実装してください" (see [`Delivery::requires_body`]).
    pub requires_body: bool,
}

impl Delivery {
    /// A `POST` with no headers and an empty body.
    pub fn new(gateway: Gateway, id: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            gateway,
            method: Method::POST,
            url: url.into(),
            headers: Vec::new(),
            body: Bytes::new(),
            requires_body: false,
        }
    }

    /// Replaces the method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Counts an attempt as delivered only when the `200` answer has a body of at least
    /// one byte ([`AttemptOutcome::EmptyBody`] otherwise, and the delivery is retried).
    /// J-Payment's guide checks the kickback's answer by its "ContentLength"; "0以上"
    /// ("0 or more") taken literally can never fail, so the sandbox reads it as "not
    /// empty" (specs/jpayment/README.md, decision 26).
    pub fn requires_body(mut self) -> Self {
        self.requires_body = true;
        self
    }
}

/// How often and how patiently a notification delivery is retried: the schedule of the
/// *gateway* redelivering to the merchant (not to be confused with the Unified API
/// client's `ResendPolicy`, how a *merchant* resends one request under the same key).
///
/// The wait before attempt `n + 1` is `initial_backoff × 2^(n-1)`, capped at
/// `max_backoff`. The guides say only that a failed notification "will be retried for a
/// certain period"; the default schedule (6 attempts: waits of 1, 2, 4, 8, 16 s) is the
/// sandbox's own choice, short enough for a test to watch it end. Tests usually set
/// millisecond backoffs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliverySchedule {
    /// Attempts in total, including the first; at least 1.
    pub max_attempts: u32,
    /// Wait after the first failed attempt.
    pub initial_backoff: Duration,
    /// Upper bound of any wait; at least `initial_backoff`.
    pub max_backoff: Duration,
    /// Time limit of one attempt (connect, send, response head); above zero.
    pub attempt_timeout: Duration,
}

impl Default for DeliverySchedule {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            attempt_timeout: Duration::from_secs(10),
        }
    }
}

impl DeliverySchedule {
    /// The wait after failed attempt number `attempt` (1-based): `veritrans-core`'s
    /// [`Backoff`](veritrans_core::Backoff), without jitter so a test can predict it.
    pub fn backoff(&self, attempt: u32) -> Duration {
        veritrans_core::Backoff::new(self.initial_backoff, self.max_backoff)
            .delay(attempt.saturating_sub(1))
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("retry policy: max_attempts must be at least 1".into());
        }
        if self.initial_backoff > self.max_backoff {
            return Err("retry policy: initial_backoff must not exceed max_backoff".into());
        }
        if self.attempt_timeout.is_zero() {
            return Err("retry policy: attempt_timeout must be above zero".into());
        }
        Ok(())
    }
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Still being attempted (or waiting for the next attempt).
    Pending,
    /// The merchant answered `200` (with a body, when the delivery
    /// [requires one](Delivery::requires_body)).
    Delivered,
    /// Every attempt of the policy failed.
    Failed,
    /// The sandbox shut down before the delivery succeeded.
    Cancelled,
}

/// The result of one attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The merchant answered with this HTTP status.
    Status {
        /// The status code.
        status: u16,
    },
    /// The merchant answered `200` with an empty body to a delivery that
    /// [requires a body](Delivery::requires_body): not delivered.
    EmptyBody {
        /// The status code.
        status: u16,
    },
    /// No answer: connection refused, reset, timed out, …
    Error {
        /// The transport error, with its causes.
        message: String,
    },
}

/// One attempt of a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// When the attempt started (JST, RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// What happened.
    pub outcome: AttemptOutcome,
}

/// A delivery and everything that happened to it so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The delivery ID.
    pub id: String,
    /// The sending gateway.
    pub gateway: Gateway,
    /// HTTP method.
    pub method: String,
    /// Merchant endpoint.
    pub url: String,
    /// Headers of every attempt.
    pub headers: Vec<(String, String)>,
    /// The body, as text (invalid UTF-8 replaced).
    pub body: String,
    /// Current state.
    pub status: DeliveryStatus,
    /// Attempts so far, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
    /// When it was queued (JST, RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Why a delivery was not queued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryError {
    /// Another delivery already has this ID.
    #[error("a delivery with id {0:?} already exists")]
    DuplicateId(String),
    /// The ID is empty.
    #[error("a delivery id must not be empty")]
    EmptyId,
    /// The URL is not an absolute `http`/`https` URL.
    #[error("invalid delivery url {url:?}: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header name or value cannot be sent.
    #[error("invalid delivery header {name:?}: {reason}")]
    InvalidHeader {
        /// The header name given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The sandbox is shutting down and accepts no new deliveries.
    #[error("the sandbox is shutting down")]
    ShuttingDown,
    /// No delivery has this ID (redelivery).
    #[error("no delivery with id {0:?}")]
    UnknownId(String),
    /// The delivery is still being attempted (redelivery).
    #[error("the delivery {0:?} is still pending")]
    StillPending(String),
}

/// The shared log of deliveries; cloning shares the same log.
///
/// It keeps every pending delivery and the newest [`Retention::finished_deliveries`] of
/// each gateway's finished ones (delivered, failed or cancelled); older finished ones are
/// evicted, counted in [`DeliveryLog::counts`], and can no longer be inspected or
/// redelivered.
#[derive(Clone, Debug)]
pub struct DeliveryLog {
    inner: Arc<Mutex<LogInner>>,
    // Bumped on every change so waiters wake without polling.
    changes: watch::Sender<u64>,
}

#[derive(Debug)]
struct LogInner {
    /// By queue number: iteration is the order the deliveries were queued in.
    entries: BTreeMap<u64, Entry>,
    by_id: HashMap<String, u64>,
    next: u64,
    /// Per gateway, (queue number, finish stamp) of deliveries in the order they
    /// finished. An entry is stale when the delivery was redelivered since (its stamp
    /// changed); eviction skips it.
    finished: [VecDeque<(u64, u64)>; 4],
    /// Counts finishes, to stamp them.
    finishes: u64,
    finished_count: [usize; 4],
    evicted: [u64; 4],
    bound: usize,
}

#[derive(Debug)]
struct Entry {
    record: DeliveryRecord,
    // Kept so a settled delivery can be sent again byte for byte.
    prepared: Arc<Prepared>,
    /// The stamp of its latest finish (0 while it never finished).
    finished: u64,
}

impl Default for DeliveryLog {
    fn default() -> Self {
        Self::with_retention(Retention::DEFAULT_FINISHED_DELIVERIES)
    }
}

impl DeliveryLog {
    /// An empty log keeping at most `per_gateway` finished deliveries of each gateway
    /// (at least 1), besides every pending one.
    pub fn with_retention(per_gateway: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(LogInner {
                entries: BTreeMap::new(),
                by_id: HashMap::new(),
                next: 0,
                finished: Default::default(),
                finishes: 0,
                finished_count: [0; 4],
                evicted: [0; 4],
                bound: per_gateway.max(1),
            })),
            changes: watch::Sender::new(0),
        }
    }

    /// Every retained delivery, in the order they were queued.
    pub fn list(&self) -> Vec<DeliveryRecord> {
        self.lock()
            .entries
            .values()
            .map(|e| e.record.clone())
            .collect()
    }

    /// One delivery by ID (`None` if there is none, or it was evicted).
    pub fn get(&self, id: &str) -> Option<DeliveryRecord> {
        let inner = self.lock();
        inner
            .by_id
            .get(id)
            .and_then(|n| inner.entries.get(n))
            .map(|e| e.record.clone())
    }

    /// How many finished deliveries of `gateway` are held and how many were evicted.
    pub fn counts(&self, gateway: Gateway) -> RetentionCounts {
        let inner = self.lock();
        let slot = slot(gateway);
        RetentionCounts {
            retained: inner.finished_count[slot],
            evicted: inner.evicted[slot],
        }
    }

    /// Waits until the delivery `id` is no longer [`DeliveryStatus::Pending`] or `timeout`
    /// passes, and returns it as it then stands (`None` if no such delivery exists).
    pub async fn wait_settled(&self, id: &str, timeout: Duration) -> Option<DeliveryRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Subscribe before looking, so a change between the look and the wait is not lost.
        let mut changes = self.changes.subscribe();
        loop {
            let record = self.get(id);
            if record
                .as_ref()
                .is_none_or(|r| r.status != DeliveryStatus::Pending)
            {
                return record;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.get(id),
            }
        }
    }

    fn insert(&self, record: DeliveryRecord, prepared: Arc<Prepared>) -> Result<(), DeliveryError> {
        {
            let mut inner = self.lock();
            if inner.by_id.contains_key(&record.id) {
                return Err(DeliveryError::DuplicateId(record.id));
            }
            inner.next += 1;
            let number = inner.next;
            inner.by_id.insert(record.id.clone(), number);
            inner.entries.insert(
                number,
                Entry {
                    record,
                    prepared,
                    finished: 0,
                },
            );
        }
        self.changes.send_modify(|v| *v += 1);
        Ok(())
    }

    /// The prepared request of a retained delivery.
    fn prepared(&self, id: &str) -> Option<Arc<Prepared>> {
        let inner = self.lock();
        inner
            .by_id
            .get(id)
            .and_then(|n| inner.entries.get(n))
            .map(|e| e.prepared.clone())
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut DeliveryRecord)) {
        let evicted = {
            let mut inner = self.lock();
            inner.update(id, change)
        };
        // Freed outside the lock.
        drop(evicted);
        self.changes.send_modify(|v| *v += 1);
    }

    // Every mutation is a single push or field assignment, so a poisoned lock still
    // guards consistent data.
    fn lock(&self) -> MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl LogInner {
    /// Applies `change` to delivery `id`, keeps the finished counts, and returns the
    /// entries evicted because the gateway now holds more finished ones than its bound.
    fn update(&mut self, id: &str, change: impl FnOnce(&mut DeliveryRecord)) -> Vec<Entry> {
        let Some(&number) = self.by_id.get(id) else {
            return Vec::new();
        };
        let Some(entry) = self.entries.get_mut(&number) else {
            return Vec::new();
        };
        let was_pending = entry.record.status == DeliveryStatus::Pending;
        change(&mut entry.record);
        let is_pending = entry.record.status == DeliveryStatus::Pending;
        let slot = slot(entry.record.gateway);
        match (was_pending, is_pending) {
            (true, false) => {
                self.finishes += 1;
                entry.finished = self.finishes;
                self.finished[slot].push_back((number, self.finishes));
                self.finished_count[slot] += 1;
            }
            (false, true) => self.finished_count[slot] -= 1,
            _ => {}
        }
        let mut evicted = Vec::new();
        while self.finished_count[slot] > self.bound {
            let Some((oldest, stamp)) = self.finished[slot].pop_front() else {
                break;
            };
            let finished = self
                .entries
                .get(&oldest)
                .is_some_and(|e| e.finished == stamp && e.record.status != DeliveryStatus::Pending);
            if let Some(entry) = finished.then(|| self.entries.remove(&oldest)).flatten() {
                self.by_id.remove(&entry.record.id);
                self.finished_count[slot] -= 1;
                self.evicted[slot] += 1;
                evicted.push(entry);
            }
        }
        evicted
    }
}

/// A validated delivery, ready to be sent any number of times.
#[derive(Debug)]
struct Prepared {
    id: String,
    method: Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Bytes,
    requires_body: bool,
}

/// Sends deliveries from background tasks; cloning shares the engine.
#[derive(Clone, Debug)]
pub(crate) struct DeliveryEngine {
    inner: Arc<EngineInner>,
}

#[derive(Debug)]
struct EngineInner {
    client: reqwest::Client,
    policy: DeliverySchedule,
    log: DeliveryLog,
    shutdown: watch::Receiver<bool>,
    runtime: tokio::runtime::Handle,
    tasks: Mutex<JoinSet<()>>,
}

impl DeliveryEngine {
    pub(crate) fn new(
        policy: DeliverySchedule,
        log: DeliveryLog,
        shutdown: watch::Receiver<bool>,
        runtime: tokio::runtime::Handle,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            // A merchant's redirect is a non-200 answer, not a new address to follow, and
            // an environment proxy must not intercept loopback test receivers.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Self {
            inner: Arc::new(EngineInner {
                client,
                policy,
                log,
                shutdown,
                runtime,
                tasks: Mutex::new(JoinSet::new()),
            }),
        })
    }

    pub(crate) fn log(&self) -> &DeliveryLog {
        &self.inner.log
    }

    /// Validates, records and starts a delivery; returns its ID.
    pub(crate) fn deliver(&self, delivery: Delivery) -> Result<String, DeliveryError> {
        if *self.inner.shutdown.borrow() {
            return Err(DeliveryError::ShuttingDown);
        }
        let (prepared, record) = prepare(delivery)?;
        let prepared = Arc::new(prepared);
        let id = prepared.id.clone();
        self.inner.log.insert(record, prepared.clone())?;
        self.spawn(prepared, 1);
        Ok(id)
    }

    /// Sends a settled (delivered, failed or cancelled) delivery again: same ID, headers
    /// and body, a fresh round of the retry policy, attempts numbered on from the last.
    ///
    /// This is how a test produces the duplicate notification the Unified API guide warns
    /// about ("the FEP server may retry the notification" even after a 200).
    pub(crate) fn redeliver(&self, id: &str) -> Result<(), DeliveryError> {
        if *self.inner.shutdown.borrow() {
            return Err(DeliveryError::ShuttingDown);
        }
        let prepared = self
            .inner
            .log
            .prepared(id)
            .ok_or_else(|| DeliveryError::UnknownId(id.to_owned()))?;
        let mut next = None;
        let mut pending = false;
        // Check and flip the status in one step, so two concurrent redeliveries of the
        // same ID cannot both start.
        self.inner.log.update(id, |r| {
            if r.status == DeliveryStatus::Pending {
                pending = true;
            } else {
                r.status = DeliveryStatus::Pending;
                next =
                    Some(u32::try_from(r.attempts.len()).map_or(u32::MAX, |n| n.saturating_add(1)));
            }
        });
        match next {
            Some(first) if !pending => {
                self.spawn(prepared, first);
                Ok(())
            }
            _ => Err(DeliveryError::StillPending(id.to_owned())),
        }
    }

    fn spawn(&self, prepared: Arc<Prepared>, first_attempt: u32) {
        let engine = self.clone();
        let mut tasks = self.tasks();
        // Reap finished tasks so the set does not grow with every delivery ever made.
        while tasks.try_join_next().is_some() {}
        tasks.spawn_on(engine.run(prepared, first_attempt), &self.inner.runtime);
    }

    /// Waits for every delivery task to end; call after the shutdown signal.
    pub(crate) async fn drain(&self) {
        let mut tasks = std::mem::take(&mut *self.tasks());
        while tasks.join_next().await.is_some() {}
    }

    fn tasks(&self) -> MutexGuard<'_, JoinSet<()>> {
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    async fn run(self, d: Arc<Prepared>, first_attempt: u32) {
        let policy = &self.inner.policy;
        let log = &self.inner.log;
        let mut shutdown = self.inner.shutdown.clone();
        for round in 1..=policy.max_attempts {
            let number = first_attempt.saturating_add(round - 1);
            let request = self
                .inner
                .client
                .request(d.method.clone(), d.url.clone())
                .headers(d.headers.clone())
                .body(d.body.clone())
                .timeout(policy.attempt_timeout);
            let at = now_jst();
            let started = Instant::now();
            let attempt = async {
                let mut response = request.send().await?;
                let status = response.status().as_u16();
                if d.requires_body && status == 200 {
                    // One non-empty chunk settles it; the rest is not read.
                    while let Some(chunk) = response.chunk().await? {
                        if !chunk.is_empty() {
                            return Ok(AttemptOutcome::Status { status });
                        }
                    }
                    return Ok(AttemptOutcome::EmptyBody { status });
                }
                Ok::<_, reqwest::Error>(AttemptOutcome::Status { status })
            };
            let result = tokio::select! {
                biased;
                _ = shutdown.wait_for(|stop| *stop) => {
                    log.update(&d.id, |r| r.status = DeliveryStatus::Cancelled);
                    return;
                }
                result = attempt => result,
            };
            let outcome = result.unwrap_or_else(|e| AttemptOutcome::Error {
                message: error_chain(&e),
            });
            let delivered = outcome == AttemptOutcome::Status { status: 200 };
            tracing::debug!(id = %d.id, number, ?outcome, "delivery attempt");
            let attempt = DeliveryAttempt {
                number,
                at,
                elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                outcome,
            };
            let last = round == policy.max_attempts;
            log.update(&d.id, |r| {
                r.attempts.push(attempt);
                if delivered {
                    r.status = DeliveryStatus::Delivered;
                } else if last {
                    r.status = DeliveryStatus::Failed;
                }
            });
            if delivered || last {
                return;
            }
            tokio::select! {
                biased;
                _ = shutdown.wait_for(|stop| *stop) => {
                    log.update(&d.id, |r| r.status = DeliveryStatus::Cancelled);
                    return;
                }
                () = tokio::time::sleep(policy.backoff(round)) => {}
            }
        }
    }
}

fn prepare(d: Delivery) -> Result<(Prepared, DeliveryRecord), DeliveryError> {
    if d.id.is_empty() {
        return Err(DeliveryError::EmptyId);
    }
    let url = reqwest::Url::parse(&d.url).map_err(|e| DeliveryError::InvalidUrl {
        url: d.url.clone(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(DeliveryError::InvalidUrl {
            url: d.url,
            reason: "the scheme must be http or https".into(),
        });
    }
    let mut headers = HeaderMap::new();
    for (name, value) in &d.headers {
        let invalid = |reason: String| DeliveryError::InvalidHeader {
            name: name.clone(),
            reason,
        };
        let n = HeaderName::try_from(name.as_str()).map_err(|e| invalid(e.to_string()))?;
        let v = HeaderValue::try_from(value.as_str()).map_err(|e| invalid(e.to_string()))?;
        headers.append(n, v);
    }
    let record = DeliveryRecord {
        id: d.id.clone(),
        gateway: d.gateway,
        method: d.method.to_string(),
        url: d.url,
        headers: d.headers,
        body: String::from_utf8_lossy(&d.body).into_owned(),
        status: DeliveryStatus::Pending,
        attempts: Vec::new(),
        created_at: now_jst(),
    };
    let prepared = Prepared {
        id: d.id,
        method: d.method,
        url,
        headers,
        body: d.body,
        requires_body: d.requires_body,
    };
    Ok((prepared, record))
}

/// reqwest's top-level message ("error sending request") hides the cause; keep them all.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = DeliverySchedule {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            attempt_timeout: Duration::from_secs(1),
        };
        let waits: Vec<u128> = (1..=5).map(|n| p.backoff(n).as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 50, 50]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_millis(50));
    }

    #[test]
    fn policy_check_rejects_nonsense() {
        assert!(DeliverySchedule::default().check().is_ok());
        let zero = DeliverySchedule {
            max_attempts: 0,
            ..DeliverySchedule::default()
        };
        assert!(zero.check().unwrap_err().contains("max_attempts"));
        let inverted = DeliverySchedule {
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(1),
            ..DeliverySchedule::default()
        };
        assert!(inverted.check().unwrap_err().contains("initial_backoff"));
    }

    #[test]
    fn prepare_rejects_bad_input_by_name() {
        let ok = Delivery::new(Gateway::Pop, "a", "http://127.0.0.1:1/x");
        assert!(prepare(ok.clone()).is_ok());
        assert_eq!(
            prepare(Delivery {
                id: String::new(),
                ..ok.clone()
            })
            .err(),
            Some(DeliveryError::EmptyId)
        );
        assert!(matches!(
            prepare(Delivery {
                url: "ftp://x/".into(),
                ..ok.clone()
            }),
            Err(DeliveryError::InvalidUrl { .. })
        ));
        assert!(matches!(
            prepare(Delivery {
                url: "not a url".into(),
                ..ok.clone()
            }),
            Err(DeliveryError::InvalidUrl { .. })
        ));
        match prepare(ok.clone().header("bad name", "v")) {
            Err(DeliveryError::InvalidHeader { name, .. }) => assert_eq!(name, "bad name"),
            other => panic!("unexpected {:?}", other.err()),
        }
        assert!(matches!(
            prepare(ok.header("x", "line\nbreak")),
            Err(DeliveryError::InvalidHeader { .. })
        ));
    }

    fn queued(log: &DeliveryLog, gateway: Gateway, id: &str) {
        let (prepared, record) =
            prepare(Delivery::new(gateway, id, "http://127.0.0.1:9/")).unwrap();
        log.insert(record, Arc::new(prepared)).unwrap();
    }

    #[test]
    fn only_finished_deliveries_are_evicted_oldest_first() {
        let log = DeliveryLog::with_retention(2);
        for id in ["a", "b", "c", "d"] {
            queued(&log, Gateway::Unified, id);
        }
        queued(&log, Gateway::Pop, "p");
        // Finished in the order c, a, b; d stays pending.
        for id in ["c", "a", "b"] {
            log.update(id, |r| r.status = DeliveryStatus::Failed);
        }
        let ids = |log: &DeliveryLog| log.list().into_iter().map(|r| r.id).collect::<Vec<_>>();
        // The first to finish (c) went; the pending one and the other gateway's stay.
        assert_eq!(ids(&log), ["a", "b", "d", "p"]);
        assert_eq!(
            log.counts(Gateway::Unified),
            RetentionCounts {
                retained: 2,
                evicted: 1
            }
        );
        assert!(log.get("c").is_none() && log.prepared("c").is_none());
        // A redelivered one is pending again: not finished, not evictable.
        log.update("a", |r| r.status = DeliveryStatus::Pending);
        log.update("d", |r| r.status = DeliveryStatus::Delivered);
        assert_eq!(ids(&log), ["a", "b", "d", "p"]);
        log.update("a", |r| r.status = DeliveryStatus::Delivered);
        // a finished after b and d: b is now the oldest finished.
        assert_eq!(ids(&log), ["a", "d", "p"]);
        assert_eq!(log.counts(Gateway::Unified).evicted, 2);
        assert_eq!(log.counts(Gateway::Pop).evicted, 0);
    }
}
