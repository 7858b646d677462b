//! The emulated gateway's data: settings, tokens, users with numbered card slots,
//! registered items and payments, and what each operation of the guide does to them.
//!
//! Every operation runs under one lock from its first check to its last write, so
//! concurrent requests never lose or double an effect. Answers are written with
//! `jpayment-proto`'s own encoders, never by hand.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use jpayment_proto::response::{
    encode_csv, encode_csv_compact, encode_failed_csv, encode_failed_kickback, encode_kickback,
};
use jpayment_proto::{
    BulkPaymentResult, BulkRegisterAndPay, BulkRegisterAndPayItem, CardDetails, CardRecord,
    Charset, DeleteCard, DeleteUser, Echo, JobType, MaskedCardNumber, OnetouchCharge,
    OnetouchChargeItem, OnetouchResult, OtherData, Record, ReferenceCard, ReferenceUser,
    RegisterCard, RegisterUser, ReplyMethod, Secret, UpdateCard, UpdateUser, UserDetails, UserKey,
    UserRecord,
};
use serde_json::{Value, json};

use super::triggers::{self, AmountTrigger};

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

#[derive(Debug)]
struct User {
    key: String,
    email: Option<String>,
    phone: Option<String>,
    cards: BTreeMap<u32, Card>,
    /// Card numbers are never reused after a deletion.
    next_num: u32,
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

/// What the endpoint answers, and what the log gets.
#[derive(Debug)]
pub(super) struct Outcome {
    pub answer: Answer,
    pub kind: &'static str,
    pub id: String,
    pub summary: Value,
}

#[derive(Debug)]
pub(super) enum Answer {
    /// The comma-separated line (success or `rst=2`), or a bare error code.
    Line(String),
    /// `rt=0`: `OK`, and this kickback query string to send, if a URL is configured.
    Accepted { gid: String, query: String },
}

#[derive(Debug)]
pub(super) struct Store {
    pub settings: Settings,
    tokens: HashMap<String, Card>,
    users: HashMap<String, User>,
    items: HashMap<String, Item>,
    payments: Vec<Payment>,
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

/// A refusal before anything was done.
struct Refused {
    code: &'static str,
    why: String,
}

fn refused(code: &'static str, why: impl Into<String>) -> Refused {
    Refused {
        code,
        why: why.into(),
    }
}

fn echo_of(other: &OtherData) -> Echo {
    if other.is_empty() {
        Echo::None
    } else {
        Echo::Params(
            other
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

/// Fields of a card-on-file operation, whichever its type.
struct Holder<'a> {
    uid: &'a str,
    key: &'a UserKey,
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

    fn random_alnum(&mut self, len: usize) -> String {
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

    fn take_token(&mut self, token: &str) -> Result<Card, Refused> {
        self.tokens
            .remove(token)
            .ok_or_else(|| refused(triggers::BAD_TOKEN, "the token is unknown or already used"))
    }

    fn user_mut(&mut self, holder: &Holder<'_>) -> Result<&mut User, Refused> {
        let user = self
            .users
            .get_mut(holder.uid)
            .ok_or_else(|| refused(triggers::NO_USER, "no such user"))?;
        if user.key != holder.key.expose_secret() {
            return Err(refused(triggers::WRONG_KEY, "the key is not this user's"));
        }
        Ok(user)
    }

    fn user_record(uid: &str, key: &str, other: &OtherData) -> String {
        encode_csv(&UserRecord {
            user_id: uid.to_owned(),
            user_key: UserKey::new(key),
            echo: echo_of(other),
        })
    }

    fn card_record(uid: &str, key: &str, num: u32, other: &OtherData) -> String {
        encode_csv(&CardRecord {
            user_id: uid.to_owned(),
            user_key: UserKey::new(key),
            card_seq: num,
            echo: echo_of(other),
        })
    }

    /// `2,{code},{uid},…` for a refused user or card operation.
    fn failed_line<R: Record>(refusal: &Refused, uid: &str, num: Option<u32>) -> String {
        let num = num.map(|n| n.to_string());
        let mut values = vec![("uid", uid)];
        if let Some(num) = num.as_deref() {
            values.push(("num", num));
        }
        encode_failed_csv(R::SHAPE, refusal.code, &values)
    }

    fn finish_csv<R: Record>(
        kind: &'static str,
        uid: &str,
        num: Option<u32>,
        result: Result<(String, Value), Refused>,
    ) -> Outcome {
        match result {
            Ok((line, summary)) => Outcome {
                answer: Answer::Line(line),
                kind,
                id: uid.to_owned(),
                summary,
            },
            Err(refusal) => Outcome {
                answer: Answer::Line(Self::failed_line::<R>(&refusal, uid, num)),
                kind,
                id: uid.to_owned(),
                summary: json!({"result": refusal.code, "reason": refusal.why, "num": num}),
            },
        }
    }

    pub fn register_user(&mut self, op: &RegisterUser) -> Outcome {
        let result = if self.users.contains_key(&op.user_id) {
            Err(refused(
                triggers::USER_EXISTS,
                "the user ID is already registered",
            ))
        } else {
            let key = self.random_alnum(10);
            self.users.insert(
                op.user_id.clone(),
                User {
                    key: key.clone(),
                    email: op.email.clone(),
                    phone: op.phone.clone(),
                    cards: BTreeMap::new(),
                    next_num: 1,
                },
            );
            Ok((
                Self::user_record(&op.user_id, &key, &op.other),
                json!({"result": "ok"}),
            ))
        };
        Self::finish_csv::<UserRecord>("register_user", &op.user_id, None, result)
    }

    pub fn reference_user(&mut self, op: &ReferenceUser) -> Outcome {
        let result = match self.users.get(&op.user_id) {
            None => Err(refused(triggers::NO_USER, "no such user")),
            Some(user) => Ok((
                encode_csv(&UserDetails {
                    user_id: op.user_id.clone(),
                    user_key: UserKey::new(user.key.clone()),
                    email: user.email.clone(),
                    phone: user.phone.clone(),
                    echo: echo_of(&op.other),
                }),
                json!({"result": "ok"}),
            )),
        };
        Self::finish_csv::<UserDetails>("reference_user", &op.user_id, None, result)
    }

    pub fn update_user(&mut self, op: &UpdateUser) -> Outcome {
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        let result = self.user_mut(&holder).and_then(|user| {
            let given = op.email.is_some() || op.phone.is_some();
            let on_file = user.email.is_some() || user.phone.is_some();
            if !given && !on_file {
                return Err(refused(
                    triggers::INVALID_REQUEST,
                    "em or pn is required: the user has neither on file",
                ));
            }
            if op.email.is_some() {
                user.email = op.email.clone();
            }
            if op.phone.is_some() {
                user.phone = op.phone.clone();
            }
            Ok((
                Self::user_record(&op.user_id, &user.key, &op.other),
                json!({"result": "ok", "email_changed": op.email.is_some(), "phone_changed": op.phone.is_some()}),
            ))
        });
        Self::finish_csv::<UserRecord>("update_user", &op.user_id, None, result)
    }

    pub fn delete_user(&mut self, op: &DeleteUser) -> Outcome {
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        let result = self.user_mut(&holder).map(|user| user.key.clone());
        let result = result.map(|key| {
            let cards = self
                .users
                .remove(&op.user_id)
                .map_or(0, |user| user.cards.len());
            (
                Self::user_record(&op.user_id, &key, &op.other),
                json!({"result": "ok", "cards_deleted": cards}),
            )
        });
        Self::finish_csv::<UserRecord>("delete_user", &op.user_id, None, result)
    }

    fn store_card(
        &mut self,
        holder: &Holder<'_>,
        token: &str,
        num: Option<u32>,
    ) -> Result<(String, u32, Value), Refused> {
        // The guide refuses cards for users without e-mail and phone; here every user
        // has one (registration requires it and updates never remove it).
        let user = self.user_mut(holder)?;
        if let Some(num) = num
            && !user.cards.contains_key(&num)
        {
            return Err(refused(
                triggers::NO_CARD,
                "the user has no card with this num",
            ));
        }
        let card = self.take_token(token)?;
        let user = self.user_mut(holder)?;
        let num = num.unwrap_or_else(|| {
            let n = user.next_num;
            user.next_num += 1;
            n
        });
        let summary = json!({"result": "ok", "num": num, "card": card.masked.as_str(), "expiry": card.expiry});
        user.cards.insert(num, card);
        Ok((user.key.clone(), num, summary))
    }

    pub fn register_card(&mut self, op: &RegisterCard) -> Outcome {
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        let result = self
            .store_card(&holder, op.token.expose_secret(), None)
            .map(|(key, num, summary)| {
                (
                    Self::card_record(&op.user_id, &key, num, &op.other),
                    summary,
                )
            });
        Self::finish_csv::<CardRecord>("register_card", &op.user_id, None, result)
    }

    pub fn update_card(&mut self, op: &UpdateCard) -> Outcome {
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        let result = self
            .store_card(&holder, op.token.expose_secret(), Some(op.card_seq))
            .map(|(key, num, summary)| {
                (
                    Self::card_record(&op.user_id, &key, num, &op.other),
                    summary,
                )
            });
        Self::finish_csv::<CardRecord>("update_card", &op.user_id, Some(op.card_seq), result)
    }

    pub fn reference_card(&mut self, op: &ReferenceCard) -> Outcome {
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        let other = &op.other;
        let result = self.user_mut(&holder).and_then(|user| {
            let card = user
                .cards
                .get(&op.card_seq)
                .ok_or_else(|| refused(triggers::NO_CARD, "the user has no card with this num"))?;
            let details = CardDetails {
                user_id: op.user_id.clone(),
                user_key: UserKey::new(user.key.clone()),
                card_seq: op.card_seq,
                card_number: card.masked.clone(),
                expiry: card.expiry.clone(),
                first_name: Some(card.first_name.clone()),
                last_name: Some(card.last_name.clone()),
                echo: echo_of(other),
            };
            Ok((encode_csv(&details), json!({"result": "ok"})))
        });
        Self::finish_csv::<CardDetails>("reference_card", &op.user_id, Some(op.card_seq), result)
    }

    pub fn delete_card(&mut self, op: &DeleteCard) -> Outcome {
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        let result = self.user_mut(&holder).and_then(|user| {
            user.cards
                .remove(&op.card_seq)
                .ok_or_else(|| refused(triggers::NO_CARD, "the user has no card with this num"))?;
            Ok((
                Self::card_record(&op.user_id, &user.key, op.card_seq, &op.other),
                json!({"result": "ok"}),
            ))
        });
        Self::finish_csv::<CardRecord>("delete_card", &op.user_id, Some(op.card_seq), result)
    }

    fn item(&self, code: &str) -> Result<Item, Refused> {
        self.items
            .get(code)
            .cloned()
            .ok_or_else(|| refused(triggers::NO_ITEM, "no registered item with this iid"))
    }

    fn next_ids(&mut self) -> (String, String, String) {
        let gid = self.next_gid;
        self.next_gid += 1;
        let god = self.next_god;
        self.next_god += 1;
        let ap = format!("{:06}", gid % 1_000_000);
        (gid.to_string(), god.to_string(), ap)
    }

    pub fn bulk(&mut self, op: &BulkRegisterAndPay) -> Outcome {
        let charge = Charge {
            kind: "bulk_register_and_pay",
            reply: op.reply,
            order_ref: op.order_ref.clone(),
            amounts: Ok((op.amount, op.tax, op.shipping, op.job)),
            content: false,
            other: op.other.clone(),
        };
        self.bulk_payment(
            &op.user_id,
            op.token.expose_secret(),
            &op.email,
            &op.phone,
            charge,
        )
    }

    pub fn bulk_item(&mut self, op: &BulkRegisterAndPayItem) -> Outcome {
        let item = self.item(&op.item_code);
        let charge = Charge {
            kind: "bulk_register_and_pay_item",
            reply: op.reply,
            order_ref: op.order_ref.clone(),
            content: item.as_ref().is_ok_and(|i| i.content),
            amounts: item.map(|i| (i.amount, i.tax, i.shipping, i.job)),
            other: op.other.clone(),
        };
        self.bulk_payment(
            &op.user_id,
            op.token.expose_secret(),
            &op.email,
            &op.phone,
            charge,
        )
    }

    pub fn onetouch(&mut self, op: &OnetouchCharge) -> Outcome {
        let charge = Charge {
            kind: "onetouch_charge",
            reply: op.reply,
            order_ref: op.order_ref.clone(),
            amounts: Ok((op.amount, op.tax, op.shipping, op.job)),
            content: false,
            other: op.other.clone(),
        };
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        self.onetouch_payment(&holder, op.card_seq, &op.email, &op.phone, charge)
    }

    pub fn onetouch_item(&mut self, op: &OnetouchChargeItem) -> Outcome {
        let item = self.item(&op.item_code);
        let charge = Charge {
            kind: "onetouch_charge_item",
            reply: op.reply,
            order_ref: op.order_ref.clone(),
            content: item.as_ref().is_ok_and(|i| i.content),
            amounts: item.map(|i| (i.amount, i.tax, i.shipping, i.job)),
            other: op.other.clone(),
        };
        let holder = Holder {
            uid: &op.user_id,
            key: &op.user_key,
        };
        self.onetouch_payment(&holder, op.card_seq, &op.email, &op.phone, charge)
    }

    /// The checks before a payment exists: a refusal here is a bare code.
    fn pre_payment(charge: &Charge) -> Result<(u64, u64, u64, u64, JobType), Refused> {
        let (am, tx, sf, job) = match &charge.amounts {
            Ok(a) => *a,
            Err(r) => return Err(refused(r.code, r.why.clone())),
        };
        let total = am
            .checked_add(tx)
            .and_then(|t| t.checked_add(sf))
            .ok_or_else(|| refused(triggers::INVALID_REQUEST, "am + tx + sf overflows"))?;
        if let Some(AmountTrigger::Gateway(code)) = triggers::amount_trigger(total) {
            return Err(refused(code, format!("trigger amount {total}")));
        }
        Ok((am, tx, sf, total, job))
    }

    fn bulk_payment(
        &mut self,
        uid: &str,
        token: &str,
        email: &Option<String>,
        phone: &Option<String>,
        charge: Charge,
    ) -> Outcome {
        let checked = Self::pre_payment(&charge).and_then(|amounts| {
            if self.users.contains_key(uid) {
                return Err(refused(
                    triggers::USER_EXISTS,
                    "the user ID is already registered",
                ));
            }
            let card = self.take_token(token)?;
            Ok((amounts, card))
        });
        let ((am, tx, sf, total, job), card) = match checked {
            Ok(v) => v,
            Err(refusal) => return Self::bare(charge.kind, uid, refusal),
        };
        let code = Self::issuer_code(&card, total);
        let (gid, god, ap) = self.next_ids();
        let mut summary = json!({
            "uid": uid, "card": card.masked.as_str(), "job": job.as_wire(),
            "am": am, "tx": tx, "sf": sf, "ta": total, "rt": charge.reply.as_wire(),
        });
        self.payments.push(Payment {
            gid: gid.clone(),
            uid: uid.to_owned(),
            num: 1,
            total,
            code,
        });
        if let Some(code) = code {
            // A refused payment registers neither the user nor the card.
            summary["result"] = json!(code);
            let (am_s, tx_s, sf_s, ta_s) = (
                am.to_string(),
                tx.to_string(),
                sf.to_string(),
                total.to_string(),
            );
            let values = [
                ("gid", gid.as_str()),
                ("god", god.as_str()),
                ("cod", charge.order_ref.as_deref().unwrap_or("")),
                ("am", am_s.as_str()),
                ("tx", tx_s.as_str()),
                ("sf", sf_s.as_str()),
                ("ta", ta_s.as_str()),
                ("uid", uid),
            ];
            let answer = self.failed_payment::<BulkPaymentResult>(&charge, code, &gid, &values);
            return Outcome {
                answer,
                kind: charge.kind,
                id: gid,
                summary,
            };
        }
        let key = self.random_alnum(10);
        let mut cards = BTreeMap::new();
        cards.insert(1, card);
        self.users.insert(
            uid.to_owned(),
            User {
                key: key.clone(),
                email: email.clone(),
                phone: phone.clone(),
                cards,
                next_num: 2,
            },
        );
        let (issued_id, issued_password) = self.issued(charge.content, &gid);
        summary["result"] = json!("ok");
        summary["num"] = json!(1);
        let result = BulkPaymentResult {
            payment_id: gid.clone(),
            approval: Some(ap),
            order_code: god,
            order_ref: charge.order_ref.clone(),
            amount: am,
            tax: tx,
            shipping: sf,
            total,
            issued_id,
            issued_password,
            user_id: uid.to_owned(),
            user_key: UserKey::new(key),
            card_seq: 1,
            echo: echo_of(&charge.other),
        };
        let answer = self.paid(&charge, &gid, &result, encode_csv(&result));
        Outcome {
            answer,
            kind: charge.kind,
            id: gid,
            summary,
        }
    }

    fn onetouch_payment(
        &mut self,
        holder: &Holder<'_>,
        num: u32,
        email: &Option<String>,
        phone: &Option<String>,
        charge: Charge,
    ) -> Outcome {
        let uid = holder.uid;
        let checked = Self::pre_payment(&charge).and_then(|amounts| {
            let user = self.user_mut(holder)?;
            let card =
                user.cards.get(&num).cloned().ok_or_else(|| {
                    refused(triggers::NO_CARD, "the user has no card with this num")
                })?;
            // The guide: em/pn, when given, update the user.
            if email.is_some() {
                user.email = email.clone();
            }
            if phone.is_some() {
                user.phone = phone.clone();
            }
            Ok((amounts, card))
        });
        let ((am, tx, sf, total, job), card) = match checked {
            Ok(v) => v,
            Err(refusal) => return Self::bare(charge.kind, uid, refusal),
        };
        let code = Self::issuer_code(&card, total);
        let (gid, god, ap) = self.next_ids();
        let mut summary = json!({
            "uid": uid, "num": num, "card": card.masked.as_str(), "job": job.as_wire(),
            "am": am, "tx": tx, "sf": sf, "ta": total, "rt": charge.reply.as_wire(),
            "result": code.unwrap_or("ok"),
        });
        self.payments.push(Payment {
            gid: gid.clone(),
            uid: uid.to_owned(),
            num,
            total,
            code,
        });
        if let Some(code) = code {
            let (am_s, tx_s, sf_s, ta_s) = (
                am.to_string(),
                tx.to_string(),
                sf.to_string(),
                total.to_string(),
            );
            let values = [
                ("gid", gid.as_str()),
                ("god", god.as_str()),
                ("cod", charge.order_ref.as_deref().unwrap_or("")),
                ("am", am_s.as_str()),
                ("tx", tx_s.as_str()),
                ("sf", sf_s.as_str()),
                ("ta", ta_s.as_str()),
            ];
            let answer = self.failed_payment::<OnetouchResult>(&charge, code, &gid, &values);
            return Outcome {
                answer,
                kind: charge.kind,
                id: gid,
                summary,
            };
        }
        let (issued_id, issued_password) = self.issued(charge.content, &gid);
        if issued_id.is_some() {
            summary["issued_id"] = json!(true);
        }
        let result = OnetouchResult {
            payment_id: gid.clone(),
            approval: Some(ap),
            order_code: god,
            order_ref: charge.order_ref.clone(),
            amount: am,
            tax: tx,
            shipping: sf,
            total,
            issued_id,
            issued_password,
            echo: echo_of(&charge.other),
        };
        // The live gateway leaves the empty id/ps out (the public rt=1 example).
        let answer = self.paid(&charge, &gid, &result, encode_csv_compact(&result));
        Outcome {
            answer,
            kind: charge.kind,
            id: gid,
            summary,
        }
    }

    fn issuer_code(card: &Card, total: u64) -> Option<&'static str> {
        match triggers::amount_trigger(total) {
            Some(AmountTrigger::Issuer(code)) => Some(code),
            _ => card.refusal,
        }
    }

    fn issued(&mut self, content: bool, gid: &str) -> (Option<String>, Option<Secret>) {
        if content {
            (
                Some(format!("ID{gid}")),
                Some(Secret::new(self.random_alnum(12))),
            )
        } else {
            (None, None)
        }
    }

    fn bare(kind: &'static str, uid: &str, refusal: Refused) -> Outcome {
        Outcome {
            answer: Answer::Line(refusal.code.to_owned()),
            kind,
            id: uid.to_owned(),
            summary: json!({"uid": uid, "result": refusal.code, "reason": refusal.why}),
        }
    }

    fn paid<R: Record>(&self, charge: &Charge, gid: &str, result: &R, line: String) -> Answer {
        match charge.reply {
            ReplyMethod::Response => Answer::Line(line),
            ReplyMethod::Kickback => Answer::Accepted {
                gid: gid.to_owned(),
                // None only if the echo cannot be written in the charset it came in.
                query: encode_kickback(result, self.settings.charset).unwrap_or_default(),
            },
        }
    }

    fn failed_payment<R: Record>(
        &self,
        charge: &Charge,
        code: &'static str,
        gid: &str,
        values: &[(&str, &str)],
    ) -> Answer {
        match charge.reply {
            ReplyMethod::Response => Answer::Line(encode_failed_csv(R::SHAPE, code, values)),
            ReplyMethod::Kickback => Answer::Accepted {
                gid: gid.to_owned(),
                query: encode_failed_kickback(R::SHAPE, code, values, self.settings.charset)
                    .unwrap_or_default(),
            },
        }
    }
}

/// What a payment operation asks for, whichever its type.
struct Charge {
    kind: &'static str,
    reply: ReplyMethod,
    order_ref: Option<String>,
    /// am, tx, sf, jb — or why they are unknown (an unknown item).
    amounts: Result<(u64, u64, u64, JobType), Refused>,
    content: bool,
    other: OtherData,
}
