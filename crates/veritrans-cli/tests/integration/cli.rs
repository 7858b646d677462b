//! The `veritrans` command as a merchant runs it: exit statuses, outputs,
//! and no secret in anything it prints.
//!
//! Expected signatures were computed independently of this workspace, with
//! Python's `hashlib`/`hmac`/`base64`; each constant names its one-liner.

#![allow(clippy::unwrap_used)] // a test helper that cannot run should fail loudly

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const KEY: &str = "cli-Secret-Key-9f2";
const CCID: &str = "sampleCcId";

// python3: hmac.new(KEY, CCID + WEBHOOK_BODY + KEY, hashlib.sha512).hexdigest()
const WEBHOOK_BODY: &[u8] = br#"{"paymentId":"pay_0001","status":"success","amount":"1200"}"#;
const WEBHOOK_HMAC: &str = "c4876cf5b817ed70884b9deb539084574ce6c142381150b8529fcd01acd3d0d611a55eba7558e42295755d695c75d203290200fd02eb8ae53d58019933740f2e";

// python3: base64.b64encode(b"status,paymentId,fepOrderId,paymentId")
const AUTH_PARAMS: &str = "c3RhdHVzLHBheW1lbnRJZCxmZXBPcmRlcklkLHBheW1lbnRJZA==";
// python3: hashlib.sha512((CCID + "success" + "pay_0001" + "fep_0001" + "pay_0001" + KEY).encode()).hexdigest()
const V_AUTH_INFO: &str = "d2104ac640325fd2fb15efb06c6d71f93ca71989ee964a8be9ec4e9556be910c04ea4b8610551fbbc40586a7a5c0308cfea130ac0940eb54f279f9a8b6de452d";

// python3: hashlib.sha256(MPI_BODY + KEY).hexdigest()
const MPI_BODY: &[u8] = br#"{"push_time":"2015-03-30 18:36:42","push_id":"00000080","data":[]}"#;
const MPI_DIGEST: &str = "c55eb603cb86e9d55e6d2e90e8e394d186b6e9c96c1d886904480a5194061514";

// python3: sorted decoded pairs joined "k=v" with "&", + ":" + KEY, sha512
const POP_FORM: &str = "order_id=ORDER%2D0001&status=success&dummy=true&payment_type=card&transaction_datetime=20261123153000&merchant_id=A100000000000001069951&result_code=R000&masked_card_number=411111*11&customer+note=hello+world";
const POP_FORM_SIGNATURE: &str = "1578be60447a02b7b996ad779065615c9953348b47827fa635f7f86e8e8451f48d9843576f155a300351cb9a7e603b910056e65fa1a968c64f963393e5e8ee93";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn veritrans(args: &[&str], stdin: &[u8]) -> Run {
    veritrans_env(args, stdin, &[])
}

fn veritrans_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_veritrans"));
    cmd.args(args)
        .env_remove("POP_SERVER_KEY")
        .env_remove("MPI_SERVER_KEY")
        .env_remove("VERITRANS_MERCHANT_CCID")
        .env_remove("VERITRANS_MERCHANT_AUTH_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    // A command that fails before reading its input closes the pipe early.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let run = Run {
        code: status.code().unwrap(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "a secret was printed: {} {}",
        run.stdout,
        run.stderr
    );
    run
}

fn sample(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "../../examples/notifications",
        name,
    ]
    .iter()
    .collect();
    path.to_str().unwrap().to_owned()
}

fn redirect_query(payment_id: &str) -> String {
    format!(
        "?status=success&paymentId={payment_id}&fepOrderId=fep_0001&authParams={}&vAuthInfo={V_AUTH_INFO}",
        AUTH_PARAMS.replace('=', "%3D")
    )
}

#[test]
fn readme_sample_push_verifies_and_its_tampered_copy_does_not() {
    let key = "Test-POP-Server-Key";
    let ok = veritrans(
        &[
            "verify",
            "pop",
            "--server-key",
            key,
            &sample("pop-card-push.json"),
        ],
        b"",
    );
    assert_eq!(
        (ok.code, ok.stdout.as_str()),
        (0, "valid\n"),
        "{}",
        ok.stderr
    );

    let bad = veritrans(
        &[
            "verify",
            "pop",
            "--server-key",
            key,
            &sample("pop-card-push-tampered.json"),
        ],
        b"",
    );
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("does not match"), "{}", bad.stderr);
    assert_eq!(
        bad.stderr.lines().count(),
        1,
        "one-line reason: {}",
        bad.stderr
    );
}

#[test]
fn pop_form_body_signs_and_verifies_from_stdin() {
    let signed = veritrans(&["sign", "pop", "--server-key", KEY], POP_FORM.as_bytes());
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    assert_eq!(signed.stdout.trim(), POP_FORM_SIGNATURE);

    let body = format!("{POP_FORM}&signature={POP_FORM_SIGNATURE}");
    let ok = veritrans(
        &["verify", "pop", "--server-key", KEY, "-"],
        body.as_bytes(),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    let tampered = body.replace("ORDER%2D0001", "ORDER%2D0002");
    let bad = veritrans(&["verify", "pop", "--server-key", KEY], tampered.as_bytes());
    assert_eq!(bad.code, 1);
}

#[test]
fn pop_key_can_come_from_the_environment() {
    let body = format!("{POP_FORM}&signature={POP_FORM_SIGNATURE}");
    let ok = veritrans_env(
        &["verify", "pop"],
        body.as_bytes(),
        &[("POP_SERVER_KEY", KEY)],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn pop_malformed_inputs_exit_2_with_a_reason() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty body", b"", "empty"),
        ("no signature", b"order_id=A", "signature"),
        ("duplicate key", b"a=1&a=2&signature=00", "duplicate"),
        ("invalid UTF-8", b"order_id=%FF&signature=00", "UTF-8"),
        ("short signature", b"order_id=A&signature=abcd", "128"),
        (
            "nested JSON",
            br#"{"a":[1],"signature":"00"}"#,
            "flat object",
        ),
    ];
    for (what, body, needle) in cases {
        let run = veritrans(&["verify", "pop", "--server-key", KEY], body);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{what}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{what}: {}", run.stderr);
    }
}

#[test]
fn unified_webhook_sign_prints_the_whole_header_and_verify_checks_it() {
    let signed = veritrans(
        &["sign", "unified-webhook", "--ccid", CCID, "--auth-key", KEY],
        WEBHOOK_BODY,
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let header = format!("h=HmacSHA512;s={CCID};v={WEBHOOK_HMAC}");
    assert_eq!(signed.stdout.trim(), header);

    let verify = |header: &str, body: &[u8]| {
        veritrans(
            &[
                "verify",
                "unified-webhook",
                "--ccid",
                CCID,
                "--auth-key",
                KEY,
                "--header",
                header,
            ],
            body,
        )
    };
    assert_eq!(verify(&header, WEBHOOK_BODY).code, 0);
    // Lenient parsing: spaces, another field order, upper-case hex.
    let loose = format!(
        " v = {} ; s={CCID}; h=HmacSHA512 ",
        WEBHOOK_HMAC.to_uppercase()
    );
    assert_eq!(verify(&loose, WEBHOOK_BODY).code, 0);

    let mut altered = WEBHOOK_BODY.to_vec();
    altered[2] ^= 1;
    assert_eq!(verify(&header, &altered).code, 1);
    assert_eq!(
        verify(&header.replace(CCID, "otherCcId"), WEBHOOK_BODY).code,
        1
    );
    assert_eq!(
        verify(&header.replace("HmacSHA512", "HmacSHA1"), WEBHOOK_BODY).code,
        2
    );
    assert_eq!(
        verify(&format!("h=HmacSHA512;s={CCID}"), WEBHOOK_BODY).code,
        2
    );
}

#[test]
fn unified_redirect_sign_and_verify() {
    let merchant = ["--ccid", CCID, "--auth-key", KEY];
    let query = redirect_query("pay_0001");
    let without_v = query.split("&vAuthInfo").next().unwrap().to_owned();

    let mut args = vec!["sign", "unified-redirect"];
    args.extend(merchant);
    args.extend(["--query", &without_v]);
    let signed = veritrans(&args, b"");
    assert_eq!(
        (signed.code, signed.stdout.trim()),
        (0, V_AUTH_INFO),
        "{}",
        signed.stderr
    );

    let verify = |query: &str, payment_id: Option<&str>| {
        let mut args = vec!["verify", "unified-redirect"];
        args.extend(merchant);
        args.extend(["--query", query]);
        if let Some(id) = payment_id {
            args.extend(["--payment-id", id]);
        }
        veritrans(&args, b"")
    };
    assert_eq!(verify(&query, Some("pay_0001")).code, 0);

    // A validly signed redirect of another payment is a mismatch, as the guide requires.
    let replayed = verify(&query, Some("pay_0002"));
    assert_eq!(replayed.code, 1);
    assert!(replayed.stderr.contains("paymentId"), "{}", replayed.stderr);

    let unchecked = verify(&query, None);
    assert_eq!(unchecked.code, 0);
    assert!(
        unchecked.stderr.contains("--payment-id"),
        "{}",
        unchecked.stderr
    );

    assert_eq!(verify(&redirect_query("pay_0002"), None).code, 1);
    assert_eq!(
        verify(&query.replace("authParams=c3", "authParams=!!"), None).code,
        2
    );
    assert_eq!(
        verify(&query.replace("&fepOrderId=fep_0001", ""), None).code,
        2
    );
}

#[test]
fn mpi_push_sign_and_verify() {
    let signed = veritrans(&["sign", "mpi-push", "--server-key", KEY], MPI_BODY);
    let authorization = format!("Basic {MPI_DIGEST}");
    assert_eq!(
        (signed.code, signed.stdout.trim()),
        (0, authorization.as_str())
    );

    let verify = |authorization: &str, body: &[u8]| {
        veritrans(
            &[
                "verify",
                "mpi-push",
                "--server-key",
                KEY,
                "--authorization",
                authorization,
            ],
            body,
        )
    };
    assert_eq!(verify(&authorization, MPI_BODY).code, 0);
    assert_eq!(verify(&authorization, &MPI_BODY[1..]).code, 1);
    assert_eq!(verify(MPI_DIGEST, MPI_BODY).code, 2, "no `Basic ` prefix");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(veritrans(&["verify", "pop"], b"a=b").code, 2, "no key");
    assert_eq!(veritrans(&["frobnicate"], b"").code, 2);
    let missing = veritrans(
        &["sign", "mpi-push", "--server-key", KEY, "/nonexistent/file"],
        b"",
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("/nonexistent/file"),
        "{}",
        missing.stderr
    );
}

#[test]
fn help_names_the_environment_variables_but_never_their_values() {
    let env = [
        ("POP_SERVER_KEY", KEY),
        ("MPI_SERVER_KEY", KEY),
        ("VERITRANS_MERCHANT_AUTH_KEY", KEY),
    ];
    for sub in [
        ["verify", "pop"],
        ["verify", "mpi-push"],
        ["sign", "unified-webhook"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        // veritrans_env asserts that KEY appears nowhere in the output.
        let help = veritrans_env(&args, b"", &env);
        assert_eq!(help.code, 0);
        assert!(
            [
                "POP_SERVER_KEY",
                "MPI_SERVER_KEY",
                "VERITRANS_MERCHANT_AUTH_KEY"
            ]
            .iter()
            .any(|v| help.stdout.contains(v)),
            "{}",
            help.stdout
        );
    }
}
