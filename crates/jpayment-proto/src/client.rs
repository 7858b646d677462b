//! The HTTP client (feature `client`, on by default).
//!
//! One request per call, never retried: a payment that timed out may still
//! have been charged, so deciding what to do next is the merchant's, after
//! checking the order (by `cod`) in the merchant console. The gateway
//! authenticates the caller by source IP only, so calls must come from the
//! merchant's registered server; from anywhere else it answers `ER003`.

use std::time::Duration;

use crate::charset::Charset;
use crate::error::Error;
use crate::generated::BASE_URL;
use crate::request::Operation;

/// How parameters are sent. The guide accepts both for every operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Method {
    /// A form body (`application/x-www-form-urlencoded`): keeps tokens and
    /// user keys out of URLs and therefore out of access logs.
    #[default]
    Post,
    /// A query string.
    Get,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// Client settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The gateway's base URL; endpoints (`carduser.aspx`, …) are appended.
    pub base_url: String,
    /// The charset agreed with the gateway for requests and answers. The
    /// guide names none; UTF-8 is the default because the guide's own HTML
    /// samples declare it. Set Shift_JIS if the shop is configured so.
    pub charset: Charset,
    /// GET or POST.
    pub method: Method,
    /// The whole exchange; a one-touch charge waits for the card company.
    pub timeout: Duration,
    /// Establishing the connection.
    pub connect_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self::production()
    }
}

impl Config {
    /// The production gateway (`https://credit.j-payment.co.jp/gateway/`),
    /// UTF-8, POST, 60 s overall and 10 s to connect.
    pub fn production() -> Self {
        Self {
            base_url: BASE_URL.to_owned(),
            charset: Charset::Utf8,
            method: Method::Post,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// Another base URL (a test server, the workspace's sandbox).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Another charset.
    pub fn with_charset(mut self, charset: Charset) -> Self {
        self.charset = charset;
        self
    }

    /// Another method.
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Other timeouts.
    pub fn with_timeouts(mut self, timeout: Duration, connect_timeout: Duration) -> Self {
        self.timeout = timeout;
        self.connect_timeout = connect_timeout;
        self
    }
}

/// A J-Payment client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: reqwest::Url,
    config: Config,
}

impl Client {
    /// Builds a client (rustls; no OpenSSL).
    pub fn new(config: Config) -> Result<Self, Error> {
        let mut base_url = config.base_url.clone();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let base = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL {base_url:?}: {e}")))?;
        if !matches!(base.scheme(), "https" | "http") {
            return Err(Error::Config(format!(
                "base URL {base_url:?}: scheme must be https or http"
            )));
        }
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Self { http, base, config })
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Validates, sends and decodes one request. Never retried.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Reply, Error> {
        let spec = O::SPEC;
        let method = self.config.method;
        if !spec.methods.contains(&method.name()) {
            return Err(Error::Config(format!(
                "{} does not accept {}",
                spec.endpoint,
                method.name()
            )));
        }
        let charset = self.config.charset;
        let query = operation.encode(charset)?;
        let mut url = self
            .base
            .join(spec.endpoint)
            .map_err(|e| Error::Config(format!("endpoint {}: {e}", spec.endpoint)))?;
        // Only names, never values: values hold tokens, keys and PII.
        tracing::debug!(
            operation = spec.name,
            endpoint = spec.endpoint,
            method = method.name(),
            "J-Payment request"
        );
        let request = match method {
            Method::Post => self
                .http
                .post(url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(query),
            Method::Get => {
                url.set_query(Some(&query));
                self.http.get(url)
            }
        };
        // reqwest puts the URL in its errors; with GET it holds the user key
        // and token, so it is dropped.
        let response = request
            .send()
            .await
            .map_err(|e| Error::Transport(Box::new(e.without_url())))?;
        let status = response.status();
        tracing::debug!(
            operation = spec.name,
            status = status.as_u16(),
            "J-Payment answer"
        );
        if !status.is_success() {
            return Err(Error::Status {
                status: status.as_u16(),
                endpoint: spec.endpoint,
            });
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::Transport(Box::new(e.without_url())))?;
        operation.decode_reply(&body, charset)
    }
}

#[cfg(not(any(feature = "client", feature = "rustls-ring")))]
compile_error!(
    "jpayment-proto's HTTP client needs a TLS crypto provider: enable its `client` feature (aws-lc-rs) \
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
