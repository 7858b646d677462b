//! What each subcommand does, and how its outcome maps to an exit status.

use std::fmt;
use std::process::ExitCode;

use veritrans_sign::{Error, MerchantAuthKey, MpiServerKey, PopServerKey, mpi, pop, unified};

use crate::args::{Command, SignScheme, VerifyScheme};
use crate::input;

/// Why a command did not print a result; its [`ExitCode`] is the contract
/// scripts rely on.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: well-formed input whose signature (or paymentId) does not match.
    Mismatch(String),
    /// Exit 2: input that could not be read or understood.
    Malformed(String),
}

impl Failure {
    pub fn malformed(reason: impl Into<String>) -> Self {
        Self::Malformed(reason.into())
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Mismatch(_) => ExitCode::from(1),
            Self::Malformed(_) => ExitCode::from(2),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mismatch(reason) => write!(f, "invalid: {reason}"),
            Self::Malformed(reason) => write!(f, "error: {reason}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        // veritrans-sign never puts a key in an error, so its message is safe to print.
        match err {
            Error::SignatureMismatch { .. }
            | Error::PaymentIdMismatch { .. }
            | Error::CcidMismatch { .. } => Self::Mismatch(err.to_string()),
            _ => Self::Malformed(err.to_string()),
        }
    }
}

/// Runs one command; `Ok` holds the line to print on standard output.
pub fn run(command: Command) -> Result<String, Failure> {
    match command {
        Command::Sign(scheme) => sign(scheme),
        Command::Verify(scheme) => verify(scheme),
        Command::Sandbox(_) => Err(Failure::malformed("the sandbox is not a one-shot command")),
        Command::Tour => Err(Failure::malformed("the tour is not a one-shot command")),
    }
}

fn sign(scheme: SignScheme) -> Result<String, Failure> {
    match scheme {
        SignScheme::Pop { key, input } => {
            let params = pop_params(&input::read(input.file.as_deref())?)?;
            Ok(pop::sign(&params, &PopServerKey::new(key.server_key)))
        }
        SignScheme::UnifiedWebhook { merchant, input } => {
            let body = input::read(input.file.as_deref())?;
            let key = MerchantAuthKey::new(merchant.auth_key);
            Ok(unified::sign_webhook(&merchant.ccid, &key, &body))
        }
        SignScheme::UnifiedRedirect { merchant, query } => {
            let params = unified::query_params(&query)?;
            let key = MerchantAuthKey::new(merchant.auth_key);
            Ok(unified::redirect_auth_info(&merchant.ccid, &key, &params)?)
        }
        SignScheme::MpiPush { key, input } => {
            let body = input::read(input.file.as_deref())?;
            Ok(mpi::authorization(
                &body,
                &MpiServerKey::new(key.server_key),
            ))
        }
    }
}

fn verify(scheme: VerifyScheme) -> Result<String, Failure> {
    match scheme {
        VerifyScheme::Pop { key, input } => {
            let params = pop_params(&input::read(input.file.as_deref())?)?;
            pop::verify(&params, &PopServerKey::new(key.server_key))?;
        }
        VerifyScheme::UnifiedWebhook {
            merchant,
            header,
            input,
        } => {
            let body = input::read(input.file.as_deref())?;
            let key = MerchantAuthKey::new(merchant.auth_key);
            unified::verify_webhook(&merchant.ccid, &key, &header, &body)?;
        }
        VerifyScheme::UnifiedRedirect {
            merchant,
            query,
            payment_id,
        } => {
            let params = unified::query_params(&query)?;
            let key = MerchantAuthKey::new(merchant.auth_key);
            match payment_id {
                Some(expected) => {
                    unified::verify_redirect(&merchant.ccid, &key, &params, &expected)?;
                }
                None => {
                    unified::verify_redirect_signature(&merchant.ccid, &key, &params)?;
                    eprintln!(
                        "warning: paymentId not checked; pass --payment-id to reject a replayed redirect"
                    );
                }
            }
        }
        VerifyScheme::MpiPush {
            key,
            authorization,
            input,
        } => {
            let body = input::read(input.file.as_deref())?;
            mpi::verify(&body, &authorization, &MpiServerKey::new(key.server_key))?;
        }
    }
    Ok("valid".to_owned())
}

/// A POP notification is a JSON object (push) when its first non-space byte
/// is `{`, and a form body (redirect) otherwise.
fn pop_params(body: &[u8]) -> Result<Vec<(String, String)>, Failure> {
    let is_json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    let params = if is_json {
        pop::json_params(body)?
    } else {
        pop::form_params(body)?
    };
    if params.is_empty() {
        return Err(Failure::malformed("the notification has no parameters"));
    }
    Ok(params)
}
