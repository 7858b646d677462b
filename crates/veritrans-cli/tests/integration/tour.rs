//! `veritrans tour` as a newcomer runs it: it exits 0, every step of the tour
//! is in the closing table as passed, progress is printed before the table,
//! and nothing printed is a secret.

#![allow(clippy::unwrap_used)] // a test that cannot run should fail loudly

use std::process::Command;
use std::time::{Duration, Instant};

/// The steps the tour must show, with their gateway, in order. Written here
/// independently of the tour's code: a step renamed, dropped or reordered
/// fails this test.
const EXPECTED: &[(&str, &str)] = &[
    ("POP payment key", "pop"),
    ("card payment on the POP page", "pop"),
    ("POP push verified by the merchant", "pop"),
    ("PayPay pay 1000 yen", "unified"),
    ("consumer pays on the provider page", "unified"),
    ("webhook verified by the merchant", "unified"),
    ("duplicate webhook recognised and skipped", "unified"),
    ("getTransactionResult", "unified"),
    ("capture", "unified"),
    ("partial refund 300 yen", "unified"),
    ("Rakuten Pay subscribe", "unified"),
    ("consumer agrees to the subscription", "unified"),
    ("on-demand charge 500 yen", "unified"),
    ("simulated provider failure (amount 1008)", "unified"),
    ("register a user", "jpayment"),
    ("register a card from a test token", "jpayment"),
    ("one-touch charge 1000 + 80 yen", "jpayment"),
    ("start 3-D Secure with a test card", "mpi"),
    ("cardholder completes the ACS step", "mpi"),
    ("push verified by the merchant", "mpi"),
    ("search and decide: ship", "mpi"),
    ("failed authentication: don't ship", "mpi"),
    ("tampered webhook rejected", "unified"),
    ("invalid request caught before sending", "unified"),
    ("lost answer resent with its idempotency key", "unified"),
];

/// A table row split on its column gaps: number, step, gateway, outcome, ms.
fn row(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn the_tour_passes_every_step_and_says_so_in_its_table() {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_veritrans"))
        .arg("tour")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");

    let header = stdout
        .lines()
        .position(|l| l.starts_with(" #  step"))
        .unwrap_or_else(|| panic!("no table in:\n{stdout}"));
    let rows: Vec<Vec<String>> = stdout
        .lines()
        .skip(header + 2)
        .take_while(|l| {
            l.chars()
                .next()
                .is_some_and(|c| c == ' ' || c.is_ascii_digit())
        })
        .map(row)
        .collect();
    assert_eq!(rows.len(), EXPECTED.len(), "table:\n{stdout}");
    for (i, ((name, gateway), cells)) in EXPECTED.iter().zip(&rows).enumerate() {
        assert_eq!(cells.len(), 5, "row {cells:?}");
        assert_eq!(cells[0], (i + 1).to_string(), "row {cells:?}");
        assert_eq!((cells[1].as_str(), cells[2].as_str()), (*name, *gateway));
        assert_eq!(cells[3], "passed", "row {cells:?}");
        assert!(cells[4].parse::<u64>().is_ok(), "row {cells:?}");
        // Narrated while it ran: a start line and an end line, before the table.
        let start = format!("] {gateway:<8} {name} ...");
        let end = format!("] {gateway:<8} {name} -> ok (");
        let at_start = stdout
            .find(&start)
            .unwrap_or_else(|| panic!("no `{start}`"));
        let at_end = stdout.find(&end).unwrap_or_else(|| panic!("no `{end}`"));
        assert!(at_start < at_end, "{name}");
    }
    let verdict = stdout.lines().last().unwrap_or_default();
    assert!(
        verdict.starts_with(&format!("all {} steps passed in ", EXPECTED.len())),
        "{verdict}"
    );
    assert!(!stdout.contains("FAILED"), "{stdout}");

    // Secrets: the sandbox's test credentials are public, but the tour has no
    // reason to print them; a merchant copying its code must not either.
    let c = veritrans_sandbox::Credentials::default();
    for secret in [
        c.unified_token.expose_secret(),
        c.merchant_auth_key.expose_secret(),
        c.mpi_server_key.expose_secret(),
        c.pop_server_key.expose_secret(),
    ] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    // Card numbers appear only masked.
    for card in [
        "4111111111111111",
        "4111 1111 1111 1111",
        "5555444455554442",
    ] {
        assert!(!stdout.contains(card), "{stdout}");
    }
}
