//! The one shape of every client's and verifier's `tracing` output (feature
//! `tracing`), so a merchant filters and reads all four gateways the same way.
//!
//! - **Requests**: each client call runs in one [`RequestSpan`]: span
//!   `veritrans.request`, target [`REQUEST_TARGET`], fields `gateway`,
//!   `operation`, `order_id`, `idempotency_key`, `attempt`, `http_status`,
//!   `result_code`, `latency_ms`. Its events say what happened to each
//!   attempt: `sending` (debug), `answered` (info), `transport failed` and
//!   `resending` (warn), `refused before sending` (warn).
//! - **Verifications**: each notification or redirect check emits one event,
//!   target [`VERIFY_TARGET`], fields `gateway`, `kind`, `outcome`
//!   (`verified`, debug; `refused`, warn) and, when refused, `reason`.
//!
//! What never appears: keys, tokens, card numbers, whole requests, answers
//! or notifications. These functions take only what may be logged (IDs,
//! codes, statuses, durations) and an error's `Display`, which every crate
//! keeps free of secrets (checked by `tests/secrets.rs`).
//!
//! ```
//! use std::time::Duration;
//! use veritrans_core::{Gateway, trace::RequestSpan};
//!
//! let span = RequestSpan::new(Gateway::Unified, "pay")
//!     .with_order_id("order-1")
//!     .with_idempotency_key("6f1c…");
//! span.sending(1);
//! span.answered(200, Some("UA-REQ-000"), Duration::from_millis(42));
//! veritrans_core::trace::verified(Gateway::Unified, "webhook");
//! ```

use std::fmt::Display;
use std::time::Duration;

use tracing::field::Empty;

use crate::Gateway;

/// The target of every request span and its events.
///
/// ```
/// use veritrans_core::trace::REQUEST_TARGET;
///
/// // A filter for the clients' spans and events only: `veritrans::request=debug`.
/// assert_eq!(REQUEST_TARGET, "veritrans::request");
/// ```
pub const REQUEST_TARGET: &str = "veritrans::request";
/// The target of every verification event.
///
/// ```
/// use veritrans_core::trace::VERIFY_TARGET;
///
/// assert_eq!(VERIFY_TARGET, "veritrans::verify");
/// ```
pub const VERIFY_TARGET: &str = "veritrans::verify";

/// The span of one client call (all its attempts). Enter it around the
/// call's future with `tracing::Instrument::instrument(fut, span.span().clone())`
/// so that the HTTP stack's own events nest under it.
///
/// ```
/// use std::time::Duration;
/// use veritrans_core::{Gateway, trace::RequestSpan};
/// # use std::sync::{Arc, Mutex};
/// # #[derive(Clone, Default)]
/// # struct Buffer(Arc<Mutex<Vec<u8>>>);
/// # impl std::io::Write for Buffer {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// # fn capture(run: impl FnOnce()) -> String {
/// #     let buffer = Buffer::default();
/// #     let writer = buffer.clone();
/// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
/// #         .with_writer(move || writer.clone()).finish();
/// #     tracing::subscriber::with_default(subscriber, run);
/// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
/// # }
///
/// let out = capture(|| {
///     let span = RequestSpan::new(Gateway::Pop, "payment_key").with_order_id("order-7");
///     span.sending(1);
///     span.answered(200, Some("R000"), Duration::from_millis(15));
/// });
/// assert!(out.contains("veritrans.request") && out.contains("order_id=\"order-7\""), "{out}");
/// assert!(out.contains("result_code=\"R000\"") && out.contains("latency_ms=15"), "{out}");
/// ```
#[derive(Debug, Clone)]
pub struct RequestSpan {
    span: tracing::Span,
}

impl RequestSpan {
    /// The span of one call of `operation` (the guide's name: `pay`,
    /// `payment_key`, `onetouch_payment`) to `gateway`.
    ///
    /// ```
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Mpi, "search").sending(1));
    /// assert!(out.contains("gateway=\"mpi\"") && out.contains("operation=\"search\""), "{out}");
    /// ```
    pub fn new(gateway: Gateway, operation: &str) -> Self {
        let span = tracing::info_span!(
            target: "veritrans::request",
            "veritrans.request",
            gateway = gateway.as_str(),
            operation,
            order_id = Empty,
            idempotency_key = Empty,
            attempt = Empty,
            http_status = Empty,
            result_code = Empty,
            latency_ms = Empty,
        );
        Self { span }
    }

    /// Records the merchant's order or payment ID.
    ///
    /// ```
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Unified, "pay").with_order_id("order-1").sending(1));
    /// assert!(out.contains("order_id=\"order-1\""), "{out}");
    /// ```
    pub fn with_order_id(self, order_id: &str) -> Self {
        self.span.record("order_id", order_id);
        self
    }

    /// Records the idempotency key (not a secret: it only replays an answer
    /// to the merchant who sent it).
    ///
    /// ```
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Unified, "capture").with_idempotency_key("key-1").sending(1));
    /// assert!(out.contains("idempotency_key=\"key-1\""), "{out}");
    /// ```
    pub fn with_idempotency_key(self, key: &str) -> Self {
        self.span.record("idempotency_key", key);
        self
    }

    /// The span, to instrument the call's future with.
    ///
    /// ```
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| {
    ///     let span = RequestSpan::new(Gateway::JPayment, "register_user");
    ///     // What the HTTP stack logs inside the call nests under the request span.
    ///     span.span().in_scope(|| tracing::info!("connecting"));
    /// });
    /// assert!(out.contains("veritrans.request") && out.contains("connecting"), "{out}");
    /// ```
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Attempt number `attempt` (1 for the first) is about to be sent.
    ///
    /// ```
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Pop, "payment_key").sending(2));
    /// assert!(out.contains("DEBUG") && out.contains("sending") && out.contains("attempt=2"), "{out}");
    /// ```
    pub fn sending(&self, attempt: u32) {
        self.span.record("attempt", attempt);
        tracing::debug!(target: "veritrans::request", parent: &self.span, attempt, "sending");
    }

    /// An answer arrived: its HTTP status, the gateway's result code where
    /// the answer has one, and how long the attempt took.
    ///
    /// ```
    /// use std::time::Duration;
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Unified, "pay").answered(400, Some("UA-REQ-001"), Duration::from_millis(7)));
    /// assert!(out.contains("INFO") && out.contains("http_status=400") && out.contains("UA-REQ-001"), "{out}");
    /// ```
    pub fn answered(&self, http_status: u16, result_code: Option<&str>, latency: Duration) {
        let latency_ms = millis(latency);
        self.span.record("http_status", http_status);
        self.span.record("latency_ms", latency_ms);
        if let Some(code) = result_code {
            self.span.record("result_code", code);
        }
        tracing::info!(
            target: "veritrans::request",
            parent: &self.span,
            http_status,
            result_code,
            latency_ms,
            "answered"
        );
    }

    /// No usable answer arrived (connection, timeout, an error status
    /// without the gateway's body): `reason` is the error's `Display`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::JPayment, "onetouch_charge").transport_failed(&"timeout", Duration::from_secs(60)));
    /// assert!(out.contains("WARN") && out.contains("transport failed") && out.contains("timeout"), "{out}");
    /// ```
    pub fn transport_failed(&self, reason: &dyn Display, latency: Duration) {
        let latency_ms = millis(latency);
        self.span.record("latency_ms", latency_ms);
        tracing::warn!(
            target: "veritrans::request",
            parent: &self.span,
            reason = %reason,
            latency_ms,
            "transport failed"
        );
    }

    /// The client resends after `delay` because of `reason`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Unified, "capture").resending(&"HTTP 503", Duration::from_millis(500)));
    /// assert!(out.contains("WARN") && out.contains("resending") && out.contains("HTTP 503"), "{out}");
    /// ```
    pub fn resending(&self, reason: &dyn Display, delay: Duration) {
        let delay_ms = millis(delay);
        tracing::warn!(
            target: "veritrans::request",
            parent: &self.span,
            reason = %reason,
            delay_ms,
            "resending"
        );
    }

    /// The request was refused by the crate's own checks; nothing was sent.
    ///
    /// ```
    /// use veritrans_core::{Gateway, trace::RequestSpan};
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Buffer(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buffer {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// # fn capture(run: impl FnOnce()) -> String {
    /// #     let buffer = Buffer::default();
    /// #     let writer = buffer.clone();
    /// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
    /// #         .with_writer(move || writer.clone()).finish();
    /// #     tracing::subscriber::with_default(subscriber, run);
    /// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    /// # }
    ///
    /// let out = capture(|| RequestSpan::new(Gateway::Pop, "payment_key").refused_before_sending(&"order_id: empty (RC01)"));
    /// assert!(out.contains("WARN") && out.contains("refused before sending") && out.contains("RC01"), "{out}");
    /// ```
    pub fn refused_before_sending(&self, reason: &dyn Display) {
        tracing::warn!(
            target: "veritrans::request",
            parent: &self.span,
            reason = %reason,
            "refused before sending"
        );
    }
}

/// A notification or redirect of `kind` (`push`, `webhook`, `redirect`, …)
/// verified: its signature (or digest) matched.
///
/// ```
/// use veritrans_core::{Gateway, trace};
/// # use std::sync::{Arc, Mutex};
/// # #[derive(Clone, Default)]
/// # struct Buffer(Arc<Mutex<Vec<u8>>>);
/// # impl std::io::Write for Buffer {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// # fn capture(run: impl FnOnce()) -> String {
/// #     let buffer = Buffer::default();
/// #     let writer = buffer.clone();
/// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
/// #         .with_writer(move || writer.clone()).finish();
/// #     tracing::subscriber::with_default(subscriber, run);
/// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
/// # }
///
/// let out = capture(|| trace::verified(Gateway::Unified, "webhook"));
/// assert!(out.contains("veritrans::verify") && out.contains("outcome=\"verified\""), "{out}");
/// ```
pub fn verified(gateway: Gateway, kind: &str) {
    tracing::debug!(
        target: "veritrans::verify",
        gateway = gateway.as_str(),
        kind,
        outcome = "verified",
        "notification verified"
    );
}

/// A notification or redirect of `kind` did not verify: `reason` is the
/// error's `Display` (never the notification itself).
///
/// ```
/// use veritrans_core::{Gateway, trace};
/// # use std::sync::{Arc, Mutex};
/// # #[derive(Clone, Default)]
/// # struct Buffer(Arc<Mutex<Vec<u8>>>);
/// # impl std::io::Write for Buffer {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// # fn capture(run: impl FnOnce()) -> String {
/// #     let buffer = Buffer::default();
/// #     let writer = buffer.clone();
/// #     let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false)
/// #         .with_writer(move || writer.clone()).finish();
/// #     tracing::subscriber::with_default(subscriber, run);
/// #     String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
/// # }
///
/// let out = capture(|| trace::refused(Gateway::Mpi, "push", &"signature mismatch"));
/// assert!(out.contains("WARN") && out.contains("outcome=\"refused\"") && out.contains("signature mismatch"), "{out}");
/// ```
pub fn refused(gateway: Gateway, kind: &str, reason: &dyn Display) {
    tracing::warn!(
        target: "veritrans::verify",
        gateway = gateway.as_str(),
        kind,
        outcome = "refused",
        reason = %reason,
        "notification refused"
    );
}

/// Captures `tracing` output as text, for tests that check what the crates
/// log (feature `test-util`): a subscriber at `TRACE`, without colours, that
/// writes here. A merchant's tests can use it to check their own logs too.
///
/// ```
/// use veritrans_core::{Gateway, trace};
///
/// let text = trace::Capture::new().run(|| trace::verified(Gateway::Mpi, "push"));
/// assert!(text.contains("outcome=\"verified\""));
/// ```
#[cfg(feature = "test-util")]
#[derive(Debug, Clone, Default)]
pub struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(feature = "test-util")]
impl Capture {
    /// An empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// A subscriber writing into this capture: install it for a thread
    /// (`tracing::subscriber::set_default`) or the process
    /// (`set_global_default`) when [`Capture::run`] does not fit (async code).
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        let sink = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish()
    }

    /// Runs `f` with this capture as the thread's subscriber and returns
    /// everything captured so far.
    pub fn run(&self, f: impl FnOnce()) -> String {
        tracing::subscriber::with_default(self.subscriber(), f);
        self.text()
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(feature = "test-util")]
impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(all(test, feature = "test-util"))]
mod tests {
    use super::*;

    fn capture(run: impl FnOnce()) -> String {
        Capture::new().run(run)
    }

    #[test]
    fn a_request_span_carries_its_fields_into_every_event() {
        let out = capture(|| {
            let span = RequestSpan::new(Gateway::Pop, "payment_key")
                .with_order_id("order-7")
                .with_idempotency_key("key-1");
            span.sending(2);
            span.answered(200, Some("R000"), Duration::from_millis(15));
        });
        assert!(out.contains("veritrans.request"), "{out}");
        for field in [
            "gateway=\"pop\"",
            "operation=\"payment_key\"",
            "order_id=\"order-7\"",
            "idempotency_key=\"key-1\"",
            "attempt=2",
            "http_status=200",
            "result_code=\"R000\"",
            "latency_ms=15",
        ] {
            assert!(out.contains(field), "{field} missing in {out}");
        }
    }

    #[test]
    fn a_refused_verification_says_why_at_warn() {
        let out = capture(|| refused(Gateway::Mpi, "push", &"signature mismatch"));
        assert!(out.contains("WARN"), "{out}");
        assert!(out.contains("outcome=\"refused\""), "{out}");
        assert!(out.contains("reason=signature mismatch"), "{out}");
        assert!(out.contains("gateway=\"mpi\""), "{out}");
    }
}
