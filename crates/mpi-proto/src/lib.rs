//! VeriTrans 3-D Secure (MPI): redirect parameters, search results,
//! `vresult_code`, ship / don't-ship decisions and push notifications.
//!
//! Source of truth: the VeriTrans 3-D Secure (MPI) guide ("About 3-D Secure
//! Payment"), written down in `specs/mpi/openapi.yaml`. The types, the code
//! list, the service option types, the field rules and the scenario table
//! are generated from that spec by `cargo xtask codegen`; the hand-written
//! part is parsing, checking and deciding.
//!
//! # The flow, and where this crate fits
//!
//! 1. The merchant sends the 3-D Secure request (`/mpi_charges`) with a
//!    [`ServiceOptionType`]. **The guide does not document that request**
//!    (nor the `/search` request, base URLs or request authentication), so
//!    this crate does not model it: bring your own HTTP client.
//! 2. The customer authenticates; the browser comes back to your
//!    `redirection_uri` with a form POST: [`RedirectParameters`]
//!    (`RequestId`, `OrderId`). These come from the browser: they only say
//!    *which* result to look up.
//! 3. You call the Search API with the Request ID and parse the answer:
//!    [`SearchResponse::from_json`].
//! 4. [`Decision::from_search`] tells you what happened ([`Outcome`]) and
//!    what to do ([`Action`]). Ship only on [`Action::Ship`].
//! 5. Independently, VeriTrans POSTs a push to `push_uri`:
//!    [`Push::verify_and_parse`] checks its signature before parsing it.
//!
//! # From a redirect to "may I ship?"
//!
//! ```
//! use mpi_proto::{Action, Decision, Outcome, RedirectParameters, SearchResponse, ServiceOptionType};
//!
//! # fn search_api(_request_id: &str) -> Vec<u8> { mpi_proto::testing::SEARCH_SAMPLE.as_bytes().to_vec() }
//! // The form body the browser POSTed to redirection_uri.
//! let redirect = RedirectParameters::from_form(b"RequestId=req-0001&OrderId=TESTB001")?;
//!
//! // Your HTTP call to the Search API with the Request ID (format not in the guide).
//! let body = search_api(&redirect.request_id);
//! let search = SearchResponse::from_json(&body)?;
//! // The result must be about the order you expect.
//! search.ensure_order(&redirect.order_id)?;
//!
//! // The option you sent in the 3-D Secure request for this order.
//! let decision = Decision::from_search(&ServiceOptionType::MpiCompany, &search)?;
//! match decision.action {
//!     Action::Ship => { /* paid: ship; decision.outcome says who bears the risk */ }
//!     Action::WaitAndSearchAgain => { /* not final: search again later (or on the push) */ }
//!     Action::ChargeSeparately => { /* mpi-none: charge with the authentication data */ }
//!     Action::DoNotShip => { /* show the customer why: decision.outcome, decision.three_d_secure.description() */ }
//! }
//! assert_eq!(decision.action, Action::Ship);
//! assert!(matches!(decision.outcome, Outcome::Paid { .. }));
//! # Ok::<(), mpi_proto::Error>(())
//! ```
//!
//! # Search first; pushes are hints, possibly repeated
//!
//! The guide: "Before your server receives a push notification, there is a
//! possibility that the browser is redirected to the redirection_uri. In
//! that case, set the Request ID to the Search API, to get the results."
//! and "Notification more than once, it may be sent in the same push_id."
//! So:
//! - decide on the redirect from a **search**, never by waiting for the push;
//! - in the push handler, verify ([`Push::verify_and_parse`]), then record
//!   [`Push::push_id`] and answer a repeated `push_id` without acting again;
//!   act on the order only if it is not already decided (the push may also
//!   arrive first: then the redirect's search finds the same result);
//! - both paths lead to the same decision function, so the order ends in
//!   one state whichever arrives first.
//!
//! # Tracing, and cargo features
//!
//! [`Push::verify_and_parse`] and [`RedirectParameters::verify_and_parse`]
//! each emit one event through [`veritrans_core::trace`] (target
//! `veritrans::verify`, gateway `mpi`, kind `push` or `redirect`, outcome
//! `verified` or `refused` with the error's message): a merchant sees refused
//! notifications, and why, in their own log. Never the body or the key. The
//! crate has no cargo features: no HTTP client (the guide documents no
//! request), and the events are always emitted.
//!
//! # Decisions
//!
//! The gateway applies the option type when it builds the code (row 3 of
//! the scenario table: `GE12` under `mpi-complete`, `G012A001` under
//! `mpi-company`), so the code decides and the option type catches
//! contradictions. See [`decision`] for the steps. In short:
//!
//! | 3-D Secure code | card part | outcome | action |
//! |---|---|---|---|
//! | `G011`, `G012`, `G002`, `G003` | `A001` | [`Outcome::Paid`] (card company bears the risk) | ship |
//! | `G004`–`G006`, `G013`, `G014` | `A001` | [`Outcome::Paid`] (risk not stated by the guide) | ship |
//! | `G0xx` but not `G001` | `0000` | [`Outcome::AuthenticatedPaymentPending`] | wait and search again (`mpi-none`: charge separately) |
//! | `G001` | | [`Outcome::AuthenticationInProgress`] | wait and search again |
//! | `GE01`, `GE02`, `GE06`, `GE11`, `GE12`, `GE16` | | [`Outcome::PaymentNotAllowed`] | don't ship |
//! | `GE03`, `GE13` | | [`Outcome::MerchantBearsRisk`] | don't ship |
//! | `GE04`, `GE05`, `GE14`, `GE15` | | [`Outcome::SystemError`] | don't ship |
//! | `G0xx` | other | [`Outcome::CardPaymentFailed`] with a `failure` card status, else undetermined | don't ship |
//! | anything else | | [`Outcome::Undetermined`] | don't ship |
//!
//! # How this crate reads the guide where it is ambiguous
//!
//! Each point is deliberate; each lives in one place (spec or one module).
//! - **`vresult_code` layout**: characters 1–4 the 3-D Secure result, 5–8
//!   the card result (`A001` = paid, `0000` = no card result yet, as in the
//!   samples), 9–16 unexplained and kept ([`VResultCode::rest`]). The
//!   search's own top-level code (`N001…`) has the same shape but is not a
//!   3-D Secure code.
//! - **Bad codes**: not exactly 16 characters, a lowercase letter or a
//!   non-alphanumeric character → [`VResultCodeError`] (lowercase is
//!   rejected, not normalised: the guide's codes are uppercase, so a
//!   lowercase one was altered). Well-formed but unlisted codes →
//!   `Unknown` variants and an [`Outcome::Undetermined`] decision.
//! - **Scenario table cells** hold the first eight characters; the
//!   remaining eight are taken as zeros. "failure or success" `mstatus`
//!   cells are settled per code by note *1 (`GExx` failure, `G0xx`
//!   success). Rows 4 and 5-1 have no verify `mstatus` cell in the text and
//!   `mpi-complete` has no verify step where authorize failed. Row 7-1 lists
//!   two cards and two codes without pairing them: [`testing`] pairs them by
//!   position for a sandbox and accepts both codes in tests.
//! - **Outcome per failure code** comes from the table's risk column and
//!   titles: rows 6-1/6-2 (`GE03`, `GE13`) say "Merchant" → merchant bears
//!   the risk; rows 7-1/7-2 (`GE04`, `GE05`, `GE14`, `GE15`) are "Abnormal
//!   end" → system error; rows 1, 8 and the `mpi-complete` cells of rows
//!   3, 4, 5-1 → payment not allowed. `GE06` is not in the table; its text
//!   is `GE02`'s, so it is treated like `GE02`.
//! - **Risk bearer** of a paid order is stated only where a row names it
//!   (`G002`, `G003`, `G011`, `G012`: card company); otherwise `None`
//!   rather than a guess.
//! - **Service option types**: the guide names `mpi-complete` and
//!   `mpi-company`; its code list also names "No Payment" and "Normal
//!   Authentication (Card Company or Merchant risk burden)", whose wire
//!   values `mpi-none` and `mpi-merchant` come from VeriTrans's public MDK
//!   documentation ([`ServiceOptionType::named_by_guide`]). "Non enrolled
//!   Brand" in that list is read as the table's "payment capability for
//!   brands not supporting 3-D Secure" column, not as an option value.
//!   Unknown values are kept ([`ServiceOptionType::Unknown`]) and never
//!   lead to shipping. `mpi-merchant`'s payment rules are not in the guide;
//!   going by its name it is treated like `mpi-company` (it may pay on a
//!   conditional success) when checking a result for contradictions.
//! - **Contradictions are not shipped**: a conditional success under
//!   `mpi-complete`, a card payment under `mpi-none`, an `mstatus` against
//!   note *1, a card status against `A001` → [`Outcome::Undetermined`].
//! - **Which transaction decides** a search: the last of
//!   `transaction_info_array` (the sample lists them oldest first; array
//!   order rather than `transaction_datetime`). When it is the `card`
//!   transaction, its `mstatus` is the card status and the 3-D Secure status
//!   is the `mpi` transaction's with the same code.
//! - **A search that did not succeed** (top-level `mstatus` not `success`)
//!   is [`Error::SearchFailed`], not a decision; a missing `order_info` or a
//!   missing or empty `transaction_info_array` is [`Error::Missing`].
//! - **Parsing is lenient**: every member optional, unknown members kept in
//!   `extra`, unknown `mstatus`/`transaction_kind` values kept; the spec's
//!   length and charset rules are checked on demand ([`validate`],
//!   [`RedirectParameters::from_form`], [`Push::validate`]), never while
//!   parsing, so an odd value cannot make a paid order unreadable.
//! - **Charsets**: "half-width alphanumeric and symbols" (`RequestId`) is
//!   printable ASCII without the space; lengths ("within 128 digits") count
//!   characters.
//! - **Push signature**: the guide's "Sha-256 hashed string" names no
//!   encoding; the digest is read as hex (either case), as VeriTrans's
//!   other signatures are written.
//! - **Push**: `push_time` is accepted as `YYYY/MM/DD hh:mm:ss` (field
//!   table) and `YYYY-MM-DD hh:mm:ss` (sample), as JST wall-clock time;
//!   `push_id` is kept as a string (leading zeros); a blank `card_mstatus`
//!   (sent after a 3-D Secure failure) reads as absent; a push without
//!   `push_id` is an error, since it could not be de-duplicated.
#![forbid(unsafe_code)]

pub mod codes;
pub mod decision;
mod error;
// Generated by `cargo xtask codegen` (prettyplease), checked byte for byte
// by `--check`: rustfmt must not touch it.
#[rustfmt::skip]
mod generated;
mod push;
mod redirect;
// Generated like `generated` (its own generator, `xtask/src/wire_names.rs`).
#[rustfmt::skip]
#[path = "generated/wire.rs"]
pub mod wire;
mod search;
pub mod testing;
mod trace;
mod union;
pub mod validate;
mod vresult;

pub use codes::{
    CardCode, CodeGroup, CodeOutcome, PaymentPolicy, RiskBearer, ServiceOptionType,
    ThreeDSecureCode,
};
pub use decision::{Action, Decision, Outcome, Statuses};
pub use error::{Error, VResultCodeError};
pub use generated::tables::{
    MStatus, PUSH_CONTENT_TYPE, PUSH_SIGNATURE_HEADER, ProperTransactionInfo, ServiceTypeCode,
    TransactionCommand, attempt_authentication,
};
pub use generated::types::{
    CardTransactionInfo, MpiTransactionInfo, OrderInfo, ProperOrderInfo, PushData,
    PushNotification, RedirectParameters, SearchResponse, TransactionInfo,
};
pub use push::Push;
pub use veritrans_core::{ErrorKind, Gateway};
pub use veritrans_sign::MpiServerKey;
pub use vresult::VResultCode;

/// The README's quick start, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
