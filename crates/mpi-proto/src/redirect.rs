//! The parameters the browser POSTs to `redirection_uri`.

use crate::generated::types::RedirectParameters;
use crate::{Error, validate};

impl RedirectParameters {
    /// Reads an `application/x-www-form-urlencoded` body and checks both
    /// parameters against the guide's rules (`RequestId`: half-width
    /// alphanumerics and symbols, 1–128 characters; `OrderId`: half-width
    /// alphanumerics, hyphen and underscore, 1–100 characters).
    ///
    /// The browser, not the gateway, delivers these parameters, so they are
    /// untrusted: they only say which result to *search* for. Parameters
    /// other than the two documented ones are kept in `extra`.
    ///
    /// ```
    /// use mpi_proto::RedirectParameters;
    ///
    /// let redirect = RedirectParameters::from_form(b"RequestId=abc%3D123&OrderId=TESTB001")?;
    /// assert_eq!(redirect.request_id, "abc=123");
    /// assert_eq!(redirect.order_id, "TESTB001");
    /// assert!(RedirectParameters::from_form(b"OrderId=TESTB001").is_err());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn from_form(body: &[u8]) -> Result<Self, Error> {
        let parsed: Self =
            serde_urlencoded::from_bytes(body).map_err(|e| Error::Form(e.to_string()))?;
        parsed.validate()?;
        Ok(parsed)
    }

    /// [`from_form`](Self::from_form), then checks that `OrderId` is
    /// `expected_order_id`, the order this browser was sent to authenticate: a
    /// redirect of another order is [`Error::OrderMismatch`]. The MPI redirect
    /// carries no signature (the guide has the merchant *search* for the result),
    /// so "verify" here is the order binding and the spec's rules; the search's own
    /// [`SearchResponse::ensure_order`](crate::SearchResponse::ensure_order) binds
    /// the result.
    ///
    /// ```
    /// use mpi_proto::{Error, RedirectParameters};
    ///
    /// let body = b"RequestId=r1&OrderId=TESTB001";
    /// assert!(RedirectParameters::verify_and_parse(body, "TESTB001").is_ok());
    /// let err = RedirectParameters::verify_and_parse(body, "TESTB002").unwrap_err();
    /// assert!(matches!(err, Error::OrderMismatch { .. }));
    /// ```
    pub fn verify_and_parse(body: &[u8], expected_order_id: &str) -> Result<Self, Error> {
        // One `veritrans::verify` event per redirect (kind `redirect`).
        let checked = Self::from_form(body).and_then(|parsed| {
            if parsed.order_id == expected_order_id {
                Ok(parsed)
            } else {
                Err(Error::OrderMismatch {
                    expected: expected_order_id.to_owned(),
                    actual: Some(parsed.order_id),
                })
            }
        });
        crate::trace::outcome("redirect", &checked);
        checked
    }

    /// Checks `RequestId` and `OrderId` against the spec's rules.
    ///
    /// ```
    /// use mpi_proto::RedirectParameters;
    ///
    /// let redirect = RedirectParameters::from_form(b"RequestId=req-0001&OrderId=TESTB001")?;
    /// assert!(redirect.validate().is_ok());
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        Self::validate_request_id(&self.request_id)?;
        Self::validate_order_id(&self.order_id)
    }

    /// Checks a Request ID against the spec's rule for `RequestId` (for a
    /// server issuing one, or a search request).
    ///
    /// ```
    /// use mpi_proto::RedirectParameters;
    ///
    /// assert!(RedirectParameters::validate_request_id("req-0001").is_ok());
    /// assert!(RedirectParameters::validate_request_id("req 0001").is_err()); // no spaces
    /// assert!(RedirectParameters::validate_request_id(&"r".repeat(129)).is_err()); // at most 128
    /// ```
    pub fn validate_request_id(value: &str) -> Result<(), Error> {
        validate::check("RedirectParameters", "RequestId", value)
    }

    /// Checks an Order ID against the spec's rule for `OrderId` (for a
    /// server accepting one at the 3-D Secure request).
    ///
    /// ```
    /// use mpi_proto::RedirectParameters;
    ///
    /// assert!(RedirectParameters::validate_order_id("TESTB001").is_ok());
    /// let err = RedirectParameters::validate_order_id("order#1").unwrap_err();
    /// assert!(err.to_string().starts_with("RedirectParameters.OrderId"), "{err}");
    /// ```
    pub fn validate_order_id(value: &str) -> Result<(), Error> {
        validate::check("RedirectParameters", "OrderId", value)
    }

    /// The parameters as the browser POSTs them (name and value, in the
    /// generated type's field order, unknown members included): for a server
    /// writing the redirect form. The inverse of [`RedirectParameters::from_form`].
    ///
    /// ```
    /// use mpi_proto::RedirectParameters;
    ///
    /// let redirect = RedirectParameters::from_form(b"RequestId=req-0001&OrderId=TESTB001")?;
    /// let pairs = redirect.to_pairs()?;
    /// assert!(pairs.contains(&("OrderId".to_string(), "TESTB001".to_string())));
    /// # Ok::<(), mpi_proto::Error>(())
    /// ```
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>, Error> {
        let form = serde_urlencoded::to_string(self).map_err(|e| Error::Form(e.to_string()))?;
        serde_urlencoded::from_str(&form).map_err(|e| Error::Form(e.to_string()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pairs_read_back_as_the_same_parameters() {
        let r = RedirectParameters::from_form(b"RequestId=r%3D1&OrderId=o-1&Extra=x").unwrap();
        let pairs = r.to_pairs().unwrap();
        let form = serde_urlencoded::to_string(&pairs).unwrap();
        assert_eq!(RedirectParameters::from_form(form.as_bytes()).unwrap(), r);
        assert!(
            pairs.iter().any(|(n, v)| n == "RequestId" && v == "r=1"),
            "{pairs:?}"
        );
    }

    #[test]
    fn unknown_parameters_are_kept() {
        let r = RedirectParameters::from_form(b"RequestId=r1&OrderId=o1&Extra=x").unwrap();
        assert_eq!(r.extra.get("Extra").and_then(|v| v.as_str()), Some("x"));
    }

    #[test]
    fn bad_forms_are_typed_errors() {
        let too_long = format!("RequestId={}&OrderId=o", "r".repeat(129));
        let err = RedirectParameters::from_form(too_long.as_bytes()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Constraint {
                    field: "RequestId",
                    ..
                }
            ),
            "{err}"
        );
        let err = RedirectParameters::from_form(b"RequestId=r&OrderId=o%20o").unwrap_err();
        assert!(
            matches!(
                err,
                Error::Constraint {
                    field: "OrderId",
                    ..
                }
            ),
            "{err}"
        );
        let err = RedirectParameters::from_form(b"RequestId=r").unwrap_err();
        assert!(err.to_string().contains("OrderId"), "{err}");
        let err = RedirectParameters::from_form(b"RequestId=r&RequestId=s&OrderId=o").unwrap_err();
        assert!(matches!(err, Error::Form(_)), "{err}");
        assert!(RedirectParameters::from_form(&[0xff, 0xfe]).is_err());
    }
}
