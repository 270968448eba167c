//! One Insightly lead -> [`Lead`]. Pure: no I/O, no JSON tree.

use crate::records::{IdProbe, LeadRecord, Text};
use crm_core::{
    Address, CustomFields, EmailAddress, Field, Lead, MapError, MapOptions, PhoneNumber, Ref,
    Timestamp,
};
use serde_json::value::RawValue;

/// Maps one raw lead. A record that does not fit fails with the record's id and the field at
/// fault, never silently.
pub fn map_lead(raw: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
    if !raw.get().trim_start().starts_with('{') {
        return Err(MapError::new(
            None,
            "record",
            "not an Insightly lead object (expected a JSON object)",
        ));
    }
    let record: LeadRecord<'_> = serde_json::from_str(raw.get()).map_err(|e| {
        let id = serde_json::from_str::<IdProbe<'_>>(raw.get())
            .ok()
            .and_then(|p| p.lead_id)
            .and_then(integer_text);
        MapError::new(
            id.as_deref(),
            "record",
            format!("not an Insightly lead object ({e})"),
        )
    })?;

    let id = integer_text(record.lead_id).ok_or_else(|| {
        MapError::new(
            None,
            "LEAD_ID",
            format!(
                "expected an integer id, got `{}`",
                clip(record.lead_id.get())
            ),
        )
    })?;
    let rid = Some(id.as_str());
    let reference = |raw: Option<&RawValue>, field: &str| -> Result<Option<String>, MapError> {
        match raw {
            None => Ok(None),
            Some(raw) => integer_text(raw).map(Some).ok_or_else(|| {
                MapError::new(
                    rid,
                    field,
                    format!("expected an integer or null, got `{}`", clip(raw.get())),
                )
            }),
        }
    };
    let time = |value: &Option<Text<'_>>, field: &str| -> Result<Field<Timestamp>, MapError> {
        parse_time(value.as_ref().map(Text::as_str))
            .map(Field::from_option)
            .map_err(|m| MapError::new(rid, field, m))
    };

    let owner = reference(record.owner_user_id, "OWNER_USER_ID")?;
    let contact = reference(record.converted_contact_id, "CONVERTED_CONTACT_ID")?;
    let organisation = reference(
        record.converted_organisation_id,
        "CONVERTED_ORGANISATION_ID",
    )?;

    let (street_1, street_2) =
        Address::split_street(record.address_street.as_ref().map(Text::as_str));
    let address = Address {
        street_1,
        street_2,
        city: text(&record.address_city),
        state: text(&record.address_state),
        postal_code: text(&record.address_postcode),
        country: text(&record.address_country),
        kind: None,
    };
    let phones = [
        (&record.phone, "work"),
        (&record.mobile, "mobile"),
        (&record.fax, "fax"),
    ]
    .into_iter()
    .filter_map(|(value, kind)| {
        Some(PhoneNumber {
            number: text(value)?,
            extension: None,
            kind: Some(kind.to_owned()),
        })
    })
    .collect();

    let mut lead = Lead {
        owner: Ref::field(owner),
        title: Field::text(record.title.as_ref().map(Text::as_str)),
        contact: Ref::field(contact.clone()),
        account: Ref::field(organisation.clone()),
        first_name: Field::text(record.first_name.as_ref().map(Text::as_str)),
        last_name: Field::text(record.last_name.as_ref().map(Text::as_str)),
        addresses: Some(
            (!address.is_empty())
                .then_some(address)
                .into_iter()
                .collect(),
        ),
        email_addresses: Some(
            text(&record.email)
                .map(|email| EmailAddress {
                    email,
                    kind: Some("primary".to_owned()),
                })
                .into_iter()
                .collect(),
        ),
        phone_numbers: Some(phones),
        last_activity_at: time(&record.last_activity_date_utc, "LAST_ACTIVITY_DATE_UTC")?,
        created_at: time(&record.date_created_utc, "DATE_CREATED_UTC")?,
        updated_at: time(&record.date_updated_utc, "DATE_UPDATED_UTC")?,
        converted_at: time(&record.converted_date_utc, "CONVERTED_DATE_UTC")?,
        converted_contact: Field::from_option(contact),
        converted_account: Field::from_option(organisation),
        ..Lead::new(id.clone())
    };
    if options.include_custom_fields {
        let custom = record
            .customfields
            .iter()
            .flatten()
            .map(|c| {
                let value = c.field_value.map_or("null", RawValue::get);
                RawValue::from_string(value.to_owned())
                    .map(|v| (c.field_name.as_str().to_owned(), v))
                    .map_err(|e| MapError::new(Some(&id), "CUSTOMFIELDS", e))
            })
            .collect::<Result<_, _>>()?;
        lead.custom_fields = Some(CustomFields(custom));
    }
    Ok(lead)
}

/// Insightly's `2025-04-17 20:37:27` (a space, no zone: UTC by its `_UTC` names); RFC 3339 and the
/// other shapes `crm_core::time` reads are accepted too. Blank is no value.
pub fn parse_time(value: Option<&str>) -> Result<Option<Timestamp>, String> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Some(t) = space_utc(v) {
        return Ok(Some(t));
    }
    crm_core::time::parse_datetime(v)
        .map(Some)
        .map_err(|_| format!("expected `YYYY-MM-DD HH:MM:SS` (UTC), got `{}`", clip(v)))
}

/// `YYYY-MM-DD HH:MM:SS` read without chrono's general parser (it runs four times per lead).
fn space_utc(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(Timestamp(time.and_utc()))
}

/// The digits of a JSON integer exactly as sent; also an id sent as a string of digits.
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

fn text(value: &Option<Text<'_>>) -> Option<String> {
    match value.as_ref().map(|t| crm_core::text::trim(t.as_str())) {
        Some(v) if !v.is_empty() => Some(v.to_owned()),
        _ => None,
    }
}

/// Provider values in error messages are cut short: they may be long or carry personal data.
fn clip(value: &str) -> String {
    crm_core::text::shorten_to(value, 40).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(json: &str) -> Result<Lead, MapError> {
        map_lead(
            &RawValue::from_string(json.to_owned()).unwrap(),
            &MapOptions {
                include_custom_fields: true,
            },
        )
    }

    #[test]
    fn full_record() {
        let lead = map(r#"{
            "LEAD_ID": 9000000000000000123, "OWNER_USER_ID": 42, "TITLE": " Buyer ",
            "FIRST_NAME": "Ada", "LAST_NAME": "Example", "EMAIL": "ada@example.com",
            "PHONE": "555-0100", "MOBILE": "", "FAX": "555-0102",
            "ADDRESS_STREET": "1 Main St\nSuite 5", "ADDRESS_CITY": "Springfield",
            "ADDRESS_STATE": null, "ADDRESS_POSTCODE": "00000", "ADDRESS_COUNTRY": "United States",
            "CONVERTED_CONTACT_ID": 11, "CONVERTED_ORGANISATION_ID": null,
            "CONVERTED_DATE_UTC": "2025-04-18 00:00:01", "DATE_CREATED_UTC": "2025-04-17 20:37:27",
            "DATE_UPDATED_UTC": "2025-04-17T20:40:00Z", "LAST_ACTIVITY_DATE_UTC": null,
            "LEAD_SOURCE_ID": 3,
            "CUSTOMFIELDS": [{"FIELD_NAME": "Score__c", "FIELD_VALUE": 1.10, "CUSTOM_FIELD_ID": "Score__c"},
                             {"FIELD_NAME": "Tags__c", "FIELD_VALUE": "a;b"}]
        }"#)
        .unwrap();
        assert_eq!(
            serde_json::to_value(&lead).unwrap(),
            json!({
                "id": "9000000000000000123", "owner": {"id": "42"}, "title": "Buyer",
                "contact": {"id": "11"}, "account": null,
                "first_name": "Ada", "last_name": "Example",
                "addresses": [{"street_1": "1 Main St", "street_2": "Suite 5", "city": "Springfield",
                               "state": null, "postal_code": "00000", "country": "United States",
                               "type": null}],
                "email_addresses": [{"email": "ada@example.com", "type": "primary"}],
                "phone_numbers": [{"number": "555-0100", "extension": null, "type": "work"},
                                  {"number": "555-0102", "extension": null, "type": "fax"}],
                "last_activity_at": null,
                "created_at": "2025-04-17T20:37:27.000Z",
                "updated_at": "2025-04-17T20:40:00.000Z",
                "converted_at": "2025-04-18T00:00:01.000Z",
                "converted_contact": "11", "converted_account": null,
                "custom_fields": {"Score__c": 1.10, "Tags__c": "a;b"}
            })
        );
        let text = serde_json::to_string(&lead.custom_fields).unwrap();
        assert!(
            text.contains("1.10"),
            "custom values are kept exactly: {text}"
        );
    }

    #[test]
    fn empty_values_give_nulls_and_empty_lists() {
        let lead =
            map(r#"{"LEAD_ID": 5, "EMAIL": "", "ADDRESS_STREET": " ", "LAST_NAME": "X"}"#).unwrap();
        assert_eq!(lead.addresses, Some(vec![]));
        assert_eq!(lead.email_addresses, Some(vec![]));
        assert_eq!(lead.phone_numbers, Some(vec![]));
        assert_eq!(lead.owner, Field::Null);
        assert_eq!(lead.created_at, Field::Null);
    }

    #[test]
    fn custom_fields_only_when_asked() {
        let raw = RawValue::from_string(
            r#"{"LEAD_ID": 5, "CUSTOMFIELDS": [{"FIELD_NAME": "A__c", "FIELD_VALUE": 1}]}"#.into(),
        )
        .unwrap();
        assert!(map_lead(&raw, &MapOptions::default())
            .unwrap()
            .custom_fields
            .is_none());
    }

    #[test]
    fn times() {
        let t = |s| parse_time(Some(s)).unwrap().map(|t| t.0.to_rfc3339());
        assert_eq!(
            t("2025-04-17 20:37:27").unwrap(),
            "2025-04-17T20:37:27+00:00"
        );
        assert_eq!(
            t("2025-04-17T20:37:27+02:00").unwrap(),
            "2025-04-17T18:37:27+00:00"
        );
        assert_eq!(t(""), None);
        for bad in [
            "2025-02-30 00:00:00",
            "2025-04-17 24:00:00",
            "17/04/2025",
            "2025-04-17 20:37",
        ] {
            assert!(parse_time(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn misfits_name_record_and_field() {
        let cases = [
            (r#"{"LEAD_ID": 1.5}"#, None, "LEAD_ID"),
            (r#"{"FIRST_NAME": "no id"}"#, None, "record"),
            (
                r#"{"LEAD_ID": 3, "OWNER_USER_ID": "x"}"#,
                Some("3"),
                "OWNER_USER_ID",
            ),
            (
                r#"{"LEAD_ID": 3, "DATE_CREATED_UTC": "yesterday"}"#,
                Some("3"),
                "DATE_CREATED_UTC",
            ),
            (r#"{"LEAD_ID": 3, "EMAIL": ["a"]}"#, Some("3"), "record"),
            (r#"{"LEAD_ID": 3, "CUSTOMFIELDS": {}}"#, Some("3"), "record"),
            (r#"[1]"#, None, "record"),
        ];
        for (input, id, field) in cases {
            let err = map(input).unwrap_err();
            assert_eq!(err.record_id.as_deref(), id, "{input}");
            assert_eq!(err.field, field, "{input}: {err}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in ".{0,200}") {
            if let Ok(raw) = RawValue::from_string(input) {
                let _ = map_lead(&raw, &MapOptions::default());
            }
        }

        #[test]
        fn integer_ids_survive_exactly(id in proptest::num::i64::ANY) {
            let lead = map(&format!(r#"{{"LEAD_ID": {id}}}"#)).unwrap();
            proptest::prop_assert_eq!(lead.id, id.to_string());
        }
    }
}
