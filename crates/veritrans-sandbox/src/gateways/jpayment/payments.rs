//! The payment operations of the guide (ユーザー・カード情報一括登録決済, ワンタッチ課金,
//! each with or without a registered item): the checks before a payment exists, the
//! card company's answer, and the result or refusal.

use std::collections::BTreeMap;

use jpayment_proto::response::{encode_csv, encode_csv_compact};
use jpayment_proto::{
    BulkPaymentResult, BulkRegisterAndPay, BulkRegisterAndPayItem, JobType, OnetouchCharge,
    OnetouchChargeItem, OnetouchResult, Operation, OtherData, ReplyMethod, Secret, UserKey, param,
};
use serde_json::json;

use super::answers::{Outcome, echo_of};
use jpayment_proto::Yen;

use super::state::{Card, Holder, Payment, Refused, Store, User, refused};
use super::triggers::{self, AmountTrigger};

impl Store {
    pub fn bulk(&mut self, op: &BulkRegisterAndPay) -> Outcome {
        let charge = Charge {
            kind: <BulkRegisterAndPay as Operation>::SPEC.name,
            reply: op.reply,
            order_ref: op.order_ref.clone(),
            amounts: Ok((op.amount.get(), op.tax.get(), op.shipping.get(), op.job)),
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
            kind: <BulkRegisterAndPayItem as Operation>::SPEC.name,
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
            kind: <OnetouchCharge as Operation>::SPEC.name,
            reply: op.reply,
            order_ref: op.order_ref.clone(),
            amounts: Ok((op.amount.get(), op.tax.get(), op.shipping.get(), op.job)),
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
            kind: <OnetouchChargeItem as Operation>::SPEC.name,
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
            (param::UID): uid, "card": card.masked.as_str(), "job": job.as_wire(),
            (param::AM): am, (param::TX): tx, (param::SF): sf, (param::TA): total, (param::RT): charge.reply.as_wire(),
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
                (param::GID, gid.as_str()),
                (param::GOD, god.as_str()),
                (param::COD, charge.order_ref.as_deref().unwrap_or("")),
                (param::AM, am_s.as_str()),
                (param::TX, tx_s.as_str()),
                (param::SF, sf_s.as_str()),
                (param::TA, ta_s.as_str()),
                (param::UID, uid),
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
        summary[param::NUM] = json!(1);
        let result = BulkPaymentResult {
            payment_id: gid.clone(),
            approval: Some(ap),
            order_code: god,
            order_ref: charge.order_ref.clone(),
            amount: Yen(am),
            tax: Yen(tx),
            shipping: Yen(sf),
            total: Yen(total),
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
            (param::UID): uid, (param::NUM): num, "card": card.masked.as_str(), "job": job.as_wire(),
            (param::AM): am, (param::TX): tx, (param::SF): sf, (param::TA): total, (param::RT): charge.reply.as_wire(),
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
                (param::GID, gid.as_str()),
                (param::GOD, god.as_str()),
                (param::COD, charge.order_ref.as_deref().unwrap_or("")),
                (param::AM, am_s.as_str()),
                (param::TX, tx_s.as_str()),
                (param::SF, sf_s.as_str()),
                (param::TA, ta_s.as_str()),
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
            amount: Yen(am),
            tax: Yen(tx),
            shipping: Yen(sf),
            total: Yen(total),
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
}

/// What a payment operation asks for, whichever its type.
pub(super) struct Charge {
    pub kind: &'static str,
    pub reply: ReplyMethod,
    pub order_ref: Option<String>,
    /// am, tx, sf, jb — or why they are unknown (an unknown item).
    pub amounts: Result<(u64, u64, u64, JobType), Refused>,
    pub content: bool,
    pub other: OtherData,
}
