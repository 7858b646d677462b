//! The blocking client (feature `blocking`): the async [`client::Client`]
//! run on a private single-threaded runtime, for batch jobs and back-office
//! scripts that call the gateway from plain `fn main`.
//!
//! Every method has the async client's name and arguments and is
//! `runtime.block_on(async_client.method(..))`: one implementation of
//! validation, `requestMode`, resends and tracing. Called from inside an async
//! runtime it returns [`Error::InsideAsyncRuntime`] instead of blocking that
//! runtime's thread (use the async client there).
//!
//! ```no_run
//! use unified_proto::prelude::*;
//!
//! fn main() -> Result<(), UnifiedError> {
//!     let client = Client::builder(Environment::Sandbox, UnifiedToken::new("token-from-MAP"))
//!         .build_blocking()?;
//!     let request = PayRequest::new(
//!         PayOrder::new(PayType::Paypay, "order-0001", 1000),
//!         PayControl::returning_to("https://shop.example/return/order-0001"),
//!     );
//!     let answer = client.pay(&request)?; // no `.await`, no runtime to set up
//!     println!("{:?}", answer.redirect_url());
//!     Ok(())
//! }
//! ```
//!
//! [`client::Client`]: crate::client::Client

use veritrans_core::blocking::Runtime;

use crate::client::{self, ClientBuilder, SendOptions};
use crate::{Command, Error, Mode, Response};

/// The blocking Unified API client. Cheap to clone (the clones share the
/// connection pool and the runtime); share one per process.
///
/// ```
/// use unified_proto::prelude::*;
///
/// let client = unified_proto::blocking::Client::builder(Environment::Sandbox, UnifiedToken::new("token"))
///     .build_blocking()?;
/// assert_eq!(client.mode(), Mode::Test);
/// let clone = client.clone(); // shares the connection pool and the runtime
/// assert_eq!(clone.as_async().mode(), Mode::Test);
/// # Ok::<(), UnifiedError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: client::Client,
    runtime: Runtime,
}

impl ClientBuilder {
    /// The blocking client, with every option of this builder.
    ///
    /// # Errors
    /// As [`build`](ClientBuilder::build), and [`Error::Config`] when the
    /// operating system refuses the runtime's thread or event queue.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let client = Client::builder(Environment::Live, UnifiedToken::new("token")).build_blocking()?;
    /// assert_eq!(client.mode(), Mode::Live);
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn build_blocking(self) -> Result<Client, Error> {
        Client::from_async(self.build()?)
    }
}

impl Client {
    /// Starts a builder; finish it with [`ClientBuilder::build_blocking`].
    /// The same as [`client::Client::builder`].
    ///
    /// ```
    /// use unified_proto::{Environment, UnifiedToken, blocking};
    ///
    /// let builder = blocking::Client::builder(Environment::Sandbox, UnifiedToken::new("token"));
    /// assert!(builder.build_blocking().is_ok());
    /// ```
    pub fn builder(environment: crate::Environment, token: crate::UnifiedToken) -> ClientBuilder {
        client::Client::builder(environment, token)
    }

    /// The blocking face of an async client (they share its connection pool
    /// and options).
    ///
    /// # Errors
    /// [`Error::Config`] when the operating system refuses the runtime.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let shared = Client::builder(Environment::Sandbox, UnifiedToken::new("token")).build()?;
    /// let blocking = unified_proto::blocking::Client::from_async(shared.clone())?;
    /// assert_eq!(blocking.mode(), shared.mode());
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn from_async(inner: client::Client) -> Result<Self, Error> {
        let runtime = Runtime::new().map_err(|e| Error::Config(format!("runtime: {e}")))?;
        Ok(Self { inner, runtime })
    }

    /// The async client behind this one.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let client = unified_proto::blocking::Client::builder(Environment::Sandbox, UnifiedToken::new("token"))
    ///     .build_blocking()?;
    /// let for_async_code: &Client = client.as_async();
    /// assert_eq!(for_async_code.mode(), Mode::Test);
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn as_async(&self) -> &client::Client {
        &self.inner
    }

    /// The mode requests are validated for.
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:8765".into(), mode: Mode::Test };
    /// let client = unified_proto::blocking::Client::builder(local, UnifiedToken::new("token")).build_blocking()?;
    /// assert_eq!(client.mode(), Mode::Test);
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.inner.mode()
    }

    /// [`client::Client::send`], blocking.
    ///
    /// # Errors
    /// As the async method, and [`Error::InsideAsyncRuntime`].
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:9".into(), mode: Mode::Test };
    /// let client = unified_proto::blocking::Client::builder(local, UnifiedToken::new("token")).build_blocking()?;
    /// // Validated before sending: a paymentId with a space never leaves the process.
    /// let err = client.send(&CaptureRequest::for_payment("order 1")).unwrap_err();
    /// assert_eq!(err.violations()[0].path, "order.paymentId");
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn send<C: Command>(&self, request: &C) -> Result<Response<C::Response>, Error> {
        self.runtime.block_on(self.inner.send(request))?
    }

    /// [`client::Client::send_with`], blocking.
    ///
    /// # Errors
    /// As the async method, and [`Error::InsideAsyncRuntime`].
    ///
    /// ```
    /// use unified_proto::prelude::*;
    ///
    /// let local = Environment::Custom { base_url: "http://127.0.0.1:9".into(), mode: Mode::Test };
    /// let client = unified_proto::blocking::Client::builder(local, UnifiedToken::new("token")).build_blocking()?;
    /// let refund = CancelRequest::for_payment("order-1").with_amount(yen(12_345_678));
    /// let options = SendOptions::default().pay_type(PayType::Au); // au PAY: at most 7 digits
    /// let err = client.send_with(&refund, options).unwrap_err();
    /// assert!(matches!(err, UnifiedError::InvalidRequest { command: "cancel", .. }));
    /// # Ok::<(), UnifiedError>(())
    /// ```
    pub fn send_with<C: Command>(
        &self,
        request: &C,
        options: SendOptions,
    ) -> Result<Response<C::Response>, Error> {
        self.runtime
            .block_on(self.inner.send_with(request, options))?
    }
}

/// The blocking method of each command, from the same list as the async ones.
macro_rules! blocking_methods {
    ($($method:ident: $request:ident,)*) => {
        impl Client {
            $(
                #[doc = concat!(
                    "[`client::Client::", stringify!($method), "`], blocking.\n\n",
                    "# Errors\nAs the async method, and [`Error::InsideAsyncRuntime`]."
                )]
                pub fn $method(
                    &self,
                    request: &crate::$request,
                ) -> Result<Response<<crate::$request as Command>::Response>, Error> {
                    self.runtime.block_on(self.inner.$method(request))?
                }
            )*
        }
    };
}
crate::commands!(blocking_methods);
