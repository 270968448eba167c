//! One Pipedrive lead -> the unified [`Lead`]. Pure: no I/O, no per-lead requests.
//!
//! A Pipedrive lead has no name, email, phone or address of its own (those live on the linked
//! person), so those fields stay unsupported and are omitted. Custom fields (40-hex keys) stay in
//! `remote_data`, which the list pipeline attaches.

use crate::records::{IdText, LeadRecord};
use crm_core::json::{self, JsonText};
use crm_core::time::parse_datetime;
use crm_core::{Field, Lead, MapError, Ref, Timestamp};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Maps a raw lead. A record that does not fit (no id, an id of the wrong type, a date that is
/// not a date) is an error naming the record and field, never a silently dropped or blank lead.
pub fn map_lead(record: &RawValue) -> Result<Lead, MapError> {
    let raw = LeadRecord::read(record)
        .map_err(|e| MapError::new(None, "record", format!("not a Pipedrive lead ({e})")))?;
    // Every value's type is checked (ids, then text) before the id must be present and any date
    // is parsed; errors name the id as sent.
    let id = read_id(None, "id", raw.id)?;
    let rid = id.as_ref().map(|id| &*id.0);
    let owner = read_id(rid, "owner_id", raw.owner_id)?;
    let person = read_id(rid, "person_id", raw.person_id)?;
    let organization = read_id(rid, "organization_id", raw.organization_id)?;
    let title = read_text(rid, "title", raw.title)?;
    let source_name = read_text(rid, "source_name", raw.source_name)?;
    let add_time = read_text(rid, "add_time", raw.add_time)?;
    let update_time = read_text(rid, "update_time", raw.update_time)?;
    let id = id
        .as_ref()
        .map(|id| id.0.trim())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| MapError::new(None, "id", "the lead has no id"))?;

    let mut lead = Lead::new(id);
    lead.owner = reference(owner);
    lead.title = Field::text(title.as_deref());
    lead.lead_source = Field::text(source_name.as_deref());
    lead.contact = reference(person);
    lead.account = reference(organization);
    lead.created_at = time(id, "add_time", add_time.as_deref())?;
    lead.updated_at = time(id, "update_time", update_time.as_deref())?;
    Ok(lead)
}

/// An id field ([`IdText`]); any other value fails naming the record and field.
#[inline]
fn read_id<'a>(
    id: Option<&str>,
    field: &str,
    value: Option<JsonText<'a>>,
) -> Result<Option<IdText<'a>>, MapError> {
    IdText::read_optional(value).map_err(|v| unexpected(id, field, IdText::EXPECTED, v))
}

/// A field that must be a string or `null`; any other value fails naming the record and field.
#[inline]
fn read_text<'a>(
    id: Option<&str>,
    field: &str,
    value: Option<JsonText<'a>>,
) -> Result<Option<Cow<'a, str>>, MapError> {
    json::optional_str(value).map_err(|v| unexpected(id, field, "a string or null", v))
}

/// Names the value's type, never the value: it may be personal.
#[cold]
fn unexpected(id: Option<&str>, field: &str, expected: &str, value: JsonText<'_>) -> MapError {
    let why = format!("expected {expected}, found {}", value.kind());
    MapError::new(id, field, format!("unexpected value ({why})"))
}

fn reference(id: Option<IdText<'_>>) -> Field<Ref> {
    Ref::field(id.map(|id| id.0.trim().to_owned()))
}

fn time(id: &str, field: &str, value: Option<&str>) -> Result<Field<Timestamp>, MapError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Field::Null),
        Some(v) => parse_datetime(v)
            .or_else(|e| utc_without_offset(v).ok_or(e))
            .map(Field::Value)
            .map_err(|e| MapError::new(Some(id), field, e)),
    }
}

/// Pipedrive v1 also writes UTC times as `2019-02-04 13:58:03` (no `T`, no offset); its API
/// documents them as UTC, so reading them as UTC guesses nothing.
fn utc_without_offset(value: &str) -> Option<Timestamp> {
    let naive = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f").ok()?;
    Some(Timestamp(naive.and_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    fn map(json: &str) -> Result<Lead, MapError> {
        map_lead(&raw(json))
    }

    #[test]
    fn maps_the_documented_fields() {
        let lead = map(r#"{
                "id": "00000000-0000-4000-8000-00000000a001",
                "title": "Example lead \"Ünïcode\" \\ one",
                "owner_id": 10001,
                "creator_id": 10001,
                "person_id": 20001,
                "organization_id": null,
                "source_name": "API",
                "value": {"amount": 999, "currency": "USD"},
                "add_time": "2020-10-14T11:30:36.551Z",
                "update_time": "2021-01-02T03:04:05Z",
                "0123456789abcdef0123456789abcdef01234567": "custom"
            }"#)
        .unwrap();
        let json = serde_json::to_string(&lead).unwrap();
        assert_eq!(
            json,
            r#"{"id":"00000000-0000-4000-8000-00000000a001","owner":{"id":"10001"},"lead_source":"API","title":"Example lead \"Ünïcode\" \\ one","contact":{"id":"20001"},"account":null,"created_at":"2020-10-14T11:30:36.551Z","updated_at":"2021-01-02T03:04:05.000Z"}"#
        );
        assert!(lead.custom_fields.is_none());
        assert!(lead.remote_data.is_none());
    }

    #[test]
    fn missing_and_blank_values_are_null_not_omitted() {
        let lead = map(r#"{"id":"a","title":"  ","source_name":null,"add_time":""}"#).unwrap();
        let json = serde_json::to_string(&lead).unwrap();
        assert_eq!(
            json,
            r#"{"id":"a","owner":null,"lead_source":null,"title":null,"contact":null,"account":null,"created_at":null,"updated_at":null}"#
        );
    }

    #[test]
    fn unsupported_fields_are_omitted() {
        let lead = map(r#"{"id":"a"}"#).unwrap();
        assert!(lead.first_name.is_unsupported());
        assert!(lead.last_name.is_unsupported());
        assert!(lead.email_addresses.is_none());
        assert!(lead.phone_numbers.is_none());
        assert!(lead.addresses.is_none());
        assert!(lead.converted_at.is_unsupported());
        assert!(lead.last_activity_at.is_unsupported());
    }

    #[test]
    fn records_that_do_not_fit_name_the_problem() {
        let err = map(r#"{"title":"x"}"#).unwrap_err();
        assert_eq!((err.record_id.as_deref(), err.field.as_str()), (None, "id"));
        let err = map(r#"{"id":"  "}"#).unwrap_err();
        assert_eq!(err.field, "id");
        let err = map(r#"{"id":"a","add_time":"yesterday"}"#).unwrap_err();
        assert_eq!(
            (err.record_id.as_deref(), err.field.as_str()),
            (Some("a"), "add_time")
        );
        let err = map(r#"{"id":"a","owner_id":1.5}"#).unwrap_err();
        assert_eq!(
            (err.record_id.as_deref(), err.field.as_str()),
            (Some("a"), "owner_id")
        );
        let err = map(r#"{"id":"a","title":5}"#).unwrap_err();
        assert_eq!(err.field, "title");
        let err = map(r#"{"id":true}"#).unwrap_err();
        assert_eq!((err.record_id.as_deref(), err.field.as_str()), (None, "id"));
        assert!(map("[1,2]").is_err());
        assert!(map("null").is_err());
    }

    #[test]
    fn pipedrive_space_separated_utc_times() {
        let lead = map(
            r#"{"id":"a","add_time":"2019-02-04 13:58:03","update_time":"2019-02-04 13:58:03.5"}"#,
        )
        .unwrap();
        assert_eq!(
            lead.created_at.as_option().unwrap().to_string(),
            "2019-02-04T13:58:03.000Z"
        );
        assert_eq!(
            lead.updated_at.as_option().unwrap().to_string(),
            "2019-02-04T13:58:03.500Z"
        );
    }

    #[test]
    fn numeric_ids_keep_every_digit() {
        let lead = map(r#"{"id":123456789012345678,"owner_id":18446744073709551615}"#).unwrap();
        assert_eq!(lead.id, "123456789012345678");
        assert_eq!(lead.owner.as_option().unwrap().id, "18446744073709551615");
    }

    #[test]
    fn any_input_maps_or_errors_without_panicking() {
        for json in [
            r#"{"id":"a","owner_id":"7"}"#,
            r#"{"id":"a","owner_id":{"id":7,"name":"x"}}"#,
            r#"{"id":{"id":"b"}}"#,
            r#"{"id":"a","title":5}"#,
            r#"{"id":"a","id":"b"}"#,
            "\"text\"",
            "{}",
        ] {
            let _ = map(json);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_field_values_never_panic(
            id in proptest::option::of("\\PC{0,12}"),
            owner in proptest::option::of(proptest::num::i64::ANY),
            title in proptest::option::of("\\PC{0,12}"),
            time in proptest::option::of("\\PC{0,30}"),
        ) {
            let record = serde_json::json!({
                "id": id, "owner_id": owner, "title": title, "add_time": time, "update_time": time,
            });
            let raw = RawValue::from_string(record.to_string()).unwrap();
            if let Ok(lead) = map_lead(&raw) {
                proptest::prop_assert!(!lead.id.is_empty());
            }
        }
    }
}
