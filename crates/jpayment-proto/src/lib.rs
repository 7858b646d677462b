//! J-Payment (ROBOT PAYMENT) card-on-file and one-touch charging: query
//! string requests, positional comma-separated answers and kickbacks.
//!
//! Source of truth: the J-Payment guide "クレジットカード決済 トークン方式
//! 3Dセキュア2.0 (複数カード情報登録ワンタッチ課金)". Every request type, its
//! rules and every answer's columns are generated from
//! `specs/jpayment/jpayment.yaml` (see the README there for the schema and
//! for each place where the guide's samples and tables disagree).
//!
//! # Walkthrough: register a user and a card, then charge with one touch
//!
//! Calls go from the merchant's **server**, from the IP address registered
//! with J-Payment; anything else is answered with `ER003`
//! ([`ErrorCode::SourceIp`]). Card numbers never reach the server: the
//! browser turns them into a token with J-Payment's `CPToken.js` and runs
//! 3-D Secure 2.0 with `EMV3DSAdapter.js`, then posts the token (`tkn`) to
//! the merchant.
//!
//! ## 1. Register the user
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn demo() -> Result<(), jpayment_proto::Error> {
//! use jpayment_proto::prelude::*;
//!
//! // The guide's host, named: there is no default environment.
//! let client = Client::new(Environment::Live)?;
//! let mut user = RegisterUser::new("123456", "customer42");
//! user.email = Some("taro@example.jp".into()); // e-mail or phone is required
//! let registered = client.send(&user).await?;
//! // Store the key with the user: every later call needs it.
//! let key = registered.user_key; // Debug prints UserKey([redacted])
//! # let _ = key; Ok(()) }
//! ```
//!
//! ## 2. Register a card from the browser's token
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn demo(client: jpayment_proto::Client, key: jpayment_proto::UserKey, tkn: String)
//! # -> Result<(), jpayment_proto::Error> {
//! use jpayment_proto::RegisterCard;
//!
//! let card = client
//!     .send(&RegisterCard::new("123456", "customer42", key, tkn))
//!     .await?;
//! let card_seq = card.card_seq; // which of the user's cards this is
//! # let _ = card_seq; Ok(()) }
//! ```
//!
//! ## 3. Charge it with one touch
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn demo(client: jpayment_proto::Client, key: jpayment_proto::UserKey)
//! # -> Result<(), jpayment_proto::Error> {
//! use jpayment_proto::prelude::*;
//!
//! let mut charge = OnetouchCharge::new(
//!     "123456", ReplyMethod::Response, "customer42", key, 1,
//!     JobType::Capture, yen(1000), yen(80), yen(0), // amount, tax, shipping: 1080 yen is charged
//! );
//! charge.order_ref = Some("order-17".into());
//! match client.send(&charge).await {
//!     Ok(PaymentReply::Completed(result)) => println!("paid: {}", result.payment_id),
//!     Ok(PaymentReply::Accepted) => unreachable!("only with ReplyMethod::Kickback"),
//!     Err(jpayment_proto::Error::Gateway(refused)) => println!("refused: {}", refused.code),
//!     // A transport error after sending may still have charged: check the
//!     // order in the merchant console before charging again. The client
//!     // never retries.
//!     Err(other) => return Err(other),
//! }
//! # Ok(()) }
//! ```
//!
//! With [`ReplyMethod::Kickback`] the answer is only `OK`
//! ([`PaymentReply::Accepted`]) and the result arrives at the merchant's
//! notification URL: see [`kickback`].
//!
//! ## Without the client
//!
//! Every request encodes itself and every answer decodes without HTTP
//! (feature `client` off), which is also how the wire format is tested:
//!
//! ```
//! use jpayment_proto::{Charset, OnetouchCharge, Operation, JobType, ReplyMethod, PaymentReply, yen};
//!
//! let charge = OnetouchCharge::new("123456", ReplyMethod::Response, "customer42",
//!     "vnjpBycDO5", 1, JobType::Auth, yen(1000), yen(2), yen(4));
//! let query = charge.encode(Charset::Utf8)?;
//! assert_eq!(query, "aid=123456&rt=1&cmd=4&uid=customer42&key=vnjpBycDO5&num=1&jb=AUTH&am=1000&tx=2&sf=4");
//!
//! let answer = b"1095729,1,TestMod,,205685,,1000,2,4,1006,,\r\n";
//! let PaymentReply::Completed(result) = charge.decode_reply(answer, Charset::Utf8)? else {
//!     unreachable!()
//! };
//! assert_eq!((result.payment_id.as_str(), result.total), ("1095729", yen(1006)));
//! # Ok::<(), jpayment_proto::Error>(())
//! ```
//!
//! # Environments, blocking calls, tracing
//!
//! - [`Environment`]: the guide names one host and no test switch, so a
//!   client is built for [`Environment::Live`] (the guide's host) or
//!   [`Environment::Custom`] (the sandbox, a proxy), always by name.
//! - `blocking::Client` (feature `blocking`): the same `send` without an
//!   async runtime in the caller's code.
//! - Every request runs in a `veritrans.request` span and emits its events
//!   through [`veritrans_core::trace`] (target `veritrans::request`): install
//!   any `tracing` subscriber to see them, e.g.
//!   `tracing_subscriber::fmt().with_env_filter("veritrans::request=debug").init()`.
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `client` | yes | [`Client`] over rustls with aws-lc-rs, with its `tracing` spans |
//! | `rustls-ring` | no | the same client over rustls with ring (use with `default-features = false`) |
//! | `http-client` | (via the two above) | the client's code without a crypto provider |
//! | `blocking` | no | `blocking::Client` (needs `client` or `rustls-ring` too) |
//!
//! Without a client feature the crate encodes, validates and decodes only.
//!
//! # Decisions
//!
//! - **Charset**: the guide names none. [`Charset`] is configuration (UTF-8
//!   by default, Shift_JIS on request) and is never guessed; it encodes
//!   requests and decodes answers and kickbacks alike.
//! - **Positional answers** are checked against the spec: `rst` must be 1
//!   or 2, `ec` empty when `rst=1`, every column in its format, `ta = am +
//!   tx + sf`; a short line names the first missing column (only the
//!   trailing `id`/`ps` of a one-touch result may be left out, as the live
//!   gateway does for payments without a content item). A trailing
//!   comma and CR/LF are tolerated. Text after the last column is the
//!   echoed other data, kept verbatim, and refused when no other data was
//!   sent. `rst=2` (or a bare `ERnnn`/`G…` code) is [`Error::Gateway`].
//! - **Server side**: [`AnyRequest::from_pairs`] reads a request as the
//!   gateway receives it and [`response::encode_csv`] /
//!   [`response::encode_kickback`] write results, for test servers and the
//!   sandbox; they share the tables and rules of the client side.
//! - **Secrets**: [`UserKey`], [`Token`] and [`Secret`] redact themselves in
//!   `Debug`/`Display`; card numbers exist only as [`MaskedCardNumber`].
#![forbid(unsafe_code)]

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod charset;
#[cfg(feature = "http-client")]
pub mod client;
mod declare;
mod environment;
pub mod error;
pub mod kickback;
// Generated by `cargo xtask codegen`, formatted by prettyplease; rustfmt would
// make `--check` report drift.
#[rustfmt::skip]
mod generated;
pub mod prelude;
pub mod request;
pub mod response;
pub mod tables;
pub mod testing;
pub mod values;

pub use charset::Charset;
#[cfg(feature = "http-client")]
pub use client::{Client, ClientBuilder, Method};
pub use environment::Environment;
pub use error::{Error, GatewayError, MalformedResponse, Rule, ValidationError};
pub use generated::*;
pub use request::Operation;
pub use response::{PaymentReply, Record};
pub use values::{Echo, MaskedCardNumber, OtherData, Secret, Token, UserKey};
pub use veritrans_core::{ErrorKind, Gateway, Mode, Yen, yen};

/// The README's quick start, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
mod tests;
