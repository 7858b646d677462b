//! Which URLs a request may carry: http(s) everywhere, https only in live mode for
//! the merchant's return URLs, and for a Webhook `pushUrl` https on port 443 to a
//! public host (with the local opt-in [`Context::local_push_url`]).

use std::net::IpAddr;

use veritrans_core::url_rules::{HttpScheme, http_scheme};

use super::checker::Rule;
use super::rules::UrlRule;
use super::{Context, Mode};

/// The URL rules `text` breaks under `rule`, in the order the checker reports them.
pub(super) fn violations(rule: UrlRule, text: &str, ctx: &Context) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut push = |r: Rule| out.push(r);
    match rule {
        UrlRule::None => {}
        // A plain return URL is read without the `url` crate's whole parse (the
        // sandbox checks three in every payment); the answer is the parse's either way.
        UrlRule::HttpsInLive => match http_scheme(text) {
            Some(HttpScheme::Https) => {}
            Some(HttpScheme::Http) => {
                if ctx.mode == Mode::Live {
                    push(Rule::HttpsOnlyInLive);
                }
            }
            None => push(Rule::Url),
        },
        UrlRule::PushUrl => match url::Url::parse(text) {
            Ok(u)
                if ctx.local_push_url
                    && ctx.mode != Mode::Live
                    && matches!(u.scheme(), "http" | "https")
                    && veritrans_core::url_rules::is_loopback(&u) => {}
            Ok(u) if u.scheme() == "https" => {
                // `port()` is None for the scheme default, i.e. 443.
                if u.port().is_some_and(|p| p != 443) {
                    push(Rule::PushUrlPort);
                }
                if host_is_private(&u) {
                    push(Rule::PushUrlPrivate);
                }
            }
            Ok(u) if u.scheme() == "http" => push(Rule::PushUrlHttps),
            _ => push(Rule::Url),
        },
    }
    out
}

/// Private, loopback, link-local, unspecified or otherwise non-public hosts
/// (including `localhost`). Host names are not resolved: DNS is the
/// gateway's business; literal addresses and `localhost` are caught here.
fn host_is_private(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip_is_private(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => ip_is_private(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => true,
    }
}

fn ip_is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                // 100.64.0.0/10 (carrier-grade NAT)
                || (o[0] == 100 && (o[1] & 0xC0) == 64)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return ip_is_private(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local
                || (seg[0] & 0xffc0) == 0xfe80 // link-local
        }
    }
}
