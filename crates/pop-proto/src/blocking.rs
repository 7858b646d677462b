//! The blocking client (feature `blocking`): the async [`client::Client`]
//! driven by a private single-threaded runtime, for batch jobs and scripts
//! that have no async runtime of their own.
//!
//! The methods are the async client's, with the same names and arguments;
//! each one is `runtime.block_on(async_client.method(..))`, so validation,
//! the `dummy` rule and tracing are the async client's own. Called from
//! inside an async runtime, a method returns [`Error::InsideAsyncRuntime`]
//! instead of blocking that runtime's thread.
//!
//! ```no_run
//! use pop_proto::blocking::Client;
//! use pop_proto::prelude::*;
//!
//! fn main() -> Result<(), pop_proto::Error> {
//!     let key = PopServerKey::new(std::env::var("POP_SERVER_KEY").unwrap_or_default());
//!     let client = Client::new(key, Environment::Dummy)?;
//!     let key = client.payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(1000)))?;
//!     println!("{} until {}", key.key, key.expires_at);
//!     Ok(())
//! }
//! ```

use veritrans_core::blocking::Runtime;
use veritrans_sign::PopServerKey;

use crate::client::{self, ClientBuilder};
use crate::types::{AccountManagementKeyRequest, PaymentKeyRequest, PaymentLinkRequest};
use crate::{AccountManagementKey, Environment, Error, Mode, PaymentKey, PaymentLink};

/// A blocking POP client: the async client and the runtime that drives it.
/// Clones share both.
///
/// ```
/// use pop_proto::{Environment, PopServerKey, blocking::Client};
///
/// let client = Client::new(PopServerKey::new("Test-POP-Server-Key"), Environment::Dummy)?;
/// assert_eq!(client.base_url(), "https://pay3.veritrans.co.jp/");
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: client::Client,
    runtime: Runtime,
}

impl Client {
    /// A blocking client for `environment` with default timeouts.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`], and [`Error::Config`] when the runtime
    /// cannot be started.
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, blocking::Client};
    /// let client = Client::new(PopServerKey::new("key"), Environment::Live)?;
    /// assert_eq!(client.mode(), pop_proto::Mode::Live);
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn new(key: PopServerKey, environment: Environment) -> Result<Self, Error> {
        Self::from_async(client::Client::new(key, environment)?)
    }

    /// Settings for `environment`: the async client's builder; hand what it
    /// builds to [`Client::from_async`].
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, blocking::Client};
    /// let built = Client::builder(PopServerKey::new("key"), Environment::Dummy)
    ///     .timeout(std::time::Duration::from_secs(5))
    ///     .build()?;
    /// let client = Client::from_async(built)?;
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn builder(key: PopServerKey, environment: Environment) -> ClientBuilder {
        client::Client::builder(key, environment)
    }

    /// The blocking form of an async client.
    ///
    /// # Errors
    /// [`Error::Config`] when the runtime cannot be started.
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, blocking::Client};
    /// let client = pop_proto::client::Client::new(PopServerKey::new("key"), Environment::Dummy)?;
    /// let blocking = Client::from_async(client)?;
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn from_async(inner: client::Client) -> Result<Self, Error> {
        let runtime =
            Runtime::new().map_err(|e| Error::Config(format!("blocking runtime: {e}")))?;
        Ok(Self { inner, runtime })
    }

    /// The base URL requests go to.
    ///
    /// ```
    /// # use pop_proto::{Environment, PopServerKey, blocking::Client};
    /// let client = Client::new(PopServerKey::new("key"), Environment::Live)?;
    /// assert_eq!(client.base_url(), "https://pay3.veritrans.co.jp/");
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Whether requests move real money (see [`client::Client::mode`]).
    ///
    /// ```
    /// # use pop_proto::{Environment, Mode, PopServerKey, blocking::Client};
    /// let client = Client::new(PopServerKey::new("key"), Environment::Dummy)?;
    /// assert_eq!(client.mode(), Mode::Test);
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.inner.mode()
    }

    /// [`client::Client::payment_key`], blocking.
    ///
    /// # Errors
    /// As the async method, and [`Error::InsideAsyncRuntime`].
    ///
    /// ```no_run
    /// # use pop_proto::prelude::*;
    /// # fn run(client: pop_proto::blocking::Client) -> Result<(), pop_proto::Error> {
    /// let key = client.payment_key(&PaymentKeyRequest::new("ORDER-0001", yen(1000)))?;
    /// # Ok(()) }
    /// ```
    pub fn payment_key(&self, request: &PaymentKeyRequest) -> Result<PaymentKey, Error> {
        self.runtime.block_on(self.inner.payment_key(request))?
    }

    /// [`client::Client::payment_link`], blocking.
    ///
    /// # Errors
    /// As the async method, and [`Error::InsideAsyncRuntime`].
    ///
    /// ```no_run
    /// # use pop_proto::prelude::*;
    /// # fn run(client: pop_proto::blocking::Client) -> Result<(), pop_proto::Error> {
    /// let link = client.payment_link(&PaymentLinkRequest::new("ORDER-0002", yen(1000)))?;
    /// # Ok(()) }
    /// ```
    pub fn payment_link(&self, request: &PaymentLinkRequest) -> Result<PaymentLink, Error> {
        self.runtime.block_on(self.inner.payment_link(request))?
    }

    /// [`client::Client::account_management_key`], blocking.
    ///
    /// # Errors
    /// As the async method, and [`Error::InsideAsyncRuntime`].
    ///
    /// ```no_run
    /// # use pop_proto::prelude::*;
    /// # fn run(client: pop_proto::blocking::Client) -> Result<(), pop_proto::Error> {
    /// let key = client.account_management_key(&AccountManagementKeyRequest::new("CUSTOMER-1"))?;
    /// # Ok(()) }
    /// ```
    pub fn account_management_key(
        &self,
        request: &AccountManagementKeyRequest,
    ) -> Result<AccountManagementKey, Error> {
        self.runtime
            .block_on(self.inner.account_management_key(request))?
    }
}
