//! `application/x-www-form-urlencoded` decoding shared by POP form bodies and Unified
//! redirect query strings.

use std::borrow::Cow;

use crate::error::Error;

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one name or value; `+` is a space. `offset` is the position of `raw`
/// in the whole input, so errors point at the right byte. Borrows `raw` when there is
/// nothing to decode (the usual case for the gateways' names and values). The former
/// split's (the test reference); [`parse_borrowed`] knows which pieces are plain.
#[cfg(test)]
fn decode_component<'a>(
    raw: &'a [u8],
    offset: usize,
    what: &'static str,
    describe: impl FnOnce() -> String,
) -> Result<Cow<'a, str>, Error> {
    let plain = !raw.iter().any(|&b| b == b'%' || b == b'+');
    decode_piece(raw, plain, offset, what, describe)
}

/// Percent-decodes one name or value; `+` is a space. `offset` is the position of `raw`
/// in the whole input, so errors point at the right byte. Borrows `raw` when it is
/// `plain` (holds no `%` and no `+`: the usual case for the gateways' names and values),
/// which the caller found in its one pass.
fn decode_piece<'a>(
    raw: &'a [u8],
    plain: bool,
    offset: usize,
    what: &'static str,
    describe: impl FnOnce() -> String,
) -> Result<Cow<'a, str>, Error> {
    let utf8_error = |valid_up_to| Error::InvalidUtf8 {
        what: describe(),
        valid_up_to,
    };
    if plain {
        return std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|e| utf8_error(e.valid_up_to()));
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex_value);
                let lo = raw.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => {
                        return Err(Error::InvalidPercentEncoding {
                            what,
                            position: offset + i,
                        });
                    }
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|e| utf8_error(e.utf8_error().valid_up_to()))
}

/// Decoded `(name, value)` pairs, borrowing the input where nothing had to be decoded.
pub(crate) type Pairs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// Splits `a=1&b=2`, decoding every name and value. Empty segments (`a=1&&b=2`) carry no
/// parameter and are skipped; a segment without `=` is a name with an empty value.
///
/// One pass over the bytes finds each segment's end, its first `=`, and whether its name
/// or value holds a `%` or `+`: the former three passes (counting `&`, splitting, scanning
/// each piece for escapes) each cost about as much as this one (`examples/probe_unified.rs`:
/// ≈ 190-225 ns each over a 270-byte redirect query). Pieces are decoded, and faults
/// reported, in the same order with the same offsets.
pub(crate) fn parse_borrowed<'a>(input: &'a [u8], what: &'static str) -> Result<Pairs<'a>, Error> {
    let mut pairs = Vec::with_capacity(16);
    let (mut start, mut eq) = (0, None);
    let (mut escaped_name, mut escaped_value) = (false, false);
    for (i, &b) in input.iter().enumerate() {
        if !SPECIAL[usize::from(b)] {
            continue;
        }
        match b {
            b'&' => {
                push_segment(
                    &mut pairs,
                    input,
                    start..i,
                    eq,
                    [escaped_name, escaped_value],
                    what,
                )?;
                (start, eq) = (i + 1, None);
                (escaped_name, escaped_value) = (false, false);
            }
            b'=' if eq.is_none() => eq = Some(i),
            b'%' | b'+' if eq.is_none() => escaped_name = true,
            b'%' | b'+' => escaped_value = true,
            _ => {}
        }
    }
    let end = input.len();
    push_segment(
        &mut pairs,
        input,
        start..end,
        eq,
        [escaped_name, escaped_value],
        what,
    )?;
    Ok(pairs)
}

/// The bytes [`parse_borrowed`]'s pass acts on (`&`, `=`, `%`, `+`): one table look-up
/// skips every other byte.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'=' as usize] = true;
    table[b'%' as usize] = true;
    table[b'+' as usize] = true;
    table
};

/// Decodes the segment `range` of `input` (its first `=` at `eq`; whether its name and
/// value hold an escape) onto `pairs`; an empty segment carries no parameter.
fn push_segment<'a>(
    pairs: &mut Pairs<'a>,
    input: &'a [u8],
    range: std::ops::Range<usize>,
    eq: Option<usize>,
    [escaped_name, escaped_value]: [bool; 2],
    what: &'static str,
) -> Result<(), Error> {
    let Some(segment) = input.get(range.clone()) else {
        return Ok(());
    };
    if segment.is_empty() {
        return Ok(());
    }
    let offset = range.start;
    let (raw_name, raw_value, value_offset) = match eq {
        Some(eq) => (
            input.get(offset..eq).unwrap_or_default(),
            input.get(eq + 1..range.end).unwrap_or_default(),
            eq + 1,
        ),
        None => (segment, &segment[segment.len()..], range.end),
    };
    let name = decode_piece(raw_name, !escaped_name, offset, what, || {
        format!("a parameter name in the {what}")
    })?;
    let value = decode_piece(raw_value, !escaped_value, value_offset, what, || {
        format!("the value of parameter `{name}` in the {what}")
    })?;
    pairs.push((name, value));
    Ok(())
}

/// The former three-pass split, kept as the reference the one-pass split is tested
/// against.
#[cfg(test)]
fn parse_borrowed_reference<'a>(input: &'a [u8], what: &'static str) -> Result<Pairs<'a>, Error> {
    let mut pairs = Vec::with_capacity(input.iter().filter(|&&b| b == b'&').count() + 1);
    let mut start = 0;
    for segment in input.split(|&b| b == b'&') {
        let offset = start;
        start += segment.len() + 1;
        if segment.is_empty() {
            continue;
        }
        let (raw_name, raw_value, value_offset) = match segment.iter().position(|&b| b == b'=') {
            Some(eq) => (&segment[..eq], &segment[eq + 1..], offset + eq + 1),
            None => (segment, &segment[segment.len()..], offset + segment.len()),
        };
        let name = decode_component(raw_name, offset, what, || {
            format!("a parameter name in the {what}")
        })?;
        let value = decode_component(raw_value, value_offset, what, || {
            format!("the value of parameter `{name}` in the {what}")
        })?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// [`parse_borrowed`], every name and value owned.
pub(crate) fn parse(input: &[u8], what: &'static str) -> Result<Vec<(String, String)>, Error> {
    Ok(parse_borrowed(input, what)?
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass split answers as the former split: pairs, and the first fault with
        /// its offset.
        #[test]
        fn one_pass_is_the_former_split(input in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b"a=&+% 0F\xe3\x81\x82\xff".to_vec()),
                proptest::num::u8::ANY,
            ], 0..40)) {
            proptest::prop_assert_eq!(
                parse_borrowed(&input, "query string"),
                parse_borrowed_reference(&input, "query string")
            );
        }
    }

    #[test]
    fn one_pass_is_the_former_split_on_examples() {
        for input in [
            &b""[..],
            b"&",
            b"&&",
            b"=",
            b"a",
            b"a=",
            b"=b",
            b"a=b=c",
            b"a=1&&b=2&",
            b"a+b=c+d",
            b"a%3D=%3D",
            b"a=%4",
            b"%zz=1",
            b"a=%FF",
            b"a=\xff",
            b"\xff=1",
            b"a=1&b=%",
            b"%41%42=%43&%=x",
        ] {
            assert_eq!(
                parse_borrowed(input, "form body"),
                parse_borrowed_reference(input, "form body"),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn decodes_plus_percent_and_bare_names() {
        let pairs = parse(b"a=x+y%2Bz&&b&c=%E3%81%82=", "form body").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "x y+z".into()),
                ("b".into(), String::new()),
                ("c".into(), "あ=".into())
            ]
        );
    }

    #[test]
    fn rejects_bad_escapes_and_utf8() {
        assert_eq!(
            parse(b"a=1&b=%4", "form body"),
            Err(Error::InvalidPercentEncoding {
                what: "form body",
                position: 6
            })
        );
        assert_eq!(
            parse(b"a=%zz", "form body"),
            Err(Error::InvalidPercentEncoding {
                what: "form body",
                position: 2
            })
        );
        assert!(matches!(
            parse(b"a=%FF", "form body"),
            Err(Error::InvalidUtf8 { .. })
        ));
        assert!(matches!(
            parse(b"a=\xff", "form body"),
            Err(Error::InvalidUtf8 { .. })
        ));
    }
}
