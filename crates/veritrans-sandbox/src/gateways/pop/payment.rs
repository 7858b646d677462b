//! What a submission of the payment page decides: the typed notification the guide's
//! "Testing POP" rules give (from `pop_proto::testing`), where the browser goes, and
//! the event for the order's [`state`](super::state).

use pop_proto::testing::{self, Outcome};
use pop_proto::types::{
    BankAppliedNotification, CardNotification, CvsAppliedNotification, UnspecifiedNotification,
};
use pop_proto::{
    BankSubType, CvsSubType, GatewayStatus, Notification, NotificationPaymentType, ResultCode,
    ResultType, Status,
};

use super::state::Event;
use super::store::{Order, digits};
use super::{
    BANK_AGENCY_CODE, CARD_SUCCESS_AUTH_CODE, CARD_SUCCESS_V_RESULT_CODE, MERCHANT_ID,
    MPI_MIN_KEY_LIFE, jst_stamp,
};
use crate::log::now_jst;

/// What a submitted form decided.
pub(super) struct Decision {
    /// The notification (redirect, and push unless the page was left incomplete).
    pub(super) notification: Notification,
    /// Where the browser goes.
    pub(super) target: Target,
    /// What happens to the order.
    pub(super) event: Event,
}

/// Which of the order's URLs the browser is sent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Success,
    Failure,
    Incomplete,
}

/// The outcome's status, result code and gateway status (`m_status`), and where the
/// browser goes: a failure reported by the gateway is `RM01`.
fn result(outcome: Outcome, pending: bool) -> (Status, ResultCode, GatewayStatus, Target) {
    match outcome {
        Outcome::Success if pending => (
            Status::Success,
            ResultCode::R000,
            GatewayStatus::Pending,
            Target::Success,
        ),
        Outcome::Success => (
            Status::Success,
            ResultCode::R000,
            GatewayStatus::Success,
            Target::Success,
        ),
        Outcome::Failure => (
            Status::Failure,
            ResultCode::RM01,
            GatewayStatus::Failure,
            Target::Failure,
        ),
    }
}

/// The browser left the payment without paying (`RC25`), or the key expired (`RC34`):
/// no payment type, no gateway.
pub(super) fn incomplete(order: &Order, code: ResultCode) -> Decision {
    Decision {
        notification: Notification::Unspecified(UnspecifiedNotification {
            merchant_id: MERCHANT_ID.into(),
            order_id: order.order_id.clone(),
            dummy: order.dummy,
            status: Status::Failure,
            result_code: code,
            m_status: None,
            v_result_code: None,
            payment_type: None,
            transaction_datetime: None,
            signature: String::new(),
        }),
        target: Target::Incomplete,
        event: Event::Finished,
    }
}

/// A card notification of this order; `card` or `mpi` as the order does 3-D Secure.
fn card_notification(order: &Order, fill: impl FnOnce(&mut CardNotification)) -> Notification {
    let payment_type = if order.mpi {
        NotificationPaymentType::Mpi
    } else {
        NotificationPaymentType::Card
    };
    let mut card = CardNotification {
        merchant_id: MERCHANT_ID.into(),
        order_id: order.order_id.clone(),
        dummy: order.dummy,
        status: Status::Failure,
        result_code: ResultCode::RM01,
        m_status: None,
        v_result_code: None,
        payment_type: Some(payment_type),
        transaction_datetime: None,
        acquirer_code: None,
        auth_code: None,
        masked_card_number: None,
        paynow_account_id: None,
        paynow_status: None,
        card_id: None,
        signature: String::new(),
    };
    fill(&mut card);
    if order.mpi {
        Notification::Mpi(card)
    } else {
        Notification::Card(card)
    }
}

/// A card payment. The guide ("Testing POP", Credit Card): a test card with an arbitrary
/// expiry succeeds, the expiry table's dates fail with their `v_result_code`, another
/// card fails with `AC09`; with 3-D Secure, a card not in the 3DS2.0 supplementary
/// material's scenario list gives `NH02` (the list is not in the guide, so every card
/// does), and a key with less than a minute left gives `RC5C`.
pub(super) fn card(
    order: &Order,
    number: &str,
    expire: &str,
    security_code: &str,
) -> Result<Decision, String> {
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("card_number: 12 to 19 half-width digits".into());
    }
    let expire_ok = expire.len() == 5
        && expire.as_bytes()[2] == b'/'
        && expire[..2].bytes().all(|b| b.is_ascii_digit())
        && expire[3..].bytes().all(|b| b.is_ascii_digit())
        && matches!(expire[..2].parse::<u8>(), Ok(1..=12));
    if !expire_ok {
        return Err("card_expire: MM/YY".into());
    }
    if !testing::SECURITY_CODE_DIGITS.contains(&security_code.len())
        || !security_code.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("security_code: 3 or 4 digits".into());
    }
    if order.mpi && order.expires_at - now_jst() < MPI_MIN_KEY_LIFE {
        // Refused before the payment gateway: no m_status, v_result_code or card data.
        return Ok(Decision {
            notification: card_notification(order, |c| c.result_code = ResultCode::RC5C),
            target: Target::Failure,
            event: Event::Finished,
        });
    }
    let is_test = testing::TEST_CARDS.iter().any(|c| c.number == number);
    let v_code = if order.mpi {
        Some(testing::UNLISTED_3DS_CARD_V_RESULT_CODE)
    } else if is_test {
        testing::v_result_code_for_expiry(expire)
    } else {
        Some(testing::NON_TEST_CARD_V_RESULT_CODE)
    };
    let outcome = if v_code.is_none() {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let (status, code, m_status, target) = result(outcome, false);
    let notification = card_notification(order, |c| {
        c.status = status;
        c.result_code = code;
        c.m_status = Some(m_status);
        c.v_result_code = Some(v_code.unwrap_or(CARD_SUCCESS_V_RESULT_CODE.as_str()).into());
        c.transaction_datetime = Some(jst_stamp(now_jst()));
        // The guide's format: first 6 and last 2 digits, one `*` between.
        c.masked_card_number = Some(format!("{}*{}", &number[..6], &number[number.len() - 2..]));
        if outcome == Outcome::Success {
            c.auth_code = Some(CARD_SUCCESS_AUTH_CODE.into());
        }
    });
    Ok(Decision {
        notification,
        target,
        event: Event::Finished,
    })
}

/// A convenience store payment: the guide's telephone prefix rule decides; a success is
/// applied (`m_status` pending) and paid later.
pub(super) fn cvs(
    order: &Order,
    haraikomi_url: String,
    sub_type: &str,
    telephone: &str,
) -> Result<Decision, String> {
    let sub: CvsSubType = sub_type
        .parse()
        .map_err(|_| format!("payment_sub_type: {sub_type:?} is not a store"))?;
    let offered = order.cvs_sub_types.is_empty() || order.cvs_sub_types.contains(&sub);
    if matches!(sub, CvsSubType::Unknown(_)) || !offered {
        return Err(format!("payment_sub_type: {sub_type:?} is not offered"));
    }
    if !telephone.bytes().all(|b| b.is_ascii_digit()) || !(10..=11).contains(&telephone.len()) {
        return Err("telephone: 10 or 11 half-width digits".into());
    }
    let outcome = testing::cvs_outcome(telephone).ok_or_else(|| {
        "telephone: the guide's test rule needs the first two digits 00–09".to_owned()
    })?;
    let (status, code, m_status, target) = result(outcome, true);
    let success = outcome == Outcome::Success;
    // No `telephoneno` (nor `first_name`/`last_name`): the guide returns them "only if the
    // “Phone Number” checkbox ... in POP Settings is checked", which the sandbox's MAP
    // does not.
    let notification = Notification::CvsApplied(CvsAppliedNotification {
        merchant_id: MERCHANT_ID.into(),
        order_id: order.order_id.clone(),
        dummy: order.dummy,
        status,
        result_code: code,
        m_status: Some(m_status),
        v_result_code: None,
        payment_type: Some(NotificationPaymentType::Cvs),
        transaction_datetime: Some(jst_stamp(now_jst())),
        result_type: Some(ResultType::Applied),
        receipt_number: success.then(|| digits(order.gross_amount.0, 13)),
        haraikomi_url: (success && matches!(sub, CvsSubType::Sej | CvsSubType::Other))
            .then_some(haraikomi_url),
        payment_sub_type: Some(sub),
        first_name: None,
        last_name: None,
        telephoneno: None,
        signature: String::new(),
    });
    Ok(Decision {
        notification,
        target,
        event: if success {
            Event::Applied
        } else {
            Event::Finished
        },
    })
}

/// A bank (Pay-easy ATM) payment: the guide's last-digit rule on the amount decides; a
/// success is applied (`m_status` pending) and paid later.
pub(super) fn bank(order: &Order) -> Decision {
    let outcome = match i64::try_from(order.gross_amount.0) {
        Ok(amount) => testing::bank_outcome(amount),
        // Beyond the guide's number(10): not an amount a request can carry.
        Err(_) => Outcome::Failure,
    };
    let (status, code, m_status, target) = result(outcome, true);
    let success = outcome == Outcome::Success;
    let notification = Notification::BankApplied(BankAppliedNotification {
        merchant_id: MERCHANT_ID.into(),
        order_id: order.order_id.clone(),
        dummy: order.dummy,
        status,
        result_code: code,
        m_status: Some(m_status),
        v_result_code: None,
        payment_type: Some(NotificationPaymentType::Bank),
        transaction_datetime: Some(jst_stamp(now_jst())),
        result_type: Some(ResultType::Applied),
        payment_sub_type: Some(BankSubType::Atm),
        agency_code: success.then(|| BANK_AGENCY_CODE.into()),
        customer_no: success.then(|| digits(order.gross_amount.0, 20)),
        confirm_no: success.then(|| digits(!order.gross_amount.0, 6)),
        first_name: None,
        last_name: None,
        first_name_kana: None,
        last_name_kana: None,
        signature: String::new(),
    });
    Decision {
        notification,
        target,
        event: if success {
            Event::Applied
        } else {
            Event::Finished
        },
    }
}
