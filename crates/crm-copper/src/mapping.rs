//! One Copper lead -> [`Lead`]. Pure: no I/O, no allocation of a JSON tree.
//!
//! Copper has no lead source *name* on the lead (only `customer_source_id`), no contact or account
//! link, and no custom-field support in this API: those fields stay unsupported (omitted).

use crate::records::{AddressRecord, EmailRecord, IdProbe, LeadRecord, PhoneRecord, Text};
use crm_core::{Address, EmailAddress, Field, Lead, MapError, PhoneNumber, Ref, Timestamp};
use serde_json::value::RawValue;

/// Maps one raw search record. A record that does not fit fails with the record's id and the
/// field at fault, never silently.
pub fn map_lead(raw: &RawValue) -> Result<Lead, MapError> {
    // serde would also read a struct from an array; a lead is an object.
    if !raw.get().trim_start().starts_with('{') {
        return Err(MapError::new(
            None,
            "record",
            "not a Copper lead object (expected a JSON object)",
        ));
    }
    let record: LeadRecord<'_> = serde_json::from_str(raw.get()).map_err(|e| {
        let id = serde_json::from_str::<IdProbe<'_>>(raw.get())
            .ok()
            .and_then(|p| p.id)
            .and_then(integer_text);
        MapError::new(
            id.as_deref(),
            "record",
            format!("not a Copper lead object ({e})"),
        )
    })?;

    let id = integer_text(record.id).ok_or_else(|| {
        MapError::new(
            None,
            "id",
            format!("expected an integer id, got `{}`", clip(record.id.get())),
        )
    })?;
    let rid = Some(id.as_str());

    let owner = match record.assignee_id {
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

    Ok(Lead {
        owner,
        title: text_field(&record.title),
        first_name: text_field(&record.first_name),
        last_name: text_field(&record.last_name),
        addresses: Some(
            record
                .address
                .as_ref()
                .and_then(address)
                .into_iter()
                .collect(),
        ),
        email_addresses: Some(record.email.as_ref().and_then(email).into_iter().collect()),
        phone_numbers: Some(
            record
                .phone_numbers
                .iter()
                .flatten()
                .filter_map(phone)
                .collect(),
        ),
        created_at: unix_time(record.date_created)
            .map_err(|m| MapError::new(rid, "date_created", m))?,
        updated_at: unix_time(record.date_modified)
            .map_err(|m| MapError::new(rid, "date_modified", m))?,
        ..Lead::new(id)
    })
}

/// The digits of a JSON integer, exactly as sent (no float round trip). Also accepts an id sent as
/// a string of digits, in case a proxy stringifies numbers.
fn integer_text(raw: &RawValue) -> Option<String> {
    let text = raw.get().trim();
    let digits = |s: &str| {
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit())
    };
    if digits(text) {
        return Some(text.to_owned());
    }
    let quoted: String = serde_json::from_str(text).ok()?;
    digits(&quoted).then_some(quoted)
}

/// Unix seconds (or `null`) to a UTC timestamp.
fn unix_time(raw: Option<&RawValue>) -> Result<Field<Timestamp>, String> {
    let Some(raw) = raw else {
        return Ok(Field::Null);
    };
    let secs: i64 = raw
        .get()
        .trim()
        .parse()
        .map_err(|_| format!("expected Unix seconds, got `{}`", clip(raw.get())))?;
    Timestamp::from_unix_seconds(secs)
        .map(Field::Value)
        .ok_or_else(|| format!("{secs} is outside the supported date range"))
}

fn text(value: &Option<Text<'_>>) -> Option<String> {
    match value.as_ref().map(|t| t.as_str().trim()) {
        Some(v) if !v.is_empty() => Some(v.to_owned()),
        _ => None,
    }
}

fn text_field(value: &Option<Text<'_>>) -> Field<String> {
    Field::text(value.as_ref().map(Text::as_str))
}

/// Copper keeps the whole street in one field; its first line is `street_1`, the remaining lines
/// (joined with ", ", the rule all connectors share) are `street_2`. An address without any value is no address.
fn address(record: &AddressRecord<'_>) -> Option<Address> {
    let (street_1, street_2) = Address::split_street(record.street.as_ref().map(Text::as_str));
    let address = Address {
        street_1,
        street_2,
        city: text(&record.city),
        state: text(&record.state),
        postal_code: text(&record.postal_code),
        country: text(&record.country),
        kind: None,
    };
    (!address.is_empty()).then_some(address)
}

fn email(record: &EmailRecord<'_>) -> Option<EmailAddress> {
    Some(EmailAddress {
        email: text(&record.email)?,
        kind: text(&record.category),
    })
}

fn phone(record: &PhoneRecord<'_>) -> Option<PhoneNumber> {
    Some(PhoneNumber {
        number: text(&record.number)?,
        extension: None,
        kind: text(&record.category),
    })
}

/// Provider values in error messages are cut short: they may be long or carry personal data.
fn clip(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &value[..cut]),
        None => value.to_owned(),
    }
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
