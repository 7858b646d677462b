//! `veritrans`: sign and verify VeriTrans notifications while debugging an
//! integration, run the local sandbox, or take the tour.
//!
//! Exit status: 0 valid (or signed, or every tour step passed), 1 the
//! signature does not match (or a tour step failed), 2 bad usage or
//! malformed input (one line on standard error says why). Nothing it prints
//! ever contains a secret beyond the sandbox's public test credentials
//! (`veritrans sandbox` prints those on purpose).
#![forbid(unsafe_code)]

mod args;
mod input;
mod run;
mod sandbox;
mod tour;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let command = match cli.command {
        args::Command::Sandbox(sandbox_args) => return sandbox::serve(sandbox_args),
        args::Command::Tour => return tour::run(),
        other => other,
    };
    match run::run(command) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    }
}
