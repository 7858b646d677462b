//! Push notifications POSTed to `push_uri`.
//!
//! The guide's rules, and what they mean for a handler:
//! - `Authorization: Basic <lowercase hex SHA-256(body ‖ server key)>` (the
//!   guide: "Connect the Server Key to the end of the Request Body, and
//!   Sha-256 hashed string"; *hex* is this crate's reading, the guide names
//!   no encoding; either case is accepted): the
//!   word "Basic" is only a label (the guide: "Not support Basic
//!   Authentication"). [`Push::verify_and_parse`] checks it over the raw
//!   body bytes *before* anything is parsed, in constant time
//!   (`veritrans-sign`).
//! - "Push notification will be performed asynchronously": the browser may
//!   reach `redirection_uri` first. Do not wait for the push there; search
//!   with the Request ID (see the crate docs, "Search first").
//! - "Notification more than once, it may be sent in the same push_id":
//!   store [`Push::push_id`] and acknowledge a repeat without acting twice.

use time::PrimitiveDateTime;
use veritrans_core::jst;
use veritrans_sign::MpiServerKey;

use crate::codes::ServiceOptionType;
use crate::decision::Decision;
use crate::generated::tables::MStatus;
use crate::generated::types::{PushData, PushNotification};
use crate::{Error, VResultCode, validate, vresult};

/// A push notification whose signature was verified.
///
/// The only way to get one is [`Push::verify_and_parse`]: an unverified
/// body never becomes a typed value.
///
/// ```
/// use mpi_proto::{MpiServerKey, Push, testing};
///
/// let key = MpiServerKey::new("your-mpi-server-key");
/// let body = testing::PUSH_SAMPLE.as_bytes();
/// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
/// assert_eq!(push.push_id(), "00000080");
/// # Ok::<(), mpi_proto::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Push {
    notification: PushNotification,
    push_id: String,
}

impl Push {
    /// Verifies `authorization_header` over `raw_body` (the request body
    /// exactly as received, before any decoding) with the merchant's MPI
    /// server key, then parses the JSON.
    ///
    /// Errors: [`Error::Signature`] when the header lacks `Basic `, is
    /// malformed or does not match (nothing was parsed); [`Error::Json`]
    /// with the JSON path when a signed body does not have the documented
    /// shape; [`Error::Missing`] without `push_id`.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, ServiceOptionType, testing};
    ///
    /// let key = MpiServerKey::new("your-mpi-server-key");
    /// // What the gateway sends (here signed by the test helper).
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let header = testing::push_authorization(body, &key);
    ///
    /// let push = Push::verify_and_parse(body, &header, &key)?;
    /// assert_eq!(push.push_id(), "00000080"); // store it: the same push may come again
    /// let decision = push.data()[0].decide(&ServiceOptionType::MpiCompany)?;
    /// assert!(decision.should_ship());
    ///
    /// // Tampered body, or a header without the `Basic ` label: rejected unparsed.
    /// assert!(Push::verify_and_parse(b"{\"push_id\":\"1\"}", &header, &key).is_err());
    /// let bare = header.trim_start_matches("Basic ");
    /// assert!(Push::verify_and_parse(body, bare, &key).is_err());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn verify_and_parse(
        raw_body: &[u8],
        authorization_header: &str,
        server_key: &MpiServerKey,
    ) -> Result<Self, Error> {
        // One `veritrans::verify` event per push (kind `push`): `verified`,
        // or `refused` with the error's message (never the body or the key).
        let checked = Self::verify_then_parse(raw_body, authorization_header, server_key);
        crate::trace::outcome("push", &checked);
        checked
    }

    fn verify_then_parse(
        raw_body: &[u8],
        authorization_header: &str,
        server_key: &MpiServerKey,
    ) -> Result<Self, Error> {
        veritrans_sign::mpi::verify(raw_body, authorization_header, server_key)?;
        let notification: PushNotification = Error::parse_json(raw_body)?;
        let push_id = notification
            .push_id
            .clone()
            .ok_or_else(|| Error::missing("push_id"))?;
        Ok(Push {
            notification,
            push_id,
        })
    }

    /// The de-duplication key: the same `push_id` may be delivered more
    /// than once. Kept as the string received (`"00000080"`: the leading
    /// zeros are part of it).
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.push_id(), "00000080"); // leading zeros kept
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn push_id(&self) -> &str {
        &self.push_id
    }

    /// `push_time` as JST wall-clock time. The guide's field table says
    /// `YYYY/MM/DD hh:mm:ss`, its sample shows `YYYY-MM-DD hh:mm:ss`: both
    /// are accepted.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.push_time()?.to_string(), "2015-03-30 18:36:42.0"); // JST wall clock
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn push_time(&self) -> Result<PrimitiveDateTime, Error> {
        let value = self
            .notification
            .push_time
            .as_deref()
            .ok_or_else(|| Error::missing("push_time"))?;
        jst::parse_wall(value, &[jst::SLASHES, jst::DASHES]).ok_or_else(|| Error::DateTime {
            path: "push_time".to_owned(),
            value: value.to_owned(),
            expected: "YYYY/MM/DD hh:mm:ss or YYYY-MM-DD hh:mm:ss",
        })
    }

    /// The results the push carries.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.data().len(), 1);
    /// assert_eq!(push.data()[0].vresult_code.as_deref(), Some("G012A00100000000"));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn data(&self) -> &[PushData] {
        &self.notification.data
    }

    /// The whole notification, unknown members included.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.notification().push_id.as_deref(), Some("00000080"));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn notification(&self) -> &PushNotification {
        &self.notification
    }

    /// Checks the spec's length and charset rules (`push_id`: 8 digits,
    /// `order_id`, `vresult_code`, `transaction_type`, `mpi_mstatus`,
    /// `card_mstatus`). Not applied by
    /// [`Push::verify_and_parse`]: a signed push is accepted even when a
    /// value breaks a documented rule.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = br#"{"push_time": "2015-03-30 18:36:42", "push_id": "80", "data": []}"#;
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// // Signed, so accepted; but `push_id` breaks the guide's "8 digits".
    /// assert!(push.validate().is_err());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        validate::check("PushNotification", "push_id", &self.push_id)?;
        for data in self.data() {
            data.validate()?;
        }
        Ok(())
    }
}

impl PushNotification {
    /// The JSON body the gateway POSTs, written by the generated type (the
    /// same field list [`Push::verify_and_parse`] reads): for a server
    /// sending pushes (the sandbox, test servers). Sign these exact bytes
    /// with `veritrans_sign::mpi::authorization`.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// let written = push.notification().to_json()?;
    /// let again = Push::verify_and_parse(&written, &testing::push_authorization(&written, &key), &key)?;
    /// assert_eq!(again.notification(), push.notification());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self).map_err(|e| Error::Json {
            path: ".".to_owned(),
            message: e.to_string(),
        })
    }
}

impl PushData {
    /// `vresult_code`, checked (16 uppercase half-width alphanumerics).
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, ThreeDSecureCode, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.data()[0].vresult_code()?.three_d_secure(), ThreeDSecureCode::G012);
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn vresult_code(&self) -> Result<VResultCode, Error> {
        vresult::read(self.vresult_code.as_deref(), "data[].vresult_code")
    }

    /// `card_mstatus`, with the blank value the guide sends after a 3-D
    /// Secure failure read as `None`.
    ///
    /// ```
    /// use mpi_proto::{MStatus, MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.data()[0].card_status(), Some(&MStatus::Success));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn card_status(&self) -> Option<&MStatus> {
        self.card_mstatus
            .as_ref()
            .filter(|s| !matches!(s, MStatus::Unknown(text) if text.trim().is_empty()))
    }

    /// The decision for this result; see [`Decision::from_push_data`].
    ///
    /// ```
    /// use mpi_proto::{Action, MpiServerKey, Push, ServiceOptionType, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert_eq!(push.data()[0].decide(&ServiceOptionType::MpiCompany)?.action, Action::Ship);
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn decide(&self, option: &ServiceOptionType) -> Result<Decision, Error> {
        Decision::from_push_data(option, self)
    }

    /// Checks the spec's length and charset rules of this entry.
    ///
    /// ```
    /// use mpi_proto::{MpiServerKey, Push, testing};
    ///
    /// let key = MpiServerKey::new("key");
    /// let body = testing::PUSH_SAMPLE.as_bytes();
    /// let push = Push::verify_and_parse(body, &testing::push_authorization(body, &key), &key)?;
    /// assert!(push.data()[0].validate().is_ok());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let fields = [
            ("order_id", self.order_id.as_deref()),
            ("vresult_code", self.vresult_code.as_deref()),
            ("transaction_type", self.transaction_type.as_deref()),
        ];
        for (field, value) in fields {
            if let Some(value) = value {
                validate::check("PushData", field, value)?;
            }
        }
        if let Some(status) = &self.mpi_mstatus {
            validate::check("PushData", "mpi_mstatus", status.as_str())?;
        }
        // A blank card status (after a 3-D Secure failure) is the guide's own value.
        if let Some(status) = self.card_status() {
            validate::check("PushData", "card_mstatus", status.as_str())?;
        }
        Ok(())
    }
}
