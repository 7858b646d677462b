//! The HTTP client (feature `client`).
//!
//! - **Environment**: live, sandbox, or a custom base URL (tests, proxies)
//!   with the mode it stands for; the mode drives validation (`requestMode`,
//!   https-only URLs in live).
//! - **Authentication**: `Authorization: Bearer {token}` ([`UnifiedToken`]).
//! - **Idempotency**: every logical request gets one `X-VT-Idempotency-Key`
//!   (UUIDv4, or the caller's via [`SendOptions::idempotency_key`]) before
//!   the first attempt; every retry reuses it, so the gateway answers a
//!   repeated request with the first result instead of processing it again.
//! - **Retries**: only when the answer's `actionCode` is `retry_request`
//!   (UA-REQ-005, UA-PRV-001, UA-LMT-001, UA-SYS-003, UA-SYS-004), with
//!   capped, jittered exponential backoff. Nothing else is retried — not
//!   transport errors, not a bare 5xx — because the guide documents no
//!   other retry; a [`Error::Transport`] carries the key so the caller can
//!   resend deliberately and get the original answer.
//! - **Timeouts**: per attempt (default 30 s) and for connecting (10 s).

use std::time::Duration;

use crate::validate::{self, Context, Mode};
use crate::{Command, Error, Refusal, Response, UnifiedToken, result_fields};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `LIVE_URL` of the spec.
    Live,
    /// `SANDBOX_URL` of the spec.
    Sandbox,
    /// Any base URL (a local test server, a proxy) standing for `mode`.
    Custom {
        /// Base URL without the `/fep/...` path.
        base_url: String,
        /// The mode this URL stands for.
        mode: Mode,
    },
}

impl Environment {
    /// The base URL.
    pub fn base_url(&self) -> &str {
        match self {
            Self::Live => crate::LIVE_URL,
            Self::Sandbox => crate::SANDBOX_URL,
            Self::Custom { base_url, .. } => base_url,
        }
    }
    /// The mode.
    pub fn mode(&self) -> Mode {
        match self {
            Self::Live => Mode::Live,
            Self::Sandbox => Mode::Sandbox,
            Self::Custom { mode, .. } => *mode,
        }
    }
}

/// How often and how patiently to retry `retry_request` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry.
    pub base_delay: Duration,
    /// Upper bound of any one backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Backoff before retry number `retry` (0-based): half of the capped
    /// exponential delay plus a random share of the other half, so clients
    /// that failed together do not retry together.
    pub fn delay(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        let ceiling = exp.min(self.max_delay);
        let half = ceiling / 2;
        // UUIDv4 bits are random; no extra RNG dependency needed for jitter.
        let random = (uuid::Uuid::new_v4().as_u128() % 1_000_000) as u32;
        half + half.mul_f64(f64::from(random) / 1_000_000.0)
    }
}

/// Per-request options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendOptions {
    idempotency_key: Option<String>,
    pay_type: Option<String>,
}

impl SendOptions {
    /// Reuse a key, e.g. to fetch the answer of a request that ended in a
    /// transport error. At most 100 characters of `A-Z a-z 0-9 - _`.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
    /// The order's payment type for commands whose body does not carry it
    /// (capture, cancel, …), enabling the per-payment-type limits.
    pub fn pay_type(mut self, pay_type: impl Into<String>) -> Self {
        self.pay_type = Some(pay_type.into());
        self
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    environment: Environment,
    token: UnifiedToken,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    local_push_url: bool,
}

impl ClientBuilder {
    /// Per-attempt timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Retry policy for `retry_request` answers.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
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
    /// use unified_proto::UnifiedToken;
    /// use unified_proto::client::{Client, Environment};
    /// use unified_proto::validate::Mode;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:8765".into(), mode: Mode::Sandbox };
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
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    mode: Mode,
    token: UnifiedToken,
    retry: RetryPolicy,
    local_push_url: bool,
}

impl Client {
    /// Starts a builder for `environment` authenticated with `token`.
    pub fn builder(environment: Environment, token: UnifiedToken) -> ClientBuilder {
        ClientBuilder {
            environment,
            token,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            local_push_url: false,
        }
    }

    /// The mode requests are validated for.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Validates and sends `request` with a fresh idempotency key.
    pub async fn send<C: Command>(&self, request: &C) -> Result<Response<C::Response>, Error> {
        self.send_with(request, SendOptions::default()).await
    }

    /// Validates and sends `request` with `options`.
    pub async fn send_with<C: Command>(
        &self,
        request: &C,
        options: SendOptions,
    ) -> Result<Response<C::Response>, Error> {
        let mut ctx = Context::new(self.mode);
        ctx.pay_type = options.pay_type;
        ctx.local_push_url = self.local_push_url;
        validate::validate(request, &ctx)?;
        let key = match options.idempotency_key {
            Some(key) => {
                check_key(C::NAME, &key)?;
                key
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        let body = validate::body_of(request)?;
        let url = format!("{}{}", self.base_url, C::PATH);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self
                .http
                .post(&url)
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(
                    http::header::AUTHORIZATION,
                    format!("Bearer {}", self.token.expose_secret()),
                )
                .header("X-VT-Idempotency-Key", &key)
                .body(body.clone())
                .send()
                .await
                .map_err(|e| transport(C::NAME, &key, e))?;
            let status = answer.status().as_u16();
            let bytes = answer
                .bytes()
                .await
                .map_err(|e| transport(C::NAME, &key, e))?;
            let outcome = interpret::<C>(status, &bytes, &key);
            let retryable = match &outcome {
                Ok(r) => r.action_code.as_ref().is_some_and(|a| a.should_retry()),
                Err(Error::GatewayRefused(r)) => {
                    r.action_code.as_ref().is_some_and(|a| a.should_retry())
                }
                Err(_) => false,
            };
            if retryable && attempt < self.retry.max_attempts {
                tokio::time::sleep(self.retry.delay(attempt - 1)).await;
                continue;
            }
            return outcome;
        }
    }
}

fn check_key(command: &'static str, key: &str) -> Result<(), Error> {
    let ok = !key.is_empty()
        && key.len() <= 100
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            command,
            violations: vec![validate::Violation {
                path: "X-VT-Idempotency-Key".into(),
                rule: validate::Rule::Charset(validate::Charset::IdChars),
            }],
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
        let p = RetryPolicy::default();
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

    #[test]
    fn idempotency_key_format_is_checked() {
        assert!(check_key("pay", "29eb1743-b37c-d7c4-badb-7bc4056d9a98").is_ok());
        assert!(check_key("pay", "").is_err());
        assert!(check_key("pay", "has space").is_err());
        assert!(check_key("pay", &"a".repeat(101)).is_err());
    }
}
