//! The kinds of notification, written once: the spec's
//! `x-notificationKinds` says which schema a `payment_type` / `result_type`
//! pair selects; the generated `notification.rs` holds those rows
//! (`KINDS`), the parameter names of each schema, and invokes
//! [`notification_kinds!`] with the kinds and their schemas only. What the
//! kinds do is written here.

use crate::generated::notification::{KINDS, Kind};

/// A parameter a notification schema knows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The parameter name.
    pub(crate) name: &'static str,
    /// Sent as `true`/`false`: a boolean in a push, text in a redirect.
    pub(crate) boolean: bool,
    /// [`prefix`] of the name, computed at compile time: the decoder looks a
    /// received name up by this integer before comparing whole names.
    pub(crate) prefix: u64,
    /// [`suffix`] of the name, computed at compile time: with the prefix and
    /// the length it settles a name of up to sixteen bytes without comparing
    /// the names themselves.
    pub(crate) suffix: u64,
}

impl Field {
    /// The generated tables' constructor.
    pub(crate) const fn new(name: &'static str, boolean: bool) -> Self {
        Field {
            name,
            boolean,
            prefix: prefix(name),
            suffix: suffix(name),
        }
    }

    /// Whether `name` (whose [`prefix`] is this field's) is this field's name:
    /// equal lengths and prefixes settle a name of up to eight bytes (the
    /// prefix is zero-padded, so the length tells `a` from `a\0`), the last
    /// eight bytes one of up to sixteen; only longer names compare the bytes
    /// between. Comparing whole names called `memcmp` for each of a card push's
    /// 14 names: the look-ups took ≈ 1,630 instructions with it, ≈ 1,310 this
    /// way (callgrind of `pop_counts push`).
    #[inline]
    pub(crate) fn is(&self, name: &str) -> bool {
        let (ours, theirs) = (self.name.as_bytes(), name.as_bytes());
        ours.len() == theirs.len()
            && (ours.len() <= 8
                || (suffix(name) == self.suffix
                    && (ours.len() <= 16 || ours.get(8..) == theirs.get(8..))))
    }
}

/// The first eight bytes of a name, big-endian and zero-padded: in a table
/// sorted by name these integers are in order too (equal for names sharing
/// their first eight bytes, such as `payment_type` and `payment_sub_type`).
///
/// A name of four to seven bytes is read as two overlapping four-byte words,
/// shorter ones byte by byte (the look-up computes this for every received
/// name).
pub(crate) const fn prefix(name: &str) -> u64 {
    let bytes = name.as_bytes();
    if let Some(head) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(*head);
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // The tail's first byte is byte `len - 4`, at bit 63 - 8 (len - 4) of
        // the word: a shift of 64 - 8 len (8 to 32 here); the overlap ORs equal
        // bytes onto each other.
        let shift = 64 - 8 * bytes.len() as u32;
        return (u32::from_be_bytes(*head) as u64) << 32
            | (u32::from_be_bytes(*tail) as u64) << shift;
    }
    let mut word = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        word |= (bytes[i] as u64) << (56 - 8 * i);
        i += 1;
    }
    word
}

/// The last eight bytes of a name of more than eight bytes (overlapping the
/// prefix for one shorter than sixteen), as an integer; 0 for a shorter name.
pub(crate) const fn suffix(name: &str) -> u64 {
    let bytes = name.as_bytes();
    if bytes.len() <= 8 {
        return 0;
    }
    match bytes.last_chunk::<8>() {
        Some(tail) => u64::from_le_bytes(*tail),
        None => 0,
    }
}

impl Kind {
    /// The kind selected by `payment_type` and `result_type`; `None` for a
    /// combination the guide does not describe.
    ///
    /// ```
    /// use pop_proto::NotificationKind;
    ///
    /// assert_eq!(NotificationKind::select(Some("cvs"), Some("paid")), Some(NotificationKind::CvsPaid));
    /// assert_eq!(NotificationKind::select(Some("card"), None), Some(NotificationKind::Card));
    /// assert_eq!(NotificationKind::select(Some("card"), Some("paid")), None); // not in the guide
    /// ```
    pub fn select(payment_type: Option<&str>, result_type: Option<&str>) -> Option<Self> {
        let row = KINDS
            .iter()
            .find(|(p, r, _)| *p == payment_type && *r == result_type);
        row.map(|(_, _, kind)| *kind)
    }
}

/// Declares `Kind` and `Notification` with one variant per
/// `Variant(Schema) knows FIELDS` (the schema's generated struct and the
/// table of its parameter names), and the matches between them.
macro_rules! notification_kinds {
    ($( $(#[doc = $doc:literal])* $variant:ident($ty:ident) knows $fields:ident ),* $(,)?) => {
        /// Which kind of notification a `payment_type` / `result_type` pair is.
        ///
        /// ```
        /// use pop_proto::NotificationKind;
        ///
        /// // CVS and bank payments push twice: `applied`, then `paid`.
        /// assert_eq!(NotificationKind::select(Some("bank"), Some("applied")), Some(NotificationKind::BankApplied));
        /// assert_eq!(NotificationKind::select(Some("bank"), Some("paid")), Some(NotificationKind::BankPaid));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind { $( $(#[doc = $doc])* $variant, )* }

        impl Kind {
            /// The parameters this kind knows.
            pub(crate) fn fields(self) -> &'static [Field] {
                match self { $( Kind::$variant => $fields, )* }
            }
        }

        /// A verified notification, by payment type and phase.
        ///
        /// ```
        /// use pop_proto::{Notification, PopServerKey, Push, testing};
        ///
        /// let key = PopServerKey::new("server-key");
        /// let params = serde_json::json!({"merchant_id": "M1", "order_id": "O-1", "status": "success",
        ///     "result_code": "R000", "payment_type": "card", "dummy": true, "masked_card_number": "411111*11"});
        /// let push = Push::verify_and_parse(&testing::signed_push_body(params.as_object().unwrap(), &key)?, &key)?;
        /// match &push.notification {
        ///     Notification::Card(card) => assert_eq!(card.masked_card_number.as_deref(), Some("411111*11")),
        ///     other => panic!("a card payment, not {:?}", other.kind()),
        /// }
        /// # Ok::<(), pop_proto::Error>(())
        /// ```
        #[derive(Debug, Clone, PartialEq)]
        pub enum Notification { $( $(#[doc = $doc])* $variant(crate::generated::types::$ty), )* }

        impl Notification {
            /// The kind of this notification.
            ///
            /// ```
            /// use pop_proto::{NotificationKind, PopServerKey, Push, testing};
            ///
            /// let key = PopServerKey::new("server-key");
            /// let params = serde_json::json!({"merchant_id": "M1", "order_id": "O-1", "status": "success",
            ///     "result_code": "R000", "payment_type": "mpi", "dummy": true});
            /// let push = Push::verify_and_parse(&testing::signed_push_body(params.as_object().unwrap(), &key)?, &key)?;
            /// assert_eq!(push.notification.kind(), NotificationKind::Mpi);
            /// # Ok::<(), pop_proto::Error>(())
            /// ```
            pub fn kind(&self) -> Kind {
                match self { $( Notification::$variant(_) => Kind::$variant, )* }
            }

            /// The notification of `kind` from any serde deserializer (a verified
            /// parameter list), without tracking where a failure happened: the
            /// fast path, for input that is almost always well formed.
            pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
                kind: Kind,
                deserializer: D,
            ) -> Result<Self, D::Error> {
                Ok(match kind {
                    $( Kind::$variant => Notification::$variant(serde::Deserialize::deserialize(deserializer)?), )*
                })
            }

            /// As [`Notification::deserialize`], with the path of a failure (the
            /// same input fails the same way, now saying where).
            pub(crate) fn deserialize_tracked<'de, D: serde::Deserializer<'de>>(
                kind: Kind,
                deserializer: D,
            ) -> Result<Self, serde_path_to_error::Error<D::Error>> {
                Ok(match kind {
                    $( Kind::$variant => Notification::$variant(serde_path_to_error::deserialize(deserializer)?), )*
                })
            }
        }
    };
}

pub(crate) use notification_kinds;

#[cfg(test)]
mod tests {
    use super::*;

    /// The guide's notification parameter tables: `payment_type` picks the
    /// payment method and `result_type` (CVS and bank only) the phase; a
    /// missing `result_type` is the applied phase.
    #[test]
    fn select_reads_the_kind_rows() {
        assert_eq!(Kind::select(None, None), Some(Kind::Unspecified));
        assert_eq!(Kind::select(Some("mpi"), None), Some(Kind::Mpi));
        assert_eq!(Kind::select(Some("cvs"), None), Some(Kind::CvsApplied));
        assert_eq!(Kind::select(Some("cvs"), Some("paid")), Some(Kind::CvsPaid));
        assert_eq!(
            Kind::select(Some("bank"), Some("applied")),
            Some(Kind::BankApplied)
        );
        assert_eq!(Kind::select(Some("card"), Some("paid")), None);
        assert_eq!(Kind::select(Some("paypay"), None), None);
        assert_eq!(Kind::select(None, Some("paid")), None);
    }

    /// The decoder finds a name by binary search and takes the known
    /// parameters in table order as a JSON object's (name) order: every table
    /// must be strictly in byte order of the names.
    #[test]
    fn field_tables_are_in_byte_order_of_names() {
        for &(_, _, kind) in KINDS {
            let names: Vec<&[u8]> = kind.fields().iter().map(|f| f.name.as_bytes()).collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{kind:?}: {names:?}");
        }
    }

    #[test]
    fn card_and_mpi_share_the_card_parameters() {
        let names = |kind: Kind| kind.fields().iter().map(|f| f.name).collect::<Vec<_>>();
        assert_eq!(names(Kind::Card), names(Kind::Mpi));
        assert!(
            Kind::Card
                .fields()
                .iter()
                .any(|f| f.name == "dummy" && f.boolean)
        );
        assert!(names(Kind::Card).contains(&"masked_card_number"));
        assert!(!names(Kind::CvsApplied).contains(&"masked_card_number"));
    }
}
