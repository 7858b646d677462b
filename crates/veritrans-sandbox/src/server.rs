//! Starting and stopping the sandbox.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::{self, DEFAULT_BODY_LIMIT};
use crate::credentials::Credentials;
use crate::delivery::{DeliveryEngine, DeliveryLog, DeliverySchedule};
use crate::error::Error;
use crate::faults::FaultTable;
use crate::inspect::Inspector;
use crate::retention::Retention;
use crate::state::AppState;
use crate::versions::GuideVersions;

/// Entry point: `Sandbox::builder()…start().await`.
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// A builder with the defaults: `127.0.0.1:0`, default credentials, default retry
    /// policy, 1 MiB body limit, 5 s shutdown grace, [`Retention::default`].
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// Configures a sandbox; see [`Sandbox::builder`].
#[derive(Debug)]
pub struct SandboxBuilder {
    addr: SocketAddr,
    credentials: Credentials,
    retry_policy: DeliverySchedule,
    body_limit: usize,
    shutdown_grace: Duration,
    retention: Retention,
    unified_version: Option<String>,
    routes: Vec<Router<AppState>>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            credentials: Credentials::default(),
            retry_policy: DeliverySchedule::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            shutdown_grace: Duration::from_secs(5),
            retention: Retention::default(),
            unified_version: None,
            routes: Vec::new(),
        }
    }
}

impl SandboxBuilder {
    /// The address to listen on. Default `127.0.0.1:0`: loopback only, a free port
    /// chosen by the system (read it back with [`RunningSandbox::addr`]).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The credentials to accept. Default [`Credentials::default`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// How outbound notifications are retried. Default [`DeliverySchedule::default`].
    pub fn retry_policy(mut self, policy: DeliverySchedule) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The largest request body accepted, in bytes; larger ones get
    /// `413 payload_too_large`. Default [`DEFAULT_BODY_LIMIT`] (1 MiB); at least 1.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long [`RunningSandbox::shutdown`] waits for requests in flight before it cuts
    /// their connections. Default 5 s.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// How many log entries and finished deliveries to keep per gateway; older ones are
    /// evicted so a long-running sandbox stays within bounded memory. Default
    /// [`Retention::default`] (10,000 of each per gateway); [`Retention::unbounded`] keeps
    /// everything.
    pub fn retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    /// The VeriTrans4G Unified API guide version to emulate, by its spec folder's name
    /// (`1.1.1-rc`, `1.1.3`; [`GuideVersions::known_unified`] lists them). Default: the
    /// latest. An unknown name makes [`start`](Self::start) fail with [`Error::Config`]
    /// naming the known ones.
    pub fn unified_version(mut self, version: impl Into<String>) -> Self {
        self.unified_version = Some(version.into());
        self
    }

    /// Serves extra routes next to the sandbox's own (e.g. a merchant stub, or a route a
    /// test needs). They get the same state and layers (body limit, faults). A path the
    /// sandbox already serves, or an earlier extra router serves, stays with them.
    pub fn routes(mut self, router: Router<AppState>) -> Self {
        self.routes.push(router);
        self
    }

    /// Binds the address and starts serving in a background task.
    ///
    /// Must be called inside a Tokio runtime (multi-thread or current-thread).
    pub async fn start(self) -> Result<RunningSandbox, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::Config("the sandbox must be started inside a Tokio runtime".into())
        })?;
        self.retry_policy.check().map_err(Error::Config)?;
        self.retention.check().map_err(Error::Config)?;
        if self.body_limit == 0 {
            return Err(Error::Config("body_limit must be at least 1 byte".into()));
        }
        let mut versions = GuideVersions::default();
        if let Some(unified) = &self.unified_version {
            versions = versions
                .with_unified(unified)
                .map_err(|e| Error::Config(e.to_string()))?;
        }
        let bind_error = |source| Error::Bind {
            addr: self.addr,
            source,
        };
        let listener = TcpListener::bind(self.addr).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;

        let (stop, stopped) = watch::channel(false);
        let (halt, halted) = watch::channel(false);
        let engine = DeliveryEngine::new(
            self.retry_policy,
            DeliveryLog::with_retention(self.retention.finished_deliveries),
            stopped.clone(),
            runtime,
        )
        .map_err(Error::DeliveryClient)?;
        let state = AppState::new(
            addr,
            self.credentials,
            engine,
            FaultTable::default(),
            self.retention,
            versions,
        );
        let app = app::build(state.clone(), self.routes, self.body_limit, halted);

        // Small request/response exchanges: don't let Nagle's algorithm add latency.
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("cannot set TCP_NODELAY: {e}");
            }
        });
        let mut signal = stopped;
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // An error means the handle is gone: stop as well.
                    let _ = signal.wait_for(|stop| *stop).await;
                })
                .await
        });
        tracing::info!(%addr, "sandbox listening");
        Ok(RunningSandbox {
            state,
            stop,
            halt,
            server: Some(server),
            shutdown_grace: self.shutdown_grace,
        })
    }
}

/// A started sandbox. Stop it with [`shutdown`](RunningSandbox::shutdown); dropping it
/// stops it too, without waiting: the listener closes, requests in flight are cut and
/// pending deliveries are cancelled in the background.
#[derive(Debug)]
pub struct RunningSandbox {
    state: AppState,
    stop: watch::Sender<bool>,
    halt: watch::Sender<bool>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    shutdown_grace: Duration,
}

impl RunningSandbox {
    /// The bound address (with the actual port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.state.addr()
    }

    /// `http://{addr}`, without a trailing slash (a loopback address when bound to
    /// `0.0.0.0` or `::`).
    pub fn base_url(&self) -> &str {
        self.state.base_url()
    }

    /// The credentials the sandbox accepts.
    pub fn credentials(&self) -> &crate::Credentials {
        self.state.credentials()
    }

    /// The inspection and fault-injection handle.
    pub fn inspect(&self) -> Inspector {
        Inspector::new(self.state.clone())
    }

    /// The shared state, as gateway routes see it (to record events or queue
    /// deliveries from a test).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting connections, lets requests in flight finish (up to the shutdown
    /// grace, then aborts their connections), stops pending deliveries (marked
    /// `cancelled`) and waits for all of it.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        self.stop.send_replace(true);
        let mut result = Ok(());
        if let Some(mut server) = self.server.take() {
            let finished = match tokio::time::timeout(self.shutdown_grace, &mut server).await {
                Ok(finished) => finished,
                Err(_) => {
                    tracing::warn!(
                        "requests still in flight after the shutdown grace; cutting them"
                    );
                    self.halt.send_replace(true);
                    match tokio::time::timeout(HALT_WAIT, &mut server).await {
                        Ok(finished) => finished,
                        Err(_) => {
                            // Only a response body still streaming can get here.
                            server.abort();
                            Ok(Ok(()))
                        }
                    }
                }
            };
            result = match finished {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(Error::Serve(e)),
                Err(join) => Err(Error::Task(join.to_string())),
            };
        }
        self.state.engine().drain().await;
        result
    }
}

/// How long to wait for connections to close once requests in flight were cut.
const HALT_WAIT: Duration = Duration::from_secs(1);

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        // The server task, its request handlers and the delivery tasks all watch these
        // flags and wind down on their own; Drop cannot wait for them, and nobody is left
        // to wait for a request in flight, so those are cut at once.
        self.stop.send_replace(true);
        self.halt.send_replace(true);
    }
}
