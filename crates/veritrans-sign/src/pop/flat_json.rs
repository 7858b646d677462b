//! A fast path for the usual push body: one scan of a flat JSON object whose
//! strings have no escapes, giving each member's name and signed text.
//!
//! It accepts only a subset of JSON and answers `None` for anything else
//! (an escape, `null`, a nested value, a syntax error, trailing bytes), and
//! [`super::json_params_borrowed`] then reads the body with `serde_json`
//! exactly as before, which gives the same result or the same error. On the
//! subset the two agree by construction (RFC 8259's grammar, written out
//! below), and the tests compare them on arbitrary input
//! (`pop_json_fast_path_agrees_with_serde_json`).
//!
//! The subset, with `ws` RFC 8259's four whitespace bytes:
//!
//! ```text
//! body   = ws "{" ws [ member *( ws "," ws member ) ] ws "}" ws
//! member = string ws ":" ws ( string / "true" / "false" / number )
//! string = %x22 *( any byte but %x22, %x5C and %x00-1F ) %x22
//! number = [ "-" ] ( "0" / %x31-39 *DIGIT ) [ "." 1*DIGIT ] [ ("e" / "E") [ "+" / "-" ] 1*DIGIT ]
//! ```
//!
//! The body is already valid UTF-8 (checked by the caller), and every cut is
//! at an ASCII byte, so each slice is a `&str` of the body.

use std::borrow::Cow;

use super::JsonScalar;

/// Members in received order, borrowed from `text`; `None` outside the subset.
pub(super) fn scan(text: &str) -> Option<Vec<(Cow<'_, str>, JsonScalar<'_>)>> {
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    s.ws();
    s.eat(b'{')?;
    s.ws();
    let mut members = Vec::with_capacity(24);
    if !s.eat_if(b'}') {
        loop {
            let name = s.string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            let value = s.value()?;
            members.push((Cow::Borrowed(name), value));
            s.ws();
            if s.eat_if(b',') {
                s.ws();
            } else {
                s.eat(b'}')?;
                break;
            }
        }
    }
    s.ws();
    (s.at == s.bytes.len()).then_some(members)
}

/// The high bit of each byte of `word` (eight bytes, little-endian) that is `"`,
/// `\\` or below 0x20, and possibly of bytes after the first such one (a borrow
/// can carry into them); the lowest set bit is always exact, which is all the
/// caller uses. The usual test for a zero byte, `(x - 0x01…) & !x & 0x80…`, applied
/// to `word ^ '\\'…`, and the test for "below 0x21" applied to `word ^ 0x02…`, which
/// maps `"` (0x22) to 0x20 and the bytes below 0x20 among themselves (and no other
/// byte below 0x21): one test for two of the three, two fewer operations a word.
fn stops(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    let folded = word ^ (ONES * 0x02);
    let quote_or_control = folded.wrapping_sub(ONES * 0x21) & !folded;
    (backslash | quote_or_control) & HIGH
}

/// Eight bytes as a little-endian word (a slice of exactly eight).
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.eat_if(b).then_some(())
    }

    fn eat_if(&mut self, b: u8) -> bool {
        let here = self.peek() == Some(b);
        self.at += usize::from(here);
        here
    }

    /// A string without escapes or control characters: its content. Inlined into
    /// its two callers (a name, a value): as a call, with the scanner in memory and
    /// six registers saved each time, the card push took 603 instructions more
    /// (cachegrind of `pop_counts push`).
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let mut at = start;
        // Sixteen bytes at a time (two words; most names end in the first sixteen
        // bytes), then eight, up to the first byte that ends the plain run. A word at
        // a time with `at` kept in the scanner took ≈ 130 instructions a string of
        // the card push, this ≈ 95 (callgrind of `pop_counts push`: 3,373 -> 2,482
        // for its 26 strings).
        'plain: {
            while let Some(chunk) = self.bytes.get(at..).and_then(<[u8]>::first_chunk::<16>) {
                let (low, high) = chunk.split_at(8);
                let (low, high) = (stops(word(low)), stops(word(high)));
                if low | high != 0 {
                    at += if low != 0 {
                        low.trailing_zeros() / 8
                    } else {
                        8 + high.trailing_zeros() / 8
                    } as usize;
                    break 'plain;
                }
                at += 16;
            }
            if let Some(chunk) = self.bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
                let stops = stops(u64::from_le_bytes(*chunk));
                at += if stops != 0 {
                    (stops.trailing_zeros() / 8) as usize
                } else {
                    8
                };
            }
        }
        self.at = at;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' | 0x00..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        let content = self.text.get(start..self.at)?;
        self.at += 1;
        Some(content)
    }

    fn value(&mut self) -> Option<JsonScalar<'a>> {
        match self.peek()? {
            b'"' => Some(JsonScalar::String(Cow::Borrowed(self.string()?))),
            b't' => self.literal("true").map(|()| JsonScalar::Bool(true)),
            b'f' => self.literal("false").map(|()| JsonScalar::Bool(false)),
            _ => self.number().map(JsonScalar::Number),
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| self.at = end)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// A number as written (the text it is signed as).
    fn number(&mut self) -> Option<&'a str> {
        let start = self.at;
        self.eat_if(b'-');
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat_if(b'.') && self.digits() == 0 {
            return None;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        self.text.get(start..self.at)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::scan;
    use crate::pop::json_members_serde;

    /// The card push of the guide's example (`examples/notifications/pop-card-push.json`)
    /// takes the fast path, with what `serde_json` reads from it.
    #[test]
    fn the_example_push_takes_the_fast_path() {
        let text = include_str!("../../../../examples/notifications/pop-card-push.json");
        let fast = scan(text).expect("the example is in the subset");
        assert_eq!(fast.len(), 13);
        assert_eq!(Ok(fast), json_members_serde(text));
    }

    #[test]
    fn leaves_everything_outside_the_subset() {
        for text in [
            "",
            "[]",
            "{",
            r#"{"a":1,}"#,
            r#"{"a":"\n"}"#,
            r#"{"a\u0041":1}"#,
            r#"{"a":null}"#,
            r#"{"a":{}}"#,
            r#"{"a":[1]}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":1e}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":1} x"#,
            "{\"a\":\"\u{1}\"}",
            "{\"a\":1}\u{a0}",
        ] {
            assert_eq!(scan(text), None, "{text:?}");
        }
        assert_eq!(scan(" {\t}\r\n"), Some(vec![]));
    }

    /// The first byte `stops` marks is the first `"`, `\\` or control byte, for
    /// each byte value at each place after every other plain byte.
    #[test]
    fn stops_finds_the_first_special_byte() {
        let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        for fill in [b'a', 0x7f, 0x80, 0xff, b' ', b'!', b'#', b'[', b']'] {
            for at in 0..8 {
                for b in 0..=255u8 {
                    let mut bytes = [fill; 8];
                    bytes[at] = b;
                    let expected = bytes.iter().position(|&c| special(c));
                    let found = match super::stops(u64::from_le_bytes(bytes)) {
                        0 => None,
                        m => Some((m.trailing_zeros() / 8) as usize),
                    };
                    assert_eq!(found, expected, "{bytes:?}");
                }
            }
        }
    }

    /// What `json_params_borrowed` returns from the fast path: the members, or
    /// the first repeated name (the `serde_json` path refuses it too).
    fn as_the_caller_returns(members: Members<'_>) -> Result<Members<'_>, crate::Error> {
        crate::pop::reject_duplicates(&members).map(|()| members)
    }

    type Members<'a> = Vec<(std::borrow::Cow<'a, str>, crate::pop::JsonScalar<'a>)>;

    /// Pieces of JSON, valid and not, that the generated bodies are made of.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            " ",
            "\t",
            "\n",
            "\r",
            "\u{a0}",
            "\"a\"",
            "\"é\"",
            "\"\"",
            "\"a\\\"b\"",
            "\"\\n\"",
            "\"\u{1}\"",
            "\"",
            "true",
            "false",
            "null",
            "tru",
            "0",
            "-0",
            "01",
            "1.",
            "1.5",
            "-12.5e-3",
            "1E+5",
            "1e",
            "-",
            "+1",
            ".5",
            "x",
        ])
    }

    /// A flat object of `n` members with random whitespace and scalar values.
    fn flat_object() -> impl Strategy<Value = String> {
        let ws = "[ \t\n\r]{0,2}";
        let value = prop_oneof![
            "\"[a-zA-Z0-9 é_*-]{0,12}\"",
            Just("true".to_string()),
            Just("false".to_string()),
            "-?(0|[1-9][0-9]{0,4})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?",
        ];
        let member = ("[a-z_]{1,8}", ws, ws, value, ws, ws)
            .prop_map(|(k, a, b, v, c, d)| format!("{a}\"{k}\"{b}:{c}{v}{d}"));
        (ws, prop::collection::vec(member, 0..8), ws)
            .prop_map(|(a, m, b)| format!("{a}{{{}}}{b}", m.join(",")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever the fast path accepts, `serde_json` reads the same.
        #[test]
        fn pop_json_fast_path_agrees_with_serde_json(pieces in prop::collection::vec(piece(), 0..16)) {
            let text = pieces.concat();
            if let Some(fast) = scan(&text) {
                prop_assert_eq!(as_the_caller_returns(fast), json_members_serde(&text));
            }
        }

        /// A flat object with one piece (often invalid, an escape, a control
        /// character) put in anywhere: whatever the fast path still accepts,
        /// `serde_json` reads the same.
        #[test]
        fn pop_json_fast_path_agrees_on_nearly_flat_objects(
            text in flat_object(), at in any::<prop::sample::Index>(), extra in piece()
        ) {
            let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let cut = cuts[at.index(cuts.len())];
            let text = format!("{}{extra}{}", &text[..cut], &text[cut..]);
            if let Some(fast) = scan(&text) {
                prop_assert_eq!(as_the_caller_returns(fast), json_members_serde(&text));
            }
        }

        /// Flat objects without escapes are all in the subset, read as `serde_json` reads them.
        #[test]
        fn pop_json_fast_path_takes_flat_objects(text in flat_object()) {
            let fast = scan(&text);
            prop_assert!(fast.is_some(), "{:?}", text);
            let fast = as_the_caller_returns(fast.unwrap_or_default());
            prop_assert_eq!(fast, json_members_serde(&text));
        }
    }
}
