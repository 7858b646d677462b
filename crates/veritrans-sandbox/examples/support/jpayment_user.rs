//! What the J-Payment load examples share: a user with a card on file, the
//! one-touch charge's precondition. Included with `#[path]` so that it is not an
//! example itself.

use std::error::Error;

use jpayment_proto::{Client, RegisterCard, RegisterUser, UserKey};
use veritrans_sandbox::Credentials;

/// Registers `user` and puts the sandbox's test card on file for it (a token from
/// `POST /_sandbox/jpayment/token`, then `RegisterCard`), returning the user's key.
pub async fn user_with_card(
    client: &Client,
    base: &str,
    user: &str,
    card_name: &str,
) -> Result<UserKey, Box<dyn Error>> {
    let aid = Credentials::DEFAULT_JPAYMENT_AID;
    let mut register = RegisterUser::new(aid, user);
    register.email = Some(format!("{user}@example.jp"));
    let key = client.send(&register).await?.user_key;
    let token: serde_json::Value = reqwest::Client::builder()
        .no_proxy()
        .build()?
        .post(format!("{base}/_sandbox/jpayment/token"))
        .json(&serde_json::json!({"cn": "4111111111111111", "ed": "3012", "fn": card_name, "ln": "TEST"}))
        .send()
        .await?
        .json()
        .await?;
    let tkn = token["tkn"].as_str().ok_or("no token")?.to_owned();
    client
        .send(&RegisterCard::new(aid, user, key.clone(), tkn))
        .await?;
    Ok(key)
}
