//! Sending a Unified API request whose webhook goes to the test's merchant server.
//!
//! The client's validation refuses a `pushUrl` that is not https on port 443 on a
//! public host, as the guide requires; the merchant server of a test listens on
//! 127.0.0.1, which the sandbox accepts. [`send_with_loopback_push`] therefore
//! runs the client's validation and lets through only `pushUrl` violations, sends
//! the client's own serialisation of the request, and reads the answer with the
//! client's own interpreter: everything but that one rule is the client's.
//! (`veritrans tour` does the same in its private `unified` module.)

use veritrans::unified::client::interpret;
use veritrans::unified::validate::{self, Context, Mode};
use veritrans::unified::{Command, Error, Response};
use veritrans_sandbox::RunningSandbox;

/// Why [`send_with_loopback_push`] did not get a parsed answer.
#[derive(Debug, thiserror::Error)]
pub enum LoopbackPushError {
    /// The request breaks a rule other than the pushUrl one, or the answer is a
    /// gateway error: the client's own error.
    #[error(transparent)]
    Client(#[from] Error),
    /// The request did not reach the sandbox.
    #[error("{command}: {source}")]
    Http {
        /// The command's name.
        command: &'static str,
        /// The cause.
        source: reqwest::Error,
    },
}

/// Sends `request` to the sandbox as the Unified client would, except that a
/// loopback `pushUrl` is allowed (see the module documentation).
pub async fn send_with_loopback_push<C: Command>(
    http: &reqwest::Client,
    sandbox: &RunningSandbox,
    request: &C,
    idempotency_key: &str,
) -> Result<Response<C::Response>, LoopbackPushError> {
    match validate::validate(request, &Context::new(Mode::Sandbox)) {
        Ok(()) => {}
        Err(Error::InvalidRequest { violations, .. })
            if !violations.is_empty() && violations.iter().all(|v| v.path.ends_with("pushUrl")) => {
        }
        Err(other) => return Err(other.into()),
    }
    let body = validate::body_of(request)?;
    let http_error = |source| LoopbackPushError::Http {
        command: C::NAME,
        source,
    };
    let answer = http
        .post(format!("{}{}", sandbox.base_url(), C::PATH))
        .bearer_auth(sandbox.credentials().unified_token.expose_secret())
        .header("Content-Type", "application/json")
        .header("X-VT-Idempotency-Key", idempotency_key)
        .body(body)
        .send()
        .await
        .map_err(http_error)?;
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.map_err(http_error)?;
    Ok(interpret::<C>(status, &bytes, idempotency_key)?)
}
