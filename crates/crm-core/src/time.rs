//! Date-times: one output format (RFC 3339, UTC, milliseconds, `Z`) and tolerant parsing of the
//! shapes providers send (`+0000` offsets without a colon, org offsets, date-only values, Unix seconds).

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Utc,
};
use serde::{Serialize, Serializer};
use std::fmt;

/// A point in time, serialized as `2024-01-01T09:30:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn from_unix_seconds(secs: i64) -> Option<Timestamp> {
        Utc.timestamp_opt(secs, 0).single().map(Timestamp)
    }

    /// Whether the UTC year is within 0000..=9999, the range of the four-digit year every provider
    /// date literal has (`+10000-01-01` or `-0001-...` would be sent as invalid query syntax).
    pub fn has_four_digit_year(&self) -> bool {
        (0..=9999).contains(&self.0.year())
    }

    /// Writes the canonical form into a fixed buffer; this runs once per date field per lead, so it
    /// avoids chrono's general formatter. Years outside 0..=9999 fall back to chrono.
    pub(crate) fn write_canonical(&self, out: &mut [u8; 24]) -> bool {
        // Read the parts from the UTC date and time once (the `DateTime` accessors each
        // recompute the local date-time first).
        let d = self.0.naive_utc();
        let year = d.year();
        if !(0..=9999).contains(&year) {
            return false;
        }
        let millis = (d.nanosecond() / 1_000_000).min(999);
        let parts: [(usize, u32, usize); 7] = [
            (0, year as u32, 4),
            (5, d.month(), 2),
            (8, d.day(), 2),
            (11, d.hour(), 2),
            (14, d.minute(), 2),
            (17, d.second().min(59), 2),
            (20, millis, 3),
        ];
        *out = *b"0000-00-00T00:00:00.000Z";
        for (start, mut value, width) in parts {
            for i in (0..width).rev() {
                out[start + i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        true
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 24];
        if self.write_canonical(&mut buf) {
            // The buffer holds ASCII only.
            f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 24];
        if self.write_canonical(&mut buf) {
            serializer.serialize_str(std::str::from_utf8(&buf).map_err(serde::ser::Error::custom)?)
        } else {
            serializer.collect_str(self)
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp(value)
    }
}

/// Why a date-time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not an ISO 8601 date-time (expected e.g. 2024-01-01T00:00:00Z, 2024-01-01T00:00:00.000+0000 or 2024-01-01)")]
pub struct TimeError {
    pub value: String,
}

/// Parses the date-time shapes providers and callers send, into UTC:
/// RFC 3339 (`Z` or `+03:00`), offsets without a colon (`+0000`, Salesforce), optional fractional
/// seconds, and date-only values (midnight UTC). A date-time without any offset is refused: guessing
/// a time zone would shift filters silently.
pub fn parse_datetime(value: &str) -> Result<Timestamp, TimeError> {
    let s = crate::text::trim(value);
    parse_fast(s)
        .or_else(|| parse_general(s))
        .ok_or_else(|| TimeError {
            value: value.to_owned(),
        })
}

/// chrono's parsers, tried in turn (the reference the fast path is tested against).
fn parse_general(s: &str) -> Option<Timestamp> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(Timestamp(dt.with_timezone(&Utc)));
    }
    if let Ok(dt) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(Timestamp(dt.with_timezone(&Utc)));
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if s.len() == 10 {
            let midnight = date.and_hms_opt(0, 0, 0).unwrap_or(NaiveDateTime::MIN);
            return Some(Timestamp(Utc.from_utc_datetime(&midnight)));
        }
    }
    None
}

/// The shapes providers send on every record, read without chrono's general parsers:
/// `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS[.f]` (1 to 9 fraction digits) followed by `Z`, `±HH:MM`
/// (Zoho, Pipedrive, RFC 3339) or `±HHMM` (Salesforce). `None` means "not one of these shapes"
/// and the caller falls back to chrono; when it answers, the answer is chrono's (property-tested
/// below). This runs up to four times per lead.
fn parse_fast(s: &str) -> Option<Timestamp> {
    const SCALE: [u32; 10] = [
        1_000_000_000,
        100_000_000,
        10_000_000,
        1_000_000,
        100_000,
        10_000,
        1_000,
        100,
        10,
        1,
    ];
    let b = s.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let (hi, lo) = (
            b.get(i)?.wrapping_sub(b'0'),
            b.get(i + 1)?.wrapping_sub(b'0'),
        );
        (hi < 10 && lo < 10).then(|| u32::from(hi) * 10 + u32::from(lo))
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = two(0)? * 100 + two(2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, two(5)?, two(8)?)?;
    if b.len() == 10 {
        return Some(Timestamp(date.and_time(NaiveTime::MIN).and_utc()));
    }
    if b.len() < 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos *= SCALE[digits];
    }
    let offset = match &b[i..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] | [sign @ (b'+' | b'-'), _, _, _, _] => {
            let hours = two(i + 1)?;
            let minutes = two(b.len() - 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = local.checked_sub_signed(TimeDelta::seconds(offset))?;
    Some(Timestamp(utc.and_utc()))
}

/// Like [`parse_datetime`], for provider values that may be absent or blank.
pub fn parse_optional(value: Option<&str>) -> Result<Option<Timestamp>, TimeError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse_datetime(v).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        parse_datetime(s).unwrap().to_string()
    }

    #[test]
    fn provider_shapes_become_utc_z_with_millis() {
        assert_eq!(canon("2024-01-01T00:00:00Z"), "2024-01-01T00:00:00.000Z");
        assert_eq!(
            canon("2024-01-01T00:00:00.000+0000"),
            "2024-01-01T00:00:00.000Z"
        );
        assert_eq!(
            canon("2021-08-04T14:08:39+03:00"),
            "2021-08-04T11:08:39.000Z"
        );
        assert_eq!(
            canon("2021-08-04T14:08:39-0530"),
            "2021-08-04T19:38:39.000Z"
        );
        assert_eq!(
            canon("2020-10-14T11:30:36.551Z"),
            "2020-10-14T11:30:36.551Z"
        );
        assert_eq!(canon("2024-02-29"), "2024-02-29T00:00:00.000Z");
    }

    #[test]
    fn garbage_and_zone_less_values_are_refused() {
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-01-01T00:00:00",
            "2024-01-01 junk",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(
            Timestamp::from_unix_seconds(1_704_067_200)
                .unwrap()
                .to_string(),
            "2024-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn serialization_matches_display_and_chrono() {
        let t = parse_datetime("1999-12-31T23:59:59.123Z").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"1999-12-31T23:59:59.123Z\""
        );
        assert_eq!(
            t.to_string(),
            t.0.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
        );
    }

    /// Provider-shaped date-times built from parts, some out of range on purpose.
    fn shaped() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (
            (0u32..10_000, 0u32..14, 0u32..33),
            (0u32..25, 0u32..61, 0u32..62),
            proptest::option::of("[0-9]{0,11}"),
            prop_oneof![
                Just("Z".to_owned()),
                Just("z".to_owned()),
                Just(String::new()),
                (0u32..25, 0u32..61, any::<bool>(), any::<bool>()).prop_map(
                    |(h, m, neg, colon)| {
                        let sign = if neg { '-' } else { '+' };
                        if colon {
                            format!("{sign}{h:02}:{m:02}")
                        } else {
                            format!("{sign}{h:02}{m:02}")
                        }
                    }
                ),
            ],
            prop_oneof![Just('T'), Just('t'), Just(' ')],
            any::<bool>(),
        )
            .prop_map(|((y, mo, d), (h, mi, s), frac, zone, sep, date_only)| {
                let date = format!("{y:04}-{mo:02}-{d:02}");
                if date_only {
                    return date;
                }
                let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
                format!("{date}{sep}{h:02}:{mi:02}:{s:02}{frac}{zone}")
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(20_000))]

        /// The fast path answers exactly what chrono answers, or leaves the value to chrono.
        #[test]
        fn fast_parser_agrees_with_chrono(value in shaped()) {
            if let Some(fast) = parse_fast(&value) {
                proptest::prop_assert_eq!(Some(fast), parse_general(&value), "{}", value);
            }
            proptest::prop_assert_eq!(parse_datetime(&value).ok(), parse_general(value.trim()));
        }

        #[test]
        fn fast_parser_agrees_with_chrono_on_any_text(value in "[-+0-9:.TZ ]{8,32}|\\PC{0,30}") {
            if let Some(fast) = parse_fast(&value) {
                proptest::prop_assert_eq!(Some(fast), parse_general(&value), "{}", value);
            }
        }
    }

    #[test]
    fn fast_parser_takes_the_provider_shapes() {
        for value in [
            "2024-01-01",
            "2024-01-01T09:30:00Z",
            "2020-10-14T11:30:36.551Z",
            "2024-01-01T09:30:00.000+0000",
            "2024-03-10T01:30:00+03:00",
            "2024-03-10T01:30:00-05:30",
            "2024-03-10T01:30:00.123456789-05:30",
        ] {
            let fast = parse_fast(value).unwrap_or_else(|| panic!("{value} is a fast shape"));
            assert_eq!(Some(fast), parse_general(value), "{value}");
        }
        for value in [
            "2024-01-01T09:30:00",
            "2024-01-01 09:30:00Z",
            "2016-12-31T23:59:60Z",
        ] {
            assert_eq!(parse_fast(value), None, "{value}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_formatter_agrees_with_chrono(secs in 0i64..253_402_300_799, ms in 0u32..1000) {
            let t = Timestamp(Utc.timestamp_opt(secs, ms * 1_000_000).unwrap());
            proptest::prop_assert_eq!(t.to_string(), t.0.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        }
    }
}
