//! The small pieces of Rust every generator writes: doc attributes,
//! unsuffixed integer literals and optional values.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

/// `#[doc = " line"]` for every line of `text` (leading space as rustdoc
/// writes it, surrounding blank space trimmed).
pub fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// An integer literal without a suffix: its type is the one of the place it fills.
pub fn lit(n: u64) -> Literal {
    Literal::u64_unsuffixed(n)
}

/// `Some(value)` or `None`.
pub fn opt<T: ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}
