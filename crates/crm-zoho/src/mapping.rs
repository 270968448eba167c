//! One Zoho lead record → the unified [`Lead`]. Pure: no I/O, unit-tested below.
//!
//! | unified | Zoho |
//! |---|---|
//! | `id` | `id` (a numeric string; a JSON number keeps its exact digits) |
//! | `owner.id` | `Owner.id` |
//! | `lead_source` | `Lead_Source` |
//! | `title` | `Designation` |
//! | `first_name`, `last_name` | `First_Name`, `Last_Name` |
//! | `addresses` | one address from `Street` (first line → `street_1`, further lines joined with `, ` → `street_2`, per `Address::split_street`), `City`, `State`, `Zip_Code`, `Country`, `type` null; `[]` when all are empty |
//! | `email_addresses` | `Email` (`primary`), `Secondary_Email` (`secondary`) |
//! | `phone_numbers` | `Phone` (`work`), `Mobile` (`mobile`), `Fax` (`fax`) |
//! | `last_activity_at`, `created_at`, `updated_at` | `Last_Activity_Time`, `Created_Time`, `Modified_Time`, org offset → UTC |
//!
//! Blank text counts as no value. Other unified fields are not supplied by Zoho and are omitted.

use crate::records::{LeadRecord, OwnerRef};
use crm_core::json::JsonText;
use crm_core::text::trim;
use crm_core::time::parse_optional;
use crm_core::{Address, EmailAddress, Field, Lead, MapError, PhoneNumber, Ref, Timestamp};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Maps one record. A value of the wrong type fails with the record id and the Zoho field name.
pub fn map_lead<'r>(record: &'r RawValue) -> Result<Lead, MapError> {
    let raw = LeadRecord::read(record)
        .map_err(|e| MapError::new(None, "record", format!("not a Zoho lead record ({e})")))?;
    let id = record_id(raw.id).map_err(|m| MapError::new(None, "id", m))?;
    let at = |field: &str, message: String| MapError::new(Some(&id), field, message);
    // Borrowed text for dates and the street (no copy); owned text for lead fields.
    let view = |field: &str, value: Option<JsonText<'r>>| text(value).map_err(|m| at(field, m));
    let read = |field: &str, value: Option<JsonText<'r>>| {
        view(field, value).map(|t| t.map(Cow::into_owned))
    };
    let time = |field: &str, value: Option<JsonText<'r>>| -> Result<Field<Timestamp>, MapError> {
        let value = view(field, value)?;
        parse_optional(value.as_deref())
            .map(Field::from_option)
            .map_err(|e| at(field, e.to_string()))
    };

    let owner = owner_id(raw.Owner).map_err(|m| at("Owner", m))?;

    let street = view("Street", raw.Street)?;
    let (street_1, street_2) = Address::split_street(street.as_deref());
    let address = Address {
        street_1,
        street_2,
        city: read("City", raw.City)?,
        state: read("State", raw.State)?,
        postal_code: read("Zip_Code", raw.Zip_Code)?,
        country: read("Country", raw.Country)?,
        kind: None,
    };
    let addresses = if address.is_empty() {
        Vec::new()
    } else {
        vec![address]
    };

    let mut email_addresses = Vec::new();
    for (field, value, kind) in [
        ("Email", raw.Email, "primary"),
        ("Secondary_Email", raw.Secondary_Email, "secondary"),
    ] {
        if let Some(email) = read(field, value)? {
            email_addresses.push(EmailAddress {
                email,
                kind: Some(kind.to_owned()),
            });
        }
    }

    let mut phone_numbers = Vec::new();
    for (field, value, kind) in [
        ("Phone", raw.Phone, "work"),
        ("Mobile", raw.Mobile, "mobile"),
        ("Fax", raw.Fax, "fax"),
    ] {
        if let Some(number) = read(field, value)? {
            phone_numbers.push(PhoneNumber {
                number,
                extension: None,
                kind: Some(kind.to_owned()),
            });
        }
    }

    Ok(Lead {
        owner: Ref::field(owner),
        lead_source: Field::from_option(read("Lead_Source", raw.Lead_Source)?),
        title: Field::from_option(read("Designation", raw.Designation)?),
        first_name: Field::from_option(read("First_Name", raw.First_Name)?),
        last_name: Field::from_option(read("Last_Name", raw.Last_Name)?),
        addresses: Some(addresses),
        email_addresses: Some(email_addresses),
        phone_numbers: Some(phone_numbers),
        last_activity_at: time("Last_Activity_Time", raw.Last_Activity_Time)?,
        created_at: time("Created_Time", raw.Created_Time)?,
        updated_at: time("Modified_Time", raw.Modified_Time)?,
        ..Lead::new(id)
    })
}

/// A JSON string, borrowed when it has no escapes. Messages name the value's type, never the
/// value: it may be personal.
#[inline]
fn json_string(value: JsonText<'_>) -> Result<Cow<'_, str>, String> {
    value.as_str().ok_or_else(|| not_text(value))
}

#[cold]
fn not_text(value: JsonText<'_>) -> String {
    format!("expected text, found {}", value.kind())
}

/// A text value: a string (trimmed; blank = none) or a number written as its exact digits.
/// Borrowed from the record unless the string had escapes.
fn text(value: Option<JsonText<'_>>) -> Result<Option<Cow<'_, str>>, String> {
    let Some(value) = value else {
        return Ok(None);
    };
    let raw = value.get();
    let text = match raw.as_bytes().first() {
        Some(b'"') => json_string(value)?,
        Some(b'-' | b'0'..=b'9') => Cow::Borrowed(raw),
        _ if raw == "null" => return Ok(None),
        _ => return Err(not_text(value)),
    };
    Ok(match text {
        Cow::Borrowed(b) => Some(trim(b)).filter(|t| !t.is_empty()).map(Cow::Borrowed),
        Cow::Owned(o) => {
            let t = trim(&o);
            (!t.is_empty()).then(|| Cow::Owned(t.to_owned()))
        }
    })
}

/// An id: a non-empty string kept as sent, or an integer kept as its exact digits (never
/// through a float: Zoho ids have 19 digits).
fn id_value(value: Option<JsonText<'_>>) -> Result<Option<String>, String> {
    let Some(value) = value else {
        return Ok(None);
    };
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'"') => {
            let s = json_string(value)?;
            let s = trim(&s);
            Ok((!s.is_empty()).then(|| s.to_owned()))
        }
        Some(b'0'..=b'9') if value.integer().is_some() => Ok(Some(raw.to_owned())),
        _ if value.is_null() => Ok(None),
        _ => Err(format!(
            "expected a string or integer id, found {}",
            value.kind()
        )),
    }
}

fn record_id(value: Option<JsonText<'_>>) -> Result<String, String> {
    id_value(value)?.ok_or_else(|| "missing or empty; every Zoho record has an id".to_owned())
}

/// `Owner.id`; an absent or null owner is no owner.
fn owner_id(value: Option<JsonText<'_>>) -> Result<Option<String>, String> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let owner = OwnerRef::read(value).map_err(|_| {
        format!(
            "expected a user lookup object with an id, found {}",
            value.kind()
        )
    })?;
    id_value(owner.id).map_err(|m| format!("id: {m}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    fn map(json: &str) -> Result<serde_json::Value, MapError> {
        map_lead(&raw(json)).map(|lead| serde_json::to_value(&lead).unwrap())
    }

    #[test]
    fn full_record() {
        let lead = map(
            r#"{
            "id": "4150868000000002175",
            "Owner": {"name": "Test Owner", "id": "4150868000000225013", "email": "owner@example.com"},
            "Lead_Source": "Web Download", "Designation": "Buyer",
            "First_Name": "Ada", "Last_Name": "Example",
            "Street": "1 Test Road", "City": "Springfield", "State": "IL", "Zip_Code": "62701", "Country": "United States",
            "Email": "ada@example.com", "Secondary_Email": "ada.alt@example.org",
            "Phone": "+1-555-0100", "Mobile": "+1-555-0101", "Fax": "+1-555-0102",
            "Last_Activity_Time": "2024-03-01T12:00:00+03:00",
            "Created_Time": "2024-01-15T10:30:00-05:30",
            "Modified_Time": "2024-02-01T00:15:00+00:00",
            "Company": "Ignored Inc"
        }"#,
        )
        .unwrap();
        assert_eq!(
            lead,
            serde_json::json!({
                "id": "4150868000000002175",
                "owner": {"id": "4150868000000225013"},
                "lead_source": "Web Download",
                "title": "Buyer",
                "first_name": "Ada",
                "last_name": "Example",
                "addresses": [{"street_1": "1 Test Road", "street_2": null, "city": "Springfield", "state": "IL", "postal_code": "62701", "country": "United States", "type": null}],
                "email_addresses": [{"email": "ada@example.com", "type": "primary"}, {"email": "ada.alt@example.org", "type": "secondary"}],
                "phone_numbers": [
                    {"number": "+1-555-0100", "extension": null, "type": "work"},
                    {"number": "+1-555-0101", "extension": null, "type": "mobile"},
                    {"number": "+1-555-0102", "extension": null, "type": "fax"}
                ],
                "last_activity_at": "2024-03-01T09:00:00.000Z",
                "created_at": "2024-01-15T16:00:00.000Z",
                "updated_at": "2024-02-01T00:15:00.000Z"
            })
        );
    }

    #[test]
    fn sparse_record_has_nulls_and_empty_lists() {
        let lead =
            map(r#"{"id":"1","Owner":null,"Email":"  ","Street":"","Last_Name":null}"#).unwrap();
        assert_eq!(
            lead,
            serde_json::json!({
                "id": "1", "owner": null, "lead_source": null, "title": null,
                "first_name": null, "last_name": null,
                "addresses": [], "email_addresses": [], "phone_numbers": [],
                "last_activity_at": null, "created_at": null, "updated_at": null
            })
        );
    }

    #[test]
    fn numeric_ids_keep_their_exact_digits() {
        let lead =
            map(r#"{"id": 4150868000000002175, "Owner": {"id": 98765432109876543210}}"#).unwrap();
        assert_eq!(lead["id"], "4150868000000002175");
        // Wider than u64 and f64: still exact.
        assert_eq!(lead["owner"]["id"], "98765432109876543210");
    }

    #[test]
    fn escaped_strings_and_numbers_as_text() {
        let lead = map(r#"{"id":"7","Last_Name":"O\u2019Brien \"Jr\"","Zip_Code":2000,"Street":"Line A\r\nLine B\nLine C"}"#).unwrap();
        assert_eq!(lead["last_name"], "O\u{2019}Brien \"Jr\"");
        assert_eq!(lead["addresses"][0]["postal_code"], "2000");
        assert_eq!(lead["addresses"][0]["street_1"], "Line A");
        assert_eq!(lead["addresses"][0]["street_2"], "Line B, Line C");
    }

    #[test]
    fn partial_address_is_kept() {
        let lead = map(r#"{"id":"7","Country":"Japan"}"#).unwrap();
        assert_eq!(lead["addresses"][0]["country"], "Japan");
        assert_eq!(lead["addresses"][0]["street_1"], serde_json::Value::Null);
    }

    #[test]
    fn offsets_become_utc() {
        for (given, utc) in [
            ("2021-08-04T14:08:39+03:00", "2021-08-04T11:08:39.000Z"),
            ("2021-08-04T14:08:39-05:30", "2021-08-04T19:38:39.000Z"),
            ("2021-08-04T00:08:39+05:30", "2021-08-03T18:38:39.000Z"),
            ("2021-12-31T23:30:00-01:00", "2022-01-01T00:30:00.000Z"),
            ("2021-08-04T14:08:39Z", "2021-08-04T14:08:39.000Z"),
        ] {
            let lead = map(&format!(r#"{{"id":"1","Created_Time":"{given}"}}"#)).unwrap();
            assert_eq!(lead["created_at"], utc, "{given}");
        }
    }

    #[test]
    fn wrong_types_name_the_record_and_field() {
        let cases = [
            (
                r#"{"id":"5","Created_Time":"yesterday"}"#,
                "Created_Time",
                "ISO 8601",
            ),
            (
                r#"{"id":"5","Created_Time":"2024-01-01T00:00:00"}"#,
                "Created_Time",
                "ISO 8601",
            ),
            (
                r#"{"id":"5","Email":["a@example.com"]}"#,
                "Email",
                "found an array",
            ),
            (
                r#"{"id":"5","First_Name":true}"#,
                "First_Name",
                "found a boolean",
            ),
            (r#"{"id":"5","Owner":"someone"}"#, "Owner", "found a string"),
            (
                r#"{"id":"5","Owner":{"id":{"x":1}}}"#,
                "Owner",
                "found an object",
            ),
        ];
        for (json, field, needle) in cases {
            let err = map(json).unwrap_err();
            assert_eq!(err.record_id.as_deref(), Some("5"), "{json}");
            assert_eq!(err.field, field, "{json}");
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }

    #[test]
    fn records_without_a_usable_id_fail() {
        for json in [
            r#"{}"#,
            r#"{"id":null}"#,
            r#"{"id":""}"#,
            r#"{"id":1.5}"#,
            r#"{"id":-3}"#,
            r#"{"id":{"v":1}}"#,
        ] {
            let err = map(json).unwrap_err();
            assert_eq!(err.field, "id", "{json}");
            assert_eq!(err.record_id, None);
        }
        for json in [r#"[]"#, r#""x""#, r#"null"#, r#"{"id":"1","id":"2"}"#] {
            assert!(map(json).is_err(), "{json}");
        }
    }

    #[test]
    fn error_messages_do_not_echo_values() {
        let err = map(r#"{"id":"5","Email":{"secret":"ada@example.com"}}"#).unwrap_err();
        assert!(!err.to_string().contains("ada@example.com"), "{err}");
    }
}
