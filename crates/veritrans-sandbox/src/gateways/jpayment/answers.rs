//! The answer bodies: every line and kickback is written with `jpayment-proto`'s own
//! encoders from the generated result types and shapes, never by hand.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use jpayment_proto::response::{
    encode_csv, encode_failed_csv, encode_failed_kickback, encode_kickback,
};
use jpayment_proto::{
    CardRecord, Charset, Echo, OPERATIONS, OtherData, Record, ReplyMethod, UserKey, UserRecord,
    param,
};
use serde_json::{Value, json};

use super::REASON_HEADER;
use super::payments::Charge;
use super::state::{Refused, Store};

/// What the endpoint answers, and what the log gets.
#[derive(Debug)]
pub(super) struct Outcome {
    pub answer: Answer,
    pub kind: &'static str,
    pub id: String,
    pub summary: Value,
}

#[derive(Debug)]
pub(super) enum Answer {
    /// The comma-separated line (success or `rst=2`), or a bare error code.
    Line(String),
    /// `rt=0`: `OK`, and this kickback query string to send, if a URL is configured.
    Accepted { gid: String, query: String },
}

pub(super) fn echo_of(other: &OtherData) -> Echo {
    if other.is_empty() {
        Echo::None
    } else {
        Echo::Params(
            other
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

impl Store {
    pub(super) fn user_record(uid: &str, key: &str, other: &OtherData) -> String {
        encode_csv(&UserRecord {
            user_id: uid.to_owned(),
            user_key: UserKey::new(key),
            echo: echo_of(other),
        })
    }

    pub(super) fn card_record(uid: &str, key: &str, num: u32, other: &OtherData) -> String {
        encode_csv(&CardRecord {
            user_id: uid.to_owned(),
            user_key: UserKey::new(key),
            card_seq: num,
            echo: echo_of(other),
        })
    }

    /// `2,{code},{uid},…` for a refused user or card operation.
    pub(super) fn failed_line<R: Record>(refusal: &Refused, uid: &str, num: Option<u32>) -> String {
        let num = num.map(|n| n.to_string());
        let mut values = vec![(param::UID, uid)];
        if let Some(num) = num.as_deref() {
            values.push((param::NUM, num));
        }
        encode_failed_csv(R::SHAPE, refusal.code, &values)
    }

    pub(super) fn finish_csv<R: Record>(
        kind: &'static str,
        uid: &str,
        num: Option<u32>,
        result: Result<(String, Value), Refused>,
    ) -> Outcome {
        match result {
            Ok((line, summary)) => Outcome {
                answer: Answer::Line(line),
                kind,
                id: uid.to_owned(),
                summary,
            },
            Err(refusal) => Outcome {
                answer: Answer::Line(Self::failed_line::<R>(&refusal, uid, num)),
                kind,
                id: uid.to_owned(),
                summary: json!({"result": refusal.code, "reason": refusal.why, (param::NUM): num}),
            },
        }
    }

    pub(super) fn bare(kind: &'static str, uid: &str, refusal: Refused) -> Outcome {
        Outcome {
            answer: Answer::Line(refusal.code.to_owned()),
            kind,
            id: uid.to_owned(),
            summary: json!({(param::UID): uid, "result": refusal.code, "reason": refusal.why}),
        }
    }

    pub(super) fn paid<R: Record>(
        &self,
        charge: &Charge,
        gid: &str,
        result: &R,
        line: String,
    ) -> Answer {
        match charge.reply {
            ReplyMethod::Response => Answer::Line(line),
            ReplyMethod::Kickback => Answer::Accepted {
                gid: gid.to_owned(),
                // None only if the echo cannot be written in the charset it came in.
                query: encode_kickback(result, self.settings.charset).unwrap_or_default(),
            },
        }
    }

    pub(super) fn failed_payment<R: Record>(
        &self,
        charge: &Charge,
        code: &'static str,
        gid: &str,
        values: &[(&str, &str)],
    ) -> Answer {
        match charge.reply {
            ReplyMethod::Response => Answer::Line(encode_failed_csv(R::SHAPE, code, values)),
            ReplyMethod::Kickback => Answer::Accepted {
                gid: gid.to_owned(),
                query: encode_failed_kickback(R::SHAPE, code, values, self.settings.charset)
                    .unwrap_or_default(),
            },
        }
    }
}

/// The `Content-Type` of every answer: the guide's "HTML出力", in the configured charset.
fn content_type(charset: Charset) -> String {
    format!(
        "{}; charset={}",
        jpayment_proto::ANSWER_MEDIA_TYPE,
        charset.name()
    )
}

/// The answer body in the configured charset, served as the guide's "HTML出力".
pub(super) fn text_answer(text: &str, charset: Charset, reason: Option<&str>) -> Response {
    // Everything written comes from the request (decoded in this charset) or is ASCII.
    let bytes = charset
        .encode(text)
        .map_or_else(|| text.as_bytes().to_vec(), |b| b.into_owned());
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type(charset))],
        bytes,
    )
        .into_response();
    if let Some(value) = reason.and_then(|r| HeaderValue::from_str(&ascii_only(r)).ok()) {
        response.headers_mut().insert(REASON_HEADER, value);
    }
    response
}

/// Header values must be visible ASCII; the reasons are written in English anyway.
fn ascii_only(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// Whether `endpoint` serves payments (answers that depend on `rt`), from the spec.
fn is_payment(endpoint: &str) -> bool {
    OPERATIONS
        .iter()
        .any(|op| op.endpoint == endpoint && op.payment)
}

/// A refusal before the operation is known: payments answer the bare code, user and
/// card operations `2,{code},{uid},`.
pub(super) fn early_refusal(endpoint: &str, code: &str, uid: &str) -> String {
    if is_payment(endpoint) {
        code.to_owned()
    } else {
        encode_failed_csv(<UserRecord as Record>::SHAPE, code, &[(param::UID, uid)])
    }
}
