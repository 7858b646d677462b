//! The `tracing` event of each verification (push, redirect), in the shape
//! every gateway shares ([`veritrans_core::trace`]): target
//! `veritrans::verify`, gateway `mpi`, the kind, `verified` (debug) or
//! `refused` (warn) with the error's message as the reason. The message names
//! the field and the rule, never the body or the key.

use veritrans_core::Gateway;
use veritrans_core::trace;

use crate::Error;

/// Emits the event for the outcome of a verification of `kind`.
pub(crate) fn outcome<T>(kind: &str, checked: &Result<T, Error>) {
    match checked {
        Ok(_) => trace::verified(Gateway::Mpi, kind),
        Err(error) => trace::refused(Gateway::Mpi, kind, error),
    }
}

#[cfg(test)]
mod tests {
    use veritrans_sign::MpiServerKey;

    use crate::{Push, RedirectParameters, testing};

    fn capture(run: impl FnOnce()) -> String {
        veritrans_core::trace::Capture::new().run(run)
    }

    #[test]
    fn a_push_says_whether_it_verified_and_why_not() {
        let key = MpiServerKey::new("trace-test-key");
        let body = testing::PUSH_SAMPLE.as_bytes();
        let header = testing::push_authorization(body, &key);
        let out = capture(|| {
            assert!(Push::verify_and_parse(body, &header, &key).is_ok());
        });
        assert!(out.contains("DEBUG"), "{out}");
        assert!(
            out.contains(r#"gateway="mpi" kind="push" outcome="verified""#),
            "{out}"
        );

        let out = capture(|| {
            assert!(Push::verify_and_parse(b"{\"push_id\":\"1\"}", &header, &key).is_err());
        });
        assert!(out.contains("WARN"), "{out}");
        assert!(
            out.contains(r#"kind="push" outcome="refused" reason="#),
            "{out}"
        );
        assert!(!out.contains("trace-test-key"), "{out}");
        assert!(!out.contains(&header), "{out}");
    }

    #[test]
    fn a_redirect_of_another_order_is_refused_with_the_reason() {
        let out = capture(|| {
            let body = b"RequestId=r1&OrderId=TESTB001";
            assert!(RedirectParameters::verify_and_parse(body, "TESTB001").is_ok());
            assert!(RedirectParameters::verify_and_parse(body, "TESTB002").is_err());
        });
        assert!(
            out.contains(r#"kind="redirect" outcome="verified""#),
            "{out}"
        );
        assert!(
            out.contains(r#"kind="redirect" outcome="refused" reason="#),
            "{out}"
        );
        assert!(
            out.contains("TESTB002"),
            "the reason names the expected order: {out}"
        );
    }
}
