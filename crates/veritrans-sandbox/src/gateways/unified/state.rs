//! The order state machine of the Unified API emulation: an order's kinds and states,
//! the events that move it, and every allowed transition as one table ([`TRANSITIONS`]).
//!
//! Commands ask [`allows`] before they touch an order and [`next`] for the state it
//! reaches; an event the table does not list for the order's kind and state is refused
//! with `UA-REQ-007` ("API cannot be executed (internal status invalid)"). The guide's
//! "Payment Life Cycle" is a diagram the text copy of the guide does not carry; the rows
//! follow the sentences of each command's section, quoted in the tests below. Where the
//! guide says nothing (a contract cancelled before the consumer agreed, for instance) the
//! row is the sandbox's reading and says so.

/// What an order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A single payment (`pay`).
    Single,
    /// The original order of a subscription (on-demand payment request, `subscribe`).
    Original,
    /// An on-demand payment (`charge`) against an original order.
    Charge,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OrderState {
    /// Before the request: no order is stored in this state.
    New,
    /// Payment request made; the consumer has not finished on the provider page.
    AwaitingConsumer,
    /// The request or the consumer's payment failed; the paymentId may be sent again.
    Failed,
    /// Authorised, not captured.
    Authorised,
    /// Captured (or authorised with capture).
    Captured,
    /// Fully cancelled / refunded.
    Cancelled,
    /// Original order agreed: charges allowed.
    Subscribed,
    /// Contract cancelled.
    Terminated,
}

/// What happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Event {
    /// `pay` / `subscribe` accepted: the consumer is sent to the provider page.
    Requested,
    /// The request or the provider refused.
    Declined,
    /// The provider approved (`UA-000-001`): authorised, or the contract agreed.
    Approved,
    /// The provider approved a request with `authCaptureType=auth_with_capture`.
    ApprovedWithCapture,
    /// `UA-U00-001` on the provider page: the consumer is still paying.
    StillPaying,
    /// `capture`.
    Capture,
    /// `updateOrder`.
    UpdateOrder,
    /// `cancel` of part of the balance.
    PartialCancel,
    /// `cancel` of the whole balance.
    FullCancel,
    /// `charge` against this original order (the original does not change).
    Charge,
    /// `terminate`.
    Terminate,
}

/// One allowed transition: for an order of one of `kinds` in one of `from`, `event`
/// leads to `to`.
#[derive(Debug, Clone, Copy)]
struct Transition {
    kinds: &'static [Kind],
    from: &'static [OrderState],
    event: Event,
    to: OrderState,
}

use Event as E;
use Kind::{Charge, Original, Single};
use OrderState as S;

/// Every allowed transition; anything else is refused.
const TRANSITIONS: &[Transition] = &[
    // pay / subscribe: the order waits for the consumer, or failed at once.
    t(
        &[Single, Original],
        &[S::New],
        E::Requested,
        S::AwaitingConsumer,
    ),
    t(&[Single, Original], &[S::New], E::Declined, S::Failed),
    // The provider page.
    t(
        &[Single],
        &[S::AwaitingConsumer],
        E::Approved,
        S::Authorised,
    ),
    t(
        &[Single],
        &[S::AwaitingConsumer],
        E::ApprovedWithCapture,
        S::Captured,
    ),
    t(
        &[Original],
        &[S::AwaitingConsumer],
        E::Approved,
        S::Subscribed,
    ),
    t(
        &[Single, Original],
        &[S::AwaitingConsumer],
        E::StillPaying,
        S::AwaitingConsumer,
    ),
    t(
        &[Single, Original],
        &[S::AwaitingConsumer],
        E::Declined,
        S::Failed,
    ),
    // charge: a new order settled by the answer itself.
    t(&[Charge], &[S::New], E::Approved, S::Authorised),
    t(&[Charge], &[S::New], E::ApprovedWithCapture, S::Captured),
    t(&[Charge], &[S::New], E::Declined, S::Failed),
    t(&[Original], &[S::Subscribed], E::Charge, S::Subscribed),
    // Follow-up commands on a payment.
    t(&[Single, Charge], &[S::Authorised], E::Capture, S::Captured),
    t(
        &[Single, Charge],
        &[S::Authorised],
        E::UpdateOrder,
        S::Authorised,
    ),
    t(
        &[Single, Charge],
        &[S::Authorised, S::Captured],
        E::FullCancel,
        S::Cancelled,
    ),
    t(
        &[Single, Charge],
        &[S::Captured],
        E::PartialCancel,
        S::Captured,
    ),
    // Cancellation of contract, in every state of an original order but its end.
    t(
        &[Original],
        &[S::AwaitingConsumer, S::Failed, S::Subscribed],
        E::Terminate,
        S::Terminated,
    ),
];

const fn t(
    kinds: &'static [Kind],
    from: &'static [OrderState],
    event: Event,
    to: OrderState,
) -> Transition {
    Transition {
        kinds,
        from,
        event,
        to,
    }
}

/// The state an order of `kind` in `from` reaches on `event`; `None` when the table
/// does not allow it.
pub(super) fn next(kind: Kind, from: OrderState, event: Event) -> Option<OrderState> {
    TRANSITIONS
        .iter()
        .find(|t| t.event == event && t.kinds.contains(&kind) && t.from.contains(&from))
        .map(|t| t.to)
}

/// Whether `event` may happen to an order of `kind` in `from`.
pub(super) fn allows(kind: Kind, from: OrderState, event: Event) -> bool {
    next(kind, from, event).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One expectation: (kind, from, event, expected state or refusal, the guide's words).
    type Row = (Kind, OrderState, Event, Option<OrderState>, &'static str);

    /// Quotes are from `/work/shared/seeds/unified-api-1.1.3.en.txt` unless marked
    /// "sandbox reading".
    const TABLE: &[Row] = &[
        (
            Single,
            S::New,
            E::Requested,
            Some(S::AwaitingConsumer),
            "Webhook, Notification Conditions *2: \"The payment request ... is executed only after the consumer completes both the payment and the payment request with the payment provider.\"",
        ),
        (
            Single,
            S::AwaitingConsumer,
            E::Approved,
            Some(S::Authorised),
            "Payment Request, authCaptureType: \"auth: Payment Request Only (Default Value)\"",
        ),
        (
            Single,
            S::AwaitingConsumer,
            E::ApprovedWithCapture,
            Some(S::Captured),
            "Payment Request, authCaptureType: \"auth_with_capture: Payment Request with Capture\"",
        ),
        (
            Original,
            S::AwaitingConsumer,
            E::Approved,
            Some(S::Subscribed),
            "On-Demand Payment: \"the order for which user consent of an On-Demand is obtained, as the original order\"",
        ),
        (
            Single,
            S::AwaitingConsumer,
            E::StillPaying,
            Some(S::AwaitingConsumer),
            "Result codes: \"UA-U00-001: Awaiting consumer's payment\"",
        ),
        (
            Single,
            S::AwaitingConsumer,
            E::Declined,
            Some(S::Failed),
            "Payment Life Cycle: \"it is possible to retry with the same paymentId not only in the case of a payment failure\"",
        ),
        (
            Single,
            S::Authorised,
            E::Capture,
            Some(S::Captured),
            "Capture: \"Capture settlement is carried out for orders where a payment request is made.\"",
        ),
        (
            Single,
            S::Captured,
            E::Capture,
            None,
            "Capture: \"This can only be done once\"",
        ),
        (
            Original,
            S::Subscribed,
            E::Capture,
            None,
            "Capture: \"for orders where a payment request is made\" (an original order is a contract, not a payment: sandbox reading)",
        ),
        (
            Single,
            S::Authorised,
            E::UpdateOrder,
            Some(S::Authorised),
            "Payment Request Change: \"change the payment amount or extend the authorization for a successful payment request or On-Demand Payment order\"",
        ),
        (
            Single,
            S::Captured,
            E::UpdateOrder,
            None,
            "Payment Request Change: \"cannot be carried out on orders for which 'Authorize with Capture' was specified ..., or on orders that have already been captured\"",
        ),
        (
            Single,
            S::Authorised,
            E::FullCancel,
            Some(S::Cancelled),
            "Cancel, amount: \"If not specified, the full amount is cancelled.\"",
        ),
        (
            Single,
            S::Authorised,
            E::PartialCancel,
            None,
            "Cancel, amount: \"Only the full amount can be specified for orders where Capture has not yet been made (Authorization only status).\"",
        ),
        (
            Charge,
            S::Captured,
            E::PartialCancel,
            Some(S::Captured),
            "Cancel: \"Partial refunds can be performed repeatedly until the payment amount (remaining balance) is fully refunded\"",
        ),
        (
            Charge,
            S::Captured,
            E::FullCancel,
            Some(S::Cancelled),
            "Cancel: \"... until the payment amount (remaining balance) is fully refunded\"",
        ),
        (
            Single,
            S::Cancelled,
            E::FullCancel,
            None,
            "Cancel, amount: \"Amount exceeding the current payment amount (balance) cannot be specified.\"",
        ),
        (
            Charge,
            S::New,
            E::Approved,
            Some(S::Authorised),
            "On-Demand Payment: \"Performs On-Demand Payment\" (settled in its answer: sandbox reading)",
        ),
        (
            Charge,
            S::New,
            E::ApprovedWithCapture,
            Some(S::Captured),
            "On-Demand Payment, authCaptureType: \"auth_with_capture: Payment Request with Capture\"",
        ),
        (
            Charge,
            S::New,
            E::Declined,
            Some(S::Failed),
            "Payment Life Cycle: \"retry with the same paymentId ... also in the event of a charge failure\"",
        ),
        (
            Original,
            S::Subscribed,
            E::Charge,
            Some(S::Subscribed),
            "On-Demand Payment: \"by considering the order for which user consent of an On-Demand is obtained, as the original order\"",
        ),
        (
            Original,
            S::AwaitingConsumer,
            E::Charge,
            None,
            "On-Demand Payment: consent not yet obtained (sandbox reading of \"for which user consent ... is obtained\")",
        ),
        (
            Original,
            S::Terminated,
            E::Charge,
            None,
            "sandbox reading: no charge after Cancellation of Contract",
        ),
        (
            Original,
            S::Subscribed,
            E::Terminate,
            Some(S::Terminated),
            "Webhook, Notification Conditions: \"Cancellation of Contract terminate All Status\"",
        ),
        (
            Original,
            S::Terminated,
            E::Terminate,
            None,
            "sandbox reading: a contract is cancelled once",
        ),
        (
            Single,
            S::Authorised,
            E::Terminate,
            None,
            "sandbox reading: Cancellation of Contract ends an on-demand contract, not a payment",
        ),
    ];

    #[test]
    fn the_table_follows_the_guide() {
        for (kind, from, event, expected, guide) in TABLE {
            assert_eq!(
                next(*kind, *from, *event),
                *expected,
                "{kind:?} in {from:?} on {event:?}: {guide}"
            );
        }
    }

    /// No two rows answer the same question differently: `next` takes the first match,
    /// so an overlap would hide a row.
    #[test]
    fn no_two_transitions_overlap() {
        for (i, a) in TRANSITIONS.iter().enumerate() {
            for b in &TRANSITIONS[i + 1..] {
                let overlap = a.event == b.event
                    && a.kinds.iter().any(|k| b.kinds.contains(k))
                    && a.from.iter().any(|s| b.from.contains(s));
                assert!(!overlap, "{a:?} and {b:?} overlap");
            }
        }
    }

    /// No transition leads back to `New`, and nothing leaves `Terminated` or `Cancelled`.
    #[test]
    fn ends_are_ends() {
        for t in TRANSITIONS {
            assert_ne!(t.to, S::New, "{t:?}");
            assert!(!t.from.contains(&S::Terminated), "{t:?}");
            assert!(!t.from.contains(&S::Cancelled), "{t:?}");
        }
    }
}
