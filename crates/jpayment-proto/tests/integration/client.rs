//! The client against a local server on 127.0.0.1:0, and a merchant's
//! kickback handler built with the kickback helper.

#![cfg(feature = "client")]
// Helpers of tests may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use jpayment_proto::kickback::{self, PaymentNotice};
use jpayment_proto::{
    Charset, Client, ClientBuilder, Echo, Environment, Error, ErrorCode, JobType,
    MalformedResponse, Method, Mode, OnetouchCharge, OtherData, PaymentReply, ReferenceUser,
    RegisterUser, ReplyMethod,
};
#[allow(unused_imports)]
use jpayment_proto::{Yen, yen};

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

#[derive(Clone)]
struct Gateway {
    seen: Arc<Mutex<Vec<Seen>>>,
    status: StatusCode,
    answer: Vec<u8>,
    delay: Duration,
}

async fn gateway(
    State(state): State<Gateway>,
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    state.seen.lock().unwrap().push(Seen {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: body.to_vec(),
    });
    tokio::time::sleep(state.delay).await;
    (state.status, state.answer.clone())
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// A fake gateway answering every call with `answer`.
async fn fake(
    status: StatusCode,
    answer: &[u8],
    delay: Duration,
) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = Gateway {
        seen: seen.clone(),
        status,
        answer: answer.to_vec(),
        delay,
    };
    let addr = serve(
        Router::new()
            .route("/gateway/{*rest}", any(gateway))
            .with_state(state),
    )
    .await;
    (addr, seen)
}

/// A builder for the fake gateway at `addr`.
fn at(addr: SocketAddr) -> ClientBuilder {
    // No trailing slash on purpose: the client adds it.
    Client::builder(Environment::Custom {
        base_url: format!("http://{addr}/gateway"),
        mode: Mode::Test,
    })
}

/// A client with the defaults for the fake gateway at `addr`.
fn client(addr: SocketAddr) -> Client {
    at(addr).build().unwrap()
}

#[tokio::test]
async fn register_user_over_post() {
    let (addr, seen) = fake(StatusCode::OK, b"1,,012345,vnjpBycDO5\r\n", Duration::ZERO).await;
    let mut op = RegisterUser::new("123456", "012345");
    op.email = Some("sample@sample.jp".into());
    let user = client(addr).send(&op).await.unwrap();
    assert_eq!(user.user_id, "012345");
    assert_eq!(user.user_key.expose_secret(), "vnjpBycDO5");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/gateway/carduser.aspx");
    assert_eq!(seen[0].query, None);
    assert_eq!(
        seen[0].content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        seen[0].body,
        b"aid=123456&cmd=0&uid=012345&em=sample%40sample.jp"
    );
}

#[tokio::test]
async fn reference_user_over_get() {
    let (addr, seen) = fake(
        StatusCode::OK,
        b"1,,012345,vnjpBycDO5,sample@sample.jp,09011111111",
        Duration::ZERO,
    )
    .await;
    let details = at(addr)
        .method(Method::Get)
        .build()
        .unwrap()
        .send(&ReferenceUser::new("123456", "012345"))
        .await
        .unwrap();
    assert_eq!(details.email.as_deref(), Some("sample@sample.jp"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].query.as_deref(),
        Some("aid=123456&cmd=3&uid=012345")
    );
    assert!(seen[0].body.is_empty());
}

fn charge(reply: ReplyMethod) -> OnetouchCharge {
    OnetouchCharge::new(
        "123456",
        reply,
        "012345",
        "vnjpBycDO5",
        1,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(500),
    )
}

#[tokio::test]
async fn onetouch_in_shift_jis_with_echoed_other_data() {
    // "memo=ﾃｽﾄ" echoed in Shift_JIS after the twelve columns.
    let mut answer = b"1095729,1,TestMod,,205685,,1000,80,500,1580,,,memo=".to_vec();
    answer.extend_from_slice(&[0xC3, 0xBD, 0xC4, b'\r', b'\n']);
    let (addr, seen) = fake(StatusCode::OK, &answer, Duration::ZERO).await;
    let mut op = charge(ReplyMethod::Response);
    op.other = OtherData::new().with("memo", "ﾃｽﾄ");
    let client = at(addr).charset(Charset::ShiftJis).build().unwrap();
    let reply = client.send(&op).await.unwrap();
    let PaymentReply::Completed(result) = reply else {
        panic!("rt=1 answers with the result")
    };
    assert_eq!(result.payment_id, "1095729");
    assert_eq!(result.total, yen(1580));
    assert_eq!(result.echo, Echo::Line("memo=ﾃｽﾄ".into()));
    let body = seen.lock().unwrap()[0].body.clone();
    assert!(
        body.ends_with(b"&memo=%C3%BD%C4"),
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[tokio::test]
async fn onetouch_with_kickback_is_accepted() {
    let (addr, _) = fake(StatusCode::OK, b"OK", Duration::ZERO).await;
    let reply = client(addr)
        .send(&charge(ReplyMethod::Kickback))
        .await
        .unwrap();
    assert_eq!(reply, PaymentReply::Accepted);
}

#[tokio::test]
async fn source_ip_error() {
    let (addr, _) = fake(StatusCode::OK, b"ER003", Duration::ZERO).await;
    let err = client(addr)
        .send(&charge(ReplyMethod::Response))
        .await
        .unwrap_err();
    assert_eq!(err.gateway_code(), Some(&ErrorCode::SourceIp));
}

#[tokio::test]
async fn http_errors_and_html_pages() {
    let page = b"<html><body>Server Error</body></html>";
    let (addr, _) = fake(StatusCode::INTERNAL_SERVER_ERROR, page, Duration::ZERO).await;
    let err = client(addr)
        .send(&ReferenceUser::new("123456", "u1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Status {
                status: 500,
                endpoint: "carduser.aspx"
            }
        ),
        "{err:?}"
    );
    let (addr, _) = fake(StatusCode::OK, page, Duration::ZERO).await;
    let err = client(addr)
        .send(&ReferenceUser::new("123456", "u1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Malformed(MalformedResponse::Html { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_timed_out_charge_is_never_retried() {
    let (addr, seen) = fake(StatusCode::OK, b"OK", Duration::from_secs(2)).await;
    let err = at(addr)
        .timeout(Duration::from_millis(300))
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .send(&charge(ReplyMethod::Kickback))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_url_with_its_secrets() {
    let (addr, _) = fake(StatusCode::OK, b"OK", Duration::from_secs(2)).await;
    let err = at(addr)
        .method(Method::Get)
        .timeout(Duration::from_millis(200))
        .connect_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .send(&charge(ReplyMethod::Kickback))
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::Transport(_)), "{shown}");
    assert!(
        !shown.contains("vnjpBycDO5") && !shown.contains("key="),
        "{shown}"
    );
}

#[tokio::test]
async fn an_invalid_request_is_never_sent() {
    let (addr, seen) = fake(StatusCode::OK, b"OK", Duration::ZERO).await;
    let err = client(addr)
        .send(&RegisterUser::new("123456", "u1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn bad_base_urls_are_refused() {
    let custom = |base_url: &str, mode| Environment::Custom {
        base_url: base_url.into(),
        mode,
    };
    assert!(Client::new(custom("not a url", Mode::Test)).is_err());
    assert!(Client::new(custom("ftp://example.invalid/", Mode::Test)).is_err());
    // A live endpoint carries user keys and tokens: https only (the guide's
    // host is https; the rule is the project's).
    let err = Client::new(custom("http://pay.example/gateway/", Mode::Live)).unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    assert!(Client::new(custom("https://pay.example/gateway/", Mode::Live)).is_ok());
}

/// The guide names one host and no test switch ("・接続先
/// https://credit.j-payment.co.jp/gateway/carduser.aspx", every page the
/// same host; jpayment-card-token-3ds2-onetouch.ja.txt, ユーザー、カード情報仕様):
/// `Environment::Live` is that host, and a client is never built without
/// naming its environment.
#[test]
fn the_live_environment_is_the_guides_host() {
    let client = Client::new(Environment::Live).unwrap();
    assert_eq!(
        client.environment().base_url(),
        "https://credit.j-payment.co.jp/gateway/"
    );
    assert_eq!(client.mode(), Mode::Live);
    assert_eq!(
        (client.charset(), client.method()),
        (Charset::Utf8, Method::Post)
    );
}

/// What a merchant's handler records.
type Notices = Arc<Mutex<Vec<Result<PaymentNotice, String>>>>;

/// A merchant's kickback handler: parse, record, always answer the
/// non-empty body the gateway needs.
async fn kickback_handler(
    State(notices): State<Notices>,
    RawQuery(query): RawQuery,
) -> impl IntoResponse {
    let parsed = kickback::parse(query.unwrap_or_default().as_bytes(), Charset::Utf8)
        .map_err(|e| e.to_string());
    notices.lock().unwrap().push(parsed);
    (
        [("content-type", kickback::ACK_CONTENT_TYPE)],
        kickback::ACK_BODY,
    )
}

#[tokio::test]
async fn kickback_handler_answers_a_non_empty_body() {
    let notices: Notices = Arc::default();
    let router = Router::new()
        .route("/jpayment/kickback", get(kickback_handler))
        .with_state(notices.clone());
    let addr = serve(router).await;
    let http = reqwest::Client::new();
    for query in [
        "gid=10000001&rst=1&ap=0001112&ec=&god=10000002&cod=test&am=1000&tx=80&sf=500&ta=1580",
        "gid=10000003&rst=2&ap=&ec=G55&god=10000004&cod=test2&am=1000&tx=80&sf=500&ta=1580",
    ] {
        let answer = http
            .get(format!("http://{addr}/jpayment/kickback?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let body = answer.text().await.unwrap();
        assert!(!body.is_empty());
    }
    let notices = notices.lock().unwrap();
    assert!(matches!(&notices[0], Ok(PaymentNotice::Onetouch(r)) if r.total == yen(1580)));
    assert!(
        matches!(&notices[1], Err(e) if e.contains("G55")),
        "{:?}",
        notices[1]
    );
}
