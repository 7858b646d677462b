//! What every merchant reads from an answer, one way: the generated response
//! types hold codes as `ResultCode`/`Status`/`ActionCode` and amounts as
//! [`Yen`] (the spec marks them; an unknown code parses as `Unknown`, an
//! amount that is not digits fails with its JSON path), and [`Answer`] names
//! the fields every flow needs (`redirectUrl`, `fepReferenceId`, `paymentId`,
//! `amount`) so nobody writes `body.control.and_then(|c| c.redirect_url)`.

use crate::{
    CancelResponse, CaptureResponse, ChargeResponse, GetTransactionResultResponse, PayResponse,
    Response, ResponseControl, ResponseOrder, ResponseTransaction, SubscribeResponse,
    TerminateResponse, UpdateOrderResponse, WebhookPayload, Yen,
};

/// A typed answer body of the latest version (a command's response or a
/// webhook's payload), read through the blocks it has.
///
/// ```
/// use unified_proto::{Answer, PayResponse, yen};
///
/// let body: PayResponse = serde_json::from_str(r#"{
///     "result": {"resultCode": "UA-000-001", "status": "success"},
///     "order": {"paymentId": "order-1", "amount": "1000"},
///     "transaction": {"fepReferenceId": "ref-1"},
///     "control": {"redirectUrl": "https://provider.example/pay"}
/// }"#)?;
/// assert_eq!(body.redirect_url(), Some("https://provider.example/pay"));
/// assert_eq!(body.fep_reference_id(), Some("ref-1"));
/// assert_eq!(body.payment_id(), Some("order-1"));
/// assert_eq!(body.amount(), Some(yen(1000)));
/// assert!(body.result.unwrap().result_code.unwrap().is_success());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Answer {
    /// The `order` block, when the answer has one.
    fn order_block(&self) -> Option<&ResponseOrder>;
    /// The `transaction` block, when the answer has one.
    fn transaction_block(&self) -> Option<&ResponseTransaction>;
    /// The `control` block (pay, subscribe, webhooks).
    fn control_block(&self) -> Option<&ResponseControl> {
        None
    }

    /// `control.redirectUrl`: where `pay` and `subscribe` send the consumer.
    fn redirect_url(&self) -> Option<&str> {
        self.control_block()?.redirect_url.as_deref()
    }
    /// `transaction.fepReferenceId`: what `getTransactionResult` asks about.
    fn fep_reference_id(&self) -> Option<&str> {
        self.transaction_block()?.fep_reference_id.as_deref()
    }
    /// `order.paymentId`: the merchant's ID of the order.
    fn payment_id(&self) -> Option<&str> {
        self.order_block()?.payment_id.as_deref()
    }
    /// `order.amount` in integer yen.
    fn amount(&self) -> Option<Yen> {
        self.order_block()?.amount
    }
}

/// `Answer` for the types with `order` and `transaction` blocks (and `control`
/// where the spec gives them one).
macro_rules! answers {
    ($($body:ty $(, $control:ident)?;)*) => {$(
        impl Answer for $body {
            fn order_block(&self) -> Option<&ResponseOrder> {
                self.order.as_ref()
            }
            fn transaction_block(&self) -> Option<&ResponseTransaction> {
                self.transaction.as_ref()
            }
            $(fn control_block(&self) -> Option<&ResponseControl> {
                self.$control.as_ref()
            })?
        }
    )*};
}

answers! {
    PayResponse, control;
    SubscribeResponse, control;
    UpdateOrderResponse;
    CaptureResponse;
    CancelResponse;
    TerminateResponse;
    ChargeResponse;
    WebhookPayload, control;
}

impl Answer for GetTransactionResultResponse {
    fn order_block(&self) -> Option<&ResponseOrder> {
        self.transaction_data.as_ref()?.order_block()
    }
    fn transaction_block(&self) -> Option<&ResponseTransaction> {
        self.transaction_data.as_ref()?.transaction_block()
    }
    fn control_block(&self) -> Option<&ResponseControl> {
        self.transaction_data.as_ref()?.control_block()
    }
}

impl<T: Answer> Answer for Response<T> {
    fn order_block(&self) -> Option<&ResponseOrder> {
        self.body.order_block()
    }
    fn transaction_block(&self) -> Option<&ResponseTransaction> {
        self.body.transaction_block()
    }
    fn control_block(&self) -> Option<&ResponseControl> {
        self.body.control_block()
    }
}

impl Answer for crate::Webhook {
    fn order_block(&self) -> Option<&ResponseOrder> {
        self.payload.order_block()
    }
    fn transaction_block(&self) -> Option<&ResponseTransaction> {
        self.payload.transaction_block()
    }
    fn control_block(&self) -> Option<&ResponseControl> {
        self.payload.control_block()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActionCode, ResultCode, Status};

    /// Codes and amounts are typed where they are parsed: an unknown code is
    /// kept, an amount that is not digits fails with its JSON path.
    #[test]
    fn codes_and_amounts_parse_typed() {
        let body = br#"{"result":{"resultCode":"UA-NEW-999","status":"failure","actionCode":"confirm_pending_status"},"order":{"amount":"1500"}}"#;
        let parsed: CaptureResponse = crate::errors::parse_json("capture response", body).unwrap();
        let result = parsed.result.unwrap();
        assert_eq!(result.result_code, Some(ResultCode::from("UA-NEW-999")));
        assert!(!result.result_code.unwrap().is_known());
        assert_eq!(result.status, Some(Status::Failure));
        assert!(
            result
                .action_code
                .as_ref()
                .is_some_and(ActionCode::is_pending)
        );
        assert_eq!(parsed.order.unwrap().amount, Some(crate::yen(1500)));

        let bad = br#"{"order":{"amount":"15.00"}}"#;
        let err =
            crate::errors::parse_json::<CaptureResponse>("capture response", bad).unwrap_err();
        assert!(err.to_string().contains("order.amount"), "{err}");
    }
}
