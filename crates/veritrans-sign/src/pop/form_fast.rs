//! A fast path for the usual redirect body: nothing percent-encoded and no `+`,
//! so every name and value is the body's own text between `&`, `=` and `&`.
//!
//! [`crate::form::parse_borrowed`] checks each of a card redirect's 28 names and
//! values for `%` and `+` and as UTF-8 separately; here the body is checked as
//! UTF-8 once and split in one pass. Any `%` or `+`, or a body that is not UTF-8,
//! answers `None`, and [`super::form_params_borrowed`] then parses it as before
//! (the same pairs, or the error with its position). The tests compare the two
//! (`pop_form_fast_path_agrees_with_the_parser`).

use std::borrow::Cow;

/// The pairs of `body`, borrowed, in received order, with `parse_borrowed`'s
/// rules: empty segments skipped, the first `=` ends the name, a segment without
/// `=` is a name with an empty value. `None` when anything has to be decoded.
pub(super) fn scan(body: &[u8]) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut pairs = Vec::with_capacity(24);
    let (mut start, mut eq) = (0, None);
    let mut segment = |start: usize, eq: Option<usize>, end: usize| -> Option<()> {
        if start < end {
            let (name, value) = match eq {
                Some(eq) => (text.get(start..eq)?, text.get(eq + 1..end)?),
                None => (text.get(start..end)?, ""),
            };
            pairs.push((Cow::Borrowed(name), Cow::Borrowed(value)));
        }
        Some(())
    };
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'%' | b'+' => return None,
            b'=' if eq.is_none() => eq = Some(i),
            b'&' => {
                segment(start, eq, i)?;
                (start, eq) = (i + 1, None);
            }
            _ => {}
        }
    }
    segment(start, eq, body.len())?;
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::scan;
    use crate::form::parse_borrowed;

    #[test]
    fn leaves_what_has_to_be_decoded() {
        for body in [&b"a=%41"[..], b"a=b+c", b"a%3D=1", b"a=\xff", b"+"] {
            assert_eq!(scan(body), None, "{body:?}");
        }
        let pairs = scan(b"&a=1&&b&c==2&=3&").expect("nothing to decode");
        let expected = [("a", "1"), ("b", ""), ("c", "=2"), ("", "3")];
        assert_eq!(pairs.len(), expected.len());
        for ((name, value), (n, v)) in pairs.iter().zip(expected) {
            assert_eq!((name.as_ref(), value.as_ref()), (n, v));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever the fast path accepts, the parser reads the same pairs.
        #[test]
        fn pop_form_fast_path_agrees_with_the_parser(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "&", "=", "a", "é", "order_id", "1", "%41", "%", "+", " ", "*", "\u{0}",
            ]), 0..24),
        ) {
            let body = pieces.concat();
            if let Some(fast) = scan(body.as_bytes()) {
                prop_assert_eq!(Ok(fast), parse_borrowed(body.as_bytes(), "form body"));
            }
        }
    }
}
