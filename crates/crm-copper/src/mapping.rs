//! One Copper lead -> [`Lead`]. Pure: no I/O, no allocation of a JSON tree.
//!
//! Copper has no lead source *name* on the lead (only `customer_source_id`), no contact or account
//! link, and no custom-field support in this API: those fields stay unsupported (omitted).

use crate::records::{AddressRecord, EmailRecord, LeadRecord, PhoneRecord};
use crm_core::json::{self, JsonText, RecordError};
use crm_core::text::{is_integer, non_blank, shorten_to};
use crm_core::{Address, EmailAddress, Field, Lead, MapError, PhoneNumber, Ref, Timestamp};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Maps one raw search record. A record that does not fit fails with the record's id and the
/// field at fault, never silently: a top-level value of the wrong type names its field; an
/// address, e-mail or phone list that does not fit is a misfit of the `record` (the message
/// says where).
pub fn map_lead(raw: &RawValue) -> Result<Lead, MapError> {
    let record = LeadRecord::read(raw).map_err(|e| misfit(None, e))?;
    let raw_id = record
        .id
        .ok_or_else(|| misfit(None, "missing field `id`"))?;
    let id = integer_text(raw_id).ok_or_else(|| {
        MapError::new(
            None,
            "id",
            format!("expected an integer id, got `{}`", clip(raw_id.get())),
        )
    })?;
    let rid = Some(id.as_str());

    let owner = match record.assignee_id.filter(|v| !v.is_null()) {
        None => Field::Null,
        Some(raw) => match integer_text(raw) {
            Some(owner) => Ref::field(Some(owner)),
            None => {
                return Err(MapError::new(
                    rid,
                    "assignee_id",
                    format!("expected an integer or null, got `{}`", clip(raw.get())),
                ))
            }
        },
    };
    let text = |field: &str, value| {
        json::optional_str(value).map_err(|v| MapError::new(rid, field, not_a_string(v)))
    };
    let title = text("title", record.title)?;
    let first_name = text("first_name", record.first_name)?;
    let last_name = text("last_name", record.last_name)?;

    Ok(Lead {
        owner,
        title: Field::text(title.as_deref()),
        first_name: Field::text(first_name.as_deref()),
        last_name: Field::text(last_name.as_deref()),
        addresses: Some(address(rid, record.address)?.into_iter().collect()),
        email_addresses: Some(email(rid, record.email)?.into_iter().collect()),
        phone_numbers: Some(phones(rid, record.phone_numbers)?),
        created_at: unix_time(record.date_created)
            .map_err(|m| MapError::new(rid, "date_created", m))?,
        updated_at: unix_time(record.date_modified)
            .map_err(|m| MapError::new(rid, "date_modified", m))?,
        ..Lead::new(id)
    })
}

/// The digits of a JSON integer, exactly as sent (no float round trip). Also accepts an id sent as
/// a string of digits, in case a proxy stringifies numbers.
fn integer_text(value: JsonText<'_>) -> Option<String> {
    match value.integer() {
        Some(digits) => Some(digits.to_owned()),
        None => value
            .as_str()
            .filter(|s| is_integer(s))
            .map(Cow::into_owned),
    }
}

/// Unix seconds (or `null`) to a UTC timestamp.
fn unix_time(value: Option<JsonText<'_>>) -> Result<Field<Timestamp>, String> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Field::Null);
    };
    let secs: i64 = value
        .get()
        .parse()
        .map_err(|_| format!("expected Unix seconds, got `{}`", clip(value.get())))?;
    Timestamp::from_unix_seconds(secs)
        .map(Field::Value)
        .ok_or_else(|| format!("{secs} is outside the supported date range"))
}

/// Copper keeps the whole street in one field; its first line is `street_1`, the remaining lines
/// (joined with ", ", the rule all connectors share) are `street_2`. An address without any value is no address.
fn address(rid: Option<&str>, value: Option<JsonText<'_>>) -> Result<Option<Address>, MapError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let place = Place("address", None);
    let record = AddressRecord::read(value).map_err(|e| misfit(rid, at(place, e)))?;
    let text = |field: &str, value| nested_text(rid, place, field, value);
    let street = text("street", record.street)?;
    let (street_1, street_2) = Address::split_street(street.as_deref());
    let address = Address {
        street_1,
        street_2,
        city: non_blank(text("city", record.city)?.as_deref()),
        state: non_blank(text("state", record.state)?.as_deref()),
        postal_code: non_blank(text("postal_code", record.postal_code)?.as_deref()),
        country: non_blank(text("country", record.country)?.as_deref()),
        kind: None,
    };
    Ok((!address.is_empty()).then_some(address))
}

fn email(rid: Option<&str>, value: Option<JsonText<'_>>) -> Result<Option<EmailAddress>, MapError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let place = Place("email", None);
    let record = EmailRecord::read(value).map_err(|e| misfit(rid, at(place, e)))?;
    let email = nested_text(rid, place, "email", record.email)?;
    let kind = nested_text(rid, place, "category", record.category)?;
    Ok(non_blank(email.as_deref()).map(|email| EmailAddress {
        email,
        kind: non_blank(kind.as_deref()),
    }))
}

/// The phone numbers with a number; a `null` list is no phones.
fn phones(rid: Option<&str>, value: Option<JsonText<'_>>) -> Result<Vec<PhoneNumber>, MapError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = json::elements(value).ok_or_else(|| {
        misfit(
            rid,
            format!("`phone_numbers`: expected an array, got {}", value.kind()),
        )
    })?;
    let mut phones = Vec::new();
    for (i, value) in list.enumerate() {
        let place = Place("phone_numbers", Some(i));
        let record = PhoneRecord::read(value).map_err(|e| misfit(rid, at(place, e)))?;
        let number = nested_text(rid, place, "number", record.number)?;
        let kind = nested_text(rid, place, "category", record.category)?;
        if let Some(number) = non_blank(number.as_deref()) {
            phones.push(PhoneNumber {
                number,
                extension: None,
                kind: non_blank(kind.as_deref()),
            });
        }
    }
    Ok(phones)
}

/// A string-or-null value inside a nested object: a misfit of the record that names its place.
fn nested_text<'a>(
    rid: Option<&str>,
    object: Place<'_>,
    field: &str,
    value: Option<JsonText<'a>>,
) -> Result<Option<Cow<'a, str>>, MapError> {
    json::optional_str(value)
        .map_err(|v| misfit(rid, format!("`{object}.{field}`: {}", not_a_string(v))))
}

/// A record that is not a Copper lead object (reported against the field `record`).
#[cold]
fn misfit(rid: Option<&str>, why: impl std::fmt::Display) -> MapError {
    MapError::new(rid, "record", format!("not a Copper lead object ({why})"))
}

/// Where a nested object sits in the record, for messages (written only when one is needed).
#[derive(Debug, Clone, Copy)]
struct Place<'a>(&'a str, Option<usize>);

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            Some(i) => write!(f, "{}[{i}]", self.0),
            None => f.write_str(self.0),
        }
    }
}

fn at(place: Place<'_>, error: RecordError) -> String {
    format!("`{place}`: {error}")
}

#[cold]
fn not_a_string(value: JsonText<'_>) -> String {
    format!("expected a string or null, got `{}`", clip(value.get()))
}

/// Provider values in error messages are cut short: they may be long or carry personal data.
fn clip(value: &str) -> Cow<'_, str> {
    shorten_to(value, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: &str) -> Result<Lead, MapError> {
        map_lead(&RawValue::from_string(json.to_owned()).unwrap())
    }

    fn json(lead: &Lead) -> serde_json::Value {
        serde_json::to_value(lead).unwrap()
    }

    #[test]
    fn full_record() {
        let lead = map(r#"{
            "id": 9000000000000000123, "assignee_id": 42, "title": " Buyer ",
            "first_name": "Ada", "last_name": "Example",
            "address": {"street": "1 Main St\r\nSuite 5\n\nBack door", "city": "Springfield",
                        "state": "ZZ", "postal_code": "00000", "country": "US"},
            "email": {"email": "ada@example.com", "category": "work"},
            "phone_numbers": [{"number": "555-0100", "category": "mobile"},
                              {"number": " ", "category": "work"},
                              {"number": "555-0101", "category": null}],
            "customer_source_id": 5, "date_created": 1704067200, "date_modified": 1704070800
        }"#)
        .unwrap();
        assert_eq!(
            json(&lead),
            serde_json::json!({
                "id": "9000000000000000123",
                "owner": {"id": "42"},
                "title": "Buyer",
                "first_name": "Ada",
                "last_name": "Example",
                "addresses": [{"street_1": "1 Main St", "street_2": "Suite 5, Back door",
                               "city": "Springfield", "state": "ZZ", "postal_code": "00000",
                               "country": "US", "type": null}],
                "email_addresses": [{"email": "ada@example.com", "type": "work"}],
                "phone_numbers": [{"number": "555-0100", "extension": null, "type": "mobile"},
                                  {"number": "555-0101", "extension": null, "type": null}],
                "created_at": "2024-01-01T00:00:00.000Z",
                "updated_at": "2024-01-01T01:00:00.000Z"
            })
        );
        assert!(
            lead.remote_data.is_none(),
            "the pipeline attaches remote_data"
        );
    }

    #[test]
    fn nulls_become_null_and_empty_lists() {
        let lead = map(
            r#"{"id": 5, "assignee_id": null, "title": null, "first_name": "",
                "address": null, "email": null, "phone_numbers": [],
                "date_created": null}"#,
        )
        .unwrap();
        assert_eq!(
            json(&lead),
            serde_json::json!({
                "id": "5", "owner": null, "title": null, "first_name": null, "last_name": null,
                "addresses": [], "email_addresses": [], "phone_numbers": [],
                "created_at": null, "updated_at": null
            })
        );
    }

    #[test]
    fn empty_sub_objects_are_dropped() {
        let lead = map(
            r#"{"id": 5, "address": {"street": "", "city": null, "state": " ",
                "postal_code": null, "country": null},
                "email": {"email": null, "category": "work"}, "phone_numbers": null}"#,
        )
        .unwrap();
        assert_eq!(lead.addresses, Some(vec![]));
        assert_eq!(lead.email_addresses, Some(vec![]));
        assert_eq!(lead.phone_numbers, Some(vec![]));
    }

    #[test]
    fn string_ids_are_accepted() {
        let lead = map(r#"{"id": "77", "assignee_id": "8"}"#).unwrap();
        assert_eq!(lead.id, "77");
        assert_eq!(lead.owner, Field::Value(Ref { id: "8".into() }));
    }

    #[test]
    fn misfits_name_record_and_field() {
        let cases = [
            (r#"{"id": 1.5}"#, None, "id"),
            (r#"{"id": null}"#, None, "id"),
            (r#"{"title": "no id"}"#, None, "record"),
            (
                r#"{"id": 3, "assignee_id": "abc"}"#,
                Some("3"),
                "assignee_id",
            ),
            (
                r#"{"id": 3, "date_created": "2024-01-01"}"#,
                Some("3"),
                "date_created",
            ),
            (
                r#"{"id": 3, "date_modified": 1.5e9}"#,
                Some("3"),
                "date_modified",
            ),
            (
                r#"{"id": 3, "date_created": 99999999999999999}"#,
                Some("3"),
                "date_created",
            ),
            (
                r#"{"id": 4, "email": "a@example.com"}"#,
                Some("4"),
                "record",
            ),
            (r#"{"id": 4, "phone_numbers": {}}"#, Some("4"), "record"),
            (r#"[1, 2]"#, None, "record"),
        ];
        for (input, id, field) in cases {
            let err = map(input).unwrap_err();
            assert_eq!(err.record_id.as_deref(), id, "{input}");
            assert_eq!(err.field, field, "{input}: {err}");
        }
    }

    #[test]
    fn wrong_types_name_the_field_or_the_place_in_the_record() {
        let err = map(r#"{"id": 3, "title": 5}"#).unwrap_err();
        assert_eq!(
            (err.record_id.as_deref(), err.field.as_str()),
            (Some("3"), "title")
        );
        assert_eq!(err.message, "expected a string or null, got `5`");
        let err =
            map(r#"{"id": 3, "phone_numbers": [{"number": "1"}, {"number": 2}]}"#).unwrap_err();
        assert_eq!(err.field, "record");
        assert!(err.message.contains("`phone_numbers[1].number`"), "{err}");
        let err = map(r#"{"id": 3, "address": {"city": "a", "city": "b"}}"#).unwrap_err();
        assert!(
            err.message.contains("`address`: duplicate field `city`"),
            "{err}"
        );
    }

    #[test]
    fn long_values_are_clipped_in_errors() {
        let long = format!(r#"{{"id": 3, "assignee_id": "{}"}}"#, "x".repeat(500));
        let err = map(&long).unwrap_err();
        assert!(err.message.len() < 120, "{}", err.message);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in ".{0,200}") {
            if let Ok(raw) = RawValue::from_string(input) {
                let _ = map_lead(&raw);
            }
        }

        #[test]
        fn integer_ids_survive_exactly(id in proptest::num::u64::ANY) {
            let lead = map(&format!(r#"{{"id": {id}}}"#)).unwrap();
            proptest::prop_assert_eq!(lead.id, id.to_string());
        }
    }
}
