//! The text formats a spec names (`x-format`).

use time::{Date, Month};

/// A format a string must have.
///
/// ```
/// use veritrans_core::constraint::Format;
///
/// assert!(Format::Url.accepts("https://shop.example/pop/push"));
/// assert!(!Format::Email.accepts("taro@localhost")); // no dotted domain
/// assert_eq!(Format::Hhmm.to_string(), "a time (hhmm)"); // as messages name it
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An absolute `http` or `https` URL with a host.
    Url,
    /// An email address (one `@`, non-empty local part, a dotted domain, no
    /// white space or control character).
    Email,
    /// A calendar date written `YYYYMMDD`.
    Yyyymmdd,
    /// A time of day written `hhmm`, 0000 to 2359.
    Hhmm,
}

/// How a violation message names the format ("not an email address").
impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Url => "an absolute http(s) URL",
            Format::Email => "an email address",
            Format::Yyyymmdd => "a date (YYYYMMDD)",
            Format::Hhmm => "a time (hhmm)",
        })
    }
}

impl Format {
    /// Whether `value` has the format.
    ///
    /// ```
    /// use veritrans_core::constraint::Format;
    ///
    /// assert!(Format::Yyyymmdd.accepts("20240229"));
    /// assert!(!Format::Yyyymmdd.accepts("20230229")); // no such day
    /// assert!(Format::Hhmm.accepts("2359") && !Format::Hhmm.accepts("2400"));
    /// ```
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Format::Url => is_url(value),
            Format::Email => is_email(value),
            Format::Yyyymmdd => parse_yyyymmdd(value).is_some(),
            Format::Hhmm => is_hhmm(value),
        }
    }
}

fn is_url(value: &str) -> bool {
    crate::url_rules::http_scheme(value).is_some()
}

fn is_email(value: &str) -> bool {
    let mut parts = value.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        _ => false,
    }
}

/// A `YYYYMMDD` text as a calendar date (`None`: not eight digits, or no such day).
///
/// ```
/// use veritrans_core::constraint::parse_yyyymmdd;
///
/// assert_eq!(parse_yyyymmdd("20240229").map(|d| d.ordinal()), Some(60));
/// assert!(parse_yyyymmdd("2024-02-29").is_none());
/// ```
pub fn parse_yyyymmdd(value: &str) -> Option<Date> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = value.get(0..4)?.parse().ok()?;
    let month: u8 = value.get(4..6)?.parse().ok()?;
    let day: u8 = value.get(6..8)?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn is_hhmm(value: &str) -> bool {
    let number = |range| value.get(range).and_then(|s: &str| s.parse::<u8>().ok());
    value.len() == 4
        && value.bytes().all(|b| b.is_ascii_digit())
        && matches!((number(0..2), number(2..4)), (Some(h), Some(m)) if h < 24 && m < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_url("https://example.com/success"));
        assert!(!is_url("ftp://example.com/"));
        assert!(!is_url("/relative"));
        assert!(is_email("smith.john@example.com"));
        assert!(!is_email("smith.john@@example.com"));
        assert!(!is_email("smith john@example.com"));
        assert!(parse_yyyymmdd("20200229").is_some());
        assert!(parse_yyyymmdd("20210229").is_none());
        assert!(parse_yyyymmdd("2020-4-1").is_none());
        assert!(is_hhmm("2359") && is_hhmm("0000"));
        assert!(!is_hhmm("2400") && !is_hhmm("1260") && !is_hhmm("959"));
    }
}
