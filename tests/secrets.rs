//! No key appears in any `Display`, `Debug`, log line or snapshot.
//!
//! Every crate is driven through the error paths a merchant can reach — bad
//! and forged notifications, refused and failed requests, invalid keys —
//! with recognisable key values, and everything the crates produce on the way
//! is searched for them: each error's `Display` and `Debug` and its whole
//! `source()` chain, the keys' and clients' own `Debug`, the sandbox's
//! answers, ledger and delivery log, the merchant server's refusal reasons,
//! and every `tracing` line (a subscriber at TRACE writing to a buffer).
//! The CLI's turn is `crates/veritrans-cli/tests/integration/secrets.rs`. Finally every
//! `**/snapshots/*.snap` in the repository is searched for these keys and for
//! the sandbox's default secret values.
//!
//! The README's rule under test: "Keys live in types whose `Debug` and
//! `Display` print `[redacted]`; errors never contain them".
//!
//! The tracing output is also checked the other way round (issue #16, item 5):
//! the spans and events each client and verifier must emit are *there*
//! ([`assert_traced`]; a capture that saw no tracing at all would prove
//! nothing), and no test card number of the sandbox appears in it unmasked
//! ([`test_card_numbers`]).
#![allow(clippy::unwrap_used)]

use std::error::Error as StdError;
use std::path::Path;
use std::sync::OnceLock;

use e2e::raw_http;
use reqwest::Method;
use serde_json::json;
use veritrans::jpayment::{self, Charset, Operation as _, UserKey};
use veritrans::mpi;
use veritrans::pop;
use veritrans::sign::{self, MerchantAuthKey, MpiServerKey, PopServerKey};
use veritrans::unified::{self, MerchantKeys, UnifiedToken};
use veritrans_core::trace::Capture;
use veritrans_sandbox::merchant::Merchant;
use veritrans_sandbox::{Credentials, Sandbox, Secret};

const POP_KEY: &str = "SECRET-POP-KEY-7f3a91c2";
const AUTH_KEY: &str = "SECRET-AUTH-KEY-4b1e08d7";
const MPI_KEY: &str = "SECRET-MPI-KEY-2c8d55a0";
const TOKEN: &str = "SECRET-UNIFIED-TOKEN-5e0f3b";
const WRONG_KEY: &str = "SECRET-WRONG-KEY-81d6e4";
const USER_KEY: &str = "SECRET-USER-KEY-0a9c";
/// The hex form of an HMAC key (its text is the secret, as is what it decodes to).
const HEX_AUTH_KEY: &str = "5345435245542d4845582d4b45592d3964";
const CCID: &str = "sampleCcId";

const SECRETS: &[&str] = &[
    POP_KEY,
    AUTH_KEY,
    MPI_KEY,
    TOKEN,
    WRONG_KEY,
    USER_KEY,
    HEX_AUTH_KEY,
    "SECRET-HEX-KEY-9d",
];

/// Every tracing line of the test process.
fn logs() -> &'static Capture {
    static LOGS: OnceLock<Capture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = Capture::new();
        tracing::subscriber::set_global_default(capture.subscriber()).unwrap();
        capture
    })
}

/// Every test card number the sandbox knows, unmasked: POP's, the MPI
/// scenario table's and J-Payment's refused cards. None may appear in the
/// tracing output (a masked `411111******1111` may).
fn test_card_numbers() -> Vec<&'static str> {
    let mut cards: Vec<&'static str> = pop::testing::TEST_CARDS
        .iter()
        .map(|card| card.number)
        .collect();
    cards.extend(
        mpi::testing::SCENARIOS
            .iter()
            .flat_map(|s| s.cards.iter().copied()),
    );
    cards.extend(
        jpayment::testing::REFUSED_CARDS
            .iter()
            .map(|card| card.number),
    );
    cards.sort_unstable();
    cards.dedup();
    cards
}

/// Fails unless every line of `expected` (spans and events of one gateway,
/// each a set of `field=value` fragments of one line) appears in `lines`.
fn assert_traced(lines: &str, gateway: &str, expected: &[&[&str]]) {
    for fragments in expected {
        let found = lines
            .lines()
            .any(|line| fragments.iter().all(|fragment| line.contains(fragment)));
        assert!(
            found,
            "{gateway}: no tracing line holds all of {fragments:?}"
        );
    }
}

/// Collects what was looked at, so the test can also say how much it checked.
#[derive(Default)]
struct Audit {
    looked_at: usize,
    leaks: Vec<String>,
}

impl Audit {
    fn text(&mut self, what: &str, text: &str) {
        self.looked_at += 1;
        for secret in SECRETS {
            if text.contains(secret) {
                self.leaks.push(format!("{what} shows {secret}: {text}"));
            }
        }
    }

    /// Display, Debug and the source chain of an error.
    fn error(&mut self, what: &str, e: &(dyn StdError + 'static)) {
        self.text(&format!("{what} (Display)"), &e.to_string());
        self.text(&format!("{what} (Debug)"), &format!("{e:?}"));
        let mut source = e.source();
        while let Some(s) = source {
            self.text(&format!("{what} (source)"), &format!("{s} / {s:?}"));
            source = s.source();
        }
    }

    fn result<T, E: StdError + 'static>(&mut self, what: &str, r: Result<T, E>) {
        match r {
            Ok(_) => self
                .leaks
                .push(format!("{what}: expected an error, got Ok")),
            Err(e) => self.error(what, &e),
        }
    }

    /// No test card number, unmasked.
    fn no_card_numbers(&mut self, what: &str, text: &str) {
        self.looked_at += 1;
        for card in test_card_numbers() {
            if text.contains(card) {
                self.leaks.push(format!("{what} shows card number {card}"));
            }
        }
    }

    fn debug_display(&mut self, what: &str, v: &(impl std::fmt::Debug + std::fmt::Display)) {
        self.text(&format!("{what} (Display)"), &v.to_string());
        self.text(&format!("{what} (Debug)"), &format!("{v:?}"));
    }
}

fn keys() -> (PopServerKey, MerchantAuthKey, MpiServerKey) {
    (
        PopServerKey::new(POP_KEY),
        MerchantAuthKey::new(AUTH_KEY),
        MpiServerKey::new(MPI_KEY),
    )
}

#[test]
fn keys_and_the_signing_crate_never_show_a_key() {
    let _ = logs();
    let mut audit = Audit::default();
    let (pop_key, auth_key, mpi_key) = keys();
    audit.debug_display("PopServerKey", &pop_key);
    audit.debug_display("MerchantAuthKey", &auth_key);
    audit.debug_display("MpiServerKey", &mpi_key);
    audit.debug_display("UnifiedToken", &UnifiedToken::new(TOKEN));
    audit.debug_display("sandbox Secret", &Secret::new(TOKEN));
    audit.debug_display("J-Payment UserKey", &UserKey::new(USER_KEY));
    let hex = MerchantAuthKey::with_hex_hmac_key(HEX_AUTH_KEY).unwrap();
    audit.debug_display("MerchantAuthKey (hex)", &hex);
    audit.text(
        "MerchantKeys",
        &format!("{:?}", MerchantKeys::new(CCID, auth_key.clone())),
    );
    // A key that is not hex: the error says why, not what.
    audit.result(
        "hex key, not hex",
        MerchantAuthKey::with_hex_hmac_key(AUTH_KEY),
    );
    audit.result(
        "hex key, odd",
        MerchantAuthKey::with_hex_hmac_key("SECRET-HEX-KEY-9d"),
    );

    // POP: a tampered signed form, and malformed bodies.
    let params = [("order_id", "o-1"), ("status", "success")];
    let signature = sign::pop::sign(&params, &pop_key);
    let tampered = [
        ("order_id", "o-2".to_string()),
        ("status", "success".to_string()),
        ("signature", signature.clone()),
    ];
    audit.result(
        "pop verify, tampered",
        sign::pop::verify(&tampered, &pop_key),
    );
    let wrong = PopServerKey::new(WRONG_KEY);
    let signed = [
        ("order_id", "o-1".to_string()),
        ("status", "success".to_string()),
        ("signature", signature),
    ];
    audit.result("pop verify, other key", sign::pop::verify(&signed, &wrong));
    audit.result("pop form", sign::pop::form_params(b"a=%zz"));
    audit.result("pop json", sign::pop::json_params(b"{\"a\":"));
    audit.text("pop authorization", &sign::pop::authorization(&pop_key));

    // Unified webhook: other CCID, tampered body, malformed header, other algorithm.
    let body = br#"{"order":{"paymentId":"p-1"}}"#;
    let header = sign::unified::sign_webhook(CCID, &auth_key, body);
    let forged = br#"{"order":{"paymentId":"p-2"}}"#;
    // Nor may an error reveal the signature the forged body would need.
    let would_need = sign::unified::sign_webhook(CCID, &auth_key, forged);
    let digest = would_need.rsplit(':').next().unwrap().to_string();
    let r = sign::unified::verify_webhook(CCID, &auth_key, &header, forged);
    let e = r.unwrap_err();
    audit.error("webhook, forged", &e);
    assert!(
        !format!("{e} {e:?}").contains(&digest),
        "the expected HMAC leaked: {e:?}"
    );
    audit.result(
        "webhook, ccid",
        sign::unified::verify_webhook("other", &auth_key, &header, body),
    );
    audit.result(
        "webhook, header",
        sign::unified::verify_webhook(CCID, &auth_key, "garbage", body),
    );
    let other_alg = header
        .replacen("sha512", "sha1", 1)
        .replacen("SHA512", "SHA1", 1);
    assert_ne!(other_alg, header);
    audit.result(
        "webhook, algorithm",
        sign::unified::verify_webhook(CCID, &auth_key, &other_alg, body),
    );
    audit.result(
        "webhook, other key",
        sign::unified::verify_webhook(CCID, &MerchantAuthKey::new(WRONG_KEY), &header, body),
    );

    // Unified redirect: unsigned, forged, and someone else's order.
    let query = "status=success&paymentId=p-1&authParams=c3RhdHVzLHBheW1lbnRJZA%3D%3D&vAuthInfo=00";
    let pairs = sign::unified::query_params(query).unwrap();
    audit.result(
        "redirect, forged",
        sign::unified::verify_redirect(CCID, &auth_key, &pairs, "p-1"),
    );
    audit.result("redirect, query", sign::unified::query_params("a=%"));

    // MPI push: tampered body and a malformed header.
    let push = br#"{"push_time":"2015-03-30 18:36:42","push_id":"1","data":[]}"#;
    let authorization = sign::mpi::authorization(push, &mpi_key);
    audit.result(
        "mpi, tampered",
        sign::mpi::verify(b"{}", &authorization, &mpi_key),
    );
    audit.result("mpi, header", sign::mpi::verify(push, "Bearer x", &mpi_key));
    audit.result(
        "mpi, other key",
        sign::mpi::verify(push, &authorization, &MpiServerKey::new(WRONG_KEY)),
    );
    assert_eq!(audit.leaks, Vec::<String>::new());
}

#[test]
fn protocol_crates_and_the_facade_never_show_a_key() {
    let _ = logs();
    let mut audit = Audit::default();
    let (pop_key, auth_key, mpi_key) = keys();
    let merchant_keys = MerchantKeys::new(CCID, auth_key.clone());

    // POP notifications, forged and malformed; through the facade too.
    let forged = br#"{"order_id":"o-1","status":"success","signature":"00"}"#;
    let e = pop::Push::verify_and_parse(forged, &pop_key).unwrap_err();
    audit.error("pop push", &e);
    audit.error("facade pop push", &veritrans::Error::from(e));
    audit.result(
        "pop push, not json",
        pop::Push::verify_and_parse(b"{", &pop_key),
    );
    audit.result(
        "pop redirect",
        pop::Redirect::verify_and_parse(b"order_id=o&signature=00", &pop_key, "o"),
    );

    // Unified notifications.
    let mut headers = http::HeaderMap::new();
    headers.insert("x-vt-content-hmac", "garbage".parse().unwrap());
    let e = unified::Webhook::verify_and_parse(&headers, b"{}", &merchant_keys).unwrap_err();
    audit.error("webhook", &e);
    audit.error("facade webhook", &veritrans::Error::from(e));
    let header = sign::unified::sign_webhook(CCID, &auth_key, b"{}");
    headers.insert("x-vt-content-hmac", header.parse().unwrap());
    audit.result(
        "webhook, forged",
        unified::Webhook::verify_and_parse(&headers, b"{\"a\":1}", &merchant_keys),
    );
    audit.result(
        "webhook, no id",
        unified::Webhook::verify_and_parse(&headers, b"{}", &merchant_keys),
    );
    audit.result(
        "redirect",
        unified::Redirect::verify_and_parse("status=success&vAuthInfo=00", &merchant_keys, "p-1"),
    );

    // J-Payment: kickbacks that do not parse, in both charsets.
    audit.result(
        "kickback",
        jpayment::kickback::parse(b"gid=&rst=9", Charset::Utf8),
    );
    audit.result(
        "kickback sjis",
        jpayment::kickback::parse(b"%82", Charset::ShiftJis),
    );

    // MPI pushes.
    let e = mpi::Push::verify_and_parse(b"{}", "Basic AAAA", &mpi_key).unwrap_err();
    audit.error("mpi push", &e);
    audit.error("facade mpi push", &veritrans::Error::from(e));
    audit.result("mpi search", mpi::SearchResponse::from_json(b"{"));
    audit.error(
        "facade sign",
        &veritrans::Error::from(sign::mpi::verify(b"", "x", &mpi_key).unwrap_err()),
    );
    assert_eq!(audit.leaks, Vec::<String>::new());
}

/// A sandbox holding the test keys, and a merchant server holding them too.
async fn sandbox() -> (veritrans_sandbox::RunningSandbox, Merchant) {
    let credentials = Credentials {
        pop_server_key: PopServerKey::new(POP_KEY),
        unified_token: Secret::new(TOKEN),
        merchant_ccid: CCID.into(),
        merchant_auth_key: MerchantAuthKey::new(AUTH_KEY),
        mpi_server_key: MpiServerKey::new(MPI_KEY),
        ..Credentials::default()
    };
    let sandbox = Sandbox::builder()
        .credentials(credentials)
        .start()
        .await
        .unwrap();
    let merchant = Merchant::start(sandbox.credentials()).await.unwrap();
    (sandbox, merchant)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_the_sandbox_and_its_logs_never_show_a_key() {
    let logs = logs();
    let mut audit = Audit::default();
    let (sandbox, merchant) = sandbox().await;
    let base = sandbox.base_url().to_string();
    audit.text(
        "sandbox credentials",
        &format!("{:?}", sandbox.credentials()),
    );
    audit.text("running sandbox", &format!("{sandbox:?}"));

    // POP: the right key pays (so the ledger and a signed push exist), a wrong
    // key is refused, and a dead address is a transport error.
    let pop_env = |base_url: &str| pop::Environment::custom(base_url, pop::Mode::Test);
    let client = pop::client::Client::new(PopServerKey::new(POP_KEY), pop_env(&base)).unwrap();
    audit.text("pop client", &format!("{client:?}"));
    let mut request = pop::types::PaymentKeyRequest::new("secrets-1", veritrans::yen(1000));
    request.push_url = Some(merchant.url("/pop/push"));
    request.success_url = Some(merchant.url("/pop/return/success/secrets-1"));
    let key = client.payment_key(&request).await.unwrap();
    let paid = raw_http::send(raw_http::request(Method::POST, format!("{base}/pop/v1/pay/{}", key.key))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            "payment_type=card&card_number=4111111111111111&card_expire=12%2F30&security_code=123",
        )
        ).await;
    audit.text("pop page", &paid.text());
    let wrong = pop::client::Client::new(PopServerKey::new(WRONG_KEY), pop_env(&base)).unwrap();
    let mut other = request.clone();
    other.order_id = "secrets-2".into();
    let e = wrong.payment_key(&other).await.unwrap_err();
    audit.error("pop, wrong key", &e);
    audit.error("facade pop, wrong key", &veritrans::Error::from(e));
    let dead = pop::client::Client::new(PopServerKey::new(POP_KEY), pop_env("http://127.0.0.1:9"))
        .unwrap();
    audit.result("pop, transport", dead.payment_key(&other).await);
    let mut live = other.clone();
    live.dummy = Some(false);
    audit.result("pop, dummy conflict", client.payment_key(&live).await);

    // Unified: a wrong token, an invalid request, a transport error.
    let unified_client = |token: &str, url: &str| {
        unified::client::Client::builder(
            unified::client::Environment::Custom {
                base_url: url.to_string(),
                mode: unified::validate::Mode::Test,
            },
            UnifiedToken::new(token),
        )
        .allow_local_push_url()
        .build()
        .unwrap()
    };
    let good = unified_client(TOKEN, &base);
    audit.text("unified client", &format!("{good:?}"));
    let pay = unified::PayRequest::new(
        unified::PayOrder::new(unified::PayType::Paypay, "secrets-u-1", 1000),
        unified::PayControl::returning_to(merchant.url("/unified/return/secrets-u-1"))
            .with_push_url(merchant.url("/unified/webhook")),
    );
    let answer = good.pay(&pay).await.unwrap();
    let page = unified::Answer::redirect_url(&answer).unwrap();
    let chosen = raw_http::send(raw_http::request(Method::GET, format!("{page}/pay"))).await;
    audit.text("provider page", &chosen.text());
    let e = unified_client(WRONG_KEY, &base)
        .send(&pay)
        .await
        .unwrap_err();
    audit.error("unified, wrong token", &e);
    audit.error("facade unified, wrong token", &veritrans::Error::from(e));
    audit.result(
        "unified, transport",
        unified_client(TOKEN, "http://127.0.0.1:9").send(&pay).await,
    );
    let mut invalid = pay.clone();
    invalid.order.amount = unified::yen(12_345_678); // PayPay: at most 7 digits
    audit.result("unified, invalid", good.send(&invalid).await);

    // J-Payment: a user with a card (token from a test card) charged, then
    // refused and unreachable.
    let jp = jpayment::Client::new(sandbox.jpayment_environment()).unwrap();
    let aid = sandbox.credentials().jpayment_aid.clone();
    let token: serde_json::Value = raw_http::send(
        raw_http::request(Method::POST, format!("{base}/_sandbox/jpayment/token"))
            .json(&json!({ "cn": "4111111111111111", "ed": "3012", "fn": "TARO", "ln": "YAMADA" })),
    )
    .await
    .json();
    let mut user = jpayment::RegisterUser::new(aid.as_str(), "secretsuser");
    user.email = Some("taro@example.jp".into());
    let user_key = jp.send(&user).await.unwrap().user_key;
    let card = jp
        .send(&jpayment::RegisterCard::new(
            aid.as_str(),
            "secretsuser",
            user_key.clone(),
            token["tkn"].as_str().unwrap(),
        ))
        .await
        .unwrap();
    let mut paid = jpayment::OnetouchCharge::new(
        aid.as_str(),
        jpayment::ReplyMethod::Response,
        "secretsuser",
        user_key,
        card.card_seq,
        jpayment::JobType::Capture,
        jpayment::yen(1000),
        jpayment::yen(0),
        jpayment::yen(0),
    );
    paid.order_ref = Some("secrets-jp-1".into());
    jp.send(&paid).await.unwrap();
    // A card slot the user does not have: the gateway refuses with its code.
    let no_card = jpayment::OnetouchCharge::new(
        aid.as_str(),
        jpayment::ReplyMethod::Response,
        "secretsuser",
        paid.user_key.clone(),
        9,
        jpayment::JobType::Capture,
        jpayment::yen(1000),
        jpayment::yen(0),
        jpayment::yen(0),
    );
    audit.result("jpayment, no such card", jp.send(&no_card).await);
    let charge = jpayment::OnetouchCharge::new(
        "999999",
        jpayment::ReplyMethod::Response,
        "nobody",
        UserKey::new(USER_KEY),
        1,
        jpayment::JobType::Capture,
        jpayment::yen(1000),
        jpayment::yen(0),
        jpayment::yen(0),
    );
    audit.text("onetouch request", &format!("{charge:?}"));
    audit.result("jpayment, refused", jp.send(&charge).await);
    let dead = jpayment::Client::new(jpayment::Environment::Custom {
        base_url: "http://127.0.0.1:9/gateway/".into(),
        mode: jpayment::Mode::Test,
    })
    .unwrap();
    audit.result("jpayment, transport", dead.send(&charge).await);
    // (`charge` is refused before sending: its key is longer than the guide's 10.)
    audit.result("jpayment, transport (sent)", dead.send(&paid).await);

    // MPI: a signed push to the merchant.
    let started: serde_json::Value = raw_http::send(
        raw_http::request(Method::POST, format!("{base}/mpi/mpi_charges")).json(&json!({
            "order_id": "secrets-3ds-1", "amount": 100, "card_number": "4111111111111111",
            "service_option_type": "mpi-company",
            "redirection_uri": merchant.url("/mpi/return"), "push_uri": merchant.url("/mpi/push"),
        })),
    )
    .await
    .json();
    let acs = started["redirect_url"].as_str().unwrap();
    let done = raw_http::send(raw_http::request(Method::POST, acs).body("")).await;
    audit.text("acs", &done.text());
    // The merchant's own checks of a push and a redirect, verified and refused.
    let mpi_key = MpiServerKey::new(MPI_KEY);
    let push = mpi::testing::PUSH_SAMPLE.as_bytes();
    let signed = mpi::testing::push_authorization(push, &mpi_key);
    mpi::Push::verify_and_parse(push, &signed, &mpi_key).unwrap();
    audit.result(
        "mpi push, other key",
        mpi::Push::verify_and_parse(push, &signed, &MpiServerKey::new(WRONG_KEY)),
    );
    let back = b"RequestId=r-1&OrderId=secrets-3ds-1";
    mpi::RedirectParameters::verify_and_parse(back, "secrets-3ds-1").unwrap();
    audit.result(
        "mpi redirect, other order",
        mpi::RedirectParameters::verify_and_parse(back, "secrets-3ds-2"),
    );

    // Requests with the wrong keys straight at the sandbox: its answers.
    for (path, auth) in [
        (
            "/pop/v1/payment-key",
            sign::pop::authorization(&PopServerKey::new(WRONG_KEY)),
        ),
        ("/fep/pay", format!("Bearer {WRONG_KEY}")),
    ] {
        let answer = raw_http::send(
            raw_http::request(Method::POST, format!("{base}{path}"))
                .header("authorization", auth)
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
        audit.text(&format!("sandbox answer to {path}"), &answer.text());
    }
    // Forged notifications at the merchant: its refusals.
    for path in ["/pop/push", "/unified/webhook", "/mpi/push"] {
        let answer = raw_http::send(
            raw_http::request(Method::POST, merchant.url(path))
                .header("authorization", format!("Basic {WRONG_KEY}"))
                .header(
                    "x-vt-content-hmac",
                    format!("{CCID}:hmac-sha512:{WRONG_KEY}"),
                )
                .body(r#"{"order_id":"x","signature":"00"}"#),
        )
        .await;
        audit.text(&format!("merchant answer at {path}"), &answer.text());
    }

    // Let the notifications arrive, then read everything the sandbox kept.
    let arrived = merchant
        .wait_for(std::time::Duration::from_secs(10), |s| {
            !s.pop_pushes.is_empty() && !s.webhooks.is_empty() && !s.pushes.is_empty()
        })
        .await;
    assert!(arrived, "the notifications did not arrive");
    let inspect = sandbox.inspect();
    audit.text(
        "ledger",
        &serde_json::to_string(&inspect.transactions()).unwrap(),
    );
    audit.text(
        "deliveries",
        &serde_json::to_string(&inspect.deliveries()).unwrap(),
    );
    merchant.seen(|s| {
        audit.text("merchant refusals", &s.rejected.join("\n"));
        audit.text("merchant seen", &format!("{s:?}"));
    });
    sandbox.shutdown().await.unwrap();

    let lines = logs.text();
    assert!(
        lines.contains("sandbox listening"),
        "the log capture saw nothing"
    );
    audit.text("tracing output", &lines);
    audit.no_card_numbers("tracing output", &lines);
    // No whole request or notification either: not the charge as sent (its
    // parameters), not the push's JSON body.
    let sent = paid.encode(Charset::Utf8).unwrap();
    for whole in [
        sent.as_str(),
        "uid=secretsuser",
        "\"push_time\"",
        "\"vresult_code\"",
    ] {
        assert!(!lines.contains(whole), "the tracing output holds {whole}");
    }
    let no_card_code = format!("result_code=\"{}\"", jpayment::testing::NO_CARD.code);
    assert_traced(
        &lines,
        "J-Payment",
        &[
            // A paid charge: its span with the order number, the attempt and the answer.
            &[
                "veritrans.request{",
                "gateway=\"jpayment\"",
                "operation=\"onetouch_charge\"",
                "order_id=\"secrets-jp-1\"",
                "attempt=1",
                "http_status=200",
                "latency_ms=",
                "answered",
            ],
            &[
                "gateway=\"jpayment\"",
                "operation=\"register_card\"",
                "answered",
            ],
            // Refused by the gateway (no card in that slot): its code.
            &[
                "gateway=\"jpayment\"",
                "operation=\"onetouch_charge\"",
                &no_card_code,
                "answered",
            ],
            // Refused before sending (a user key longer than the guide's 10).
            &[
                "gateway=\"jpayment\"",
                "refused before sending",
                "reason=invalid request",
            ],
            // Unreachable: a transport failure with the reason, not the URL.
            &[
                "gateway=\"jpayment\"",
                "transport failed",
                "reason=transport",
            ],
        ],
    );
    assert_traced(
        &lines,
        "MPI",
        &[
            &[
                "veritrans::verify",
                "gateway=\"mpi\"",
                "kind=\"push\"",
                "outcome=\"verified\"",
            ],
            &[
                "gateway=\"mpi\"",
                "kind=\"push\"",
                "outcome=\"refused\"",
                "reason=",
            ],
            &[
                "gateway=\"mpi\"",
                "kind=\"redirect\"",
                "outcome=\"verified\"",
            ],
            &[
                "gateway=\"mpi\"",
                "kind=\"redirect\"",
                "outcome=\"refused\"",
                "secrets-3ds-2",
            ],
        ],
    );
    assert!(audit.looked_at > 30, "{}", audit.looked_at);
    assert_eq!(audit.leaks, Vec::<String>::new());
    unified_is_traced(&lines);
    pop_is_traced(&lines);
}

/// The Unified client and verifiers did emit what `veritrans_core::trace` promises
/// (so the search above searched real output): the pay's span with every field, the
/// refusal before sending, the lost answers resent, and the webhook and redirect
/// checks at the merchant server, verified and refused.
fn unified_is_traced(lines: &str) {
    let gateway = "gateway=\"unified\"";
    assert_traced(
        lines,
        "Unified",
        &[
            &[
                "veritrans.request{",
                gateway,
                "operation=\"pay\"",
                "order_id=\"secrets-u-1\"",
                "idempotency_key=\"",
                "attempt=1",
                "http_status=200",
                "result_code=\"UA-000-001\"",
                "latency_ms=",
                "answered",
            ],
            &[gateway, "refused before sending", "order.amount"],
            &[gateway, "transport failed"],
            &[gateway, "resending", "delay_ms="],
            &[gateway, "kind=\"webhook\"", "outcome=\"verified\""],
            &[
                gateway,
                "kind=\"webhook\"",
                "outcome=\"refused\"",
                "reason=",
            ],
            &[gateway, "kind=\"redirect\"", "outcome=\"verified\""],
        ],
    );
}

/// The POP client's request spans and the push verifications are in the log
/// (a capture without them would prove nothing about what they record).
fn pop_is_traced(lines: &str) {
    let (span, gateway) = ("veritrans.request{", "gateway=\"pop\"");
    let operation = "operation=\"payment_key\"";
    assert_traced(
        lines,
        "POP",
        &[
            &[
                span,
                gateway,
                operation,
                "order_id=\"secrets-1\"",
                "sending",
                "attempt=1",
            ],
            &[
                span,
                gateway,
                operation,
                "order_id=\"secrets-1\"",
                "answered",
                "http_status=201",
                "result_code=\"R000\"",
            ],
            &[
                span,
                gateway,
                operation,
                "order_id=\"secrets-2\"",
                "answered",
                "http_status=401",
                "result_code=\"RC17\"",
            ],
            &[
                span,
                gateway,
                "order_id=\"secrets-2\"",
                "transport failed",
                "latency_ms=",
            ],
            &[
                span,
                gateway,
                "order_id=\"secrets-2\"",
                "refused before sending",
                "dummy = false",
            ],
            &[
                "veritrans::verify",
                gateway,
                "kind=\"push\"",
                "outcome=\"verified\"",
            ],
            &[
                "veritrans::verify",
                gateway,
                "kind=\"push\"",
                "outcome=\"refused\"",
            ],
        ],
    );
}

fn snapshots(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" {
                snapshots(&path, found);
            }
        } else if path.extension().is_some_and(|e| e == "snap")
            && path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|p| p == "snapshots")
        {
            found.push(path);
        }
    }
}

#[test]
fn no_snapshot_holds_a_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut found = Vec::new();
    snapshots(root, &mut found);
    assert!(
        found.len() > 10,
        "only {} snapshots found under {root:?}",
        found.len()
    );
    let defaults = [
        Credentials::DEFAULT_POP_SERVER_KEY,
        Credentials::DEFAULT_UNIFIED_TOKEN,
        Credentials::DEFAULT_MERCHANT_AUTH_KEY,
        Credentials::DEFAULT_MPI_SERVER_KEY,
    ];
    let mut audit = Audit::default();
    for path in &found {
        let text = std::fs::read_to_string(path).unwrap();
        audit.text(&path.display().to_string(), &text);
        for secret in defaults {
            if text.contains(secret) {
                audit
                    .leaks
                    .push(format!("{} holds {secret}", path.display()));
            }
        }
    }
    assert_eq!(audit.leaks, Vec::<String>::new());
}

/// The audit itself: a key planted in an error's source is found, so the
/// tests above can fail.
#[test]
fn the_audit_finds_a_planted_key() {
    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);
    let mut audit = Audit::default();
    audit.error(
        "planted",
        &Outer(std::io::Error::other(format!("key {POP_KEY}"))),
    );
    let in_source = audit
        .leaks
        .iter()
        .any(|l| l.starts_with("planted (source)"));
    assert!(in_source, "{:?}", audit.leaks);
}

/// The card-number check itself: an unmasked test card is found, a masked one
/// is not, and the list holds every gateway's cards.
#[test]
fn the_audit_finds_an_unmasked_card_number() {
    let cards = test_card_numbers();
    assert!(cards.contains(&"4111111111111111"), "{cards:?}");
    assert!(cards.contains(&"4000000000000002"), "{cards:?}");
    let mut audit = Audit::default();
    audit.no_card_numbers("masked", "card 411111******1111 paid");
    assert_eq!(audit.leaks, Vec::<String>::new());
    audit.no_card_numbers("planted", "card 4111111111111111 paid");
    assert_eq!(audit.leaks.len(), 1, "{:?}", audit.leaks);
}

/// The presence check itself: every fragment must be on one line.
#[test]
#[should_panic(expected = "no tracing line holds all of")]
fn the_tracing_check_fails_when_a_span_is_missing() {
    let lines = "gateway=\"jpayment\" sending\nanswered http_status=200\n";
    assert_traced(lines, "J-Payment", &[&["gateway=\"jpayment\"", "answered"]]);
}
