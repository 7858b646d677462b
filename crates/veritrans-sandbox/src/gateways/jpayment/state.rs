//! The emulated gateway's data: settings, single-use tokens, users with numbered card
//! slots, registered items and payments, and the identifiers the gateway issues.
//!
//! Every operation ([`users`](super::users), [`payments`](super::payments)) runs under
//! one lock from its first check to its last write, so concurrent requests never lose or
//! double an effect.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use jpayment_proto::{Charset, JobType, MaskedCardNumber, UserKey};

use super::triggers;

/// Gateway-side settings a merchant makes in the J-Payment console.
#[derive(Clone, Debug, Default)]
pub(super) struct Settings {
    /// The charset of requests, answers and kickbacks (the guide names none).
    pub charset: Charset,
    /// 決済結果通知URL: where kickbacks go; none configured → no kickback is sent.
    pub kickback_url: Option<String>,
}

/// A card as held for a token or in a slot: never the full number.
#[derive(Clone, Debug)]
pub(super) struct Card {
    pub masked: MaskedCardNumber,
    pub expiry: String,
    pub first_name: String,
    pub last_name: String,
    /// The card-company code every charge of this card fails with (a test card).
    pub refusal: Option<&'static str>,
}

/// A registered user (ユーザー) with its card slots.
#[derive(Debug)]
pub(super) struct User {
    pub key: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub cards: BTreeMap<u32, Card>,
    /// Card numbers are never reused after a deletion.
    pub next_num: u32,
}

/// A product registered in the console (商品登録), charged by `iid`.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub amount: u64,
    pub tax: u64,
    pub shipping: u64,
    pub job: JobType,
    /// A content (ID/PW) item: payments issue an `id` and `ps`.
    pub content: bool,
}

/// One payment attempt that reached the card company.
#[derive(Clone, Debug)]
pub(super) struct Payment {
    pub gid: String,
    pub uid: String,
    pub num: u32,
    pub total: u64,
    pub code: Option<&'static str>,
}

#[derive(Debug)]
pub(super) struct Store {
    pub settings: Settings,
    tokens: HashMap<String, Card>,
    pub users: HashMap<String, User>,
    items: HashMap<String, Item>,
    pub payments: Vec<Payment>,
    next_gid: u64,
    next_god: u64,
    rng: u64,
}

impl Default for Store {
    fn default() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x9E37_79B9, |d| d.as_nanos() as u64);
        Self {
            settings: Settings::default(),
            tokens: HashMap::new(),
            users: HashMap::new(),
            items: HashMap::new(),
            payments: Vec::new(),
            next_gid: 30_000_001,
            next_god: 40_000_001,
            rng: seed,
        }
    }
}

/// A refusal before anything was done: the code answered and why (for the log).
pub(super) struct Refused {
    pub code: &'static str,
    pub why: String,
}

pub(super) fn refused(code: &'static str, why: impl Into<String>) -> Refused {
    Refused {
        code,
        why: why.into(),
    }
}

/// Fields of a card-on-file operation, whichever its type.
pub(super) struct Holder<'a> {
    pub uid: &'a str,
    pub key: &'a UserKey,
}

impl Store {
    /// splitmix64: keys and tokens need to be unguessable-looking, not cryptographic.
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn random_alnum(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| {
                let i = (self.next_random() % ALPHABET.len() as u64) as usize;
                char::from(ALPHABET[i])
            })
            .collect()
    }

    /// Stores a card for a single-use token and returns the token.
    pub fn issue_token(&mut self, card: Card) -> String {
        let token = format!("tok{}", self.random_alnum(29));
        self.tokens.insert(token.clone(), card);
        token
    }

    /// Registers (or replaces) an item.
    pub fn put_item(&mut self, code: String, item: Item) {
        self.items.insert(code, item);
    }

    /// Every payment attempt that reached the card company, oldest first.
    pub fn payments(&self) -> &[Payment] {
        &self.payments
    }

    pub(super) fn take_token(&mut self, token: &str) -> Result<Card, Refused> {
        self.tokens
            .remove(token)
            .ok_or_else(|| refused(triggers::BAD_TOKEN, "the token is unknown or already used"))
    }

    pub(super) fn user_mut(&mut self, holder: &Holder<'_>) -> Result<&mut User, Refused> {
        let user = self
            .users
            .get_mut(holder.uid)
            .ok_or_else(|| refused(triggers::NO_USER, "no such user"))?;
        if user.key != holder.key.expose_secret() {
            return Err(refused(triggers::WRONG_KEY, "the key is not this user's"));
        }
        Ok(user)
    }

    pub(super) fn item(&self, code: &str) -> Result<Item, Refused> {
        self.items
            .get(code)
            .cloned()
            .ok_or_else(|| refused(triggers::NO_ITEM, "no registered item with this iid"))
    }

    pub(super) fn next_ids(&mut self) -> (String, String, String) {
        let gid = self.next_gid;
        self.next_gid += 1;
        let god = self.next_god;
        self.next_god += 1;
        let ap = format!("{:06}", gid % 1_000_000);
        (gid.to_string(), god.to_string(), ap)
    }
}
