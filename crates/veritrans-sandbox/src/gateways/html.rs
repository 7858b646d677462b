//! What the gateways' consumer pages share: text made safe for HTML.

/// HTML-escapes text for element content and for quoted attribute values,
/// so that merchant-supplied values (order ids, URLs) cannot break a page.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_every_markup_character_and_keeps_the_rest() {
        assert_eq!(escape("a&<\"'>"), "a&amp;&lt;&quot;&#39;&gt;");
        assert_eq!(escape("注文-1 ok"), "注文-1 ok");
    }
}
