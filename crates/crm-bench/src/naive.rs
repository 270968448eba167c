//! Helpers of the naive pipeline: mapping field by field from a `serde_json::Value` tree into a
//! `Value` object, the way a unified API without typed provider records does it. Each helper
//! follows the same rules as our connectors (trim, blank = null, ids as exact text, dates in UTC
//! with milliseconds) so that both pipelines produce the same unified fields.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

pub type Object = Map<String, Value>;

pub fn get<'a>(record: &'a Value, key: &str) -> Option<&'a Value> {
    record.get(key).filter(|v| !v.is_null())
}

/// Trimmed text; blank or missing is `None`.
pub fn text_of(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// Trimmed text or `null`.
pub fn text(value: Option<&Value>) -> Value {
    text_of(value).map_or(Value::Null, Value::String)
}

/// `{"id": "..."}` from a number or string id, or `null`.
pub fn reference(value: Option<&Value>) -> Value {
    match text_of(value) {
        Some(id) => {
            let mut object = Map::new();
            object.insert("id".to_owned(), Value::String(id));
            Value::Object(object)
        }
        None => Value::Null,
    }
}

/// The canonical output form: RFC 3339, UTC, milliseconds, `Z`.
pub fn canonical(time: DateTime<Utc>) -> Value {
    Value::String(time.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// A provider date-time string (`Z`, `+03:00`, `+0000`, date-only, `YYYY-MM-DD HH:MM:SS` UTC).
pub fn datetime(value: Option<&Value>) -> Value {
    let Some(s) = value.and_then(Value::as_str).map(str::trim) else {
        return Value::Null;
    };
    if s.is_empty() {
        return Value::Null;
    }
    let parsed = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        });
    parsed.map_or(Value::Null, canonical)
}

/// Unix seconds to the canonical form.
pub fn unix(value: Option<&Value>) -> Value {
    value
        .and_then(Value::as_i64)
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .map_or(Value::Null, canonical)
}

pub fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// An address object with every documented part.
#[allow(clippy::too_many_arguments)]
pub fn address(
    street_1: Option<String>,
    street_2: Option<String>,
    city: Value,
    state: Value,
    postal_code: Value,
    country: Value,
) -> Value {
    let opt = |s: Option<String>| s.map_or(Value::Null, Value::String);
    object(vec![
        ("street_1", opt(street_1)),
        ("street_2", opt(street_2)),
        ("city", city),
        ("state", state),
        ("postal_code", postal_code),
        ("country", country),
        ("type", Value::Null),
    ])
}

/// True when every part of an address (except `type`) is `null`.
pub fn address_is_empty(address: &Value) -> bool {
    address
        .as_object()
        .is_some_and(|a| a.iter().all(|(k, v)| k == "type" || v.is_null()))
}
