//! A plain-HTTP stand-in for the consumer's browser: it opens pages, fills in
//! and submits their HTML forms (auto-submitting ones included, as a browser
//! with JavaScript would), follows links and redirects, and remembers where it
//! ended up. Enough for the sandbox's server-rendered consumer pages; the
//! real-browser test uses Chromium instead.

use std::time::Duration;

use reqwest::Url;

/// A page the browser is on.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it was loaded from, after redirects.
    pub url: Url,
    /// The HTTP status it came with.
    pub status: u16,
    /// Its body.
    pub html: String,
}

/// An HTML form as a browser would submit it without user input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// `method`, upper-cased (`GET` when absent).
    pub method: String,
    /// `action`, resolved against the page's URL.
    pub action: Url,
    /// Every named `<input>` with its value and every `<select>` with its
    /// first option, in document order.
    pub fields: Vec<(String, String)>,
}

/// The consumer's browser.
#[derive(Debug, Clone)]
pub struct Browser {
    http: reqwest::Client,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    /// A browser that follows redirects, as every browser does.
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::limited(5))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client with rustls builds");
        Self { http }
    }

    /// Opens `url` (a `GET`).
    pub async fn open(&self, url: &str) -> Page {
        let answer = self.http.get(url).send().await;
        page(answer.unwrap_or_else(|e| panic!("opening {url}: {e}"))).await
    }

    /// Follows the link carrying `data-outcome="{outcome}"` (the Unified API
    /// provider page's choices).
    pub async fn click_outcome(&self, on: &Page, outcome: &str) -> Page {
        let marker = format!("data-outcome=\"{outcome}\"");
        let anchor = tags(&on.html, "a")
            .find(|(tag, _)| tag.contains(&marker))
            .unwrap_or_else(|| panic!("no link with {marker} on {}", on.url));
        let href = attribute(anchor.0, "href").expect("a link has an href");
        let target = on.url.join(&href).expect("a resolvable href");
        self.open(target.as_str()).await
    }

    /// Submits the form with `id` (the first form when `None`), with `fill`
    /// replacing or adding fields, as a consumer typing into it would.
    pub async fn submit(&self, on: &Page, id: Option<&str>, fill: &[(&str, &str)]) -> Page {
        let mut form = Form::find(on, id)
            .unwrap_or_else(|| panic!("no form {id:?} on {} ({})", on.url, on.html));
        for (name, value) in fill {
            match form.fields.iter_mut().find(|(n, _)| n == name) {
                Some(field) => field.1 = (*value).to_string(),
                None => form
                    .fields
                    .push(((*name).to_string(), (*value).to_string())),
            }
        }
        let encoded = serde_urlencoded::to_string(&form.fields).expect("form fields encode");
        let request = if form.method == "POST" {
            self.http
                .post(form.action.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded)
        } else {
            let mut url = form.action.clone();
            url.set_query(Some(&encoded));
            self.http.get(url)
        };
        let answer = request.send().await;
        page(answer.unwrap_or_else(|e| panic!("submitting to {}: {e}", form.action))).await
    }
}

impl Form {
    /// The form with `id` on `page` (the first form when `None`).
    pub fn find(page: &Page, id: Option<&str>) -> Option<Form> {
        let html = page.html.as_str();
        let (open, body) = tags(html, "form").find(|(tag, _)| match id {
            Some(id) => attribute(tag, "id").as_deref() == Some(id),
            None => true,
        })?;
        let inner = &html[body..];
        let inner = &inner[..inner.find("</form>").unwrap_or(inner.len())];
        let mut fields = Vec::new();
        for (tag, after) in tags(inner, "input").chain(tags(inner, "select")) {
            let Some(name) = attribute(tag, "name") else {
                continue;
            };
            let value = if tag.starts_with("<select") {
                tags(&inner[after..], "option")
                    .next()
                    .and_then(|(option, _)| attribute(option, "value"))
                    .unwrap_or_default()
            } else {
                attribute(tag, "value").unwrap_or_default()
            };
            fields.push((after, name, value));
        }
        fields.sort_by_key(|(at, _, _)| *at);
        let action = attribute(open, "action").unwrap_or_default();
        Some(Form {
            method: attribute(open, "method")
                .unwrap_or_else(|| "get".into())
                .to_ascii_uppercase(),
            action: page.url.join(&action).ok()?,
            fields: fields.into_iter().map(|(_, n, v)| (n, v)).collect(),
        })
    }
}

async fn page(answer: reqwest::Response) -> Page {
    let url = answer.url().clone();
    let status = answer.status().as_u16();
    let html = answer.text().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    Page { url, status, html }
}

/// Every opening tag `<name …>` in `html`: the tag's text and the offset just
/// after it.
fn tags<'a>(html: &'a str, name: &str) -> impl Iterator<Item = (&'a str, usize)> + 'a {
    let open = format!("<{name}");
    let found: Vec<_> = html
        .match_indices(open.as_str())
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            // `<a` must not match `<abbr`, `<form` not `<formula`.
            let next = rest[open.len()..].chars().next()?;
            if !(next.is_whitespace() || next == '>') {
                return None;
            }
            let end = rest.find('>')? + 1;
            Some((&rest[..end], at + end))
        })
        .collect();
    found.into_iter()
}

/// The value of attribute `name` in a tag, with the sandbox's HTML escapes undone.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let len = tag[start..].find('"')?;
    let raw = &tag[start..start + len];
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        text.push_str(&rest[..amp]);
        let entity = &rest[amp..];
        let (decoded, used) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
        ]
        .iter()
        .find(|(e, _)| entity.starts_with(e))
        .map_or(('&', 1), |(e, c)| (*c, e.len()));
        text.push(decoded);
        rest = &entity[used..];
    }
    text.push_str(rest);
    Some(text)
}
