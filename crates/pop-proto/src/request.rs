//! Constructors for the request bodies: the required fields as arguments,
//! every optional one unset (so it is not sent and the MAP setting applies).
//! The all-optional parameter objects (`CardParameters`, `EmailParameters`,
//! `CustomMessage`) derive `Default`.

use crate::types::{
    AccountManagementKeyRequest, BankParameters, BankPaymentType, CvsParameters, Item,
    PaymentKeyRequest, PaymentLinkRequest,
};
use crate::{BankSubType, CvsSubType, Yen};

impl PaymentKeyRequest {
    /// A request with only the two required fields (the guide's minimum).
    ///
    /// ```
    /// let request = pop_proto::types::PaymentKeyRequest::new("ORDER-0001", pop_proto::yen(10000));
    /// assert_eq!(
    ///     serde_json::to_value(&request).unwrap(),
    ///     serde_json::json!({ "order_id": "ORDER-0001", "gross_amount": 10000 })
    /// );
    /// ```
    pub fn new(order_id: impl Into<String>, gross_amount: Yen) -> Self {
        Self {
            order_id: order_id.into(),
            gross_amount,
            bank: None,
            capture: None,
            card: None,
            custom_message: None,
            cvs: Vec::new(),
            dummy: None,
            email: None,
            enabled_payment_types: Vec::new(),
            failure_url: None,
            incomplete_url: None,
            items: Vec::new(),
            payment_key_expiry_duration: None,
            push_url: None,
            shipping_amount: None,
            success_url: None,
        }
    }
}

impl PaymentLinkRequest {
    /// A payment link request with only the two required fields.
    ///
    /// ```
    /// use pop_proto::{types::PaymentLinkRequest, yen};
    ///
    /// let request = PaymentLinkRequest::new("ORDER-0002", yen(2500));
    /// assert_eq!(serde_json::to_value(&request).unwrap()["gross_amount"], 2500);
    /// ```
    pub fn new(order_id: impl Into<String>, gross_amount: Yen) -> Self {
        Self {
            order_id: order_id.into(),
            gross_amount,
            bank: None,
            capture: None,
            card: None,
            custom_message: None,
            cvs: Vec::new(),
            dummy: None,
            email: None,
            enabled_payment_types: Vec::new(),
            items: Vec::new(),
            payment_key_expiry_duration: None,
            push_url: None,
            shipping_amount: None,
        }
    }
}

impl From<PaymentKeyRequest> for PaymentLinkRequest {
    /// The same order as a payment link; the redirect URLs are dropped
    /// because a payment link cannot redirect.
    fn from(r: PaymentKeyRequest) -> Self {
        Self {
            order_id: r.order_id,
            gross_amount: r.gross_amount,
            bank: r.bank,
            capture: r.capture,
            card: r.card,
            custom_message: r.custom_message,
            cvs: r.cvs,
            dummy: r.dummy,
            email: r.email,
            enabled_payment_types: r.enabled_payment_types,
            items: r.items,
            payment_key_expiry_duration: r.payment_key_expiry_duration,
            push_url: r.push_url,
            shipping_amount: r.shipping_amount,
        }
    }
}

impl AccountManagementKeyRequest {
    /// A request for the account management screen of `paynow_account_id`.
    ///
    /// ```
    /// use pop_proto::types::AccountManagementKeyRequest;
    /// use pop_proto::Validate;
    ///
    /// let request = AccountManagementKeyRequest::new("paynow-account-1");
    /// assert_eq!(serde_json::to_value(&request).unwrap(), serde_json::json!({"paynow_account_id": "paynow-account-1"}));
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn new(paynow_account_id: impl Into<String>) -> Self {
        Self {
            paynow_account_id: paynow_account_id.into(),
            dummy: None,
            account_mgmt_key_expiry_duration: None,
        }
    }
}

impl CvsParameters {
    /// One store (group) with the default expiry.
    ///
    /// ```
    /// use pop_proto::types::CvsParameters;
    /// use pop_proto::CvsSubType;
    ///
    /// let sej = CvsParameters::new(CvsSubType::Sej);
    /// assert_eq!(serde_json::to_value(&sej).unwrap(), serde_json::json!({"payment_sub_type": "sej"}));
    /// ```
    pub fn new(payment_sub_type: CvsSubType) -> Self {
        Self {
            payment_sub_type,
            payment_expiry_date: None,
            payment_expiry_duration: None,
            payment_expiry_hhmm: None,
        }
    }
}

impl BankParameters {
    /// Bank parameters with the ATM screen texts and the MAP's sub types.
    ///
    /// ```
    /// use pop_proto::types::{BankParameters, BankPaymentType};
    /// use pop_proto::BankSubType;
    ///
    /// let mut bank = BankParameters::new("ご請求", "ゴセイキュウ");
    /// bank.payment_type.push(BankPaymentType::new(BankSubType::Atm));
    /// assert_eq!(serde_json::to_value(&bank).unwrap()["payment_type"][0]["payment_sub_type"], "atm");
    /// ```
    pub fn new(contents: impl Into<String>, contents_kana: impl Into<String>) -> Self {
        Self {
            contents: contents.into(),
            contents_kana: contents_kana.into(),
            payment_type: Vec::new(),
        }
    }
}

impl BankPaymentType {
    /// One bank sub type with the default expiry.
    ///
    /// ```
    /// use pop_proto::types::BankPaymentType;
    /// use pop_proto::BankSubType;
    ///
    /// let atm = BankPaymentType::new(BankSubType::Atm);
    /// assert!(atm.payment_expiry_date.is_none() && atm.payment_expiry_duration.is_none()); // the default expiry
    /// ```
    pub fn new(payment_sub_type: BankSubType) -> Self {
        Self {
            payment_sub_type,
            payment_expiry_date: None,
            payment_expiry_duration: None,
        }
    }
}

impl Item {
    /// An item of the order: its price in yen (a JSON integer on the wire) and quantity.
    ///
    /// ```
    /// use pop_proto::{types::Item, yen};
    ///
    /// let item = Item::new("ITEM-0001", "ITEM NAME", yen(10000), 1);
    /// assert_eq!(
    ///     serde_json::to_value(&item).unwrap(),
    ///     serde_json::json!({"id": "ITEM-0001", "name": "ITEM NAME", "price": 10000, "quantity": 1})
    /// );
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>, price: Yen, quantity: i64) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            price,
            quantity,
        }
    }
}
