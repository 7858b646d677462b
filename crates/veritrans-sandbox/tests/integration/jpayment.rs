//! The J-Payment gateway, driven as a merchant would: `jpayment-proto`'s client for every
//! operation, a small merchant server for kickbacks parsed with `jpayment-proto`'s
//! kickback helper, and the sandbox's token endpoint instead of `CPToken.js`.
// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use jpayment_proto::kickback::{self, PaymentNotice};
use jpayment_proto::{
    BulkRegisterAndPay, BulkRegisterAndPayItem, Charset, Client, DeleteCard, DeleteUser, Error,
    ErrorCode, JobType, Method, OnetouchCharge, OnetouchChargeItem, OtherData, PaymentReply,
    ReferenceCard, ReferenceUser, RegisterCard, RegisterUser, ReplyMethod, UpdateCard, UpdateUser,
    UserKey, yen,
};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use veritrans_sandbox::{Credentials, RunningSandbox, Sandbox};

const AID: &str = Credentials::DEFAULT_JPAYMENT_AID;

async fn start() -> RunningSandbox {
    Sandbox::builder()
        .retry_policy(common::quick_policy(3))
        .start()
        .await
        .unwrap()
}

fn client(sandbox: &RunningSandbox, charset: Charset, method: Method) -> Client {
    Client::builder(sandbox.jpayment_environment())
        .charset(charset)
        .method(method)
        .build()
        .unwrap()
}

async fn admin(sandbox: &RunningSandbox, method: &str, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}/_sandbox/jpayment/{path}", sandbox.base_url());
    let http = common::client();
    let request = match method {
        "PUT" => http.put(url).json(&body),
        "GET" => http.get(url),
        _ => http.post(url).json(&body),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn token(sandbox: &RunningSandbox, cn: &str) -> String {
    let (status, body) = admin(
        sandbox,
        "POST",
        "token",
        json!({"cn": cn, "ed": "3012", "fn": "TARO", "ln": "YAMADA"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["tkn"].as_str().unwrap().to_owned()
}

async fn user_with_card(sandbox: &RunningSandbox, client: &Client, uid: &str, cn: &str) -> UserKey {
    let mut user = RegisterUser::new(AID, uid);
    user.email = Some(format!("{uid}@example.jp"));
    let key = client.send(&user).await.unwrap().user_key;
    let tkn = token(sandbox, cn).await;
    let card = client
        .send(&RegisterCard::new(AID, uid, key.clone(), tkn))
        .await
        .unwrap();
    assert_eq!(card.card_seq, 1);
    key
}

fn code(result: Result<impl std::fmt::Debug, Error>) -> ErrorCode {
    match result {
        Err(e) => e.gateway_code().cloned().unwrap_or_else(|| panic!("{e:?}")),
        Ok(v) => panic!("expected a gateway error, got {v:?}"),
    }
}

fn unknown(code: &str) -> ErrorCode {
    ErrorCode::Unknown(code.into())
}

/// The merchant's 決済結果通知URL: records each raw query string, answers a body.
struct Receiver {
    url: String,
    queries: mpsc::UnboundedReceiver<String>,
}

impl Receiver {
    async fn start() -> Receiver {
        let (tx, queries) = mpsc::unbounded_channel();
        async fn hook(
            State(tx): State<mpsc::UnboundedSender<String>>,
            RawQuery(query): RawQuery,
        ) -> &'static str {
            let _ = tx.send(query.unwrap_or_default());
            kickback::ACK_BODY
        }
        let app = Router::new().fallback(hook).with_state(tx);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/kickback"),
            queries,
        }
    }

    async fn next(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(5), self.queries.recv())
            .await
            .expect("a kickback arrives")
            .unwrap()
    }
}

/// jpayment-card-token-3ds2-onetouch.ja.txt, ユーザー登録/参照/更新/削除 仕様: cmd 0/3/1/2
/// on carduser.aspx; answers "HTML出力 カンマ区切り" (`1,,012345,vnjpBycDO5`, reference adds
/// em and pn; update: "すでにそのユーザーに紐づくメールアドレス、電話番号が登録済みの場合は除く").
/// The key's length is the answers' 半角英数(10); the codes for "already registered",
/// "wrong key", "no such user" are the sandbox's.
#[tokio::test]
async fn users_register_reference_update_and_delete() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Post);

    let mut register = RegisterUser::new(AID, "user01");
    register.email = Some("taro@example.jp".into());
    let user = client.send(&register).await.unwrap();
    assert_eq!(user.user_id, "user01");
    let key = user.user_key;
    assert_eq!(key.expose_secret().len(), 10);

    let details = client
        .send(&ReferenceUser::new(AID, "user01"))
        .await
        .unwrap();
    assert_eq!(details.email.as_deref(), Some("taro@example.jp"));
    assert_eq!(details.phone, None);
    assert_eq!(details.user_key, key);

    let mut update = UpdateUser::new(AID, "user01", key.clone());
    update.phone = Some("09011111111".into());
    client.send(&update).await.unwrap();
    let details = client
        .send(&ReferenceUser::new(AID, "user01"))
        .await
        .unwrap();
    assert_eq!(details.phone.as_deref(), Some("09011111111"));
    assert_eq!(details.email.as_deref(), Some("taro@example.jp"));

    // Same user twice; wrong key; then delete, after which the user is gone.
    assert_eq!(code(client.send(&register).await), unknown("ER101"));
    let wrong = UpdateUser::new(AID, "user01", "WRONGKEY00");
    assert_eq!(code(client.send(&wrong).await), unknown("ER103"));
    let deleted = client
        .send(&DeleteUser::new(AID, "user01", key.clone()))
        .await
        .unwrap();
    assert_eq!(deleted.user_id, "user01");
    assert_eq!(
        code(client.send(&ReferenceUser::new(AID, "user01")).await),
        unknown("ER102")
    );

    let kinds: Vec<String> = sandbox
        .inspect()
        .transactions()
        .into_iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "register_user",
            "reference_user",
            "update_user",
            "reference_user",
            "register_user",
            "update_user",
            "delete_user",
            "reference_user"
        ]
    );
    // The log never holds the user key.
    let log = serde_json::to_string(&sandbox.inspect().transactions()).unwrap();
    assert!(!log.contains(key.expose_secret()));
    sandbox.shutdown().await.unwrap();
}

/// jpayment-card-token-3ds2-onetouch.ja.txt, カード情報登録/参照/更新/削除 仕様:
/// "1ユーザーに対して複数のカード情報を登録することができます"; "リクエスト方式 GET もしくは
/// POST"; the reference answers カード番号 as 記号(10~12)+ 半角数字(4) ("*****9999" style).
/// Single-use tokens and never-reused slot numbers are the sandbox's readings.
#[tokio::test]
async fn cards_in_numbered_slots_with_single_use_tokens_over_get() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Get);
    let key = user_with_card(&sandbox, &client, "user02", "4111111111111111").await;

    let second = token(&sandbox, "5555555555554444").await;
    let card = client
        .send(&RegisterCard::new(
            AID,
            "user02",
            key.clone(),
            second.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(card.card_seq, 2);
    // A token works once.
    let again = RegisterCard::new(AID, "user02", key.clone(), second);
    assert_eq!(code(client.send(&again).await), unknown("ER105"));

    let details = client
        .send(&ReferenceCard::new(AID, "user02", key.clone(), 2))
        .await
        .unwrap();
    assert_eq!(details.card_number.as_str(), "************4444");
    assert_eq!(details.card_number.last4(), "4444");
    assert_eq!(details.expiry, "3012");
    assert_eq!(details.first_name.as_deref(), Some("TARO"));
    assert_eq!(details.last_name.as_deref(), Some("YAMADA"));

    // Update slot 1 with a new card.
    let jcb = token(&sandbox, "3530111111111116").await;
    let updated = client
        .send(&UpdateCard::new(AID, "user02", key.clone(), 1, jcb))
        .await
        .unwrap();
    assert_eq!(updated.card_seq, 1);
    let details = client
        .send(&ReferenceCard::new(AID, "user02", key.clone(), 1))
        .await
        .unwrap();
    assert_eq!(details.card_number.last4(), "1116");

    // Delete slot 1: gone; slot 2 stays; numbers are not reused.
    client
        .send(&DeleteCard::new(AID, "user02", key.clone(), 1))
        .await
        .unwrap();
    let gone = ReferenceCard::new(AID, "user02", key.clone(), 1);
    assert_eq!(code(client.send(&gone).await), unknown("ER104"));
    let missing = UpdateCard::new(
        AID,
        "user02",
        key.clone(),
        1,
        token(&sandbox, "4111111111111111").await,
    );
    assert_eq!(code(client.send(&missing).await), unknown("ER104"));
    let third = token(&sandbox, "4111111111111111").await;
    let card = client
        .send(&RegisterCard::new(AID, "user02", key.clone(), third))
        .await
        .unwrap();
    assert_eq!(card.card_seq, 3);

    // The log shows cards only masked.
    let log = serde_json::to_string(&sandbox.inspect().transactions()).unwrap();
    assert!(!log.contains("5555555555554444") && log.contains("************4444"));
    sandbox.shutdown().await.unwrap();
}

/// jpayment-card-token-3ds2-onetouch.ja.txt, 一括登録決済 and ワンタッチ課金 仕様: "【決済金額
/// +税金額+送料】の値がカード会社に送信されます" (ta = am + tx + sf); the bulk result carries
/// uid, key and num; one-touch em/pn "指定の場合は、登録されているユーザーの情報が更新されます".
#[tokio::test]
async fn bulk_registration_with_payment_then_one_touch() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Post);

    let tkn = token(&sandbox, "4111111111111111").await;
    let mut bulk = BulkRegisterAndPay::new(
        AID,
        JobType::Capture,
        ReplyMethod::Response,
        "user03",
        tkn,
        yen(1000),
        yen(80),
        yen(20),
    );
    bulk.email = Some("user03@example.jp".into());
    bulk.order_ref = Some("order-1".into());
    let PaymentReply::Completed(paid) = client.send(&bulk).await.unwrap() else {
        panic!("rt=1 answers the result")
    };
    assert_eq!(
        (paid.amount, paid.tax, paid.shipping, paid.total),
        (yen(1000), yen(80), yen(20), yen(1100))
    );
    assert_eq!(paid.order_ref.as_deref(), Some("order-1"));
    assert_eq!((paid.user_id.as_str(), paid.card_seq), ("user03", 1));
    assert!(paid.approval.is_some() && paid.issued_id.is_none());

    // The registered user and card charge with one touch.
    let charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "user03",
        paid.user_key.clone(),
        1,
        JobType::Auth,
        yen(500),
        yen(0),
        yen(0),
    );
    let PaymentReply::Completed(second) = client.send(&charge).await.unwrap() else {
        panic!()
    };
    assert_ne!(second.payment_id, paid.payment_id);
    assert_eq!(second.total, yen(500));

    // The same user ID again: refused before any payment, as a bare code.
    let dup = BulkRegisterAndPay::new(
        AID,
        JobType::Capture,
        ReplyMethod::Response,
        "user03",
        token(&sandbox, "4111111111111111").await,
        yen(1),
        yen(0),
        yen(0),
    );
    let mut dup = dup;
    dup.phone = Some("0311112222".into());
    assert_eq!(code(client.send(&dup).await), unknown("ER101"));

    // With a registered content item: the item decides the amount; id/ps are issued.
    let (status, _) = admin(
        &sandbox,
        "POST",
        "items",
        json!({"iid": "ebook1", "am": 1200, "tx": 120, "content": true}),
    )
    .await;
    assert_eq!(status, 201);
    let mut item = BulkRegisterAndPayItem::new(
        AID,
        ReplyMethod::Response,
        "user04",
        token(&sandbox, "4111111111111111").await,
        "ebook1",
    );
    item.phone = Some("0311112222".into());
    let PaymentReply::Completed(bought) = client.send(&item).await.unwrap() else {
        panic!()
    };
    assert_eq!(bought.total, yen(1320));
    assert!(bought.issued_id.as_deref().unwrap().starts_with("ID"));
    assert!(bought.issued_password.is_some());
    let mut unknown_item = BulkRegisterAndPayItem::new(
        AID,
        ReplyMethod::Response,
        "user05",
        token(&sandbox, "4111111111111111").await,
        "nosuchitem",
    );
    unknown_item.phone = Some("0311112222".into());
    assert_eq!(code(client.send(&unknown_item).await), unknown("ER106"));

    // One touch for a registered item.
    let charge = OnetouchChargeItem::new(
        AID,
        ReplyMethod::Response,
        "user04",
        bought.user_key.clone(),
        1,
        "ebook1",
    );
    let PaymentReply::Completed(again) = client.send(&charge).await.unwrap() else {
        panic!()
    };
    assert_eq!(again.total, yen(1320));
    assert!(again.issued_id.is_some());

    let (_, payments) = admin(&sandbox, "GET", "payments", Value::Null).await;
    assert_eq!(payments["payments"].as_array().unwrap().len(), 4);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_touch_with_rt1_answers_the_live_line_and_echoes_other_data() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let key = user_with_card(&sandbox, &client, "user06", "4111111111111111").await;

    // Raw, as the public example shows it: ten columns and a trailing comma.
    let raw = common::client()
        .get(format!(
            "{}/gateway/onetouch.aspx?aid={AID}&rt=1&cmd=4&uid=user06&key={}&num=1&jb=AUTH&am=1000&tx=0&sf=0",
            sandbox.base_url(),
            key.expose_secret()
        ))
        .send()
        .await
        .unwrap();
    assert!(
        raw.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let line = raw.text().await.unwrap();
    assert_eq!(line.matches(',').count(), 10, "{line}");
    assert!(line.ends_with(",1000,0,0,1000,"), "{line}");

    let mut charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "user06",
        key,
        1,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(0),
    );
    charge.order_ref = Some("order-2".into());
    charge.other = OtherData::new().with("memo", "gift wrap");
    let PaymentReply::Completed(result) = client.send(&charge).await.unwrap() else {
        panic!()
    };
    assert_eq!(result.total, yen(1080));
    assert_eq!(result.order_ref.as_deref(), Some("order-2"));
    assert_eq!(
        result.echo,
        jpayment_proto::Echo::Line("memo=gift wrap".into())
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn rt0_answers_ok_and_delivers_kickbacks() {
    let sandbox = start().await;
    let mut receiver = Receiver::start().await;
    let (status, settings) = admin(
        &sandbox,
        "PUT",
        "settings",
        json!({"kickback_url": receiver.url}),
    )
    .await;
    assert_eq!(status, 200, "{settings}");
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let key = user_with_card(&sandbox, &client, "user07", "4111111111111111").await;

    let mut charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Kickback,
        "user07",
        key.clone(),
        1,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(500),
    );
    charge.order_ref = Some("order-3".into());
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    let PaymentNotice::Onetouch(result) = kickback::parse(query.as_bytes(), Charset::Utf8).unwrap()
    else {
        panic!("{query}")
    };
    assert_eq!(result.total, yen(1580));
    assert_eq!(result.order_ref.as_deref(), Some("order-3"));

    // A refused payment: OK now, rst=2 with the card company's code in the kickback.
    let refused = user_with_card(&sandbox, &client, "user08", "4000000000000002").await;
    let charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Kickback,
        "user08",
        refused,
        1,
        JobType::Auth,
        yen(100),
        yen(0),
        yen(0),
    );
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    let err = kickback::parse(query.as_bytes(), Charset::Utf8).unwrap_err();
    assert_eq!(err.gateway_code(), Some(&ErrorCode::Issuer("G12".into())));

    // Bulk registration by kickback: the notice carries uid, key and num.
    let mut bulk = BulkRegisterAndPay::new(
        AID,
        JobType::Auth,
        ReplyMethod::Kickback,
        "user09",
        token(&sandbox, "4111111111111111").await,
        yen(300),
        yen(0),
        yen(0),
    );
    bulk.email = Some("user09@example.jp".into());
    assert_eq!(client.send(&bulk).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    let PaymentNotice::Bulk(result) = kickback::parse(query.as_bytes(), Charset::Utf8).unwrap()
    else {
        panic!("{query}")
    };
    assert_eq!(
        (result.user_id.as_str(), result.card_seq, result.total),
        ("user09", 1, yen(300))
    );

    // Each kickback is a delivered GET in the deliveries log.
    for d in sandbox.inspect().deliveries() {
        let settled = sandbox
            .inspect()
            .wait_delivery_settled(&d.id, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(settled.method, "GET");
        assert!(settled.id.starts_with("jpayment-kickback-"));
    }
    assert_eq!(sandbox.inspect().deliveries().len(), 3);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn shift_jis_requests_answers_and_kickbacks() {
    let sandbox = start().await;
    let mut receiver = Receiver::start().await;
    let (status, _) = admin(
        &sandbox,
        "PUT",
        "settings",
        json!({"kickback_url": receiver.url, "charset": "Shift_JIS"}),
    )
    .await;
    assert_eq!(status, 200);
    let client = client(&sandbox, Charset::ShiftJis, Method::Post);
    let key = user_with_card(&sandbox, &client, "user10", "4111111111111111").await;

    let order = "ﾃｽﾄ注文";
    let mut charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "user10",
        key.clone(),
        1,
        JobType::Capture,
        yen(100),
        yen(0),
        yen(0),
    );
    charge.order_ref = Some(order.into());
    charge.other = OtherData::new().with("memo", "ｶﾀｶﾅ");
    let PaymentReply::Completed(result) = client.send(&charge).await.unwrap() else {
        panic!()
    };
    assert_eq!(result.order_ref.as_deref(), Some(order));
    assert_eq!(result.echo, jpayment_proto::Echo::Line("memo=ｶﾀｶﾅ".into()));

    charge.reply = ReplyMethod::Kickback;
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    // Percent-encoded Shift_JIS: ﾃ is 0xC3 there.
    assert!(query.contains("cod=%C3"), "{query}");
    let PaymentNotice::Onetouch(result) =
        kickback::parse(query.as_bytes(), Charset::ShiftJis).unwrap()
    else {
        panic!()
    };
    assert_eq!(result.order_ref.as_deref(), Some(order));
    let utf8 = client_for_utf8(&sandbox);
    charge.reply = ReplyMethod::Response;
    // A UTF-8 client against the Shift_JIS shop: its UTF-8 bytes are not Shift_JIS, and
    // the sandbox says so (400) rather than guess.
    assert!(matches!(
        utf8.send(&charge).await,
        Err(Error::Status { status: 400, .. })
    ));
    sandbox.shutdown().await.unwrap();
}

fn client_for_utf8(sandbox: &RunningSandbox) -> Client {
    client(sandbox, Charset::Utf8, Method::Post)
}

/// jpayment-card-token-3ds2-onetouch.ja.txt, every request page: "エンドユーザー様のブラウザ
/// からリクエストした場合ER003(送信元IPエラー)が発生します" (the sandbox answers ER003 to a
/// foreign aid: its reading). Every other trigger and code here is the sandbox's own
/// (README "Error codes and triggers"); the guide lists none.
#[tokio::test]
async fn every_error_trigger() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let key = user_with_card(&sandbox, &client, "user11", "4111111111111111").await;
    let charge = |am: u64| {
        OnetouchCharge::new(
            AID,
            ReplyMethod::Response,
            "user11",
            key.clone(),
            1,
            JobType::Auth,
            yen(am),
            yen(0),
            yen(0),
        )
    };

    // Wrong aid: ER003, for a user operation and a payment alike.
    let mut wrong = RegisterUser::new("999999", "user12");
    wrong.email = Some("a@example.jp".into());
    assert_eq!(code(client.send(&wrong).await), ErrorCode::SourceIp);
    let mut foreign = charge(100);
    foreign.shop_id = "999999".into();
    assert_eq!(code(client.send(&foreign).await), ErrorCode::SourceIp);

    // Amount triggers: busy and maintenance before any payment, G55 as a payment.
    assert_eq!(code(client.send(&charge(10_010)).await), ErrorCode::Busy);
    assert_eq!(
        code(client.send(&charge(19_999)).await),
        ErrorCode::Maintenance
    );
    match client.send(&charge(55_555)).await {
        Err(Error::Gateway(refused)) => {
            assert_eq!(refused.code, ErrorCode::Issuer("G55".into()));
            assert!(refused.field("gid").is_some());
            assert_eq!(refused.field("ta"), Some("55555"));
        }
        other => panic!("{other:?}"),
    }

    // Card triggers: every refused test card, each with its own code.
    for (i, (cn, expected)) in [
        ("4000000000000002", "G12"),
        ("4000000000000036", "G83"),
        ("4000000000000044", "G44"),
        ("4000000000000051", "G55"),
        ("4000000000000069", "G56"),
    ]
    .into_iter()
    .enumerate()
    {
        let uid = format!("refused{i}");
        let key = user_with_card(&sandbox, &client, &uid, cn).await;
        let charge = OnetouchCharge::new(
            AID,
            ReplyMethod::Response,
            uid,
            key,
            1,
            JobType::Auth,
            yen(100),
            yen(0),
            yen(0),
        );
        assert_eq!(
            code(client.send(&charge).await),
            ErrorCode::Issuer(expected.into()),
            "{cn}"
        );
    }
    // Unknown user, wrong key, missing card on a payment.
    let mut nobody = charge(100);
    nobody.user_id = "nobody".into();
    assert_eq!(code(client.send(&nobody).await), unknown("ER102"));
    let mut badkey = charge(100);
    badkey.user_key = UserKey::new("WRONGKEY00");
    assert_eq!(code(client.send(&badkey).await), unknown("ER103"));
    let mut nocard = charge(100);
    nocard.card_seq = 9;
    assert_eq!(code(client.send(&nocard).await), unknown("ER104"));

    // A request that breaks the guide's table (no uid): ER100, with the reason in a header.
    let raw = common::client()
        .post(format!("{}/gateway/onetouch.aspx", sandbox.base_url()))
        .body(format!(
            "aid={AID}&rt=1&cmd=4&key=k&num=1&jb=AUTH&am=1&tx=0&sf=0"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    let reason = raw.headers()["x-sandbox-reason"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(reason.contains("uid"), "{reason}");
    assert_eq!(raw.text().await.unwrap(), "ER100");
    let raw = common::client()
        .get(format!(
            "{}/gateway/carduser.aspx?aid={AID}&cmd=9&uid=u1",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.text().await.unwrap(), "2,ER100,u1,");

    // Parameters that are not valid in the shop's charset: 400 with a message.
    let raw = common::client()
        .get(format!(
            "{}/gateway/carduser.aspx?aid={AID}&cmd=3&uid=%FF",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "bad_request");
    assert!(
        body["message"].as_str().unwrap().contains("UTF-8"),
        "{body}"
    );

    // Token requests the sandbox cannot turn into a card: 400 naming the field.
    for (request, field) in [
        (
            json!({"cn": "4111111111111112", "ed": "3012", "fn": "A", "ln": "B"}),
            "cn",
        ),
        (
            json!({"cn": "4111111111111111", "ed": "3013", "fn": "A", "ln": "B"}),
            "ed",
        ),
        (
            json!({"cn": "4111111111111111", "ed": "3012", "fn": "太郎", "ln": "B"}),
            "fn",
        ),
        (
            json!({"cn": "4111111111111111", "ed": "3012", "fn": "A", "ln": "B", "aid": "999999"}),
            "aid",
        ),
        (json!({"cn": "4111111111111111"}), "ed"),
    ] {
        let (status, body) = admin(&sandbox, "POST", "token", request).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["message"].as_str().unwrap().contains(field), "{body}");
    }
    let (status, _) = admin(&sandbox, "PUT", "settings", json!({"charset": "EUC-JP"})).await;
    assert_eq!(status, 400);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_one_touch_charges_are_each_applied_once() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let key = user_with_card(&sandbox, &client, "user13", "4111111111111111").await;
    let before = sandbox.inspect().transactions().len();

    const N: usize = 64;
    let gids = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..N {
        let client = client.clone();
        let key = key.clone();
        let gids = gids.clone();
        tasks.spawn(async move {
            let mut charge = OnetouchCharge::new(
                AID,
                ReplyMethod::Response,
                "user13",
                key,
                1,
                JobType::Capture,
                yen(100 + i as u64),
                yen(0),
                yen(0),
            );
            charge.order_ref = Some(format!("order-{i}"));
            let PaymentReply::Completed(result) = client.send(&charge).await.unwrap() else {
                panic!()
            };
            assert_eq!(result.total, yen(100 + i as u64));
            gids.lock().unwrap().push(result.payment_id);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let mut gids = gids.lock().unwrap().clone();
    gids.sort();
    gids.dedup();
    assert_eq!(gids.len(), N, "every charge has its own payment ID");

    let (_, payments) = admin(&sandbox, "GET", "payments", Value::Null).await;
    let payments = payments["payments"].as_array().unwrap().clone();
    assert_eq!(payments.len(), N);
    let total: u64 = payments.iter().map(|p| p["ta"].as_u64().unwrap()).sum();
    assert_eq!(total, (0..N as u64).map(|i| 100 + i).sum::<u64>());
    let logged = sandbox.inspect().transactions();
    assert_eq!(logged.len() - before, N);
    assert!(logged[before..].iter().all(|r| r.kind == "onetouch_charge"));
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_answer_still_charged_and_bodies_are_limited() {
    use veritrans_sandbox::{FaultAction, FaultRule};
    let sandbox = Sandbox::builder()
        .retry_policy(common::quick_policy(3))
        .body_limit(4096)
        .start()
        .await
        .unwrap();
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let key = user_with_card(&sandbox, &client, "user14", "4111111111111111").await;

    // The answer is lost after the charge was made: the client reports a transport
    // error (it never retries), and the payment exists — check before charging again.
    sandbox
        .inspect()
        .add_fault(FaultRule::new(
            "/gateway/onetouch.aspx",
            FaultAction::DropResponse,
        ))
        .unwrap();
    let charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Response,
        "user14",
        key,
        1,
        JobType::Capture,
        yen(700),
        yen(0),
        yen(0),
    );
    assert!(matches!(
        client.send(&charge).await,
        Err(Error::Transport(_))
    ));
    let (_, payments) = admin(&sandbox, "GET", "payments", Value::Null).await;
    assert_eq!(payments["payments"][0]["ta"], 700);

    // Over the body limit: 413 in the sandbox's JSON shape.
    let raw = common::client()
        .post(format!("{}/gateway/carduser.aspx", sandbox.base_url()))
        .body(format!("aid={AID}&cmd=3&uid=u1&memo={}", "x".repeat(5000)))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 413);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_duplicates_take_effect_once() {
    let sandbox = start().await;
    let client = client(&sandbox, Charset::Utf8, Method::Post);

    // The same user ID registered 16 times at once: one key, fifteen ER101.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let client = client.clone();
        tasks.spawn(async move {
            let mut user = RegisterUser::new(AID, "racer");
            user.email = Some("racer@example.jp".into());
            client.send(&user).await
        });
    }
    let mut keys = Vec::new();
    let mut refused = 0;
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            Ok(user) => keys.push(user.user_key),
            Err(e) => {
                assert_eq!(e.gateway_code(), Some(&unknown("ER101")));
                refused += 1;
            }
        }
    }
    assert_eq!((keys.len(), refused), (1, 15));
    let key = keys.remove(0);

    // One token used by 16 card registrations at once: one card, fifteen ER105.
    let tkn = token(&sandbox, "4111111111111111").await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let client = client.clone();
        let op = RegisterCard::new(AID, "racer", key.clone(), tkn.clone());
        tasks.spawn(async move { client.send(&op).await });
    }
    let mut nums = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            Ok(card) => nums.push(card.card_seq),
            Err(e) => assert_eq!(e.gateway_code(), Some(&unknown("ER105"))),
        }
    }
    assert_eq!(nums, [1]);
    let second = ReferenceCard::new(AID, "racer", key, 2);
    assert_eq!(code(client.send(&second).await), unknown("ER104"));
    sandbox.shutdown().await.unwrap();
}

/// The names of a query string's parameters, in order.
fn parameter_names(query: &str) -> Vec<&str> {
    query
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .collect()
}

/// jpayment-card-token-3ds2-onetouch.ja.txt, ワンタッチ課金結果通知のパラメータ仕様 /
/// 一括登録決済結果通知のパラメータ仕様, キックバック(rt=0)仕様, サンプル:
/// "決済結果通知URL?gid=10000001&rst=1&ap=0001112&ec=&god=10000002&cod=test &am=1000&tx=80&sf=500&ta=1580"
/// and "…&ta=1580&uid= 012345&key=vnpjBycDO5&num=1": no `id`/`ps`, which the tables say
/// are "コンテンツ(ID/PW)の商品登録した商品で、商品登録あり決済をした場合のみ返却されます".
/// A kickback carries them only for a content item.
#[tokio::test]
async fn kickbacks_carry_the_guide_samples_parameters() {
    let sandbox = start().await;
    let mut receiver = Receiver::start().await;
    let (status, _) = admin(
        &sandbox,
        "PUT",
        "settings",
        json!({"kickback_url": receiver.url}),
    )
    .await;
    assert_eq!(status, 200);
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let onetouch_sample = [
        "gid", "rst", "ap", "ec", "god", "cod", "am", "tx", "sf", "ta",
    ];

    let key = user_with_card(&sandbox, &client, "kb01", "4111111111111111").await;
    let mut charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Kickback,
        "kb01",
        key.clone(),
        1,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(500),
    );
    charge.order_ref = Some("test".into());
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    assert_eq!(parameter_names(&query), onetouch_sample, "{query}");

    // A refused one-touch payment: the same parameters, rst=2 and the code in ec.
    let refused = user_with_card(&sandbox, &client, "kb02", "4000000000000002").await;
    let charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Kickback,
        "kb02",
        refused,
        1,
        JobType::Auth,
        yen(100),
        yen(0),
        yen(0),
    );
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    assert_eq!(parameter_names(&query), onetouch_sample, "{query}");
    assert!(
        query.contains("&rst=2&") && query.contains("&ec=G12&"),
        "{query}"
    );

    // Bulk registration: the sample's parameters, uid, key and num after ta.
    let mut bulk = BulkRegisterAndPay::new(
        AID,
        JobType::Auth,
        ReplyMethod::Kickback,
        "kb03",
        token(&sandbox, "4111111111111111").await,
        yen(1000),
        yen(80),
        yen(500),
    );
    bulk.email = Some("kb03@example.jp".into());
    assert_eq!(client.send(&bulk).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    let mut bulk_sample = onetouch_sample.to_vec();
    bulk_sample.extend(["uid", "key", "num"]);
    assert_eq!(parameter_names(&query), bulk_sample, "{query}");

    // A content (ID/PW) item: now id and ps are returned, in the table's places.
    let (status, _) = admin(
        &sandbox,
        "POST",
        "items",
        json!({"iid": "ebook1", "am": 1200, "tx": 0, "sf": 0, "content": true}),
    )
    .await;
    assert_eq!(status, 201);
    let charge = OnetouchChargeItem::new(AID, ReplyMethod::Kickback, "kb01", key, 1, "ebook1");
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let query = receiver.next().await;
    let mut with_content = onetouch_sample.to_vec();
    with_content.extend(["id", "ps"]);
    assert_eq!(parameter_names(&query), with_content, "{query}");
    sandbox.shutdown().await.unwrap();
}

/// jpayment-card-token-3ds2-onetouch.ja.txt, キックバック(rt=0)仕様, 通知先:
/// "※通知の成功判定を行っているため、通知先ではContentLengthが0以上が出力されるよう実装して
/// ください。" A notification URL that answers `200` with an empty body has not
/// acknowledged the kickback (the sandbox's reading of "0以上", decision 26 of
/// specs/jpayment/README.md): it is retried, and fails when the attempts run out.
#[tokio::test]
async fn a_kickback_answered_without_a_body_is_not_delivered() {
    use veritrans_sandbox::{AttemptOutcome, DeliveryStatus};

    let sandbox = start().await;
    // The merchant's URL answers 200 with nothing in the body.
    let app = Router::new().fallback(|| async { "" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (status, _) = admin(
        &sandbox,
        "PUT",
        "settings",
        json!({"kickback_url": format!("http://{addr}/kb")}),
    )
    .await;
    assert_eq!(status, 200);
    let client = client(&sandbox, Charset::Utf8, Method::Post);
    let key = user_with_card(&sandbox, &client, "kb04", "4111111111111111").await;
    let charge = OnetouchCharge::new(
        AID,
        ReplyMethod::Kickback,
        "kb04",
        key,
        1,
        JobType::Capture,
        yen(100),
        yen(0),
        yen(0),
    );
    assert_eq!(client.send(&charge).await.unwrap(), PaymentReply::Accepted);
    let deliveries = sandbox.inspect().deliveries();
    assert_eq!(deliveries.len(), 1);
    let settled = sandbox
        .inspect()
        .wait_delivery_settled(&deliveries[0].id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(settled.status, DeliveryStatus::Failed);
    assert_eq!(
        settled.attempts.len(),
        3,
        "quick_policy(3): every attempt made"
    );
    for attempt in &settled.attempts {
        assert_eq!(attempt.outcome, AttemptOutcome::EmptyBody { status: 200 });
    }
    sandbox.shutdown().await.unwrap();
}
