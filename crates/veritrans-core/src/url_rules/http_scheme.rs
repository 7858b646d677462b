//! Whether a text is an `http`/`https` URL, and which: a plain URL is read in one pass,
//! anything else is parsed by the `url` crate (the WHATWG URL Standard).
//!
//! Why a pass of our own: the sandbox checks every return URL of every Unified API
//! payment, and the `url` crate's parse (host, IDNA processing, a new serialised
//! `String`) was 14 % of the instructions of a whole `POST /fep/pay` (callgrind, three
//! URLs, ≈ 18 k of 129.6 k per request). A merchant's return URL is nearly always plain:
//! `http(s)://`, a host of ASCII letters, digits, `-` and `.` or a dotted-decimal IPv4
//! address, perhaps a port, then anything. For such a text the parse cannot fail, so the
//! answer is known without it; every other text gets the full parse, so the answer is
//! always the `url` crate's.

/// The scheme of an `http` or `https` URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpScheme {
    /// `http`.
    Http,
    /// `https`.
    Https,
}

/// The scheme of `text` when it is an `http` or `https` URL with a host, as the `url`
/// crate (the WHATWG URL Standard) parses it; `None` when it does not parse, or has
/// another scheme.
///
/// The same answer as `url::Url::parse(text)` followed by a look at the scheme, without
/// the parse for a plain URL (see the module's documentation).
///
/// ```
/// use veritrans_core::url_rules::{HttpScheme, http_scheme};
///
/// assert_eq!(http_scheme("https://shop.example.com/done?order=1"), Some(HttpScheme::Https));
/// assert_eq!(http_scheme("http://127.0.0.1:8080/done"), Some(HttpScheme::Http));
/// assert_eq!(http_scheme("HTTPS://Shop.Example.COM"), Some(HttpScheme::Https)); // parsed
/// assert_eq!(http_scheme("http://256.1.1.1/"), None); // no such IPv4 address
/// assert_eq!(http_scheme("ftp://example.com/"), None);
/// assert_eq!(http_scheme("not a url"), None);
/// ```
pub fn http_scheme(text: &str) -> Option<HttpScheme> {
    plain(text).or_else(|| parsed(text))
}

/// The `url` crate's answer: the parse, then the scheme (a special scheme's URL always
/// has a host; checked all the same, as `constraint::Format::Url` always did).
fn parsed(text: &str) -> Option<HttpScheme> {
    let url = url::Url::parse(text).ok()?;
    url.host()?;
    match url.scheme() {
        "http" => Some(HttpScheme::Http),
        "https" => Some(HttpScheme::Https),
        _ => None,
    }
}

/// The scheme of a plain URL, one the WHATWG parser accepts whatever follows its host;
/// `None` when `text` is not plain (it may still be a URL: [`parsed`] decides).
///
/// Plain: `http://` or `https://` in lower case, then a host that is a dotted-decimal
/// IPv4 address or a [`plain_domain`], then an optional `:` and port of one to five
/// digits up to 65535, then the end or one of `/`, `?`, `#` and anything after it (a
/// path, query or fragment is percent-encoded by the parser, never refused).
fn plain(text: &str) -> Option<HttpScheme> {
    let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
        (HttpScheme::Https, rest)
    } else {
        (HttpScheme::Http, text.strip_prefix("http://")?)
    };
    // Bytes and slice loops throughout, no `str` searches: `split('.')`, `split_once(':')`
    // and `parse` built a searcher or a parser per piece, ≈ 930 instructions for
    // `http://127.0.0.1:9/done` (callgrind of the sandbox's `POST /fep/pay`).
    let rest = rest.as_bytes();
    let host_end = rest
        .iter()
        .position(|b| matches!(b, b':' | b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (host, after) = rest.split_at(host_end);
    if !(plain_ipv4(host) || plain_domain(host)) {
        return None;
    }
    match after.split_first() {
        Some((b':', tail)) => {
            let port_end = tail
                .iter()
                .position(|b| matches!(b, b'/' | b'?' | b'#'))
                .unwrap_or(tail.len());
            plain_port(&tail[..port_end]).then_some(scheme)
        }
        _ => Some(scheme),
    }
}

/// One to five digits, at most 65535 (the parser refuses a larger port; more digits,
/// even with leading zeros, are left to it).
fn plain_port(port: &[u8]) -> bool {
    port.len() <= 5 && digits(port) && decimal(port) <= 65535
}

/// Whether `text` is only ASCII digits (at least one).
fn digits(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(u8::is_ascii_digit)
}

/// The value of at most five ASCII digits (the callers check both).
fn decimal(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// The labels of a host, between its dots (one empty label for an empty host).
fn labels(host: &[u8]) -> impl Iterator<Item = &[u8]> {
    host.split(|&b| b == b'.')
}

/// Four decimal numbers from 0 to 255 without leading zeros, joined by dots: the IPv4
/// parser reads exactly the address written (a leading zero would be octal, fewer
/// parts another address; those are left to the full parse).
fn plain_ipv4(host: &[u8]) -> bool {
    let mut parts = 0;
    for part in labels(host) {
        parts += 1;
        let well_formed = digits(part)
            && part.len() <= 3
            && (part.len() == 1 || part[0] != b'0')
            && decimal(part) <= 255;
        if !well_formed {
            return false;
        }
    }
    parts == 4
}

/// Labels of ASCII letters, digits and `-`, none empty, none starting with `xn--`
/// (Punycode, which the IDNA step decodes and may refuse), the last starting with a
/// letter (a last label of digits, or `0x…`, makes the parser read the host as an IPv4
/// address, which may fail). IDNA maps such a host to itself in lower case and the URL
/// Standard's domain-to-ASCII refuses none of it: no forbidden code point, hyphens
/// allowed anywhere (`CheckHyphens` false), no length limit (`VerifyDnsLength` false).
fn plain_domain(host: &[u8]) -> bool {
    let mut last_starts_with_letter = false;
    for label in labels(host) {
        let Some(first) = label.first() else {
            return false;
        };
        let well_formed = label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && !label
                .get(..4)
                .is_some_and(|head| head.eq_ignore_ascii_case(b"xn--"));
        if !well_formed {
            return false;
        }
        last_starts_with_letter = first.is_ascii_alphabetic();
    }
    last_starts_with_letter
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: the `url` crate alone.
    fn reference(text: &str) -> Option<HttpScheme> {
        parsed(text)
    }

    #[test]
    fn plain_urls_are_read_without_the_parse() {
        for (text, scheme) in [
            (
                "https://shop.example.com/done?order=1#top",
                HttpScheme::Https,
            ),
            ("http://127.0.0.1:9/done", HttpScheme::Http),
            ("http://0.0.0.0", HttpScheme::Http),
            ("https://255.255.255.255:65535/", HttpScheme::Https),
            ("https://a-.-b.c0m:443?x", HttpScheme::Https),
            ("https://1.2.3.com/a b/%zz/ü", HttpScheme::Https),
            ("https://LOCALHOST#", HttpScheme::Https),
        ] {
            assert_eq!(plain(text), Some(scheme), "{text}");
            assert_eq!(reference(text), Some(scheme), "{text}");
        }
    }

    /// Each of these is left to the parse, which accepts some and refuses others: the
    /// plain reading must not decide any of them.
    #[test]
    fn everything_else_is_left_to_the_parse() {
        for text in [
            "HTTPS://example.com/",   // scheme not in lower case
            "https:example.com",      // no slashes
            "https:///example.com",   // a third slash
            "https://xn--abc.com/",   // Punycode
            "https://a.XN--z.com/",   // Punycode, upper case
            "http://1.2.3.256/",      // not an address
            "http://01.2.3.4/",       // octal
            "http://127.1/",          // fewer parts
            "http://1.2.3.4.5/",      // more parts
            "http://a.b.0x1f/",       // hexadecimal last label
            "http://a.b.99/",         // numeric last label
            "http://example.com./",   // trailing dot
            "http://a..b/",           // empty label
            "http://:80/",            // no host
            "http://a:/",             // empty port
            "http://a:65536/",        // port too large
            "http://a:000080/",       // six digits
            "http://a:8a/",           // not a port
            "http://user@a.com/",     // user info
            "http://a.com\\path",     // backslash
            "http://[::1]/",          // IPv6
            "http://ex%41mple.com/",  // percent-encoded host
            "http://exa mple.com/",   // space in the host
            "http://exa\tmple.com/",  // tab (removed by the parser)
            "http://bücher.example/", // IDNA
            " http://a.com/",         // leading space (stripped by the parser)
            "http://a.com ",          // trailing space
        ] {
            assert_eq!(plain(text), None, "{text:?}");
            assert_eq!(http_scheme(text), reference(text), "{text:?}");
        }
    }

    /// Pieces of texts near the plain grammar's edges.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "http",
            "https",
            "HTTP",
            "://",
            ":/",
            "//",
            "/",
            "\\",
            ":",
            "@",
            "?",
            "#",
            ".",
            "..",
            "-",
            "xn--",
            "XN--",
            "0x",
            "0X",
            "a",
            "Z",
            "q",
            "0",
            "1",
            "9",
            "00",
            "01",
            "127",
            "255",
            "256",
            "999",
            "4294967296",
            "65535",
            "65536",
            "%41",
            "%",
            "[",
            "]",
            "[::1]",
            " ",
            "\t",
            "\n",
            "é",
            "ß",
            "ｆ",
            "\u{ad}",
            "com",
            "localhost",
        ])
    }

    /// A URL of the plain grammar's shape, with its parts drawn near the edges.
    fn shaped() -> impl Strategy<Value = String> {
        let label = prop::collection::vec(piece(), 1..4).prop_map(|p| p.concat());
        (
            prop::sample::select(vec!["http://", "https://", "http:/", "https:///"]),
            prop::collection::vec(label, 1..6),
            prop::option::of("[0-9]{0,7}"),
            prop::collection::vec(piece(), 0..5),
        )
            .prop_map(|(scheme, labels, port, rest)| {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                format!("{scheme}{}{port}{}", labels.join("."), rest.concat())
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Whatever the plain reading decides, the `url` crate decides the same.
        #[test]
        fn http_scheme_answers_as_the_url_crate(text in prop::collection::vec(piece(), 0..12)) {
            let text = text.concat();
            prop_assert_eq!(http_scheme(&text), reference(&text), "{:?}", text);
        }

        #[test]
        fn http_scheme_answers_as_the_url_crate_near_the_grammar(text in shaped()) {
            prop_assert_eq!(http_scheme(&text), reference(&text), "{:?}", text);
        }

        /// Plain URLs built from the grammar are read without the parse.
        #[test]
        fn plain_urls_are_decided_by_the_plain_reading(
            https in any::<bool>(),
            mut labels in prop::collection::vec("[a-zA-Z0-9-]{1,8}", 0..4),
            last in "[a-zA-Z][a-zA-Z0-9-]{0,8}",
            port in prop::option::of(0u32..=65535),
            rest in "[/?#][ -~]{0,20}",
        ) {
            labels.push(last);
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let scheme = if https { "https" } else { "http" };
            let text = format!("{scheme}://{}{port}{rest}", labels.join("."));
            let expected = if labels.iter().any(|l| l.to_ascii_lowercase().starts_with("xn--")) {
                None
            } else {
                Some(if https { HttpScheme::Https } else { HttpScheme::Http })
            };
            prop_assert_eq!(plain(&text), expected, "{:?}", text);
            prop_assert_eq!(http_scheme(&text), reference(&text), "{:?}", text);
        }
    }
}
