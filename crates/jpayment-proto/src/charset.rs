//! The character set of requests and answers.
//!
//! The guide does not name one, and Japanese key=value gateways commonly
//! answer in Shift_JIS, where half-width katakana is exactly what a guessed
//! decoding gets wrong. So the charset is configuration, never sniffed:
//! the same setting encodes requests and decodes answers and kickbacks.

use std::borrow::Cow;
use std::fmt;

/// The charset agreed with the gateway for this shop.
///
/// ```
/// use jpayment_proto::Charset;
///
/// assert_eq!(Charset::default(), Charset::Utf8);
/// let sjis = Charset::ShiftJis.encode("テスト").unwrap();
/// assert_eq!(sjis.as_ref(), [0x83, 0x65, 0x83, 0x58, 0x83, 0x67]);
/// assert_eq!(Charset::ShiftJis.decode(&sjis)?, "テスト");
/// # Ok::<(), jpayment_proto::charset::CharsetError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Charset {
    /// UTF-8 (a leading byte-order mark is ignored).
    #[default]
    Utf8,
    /// Shift_JIS as browsers and Windows use it (WHATWG `Shift_JIS`, which
    /// includes the Windows-31J extensions).
    ///
    /// The user-defined area (lead bytes `0xF0`–`0xF9`, "gaiji") decodes to
    /// Private Use characters, but nothing encodes to it: an answer or kickback
    /// the gateway sends is read whole rather than refused (a paid order's
    /// notification is never lost to one character), while a request never
    /// carries bytes whose glyph depends on the receiver's font table. The
    /// guide says nothing of the area; this asymmetry is the project's choice.
    ShiftJis,
}

impl Charset {
    /// The charset's name as used in messages.
    ///
    /// ```
    /// use jpayment_proto::Charset;
    ///
    /// assert_eq!(Charset::ShiftJis.name(), "Shift_JIS");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::ShiftJis => "Shift_JIS",
        }
    }

    /// Decodes bytes strictly: an invalid sequence is an error carrying its
    /// byte offset, never a replacement character.
    ///
    /// ```
    /// use jpayment_proto::Charset;
    ///
    /// assert_eq!(Charset::Utf8.decode("\u{feff}OK".as_bytes()).unwrap(), "OK"); // BOM ignored
    /// let err = Charset::Utf8.decode(b"OK\xff").unwrap_err();
    /// assert_eq!(err.offset, 2);
    /// ```
    pub fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, CharsetError> {
        match self {
            Charset::Utf8 => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                std::str::from_utf8(bytes)
                    .map(Cow::Borrowed)
                    .map_err(|e| CharsetError {
                        charset: self,
                        offset: e.valid_up_to(),
                    })
            }
            Charset::ShiftJis => {
                let encoding = encoding_rs::SHIFT_JIS;
                if let Some(text) =
                    encoding.decode_without_bom_handling_and_without_replacement(bytes)
                {
                    return Ok(text);
                }
                // Decode again step by step only to say where it breaks.
                let mut decoder = encoding.new_decoder_without_bom_handling();
                let capacity = decoder
                    .max_utf8_buffer_length_without_replacement(bytes.len())
                    .unwrap_or(bytes.len().saturating_mul(3));
                let mut out = String::with_capacity(capacity);
                let (result, read) =
                    decoder.decode_to_string_without_replacement(bytes, &mut out, true);
                let offset = match result {
                    encoding_rs::DecoderResult::Malformed(bad, extra) => read
                        .saturating_sub(usize::from(bad))
                        .saturating_sub(usize::from(extra)),
                    _ => read,
                };
                Err(CharsetError {
                    charset: self,
                    offset,
                })
            }
        }
    }

    /// Encodes text; `None` when a character has no encoding in this
    /// charset.
    ///
    /// ```
    /// use jpayment_proto::Charset;
    ///
    /// assert_eq!(Charset::Utf8.encode("OK").unwrap().as_ref(), b"OK");
    /// assert!(Charset::ShiftJis.encode("😀").is_none()); // no Shift_JIS encoding
    /// ```
    pub fn encode(self, text: &str) -> Option<Cow<'_, [u8]>> {
        match self {
            Charset::Utf8 => Some(Cow::Borrowed(text.as_bytes())),
            Charset::ShiftJis => {
                let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
                (!unmappable).then_some(bytes)
            }
        }
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bytes that are not valid in the configured charset.
///
/// ```
/// use jpayment_proto::Charset;
///
/// let err = Charset::ShiftJis.decode(b"OK\x82").unwrap_err();
/// assert_eq!(err.charset, Charset::ShiftJis);
/// assert!(err.to_string().contains("Shift_JIS"), "{err}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not valid {charset} at byte {offset}")]
pub struct CharsetError {
    /// The configured charset.
    pub charset: Charset,
    /// The byte offset of the first invalid sequence (approximate for
    /// Shift_JIS: the decoder reports where it stopped).
    pub offset: usize,
}

#[cfg(test)]
mod tests {
    use super::Charset;

    /// The project's choice documented on [`Charset::ShiftJis`]: the user-defined
    /// area is read (as Private Use characters) but never written. `F4 74` are the bytes
    /// the fuzz regression `jpayment_charset/shift-jis-user-defined-area-f4` found.
    #[test]
    fn the_user_defined_area_is_read_but_never_written() {
        let decoded = Charset::ShiftJis.decode(&[0xF4, 0x74]).ok();
        assert_eq!(decoded.as_deref(), Some("\u{E324}"));
        assert_eq!(Charset::ShiftJis.encode("\u{E324}"), None);
        // Ordinary text round-trips, so the refusal above is about the area only.
        let text = "ｶﾀｶﾅ 漢字";
        let bytes = Charset::ShiftJis.encode(text).map(|b| b.into_owned());
        let back = bytes
            .as_deref()
            .and_then(|b| Charset::ShiftJis.decode(b).ok());
        assert_eq!(back.as_deref(), Some(text));
    }
}
