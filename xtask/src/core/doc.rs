//! Doc attributes of generated items.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = " line"]` for every line of `text` (leading space as rustdoc
/// writes it, surrounding blank space trimmed).
pub fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}
