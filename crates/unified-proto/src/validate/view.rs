//! What the checker reads a JSON body through: a [`serde_json::Value`], or a
//! [`BodyView`] that borrows the body's bytes.
//!
//! A server that receives a body only to check it and then read it into its typed request
//! (the sandbox) need not build a `Value` for the check: a `Value` owns a string for every
//! key and every string value and a B-tree node for every object, about 14 k instructions
//! of a 246-byte `pay` body, against a few thousand for a view whose keys and strings are
//! slices of the body (`docs/performance.md`, "Eleventh session").

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The questions the checker asks of a JSON value; answered alike by [`Value`] and by
/// [`BodyView`] for the same text (`tests::a_view_reads_as_the_value_does`).
pub(super) trait Json: Sized {
    /// The member `name` of an object (the last, if the text repeats the name: what
    /// `Value`'s map keeps); `None` for a missing member or anything but an object.
    fn get(&self, name: &str) -> Option<&Self>;
    fn is_object(&self) -> bool;
    fn is_null(&self) -> bool;
    fn as_str(&self) -> Option<&str>;
    fn as_array(&self) -> Option<&[Self]>;
}

impl Json for Value {
    fn get(&self, name: &str) -> Option<&Self> {
        Value::get(self, name)
    }
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
    fn as_str(&self) -> Option<&str> {
        Value::as_str(self)
    }
    fn as_array(&self) -> Option<&[Self]> {
        Value::as_array(self).map(Vec::as_slice)
    }
}

/// A JSON body read for [`check_view`](super::check_view) without copying it: keys and
/// strings are slices of the body unless they hold escapes.
///
/// ```
/// use unified_proto::validate::{BodyView, Context, Mode, check, check_view};
/// use unified_proto::{Command, PayRequest};
///
/// let body = br#"{"order": {"payType": "paypay", "paymentId": "order-1", "amount": "1000"},
///                 "control": {"requestMode": "sandbox"}}"#;
/// let view = BodyView::parse(body).unwrap();
/// assert_eq!(view.str_at(&["order", "payType"]), Some("paypay"));
/// let value: serde_json::Value = serde_json::from_slice(body).unwrap();
/// let ctx = Context::new(Mode::Test);
/// assert_eq!(
///     check_view(PayRequest::RULES, PayRequest::PAY_TYPES, &view, &ctx),
///     check(PayRequest::RULES, PayRequest::PAY_TYPES, &value, &ctx),
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BodyView<'a>(pub(super) Node<'a>);

impl<'a> BodyView<'a> {
    /// Reads `body`, which must be one JSON value (any, not only an object) and nothing
    /// else but whitespace.
    ///
    /// # Errors
    /// The `serde_json` error that reading the same bytes into a [`Value`] gives.
    pub fn parse(body: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body).map(Self)
    }

    /// Whether the body is a JSON object.
    pub fn is_object(&self) -> bool {
        self.0.is_object()
    }

    /// The string at the path of object member names `path`, if there is one there.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        path.iter()
            .try_fold(&self.0, |node, name| node.get(name))?
            .as_str()
    }
}

/// One JSON value of a [`BodyView`]. Numbers and booleans are [`Node::Other`]: the
/// checker asks only whether a value is a string, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node<'a> {
    Null,
    Str(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in the body's order, repeated names included.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
    Other,
}

impl Json for Node<'_> {
    fn get(&self, name: &str) -> Option<&Self> {
        match self {
            Node::Object(members) => members
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v),
            _ => None,
        }
    }
    fn is_object(&self) -> bool {
        matches!(self, Node::Object(_))
    }
    fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }
    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&[Self]> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Node<'de>, E> {
        Ok(Node::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Node<'de>, E> {
        Ok(Node::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Node<'de>, E> {
        Ok(Node::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node<'de>, E> {
        Ok(Node::Other)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(s)))
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node<'de>, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut members = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(Node::Object(members))
    }
}

/// An object member's name, borrowed from the body when it holds no escape.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object member's name")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::validate::{Context, Mode, check, check_view};
    use crate::versions::KNOWN;

    /// Every member name the rules of every known version walk through, plus one no
    /// rule knows.
    fn names() -> Vec<String> {
        let mut names: Vec<String> = KNOWN
            .iter()
            .flat_map(|v| v.commands.iter())
            .flat_map(|c| c.rules.fields.iter())
            .flat_map(|f| f.path.split('.'))
            .map(|n| n.trim_end_matches("[]").to_string())
            .chain(["unknown".to_string()])
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// A JSON text (never parsed into a value on the way, so names may repeat) whose
    /// member names are the rules' and whose strings include escapes, non-ASCII and
    /// the values the rules look for.
    fn json_text() -> impl Strategy<Value = String> {
        let string = prop_oneof![
            "[a-zA-Z0-9:/._-]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just(r#""p\u0061ypay""#.to_string()),
            Just(r#""\"quoted\"""#.to_string()),
            Just(r#""日本語""#.to_string()),
            Just(r#""""#.to_string()),
            prop::sample::select(vec![
                "paypay",
                "rakutenpay",
                "sandbox",
                "live",
                "auth",
                "capture",
                "https://shop.example/return",
                "http://127.0.0.1:9/done",
                "20301231235959"
            ])
            .prop_map(|s| serde_json::to_string(s).unwrap()),
        ];
        let leaf = prop_oneof![
            4 => string,
            1 => Just("null".to_string()),
            1 => Just("true".to_string()),
            1 => any::<i32>().prop_map(|n| n.to_string()),
            1 => Just("1.5e3".to_string()),
        ];
        let names = names();
        leaf.prop_recursive(4, 48, 6, move |inner| {
            // Mostly a few names, so that objects repeat them.
            let name = prop_oneof![
                3 => prop::sample::select(vec!["order", "payType", "paymentId", "amount", "control",
                    "requestMode", "successUrl"]).prop_map(String::from),
                1 => prop::sample::select(names.clone()),
            ];
            let member = (name, inner.clone()).prop_map(|(n, v)| {
                format!("{}: {v}", serde_json::to_string(&n).unwrap())
            });
            prop_oneof![
                3 => prop::collection::vec(member, 0..6).prop_map(|m| format!("{{{}}}", m.join(", "))),
                1 => prop::collection::vec(inner, 0..3).prop_map(|i| format!("[{}]", i.join(","))),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A view reads as the `Value` of the same text does: it parses when the `Value`
        /// does, and every command's rules of every known version find the same
        /// violations, with and without the payment type from the context.
        #[test]
        fn a_view_reads_as_the_value_does(text in json_text(), rename in any::<bool>()) {
            // Sometimes an object with `order.payType` at the top, as bodies have.
            let text = if rename { format!(r#"{{"order": {text}, "control": {text}}}"#) } else { text };
            let value: Result<Value, _> = serde_json::from_slice(text.as_bytes());
            let view = BodyView::parse(text.as_bytes());
            prop_assert_eq!(value.is_ok(), view.is_ok());
            let (Ok(value), Ok(view)) = (value, view) else { return Ok(()) };
            prop_assert_eq!(view.is_object(), value.is_object());
            prop_assert_eq!(
                view.str_at(&["order", "payType"]),
                value.get("order").and_then(|o| o.get("payType")).and_then(Value::as_str)
            );
            for mode in [Mode::Test, Mode::Live] {
                let mut ctx = Context::new(mode);
                for pay_type in [None, Some(crate::PayType::Paypay)] {
                    ctx.pay_type = pay_type;
                    for command in KNOWN.iter().flat_map(|v| v.commands.iter()) {
                        prop_assert_eq!(
                            check_view(command.rules, command.pay_types, &view, &ctx),
                            check(command.rules, command.pay_types, &value, &ctx)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_repeated_name_reads_as_its_last_value() {
        let text = br#"{"order": {"payType": "paypay", "payType": "\u0072akutenpay"}}"#;
        let view = BodyView::parse(text).unwrap();
        assert_eq!(view.str_at(&["order", "payType"]), Some("rakutenpay"));
        let value: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(value["order"]["payType"], "rakutenpay");
    }

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_owned() {
        let view = BodyView::parse(br#"{"a": "plain", "b\u0062": "e\u0073caped"}"#).unwrap();
        let Node::Object(members) = &view.0 else {
            panic!("an object")
        };
        assert!(matches!(
            &members[0],
            (Cow::Borrowed("a"), Node::Str(Cow::Borrowed("plain")))
        ));
        assert!(
            matches!(&members[1], (Cow::Owned(k), Node::Str(Cow::Owned(v))) if k == "bb" && v == "escaped")
        );
    }
}
