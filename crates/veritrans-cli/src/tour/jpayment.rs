//! The J-Payment part of the tour: a user, a card from a token, a one-touch
//! charge, with `jpayment-proto`'s client.

use veritrans::jpayment::{
    Client, JobType, OnetouchCharge, PaymentReply, RegisterCard, RegisterUser, ReplyMethod,
    UserKey, param, yen,
};

use super::{Ctx, Tour, check, done};

const GATEWAY: &str = veritrans::Gateway::JPayment.as_str();
const USER: &str = "touruser1";

pub async fn run(tour: &mut Tour, ctx: &Ctx) {
    tour.section("J-Payment: card on file, one-touch charge");
    let aid = ctx.sandbox.credentials().jpayment_aid.clone();
    let client = match Client::new(ctx.sandbox.jpayment_environment()) {
        Ok(client) => client,
        Err(e) => {
            tour.step(GATEWAY, "J-Payment client", async {
                Err::<super::Done<()>, _>(e.to_string())
            })
            .await;
            return;
        }
    };

    let Some(key) = tour
        .step(GATEWAY, "register a user", async {
            let mut user = RegisterUser::new(aid.as_str(), USER);
            user.email = Some("taro@example.jp".into());
            let registered = client.send(&user).await.map_err(|e| e.to_string())?;
            check(registered.user_id == USER, || {
                format!("user {}", registered.user_id)
            })?;
            done(
                registered.user_key,
                format!("user {USER} registered; its key is kept server-side (printed redacted)"),
            )
        })
        .await
    else {
        return;
    };

    let Some(card_seq) = tour
        .step(GATEWAY, "register a card from a test token", async {
            let token = sandbox_token(ctx).await?;
            let card = client
                .send(&RegisterCard::new(aid.as_str(), USER, key.clone(), token))
                .await
                .map_err(|e| e.to_string())?;
            check(card.card_seq == 1, || {
                format!("card slot {}", card.card_seq)
            })?;
            done(
                card.card_seq,
                "token for test card 411111******1111 (the number never reaches the merchant) stored in slot 1",
            )
        })
        .await
    else {
        return;
    };

    tour.step(GATEWAY, "one-touch charge 1000 + 80 yen", async {
        charge(&client, &aid, key.clone(), card_seq).await
    })
    .await;
}

/// What `CPToken.js` does in the consumer's browser, through the sandbox's
/// token endpoint: the card number never reaches the merchant's server.
async fn sandbox_token(ctx: &Ctx) -> Result<String, String> {
    let answer = ctx
        .browser
        .post(format!(
            "{}/_sandbox/jpayment/token",
            ctx.sandbox.base_url()
        ))
        .json(&serde_json::json!({
            (param::CN): "4111111111111111", (param::ED): "3012", (param::FN): "TARO", (param::LN): "YAMADA"
        }))
        .send()
        .await
        .map_err(|e| format!("token: {e}"))?;
    check(answer.status() == 201, || {
        format!("token answered {}", answer.status())
    })?;
    let body: serde_json::Value = answer.json().await.map_err(|e| format!("token: {e}"))?;
    body.get(param::TKN)
        .and_then(|t| t.as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("token answer without {}", param::TKN))
}

async fn charge(
    client: &Client,
    aid: &str,
    key: UserKey,
    card_seq: u32,
) -> Result<super::Done<()>, String> {
    let mut charge = OnetouchCharge::new(
        aid,
        ReplyMethod::Response,
        USER,
        key,
        card_seq,
        JobType::Capture,
        yen(1000),
        yen(80),
        yen(0),
    );
    charge.order_ref = Some("tour-order-1".into());
    match client.send(&charge).await.map_err(|e| e.to_string())? {
        PaymentReply::Completed(result) => {
            check(result.total == yen(1080), || {
                format!("total {}", result.total)
            })?;
            done(
                (),
                format!("paid: payment ID {}, 1080 yen charged", result.payment_id),
            )
        }
        PaymentReply::Accepted => Err("answered OK without a result (kickback mode?)".into()),
    }
}
