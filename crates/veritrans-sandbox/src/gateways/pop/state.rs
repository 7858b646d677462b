//! The states of one POP payment and the transitions between them, as data.
//!
//! A card payment ends with its one notification; a convenience store or bank payment
//! is "applied" first and "paid" later, each phase with its own notification
//! (`result_type` `applied` / `paid`). Every change of an order's stage goes through
//! [`Stage::after`], so a second submission or a second release is refused here, not
//! by each handler.

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// The consumer has not paid yet: the payment page accepts a submission.
    Open,
    /// CVS or bank payment applied; the paid push waits for a release.
    Applied,
    /// Finished: a card result, a failure, a closed page, or a CVS or bank payment paid.
    Done,
}

/// What happens to a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Event {
    /// The page's submission finished the payment (card, failure, closed, expired).
    Finished,
    /// The page's submission applied a CVS or bank payment.
    Applied,
    /// The consumer paid at the store or ATM (the sandbox's release).
    Paid,
}

/// Every allowed transition; anything else is refused.
pub(super) const TRANSITIONS: &[(Stage, Event, Stage)] = &[
    (Stage::Open, Event::Finished, Stage::Done),
    (Stage::Open, Event::Applied, Stage::Applied),
    (Stage::Applied, Event::Paid, Stage::Done),
];

impl Stage {
    /// The stage after `event`, or `None` when the event cannot happen now.
    pub(super) fn after(self, event: Event) -> Option<Stage> {
        TRANSITIONS
            .iter()
            .find(|(from, on, _)| *from == self && *on == event)
            .map(|(_, _, to)| *to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guide (`pop-api-v1.8.1.en.txt`), "Push Notification", "Convenience Store
    /// Parameters": "Since Convenience Store payments have two steps, POP will give two
    /// Push notifications" — "applied - ... the transaction has been initiated and
    /// customer’s payment at a convenience store is awaited", "paid - ... the payment has
    /// been completed by the customer" (bank: "customer’s payment at an ATM is awaited").
    /// "Result Code": "RC25 Invalid “Payment Key” status - this will happen if there is a
    /// POP Client request that does not match the current status of the order".
    #[test]
    fn every_event_in_every_stage() {
        let table = [
            (Stage::Open, Event::Finished, Some(Stage::Done)),
            (Stage::Open, Event::Applied, Some(Stage::Applied)),
            // Nothing is paid before it was applied.
            (Stage::Open, Event::Paid, None),
            // An applied payment's page is finished: a second submission is refused.
            (Stage::Applied, Event::Finished, None),
            (Stage::Applied, Event::Applied, None),
            (Stage::Applied, Event::Paid, Some(Stage::Done)),
            // A finished payment takes nothing more (RC25 on the page, 409 on a release).
            (Stage::Done, Event::Finished, None),
            (Stage::Done, Event::Applied, None),
            (Stage::Done, Event::Paid, None),
        ];
        for (from, event, to) in table {
            assert_eq!(from.after(event), to, "{from:?} + {event:?}");
        }
    }
}
