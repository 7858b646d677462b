//! The blocking client (feature `blocking`): the async [`Client`](crate::Client)
//! run on a private single-threaded runtime, for batch jobs and back-office
//! scripts that have no async runtime of their own.
//!
//! The same methods with the same arguments as the async client; each one is
//! the async method run to completion, so validation, tracing and decoding
//! are shared. Called from inside an async runtime, a method returns
//! [`Error::InsideAsyncRuntime`] instead of
//! blocking that runtime's thread.
//!
//! ```no_run
//! use jpayment_proto::blocking::Client;
//! use jpayment_proto::prelude::*;
//!
//! fn main() -> Result<(), jpayment_proto::Error> {
//!     let client = Client::new(Environment::Live)?;
//!     let mut user = RegisterUser::new("123456", "customer42");
//!     user.email = Some("taro@example.jp".into());
//!     let key = client.send(&user)?.user_key;
//!     # let _ = key;
//!     Ok(())
//! }
//! ```

use std::time::Duration;

use veritrans_core::Mode;
use veritrans_core::blocking::Runtime;

use crate::charset::Charset;
use crate::client::{self, Method};
use crate::environment::Environment;
use crate::error::Error;
use crate::request::Operation;

/// A J-Payment client whose methods block until the answer is decoded.
///
/// ```
/// use jpayment_proto::blocking::Client;
/// use jpayment_proto::{Environment, Mode};
///
/// let sandbox = Environment::Custom { base_url: "http://127.0.0.1:9/gateway/".into(), mode: Mode::Test };
/// let client = Client::new(sandbox)?;
/// assert_eq!(client.mode(), Mode::Test);
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: client::Client,
    runtime: Runtime,
}

/// Builds a blocking [`Client`]: the same settings as
/// [`ClientBuilder`](crate::ClientBuilder).
///
/// ```
/// use jpayment_proto::blocking::Client;
/// use jpayment_proto::{Charset, Environment};
///
/// let client = Client::builder(Environment::Live).charset(Charset::ShiftJis).build()?;
/// assert_eq!(client.charset(), Charset::ShiftJis);
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClientBuilder(client::ClientBuilder);

impl ClientBuilder {
    /// See [`ClientBuilder::charset`](crate::ClientBuilder::charset).
    ///
    /// ```
    /// use jpayment_proto::{Charset, Environment, blocking::Client};
    ///
    /// let client = Client::builder(Environment::Live).charset(Charset::ShiftJis).build()?;
    /// assert_eq!(client.charset(), Charset::ShiftJis);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn charset(self, charset: Charset) -> Self {
        Self(self.0.charset(charset))
    }

    /// See [`ClientBuilder::method`](crate::ClientBuilder::method).
    ///
    /// ```
    /// use jpayment_proto::{Environment, Method, blocking::Client};
    ///
    /// let client = Client::builder(Environment::Live).method(Method::Get).build()?;
    /// assert_eq!(client.method(), Method::Get);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn method(self, method: Method) -> Self {
        Self(self.0.method(method))
    }

    /// See [`ClientBuilder::timeout`](crate::ClientBuilder::timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// use jpayment_proto::{Environment, blocking::Client};
    ///
    /// assert!(Client::builder(Environment::Live).timeout(Duration::from_secs(90)).build().is_ok());
    /// ```
    pub fn timeout(self, timeout: Duration) -> Self {
        Self(self.0.timeout(timeout))
    }

    /// See [`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// use jpayment_proto::{Environment, blocking::Client};
    ///
    /// assert!(Client::builder(Environment::Live).connect_timeout(Duration::from_secs(3)).build().is_ok());
    /// ```
    pub fn connect_timeout(self, connect_timeout: Duration) -> Self {
        Self(self.0.connect_timeout(connect_timeout))
    }

    /// Builds the client and its runtime.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`](crate::ClientBuilder::build), and
    /// [`Error::Config`] when the operating system refuses the runtime.
    ///
    /// ```
    /// use jpayment_proto::{Environment, Error, Mode, blocking::Client};
    ///
    /// let ftp = Environment::Custom { base_url: "ftp://pay.example/".into(), mode: Mode::Test };
    /// assert!(matches!(Client::builder(ftp).build(), Err(Error::Config(_))));
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let inner = self.0.build()?;
        let runtime =
            Runtime::new().map_err(|e| Error::Config(format!("blocking runtime: {e}")))?;
        Ok(Client { inner, runtime })
    }
}

impl Client {
    /// A builder for `environment` (see [`ClientBuilder`]).
    ///
    /// ```
    /// use jpayment_proto::{Environment, Mode, blocking::Client};
    ///
    /// let client = Client::builder(Environment::Live).build()?;
    /// assert_eq!(client.mode(), Mode::Live);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn builder(environment: Environment) -> ClientBuilder {
        ClientBuilder(client::Client::builder(environment))
    }

    /// A client for `environment` with the defaults.
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    ///
    /// ```
    /// use jpayment_proto::{Environment, Mode, blocking::Client};
    ///
    /// let sandbox = Environment::Custom { base_url: "http://127.0.0.1:8080/gateway/".into(), mode: Mode::Test };
    /// assert!(Client::new(sandbox).is_ok());
    /// ```
    pub fn new(environment: Environment) -> Result<Self, Error> {
        Self::builder(environment).build()
    }

    /// The environment the client was built for.
    ///
    /// ```
    /// use jpayment_proto::{Environment, blocking::Client};
    ///
    /// assert_eq!(Client::new(Environment::Live)?.environment(), &Environment::Live);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn environment(&self) -> &Environment {
        self.inner.environment()
    }

    /// Whether requests move real money.
    ///
    /// ```
    /// use jpayment_proto::{Environment, Mode, blocking::Client};
    ///
    /// assert!(Client::new(Environment::Live)?.mode() == Mode::Live);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.inner.mode()
    }

    /// The charset of requests and answers.
    ///
    /// ```
    /// use jpayment_proto::{Charset, Environment, blocking::Client};
    ///
    /// assert_eq!(Client::new(Environment::Live)?.charset(), Charset::Utf8);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn charset(&self) -> Charset {
        self.inner.charset()
    }

    /// GET or POST.
    ///
    /// ```
    /// use jpayment_proto::{Environment, Method, blocking::Client};
    ///
    /// assert_eq!(Client::new(Environment::Live)?.method(), Method::Post);
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    pub fn method(&self) -> Method {
        self.inner.method()
    }

    /// Validates, sends and decodes one request, blocking until done. Never
    /// retried. See [`Client::send`](crate::Client::send).
    ///
    /// ```
    /// use jpayment_proto::blocking::Client;
    /// use jpayment_proto::prelude::*;
    ///
    /// let nowhere = Environment::Custom { base_url: "http://127.0.0.1:9/gateway/".into(), mode: Mode::Test };
    /// let client = Client::new(nowhere)?;
    /// // Refused before sending: user registration needs an e-mail address or a phone number.
    /// let err = client.send(&RegisterUser::new("123456", "customer42")).unwrap_err();
    /// assert!(matches!(err, jpayment_proto::Error::Invalid(_)), "{err}");
    /// # Ok::<(), jpayment_proto::Error>(())
    /// ```
    ///
    /// # Errors
    /// As the async `send`, and [`Error::InsideAsyncRuntime`] when called
    /// from inside an async runtime (nothing is sent).
    pub fn send<O: Operation>(&self, operation: &O) -> Result<O::Reply, Error> {
        self.runtime.block_on(self.inner.send(operation))?
    }
}
