//! The HTTP client for the three POP operations (feature `client`).
//!
//! Every request is validated before it is sent ([`Error::InvalidRequest`]).
//! Nothing is retried: a payment key request that reached POP creates the
//! order, and a second one with the same `order_id` is refused with RC20, so
//! a retry after a timeout could only report a misleading error. The caller
//! decides (typically: ask again with the same order after checking the MAP).

use std::time::Duration;

use serde::Serialize;
use veritrans_sign::PopServerKey;

use crate::generated::endpoints;
use crate::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};
use crate::{AccountManagementKey, Error, PaymentKey, PaymentLink, Validate};

/// A POP client: base URL, timeouts and the server key for Basic auth.
///
/// ```
/// use pop_proto::client::Client;
/// use pop_proto::PopServerKey;
///
/// let client = Client::builder(PopServerKey::new("Test-POP-Server-Key"))
///     .base_url("http://127.0.0.1:8080")
///     .timeout(std::time::Duration::from_secs(10))
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/");
/// // The key never shows in debug output.
/// assert!(!format!("{client:?}").contains("Test-POP-Server-Key"));
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: url::Url,
    key: PopServerKey,
}

/// Settings of a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    key: PopServerKey,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// Another server than `https://pay3.veritrans.co.jp` (a sandbox, a test).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The whole request, connection to last byte. Default 30 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Establishing the connection. Default 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let base = url::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL {:?}: {e}", self.base_url)))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "base URL {:?} is not an http(s) URL",
                self.base_url
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
            key: self.key,
        })
    }
}

impl Client {
    /// A client for the live POP server with default timeouts.
    pub fn new(key: PopServerKey) -> Result<Self, Error> {
        Self::builder(key).build()
    }

    /// Settings, starting from the live server and default timeouts.
    pub fn builder(key: PopServerKey) -> ClientBuilder {
        ClientBuilder {
            key,
            base_url: endpoints::BASE_URL.to_string(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// `POST /pop/v1/payment-key`: a payment key for `pop.pay`.
    pub async fn payment_key(&self, request: &PaymentKeyRequest) -> Result<PaymentKey, Error> {
        request.validate()?;
        let (status, content_type, body) = self.post(endpoints::PAYMENT_KEY_PATH, request).await?;
        crate::payment_key(status, content_type.as_deref(), &body)
    }

    /// `POST /pop/v1/link-pay`: a payment link URL for the customer.
    pub async fn payment_link(&self, request: &PaymentLinkRequest) -> Result<PaymentLink, Error> {
        request.validate()?;
        let (status, content_type, body) = self.post(endpoints::PAYMENT_LINK_PATH, request).await?;
        crate::payment_link(status, content_type.as_deref(), &body)
    }

    /// `POST /pop/v1/paynow-acctmgmt-key`: a key for `pop.accountManagement`.
    pub async fn account_management_key(
        &self,
        request: &AccountManagementKeyRequest,
    ) -> Result<AccountManagementKey, Error> {
        request.validate()?;
        let (status, content_type, body) = self
            .post(endpoints::ACCOUNT_MANAGEMENT_KEY_PATH, request)
            .await?;
        crate::account_management_key(status, content_type.as_deref(), &body)
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
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
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
