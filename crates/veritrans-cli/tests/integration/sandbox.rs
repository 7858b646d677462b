//! `veritrans sandbox` as a merchant runs it: one JSON line on start-up,
//! a live server at the printed address, a clean stop on Ctrl-C (SIGINT).
#![allow(clippy::unwrap_used)] // a test helper that cannot run should fail loudly

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Starts `veritrans sandbox` on a free loopback port with `extra` arguments and
/// returns the child with its start-up line (JSON).
fn start(extra: &[&str]) -> (std::process::Child, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_veritrans"))
        .args(["sandbox", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let line = serde_json::from_str(&first).unwrap();
    (child, line)
}

#[test]
fn prints_its_start_up_line_serves_and_stops_on_ctrl_c() {
    let (mut child, line) = start(&[
        "--jpayment-aid",
        "123456",
        "--retain-log-entries",
        "50",
        "--retain-deliveries",
        "7",
    ]);

    let addr = line["addr"].as_str().unwrap().to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    assert_eq!(line["base_url"], format!("http://{addr}"));
    assert_eq!(line["credentials"]["jpayment_aid"], "123456");
    assert_eq!(
        line["credentials"]["pop_server_key"],
        veritrans_sandbox::Credentials::DEFAULT_POP_SERVER_KEY
    );
    assert!(line["gateways"].is_array(), "{line}");

    let health = http_get(&addr, "/_sandbox/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // The retention flags reach the sandbox.
    let body = health.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let health_json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        health_json["retention"],
        serde_json::json!({"logEntries": 50, "finishedDeliveries": 7}),
        "{health}"
    );

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status after Ctrl-C: {status}");
}

/// `--unified-version` chooses the Unified API guide version the sandbox emulates; the
/// start-up line and `/_sandbox/health` name it with the hosts its guide lists (1.1.1 RC
/// still lists the old `.co.jp` domains: unified-api-1.1.3.en.txt, Revision History,
/// 1.1.3 item 6 "Removed 'Notice' and modified to include only the new URL").
#[test]
fn unified_version_chooses_the_emulated_guide() {
    let (mut child, line) = start(&["--unified-version", "1.1.1-rc"]);
    assert_eq!(line["versions"]["unified"], "1.1.1-rc", "{line}");
    let addr = line["addr"].as_str().unwrap().to_owned();
    let health = http_get(&addr, "/_sandbox/health");
    let body = health.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let health: serde_json::Value = serde_json::from_str(body).unwrap();
    let unified = &health["versions"]["unified"];
    assert_eq!(unified["version"], "1.1.1-rc", "{health}");
    let servers = unified["servers"].as_array().unwrap();
    assert!(
        servers
            .iter()
            .any(|s| s.as_str().unwrap().ends_with(".co.jp")),
        "{health}"
    );
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert!(child.wait().unwrap().success());
}

/// An unknown version is refused before anything starts, naming the known ones.
#[test]
fn an_unknown_unified_version_is_refused_naming_the_known_ones() {
    let out = Command::new(env!("CARGO_BIN_EXE_veritrans"))
        .args([
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--unified-version",
            "1.1.2",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1.1.2") && stderr.contains("1.1.1-rc") && stderr.contains("1.1.3"),
        "{stderr}"
    );
}

#[test]
fn an_address_in_use_is_a_one_line_error_with_exit_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_veritrans"))
        .args(["sandbox", "--addr", &addr])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
}
