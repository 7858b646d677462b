//! How a J-Payment (card on file) integration works, end to end.
//!
//! 1. The consumer's browser turns the card into a single-use token
//!    (`CPToken.js`; here the sandbox's token endpoint): the card number never
//!    reaches the merchant's server.
//! 2. The merchant registers the user and the card with the token and gets a
//!    user key to keep server-side (here in one step, registering with the
//!    first payment).
//! 3. Later purchases are one-touch charges on the stored card. With `rt=1`
//!    the result is the answer; with `rt=0` the answer is `OK` and the result
//!    comes as a kickback (a `GET` to the URL set in the merchant console),
//!    for successful and failed payments alike.
//! 4. Refusals are typed: `jpayment_proto::ErrorCode` tells the gateway's own
//!    codes from the card company's.
#![allow(clippy::unwrap_used)]

use e2e::gateways::{
    jpayment_client, jpayment_payments, jpayment_set_kickback_url, jpayment_token,
};
use e2e::{at_least, start};
use veritrans::jpayment::{
    BulkRegisterAndPay, Client, Error, ErrorCode, JobType, OnetouchCharge, PaymentReply,
    RegisterCard, ReplyMethod, UserKey, yen,
};
use veritrans_sandbox::RunningSandbox;
use veritrans_sandbox::merchant::{KickbackSeen, Merchant};

/// A user registered with a card and a first payment of 1000 + 80 yen.
struct Customer {
    user_id: &'static str,
    key: UserKey,
    card_seq: u32,
}

async fn register(sandbox: &RunningSandbox, client: &Client, user_id: &'static str) -> Customer {
    let aid = &sandbox.credentials().jpayment_aid;
    let token = jpayment_token(sandbox, "4111111111111111").await;
    let mut first = BulkRegisterAndPay::new(
        aid.as_str(),
        JobType::Capture,
        ReplyMethod::Response,
        user_id,
        token,
        yen(1000),
        yen(80),
        yen(0),
    );
    first.email = Some("taro@example.jp".into());
    first.order_ref = Some(format!("{user_id}-first"));
    let PaymentReply::Completed(paid) = client.send(&first).await.unwrap() else {
        panic!("rt=1 answered without the result");
    };
    assert_eq!((paid.user_id.as_str(), paid.card_seq), (user_id, 1));
    assert_eq!(paid.total, yen(1080));
    Customer {
        user_id,
        key: paid.user_key,
        card_seq: paid.card_seq,
    }
}

fn charge(
    sandbox: &RunningSandbox,
    customer: &Customer,
    card_seq: u32,
    reply: ReplyMethod,
    (amount, tax): (u64, u64),
    order_ref: &str,
) -> OnetouchCharge {
    let aid = &sandbox.credentials().jpayment_aid;
    let mut charge = OnetouchCharge::new(
        aid.as_str(),
        reply,
        customer.user_id,
        customer.key.clone(),
        card_seq,
        JobType::Capture,
        yen(amount),
        yen(tax),
        yen(0),
    );
    charge.order_ref = Some(order_ref.into());
    charge
}

/// Waits for the kickback about `order_ref`; the merchant must have
/// processed exactly one (a resent one is recognised by its `gid`).
async fn kickback(merchant: &Merchant, order_ref: &str) -> KickbackSeen {
    let about = at_least(merchant, 1, &format!("kickbacks about {order_ref}"), |s| {
        let all = s.kickbacks.iter();
        let mine = all.filter(|k| k.order_ref.as_deref() == Some(order_ref));
        mine.cloned().collect()
    })
    .await;
    let processed: Vec<_> = about.iter().filter(|k| !k.duplicate).collect();
    assert_eq!(processed.len(), 1, "{about:?}");
    processed[0].clone()
}

#[tokio::test]
async fn one_touch_charge_result_arrives_as_a_kickback() {
    let (sandbox, merchant) = start().await;
    jpayment_set_kickback_url(&sandbox, &merchant.url("/jpayment/kickback")).await;
    let client = jpayment_client(&sandbox);
    let customer = register(&sandbox, &client, "e2euser1").await;

    let request = charge(
        &sandbox,
        &customer,
        customer.card_seq,
        ReplyMethod::Kickback,
        (2000, 160),
        "e2e-jp-2",
    );
    let reply = client.send(&request).await.unwrap();
    assert!(matches!(reply, PaymentReply::Accepted), "{reply:?}");

    let seen = kickback(&merchant, "e2e-jp-2").await;
    assert_eq!((seen.total, seen.error_code.as_deref()), (2160, None));
    // The kickback's payment is the one the card company saw.
    let payments = jpayment_payments(&sandbox).await;
    let paid = payments
        .iter()
        .find(|p| p["gid"] == seen.gid.as_str())
        .unwrap();
    assert_eq!(
        (paid["uid"].as_str(), paid["ta"].as_u64()),
        (Some("e2euser1"), Some(2160))
    );
    assert_eq!(paid["result"], "ok");
}

#[tokio::test]
async fn declined_card_is_a_typed_error_and_a_failed_kickback() {
    let (sandbox, merchant) = start().await;
    jpayment_set_kickback_url(&sandbox, &merchant.url("/jpayment/kickback")).await;
    let client = jpayment_client(&sandbox);
    let customer = register(&sandbox, &client, "e2euser2").await;
    let aid = sandbox.credentials().jpayment_aid.clone();

    // A second card, one the card company refuses (the sandbox's G12 card).
    let declined = jpayment_token(&sandbox, "4000000000000002").await;
    let card = client
        .send(&RegisterCard::new(
            aid.as_str(),
            customer.user_id,
            customer.key.clone(),
            declined,
        ))
        .await
        .unwrap();
    assert_eq!(card.card_seq, 2);

    // rt=1: the refusal is the answer, typed as the card company's.
    let request = charge(
        &sandbox,
        &customer,
        2,
        ReplyMethod::Response,
        (1500, 120),
        "e2e-jp-3",
    );
    let Err(Error::Gateway(refused)) = client.send(&request).await else {
        panic!("the declined card was charged");
    };
    assert_eq!(refused.code, ErrorCode::Issuer("G12".into()));
    assert_eq!(refused.field("cod"), Some("e2e-jp-3"));
    let gid = refused.field("gid").unwrap().to_string();

    // rt=0: `OK` now, the failure as a kickback without an amount.
    let request = charge(
        &sandbox,
        &customer,
        2,
        ReplyMethod::Kickback,
        (1500, 120),
        "e2e-jp-4",
    );
    assert!(matches!(
        client.send(&request).await.unwrap(),
        PaymentReply::Accepted
    ));
    let seen = kickback(&merchant, "e2e-jp-4").await;
    assert_eq!((seen.total, seen.error_code.as_deref()), (0, Some("G12")));
    assert_ne!(seen.gid, gid, "each attempt is its own payment");

    let payments = jpayment_payments(&sandbox).await;
    let failed: Vec<_> = payments.iter().filter(|p| p["result"] == "G12").collect();
    assert_eq!(failed.len(), 2, "{payments:?}");
}

#[tokio::test]
async fn gateway_busy_is_refused_before_any_payment() {
    let (sandbox, _merchant) = start().await;
    let client = jpayment_client(&sandbox);
    let customer = register(&sandbox, &client, "e2euser3").await;

    // The documented trigger: a total of exactly 10010 yen answers ER010.
    let request = charge(
        &sandbox,
        &customer,
        1,
        ReplyMethod::Response,
        (10_000, 10),
        "e2e-jp-5",
    );
    let error = client.send(&request).await.unwrap_err();
    assert_eq!(error.gateway_code(), Some(&ErrorCode::Busy));
    // Only the registration's payment reached the card company.
    assert_eq!(jpayment_payments(&sandbox).await.len(), 1);
}
