//! Redirect and push notifications: verified first, parsed second.
//!
//! POP signs every notification with SHA-512 over the sorted parameters and
//! the server key. [`Redirect::verify_and_parse`] and
//! [`Push::verify_and_parse`] check that signature (constant-time, in
//! `veritrans-sign`) over *all* received parameters, including ones this
//! crate does not know, before anything is interpreted; only then is the
//! notification typed by `payment_type` and `result_type`. Parameters the
//! guide does not list are kept in `extra`, in the order received.
//!
//! Each check emits one `tracing` event (`veritrans_core::trace`, target
//! `veritrans::verify`, kind `redirect` or `push`): `verified`, or `refused`
//! with the error's message; never a parameter value.

mod encode;
pub(crate) mod kinds;
mod scalar;

use std::borrow::Cow;

use serde::de::value::MapDeserializer;
use veritrans_core::{Gateway, trace};
use veritrans_sign::PopServerKey;
use veritrans_sign::pop::JsonScalar;

use crate::generated::notification::Kind;
pub use crate::generated::notification::{Kind as NotificationKind, Notification};
use crate::notify::kinds::Field;
use crate::{Error, ResultCode, Status};
use scalar::Scalar;

/// The parameter that carries the signature; the decoder requires it, the
/// encoder computes it.
pub(crate) const SIGNATURE: &str = "signature";

/// A verified redirect: the form POSTed to `success_url`, `failure_url` or
/// `incomplete_url` (also the result object of the `pop.pay` callbacks).
///
/// ```
/// use pop_proto::{PopServerKey, Redirect, testing};
///
/// let key = PopServerKey::new("server-key");
/// let body = testing::signed_redirect_body(
///     &[("merchant_id", "M1"), ("order_id", "ORDER-0001"), ("status", "success"),
///       ("result_code", "R000"), ("dummy", "true"), ("shop_note", "kept")],
///     &key,
/// );
/// let redirect = Redirect::verify_and_parse(&body, &key, "ORDER-0001")?;
/// assert!(redirect.notification.is_success());
/// assert_eq!(redirect.extra, [("shop_note".to_string(), "kept".to_string())]); // unlisted, but signed
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The typed notification.
    pub notification: Notification,
    /// Parameters the guide does not list (part of the signature), as received.
    pub extra: Vec<(String, String)>,
}

/// A verified push: the JSON POSTed to `push_url`.
///
/// ```
/// use pop_proto::{Notification, PopServerKey, Push, Yen, testing};
///
/// let key = PopServerKey::new("server-key");
/// let params = serde_json::json!({"merchant_id": "M1", "order_id": "ORDER-0001", "status": "success",
///     "result_code": "R000", "payment_type": "cvs", "result_type": "paid", "dummy": true,
///     "payment_sub_type": "sej", "receipt_number": "1234567890123", "cvs_type": "sej", "received_amount": "10050"});
/// let body = testing::signed_push_body(params.as_object().unwrap(), &key)?;
/// let push = Push::verify_and_parse(&body, &key)?;
/// assert!(matches!(&push.notification, Notification::CvsPaid(paid) if paid.received_amount == Yen(10050)));
/// # Ok::<(), pop_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    /// The typed notification.
    pub notification: Notification,
    /// Parameters the guide does not list (part of the signature), as their
    /// text (strings unquoted, numbers and booleans as written).
    pub extra: Vec<(String, String)>,
}

/// The values of the parameters a kind knows, at their index in the kind's
/// field table (`Kind::fields`, in byte order of the names), each as received
/// (borrowed from the body where it needed no decoding), ready to be
/// deserialized. Indexed rather than listed, so the known parameters come out
/// in name order without a sort.
struct Known<'a, 's> {
    fields: &'static [Field],
    values: &'s mut [Option<Scalar<'a>>],
}

/// Value slots for a field table of up to this many names (the largest has 19)
/// sit on the stack; a larger table's go to the heap.
const STACK_FIELDS: usize = 24;

/// Calls `f` with an empty [`Known`] of `fields` (a kind's table), its slots
/// on the stack or, for a table of more than [`STACK_FIELDS`] names, on the
/// heap. A `Vec` of them was one of the two allocations of every verified
/// push (29,927 -> 29,713 instructions a card push without it, cachegrind of
/// `pop_counts push`); lent rather than returned, since returning the slots
/// copied them with `memcpy` (which made it 29,971).
fn with_known<'a, R>(fields: &'static [Field], f: impl FnOnce(&mut Known<'a, '_>) -> R) -> R {
    if let Some(stack) = [const { None }; STACK_FIELDS].get_mut(..fields.len()) {
        return f(&mut Known {
            fields,
            values: stack,
        });
    }
    let mut heap = Vec::with_capacity(fields.len());
    heap.resize_with(fields.len(), || None);
    f(&mut Known {
        fields,
        values: &mut heap,
    })
}

impl<'a> Known<'a, '_> {
    /// Puts the value of the field at `index` (from [`Known::find`]).
    fn set(&mut self, index: usize, value: Scalar<'a>) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = Some(value);
        }
    }

    /// The field `name` names: a binary search of the sorted table by the
    /// names' eight-byte prefixes (integers), then [`Field::is`] among the few
    /// sharing that prefix. Inlined into the loop over the parameters: as a call
    /// (saving and restoring six registers each time) a card push's 14 look-ups
    /// cost 277 instructions more (cachegrind of `pop_counts push`).
    #[inline(always)]
    fn find(&self, name: &str) -> Option<(usize, &'static Field)> {
        let key = kinds::prefix(name);
        let first = self.fields.partition_point(|f| f.prefix < key);
        self.fields[first..]
            .iter()
            .take_while(|f| f.prefix == key)
            .position(|f| f.is(name))
            .map(|i| (first + i, &self.fields[first + i]))
    }

    /// The known parameters present, in name order (the order of a JSON object's
    /// members), as `(name, value)`.
    fn in_name_order(&self) -> impl Iterator<Item = (&'static str, &Scalar<'a>)> {
        self.fields
            .iter()
            .zip(self.values.iter())
            .filter_map(|(f, v)| v.as_ref().map(|v| (f.name, v)))
    }
}

impl Redirect {
    /// Verifies the signature of an `application/x-www-form-urlencoded` body,
    /// then parses it, and checks that it is about `expected_order_id`, the order
    /// this merchant sent the customer to pay: a genuine redirect of another order,
    /// replayed to this order's page, is [`Error::OrderMismatch`]. Every value
    /// arrives as text; `dummy` must be `true` or `false`.
    ///
    /// ```
    /// use pop_proto::{Error, PopServerKey, Redirect, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(
    ///     &[("merchant_id", "M1"), ("order_id", "ORDER-0001"), ("status", "success"),
    ///       ("result_code", "R000"), ("dummy", "true")],
    ///     &key,
    /// );
    /// assert_eq!(Redirect::verify_and_parse(&body, &key, "ORDER-0001")?.notification.order_id(), "ORDER-0001");
    /// // A genuine redirect of another order, replayed to this order's page:
    /// assert!(matches!(Redirect::verify_and_parse(&body, &key, "ORDER-0002"), Err(Error::OrderMismatch { .. })));
    /// // Signed with another key:
    /// let other = PopServerKey::new("another-key");
    /// assert!(matches!(Redirect::verify_and_parse(&body, &other, "ORDER-0001"), Err(Error::Signature(_))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn verify_and_parse(
        form_body: &[u8],
        key: &PopServerKey,
        expected_order_id: &str,
    ) -> Result<Self, Error> {
        traced(
            "redirect",
            Self::verify_and_parse_any_order(form_body, key).and_then(|redirect| {
                let actual = redirect.notification.order_id();
                if actual != expected_order_id {
                    return Err(Error::OrderMismatch {
                        expected: expected_order_id.to_owned(),
                        actual: actual.to_owned(),
                    });
                }
                Ok(redirect)
            }),
        )
    }

    fn verify_and_parse_any_order(form_body: &[u8], key: &PopServerKey) -> Result<Self, Error> {
        // One pass: the body is split into borrowed parameters, the signature
        // is checked over them, and only then is each value moved into the
        // typed notification.
        let params = veritrans_sign::pop::form_params_borrowed(form_body)
            .map_err(Error::NotificationBody)?;
        verify(&params, key)?;
        let kind = kind(&params)?;
        with_known(kind.fields(), |known| {
            let mut extra = Vec::new();
            for (name, value) in params {
                match known.find(&name) {
                    Some((i, field)) if field.boolean => {
                        let flag = match value.as_ref() {
                            "true" => true,
                            "false" => false,
                            _ => {
                                return Err(Error::MalformedNotification {
                                    path: name.into_owned(),
                                    detail: "expected `true` or `false`".into(),
                                });
                            }
                        };
                        known.set(i, Scalar::Bool(flag));
                    }
                    Some((i, _)) => known.set(i, Scalar::Str(value)),
                    None => extra.push((name.into_owned(), value.into_owned())),
                }
            }
            Ok(Redirect {
                notification: typed(kind, known)?,
                extra,
            })
        })
    }
}

impl Push {
    /// Verifies the signature of a JSON body, then parses it. JSON types are
    /// checked against the guide: a number where it says string (or the
    /// reverse) is [`Error::MalformedNotification`].
    ///
    /// ```
    /// use pop_proto::{Error, PopServerKey, Push, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let params = serde_json::json!({"merchant_id": "M1", "order_id": "ORDER-0001", "status": "success",
    ///     "result_code": "R000", "payment_type": "card", "dummy": true});
    /// let body = testing::signed_push_body(params.as_object().unwrap(), &key)?;
    /// assert!(Push::verify_and_parse(&body, &key)?.notification.is_success());
    ///
    /// // One byte changed after signing: refused before anything is parsed.
    /// let tampered = String::from_utf8(body).unwrap().replace("ORDER-0001", "ORDER-0009");
    /// assert!(matches!(Push::verify_and_parse(tampered.as_bytes(), &key), Err(Error::Signature(_))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn verify_and_parse(json_body: &[u8], key: &PopServerKey) -> Result<Self, Error> {
        traced("push", Self::verify_and_parse_untraced(json_body, key))
    }

    fn verify_and_parse_untraced(json_body: &[u8], key: &PopServerKey) -> Result<Self, Error> {
        // One scan of the body gives each member's signed text and its JSON
        // type; after the signature check each value moves, typed, into the
        // notification (no second parse of the body).
        let params = veritrans_sign::pop::json_params_borrowed(json_body)
            .map_err(Error::NotificationBody)?;
        verify(&params, key)?;
        let kind = kind(&params)?;
        with_known(kind.fields(), |known| {
            let mut extra = Vec::new();
            for (name, scalar) in params {
                match known.find(&name) {
                    Some((i, _)) => known.set(i, json_value(&name, scalar)?),
                    None => extra.push((name.into_owned(), text(scalar))),
                }
            }
            Ok(Push {
                notification: typed(kind, known)?,
                extra,
            })
        })
    }
}

/// Emits the one verification event of a `kind` (`redirect`, `push`)
/// notification, `verified` or `refused` with the error's message (which never
/// holds the body, the key or a card number), and hands the result back.
fn traced<T>(kind: &str, result: Result<T, Error>) -> Result<T, Error> {
    match &result {
        Ok(_) => trace::verified(Gateway::Pop, kind),
        Err(e) => trace::refused(Gateway::Pop, kind, e),
    }
    result
}

/// A member's JSON value, as `serde_json` would have parsed it (strings stay
/// borrowed from the body).
fn json_value<'a>(name: &str, scalar: JsonScalar<'a>) -> Result<Scalar<'a>, Error> {
    Ok(match scalar {
        JsonScalar::String(s) => Scalar::Str(s),
        JsonScalar::Bool(b) => Scalar::Bool(b),
        JsonScalar::Number(n) => Scalar::Number(n.parse().map_err(|e: serde_json::Error| {
            Error::MalformedNotification {
                path: name.to_string(),
                detail: e.to_string(),
            }
        })?),
    })
}

/// A member's signed text, owned.
fn text(scalar: JsonScalar<'_>) -> String {
    match scalar {
        JsonScalar::String(s) => s.into_owned(),
        other => other.as_ref().to_string(),
    }
}

fn verify<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    key: &PopServerKey,
) -> Result<(), Error> {
    if !params.iter().any(|(name, _)| name.as_ref() == SIGNATURE) {
        return Err(Error::MissingSignature);
    }
    veritrans_sign::pop::verify(params, key).map_err(Error::Signature)
}

fn kind<V: AsRef<str>>(params: &[(Cow<'_, str>, V)]) -> Result<Kind, Error> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    };
    let (payment_type, result_type) = (get("payment_type"), get("result_type"));
    Kind::select(payment_type, result_type).ok_or_else(|| Error::UnknownPaymentType {
        payment_type: payment_type.map(str::to_string),
        result_type: result_type.map(str::to_string),
    })
}

/// Deserializes the known parameters into the kind's type, straight from
/// the list (no intermediate JSON object). They are taken in name order, as
/// from a JSON object, so the first of several faults reported is the same
/// (the order of the field table; duplicates were refused before).
///
/// The path of a fault is tracked only once there is one: the list is read
/// untracked first, and only when that fails read again with
/// `serde_path_to_error` (the same input fails the same way), so a valid
/// notification does not pay for a path it never reports.
fn typed(kind: Kind, known: &Known<'_, '_>) -> Result<Notification, Error> {
    let map = || MapDeserializer::<_, serde_json::Error>::new(known.in_name_order());
    if let Ok(parsed) = Notification::deserialize(kind, map()) {
        return Ok(parsed);
    }
    let parsed = Notification::deserialize_tracked(kind, map());
    parsed.map_err(|e| {
        let path = e.path().to_string();
        Error::MalformedNotification {
            // serde_path_to_error names the top level ".", e.g. for a missing field.
            path: if path == "." {
                "(parameters)".into()
            } else {
                path
            },
            detail: e.inner().to_string(),
        }
    })
}

macro_rules! common {
    ($self:ident, $n:ident => $e:expr) => {
        match $self {
            Notification::Unspecified($n) => $e,
            Notification::Card($n) | Notification::Mpi($n) => $e,
            Notification::CvsApplied($n) => $e,
            Notification::CvsPaid($n) => $e,
            Notification::BankApplied($n) => $e,
            Notification::BankPaid($n) => $e,
        }
    };
}

impl Notification {
    /// The merchant's `order_id`.
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(&[("merchant_id", "M1"), ("order_id", "ORDER-0001"),
    ///     ("status", "success"), ("result_code", "R000"), ("dummy", "true")], &key);
    /// let notification = Redirect::verify_and_parse(&body, &key, "ORDER-0001")?.notification;
    /// assert_eq!(notification.order_id(), "ORDER-0001");
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn order_id(&self) -> &str {
        common!(self, n => &n.order_id)
    }

    /// `merchant_id`.
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(&[("merchant_id", "A100000000000001069713"), ("order_id", "O-1"),
    ///     ("status", "success"), ("result_code", "R000"), ("dummy", "true")], &key);
    /// let notification = Redirect::verify_and_parse(&body, &key, "O-1")?.notification;
    /// assert_eq!(notification.merchant_id(), "A100000000000001069713");
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn merchant_id(&self) -> &str {
        common!(self, n => &n.merchant_id)
    }

    /// `status`: success or failure of the transaction (or phase).
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, Status, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(&[("merchant_id", "M1"), ("order_id", "O-1"),
    ///     ("status", "failure"), ("result_code", "RC34"), ("dummy", "true")], &key);
    /// let notification = Redirect::verify_and_parse(&body, &key, "O-1")?.notification;
    /// assert_eq!(notification.status(), &Status::Failure);
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn status(&self) -> &Status {
        common!(self, n => &n.status)
    }

    /// `result_code`; `description()` explains it.
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, ResultCode, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(&[("merchant_id", "M1"), ("order_id", "O-1"),
    ///     ("status", "failure"), ("result_code", "RC34"), ("dummy", "true")], &key);
    /// let notification = Redirect::verify_and_parse(&body, &key, "O-1")?.notification;
    /// assert_eq!(notification.result_code(), &ResultCode::RC34);
    /// assert!(notification.result_code().description().is_some());
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn result_code(&self) -> &ResultCode {
        common!(self, n => &n.result_code)
    }

    /// `v_result_code` from the payment gateway, when it was reached.
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(&[("merchant_id", "M1"), ("order_id", "O-1"),
    ///     ("status", "failure"), ("result_code", "R001"), ("payment_type", "card"), ("dummy", "true"),
    ///     ("v_result_code", "AG70000000000000")], &key);
    /// let notification = Redirect::verify_and_parse(&body, &key, "O-1")?.notification;
    /// assert_eq!(notification.v_result_code(), Some("AG70000000000000"));
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn v_result_code(&self) -> Option<&str> {
        common!(self, n => n.v_result_code.as_deref())
    }

    /// Whether this was a dummy (test) transaction.
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let body = testing::signed_redirect_body(&[("merchant_id", "M1"), ("order_id", "O-1"),
    ///     ("status", "success"), ("result_code", "R000"), ("dummy", "false")], &key);
    /// let notification = Redirect::verify_and_parse(&body, &key, "O-1")?.notification;
    /// assert!(!notification.dummy()); // real money moved
    /// # Ok::<(), pop_proto::Error>(())
    /// ```
    pub fn dummy(&self) -> bool {
        common!(self, n => n.dummy)
    }

    /// `status` is success and `result_code` is R000.
    ///
    /// ```
    /// use pop_proto::{PopServerKey, Redirect, testing};
    ///
    /// let key = PopServerKey::new("server-key");
    /// let redirect = |status, code| {
    ///     let body = testing::signed_redirect_body(&[("merchant_id", "M1"), ("order_id", "O-1"),
    ///         ("status", status), ("result_code", code), ("dummy", "true")], &key);
    ///     Redirect::verify_and_parse(&body, &key, "O-1").unwrap().notification
    /// };
    /// assert!(redirect("success", "R000").is_success());
    /// assert!(!redirect("failure", "RC34").is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        *self.status() == Status::Success && *self.result_code() == ResultCode::R000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::notification::KINDS;

    /// Every name of every kind's table is found at its index; names sharing a
    /// field's eight-byte prefix, or equal to it once zero-padded, are not.
    #[test]
    fn known_finds_each_field_and_nothing_else() {
        for &(_, _, kind) in KINDS {
            with_known(kind.fields(), |known| {
                for (i, field) in kind.fields().iter().enumerate() {
                    assert_eq!(known.find(field.name).map(|(j, _)| j), Some(i), "{kind:?}");
                    for near in [
                        format!("{}\0", field.name),
                        format!("{}x", field.name),
                        field.name[..field.name.len() - 1].to_string(),
                    ] {
                        assert_eq!(known.find(&near).map(|(j, _)| j), None, "{kind:?} {near:?}");
                    }
                }
                assert!(known.find("").is_none());
            });
        }
        with_known(Kind::CvsPaid.fields(), |cvs| {
            let sub = cvs.find("payment_sub_type").map(|(_, f)| f.name);
            assert_eq!(sub, Some("payment_sub_type"));
            assert_eq!(
                cvs.find("payment_type").map(|(_, f)| f.name),
                Some("payment_type")
            );
        });
    }

    /// A name of a field's length with any one byte changed is not that field
    /// (`Field::is` compares lengths, prefixes, the last eight bytes and, past
    /// sixteen, the bytes between): found only if it is another field's name.
    #[test]
    fn known_tells_names_apart_at_every_byte() {
        for &(_, _, kind) in KINDS {
            with_known(kind.fields(), |known| {
                for field in kind.fields() {
                    for at in 0..field.name.len() {
                        for b in [b'a', b'z', b'_', b'0', 0] {
                            let mut name = field.name.as_bytes().to_vec();
                            if name[at] == b {
                                continue;
                            }
                            name[at] = b;
                            let name = String::from_utf8(name).unwrap();
                            let expected = kind.fields().iter().position(|f| f.name == name);
                            assert_eq!(known.find(&name).map(|(j, _)| j), expected, "{name:?}");
                        }
                    }
                }
            });
        }
    }

    /// A table of more than `STACK_FIELDS` names takes its slots from the heap,
    /// and every slot holds what was put there, in the table's order.
    #[test]
    fn known_slots_on_the_heap_hold_their_values() {
        let fields: Vec<Field> = (0..STACK_FIELDS + 3)
            .map(|i| Field::new(format!("f{i:03}").leak(), false))
            .collect();
        let fields: &'static [Field] = fields.leak();
        with_known(fields, |known| {
            for (i, field) in fields.iter().enumerate().rev() {
                let (j, _) = known.find(field.name).unwrap();
                assert_eq!(j, i);
                known.set(j, Scalar::Str(field.name.into()));
            }
            let names: Vec<&str> = known.in_name_order().map(|(name, _)| name).collect();
            let values: Vec<String> = known
                .in_name_order()
                .map(|(_, v)| match v {
                    Scalar::Str(s) => s.to_string(),
                    _ => String::new(),
                })
                .collect();
            assert_eq!(names, fields.iter().map(|f| f.name).collect::<Vec<_>>());
            assert_eq!(values, names);
        });
    }
}
