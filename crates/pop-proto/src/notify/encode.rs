//! The sending side of notifications: a typed [`Notification`] as the signed
//! form of a redirect or the signed JSON of a push, as POP sends them.
//!
//! The parameter list is the generated one the decoder reads with
//! ([`Kind::fields`]): a field the struct serialises but the kind does not
//! list, or a `payment_type` / `result_type` pair that selects another kind,
//! is an error rather than a notification no merchant could parse. The
//! struct's own `signature` is ignored: the signature is computed here, over
//! every other parameter, with `veritrans-sign`, and sent last ("POP Server
//! adds a signature as the last parameter").

use serde_json::Value;
use veritrans_sign::PopServerKey;

use super::SIGNATURE;
use crate::generated::notification::Kind;
use crate::notify::kinds::Field;
use crate::{Error, Notification};

/// Serialises one notification struct into a JSON value.
macro_rules! to_value {
    ($self:ident) => {
        match $self {
            Notification::Unspecified(n) => serde_json::to_value(n),
            Notification::Card(n) | Notification::Mpi(n) => serde_json::to_value(n),
            Notification::CvsApplied(n) => serde_json::to_value(n),
            Notification::CvsPaid(n) => serde_json::to_value(n),
            Notification::BankApplied(n) => serde_json::to_value(n),
            Notification::BankPaid(n) => serde_json::to_value(n),
        }
    };
}

impl Notification {
    /// The parameters to send, in name order, without `signature`: each with
    /// the generated field that names it and its JSON value.
    fn wire_params(&self) -> Result<Vec<(&'static Field, Value)>, Error> {
        let malformed = |path: &str, detail: String| Error::MalformedNotification {
            path: path.to_owned(),
            detail,
        };
        let value = to_value!(self).map_err(|e| malformed("(parameters)", e.to_string()))?;
        let Value::Object(members) = value else {
            return Err(malformed("(parameters)", "not an object".into()));
        };
        let kind = self.kind();
        let text = |name: &str| match members.get(name) {
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let (payment_type, result_type) = (text("payment_type"), text("result_type"));
        if Kind::select(payment_type, result_type) != Some(kind) {
            return Err(Error::UnknownPaymentType {
                payment_type: payment_type.map(str::to_owned),
                result_type: result_type.map(str::to_owned),
            });
        }
        let mut params = Vec::with_capacity(members.len());
        // `serde_json::Map` iterates in name order: the order of the parameters sent.
        for (name, value) in members {
            if name == SIGNATURE {
                continue;
            }
            let field = kind
                .fields()
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| {
                    malformed(&name, format!("not a parameter of a {kind:?} notification"))
                })?;
            match (&value, field.boolean) {
                (Value::Bool(_), true) | (Value::String(_), false) => {}
                _ => {
                    return Err(malformed(
                        &name,
                        format!("{value} is not what the guide sends for this parameter"),
                    ));
                }
            }
            params.push((field, value));
        }
        Ok(params)
    }

    /// The signed redirect: the form parameters POSTed to `success_url`,
    /// `failure_url` or `incomplete_url`, `signature` last. `dummy` is
    /// `true`/`false` text, as every form value is text.
    ///
    /// ```
    /// use pop_proto::types::UnspecifiedNotification;
    /// use pop_proto::{Notification, Redirect, ResultCode, Status};
    /// use veritrans_sign::PopServerKey;
    ///
    /// let key = PopServerKey::new("server-key");
    /// let sent = Notification::Unspecified(UnspecifiedNotification {
    ///     merchant_id: "A100000000000000000001".into(),
    ///     order_id: "order-1".into(),
    ///     status: Status::Failure,
    ///     result_code: ResultCode::RC34,
    ///     dummy: true,
    ///     m_status: None,
    ///     payment_type: None,
    ///     transaction_datetime: None,
    ///     v_result_code: None,
    ///     signature: String::new(),
    /// });
    /// let form = sent.to_redirect_form(&key).unwrap();
    /// let body = serde_urlencoded::to_string(&form).unwrap();
    /// let received = Redirect::verify_and_parse(body.as_bytes(), &key, "order-1").unwrap();
    /// assert_eq!(received.notification.result_code(), &ResultCode::RC34);
    /// assert_eq!(form.last().unwrap().0, "signature");
    /// ```
    ///
    /// # Errors
    /// [`Error::UnknownPaymentType`] when `payment_type` / `result_type` select
    /// another kind than the variant; [`Error::MalformedNotification`] when a
    /// value is not of the type the guide sends.
    pub fn to_redirect_form(&self, key: &PopServerKey) -> Result<Vec<(String, String)>, Error> {
        let mut pairs: Vec<(String, String)> = self
            .wire_params()?
            .into_iter()
            .map(|(field, value)| {
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (field.name.to_owned(), text)
            })
            .collect();
        let signature = veritrans_sign::pop::sign(&pairs, key);
        pairs.push((SIGNATURE.to_owned(), signature));
        Ok(pairs)
    }

    /// The signed push: the JSON object POSTed to `push_url`, `signature`
    /// last; `dummy` is a JSON boolean, every other parameter a string.
    ///
    /// # Errors
    /// As [`Notification::to_redirect_form`].
    ///
    /// ```
    /// use pop_proto::types::UnspecifiedNotification;
    /// use pop_proto::{Notification, PopServerKey, Push, ResultCode, Status};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let sent = Notification::Unspecified(UnspecifiedNotification {
    ///     merchant_id: "A100000000000000000001".into(),
    ///     order_id: "order-1".into(),
    ///     status: Status::Failure,
    ///     result_code: ResultCode::RC34,
    ///     dummy: true,
    ///     m_status: None,
    ///     payment_type: None,
    ///     transaction_datetime: None,
    ///     v_result_code: None,
    ///     signature: String::new(),
    /// });
    /// let body = sent.to_push_body(&key)?;
    /// let received = Push::verify_and_parse(&body, &key)?;
    /// assert_eq!(received.notification.result_code(), &ResultCode::RC34);
    /// assert!(String::from_utf8(body).unwrap().contains(r#""dummy":true"#));
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn to_push_body(&self, key: &PopServerKey) -> Result<Vec<u8>, Error> {
        let params = self.wire_params()?;
        // The signed text of a JSON member is the string unquoted and a boolean as
        // written, as `veritrans_sign::pop::json_params` reads it back.
        let pairs: Vec<(&str, String)> = params
            .iter()
            .map(|(field, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (field.name, text)
            })
            .collect();
        let signature = Value::String(veritrans_sign::pop::sign(&pairs, key));
        let mut body = String::from("{");
        for (field, value) in &params {
            body.push_str(&Value::from(field.name).to_string());
            body.push(':');
            body.push_str(&value.to_string());
            body.push(',');
        }
        body.push_str(&Value::from(SIGNATURE).to_string());
        body.push(':');
        body.push_str(&signature.to_string());
        body.push('}');
        Ok(body.into_bytes())
    }
}
