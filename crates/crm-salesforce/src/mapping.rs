//! Salesforce Lead record -> unified [`Lead`]. Pure: no I/O, unit-tested below.

use crate::records::LeadRecord;
use crm_core::json::{self, JsonText};
use crm_core::text::{non_blank, shorten_to};
use crm_core::time::parse_optional;
use crm_core::{
    Address, CustomFields, EmailAddress, Field, Lead, MapError, MapOptions, PhoneNumber, Ref,
    Timestamp,
};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The phone fields of a Lead and the type each gets in `phone_numbers`.
const PHONE_TYPES: [&str; 3] = ["work", "mobile", "fax"];

/// Maps one raw Lead record. A record that is not an object, has no `Id`, or holds a value of the
/// wrong type fails with the record id and field named (the page fails; nothing is dropped).
pub fn map_record(raw: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
    let record = LeadRecord::read(raw, options.include_custom_fields)
        .map_err(|e| MapError::new(None, "record", format!("not a Salesforce Lead record: {e}")))?;
    let id = string(None, "Id", record.id)?;
    let id = id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| MapError::new(None, "Id", "the record has no Id"))?;
    let rid = Some(id);
    // Every value's type is checked, in the order the query selects (and Salesforce sends) the
    // fields, before any date is parsed: the first misfit in the record is the one reported.
    let owner_id = string(rid, "OwnerId", record.owner_id)?;
    let first_name = string(rid, "FirstName", record.first_name)?;
    let last_name = string(rid, "LastName", record.last_name)?;
    let title = string(rid, "Title", record.title)?;
    let lead_source = string(rid, "LeadSource", record.lead_source)?;
    let street = string(rid, "Street", record.street)?;
    let city = string(rid, "City", record.city)?;
    let state = string(rid, "State", record.state)?;
    let postal_code = string(rid, "PostalCode", record.postal_code)?;
    let country = string(rid, "Country", record.country)?;
    let email = string(rid, "Email", record.email)?;
    let phones = [
        string(rid, "Phone", record.phone)?,
        string(rid, "MobilePhone", record.mobile_phone)?,
        string(rid, "Fax", record.fax)?,
    ];
    let converted_date = string(rid, "ConvertedDate", record.converted_date)?;
    let converted_account_id = string(rid, "ConvertedAccountId", record.converted_account_id)?;
    let converted_contact_id = string(rid, "ConvertedContactId", record.converted_contact_id)?;
    let created_date = string(rid, "CreatedDate", record.created_date)?;
    let last_modified_date = string(rid, "LastModifiedDate", record.last_modified_date)?;
    let time = |field: &str, value: Option<Cow<'_, str>>| -> Result<Field<Timestamp>, MapError> {
        parse_optional(value.as_deref())
            .map(Field::from_option)
            .map_err(|e| MapError::new(rid, field, e))
    };

    let mut lead = Lead::new(id);
    lead.owner = Ref::field(non_blank(owner_id.as_deref()));
    lead.lead_source = Field::text(lead_source.as_deref());
    lead.title = Field::text(title.as_deref());
    // A Lead references an Account only once converted (ConvertedAccountId); see the crate doc.
    lead.account = Ref::field(non_blank(converted_account_id.as_deref()));
    lead.first_name = Field::text(first_name.as_deref());
    lead.last_name = Field::text(last_name.as_deref());
    let (street_1, street_2) = Address::split_street(street.as_deref());
    let address = Address {
        street_1,
        street_2,
        city: non_blank(city.as_deref()),
        state: non_blank(state.as_deref()),
        postal_code: non_blank(postal_code.as_deref()),
        country: non_blank(country.as_deref()),
        kind: None,
    };
    // Salesforce keeps one address per Lead; `Street` may hold several lines.
    lead.addresses = Some(if address.is_empty() {
        Vec::new()
    } else {
        vec![address]
    });
    lead.email_addresses = Some(
        non_blank(email.as_deref())
            .map(|email| EmailAddress { email, kind: None })
            .into_iter()
            .collect(),
    );
    lead.phone_numbers = Some(
        phones
            .iter()
            .zip(PHONE_TYPES)
            .filter_map(|(number, kind)| {
                non_blank(number.as_deref()).map(|number| PhoneNumber {
                    number,
                    extension: None,
                    kind: Some(kind.to_owned()),
                })
            })
            .collect(),
    );
    lead.created_at = time("CreatedDate", created_date)?;
    lead.updated_at = time("LastModifiedDate", last_modified_date)?;
    // A date (`2024-01-31`): midnight UTC.
    lead.converted_at = time("ConvertedDate", converted_date)?;
    lead.converted_contact = Field::text(converted_contact_id.as_deref());
    lead.converted_account = Field::text(converted_account_id.as_deref());
    if options.include_custom_fields {
        let custom = record
            .custom
            .iter()
            .map(|(name, value)| {
                // The value's exact text (it is valid JSON: it comes from the checked record).
                RawValue::from_string(value.get().to_owned())
                    .map(|raw| (name.to_string(), raw))
                    .map_err(|e| MapError::new(rid, name.as_ref(), e))
            })
            .collect::<Result<_, _>>()?;
        lead.custom_fields = Some(CustomFields(custom));
    }
    Ok(lead)
}

/// A field that must be a string or `null`; any other value fails naming the record and field.
#[inline]
fn string<'a>(
    id: Option<&str>,
    field: &str,
    value: Option<JsonText<'a>>,
) -> Result<Option<Cow<'a, str>>, MapError> {
    json::optional_str(value).map_err(|v| not_a_string(id, field, v))
}

#[cold]
fn not_a_string(id: Option<&str>, field: &str, value: JsonText<'_>) -> MapError {
    let got = shorten_to(value.get(), 60);
    MapError::new(id, field, format!("expected a string or null, got {got}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: &str, custom: bool) -> Result<Lead, MapError> {
        let raw = RawValue::from_string(json.to_owned()).unwrap();
        map_record(
            &raw,
            &MapOptions {
                include_custom_fields: custom,
            },
        )
    }

    #[test]
    fn maps_a_full_converted_lead() {
        let lead = map(
            r#"{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/00QFK00000Ld0001AA"},
                "Id":"00QFK00000Ld0001AA","OwnerId":"005FK00000Us0001AA","LeadSource":"Web","Title":"CTO",
                "FirstName":"Ada","LastName":"Example","Street":"1 Example Way\r\nSuite 5\n\nBuilding B",
                "City":"Springfield","State":"CA","PostalCode":"94000","Country":"USA",
                "Email":"ada@example.com","Phone":"(415) 555-0100","MobilePhone":" ","Fax":"415-555-0199",
                "CreatedDate":"2024-01-05T10:15:00.000+0000","LastModifiedDate":"2024-02-01T08:00:00.000+0000",
                "ConvertedDate":"2024-02-01","ConvertedContactId":"003FK00000Co0001AA",
                "ConvertedAccountId":"001FK00000Ac0001AA","Rating__c":"Hot"}"#,
            false,
        )
        .unwrap();
        let json = serde_json::to_value(&lead).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "00QFK00000Ld0001AA",
                "owner": {"id": "005FK00000Us0001AA"},
                "lead_source": "Web",
                "title": "CTO",
                "account": {"id": "001FK00000Ac0001AA"},
                "first_name": "Ada",
                "last_name": "Example",
                "addresses": [{
                    "street_1": "1 Example Way", "street_2": "Suite 5, Building B",
                    "city": "Springfield", "state": "CA", "postal_code": "94000",
                    "country": "USA", "type": null
                }],
                "email_addresses": [{"email": "ada@example.com", "type": null}],
                "phone_numbers": [
                    {"number": "(415) 555-0100", "extension": null, "type": "work"},
                    {"number": "415-555-0199", "extension": null, "type": "fax"}
                ],
                "created_at": "2024-01-05T10:15:00.000Z",
                "updated_at": "2024-02-01T08:00:00.000Z",
                "converted_at": "2024-02-01T00:00:00.000Z",
                "converted_contact": "003FK00000Co0001AA",
                "converted_account": "001FK00000Ac0001AA"
            })
        );
    }

    #[test]
    fn empty_lead_has_nulls_and_empty_lists() {
        let lead = map(r#"{"Id":"00QFK00000Ld0002AA","Street":" \n "}"#, true).unwrap();
        let json = serde_json::to_value(&lead).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "00QFK00000Ld0002AA",
                "owner": null, "lead_source": null, "title": null, "account": null,
                "first_name": null, "last_name": null,
                "addresses": [], "email_addresses": [], "phone_numbers": [],
                "created_at": null, "updated_at": null, "converted_at": null,
                "converted_contact": null, "converted_account": null,
                "custom_fields": {}
            })
        );
    }

    #[test]
    fn custom_fields_keep_raw_values_in_record_order() {
        let lead = map(
            r#"{"Id":"00QFK00000Ld0003AA","Zeta__c":12345678901234567890,"Alpha__c":{"a":1.10},"Name":"x","ns__Flag__c":null}"#,
            true,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&lead.custom_fields).unwrap(),
            r#"{"Zeta__c":12345678901234567890,"Alpha__c":{"a":1.10},"ns__Flag__c":null}"#
        );
    }

    #[test]
    fn bad_records_name_the_problem() {
        let err = map(r#"{"Name":"no id"}"#, false).unwrap_err();
        assert_eq!(err.field, "Id");
        let err = map(
            r#"{"Id":"00QFK00000Ld0004AA","CreatedDate":"yesterday"}"#,
            false,
        )
        .unwrap_err();
        assert_eq!(err.record_id.as_deref(), Some("00QFK00000Ld0004AA"));
        assert_eq!(err.field, "CreatedDate");
        let err = map(r#"{"Id":"00QFK00000Ld0004AA","Email":["a"]}"#, false).unwrap_err();
        assert_eq!(err.field, "Email");
        let err = map(r#"[1]"#, false).unwrap_err();
        assert_eq!(err.field, "record");
    }

    #[test]
    fn street_lines() {
        assert_eq!(Address::split_street(None), (None, None));
        assert_eq!(
            Address::split_street(Some("One")),
            (Some("One".into()), None)
        );
        assert_eq!(
            Address::split_street(Some("\nOne\r\nTwo\rThree\n")),
            (Some("One".into()), Some("Two, Three".into()))
        );
    }
}
