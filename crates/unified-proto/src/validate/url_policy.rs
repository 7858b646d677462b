//! Which URLs a request may carry: http(s) everywhere, https only in live mode for
//! the merchant's return URLs, and for a Webhook `pushUrl` https on port 443 to a
//! public host (with the local opt-in [`Context::local_push_url`]).

use std::cell::RefCell;
use std::net::IpAddr;

use super::checker::Rule;
use super::rules::UrlRule;
use super::{Context, Mode};

/// How many URL verdicts each thread remembers.
const REMEMBERED: usize = 8;
/// Longer texts are judged every time (a merchant's URLs are far shorter).
const REMEMBERED_LENGTH: usize = 256;

/// A verdict of [`judge`]: a pure function of the rule, the text, the mode and the local
/// opt-in (nothing else of the context is read).
struct Verdict {
    rule: UrlRule,
    mode: Mode,
    local_push_url: bool,
    text: Box<str>,
    found: Vec<Rule>,
}

thread_local! {
    /// The last [`REMEMBERED`] verdicts, replaced round-robin: a merchant sends the same
    /// few return and webhook URLs with every request, and parsing one with the `url`
    /// crate (IDNA processing of the host included) was about 6k instructions, 14 % of a
    /// sandbox payment's (docs/performance.md, "Seventh session").
    static RECENT: RefCell<(usize, Vec<Verdict>)> = const { RefCell::new((0, Vec::new())) };
}

/// The URL rules `text` breaks under `rule`, in the order the checker reports them.
pub(super) fn violations(rule: UrlRule, text: &str, ctx: &Context) -> Vec<Rule> {
    if rule == UrlRule::None {
        return Vec::new();
    }
    let same = |v: &Verdict| {
        v.rule == rule
            && v.mode == ctx.mode
            && v.local_push_url == ctx.local_push_url
            && *v.text == *text
    };
    let remembered = RECENT
        .try_with(|recent| {
            let recent = recent.try_borrow().ok()?;
            recent.1.iter().find(|v| same(v)).map(|v| v.found.clone())
        })
        .ok()
        .flatten();
    if let Some(found) = remembered {
        return found;
    }
    let found = judge(rule, text, ctx);
    if text.len() <= REMEMBERED_LENGTH {
        let verdict = Verdict {
            rule,
            mode: ctx.mode,
            local_push_url: ctx.local_push_url,
            text: text.into(),
            found: found.clone(),
        };
        // A thread being torn down, or a borrow in progress, just skips remembering.
        let _ = RECENT.try_with(|recent| {
            if let Ok(mut recent) = recent.try_borrow_mut() {
                let (next, verdicts) = &mut *recent;
                if verdicts.len() < REMEMBERED {
                    verdicts.push(verdict);
                } else if let Some(slot) = verdicts.get_mut(*next % REMEMBERED) {
                    *slot = verdict;
                }
                *next = next.wrapping_add(1);
            }
        });
    }
    found
}

/// [`violations`] without the memory: parses `text` and applies `rule`.
fn judge(rule: UrlRule, text: &str, ctx: &Context) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut push = |r: Rule| out.push(r);
    match rule {
        UrlRule::None => {}
        UrlRule::HttpsInLive => match url::Url::parse(text) {
            Ok(u) if u.scheme() == "https" => {}
            Ok(u) if u.scheme() == "http" => {
                if ctx.mode == Mode::Live {
                    push(Rule::HttpsOnlyInLive);
                }
            }
            _ => push(Rule::Url),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A remembered verdict is the one a fresh parse gives, for every rule, mode and
    /// opt-in the same text is checked under, in any order and after the memory has
    /// turned over.
    #[test]
    fn remembered_verdicts_are_fresh_verdicts() {
        let texts = [
            "http://127.0.0.1:9/done",
            "https://shop.example/return",
            "https://shop.example:8443/hook",
            "https://10.0.0.1/hook",
            "http://localhost/hook",
            "not a url",
            "ftp://shop.example/x",
            "https://[::1]/hook",
            "https://xn--n3h.example/",
        ];
        let mut contexts = Vec::new();
        for mode in [Mode::Test, Mode::Live] {
            for local in [false, true] {
                let mut ctx = Context::new(mode);
                ctx.local_push_url = local;
                contexts.push(ctx);
            }
        }
        for round in 0..3 {
            for text in texts {
                for rule in [UrlRule::None, UrlRule::HttpsInLive, UrlRule::PushUrl] {
                    for ctx in &contexts {
                        assert_eq!(
                            violations(rule, text, ctx),
                            judge(rule, text, ctx),
                            "round {round}: {rule:?} {text} {:?} {}",
                            ctx.mode,
                            ctx.local_push_url
                        );
                    }
                }
            }
        }
    }
}
