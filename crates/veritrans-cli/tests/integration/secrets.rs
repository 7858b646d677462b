//! The `veritrans` command never prints a key, on any path that fails: every
//! `sign` and `verify` scheme with forged, malformed, missing and unreadable
//! input, keys given as flags and as environment variables, usage errors
//! after a key, and a sandbox that cannot start with custom keys. (The
//! sandbox's start-up line prints the credentials it accepts on purpose, for
//! clients to configure themselves; that success path is not run here.)
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

const POP_KEY: &str = "SECRET-POP-KEY-7f3a91c2";
const AUTH_KEY: &str = "SECRET-AUTH-KEY-4b1e08d7";
const MPI_KEY: &str = "SECRET-MPI-KEY-2c8d55a0";
const TOKEN: &str = "SECRET-UNIFIED-TOKEN-5e0f3b";
const SECRETS: &[&str] = &[POP_KEY, AUTH_KEY, MPI_KEY, TOKEN];

/// Runs the command; returns its exit code after checking that neither
/// output shows a key.
fn run(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> i32 {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_veritrans"));
    cmd.args(args)
        .env_remove("POP_SERVER_KEY")
        .env_remove("MPI_SERVER_KEY")
        .env_remove("VERITRANS_MERCHANT_CCID")
        .env_remove("VERITRANS_MERCHANT_AUTH_KEY")
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    for secret in SECRETS {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "`veritrans {}` printed {secret}:\n{stdout}\n{stderr}",
            args.join(" ")
        );
    }
    out.status.code().unwrap_or(-1)
}

#[test]
fn failing_sign_and_verify_never_print_a_key() {
    let pop = ["--server-key", POP_KEY];
    let merchant = ["--ccid", "sampleCcId", "--auth-key", AUTH_KEY];
    let mpi = ["--server-key", MPI_KEY];
    let forged_push = br#"{"order_id":"o-1","status":"success","signature":"00"}"#;
    let cases: Vec<(Vec<&str>, &[u8])> = vec![
        // Forged, malformed and empty POP messages.
        ([&["verify", "pop"][..], &pop].concat(), forged_push),
        ([&["verify", "pop"][..], &pop].concat(), b"{"),
        ([&["verify", "pop"][..], &pop].concat(), b"a=%zz"),
        ([&["verify", "pop"][..], &pop].concat(), b""),
        ([&["sign", "pop"][..], &pop].concat(), b"{\"a\":"),
        (
            [&["verify", "pop"][..], &pop, &["/nonexistent/file"]].concat(),
            b"",
        ),
        // Unified webhooks and redirects: forged, malformed, wrong algorithm.
        (
            [
                &["verify", "unified-webhook"][..],
                &merchant,
                &["--header", "sampleCcId:HmacSHA512:00"],
            ]
            .concat(),
            b"{}",
        ),
        (
            [
                &["verify", "unified-webhook"][..],
                &merchant,
                &["--header", "garbage"],
            ]
            .concat(),
            b"{}",
        ),
        (
            [
                &["verify", "unified-webhook"][..],
                &merchant,
                &["--header", "other:HmacSHA1:00"],
            ]
            .concat(),
            b"{}",
        ),
        (
            [
                &["verify", "unified-redirect"][..],
                &merchant,
                &[
                    "--query",
                    "status=success&vAuthInfo=00",
                    "--payment-id",
                    "p",
                ],
            ]
            .concat(),
            b"",
        ),
        (
            [
                &["verify", "unified-redirect"][..],
                &merchant,
                &["--query", "a=%"],
            ]
            .concat(),
            b"",
        ),
        (
            [
                &["sign", "unified-redirect"][..],
                &merchant,
                &["--query", "authParams=%%%"],
            ]
            .concat(),
            b"",
        ),
        // MPI pushes.
        (
            [
                &["verify", "mpi-push"][..],
                &mpi,
                &["--authorization", "Basic AAAA"],
            ]
            .concat(),
            b"{}",
        ),
        (
            [
                &["verify", "mpi-push"][..],
                &mpi,
                &["--authorization", "Bearer x"],
            ]
            .concat(),
            b"{}",
        ),
        // Usage errors after a key was given.
        (
            [&["verify", "pop"][..], &pop, &["--no-such-flag"]].concat(),
            b"",
        ),
        ([&["sign", "mpi-push"][..], &mpi, &["a", "b"]].concat(), b""),
    ];
    for (args, stdin) in &cases {
        let code = run(args, &[], stdin);
        assert_ne!(code, 0, "`veritrans {}` succeeded", args.join(" "));
    }
    // Keys from the environment, same failures.
    let env = [
        ("POP_SERVER_KEY", POP_KEY),
        ("MPI_SERVER_KEY", MPI_KEY),
        ("VERITRANS_MERCHANT_CCID", "sampleCcId"),
        ("VERITRANS_MERCHANT_AUTH_KEY", AUTH_KEY),
    ];
    assert_ne!(run(&["verify", "pop"], &env, forged_push), 0);
    assert_ne!(
        run(&["verify", "unified-webhook", "--header", "x"], &env, b"{}"),
        0
    );
    assert_ne!(
        run(&["verify", "mpi-push", "--authorization", "x"], &env, b"{}"),
        0
    );
    // The successful paths print signatures, never the keys they came from.
    assert_eq!(run(&["sign", "pop"], &env, b"{\"order_id\":\"o\"}"), 0);
    assert_eq!(run(&["sign", "mpi-push"], &env, b"{}"), 0);
}

#[test]
fn a_sandbox_that_cannot_start_never_prints_its_keys() {
    // The address is taken, so the sandbox fails right after reading its keys.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let code = run(
        &[
            "sandbox",
            "--addr",
            &addr,
            "--pop-server-key",
            POP_KEY,
            "--unified-token",
            TOKEN,
            "--merchant-auth-key",
            AUTH_KEY,
            "--mpi-server-key",
            MPI_KEY,
        ],
        &[],
        b"",
    );
    assert_ne!(code, 0);
}
