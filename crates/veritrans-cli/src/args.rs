//! The command line, as `veritrans --help` shows it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Sign and verify VeriTrans notifications.
///
/// Exit status: 0 valid or done, 1 the signature does not match, 2 bad usage
/// or malformed input. Secrets can come from the environment variables named
/// below instead of flags; they are never printed.
#[derive(Debug, Parser)]
#[command(name = "veritrans", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the signature a gateway would send with a message.
    #[command(subcommand)]
    Sign(SignScheme),
    /// Check the signature of a received message.
    #[command(subcommand)]
    Verify(VerifyScheme),
    /// Run the local gateway emulator until Ctrl-C.
    ///
    /// Prints one JSON line on start-up: its base URL, the gateways it
    /// emulates and the (test) credentials it accepts.
    Sandbox(SandboxArgs),
    /// Take the tour: start the sandbox and a small merchant server in this
    /// process (loopback only) and pay, verify, capture, refund and fail
    /// through every emulated gateway, narrating each step.
    ///
    /// Ends with a table of the steps; exit status 0 when every step passed,
    /// 1 when one did not (the reason is printed).
    Tour,
}

/// `veritrans sandbox`: where to listen and which test credentials to accept.
/// The defaults are the sandbox's documented public test values.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on; loopback by default. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub addr: std::net::SocketAddr,
    /// POP server key the sandbox accepts and signs with.
    #[arg(long, default_value = veritrans_sandbox::Credentials::DEFAULT_POP_SERVER_KEY)]
    pub pop_server_key: String,
    /// Unified API Bearer token the sandbox accepts.
    #[arg(long, default_value = veritrans_sandbox::Credentials::DEFAULT_UNIFIED_TOKEN)]
    pub unified_token: String,
    /// Unified API merchant CCID.
    #[arg(long, default_value = veritrans_sandbox::Credentials::DEFAULT_MERCHANT_CCID)]
    pub merchant_ccid: String,
    /// Unified API merchant authentication key (signs webhooks and redirects).
    #[arg(long, default_value = veritrans_sandbox::Credentials::DEFAULT_MERCHANT_AUTH_KEY)]
    pub merchant_auth_key: String,
    /// 3-D Secure (MPI) server key (signs pushes).
    #[arg(long, default_value = veritrans_sandbox::Credentials::DEFAULT_MPI_SERVER_KEY)]
    pub mpi_server_key: String,
    /// J-Payment store ID (`aid`, six digits).
    #[arg(long, default_value = veritrans_sandbox::Credentials::DEFAULT_JPAYMENT_AID)]
    pub jpayment_aid: String,
    /// Log entries kept per gateway; older ones are evicted (bounded memory).
    #[arg(long, default_value_t = veritrans_sandbox::Retention::DEFAULT_LOG_ENTRIES)]
    pub retain_log_entries: usize,
    /// Finished deliveries kept per gateway; older ones are evicted (bounded memory).
    #[arg(long, default_value_t = veritrans_sandbox::Retention::DEFAULT_FINISHED_DELIVERIES)]
    pub retain_deliveries: usize,
    /// Unified API guide version to emulate (its codes, limits and hosts); default: the
    /// latest. The known versions are the generated ones.
    #[arg(
        long,
        value_parser = clap::builder::PossibleValuesParser::new(
            veritrans_sandbox::GuideVersions::known_unified()
        )
    )]
    pub unified_version: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SignScheme {
    /// POP redirect (form body) or push (JSON object) notification: prints the `signature`.
    Pop {
        #[command(flatten)]
        key: PopKey,
        #[command(flatten)]
        input: Input,
    },
    /// Unified API webhook: prints the whole `X-VT-Content-hmac` header value.
    UnifiedWebhook {
        #[command(flatten)]
        merchant: Merchant,
        #[command(flatten)]
        input: Input,
    },
    /// Unified API redirect: prints the `vAuthInfo` for the query's `authParams`.
    UnifiedRedirect {
        #[command(flatten)]
        merchant: Merchant,
        /// The redirect's query string (with or without a leading `?`); it holds `authParams`.
        #[arg(long)]
        query: String,
    },
    /// 3-D Secure (MPI) push: prints the `Authorization` header value.
    MpiPush {
        #[command(flatten)]
        key: MpiKey,
        #[command(flatten)]
        input: Input,
    },
}

#[derive(Debug, Subcommand)]
pub enum VerifyScheme {
    /// POP redirect (form body) or push (JSON object) carrying `signature`.
    Pop {
        #[command(flatten)]
        key: PopKey,
        #[command(flatten)]
        input: Input,
    },
    /// Unified API webhook body against its `X-VT-Content-hmac` header.
    UnifiedWebhook {
        #[command(flatten)]
        merchant: Merchant,
        /// The received `X-VT-Content-hmac` header value.
        #[arg(long)]
        header: String,
        #[command(flatten)]
        input: Input,
    },
    /// Unified API redirect query carrying `authParams` and `vAuthInfo`.
    UnifiedRedirect {
        #[command(flatten)]
        merchant: Merchant,
        /// The redirect's query string (with or without a leading `?`).
        #[arg(long)]
        query: String,
        /// The `paymentId` your payment request used. The guide requires this
        /// check: a valid redirect of another order must not pass. Without it
        /// only the signature is checked, and a warning says so.
        #[arg(long)]
        payment_id: Option<String>,
    },
    /// 3-D Secure (MPI) push body against its `Authorization` header.
    MpiPush {
        #[command(flatten)]
        key: MpiKey,
        /// The received `Authorization` header value (`Basic …`).
        #[arg(long)]
        authorization: String,
        #[command(flatten)]
        input: Input,
    },
}

/// The message: a file, or standard input when absent or `-`; read as raw bytes.
#[derive(Debug, Args)]
pub struct Input {
    /// File holding the raw message body; standard input when absent or `-`.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PopKey {
    /// POP server key (POP_SERVER_KEY on the MAP's API settings page).
    #[arg(long, env = "POP_SERVER_KEY", hide_env_values = true)]
    pub server_key: String,
}

#[derive(Debug, Args)]
pub struct Merchant {
    /// Merchant CCID (Unified API configuration information).
    #[arg(long, env = "VERITRANS_MERCHANT_CCID")]
    pub ccid: String,
    /// Merchant authentication key (Unified API configuration information).
    #[arg(long, env = "VERITRANS_MERCHANT_AUTH_KEY", hide_env_values = true)]
    pub auth_key: String,
}

#[derive(Debug, Args)]
pub struct MpiKey {
    /// 3-D Secure (MPI) server key.
    #[arg(long, env = "MPI_SERVER_KEY", hide_env_values = true)]
    pub server_key: String,
}
