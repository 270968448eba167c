//! One Zendesk Sell lead (`items[]` entry) -> the unified [`Lead`]. Pure: no I/O.
//!
//! The lead source name and the conversion fields come from other endpoints and are filled for
//! the whole page by [`crate::connector::ZendeskSellConnector`]'s enrichment; this module maps
//! what the lead record itself holds.

use crate::records::{custom_field_entries, IdText, RawAddress, RawItem, Text};
use crm_core::time::parse_datetime;
use crm_core::{
    Address, CustomFields, EmailAddress, Field, Lead, MapError, MapOptions, PhoneNumber, Ref,
    Timestamp,
};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

/// The `type` given to the lead's one e-mail address.
pub const EMAIL_KIND: &str = "primary";

/// Maps a raw `{data, meta}` item. A record that does not fit (no `data`, no id, an id of the
/// wrong type, a date that is not a date) is an error naming the record and field.
pub fn map_lead(record: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
    let item: RawItem<'_> = serde_json::from_str(record.get()).map_err(|e| diagnose(record, &e))?;
    let raw = item.data;
    let id = raw
        .id
        .as_ref()
        .map(|id| id.0.trim())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| MapError::new(None, "data.id", "the lead has no id"))?;

    let mut lead = Lead::new(id);
    lead.owner = reference(raw.owner_id.as_ref());
    lead.title = Field::text(raw.title.as_ref().map(Text::as_str));
    lead.first_name = Field::text(raw.first_name.as_ref().map(Text::as_str));
    lead.last_name = Field::text(raw.last_name.as_ref().map(Text::as_str));
    lead.addresses = Some(raw.address.as_ref().and_then(address).into_iter().collect());
    lead.email_addresses = Some(
        text(&raw.email)
            .map(|email| EmailAddress {
                email,
                kind: Some(EMAIL_KIND.to_owned()),
            })
            .into_iter()
            .collect(),
    );
    lead.phone_numbers = Some(
        [
            (&raw.phone, "work"),
            (&raw.mobile, "mobile"),
            (&raw.fax, "fax"),
        ]
        .into_iter()
        .filter_map(|(value, kind)| {
            text(value).map(|number| PhoneNumber {
                number,
                extension: None,
                kind: Some(kind.to_owned()),
            })
        })
        .collect(),
    );
    lead.created_at = time(id, "data.created_at", raw.created_at.as_ref())?;
    lead.updated_at = time(id, "data.updated_at", raw.updated_at.as_ref())?;
    if options.include_custom_fields {
        let entries = match raw.custom_fields {
            None => None,
            Some(raw) => custom_field_entries(raw).map_err(|e| {
                MapError::new(
                    Some(id),
                    "data.custom_fields",
                    format!("unexpected value ({e})"),
                )
            })?,
        };
        lead.custom_fields = Some(CustomFields(entries.unwrap_or_default()));
    }
    Ok(lead)
}

fn text(value: &Option<Text<'_>>) -> Option<String> {
    value
        .as_ref()
        .map(|t| crm_core::text::trim(t.as_str()))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn reference(id: Option<&IdText<'_>>) -> Field<Ref> {
    Ref::field(
        id.map(|id| id.0.trim())
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
    )
}

/// `line1` (split on line breaks by the shared rule), city, state, postal code, country (free
/// text, as written). An address without any value is no address.
fn address(raw: &RawAddress<'_>) -> Option<Address> {
    let (street_1, street_2) = Address::split_street(raw.line1.as_ref().map(Text::as_str));
    let address = Address {
        street_1,
        street_2,
        city: text(&raw.city),
        state: text(&raw.state),
        postal_code: text(&raw.postal_code),
        country: text(&raw.country),
        kind: None,
    };
    (!address.is_empty()).then_some(address)
}

pub(crate) fn time(
    id: &str,
    field: &str,
    value: Option<&Text<'_>>,
) -> Result<Field<Timestamp>, MapError> {
    match value.map(|v| v.as_str().trim()).filter(|v| !v.is_empty()) {
        None => Ok(Field::Null),
        Some(v) => parse_datetime(v)
            .map(Field::Value)
            .map_err(|e| MapError::new(Some(id), field, e)),
    }
}

/// Finds which field made a record unreadable (serde_json's errors name no field). Runs only on
/// the error path, so it may parse the record again.
fn diagnose(record: &RawValue, error: &serde_json::Error) -> MapError {
    type Object<'a> = HashMap<Cow<'a, str>, &'a RawValue>;
    let Ok(item) = serde_json::from_str::<Object<'_>>(record.get()) else {
        return MapError::new(None, "<record>", "the item is not a JSON object");
    };
    let Some(data) = item.get("data") else {
        return MapError::new(None, "data", "the item has no `data` object");
    };
    let Ok(fields) = serde_json::from_str::<Object<'_>>(data.get()) else {
        return MapError::new(None, "data", "`data` is not a JSON object");
    };
    let record_id = fields
        .get("id")
        .and_then(|v| serde_json::from_str::<IdText<'_>>(v.get()).ok())
        .map(|id| id.0.into_owned());
    let record_id = record_id.as_deref();
    for name in ["id", "owner_id", "source_id"] {
        if let Some(Err(e)) = fields
            .get(name)
            .map(|v| serde_json::from_str::<Option<IdText<'_>>>(v.get()))
        {
            return MapError::new(
                record_id,
                format!("data.{name}"),
                format!("unexpected value ({e})"),
            );
        }
    }
    for name in [
        "first_name",
        "last_name",
        "title",
        "email",
        "phone",
        "mobile",
        "fax",
        "created_at",
        "updated_at",
    ] {
        if let Some(Err(e)) = fields
            .get(name)
            .map(|v| serde_json::from_str::<Option<Text<'_>>>(v.get()))
        {
            return MapError::new(
                record_id,
                format!("data.{name}"),
                format!("unexpected value ({e})"),
            );
        }
    }
    if let Some(Err(e)) = fields
        .get("address")
        .map(|v| serde_json::from_str::<Option<RawAddress<'_>>>(v.get()))
    {
        return MapError::new(record_id, "data.address", format!("unexpected value ({e})"));
    }
    MapError::new(
        record_id,
        "<record>",
        format!("not a Zendesk Sell lead ({error})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_with(json: &str, custom: bool) -> Result<Lead, MapError> {
        let raw = RawValue::from_string(json.to_owned()).unwrap();
        map_lead(
            &raw,
            &MapOptions {
                include_custom_fields: custom,
            },
        )
    }

    fn map(json: &str) -> Result<Lead, MapError> {
        map_with(json, false)
    }

    #[test]
    fn maps_the_record_fields() {
        let lead = map_with(
            r#"{"data":{"id":1001,"creator_id":9,"owner_id":42,"first_name":" Zoë ","last_name":"O'Brien",
                "organization_name":"Acme","title":"CTO","email":"zoe@example.com","phone":"+1 555 0100",
                "mobile":"+1 555 0101","fax":" ","address":{"line1":"1 Main St\nSuite 5","city":"Springfield",
                "postal_code":"12345","state":"IL","country":"United States"},"source_id":7,
                "custom_fields":{"Tier":"gold","Score":12},"created_at":"2014-08-27T16:32:56Z",
                "updated_at":"2014-08-28T16:32:56Z"},"meta":{"type":"lead","version":3}}"#,
            true,
        )
        .unwrap();
        let json = serde_json::to_value(&lead).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "1001", "owner": {"id": "42"}, "title": "CTO",
                "first_name": "Zoë", "last_name": "O'Brien",
                "addresses": [{"street_1": "1 Main St", "street_2": "Suite 5", "city": "Springfield",
                    "state": "IL", "postal_code": "12345", "country": "United States", "type": null}],
                "email_addresses": [{"email": "zoe@example.com", "type": "primary"}],
                "phone_numbers": [{"number": "+1 555 0100", "extension": null, "type": "work"},
                    {"number": "+1 555 0101", "extension": null, "type": "mobile"}],
                "created_at": "2014-08-27T16:32:56.000Z", "updated_at": "2014-08-28T16:32:56.000Z",
                "custom_fields": {"Tier": "gold", "Score": 12}
            })
        );
    }

    #[test]
    fn empty_values_are_null_or_empty_lists() {
        let lead =
            map(r#"{"data":{"id":"5","address":{"city":" "},"email":null,"custom_fields":null}}"#)
                .unwrap();
        let json = serde_json::to_string(&lead).unwrap();
        assert_eq!(
            json,
            r#"{"id":"5","owner":null,"title":null,"first_name":null,"last_name":null,"addresses":[],"email_addresses":[],"phone_numbers":[],"created_at":null,"updated_at":null}"#
        );
        let custom = map_with(r#"{"data":{"id":5}}"#, true).unwrap();
        assert_eq!(custom.custom_fields.unwrap().0.len(), 0);
    }

    #[test]
    fn misfits_name_record_and_field() {
        let err = map(r#"{"data":{"title":"x"}}"#).unwrap_err();
        assert_eq!(err.field, "data.id");
        let err = map(r#"{"id":1}"#).unwrap_err();
        assert_eq!(err.field, "data");
        let err = map(r#"{"data":{"id":1,"created_at":"yesterday"}}"#).unwrap_err();
        assert_eq!(
            (err.record_id.as_deref(), err.field.as_str()),
            (Some("1"), "data.created_at")
        );
        let err = map(r#"{"data":{"id":1,"owner_id":1.5}}"#).unwrap_err();
        assert_eq!(err.field, "data.owner_id");
        let err = map(r#"{"data":{"id":1,"address":[1]}}"#).unwrap_err();
        assert_eq!(err.field, "data.address");
        let err = map_with(r#"{"data":{"id":1,"custom_fields":[1]}}"#, true).unwrap_err();
        assert_eq!(err.field, "data.custom_fields");
        assert!(map("[1]").is_err());
        assert!(map("null").is_err());
    }

    #[test]
    fn big_ids_keep_every_digit() {
        let lead =
            map(r#"{"data":{"id":9223372036854775807,"owner_id":18446744073709551615}}"#).unwrap();
        assert_eq!(lead.id, "9223372036854775807");
        assert_eq!(lead.owner.as_option().unwrap().id, "18446744073709551615");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_input_never_panics(input in ".{0,200}") {
            if let Ok(raw) = RawValue::from_string(input) {
                let _ = map_lead(&raw, &MapOptions { include_custom_fields: true });
            }
        }
    }
}
