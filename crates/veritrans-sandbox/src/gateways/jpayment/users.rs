//! The user and card operations of the guide (ユーザー登録/参照/更新/削除, カード情報
//! 登録/参照/更新/削除): what each does to the store and what it answers.

use std::collections::BTreeMap;

use jpayment_proto::response::encode_csv;
use jpayment_proto::{
    CardDetails, CardRecord, DeleteCard, DeleteUser, Operation, ReferenceCard, ReferenceUser,
    RegisterCard, RegisterUser, UpdateCard, UpdateUser, UserDetails, UserKey, UserRecord, param,
};
use serde_json::{Value, json};

use super::answers::{Outcome, echo_of};
use super::state::{Holder, Refused, Store, User, refused};
use super::triggers;

impl Store {
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
        Self::finish_csv::<UserRecord>(
            <RegisterUser as Operation>::SPEC.name,
            &op.user_id,
            None,
            result,
        )
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
        Self::finish_csv::<UserDetails>(
            <ReferenceUser as Operation>::SPEC.name,
            &op.user_id,
            None,
            result,
        )
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
        Self::finish_csv::<UserRecord>(
            <UpdateUser as Operation>::SPEC.name,
            &op.user_id,
            None,
            result,
        )
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
        Self::finish_csv::<UserRecord>(
            <DeleteUser as Operation>::SPEC.name,
            &op.user_id,
            None,
            result,
        )
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
        let summary = json!({"result": "ok", (param::NUM): num, "card": card.masked.as_str(), "expiry": card.expiry});
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
        Self::finish_csv::<CardRecord>(
            <RegisterCard as Operation>::SPEC.name,
            &op.user_id,
            None,
            result,
        )
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
        Self::finish_csv::<CardRecord>(
            <UpdateCard as Operation>::SPEC.name,
            &op.user_id,
            Some(op.card_seq),
            result,
        )
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
        Self::finish_csv::<CardDetails>(
            <ReferenceCard as Operation>::SPEC.name,
            &op.user_id,
            Some(op.card_seq),
            result,
        )
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
        Self::finish_csv::<CardRecord>(
            <DeleteCard as Operation>::SPEC.name,
            &op.user_id,
            Some(op.card_seq),
            result,
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jpayment_proto::MaskedCardNumber;

    use super::*;
    use crate::gateways::jpayment::state::Card;

    /// One step of the table: an operation on user `u1` and the result it must have
    /// (`"ok"` or the refusal code).
    enum Step {
        RegisterUser,
        ReferenceUser,
        DeleteUser,
        /// A fresh token; the card lands in the next slot.
        RegisterCard,
        /// The same token again.
        RegisterCardReusingToken,
        ReferenceCard(u32),
        ReferenceCardWrongKey(u32),
        DeleteCard(u32),
    }

    fn card() -> Card {
        Card {
            masked: MaskedCardNumber::parse("************1111").unwrap(),
            expiry: "3012".into(),
            first_name: "TARO".into(),
            last_name: "YAMADA".into(),
            refusal: None,
        }
    }

    /// The user and card transitions of the store, as a table.
    ///
    /// jpayment-card-token-3ds2-onetouch.ja.txt: ユーザー登録 仕様 (the answer carries
    /// "キー … ユーザーIDに紐づくキー", issued at registration), ユーザー更新/削除 and
    /// カード情報 仕様 ("キー … 登録時に発行されたユーザーIDに紐づくキー" is required),
    /// カード情報登録 仕様 (the answer carries "カード情報連番 … カードを識別する為の連番"),
    /// カード情報参照/削除 仕様 (by "カード情報連番"). The refusal codes are the sandbox's
    /// own (`ER101`–`ER105`, triggers.rs: the guide lists no code for these refusals);
    /// single-use tokens and never-reused slot numbers are the sandbox's readings
    /// (crate README).
    #[test]
    fn user_and_card_transitions() {
        let table: &[(Step, &str)] = &[
            (Step::ReferenceUser, triggers::NO_USER),
            (Step::RegisterUser, "ok"),
            (Step::RegisterUser, triggers::USER_EXISTS),
            (Step::ReferenceUser, "ok"),
            (Step::ReferenceCard(1), triggers::NO_CARD),
            (Step::RegisterCard, "ok"),
            (Step::RegisterCardReusingToken, triggers::BAD_TOKEN),
            (Step::ReferenceCard(1), "ok"),
            (Step::ReferenceCardWrongKey(1), triggers::WRONG_KEY),
            (Step::RegisterCard, "ok"),
            (Step::DeleteCard(1), "ok"),
            (Step::ReferenceCard(1), triggers::NO_CARD),
            (Step::DeleteCard(1), triggers::NO_CARD),
            (Step::ReferenceCard(2), "ok"),
            // Slot numbers are not reused after a deletion: the next card is 3.
            (Step::RegisterCard, "ok"),
            (Step::ReferenceCard(3), "ok"),
            (Step::DeleteUser, "ok"),
            (Step::ReferenceUser, triggers::NO_USER),
            (Step::ReferenceCard(2), triggers::NO_USER),
        ];
        let mut store = Store::default();
        let mut last_token = String::new();
        let uid = "u1";
        for (i, (step, expected)) in table.iter().enumerate() {
            let key = store
                .users
                .get(uid)
                .map(|u| u.key.clone())
                .unwrap_or_default();
            let outcome = match step {
                Step::RegisterUser => {
                    let mut op = RegisterUser::new("123456", uid);
                    op.email = Some("taro@example.jp".into());
                    store.register_user(&op)
                }
                Step::ReferenceUser => store.reference_user(&ReferenceUser::new("123456", uid)),
                Step::DeleteUser => store.delete_user(&DeleteUser::new("123456", uid, key)),
                Step::RegisterCard => {
                    last_token = store.issue_token(card());
                    store.register_card(&RegisterCard::new("123456", uid, key, last_token.clone()))
                }
                Step::RegisterCardReusingToken => {
                    store.register_card(&RegisterCard::new("123456", uid, key, last_token.clone()))
                }
                Step::ReferenceCard(num) => {
                    store.reference_card(&ReferenceCard::new("123456", uid, key, *num))
                }
                Step::ReferenceCardWrongKey(num) => {
                    store.reference_card(&ReferenceCard::new("123456", uid, "WRONGKEY00", *num))
                }
                Step::DeleteCard(num) => {
                    store.delete_card(&DeleteCard::new("123456", uid, key, *num))
                }
            };
            assert_eq!(
                outcome.summary["result"].as_str(),
                Some(*expected),
                "step {i}: {:?}",
                outcome.summary
            );
        }
    }
}
