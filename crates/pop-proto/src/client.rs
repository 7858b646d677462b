//! The HTTP client for the three POP operations (feature `client`).
//!
//! The client is built for an [`Environment`] (no default): in a test one it
//! sets `dummy: true` on every request, in the live one never. Every request
//! is validated before it is sent ([`Error::InvalidRequest`]) and runs in one
//! `veritrans.request` tracing span (`veritrans_core::trace`).
//! Nothing is retried: a payment key request that reached POP creates the
//! order, and a second one with the same `order_id` is refused with RC20, so
//! a retry after a timeout could only report a misleading error. The caller
//! decides (typically: ask again with the same order after checking the MAP).

use std::time::{Duration, Instant};

use serde::Serialize;
use tracing::Instrument;
use veritrans_core::Gateway;
use veritrans_core::trace::RequestSpan;
use veritrans_sign::PopServerKey;

use crate::generated::endpoints;
use crate::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};
use crate::{
    AccountManagementKey, Environment, Error, Mode, PaymentKey, PaymentLink, ResultCode, Validate,
};

/// A POP client: its [`Environment`] (server and test/live), timeouts and the
/// server key for Basic auth.
///
/// ```
/// use pop_proto::{Environment, Mode, PopServerKey, client::Client};
///
/// let sandbox = Environment::Custom { base_url: "http://127.0.0.1:8080".into(), mode: Mode::Test };
/// let client = Client::builder(PopServerKey::new("Test-POP-Server-Key"), sandbox)
///     .timeout(std::time::Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/");
/// assert_eq!(client.mode(), Mode::Test);
/// // The key never shows in debug output.
/// assert!(!format!("{client:?}").contains("Test-POP-Server-Key"));
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: url::Url,
    mode: Mode,
    key: PopServerKey,
}

/// Settings of a [`Client`]: [`Client::builder`], then [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use pop_proto::client::Client;
/// use pop_proto::{Environment, Mode, PopServerKey};
///
/// let client = Client::builder(PopServerKey::new("server-key"), Environment::Dummy)
///     .timeout(Duration::from_secs(10))
///     .connect_timeout(Duration::from_secs(3))
///     .build()?;
/// assert_eq!(client.mode(), Mode::Test);
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    key: PopServerKey,
    environment: Environment,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// The whole request, connection to last byte. Default 30 seconds.
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, client::Client};
    /// let client = Client::builder(PopServerKey::new("key"), Environment::Dummy)
    ///     .timeout(std::time::Duration::from_secs(5))
    ///     .build()?;
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Establishing the connection. Default 10 seconds.
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, client::Client};
    /// let client = Client::builder(PopServerKey::new("key"), Environment::Dummy)
    ///     .connect_timeout(std::time::Duration::from_secs(2))
    ///     .build()?;
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`Error::Config`] when a custom base URL is not an `http(s)` URL or
    /// the HTTP client cannot be set up.
    ///
    /// ```
    /// # use pop_proto::{Environment, Mode, PopServerKey, client::Client};
    /// let ftp = Environment::Custom { base_url: "ftp://example.com".into(), mode: Mode::Test };
    /// assert!(Client::builder(PopServerKey::new("key"), ftp).build().is_err());
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.environment.base_url();
        let base = url::Url::parse(base_url)
            .map_err(|e| Error::Config(format!("base URL {base_url:?}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} is not an http(s) URL"
            )));
        }
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Client {
            http,
            base,
            mode: self.environment.mode(),
            key: self.key,
        })
    }
}

impl Client {
    /// A client for `environment` with default timeouts (30 s total, 10 s to connect).
    ///
    /// ```
    /// use pop_proto::{Environment, PopServerKey, client::Client};
    ///
    /// // Test transactions on the POP server: `dummy: true` on every request.
    /// let client = Client::new(PopServerKey::new("Test-POP-Server-Key"), Environment::Dummy)?;
    /// assert_eq!(client.base_url(), "https://pay3.veritrans.co.jp/");
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    pub fn new(key: PopServerKey, environment: Environment) -> Result<Self, Error> {
        Self::builder(key, environment).build()
    }

    /// Settings for `environment`, starting from the default timeouts.
    ///
    /// ```
    /// use pop_proto::{Environment, PopServerKey, client::Client};
    ///
    /// let client = Client::builder(PopServerKey::new("key"), Environment::Live).build()?;
    /// assert_eq!(client.mode(), pop_proto::Mode::Live);
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn builder(key: PopServerKey, environment: Environment) -> ClientBuilder {
        ClientBuilder {
            key,
            environment,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// The base URL requests go to.
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, client::Client};
    /// let client = Client::new(PopServerKey::new("key"), Environment::Live)?;
    /// assert_eq!(client.base_url(), "https://pay3.veritrans.co.jp/");
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// Whether requests move real money: in [`Mode::Test`] every request is
    /// sent with `dummy: true`, in [`Mode::Live`] `dummy` is never set.
    ///
    /// ```
    /// # use pop_proto::{Environment, Mode, PopServerKey, client::Client};
    /// let client = Client::new(PopServerKey::new("key"), Environment::Dummy)?;
    /// assert_eq!(client.mode(), Mode::Test);
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `POST /pop/v1/payment-key`: a payment key for `pop.pay`.
    ///
    /// # Errors
    /// [`Error::DummyConflict`] or [`Error::InvalidRequest`] before sending;
    /// [`Error::Transport`], [`Error::GatewayRefused`] or
    /// [`Error::MalformedResponse`] after.
    ///
    /// ```no_run
    /// use pop_proto::prelude::*;
    ///
    /// # async fn run(client: PopClient) -> Result<(), pop_proto::Error> {
    /// let key = client.payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(1000))).await?;
    /// println!("{} until {}", key.key, key.expires_at);
    /// # Ok(()) }
    /// ```
    pub async fn payment_key(&self, request: &PaymentKeyRequest) -> Result<PaymentKey, Error> {
        self.call(request).await
    }

    /// `POST /pop/v1/link-pay`: a payment link URL for the customer.
    ///
    /// # Errors
    /// As [`Client::payment_key`].
    ///
    /// ```no_run
    /// use pop_proto::prelude::*;
    ///
    /// # async fn run(client: PopClient) -> Result<(), pop_proto::Error> {
    /// let link = client.payment_link(&PaymentLinkRequest::new("ORDER-0002", yen(1000))).await?;
    /// println!("send {} to the customer", link.url);
    /// # Ok(()) }
    /// ```
    pub async fn payment_link(&self, request: &PaymentLinkRequest) -> Result<PaymentLink, Error> {
        self.call(request).await
    }

    /// `POST /pop/v1/paynow-acctmgmt-key`: a key for `pop.accountManagement`.
    ///
    /// # Errors
    /// As [`Client::payment_key`].
    ///
    /// ```no_run
    /// use pop_proto::prelude::*;
    ///
    /// # async fn run(client: PopClient) -> Result<(), pop_proto::Error> {
    /// let request = AccountManagementKeyRequest::new("CUSTOMER-0001");
    /// let key = client.account_management_key(&request).await?;
    /// println!("{}", key.key);
    /// # Ok(()) }
    /// ```
    pub async fn account_management_key(
        &self,
        request: &AccountManagementKeyRequest,
    ) -> Result<AccountManagementKey, Error> {
        self.call(request).await
    }

    /// One operation: checked, sent once (POP requests are never resent: a
    /// second payment key for the same order is RC20), answered, all in one
    /// [`RequestSpan`].
    async fn call<O: Operation>(&self, request: &O) -> Result<O::Answer, Error> {
        let mut span = RequestSpan::new(Gateway::Pop, O::NAME);
        if let Some(order_id) = request.order_id() {
            span = span.with_order_id(order_id);
        }
        let body = match self.prepare(request) {
            Ok(body) => body,
            Err(e) => {
                span.refused_before_sending(&e);
                return Err(e);
            }
        };
        span.sending(1);
        let started = Instant::now();
        let answer = self
            .post(O::PATH, &body)
            .instrument(span.span().clone())
            .await;
        let latency = started.elapsed();
        let (status, content_type, bytes) = match answer {
            Ok(answer) => answer,
            Err(e) => {
                span.transport_failed(&e, latency);
                return Err(e);
            }
        };
        let parsed = O::parse(status, content_type.as_deref(), &bytes);
        let code = match &parsed {
            // A success is status `success` with R000 (`response.rs` refuses anything else).
            Ok(_) => Some(ResultCode::R000.as_str()),
            Err(e) => e.result_code().map(ResultCode::as_str),
        };
        span.answered(status, code, latency);
        parsed
    }

    /// The body as sent: `dummy` set by the client's mode (a request that says
    /// otherwise is refused), then every rule of the guide checked.
    fn prepare<O: Operation>(&self, request: &O) -> Result<O, Error> {
        let mut body = request.clone();
        let dummy = body.dummy();
        match (self.mode, *dummy) {
            (Mode::Test, None | Some(true)) => *dummy = Some(true),
            (Mode::Live, None | Some(false)) => {}
            (mode, Some(dummy)) => return Err(Error::DummyConflict { dummy, mode }),
        }
        body.validate()?;
        Ok(body)
    }

    async fn post<T: Serialize>(
        &self,
        path: &str,
        body: &T,
    ) -> Result<(u16, Option<String>, Vec<u8>), Error> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("joining {path}: {e}")))?;
        let json = serde_json::to_vec(body)
            .map_err(|e| Error::Config(format!("serialising the request: {e}")))?;
        let response = self
            .http
            .post(url)
            .header(
                reqwest::header::AUTHORIZATION,
                veritrans_sign::pop::authorization(&self.key),
            )
            .header(reqwest::header::CONTENT_TYPE, endpoints::REQUEST_MEDIA_TYPE)
            .header(reqwest::header::ACCEPT, endpoints::REQUEST_MEDIA_TYPE)
            .body(json)
            .send()
            .await
            .map_err(|e| Error::Transport(Box::new(e)))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::Transport(Box::new(e)))?;
        Ok((status, content_type, body.to_vec()))
    }
}

/// What the client needs to know of each request body.
trait Operation: Validate + Serialize + Clone {
    /// The typed answer.
    type Answer;
    /// The operation's name in the request span (the client method's name).
    const NAME: &'static str;
    /// The guide's path.
    const PATH: &'static str;
    /// The merchant's order ID, for the span.
    fn order_id(&self) -> Option<&str>;
    /// The request's `dummy` flag.
    fn dummy(&mut self) -> &mut Option<bool>;
    /// Reads the answer.
    fn parse(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Self::Answer, Error>;
}

impl Operation for PaymentKeyRequest {
    type Answer = PaymentKey;
    const NAME: &'static str = "payment_key";
    const PATH: &'static str = endpoints::PAYMENT_KEY_PATH;
    fn order_id(&self) -> Option<&str> {
        Some(&self.order_id)
    }
    fn dummy(&mut self) -> &mut Option<bool> {
        &mut self.dummy
    }
    fn parse(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<PaymentKey, Error> {
        crate::payment_key(status, content_type, body)
    }
}

impl Operation for PaymentLinkRequest {
    type Answer = PaymentLink;
    const NAME: &'static str = "payment_link";
    const PATH: &'static str = endpoints::PAYMENT_LINK_PATH;
    fn order_id(&self) -> Option<&str> {
        Some(&self.order_id)
    }
    fn dummy(&mut self) -> &mut Option<bool> {
        &mut self.dummy
    }
    fn parse(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<PaymentLink, Error> {
        crate::payment_link(status, content_type, body)
    }
}

impl Operation for AccountManagementKeyRequest {
    type Answer = AccountManagementKey;
    const NAME: &'static str = "account_management_key";
    const PATH: &'static str = endpoints::ACCOUNT_MANAGEMENT_KEY_PATH;
    // A PayNowID account is a customer, not an order: not recorded.
    fn order_id(&self) -> Option<&str> {
        None
    }
    fn dummy(&mut self) -> &mut Option<bool> {
        &mut self.dummy
    }
    fn parse(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<AccountManagementKey, Error> {
        crate::account_management_key(status, content_type, body)
    }
}

#[cfg(not(any(feature = "client", feature = "rustls-ring")))]
compile_error!(
    "pop-proto's HTTP client needs a TLS crypto provider: enable its `client` feature (aws-lc-rs) \
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
