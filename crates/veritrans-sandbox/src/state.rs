//! The state every route handler receives.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::delivery::{Delivery, DeliveryEngine, DeliveryError, DeliveryLog};
use crate::faults::FaultTable;
use crate::log::{Gateway, TransactionLog, TransactionRecord};
use crate::retention::Retention;
use crate::versions::GuideVersions;

/// Shared state of a running sandbox, handed to every route as axum state.
///
/// Cloning is cheap and shares everything. Gateway routes read the accepted
/// [`credentials`](AppState::credentials), append to the
/// [`transactions`](AppState::transactions) log and queue notifications with
/// [`deliver`](AppState::deliver). Each gateway module will keep its own domain state
/// (orders, keys, cards) next to these when it is added.
///
/// ```
/// use axum::{Router, extract::State, routing::post};
/// use veritrans_sandbox::{AppState, Gateway};
///
/// // The shape of a gateway route: record what happened, answer in the gateway's format.
/// async fn handler(State(state): State<AppState>) -> &'static str {
///     state.record(Gateway::Mpi, "example", "req-1", serde_json::json!({}));
///     "ok"
/// }
/// let routes: Router<AppState> = Router::new().route("/example", post(handler));
/// # let _ = routes;
/// ```
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    addr: SocketAddr,
    base_url: String,
    credentials: Credentials,
    transactions: TransactionLog,
    deliveries: DeliveryEngine,
    faults: FaultTable,
    clock: Clock,
    retention: Retention,
    versions: GuideVersions,
}

impl AppState {
    pub(crate) fn new(
        addr: SocketAddr,
        credentials: Credentials,
        deliveries: DeliveryEngine,
        faults: FaultTable,
        retention: Retention,
        versions: GuideVersions,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                addr,
                base_url: base_url(addr),
                credentials,
                transactions: TransactionLog::with_retention(retention.log_entries),
                retention,
                deliveries,
                faults,
                clock: Clock::default(),
                versions,
            }),
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `http://{addr}`, without a trailing slash; for URLs the sandbox hands out. When
    /// bound to an unspecified address (`0.0.0.0`, `::`), it names the loopback address
    /// of the same family instead, which a client can connect to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The guide version emulated per gateway.
    pub fn versions(&self) -> GuideVersions {
        self.inner.versions
    }

    /// The credentials the sandbox accepts.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The transactions/events log.
    pub fn transactions(&self) -> &TransactionLog {
        &self.inner.transactions
    }

    /// Appends to the transactions/events log; see [`TransactionLog::append`].
    pub fn record(
        &self,
        gateway: Gateway,
        kind: impl Into<String>,
        id: impl Into<String>,
        summary: serde_json::Value,
    ) -> TransactionRecord {
        self.inner.transactions.append(gateway, kind, id, summary)
    }

    /// [`AppState::record`] without returning the record: what the gateways call on
    /// every request.
    pub(crate) fn note(
        &self,
        gateway: Gateway,
        kind: impl Into<String>,
        id: impl Into<String>,
        summary: serde_json::Value,
    ) {
        self.inner.transactions.note(gateway, kind, id, summary);
    }

    /// How many log entries and finished deliveries are kept per gateway.
    pub fn retention(&self) -> Retention {
        self.inner.retention
    }

    /// Queues a notification for background delivery with redelivery; returns its ID.
    pub fn deliver(&self, delivery: Delivery) -> Result<String, DeliveryError> {
        self.inner.deliveries.deliver(delivery)
    }

    /// Sends a settled delivery once more (a duplicate notification), with the same ID,
    /// headers and body and a fresh round of the retry policy.
    pub fn redeliver(&self, id: &str) -> Result<(), DeliveryError> {
        self.inner.deliveries.redeliver(id)
    }

    /// The deliveries log.
    pub fn deliveries(&self) -> &DeliveryLog {
        self.inner.deliveries.log()
    }

    pub(crate) fn engine(&self) -> &DeliveryEngine {
        &self.inner.deliveries
    }

    /// The sandbox's clock: real time plus what tests advanced it by. Time-bound rules
    /// (the Unified API's 24-hour idempotency keys) read it.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(crate) fn faults(&self) -> &FaultTable {
        &self.inner.faults
    }
}

/// The URL clients use to reach `addr`; an unspecified address is not one to connect to.
fn base_url(addr: SocketAddr) -> String {
    let shown = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    };
    format!("http://{shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_names_a_connectable_address() {
        let url = |a: &str| base_url(a.parse().unwrap());
        assert_eq!(url("127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080");
        assert_eq!(url("[::1]:8080"), "http://[::1]:8080");
        assert_eq!(url("192.0.2.1:80"), "http://192.0.2.1:80");
    }
}
