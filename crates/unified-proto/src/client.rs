//! The HTTP client (feature `client`).
//!
//! - **Environment**: live, sandbox, or a custom base URL (tests, proxies)
//!   with the mode it stands for, chosen when the client is built
//!   ([`Environment`], no default). The client fills every request's
//!   `control.requestMode` from it and refuses a request whose explicit
//!   `requestMode` says otherwise; the mode also drives validation (https-only
//!   URLs in live).
//! - **One method per command** ([`Client::pay`], [`Client::capture`], …)
//!   beside the generic [`Client::send`] / [`Client::send_with`].
//! - **Tracing**: every call runs in one `veritrans.request` span
//!   (`veritrans_core::trace::RequestSpan`: command, paymentId, idempotency
//!   key, attempt, HTTP status, result code, latency) with an event per
//!   attempt, resend and refusal; never the token or the body.
//! - **Authentication**: `Authorization: Bearer {token}` ([`UnifiedToken`]).
//! - **Idempotency**: every logical request gets one `X-VT-Idempotency-Key`
//!   (UUIDv4, or the caller's via [`SendOptions::idempotency_key`]) before
//!   the first attempt, and every resend of that request carries it.
//! - **Timeouts**: per attempt (default 30 s) and for connecting (10 s).
//!
//! # Retries
//!
//! The guide, "About Idempotency": a request repeated with the same key, API
//! and paymentId within 24 hours "returns the result from the previous
//! request without actual processing"; the feature "is intended to allow
//! merchants to reacquire responses they failed to receive"; and "if the
//! initial request did not reach the FEP server, it is treated as a new
//! request". So a resend with the same key is safe whether or not the first
//! one arrived, and useless once an answer did arrive. The client therefore:
//!
//! 1. **Resends by itself, with the same key and the same body**, when the
//!    answer was lost: a transport error (connection refused, reset or
//!    closed, timeout, a body that could not be read) or an HTTP 5xx, 408 or
//!    429 without the gateway's JSON body (a proxy's page, a bare status).
//! 2. **Resends by itself, with the same key**, after `UA-REQ-005` (in
//!    process): the first request is still being processed, and the same key
//!    later returns its answer.
//! 3. **Never resends an answer that arrived** with another
//!    `actionCode=retry_request` code (`UA-PRV-001` provider error,
//!    `UA-SYS-003` internal and `UA-SYS-004` external communication error,
//!    `UA-LMT-001` too many concurrent connections) with the same key: that
//!    answer was stored and would only be replayed. A new attempt needs a new
//!    key, and a new key can be a second charge if the first attempt moved
//!    money after all. The client makes that new-key attempt by itself only
//!    for the read-only `getTransactionResult`; for every other command
//!    (pay, subscribe, updateOrder, capture, cancel, charge, terminate) it
//!    returns [`Error::GatewayRefused`] whose [`Refusal::next_step`] is
//!    [`NextStep::NewKeyAfterCheck`]: wait, check the order, then send again
//!    with a new key. Which of these codes left the order untouched the guide
//!    does not say, so the client never guesses it (the project's reading).
//!
//! Attempts are bounded by [`ResendPolicy::max_attempts`] (first included);
//! between them the client waits a capped, jittered exponential backoff, or
//! the answer's `Retry-After` (delta-seconds) when present. A `Retry-After`
//! longer than [`ResendPolicy::max_delay`] ends the resends and returns the
//! error, so one call never blocks longer than its policy says. When the
//! attempts run out, the error's [`Error::next_step`] is
//! [`NextStep::ResendSameKey`] and it carries the key for a later resend.
//!
//! The client never sends one request under two keys except the read-only
//! `getTransactionResult`, so within the guide's 24-hour key validity it
//! cannot apply a money-moving command twice.

use std::time::{Duration, Instant};

use tracing::Instrument;
use veritrans_core::Gateway;
use veritrans_core::trace::RequestSpan;

pub use crate::Environment;
use crate::validate::{self, Context, Mode};
use crate::{
    Command, Error, GetTransactionResultRequest, NextStep, PayType, Refusal, Response,
    UnifiedToken, result_fields,
};

/// How often and how patiently the client *resends one request with the same
/// idempotency key* (see the [module docs](self) for *which* answers it resends;
/// that part is fixed so that nothing can be charged twice). Not to be confused
/// with the sandbox's `DeliverySchedule`, how a gateway redelivers notifications;
/// both wait with `veritrans-core`'s one [`Backoff`](veritrans_core::Backoff).
///
/// ```
/// use std::time::Duration;
/// use unified_proto::client::ResendPolicy;
///
/// let patient = ResendPolicy { max_attempts: 5, ..ResendPolicy::default() };
/// assert_eq!(ResendPolicy::default().max_attempts, 3); // the first attempt and two resends
/// assert!(patient.delay(10) <= patient.max_delay); // never waits longer than `max_delay`
/// assert!(patient.delay(0) >= Duration::from_millis(250)); // at least half of `base_delay`
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResendPolicy {
    /// Attempts in total, the first included (1 = never resend).
    pub max_attempts: u32,
    /// Backoff before the first resend.
    pub base_delay: Duration,
    /// Upper bound of any one wait, backoff or `Retry-After`.
    pub max_delay: Duration,
}

impl Default for ResendPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl ResendPolicy {
    /// Never resend: every lost answer is returned at once as an error that
    /// carries the key (for tests and tools that show each attempt).
    ///
    /// ```
    /// use unified_proto::client::ResendPolicy;
    ///
    /// assert_eq!(ResendPolicy::none().max_attempts, 1);
    /// ```
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Backoff before retry number `retry` (0-based): half of the capped
    /// exponential delay plus a random share of the other half, so clients
    /// that failed together do not retry together.
    ///
    /// ```
    /// use std::time::Duration;
    /// use unified_proto::client::ResendPolicy;
    ///
    /// let policy = ResendPolicy { max_attempts: 4, base_delay: Duration::from_secs(1), max_delay: Duration::from_secs(3) };
    /// // Retry 1 backs off 2 s: between 1 s and 2 s once jittered; retry 5 is capped at 3 s.
    /// assert!((Duration::from_secs(1)..=Duration::from_secs(2)).contains(&policy.delay(1)));
    /// assert!(policy.delay(5) <= Duration::from_secs(3));
    /// ```
    pub fn delay(&self, retry: u32) -> Duration {
        // UUIDv4 bits are random; no extra RNG dependency needed for jitter.
        let random = (uuid::Uuid::new_v4().as_u128() % 1_000_000) as u32;
        veritrans_core::Backoff::new(self.base_delay, self.max_delay)
            .jittered(retry, f64::from(random) / 1_000_000.0)
    }
}

/// Per-request options.
///
/// ```
/// use unified_proto::PayType;
/// use unified_proto::client::SendOptions;
///
/// let options = SendOptions::default().idempotency_key("order-1-cancel-1").pay_type(PayType::Paypay);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendOptions {
    idempotency_key: Option<String>,
    pay_type: Option<PayType>,
}

impl SendOptions {
    /// Reuse a key, e.g. to fetch the answer of a request that ended in a
    /// transport error. At most 100 characters of `A-Z a-z 0-9 - _`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:9".into(), mode: Mode::Test };
    /// let client = Client::builder(local, UnifiedToken::new("token")).build().unwrap();
    /// // The key is checked before sending (at most 100 of `A-Z a-z 0-9 - _`).
    /// let options = SendOptions::default().idempotency_key("not a key!");
    /// let err = client.send_with(&CaptureRequest::for_payment("order-1"), options).await.unwrap_err();
    /// assert!(err.to_string().contains("X-VT-Idempotency-Key"), "{err}");
    /// # }
    /// ```
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
    /// The order's payment type for commands whose body does not carry it
    /// (capture, cancel, …), enabling the per-payment-type limits.
    ///
    /// ```
    /// use unified_proto::client::SendOptions;
    /// use unified_proto::prelude::*;
    /// use unified_proto::validate::{Context, validate};
    ///
    /// // A capture body has no payType: without one, PayPay's 7-digit limit cannot apply.
    /// let capture = CaptureRequest::for_payment("order-1").with_amount(yen(12_345_678));
    /// assert!(validate(&capture, &Context::new(Mode::Test)).is_ok());
    /// assert!(validate(&capture, &Context::new(Mode::Test).with_pay_type(PayType::Paypay)).is_err());
    /// // `SendOptions::pay_type` gives the client's validation the same context.
    /// let _options = SendOptions::default().pay_type(PayType::Paypay);
    /// ```
    pub fn pay_type(mut self, pay_type: PayType) -> Self {
        self.pay_type = Some(pay_type);
        self
    }
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use unified_proto::prelude::*;
///
/// let client = Client::builder(Environment::Sandbox, UnifiedToken::new("token-from-MAP"))
///     .timeout(Duration::from_secs(10))
///     .connect_timeout(Duration::from_secs(3))
///     .retry(ResendPolicy::none())
///     .build()?;
/// assert_eq!(client.mode(), Mode::Test);
/// # Ok::<(), UnifiedError>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    environment: Environment,
    token: UnifiedToken,
    timeout: Duration,
    connect_timeout: Duration,
    retry: ResendPolicy,
    local_push_url: bool,
}

impl ClientBuilder {
    /// Per-attempt timeout (default 30 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// use unified_proto::prelude::*;
    ///
    /// let builder = Client::builder(Environment::Sandbox, UnifiedToken::new("token"));
    /// assert!(builder.timeout(Duration::from_secs(5)).build().is_ok());
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// Connect timeout (default 10 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// use unified_proto::prelude::*;
    ///
    /// let builder = Client::builder(Environment::Sandbox, UnifiedToken::new("token"));
    /// assert!(builder.connect_timeout(Duration::from_secs(2)).build().is_ok());
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// How often and how patiently to resend (default [`ResendPolicy::default`]).
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let policy = ResendPolicy { max_attempts: 5, ..ResendPolicy::default() };
    /// let builder = Client::builder(Environment::Sandbox, UnifiedToken::new("token"));
    /// assert!(builder.retry(policy).build().is_ok());
    /// ```
    pub fn retry(mut self, retry: ResendPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// Lets requests name a `pushUrl` on this machine's loopback, over http and
    /// on any port, so that a merchant server under test receives the webhooks of
    /// a local emulator such as `veritrans-sandbox`. The guide's rule (https, port
    /// 443, a public host) still holds for every other address, and [`build`]
    /// refuses this option in the live environment.
    ///
    /// [`build`]: ClientBuilder::build
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:8765".into(), mode: Mode::Test };
    /// let client = Client::builder(local, UnifiedToken::new("token")).allow_local_push_url().build();
    /// assert!(client.is_ok());
    ///
    /// let live = Client::builder(Environment::Live, UnifiedToken::new("token")).allow_local_push_url().build();
    /// assert!(live.unwrap_err().to_string().contains("loopback pushUrl"));
    /// ```
    pub fn allow_local_push_url(mut self) -> Self {
        self.local_push_url = true;
        self
    }
    /// The client.
    ///
    /// # Errors
    /// [`Error::Config`]: an unparsable base URL, a live one without https,
    /// [`allow_local_push_url`](Self::allow_local_push_url) in live.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let plain_http = Environment::Custom { base_url: "http://gateway.example".into(), mode: Mode::Live };
    /// let err = Client::builder(plain_http, UnifiedToken::new("token")).build().unwrap_err();
    /// assert!(matches!(err, UnifiedError::Config(_)));
    /// assert_eq!(err.to_string(), "client configuration: live base URL must be https");
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let base = url::Url::parse(self.environment.base_url())
            .map_err(|e| Error::Config(format!("base URL: {e}")))?;
        if self.environment.mode() == Mode::Live && base.scheme() != "https" {
            return Err(Error::Config("live base URL must be https".into()));
        }
        if self.environment.mode() == Mode::Live && self.local_push_url {
            return Err(Error::Config(
                "a loopback pushUrl is for a local emulator, never the live environment".into(),
            ));
        }
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Client {
            http,
            base_url: self
                .environment
                .base_url()
                .trim_end_matches('/')
                .to_string(),
            mode: self.environment.mode(),
            token: self.token,
            retry: self.retry,
            local_push_url: self.local_push_url,
        })
    }
}

/// The Unified API client. Cheap to clone; share one per process.
///
/// One method per command (`pay`, `subscribe`, `update_order`, `capture`,
/// `cancel`, `charge`, `terminate`, `get_transaction_result`), each
/// [`send`](Self::send) for its request type; [`send_with`](Self::send_with)
/// takes [`SendOptions`] (a chosen idempotency key, the payment type).
///
/// ```no_run
/// use unified_proto::prelude::*;
///
/// # async fn demo() -> Result<(), UnifiedError> {
/// let client = Client::builder(Environment::Sandbox, UnifiedToken::new("token")).build()?;
/// let answer = client.get_transaction_result(&GetTransactionResultRequest::for_reference("ref-1")).await?;
/// let amount: Option<Yen> = answer.amount();
/// let capture = CaptureRequest::for_payment("order-1");
/// client.send_with(&capture, SendOptions::default().idempotency_key("order-1-capture")).await?;
/// # let _ = amount; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    mode: Mode,
    token: UnifiedToken,
    retry: ResendPolicy,
    local_push_url: bool,
}

impl Client {
    /// Starts a builder for `environment` authenticated with `token`.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let client = Client::builder(Environment::Live, UnifiedToken::new("token-from-MAP")).build()?;
    /// assert_eq!(client.mode(), Mode::Live);
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn builder(environment: Environment, token: UnifiedToken) -> ClientBuilder {
        ClientBuilder {
            environment,
            token,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: ResendPolicy::default(),
            local_push_url: false,
        }
    }

    /// The mode requests are validated for.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:8765".into(), mode: Mode::Test };
    /// let client = Client::builder(local, UnifiedToken::new("token")).build()?;
    /// assert_eq!(client.mode(), Mode::Test);
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Validates and sends `request` with a fresh idempotency key.
    ///
    /// # Errors
    /// See [`Error`]: `InvalidRequest` before sending, `Transport` when every
    /// attempt lost its answer, `GatewayRefused`, `MalformedResponse`.
    ///
    /// ```
    /// // A stand-in for the gateway on 127.0.0.1, answering every capture with the guide's success.
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use unified_proto::prelude::*;
    ///
    /// const ANSWER: &str = r#"{"result":{"resultCode":"UA-000-001","status":"success","actionCode":"success"},"order":{"paymentId":"order-1","amount":"1000"}}"#;
    /// let gateway = axum::Router::new().route("/fep/capture", axum::routing::post(|| async { ANSWER }));
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let base_url = format!("http://{}", listener.local_addr()?);
    /// tokio::spawn(async move { axum::serve(listener, gateway).await });
    ///
    /// let client = Client::builder(Environment::Custom { base_url, mode: Mode::Test }, UnifiedToken::new("token")).build()?;
    /// let answer = client.send(&CaptureRequest::for_payment("order-1")).await?;
    /// assert!(answer.is_success());
    /// assert_eq!(answer.amount(), Some(yen(1000)));
    /// assert_eq!(answer.http_status, 200);
    /// # Ok(()) }
    /// ```
    pub async fn send<C: Command>(&self, request: &C) -> Result<Response<C::Response>, Error> {
        self.send_with(request, SendOptions::default()).await
    }

    /// Validates and sends `request` with `options`: fills
    /// `control.requestMode` from the environment where the command has one,
    /// refuses a conflicting explicit value, then sends and resends as the
    /// [module docs](self) say, in one `veritrans.request` span.
    ///
    /// # Errors
    /// As [`send`](Self::send).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:9".into(), mode: Mode::Test };
    /// let client = Client::builder(local, UnifiedToken::new("token")).build().unwrap();
    /// // A refund of 8 digits, which PayPay's limit refuses once the payment type is known:
    /// // nothing is sent.
    /// let refund = CancelRequest::for_payment("order-1").with_amount(yen(12_345_678));
    /// let options = SendOptions::default().idempotency_key("order-1-refund-1").pay_type(PayType::Paypay);
    /// let err = client.send_with(&refund, options).await.unwrap_err();
    /// assert_eq!(err.violations()[0].path, "order.amount");
    /// # }
    /// ```
    pub async fn send_with<C: Command>(
        &self,
        request: &C,
        options: SendOptions,
    ) -> Result<Response<C::Response>, Error> {
        let span = RequestSpan::new(Gateway::Unified, C::NAME);
        let sent = self.prepare(request, options, &span);
        let (body, key) = match sent {
            Ok(prepared) => prepared,
            Err(e) => {
                span.refused_before_sending(&e);
                return Err(e);
            }
        };
        let traced = span.span().clone();
        self.resend_loop::<C>(body, key, span)
            .instrument(traced)
            .await
    }

    /// The body exactly as it will be sent (with `requestMode` filled) and the
    /// key, or the violations that keep it from being sent.
    fn prepare<C: Command>(
        &self,
        request: &C,
        options: SendOptions,
        span: &RequestSpan,
    ) -> Result<(Vec<u8>, String), Error> {
        let mut ctx = Context::new(self.mode);
        ctx.pay_type = options.pay_type;
        ctx.local_push_url = self.local_push_url;
        let mut body = validate::value_of(request)?;
        fill_request_mode::<C>(&mut body, self.mode);
        if let Some(id) = order_id(&body) {
            span.clone().with_order_id(id);
        }
        let violations = validate::check(C::RULES, C::PAY_TYPES, &body, &ctx);
        if !violations.is_empty() {
            return Err(Error::InvalidRequest {
                command: C::NAME,
                violations,
            });
        }
        let key = match options.idempotency_key {
            Some(key) => {
                check_key(C::NAME, &key, &ctx)?;
                key
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        let bytes = serde_json::to_vec(&body).map_err(|_| Error::InvalidRequest {
            command: C::NAME,
            violations: vec![validate::Violation {
                path: String::new(),
                rule: validate::Rule::Type("serialisable"),
            }],
        })?;
        Ok((bytes, key))
    }

    /// Sends `body` under `key`, resending what the module docs say.
    async fn resend_loop<C: Command>(
        &self,
        body: Vec<u8>,
        mut key: String,
        mut span: RequestSpan,
    ) -> Result<Response<C::Response>, Error> {
        let url = format!("{}{}", self.base_url, C::PATH);
        // Only the read-only command may be tried under a second key.
        let read_only = C::NAME == GetTransactionResultRequest::NAME;
        let mut attempt = 0;
        loop {
            attempt += 1;
            span = span.with_idempotency_key(&key);
            span.sending(attempt);
            let started = Instant::now();
            let (outcome, retry_after) = self.attempt::<C>(&url, &key, &body, attempt).await;
            trace_outcome(&span, &outcome, started.elapsed());
            let next = match &outcome {
                Ok(_) => None,
                Err(Error::Transport { .. }) => Some(NextStep::ResendSameKey),
                Err(Error::GatewayRefused(r)) => match r.next_step() {
                    NextStep::NewKeyAfterCheck if read_only => Some(NextStep::NewKeyAfterCheck),
                    NextStep::ResendSameKey => Some(NextStep::ResendSameKey),
                    _ => None,
                },
                Err(_) => None,
            };
            let Some(next) = next else { return outcome };
            if attempt >= self.retry.max_attempts {
                return outcome;
            }
            let wait = match retry_after {
                Some(wait) if wait > self.retry.max_delay => return outcome,
                Some(wait) => wait,
                None => self.retry.delay(attempt - 1),
            };
            if let Err(e) = &outcome {
                span.resending(e, wait);
            }
            tokio::time::sleep(wait).await;
            if next == NextStep::NewKeyAfterCheck {
                key = uuid::Uuid::new_v4().to_string();
            }
        }
    }

    /// One attempt: the typed outcome and the answer's `Retry-After`, if any.
    async fn attempt<C: Command>(
        &self,
        url: &str,
        key: &str,
        body: &[u8],
        attempt: u32,
    ) -> (Result<Response<C::Response>, Error>, Option<Duration>) {
        let sent = self
            .http
            .post(url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(
                http::header::AUTHORIZATION,
                format!(
                    "{}{}",
                    crate::wire::AUTHORIZATION_PREFIX,
                    self.token.expose_secret()
                ),
            )
            .header(crate::IDEMPOTENCY_KEY_HEADER, key)
            .body(body.to_vec())
            .send()
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(e) => return (Err(transport(C::NAME, key, e)), None),
        };
        let status = answer.status().as_u16();
        let retry_after = answer
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = match answer.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return (Err(transport(C::NAME, key, e)), None),
        };
        let mut outcome = interpret::<C>(status, &bytes, key);
        if let Err(Error::GatewayRefused(r)) = &mut outcome {
            r.attempts = attempt;
        }
        (outcome, retry_after)
    }
}

/// The async method of each command (`client.pay(&request)`), beside
/// the generic [`Client::send`]; the list is [`crate::commands!`]'s.
macro_rules! async_methods {
    ($($method:ident: $request:ident,)*) => {
        impl Client {
            $(
                #[doc = concat!(
                    "Validates and sends a [`", stringify!($request), "`](crate::", stringify!($request),
                    ") with a fresh idempotency key: `send` for that command.\n\n",
                    "# Errors\nAs [`send`](Self::send)."
                )]
                pub async fn $method(
                    &self,
                    request: &crate::$request,
                ) -> Result<Response<<crate::$request as Command>::Response>, Error> {
                    self.send(request).await
                }
            )*
        }
    };
}
crate::commands!(async_methods);

/// Sets `control.requestMode` to the environment's value when the command has
/// the field and the request left it out; an explicit value is kept, so that
/// validation refuses one that contradicts the environment.
fn fill_request_mode<C: Command>(body: &mut serde_json::Value, mode: Mode) {
    use crate::wire::field::{CONTROL, REQUEST_MODE};
    let path = format!("{CONTROL}.{REQUEST_MODE}");
    let has_field = C::RULES.fields.iter().any(|f| f.path == path);
    let control = body
        .get_mut(CONTROL)
        .and_then(serde_json::Value::as_object_mut);
    if let (true, Some(control)) = (has_field, control)
        && !control.contains_key(REQUEST_MODE)
        && let Ok(value) = serde_json::to_value(validate::request_mode(mode))
    {
        control.insert(REQUEST_MODE.to_string(), value);
    }
}

/// The merchant's ID of the order a body names, for the span: `paymentId`,
/// else `fepOrderId`, else the `fepReferenceId` of `getTransactionResult`.
fn order_id(body: &serde_json::Value) -> Option<&str> {
    use crate::wire::field::{FEP_ORDER_ID, FEP_REFERENCE_ID, ORDER, PAYMENT_ID, TRANSACTION};
    [
        (ORDER, PAYMENT_ID),
        (ORDER, FEP_ORDER_ID),
        (TRANSACTION, FEP_REFERENCE_ID),
    ]
    .iter()
    .find_map(|(block, field)| body.get(block)?.get(field)?.as_str())
}

/// The span's record of one attempt: an answer (with its code) or a lost one.
fn trace_outcome<T>(span: &RequestSpan, outcome: &Result<Response<T>, Error>, latency: Duration) {
    match outcome {
        Ok(answer) => span.answered(
            answer.http_status,
            answer.result_code.as_ref().map(|c| c.as_str()),
            latency,
        ),
        Err(Error::GatewayRefused(r)) => span.answered(
            r.http_status,
            r.result_code.as_ref().map(|c| c.as_str()),
            latency,
        ),
        Err(e) => span.transport_failed(e, latency),
    }
}

/// Checks a caller's idempotency key against the spec's header rule
/// (`IDEMPOTENCY_KEY_RULE`), so the client and the sandbox refuse the same keys
/// with the same violations (too long, wrong characters, empty).
fn check_key(command: &'static str, key: &str, ctx: &Context) -> Result<(), Error> {
    let violations = validate::check_value(&crate::IDEMPOTENCY_KEY_RULE, Some(key), ctx);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            command,
            violations,
        })
    }
}

fn transport(command: &'static str, key: &str, e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    Error::Transport {
        command,
        kind,
        idempotency_key: key.to_string(),
        source: Box::new(e),
    }
}

/// Turns one HTTP answer into a typed response or error. Pure, so the
/// odd answers the guide warns about (status only, HTML pages) are tested
/// without a server too.
///
/// ```
/// use unified_proto::client::interpret;
/// use unified_proto::{Answer, CaptureRequest, Error, yen};
///
/// let ok = br#"{"result":{"resultCode":"UA-000-001","status":"success","actionCode":"success"},"order":{"amount":"1000"}}"#;
/// let answer = interpret::<CaptureRequest>(200, ok, "key-1")?;
/// assert_eq!((answer.is_success(), answer.body.amount()), (true, Some(yen(1000))));
///
/// // A 200 with an HTML page is not an answer the client can read.
/// let page = interpret::<CaptureRequest>(200, b"<html></html>", "key-1").unwrap_err();
/// assert!(matches!(page, Error::MalformedResponse { .. }));
/// # Ok::<(), Error>(())
/// ```
pub fn interpret<C: Command>(
    http_status: u16,
    body: &[u8],
    idempotency_key: &str,
) -> Result<Response<C::Response>, Error> {
    let success = (200..300).contains(&http_status);
    let trimmed = body.iter().all(u8::is_ascii_whitespace);
    let raw: Option<serde_json::Value> = if trimmed {
        None
    } else {
        serde_json::from_slice(body).ok()
    };
    let Some(raw) = raw.filter(serde_json::Value::is_object) else {
        return Err(if success {
            Error::MalformedResponse {
                what: format!("{} response", C::NAME),
                path: ".".into(),
                reason: if trimmed {
                    "empty body".into()
                } else {
                    "not a JSON object".into()
                },
            }
        } else {
            Error::GatewayRefused(Box::new(Refusal {
                command: C::NAME,
                http_status,
                result_code: None,
                status: None,
                action_code: None,
                message: None,
                body: None,
                idempotency_key: idempotency_key.to_string(),
                attempts: 1,
            }))
        });
    };
    let (result_code, status, action_code, message) = result_fields(&raw);
    if !success {
        return Err(Error::GatewayRefused(Box::new(Refusal {
            command: C::NAME,
            http_status,
            result_code,
            status,
            action_code,
            message,
            body: Some(raw),
            idempotency_key: idempotency_key.to_string(),
            attempts: 1,
        })));
    }
    let body = crate::errors::from_value(&format!("{} response", C::NAME), raw.clone())?;
    Ok(Response {
        body,
        raw,
        http_status,
        result_code,
        status,
        action_code,
        idempotency_key: idempotency_key.to_string(),
    })
}

#[cfg(not(any(feature = "client", feature = "rustls-ring")))]
compile_error!(
    "unified-proto's HTTP client needs a TLS crypto provider: enable its `client` feature (aws-lc-rs) \
     or `rustls-ring` (ring); through the `veritrans` facade, `rustls-aws-lc` or `rustls-ring`"
);

/// With `rustls-ring`, makes ring the process's default rustls crypto provider unless one
/// is installed already: reqwest is built without a provider of its own and takes the
/// default. With `client` alone, reqwest brings aws-lc-rs and nothing is installed.
fn install_tls_provider() {
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // `Err` means another thread installed one first: that one is used, as wanted.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_jittered_within_bounds() {
        let p = ResendPolicy::default();
        for retry in 0..20 {
            let d = p.delay(retry);
            assert!(d <= p.max_delay, "{retry}: {d:?}");
            let ceiling = p
                .base_delay
                .saturating_mul(1 << retry.min(16))
                .min(p.max_delay);
            assert!(d >= ceiling / 2, "{retry}: {d:?}");
        }
    }

    /// The client has one method per command of the spec, named after it.
    #[test]
    fn one_method_per_command_of_the_spec() {
        macro_rules! names {
            ($($method:ident: $request:ident,)*) => {
                vec![$((stringify!($method), <crate::$request as Command>::NAME)),*]
            };
        }
        let listed: Vec<(&str, &str)> = crate::commands!(names);
        let mut commands: Vec<&str> = listed.iter().map(|(_, name)| *name).collect();
        commands.sort_unstable();
        assert_eq!(commands, crate::COMMANDS);
        for (method, name) in listed {
            let snake: String = name
                .chars()
                .flat_map(|c| {
                    let lower = c.to_ascii_lowercase();
                    (c.is_ascii_uppercase().then_some('_').into_iter()).chain([lower])
                })
                .collect();
            assert_eq!(method, snake);
        }
    }

    /// `requestMode` is filled from the environment where the command has it,
    /// and an explicit one is kept (validation refuses a conflicting one).
    #[test]
    fn request_mode_is_filled_from_the_environment() {
        let pay = crate::PayRequest::new(
            crate::PayOrder::new(PayType::Paypay, "p1", 100),
            crate::PayControl::returning_to("https://shop.example/r"),
        );
        let mut body = validate::value_of(&pay).unwrap();
        fill_request_mode::<crate::PayRequest>(&mut body, Mode::Test);
        assert_eq!(body["control"]["requestMode"], "sandbox");
        let explicit = crate::PayRequest {
            control: pay
                .control
                .clone()
                .with_request_mode(crate::RequestMode::Live),
            ..pay
        };
        let mut body = validate::value_of(&explicit).unwrap();
        fill_request_mode::<crate::PayRequest>(&mut body, Mode::Test);
        assert_eq!(body["control"]["requestMode"], "live");
        let violations = validate::check(
            crate::PayRequest::RULES,
            crate::PayRequest::PAY_TYPES,
            &body,
            &Context::new(Mode::Test),
        );
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].path, "control.requestMode");
        // A command without requestMode gets none.
        let capture = crate::CaptureRequest::for_payment("p1");
        let mut body = validate::value_of(&capture).unwrap();
        fill_request_mode::<crate::CaptureRequest>(&mut body, Mode::Test);
        assert!(body.pointer("/control/requestMode").is_none());
    }

    #[test]
    fn idempotency_key_format_is_checked() {
        let ctx = Context::new(Mode::Test);
        let rules = |key: &str| match check_key("pay", key, &ctx) {
            Ok(()) => vec![],
            Err(Error::InvalidRequest { violations, .. }) => {
                assert!(
                    violations
                        .iter()
                        .all(|v| v.path == crate::IDEMPOTENCY_KEY_HEADER)
                );
                violations.into_iter().map(|v| v.rule).collect()
            }
            Err(other) => panic!("{other}"),
        };
        assert!(rules("29eb1743-b37c-d7c4-badb-7bc4056d9a98").is_empty());
        assert_eq!(rules(""), vec![validate::Rule::Required]);
        assert_eq!(
            rules("has space"),
            vec![validate::Rule::Charset(validate::Charset::IdChars)]
        );
        // Too long is reported as too long (it used to read as a charset error).
        assert_eq!(
            rules(&"a".repeat(101)),
            vec![validate::Rule::MaxLength {
                max: 100,
                actual: 101
            }]
        );
    }
}
