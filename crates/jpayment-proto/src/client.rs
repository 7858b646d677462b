//! The HTTP client (feature `client`, on by default).
//!
//! One request per call, never retried: a payment that timed out may still
//! have been charged, so deciding what to do next is the merchant's, after
//! checking the order (by `cod`) in the merchant console. The gateway
//! authenticates the caller by source IP only, so calls must come from the
//! merchant's registered server; from anywhere else it answers `ER003`.
//!
//! Every call runs in one `veritrans.request` span
//! ([`veritrans_core::trace::RequestSpan`]): gateway `jpayment`, the
//! operation's name, the order number `cod` where the request has one, the
//! HTTP status, the gateway's error code and the latency. Values of the
//! request (user keys, tokens, e-mail addresses) and the answer's body never
//! appear.

use std::time::{Duration, Instant};

use tracing::Instrument;
use veritrans_core::trace::RequestSpan;
use veritrans_core::{Gateway, Mode};

use crate::charset::Charset;
use crate::environment::Environment;
use crate::error::Error;
use crate::generated::param;
use crate::request::Operation;

/// How parameters are sent. The guide accepts both for every operation.
///
/// ```
/// use jpayment_proto::{Client, Environment, Method};
///
/// assert_eq!(Method::default(), Method::Post); // keys and tokens stay out of URLs
/// let client = Client::builder(Environment::Live).method(Method::Get).build()?;
/// assert_eq!(client.method(), Method::Get);
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
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

/// Builds a [`Client`]: the environment is required, the rest has defaults
/// (UTF-8, POST, 60 s overall, 10 s to connect).
///
/// ```
/// use std::time::Duration;
/// use jpayment_proto::prelude::*;
///
/// let client = Client::builder(Environment::Live)
///     .charset(Charset::ShiftJis)
///     .method(Method::Post)
///     .timeout(Duration::from_secs(30))
///     .connect_timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.charset(), Charset::ShiftJis);
/// assert_eq!(client.mode(), Mode::Live);
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClientBuilder {
    environment: Environment,
    charset: Charset,
    method: Method,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// The charset agreed with the gateway for requests and answers. The
    /// guide names none; UTF-8 is the default because the guide's own HTML
    /// samples declare it. Set Shift_JIS if the shop is configured so.
    ///
    /// ```
    /// use jpayment_proto::{Charset, Client, Environment};
    ///
    /// let client = Client::builder(Environment::Live).charset(Charset::ShiftJis).build()?;
    /// assert_eq!(client.charset(), Charset::ShiftJis);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn charset(mut self, charset: Charset) -> Self {
        self.charset = charset;
        self
    }

    /// GET or POST (the default: keys and tokens stay out of URLs).
    ///
    /// ```
    /// use jpayment_proto::{Client, Environment, Method};
    ///
    /// let client = Client::builder(Environment::Live).method(Method::Post).build()?;
    /// assert_eq!(client.method(), Method::Post);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The whole exchange; a one-touch charge waits for the card company.
    ///
    /// ```
    /// use std::time::Duration;
    /// use jpayment_proto::{Client, Environment};
    ///
    /// assert!(Client::builder(Environment::Live).timeout(Duration::from_secs(90)).build().is_ok());
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Establishing the connection.
    ///
    /// ```
    /// use std::time::Duration;
    /// use jpayment_proto::{Client, Environment};
    ///
    /// assert!(Client::builder(Environment::Live).connect_timeout(Duration::from_secs(3)).build().is_ok());
    /// ```
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// Builds the client (rustls; no OpenSSL).
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL does not parse, is not `https` or
    /// `http`, or is `http` in [`Mode::Live`] (the project's rule: the
    /// guide's host is `https`, and every request carries user keys or
    /// tokens), or when TLS cannot be set up.
    ///
    /// ```
    /// use jpayment_proto::{Client, Environment, Error, Mode};
    ///
    /// let plain_http_live = Environment::Custom { base_url: "http://pay.example/gateway/".into(), mode: Mode::Live };
    /// let err = Client::builder(plain_http_live).build().unwrap_err();
    /// assert!(matches!(&err, Error::Config(message) if message.contains("a live environment must use https")));
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let mut base_url = self.environment.base_url().to_owned();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let base = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL {base_url:?}: {e}")))?;
        match (base.scheme(), self.environment.mode()) {
            ("https", _) | ("http", Mode::Test) => {}
            ("http", Mode::Live) => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?}: a live environment must use https"
                )));
            }
            _ => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?}: scheme must be https or http"
                )));
            }
        }
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Client {
            http,
            base,
            environment: self.environment,
            charset: self.charset,
            method: self.method,
        })
    }
}

/// A J-Payment client.
///
/// ```no_run
/// # async fn demo() -> Result<(), jpayment_proto::Error> {
/// use jpayment_proto::prelude::*;
///
/// let client = Client::new(Environment::Live)?;
/// let mut user = RegisterUser::new("123456", "customer42");
/// user.email = Some("taro@example.jp".into());
/// let key = client.send(&user).await?.user_key;
/// # let _ = key; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: reqwest::Url,
    environment: Environment,
    charset: Charset,
    method: Method,
}

impl Client {
    /// A builder for `environment`, to set the charset, method or timeouts.
    ///
    /// ```
    /// use jpayment_proto::{Client, Environment, Method};
    ///
    /// let client = Client::builder(Environment::Live).method(Method::Get).build()?;
    /// assert_eq!(client.method(), Method::Get);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn builder(environment: Environment) -> ClientBuilder {
        ClientBuilder {
            environment,
            charset: Charset::Utf8,
            method: Method::Post,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// A client for `environment` with the defaults (UTF-8, POST, 60 s
    /// overall, 10 s to connect).
    ///
    /// ```
    /// use jpayment_proto::{Client, Environment, Mode};
    ///
    /// let sandbox = Environment::Custom { base_url: "http://127.0.0.1:8080/gateway/".into(), mode: Mode::Test };
    /// assert!(Client::new(sandbox).is_ok());
    /// let plain_http_live = Environment::Custom { base_url: "http://pay.example/".into(), mode: Mode::Live };
    /// assert!(Client::new(plain_http_live).is_err());
    /// ```
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    pub fn new(environment: Environment) -> Result<Self, Error> {
        Self::builder(environment).build()
    }

    /// The environment the client was built for.
    ///
    /// ```
    /// use jpayment_proto::{Charset, Client, Environment, Method, Mode};
    ///
    /// let client = Client::new(Environment::Live)?;
    /// assert_eq!(client.environment(), &Environment::Live);
    /// assert_eq!((client.mode(), client.charset(), client.method()), (Mode::Live, Charset::Utf8, Method::Post));
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// Whether requests move real money ([`Environment::mode`]).
    ///
    /// ```
    /// use jpayment_proto::{Client, Environment, Mode};
    ///
    /// let sandbox = Environment::Custom { base_url: "http://127.0.0.1:8080/gateway/".into(), mode: Mode::Test };
    /// assert_eq!(Client::new(sandbox)?.mode(), Mode::Test);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.environment.mode()
    }

    /// The charset of requests and answers.
    ///
    /// ```
    /// use jpayment_proto::{Charset, Client, Environment};
    ///
    /// assert_eq!(Client::new(Environment::Live)?.charset(), Charset::Utf8); // the default
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn charset(&self) -> Charset {
        self.charset
    }

    /// GET or POST.
    ///
    /// ```
    /// use jpayment_proto::{Client, Environment, Method};
    ///
    /// assert_eq!(Client::new(Environment::Live)?.method(), Method::Post); // the default
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn method(&self) -> Method {
        self.method
    }

    /// Validates, sends and decodes one request. Never retried.
    ///
    /// A request that breaks a rule of the guide is refused before anything
    /// is sent, naming the field:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), jpayment_proto::Error> {
    /// use jpayment_proto::prelude::*;
    ///
    /// let nowhere = Environment::Custom { base_url: "http://127.0.0.1:9/gateway/".into(), mode: Mode::Test };
    /// let client = Client::new(nowhere)?;
    /// // User registration needs an e-mail address or a phone number.
    /// let err = client.send(&RegisterUser::new("123456", "customer42")).await.unwrap_err();
    /// assert!(matches!(err, jpayment_proto::Error::Invalid(_)), "{err}");
    /// assert!(err.to_string().contains("em"), "{err}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] before sending (naming the field),
    /// [`Error::Gateway`] when the gateway refused, [`Error::Transport`] or
    /// [`Error::Status`] when no answer arrived (a charge may still have gone
    /// through), [`Error::Malformed`] when the answer breaks the guide.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Reply, Error> {
        let span = RequestSpan::new(Gateway::JPayment, O::SPEC.name);
        let values = operation.wire_values();
        // The merchant's order number, where the operation has one: never
        // another value (keys, tokens, addresses).
        let order = values
            .iter()
            .find(|(name, _)| *name == param::COD)
            .and_then(|(_, value)| value.as_deref());
        let span = match order {
            Some(cod) => span.with_order_id(cod),
            None => span,
        };
        let call = self.exchange(operation, &span);
        call.instrument(span.span().clone()).await
    }

    async fn exchange<O: Operation>(
        &self,
        operation: &O,
        span: &RequestSpan,
    ) -> Result<O::Reply, Error> {
        let spec = O::SPEC;
        let method = self.method;
        let charset = self.charset;
        let prepared = if spec.methods.contains(&method.name()) {
            operation.encode(charset).map_err(Error::from)
        } else {
            Err(Error::Config(format!(
                "{} does not accept {}",
                spec.endpoint,
                method.name()
            )))
        };
        let query = prepared.inspect_err(|e| span.refused_before_sending(e))?;
        let mut url = self
            .base
            .join(spec.endpoint)
            .map_err(|e| Error::Config(format!("endpoint {}: {e}", spec.endpoint)))?;
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
        span.sending(1);
        let started = Instant::now();
        // reqwest puts the URL in its errors; with GET it holds the user key
        // and token, so it is dropped.
        let failed = |e: reqwest::Error| {
            let error = Error::Transport(Box::new(e.without_url()));
            span.transport_failed(&error, started.elapsed());
            error
        };
        let response = request.send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            let error = Error::Status {
                status: status.as_u16(),
                endpoint: spec.endpoint,
            };
            span.transport_failed(&error, started.elapsed());
            return Err(error);
        }
        let body = response.bytes().await.map_err(failed)?;
        let reply = operation.decode_reply(&body, charset);
        let code = reply
            .as_ref()
            .err()
            .and_then(Error::result_code)
            .map(|code| code.as_str());
        span.answered(status.as_u16(), code, started.elapsed());
        reply
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
