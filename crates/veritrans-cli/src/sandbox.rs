//! `veritrans sandbox`: the local emulator as a process, for merchants who
//! test from another language or want to click through the consumer pages.

use std::process::ExitCode;

use veritrans_sandbox::{Credentials, Retention, Sandbox, Secret};
use veritrans_sign::{MerchantAuthKey, MpiServerKey, PopServerKey};

use crate::args::SandboxArgs;

/// Starts the sandbox, prints its start-up line and serves until Ctrl-C.
pub fn serve(args: SandboxArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("error: {reason}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: SandboxArgs) -> Result<(), String> {
    let credentials = Credentials {
        pop_server_key: PopServerKey::new(args.pop_server_key),
        unified_token: Secret::new(args.unified_token),
        merchant_ccid: args.merchant_ccid,
        merchant_auth_key: MerchantAuthKey::new(args.merchant_auth_key),
        mpi_server_key: MpiServerKey::new(args.mpi_server_key),
        jpayment_aid: args.jpayment_aid,
    };
    let mut builder = Sandbox::builder();
    if let Some(version) = args.unified_version {
        builder = builder.unified_version(version);
    }
    let sandbox = builder
        .addr(args.addr)
        .credentials(credentials)
        .retention(Retention::new(
            args.retain_log_entries,
            args.retain_deliveries,
        ))
        .start()
        .await
        .map_err(|e| e.to_string())?;

    // Listen for Ctrl-C before the start-up line: whoever reads the line may send the
    // signal at once, and `ctrl_c()` registers only when first polled, so a signal
    // between the line and that poll was lost and the sandbox never stopped (a CLI
    // test hung on it in a fresh CI run).
    let mut interrupted = ctrl_c_listener()?;

    // These are the sandbox's own test credentials, printed on purpose so a
    // client in any language can configure itself from this one line.
    let c = sandbox.credentials();
    let line = serde_json::json!({
        "base_url": sandbox.base_url(),
        "addr": sandbox.addr().to_string(),
        "gateways": veritrans_sandbox::gateways::EMULATED,
        "versions": {"unified": sandbox.state().versions().unified.folder},
        "credentials": {
            "pop_server_key": c.pop_server_key.expose_secret(),
            "unified_token": c.unified_token.expose_secret(),
            "merchant_ccid": c.merchant_ccid,
            "merchant_auth_key": c.merchant_auth_key.expose_secret(),
            "mpi_server_key": c.mpi_server_key.expose_secret(),
            "jpayment_aid": c.jpayment_aid,
        },
    });
    println!("{line}");

    interrupted.recv().await;
    eprintln!("stopping");
    sandbox.shutdown().await.map_err(|e| e.to_string())
}

/// A listener for Ctrl-C (`SIGINT`), registered when created.
#[cfg(unix)]
fn ctrl_c_listener() -> Result<tokio::signal::unix::Signal, String> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))
}

/// A listener for Ctrl-C, registered when created.
#[cfg(windows)]
fn ctrl_c_listener() -> Result<tokio::signal::windows::CtrlC, String> {
    tokio::signal::windows::ctrl_c().map_err(|e| format!("cannot listen for Ctrl-C: {e}"))
}
