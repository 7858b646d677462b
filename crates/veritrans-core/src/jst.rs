//! Japan Standard Time: the zone of every gateway's time stamps, and their layouts.
//!
//! The guides write times as JST wall-clock time in a handful of layouts; each layout is
//! defined here once ([`COMPACT`], [`SLASHES`], [`DASHES`], [`DASHES_MILLIS`],
//! [`DASHES_FRACTION`]) and every crate formats and parses with these.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Japan Standard Time, UTC+9 (Japan has no daylight saving time).
///
/// ```
/// use veritrans_core::jst::JST;
///
/// let t = time::macros::datetime!(2020-03-31 15:00:00 UTC).to_offset(JST);
/// assert_eq!((t.day(), t.hour()), (1, 0)); // already April 1st in Japan
/// ```
pub const JST: UtcOffset = time::macros::offset!(+9);

/// `yyyyMMddHHmmss` (POP's and the Unified API's time stamps).
///
/// ```
/// use veritrans_core::jst;
///
/// let t = jst::parse_compact("20200401000000").unwrap();
/// assert_eq!(jst::format(t, jst::COMPACT), "20200401000000");
/// ```
pub const COMPACT: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day][hour][minute][second]");

/// `YYYY/MM/DD hh:mm:ss` (MPI's push field table).
///
/// ```
/// use veritrans_core::jst;
///
/// let t = jst::parse_wall("2015/03/30 18:36:42", &[jst::SLASHES]).unwrap();
/// assert_eq!(t.to_string(), "2015-03-30 18:36:42.0");
/// ```
pub const SLASHES: &[BorrowedFormatItem<'static>] =
    format_description!("[year]/[month]/[day] [hour]:[minute]:[second]");

/// `YYYY-MM-DD hh:mm:ss` (MPI's push sample).
///
/// ```
/// use veritrans_core::jst;
///
/// assert!(jst::parse_wall("2015-03-30 18:36:42", &[jst::SLASHES, jst::DASHES]).is_some());
/// ```
pub const DASHES: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// `YYYY-MM-DD hh:mm:ss.SSS`, milliseconds (MPI's search sample), for writing.
///
/// ```
/// use veritrans_core::jst;
///
/// let t = time::macros::datetime!(2015-03-11 11:05:20.277 UTC);
/// assert_eq!(jst::format(t, jst::DASHES_MILLIS), "2015-03-11 20:05:20.277");
/// ```
pub const DASHES_MILLIS: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]");

/// `YYYY-MM-DD hh:mm:ss.S…`, any number of fraction digits, for reading.
///
/// ```
/// use veritrans_core::jst;
///
/// let t = jst::parse_wall("2015-03-11 20:05:20.277", &[jst::DASHES_FRACTION]).unwrap();
/// assert_eq!(t.millisecond(), 277);
/// ```
pub const DASHES_FRACTION: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]");

/// The current time in JST.
///
/// ```
/// use veritrans_core::jst;
///
/// assert_eq!(jst::now().offset(), jst::JST);
/// ```
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(JST)
}

/// `t` as JST wall-clock time in `layout` (one of this module's layouts).
///
/// ```
/// use veritrans_core::jst;
/// let t = time::macros::datetime!(2020-03-31 15:00:00 UTC);
/// assert_eq!(jst::format(t, jst::COMPACT), "20200401000000");
/// assert_eq!(jst::format(t, jst::SLASHES), "2020/04/01 00:00:00");
/// assert_eq!(jst::format(t, jst::DASHES_MILLIS), "2020-04-01 00:00:00.000");
/// ```
pub fn format(t: OffsetDateTime, layout: &[BorrowedFormatItem<'_>]) -> String {
    // These layouts have no component a date cannot supply, so formatting cannot fail;
    // an empty string would be visibly wrong rather than a panic.
    t.to_offset(JST).format(layout).unwrap_or_default()
}

/// `t` as `yyyyMMddHHmmss` in JST.
///
/// ```
/// let t = time::macros::datetime!(2020-03-31 15:00:00 UTC);
/// assert_eq!(veritrans_core::jst::format_compact(t), "20200401000000");
/// ```
pub fn format_compact(t: OffsetDateTime) -> String {
    // Written digit by digit: through `time`'s format machinery this was ≈ 1.3 k
    // instructions, on every Unified API answer and POP notification the sandbox
    // writes (callgrind). A year outside 0–9999 (never a transaction's) goes the
    // general way, which writes its sign and width as `time` does.
    let t = t.to_offset(JST);
    let year = match u16::try_from(t.year()) {
        Ok(year) if year <= 9999 => year,
        _ => return format(t, COMPACT),
    };
    let mut out = String::with_capacity(14);
    push_digits(&mut out, year, 4);
    for part in [
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    ] {
        push_digits(&mut out, u16::from(part), 2);
    }
    out
}

/// `n`'s last `width` decimal digits, zero-padded.
fn push_digits(out: &mut String, n: u16, width: u32) {
    for place in (0..width).rev() {
        let digit = n / 10u16.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Reads a JST `yyyyMMddHHmmss` (exactly 14 half-width digits, a real calendar date and
/// time); `None` otherwise.
///
/// ```
/// let t = veritrans_core::jst::parse_compact("20200401000000").unwrap();
/// assert_eq!(t.to_string(), "2020-04-01 0:00:00.0 +09:00:00");
/// assert!(veritrans_core::jst::parse_compact("20230229000000").is_none());
/// assert!(veritrans_core::jst::parse_compact("2020-04-01").is_none());
/// ```
pub fn parse_compact(text: &str) -> Option<OffsetDateTime> {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    parse_wall(text, &[COMPACT]).map(|t| t.assume_offset(JST))
}

/// Reads JST wall-clock time in the first of `layouts` that fits.
///
/// ```
/// use veritrans_core::jst;
/// let t = jst::parse_wall("2020-04-01 00:00:00", &[jst::SLASHES, jst::DASHES]).unwrap();
/// assert_eq!(t, time::macros::datetime!(2020-04-01 00:00:00));
/// ```
pub fn parse_wall(text: &str, layouts: &[&[BorrowedFormatItem<'_>]]) -> Option<PrimitiveDateTime> {
    layouts
        .iter()
        .find_map(|layout| PrimitiveDateTime::parse(text, layout).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The last second `time` can show in JST (9999-12-31 23:59:59 +09:00).
    const LAST_JST: i64 = 253_402_300_799 - 9 * 3600;

    proptest! {
        /// The hand-written compact form is `time`'s, for seconds from the year -1 to
        /// 9999 in JST.
        #[test]
        fn format_compact_writes_what_time_writes(
            secs in -62_167_219_200i64 - 2 * 86_400..=LAST_JST
        ) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            prop_assert_eq!(format_compact(t), format(t, COMPACT));
        }
    }

    /// The edges: the years where the width or the way changes.
    #[test]
    fn format_compact_at_the_edges_of_its_years() {
        for secs in [
            -62_167_219_200 - 32_400 - 1, // year -1 in JST: the general way
            -62_167_219_200 - 32_400,     // 0000-01-01 00:00:00 JST
            -62_135_596_800 - 32_400,     // 0001-01-01
            -30_610_224_000 - 32_400,     // 1000-01-01
            0,
            LAST_JST,
        ] {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            assert_eq!(format_compact(t), format(t, COMPACT), "{secs}");
        }
        let zero = OffsetDateTime::from_unix_timestamp(-62_167_219_200 - 32_400).unwrap();
        assert_eq!(format_compact(zero), "00000101000000");
    }

    #[test]
    fn compact_round_trips_in_jst() {
        let t = parse_compact("20241231235959").unwrap();
        assert_eq!(t.offset(), JST);
        assert_eq!(format_compact(t), "20241231235959");
        // The same instant written from UTC comes out in JST.
        assert_eq!(
            format_compact(t.to_offset(UtcOffset::UTC)),
            "20241231235959"
        );
    }

    #[test]
    fn impossible_or_malformed_stamps_are_refused() {
        for bad in [
            "",
            "2024123123595",
            "202412312359590",
            "20241332000000",
            "20241231240000",
            "2024123123595a",
            "+0241231235959",
        ] {
            assert!(parse_compact(bad).is_none(), "{bad}");
        }
        assert!(parse_compact("20240229000000").is_some());
    }

    #[test]
    fn now_is_in_jst() {
        assert_eq!(now().offset(), JST);
    }
}
