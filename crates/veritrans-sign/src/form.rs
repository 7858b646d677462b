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
/// nothing to decode (the usual case for the gateways' names and values).
fn decode_component<'a>(
    raw: &'a [u8],
    offset: usize,
    what: &'static str,
    describe: impl FnOnce() -> String,
) -> Result<Cow<'a, str>, Error> {
    let utf8_error = |valid_up_to| Error::InvalidUtf8 {
        what: describe(),
        valid_up_to,
    };
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
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
pub(crate) fn parse_borrowed<'a>(input: &'a [u8], what: &'static str) -> Result<Pairs<'a>, Error> {
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
