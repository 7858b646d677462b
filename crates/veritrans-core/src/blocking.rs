//! The one way the protocol crates' blocking clients run their async client
//! (feature `blocking`): a private single-threaded Tokio runtime per client.
//!
//! Batch jobs and back-office scripts call a gateway from plain `fn main`.
//! Each crate's `blocking::Client` owns a [`Runtime`] and answers every method
//! with `runtime.block_on(async_client.method(..))`, so both clients share one
//! implementation (validation, resends, tracing) and cannot drift apart.
//!
//! Blocking inside an async task would stall that task's executor thread (and
//! Tokio refuses to start a runtime inside another): [`Runtime::block_on`]
//! returns [`InsideAsyncRuntime`] there instead of panicking.
//!
//! ```
//! # #[cfg(feature = "blocking")] {
//! let runtime = veritrans_core::blocking::Runtime::new()?;
//! let answer = runtime.block_on(async { 40 + 2 })?;
//! assert_eq!(answer, 42);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "blocking")]
use std::future::Future;
#[cfg(feature = "blocking")]
use std::sync::Arc;

/// A single-threaded Tokio runtime with I/O and timers, shared by the clones
/// of one blocking client.
///
/// ```
/// let runtime = veritrans_core::blocking::Runtime::new()?;
/// let shared = runtime.clone(); // clones share the one runtime
/// assert_eq!(shared.block_on(async { 40 + 2 }), Ok(42));
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "blocking")]
#[derive(Clone)]
pub struct Runtime(Arc<Owned>);

/// The runtime, shut down without waiting when the last clone goes: a
/// blocking client dropped inside an async task must not panic there (Tokio
/// refuses to wait for a runtime's shutdown in an async context).
#[cfg(feature = "blocking")]
struct Owned(Option<tokio::runtime::Runtime>);

#[cfg(feature = "blocking")]
impl Drop for Owned {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(feature = "blocking")]
impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Runtime(current_thread)")
    }
}

/// A blocking call was made from inside an async runtime.
///
/// Always present (not only with the feature), so each protocol crate's
/// `Error` has the same variants whatever its features; its kind is
/// [`ErrorKind::Config`](crate::ErrorKind::Config).
///
/// ```
/// # #[cfg(feature = "blocking")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let runtime = veritrans_core::blocking::Runtime::new().unwrap();
/// let err = runtime.block_on(async {}).unwrap_err();
/// assert!(err.to_string().contains("async client"));
/// # }
/// # #[cfg(not(feature = "blocking"))] fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsideAsyncRuntime;

impl std::fmt::Display for InsideAsyncRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "a blocking client was called from inside an async runtime; use the async client there",
        )
    }
}

impl std::error::Error for InsideAsyncRuntime {}

#[cfg(feature = "blocking")]
impl Runtime {
    /// A new runtime (one per blocking client; its clones share it).
    ///
    /// # Errors
    /// The operating system refused what the runtime needs (threads, an
    /// event queue).
    ///
    /// ```
    /// let runtime = veritrans_core::blocking::Runtime::new()?;
    /// assert_eq!(runtime.block_on(async { "done" }), Ok("done"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self(Arc::new(Owned(Some(runtime)))))
    }

    /// Runs `future` to completion on this thread.
    ///
    /// # Errors
    /// [`InsideAsyncRuntime`] when called from inside an async runtime.
    ///
    /// ```
    /// use veritrans_core::blocking::{InsideAsyncRuntime, Runtime};
    ///
    /// let runtime = Runtime::new().unwrap();
    /// assert_eq!(runtime.block_on(async { 1 }), Ok(1));
    /// // Inside another runtime it refuses instead of panicking.
    /// let outer = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// outer.block_on(async {
    ///     let refused: InsideAsyncRuntime = runtime.block_on(async { 1 }).unwrap_err();
    ///     assert!(!refused.to_string().is_empty());
    /// });
    /// ```
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, InsideAsyncRuntime> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(InsideAsyncRuntime);
        }
        match &self.0.0 {
            Some(runtime) => Ok(runtime.block_on(future)),
            // Only `Drop` takes the runtime, and it runs after the last use.
            None => Err(InsideAsyncRuntime),
        }
    }
}

#[cfg(all(test, feature = "blocking"))]
mod tests {
    use super::*;

    #[test]
    fn runs_a_future_with_timers() {
        let runtime = Runtime::new().unwrap();
        let slept = runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            "slept"
        });
        assert_eq!(slept, Ok("slept"));
    }

    #[test]
    fn refuses_inside_an_async_runtime() {
        let outer = Runtime::new().unwrap();
        let inner = Runtime::new().unwrap();
        let nested = outer.block_on(async { inner.block_on(async { 1 }) });
        assert_eq!(nested, Ok(Err(InsideAsyncRuntime)));
    }

    #[test]
    fn can_be_dropped_inside_an_async_runtime() {
        let outer = Runtime::new().unwrap();
        let inner = Runtime::new().unwrap();
        outer.block_on(async move { drop(inner) }).unwrap();
    }
}
