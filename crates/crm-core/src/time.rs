//! Date-times: one output format (RFC 3339, UTC, milliseconds, `Z`) and tolerant parsing of the
//! shapes providers send (`+0000` offsets without a colon, org offsets, date-only values, Unix seconds).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use serde::{Serialize, Serializer};
use std::fmt;

/// A point in time, serialized as `2024-01-01T09:30:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn from_unix_seconds(secs: i64) -> Option<Timestamp> {
        Utc.timestamp_opt(secs, 0).single().map(Timestamp)
    }

    /// Writes the canonical form into a fixed buffer; this runs once per date field per lead, so it
    /// avoids chrono's general formatter. Years outside 0..=9999 fall back to chrono.
    fn write_canonical(&self, out: &mut [u8; 24]) -> bool {
        let d = self.0;
        let year = d.year();
        if !(0..=9999).contains(&year) {
            return false;
        }
        let millis = d.timestamp_subsec_millis().min(999);
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
    let s = value.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(Timestamp(dt.with_timezone(&Utc)));
    }
    if let Ok(dt) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Ok(Timestamp(dt.with_timezone(&Utc)));
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if s.len() == 10 {
            let midnight = date.and_hms_opt(0, 0, 0).unwrap_or(NaiveDateTime::MIN);
            return Ok(Timestamp(Utc.from_utc_datetime(&midnight)));
        }
    }
    Err(TimeError {
        value: value.to_owned(),
    })
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

    proptest::proptest! {
        #[test]
        fn fast_formatter_agrees_with_chrono(secs in 0i64..253_402_300_799, ms in 0u32..1000) {
            let t = Timestamp(Utc.timestamp_opt(secs, ms * 1_000_000).unwrap());
            proptest::prop_assert_eq!(t.to_string(), t.0.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        }
    }
}
