//! The URL rules, once: whether a text is an `http(s)` URL ([`http_scheme`]), and
//! where a local test server may stand for a public one ([`is_loopback`]).

mod http_scheme;

pub use http_scheme::{HttpScheme, http_scheme};

/// Whether `url`'s host is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`
/// (ASCII case ignored, a trailing dot allowed). Host names are not resolved.
///
/// The Unified API client's opt-in `local_push_url` and the sandbox accept such a
/// `pushUrl` in place of the guide's public `https://…:443`, so a merchant's tests can
/// receive the webhooks on their own machine.
///
/// ```
/// use veritrans_core::url_rules::is_loopback;
/// let yes = |s: &str| is_loopback(&url::Url::parse(s).unwrap());
/// assert!(yes("http://127.0.0.1:8080/hook"));
/// assert!(yes("http://[::1]/hook"));
/// assert!(yes("http://LOCALHOST./hook"));
/// assert!(!yes("https://example.com/hook"));
/// assert!(!yes("http://10.0.0.1/hook"));
/// ```
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
