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

/// A pattern's one bracket class.
#[derive(Debug, PartialEq)]
struct Class {
    /// `[^…]`: the ranges are the characters not allowed.
    negated: bool,
    /// Inclusive character ranges.
    ranges: Vec<(char, char)>,
    /// The minimum length the quantifier implies (`+`: 1, `*`: 0).
    min: usize,
}

/// Reads a `^[class]+$` / `^[class]*$` pattern as its character ranges.
fn compile_pattern(pattern: &str) -> anyhow::Result<Class> {
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
    Ok(Class {
        negated,
        ranges,
        min,
    })
}

/// The `Text` row of a string schema: `minLength`/`maxLength`, its `pattern`
/// (with the `x-charset` that names it), `x-format` and `x-maxDaysAhead`.
pub fn text(s: &Schema) -> anyhow::Result<TokenStream> {
    let mut min = s.min_length.unwrap_or(0) as usize;
    let charset = match s.pattern.as_deref() {
        Some(pattern) => {
            let Class {
                negated,
                ranges,
                min: pmin,
            } = compile_pattern(pattern)?;
            min = min.max(pmin);
            let name = s
                .ext
                .str("x-charset")
                .context("pattern without x-charset")?;
            let ranges = ranges.iter().map(|(a, b)| quote! { (#a, #b) });
            quote! { Some(Charset { name: #name, pattern: #pattern, negated: #negated, ranges: &[ #(#ranges),* ] }) }
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
        let class = compile_pattern("^[0-9A-Za-z_-]+$").unwrap();
        let ranges = vec![('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_'), ('-', '-')];
        let (negated, min) = (false, 1);
        assert_eq!(
            class,
            Class {
                negated,
                ranges,
                min
            }
        );
        let class = compile_pattern(r"^[^\x00-\x1F\x7F]*$").unwrap();
        let ranges = vec![('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')];
        let (negated, min) = (true, 0);
        assert_eq!(
            class,
            Class {
                negated,
                ranges,
                min
            }
        );
        assert!(compile_pattern("^a+$").is_err());
    }
}
