//! Rust names derived from wire names and spec paths.

/// `econ-lw` → `EconLw`, `UA-000-001` → `Ua000001`, `retry_request` →
/// `RetryRequest`: every non-alphanumeric character separates words, each
/// word keeps its first character upper-cased and the rest lower-cased.
pub fn pascal(wire: &str) -> String {
    // Every word is ASCII alphanumerics only, so its first byte is a character.
    let words = wire
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    words
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..].to_ascii_lowercase())
        .collect()
}

/// The Rust variant a spec value among the `known` ones names: its
/// PascalCase (`masked_card` → `MaskedCard`). Any other value is an error
/// naming `what`, so a new value in a spec forces a deliberate change.
pub fn variant(what: &str, value: &str, known: &[&str]) -> anyhow::Result<proc_macro2::Ident> {
    anyhow::ensure!(known.contains(&value), "unknown {what} `{value}`");
    Ok(quote::format_ident!("{}", pascal(value)))
}

/// `CardRequest` → `CARD_REQUEST`, `order_id` → `ORDER_ID`: a constant name
/// for a schema or a field path (words split at lower → upper changes and
/// at every non-alphanumeric character).
pub fn screaming(name: &str) -> String {
    let (mut out, mut prev_lower) = (String::new(), false);
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        });
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    let words: Vec<&str> = out.split('_').filter(|w| !w.is_empty()).collect();
    words.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("econ-lw"), "EconLw");
        assert_eq!(pascal("UA-000-001"), "Ua000001");
        assert_eq!(pascal("retry_request"), "RetryRequest");
        assert_eq!(pascal("mpi-none"), "MpiNone");
        assert_eq!(screaming("CardRequest"), "CARD_REQUEST");
        assert_eq!(screaming("SourceIp"), "SOURCE_IP");
        assert_eq!(screaming("card.order_id"), "CARD_ORDER_ID");
        assert_eq!(screaming("3ds_version"), "3DS_VERSION");
        assert_eq!(screaming("-a..bC-"), "A_B_C");
        assert_eq!(pascal("--x--Yz"), "XYz");
    }
}
