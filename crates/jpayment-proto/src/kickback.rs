//! Kickbacks: the gateway's GET to the merchant's "決済結果通知URL" with
//! the result of a payment sent with `rt=0`.
//!
//! Kickbacks carry no signature. Protect the handler by accepting them only
//! from the gateway's source addresses, and trust nothing in them that you
//! have not matched against your own order: look the order up by `cod` (or
//! by `gid` from an earlier answer) and compare the amounts.
//!
//! The guide: "通知の成功判定を行っているため、通知先ではContentLengthが0以上が
//! 出力されるよう実装してください". Taken literally "0以上" (0 or more) always
//! holds; this crate reads it as "a body of at least one byte" (decision 26
//! of `specs/jpayment/README.md`): answer [`ACK_BODY`] (with status 200,
//! also this crate's advice) once the kickback is recorded.
//!
//! ```
//! use jpayment_proto::kickback::{self, PaymentNotice};
//! use jpayment_proto::Charset;
//!
//! // The query string of the GET, as the web framework hands it over.
//! let query = "gid=10000001&rst=1&ap=0001112&ec=&god=10000002&cod=order-17\
//!              &am=1000&tx=80&sf=500&ta=1580";
//! match kickback::parse(query.as_bytes(), Charset::Utf8) {
//!     Ok(PaymentNotice::Onetouch(result)) => {
//!         assert_eq!(result.order_ref.as_deref(), Some("order-17"));
//!         assert_eq!(result.total, jpayment_proto::yen(1580));
//!         // … match against the order, mark it paid …
//!     }
//!     Ok(PaymentNotice::Bulk(result)) => { /* a user and card were registered too */ }
//!     Err(jpayment_proto::Error::Gateway(refused)) => {
//!         // The payment failed: refused.code, refused.field("cod") …
//!     }
//!     Err(malformed) => { /* log it (it holds no card data) and alert */ }
//! }
//! let body = kickback::ACK_BODY; // answer this, whatever happened
//! # assert!(!body.is_empty());
//! ```

use crate::charset::Charset;
use crate::error::{Error, MalformedResponse};
use crate::generated::{BulkPaymentResult, OnetouchResult};
use crate::response::{Record, decode_kickback_pairs, query_pairs};

/// The body to answer a kickback with: a non-empty body, the crate's
/// reading of the guide's "ContentLengthが0以上" (see the module docs).
///
/// ```
/// use jpayment_proto::kickback::{ACK_BODY, ACK_CONTENT_TYPE};
///
/// // Answer every kickback with status 200 and this body, once it is recorded.
/// assert_eq!((ACK_BODY, ACK_CONTENT_TYPE), ("OK", "text/plain; charset=utf-8"));
/// ```
pub const ACK_BODY: &str = "OK";

/// The content type of [`ACK_BODY`].
///
/// ```
/// use jpayment_proto::kickback::ACK_CONTENT_TYPE;
///
/// assert!(ACK_CONTENT_TYPE.starts_with("text/plain"));
/// ```
pub const ACK_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// A kickback: one URL receives the results of both kinds of payment.
///
/// ```
/// use jpayment_proto::kickback::{self, PaymentNotice};
/// use jpayment_proto::Charset;
///
/// // A bulk registration result carries `uid`, `key` and `num` too.
/// let query = "gid=10000001&rst=1&ap=0001112&ec=&god=10000002&cod=order-17&am=1000&tx=80&sf=500&ta=1580\
///              &uid=customer42&key=vnjpBycDO5&num=1";
/// let notice = kickback::parse(query.as_bytes(), Charset::Utf8)?;
/// assert!(matches!(notice, PaymentNotice::Bulk(result) if result.user_id == "customer42"));
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentNotice {
    /// A user-and-card bulk registration with payment (carries `uid`,
    /// `key` and `num`).
    Bulk(BulkPaymentResult),
    /// A one-touch charge.
    Onetouch(OnetouchResult),
}

/// Parses a kickback query string, telling the two results apart by the
/// parameters only the bulk registration result has (`uid`, `key`, `num`):
/// all of them, or none. A failed payment (`rst=2`) is
/// [`Error::Gateway`], with `gid`, `cod` and the rest in its fields.
///
/// ```
/// use jpayment_proto::kickback;
/// use jpayment_proto::{Charset, Error};
///
/// // A failed payment: rst=2, with the card company's code.
/// let query = "gid=10000001&rst=2&ap=&ec=G55&god=10000002&cod=order-17&am=1000&tx=80&sf=500&ta=1580";
/// let Err(Error::Gateway(refused)) = kickback::parse(query.as_bytes(), Charset::Utf8) else { unreachable!() };
/// assert_eq!(refused.code.as_str(), "G55");
/// assert_eq!(refused.field("cod"), Some("order-17"));
/// ```
pub fn parse(query: &[u8], charset: Charset) -> Result<PaymentNotice, Error> {
    let pairs = query_pairs(query, charset)?;
    parse_pairs(pairs)
}

/// [`parse`] from pairs a web framework already split and decoded.
///
/// ```
/// use jpayment_proto::kickback::{self, PaymentNotice};
///
/// let pairs: Vec<(String, String)> = [("gid", "10000001"), ("rst", "1"), ("ap", "0001112"), ("ec", ""),
///     ("god", "10000002"), ("cod", "order-17"), ("am", "1000"), ("tx", "80"), ("sf", "500"), ("ta", "1580")]
///     .into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
/// let PaymentNotice::Onetouch(result) = kickback::parse_pairs(pairs)? else { unreachable!() };
/// assert_eq!(result.total, jpayment_proto::yen(1580));
/// # Ok::<(), jpayment_proto::Error>(())
/// ```
pub fn parse_pairs(pairs: Vec<(String, String)>) -> Result<PaymentNotice, Error> {
    let bulk = BulkPaymentResult::SHAPE;
    let onetouch = OnetouchResult::SHAPE;
    let extra: Vec<&'static str> = bulk
        .columns
        .iter()
        .map(|c| c.name)
        .filter(|n| onetouch.index_of(n).is_none())
        .collect();
    let (present, missing): (Vec<&str>, Vec<&str>) = extra
        .iter()
        .partition(|name| pairs.iter().any(|(n, _)| n == *name));
    if missing.is_empty() {
        decode_kickback_pairs(pairs).map(PaymentNotice::Bulk)
    } else if present.is_empty() {
        decode_kickback_pairs(pairs).map(PaymentNotice::Onetouch)
    } else {
        Err(MalformedResponse::AmbiguousKickback {
            present: present.join(", "),
            missing: missing.join(", "),
        }
        .into())
    }
}
