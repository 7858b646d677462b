//! The one constraint model (`veritrans_core::constraint`) as the generators
//! write it: a spec's string rules as a `Text` row, its `pattern` as the
//! character ranges of a `Charset`. The emitted rows name the model's types
//! as [`imports`] brings them into scope.

use anyhow::{Context, bail};
use proc_macro2::TokenStream;
use quote::quote;

use super::model::Schema;
use super::names::variant;
use super::tokens::{lit, opt};

/// The `use` of a generated file whose rows this module (and a gateway's
/// own rows of the same model) writes.
pub fn imports() -> TokenStream {
    quote! { use veritrans_core::constraint::{Charset, Check, CrossRule, Field, Format, Object, Text}; }
}

/// The `Charset` row of a `^[class]+$` / `^[class]*$` pattern named `name`
/// (the class as inclusive character ranges), and the minimum length its
/// quantifier implies.
fn charset(pattern: &str, name: &str) -> anyhow::Result<(TokenStream, usize)> {
    let class = |q: &str| pattern.strip_prefix("^[")?.strip_suffix(q);
    let (body, min) = match (class("]+$"), class("]*$")) {
        (Some(b), _) => (b, 1),
        (_, Some(b)) => (b, 0),
        _ => bail!("pattern `{pattern}` is not a single character class with + or *"),
    };
    let (negated, body) = match body.strip_prefix('^') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let mut chars = Vec::new();
    let mut it = body.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            chars.push(c);
            continue;
        }
        let digits = match it.next().context("dangling escape")? {
            'x' => 2,
            'u' => 4,
            other => {
                chars.push(other);
                continue;
            }
        };
        let hex: String = it.by_ref().take(digits).collect();
        let escaped = char::from_u32(u32::from_str_radix(&hex, 16)?);
        chars.push(escaped.with_context(|| format!("bad escape in `{pattern}`"))?);
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // A '-' between two characters is a range; at either end it is literal.
        let step = if i + 2 < chars.len() && chars[i + 1] == '-' {
            2
        } else {
            0
        };
        ranges.push((chars[i], chars[i + step]));
        i += step + 1;
    }
    let ranges = ranges.iter().map(|(a, b)| quote! { (#a, #b) });
    let row = quote! { Charset { name: #name, pattern: #pattern, negated: #negated, ranges: &[ #(#ranges),* ] } };
    Ok((row, min))
}

/// The `Text` row of a string schema: `minLength`/`maxLength`, its `pattern`
/// (with the `x-charset` that names it), `x-format` and `x-maxDaysAhead`.
pub fn text(s: &Schema) -> anyhow::Result<TokenStream> {
    let mut min = s.min_length.unwrap_or(0) as usize;
    let charset = match s.pattern.as_deref() {
        Some(pattern) => {
            let name = s
                .ext
                .str("x-charset")
                .context("pattern without x-charset")?;
            let (charset, pattern_min) = charset(pattern, name)?;
            min = min.max(pattern_min);
            quote! { Some(#charset) }
        }
        None => quote! { None },
    };
    const FORMATS: &[&str] = &["url", "email", "yyyymmdd", "hhmm"];
    let format = s
        .ext
        .str("x-format")
        .map(|f| variant("x-format", f, FORMATS));
    let format = opt(format.transpose()?.map(|v| quote!(Format::#v)));
    let (min, max) = (lit(min as u64), opt(s.max_length.map(|v| lit(v as u64))));
    let ahead = opt(s.ext.get::<u32>("x-maxDaysAhead")?);
    Ok(quote! {
        Text { min_len: #min, max_len: #max, charset: #charset, format: #format, max_days_ahead: #ahead }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile_to_character_ranges() {
        let (row, min) = charset("^[0-9A-Za-z_-]+$", "id").unwrap();
        assert_eq!(min, 1);
        let ranges = quote! { &[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_'), ('-', '-')] };
        let expected = quote! { Charset { name: "id", pattern: "^[0-9A-Za-z_-]+$", negated: false, ranges: #ranges } };
        assert_eq!(row.to_string(), expected.to_string());
        let (row, min) = charset(r"^[^\x00-\x1F\x7F]*$", "text").unwrap();
        assert_eq!(min, 0);
        let ranges = quote! { &[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')] };
        assert!(row.to_string().contains("negated : true"), "{row}");
        assert!(row.to_string().contains(&ranges.to_string()), "{row}");
        assert!(charset("^a+$", "a").is_err());
    }
}
