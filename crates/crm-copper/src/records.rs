//! Copper's wire types, borrowed from the page's bytes. A lead is read like every connector's
//! record ([`crm_core::json::read_record`]), its nested address, e-mail and phones the same way;
//! unknown keys are ignored (Copper adds keys over time). Values stay raw JSON text, read by
//! [`crate::mapping`], which names the field when one does not fit.

use crm_core::json::{self, JsonText, Record, RecordError};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Reads one lead search body: a bare JSON array of leads, each kept as raw JSON. The connector
/// reads every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    serde_json::from_slice(body)
}

pub use crm_core::text::Text;

/// One lead of a search page: only the keys the mapping reads, each the raw JSON text of its
/// value (borrowed from the record), read by [`crate::mapping`], which names the field when one
/// does not fit. Numbers that must stay exact (ids, Unix times) keep their digits.
#[derive(Debug, Default)]
pub struct LeadRecord<'a> {
    /// An integer (or a string of digits).
    pub id: Option<JsonText<'a>>,
    /// A user id (integer) or `null`.
    pub assignee_id: Option<JsonText<'a>>,
    pub title: Option<JsonText<'a>>,
    pub first_name: Option<JsonText<'a>>,
    pub last_name: Option<JsonText<'a>>,
    /// One address object ([`AddressRecord`]), or `null`.
    pub address: Option<JsonText<'a>>,
    /// One e-mail object ([`EmailRecord`]), or `null`.
    pub email: Option<JsonText<'a>>,
    /// An array of phone objects ([`PhoneRecord`]), or `null`.
    pub phone_numbers: Option<JsonText<'a>>,
    /// Unix seconds, or `null`.
    pub date_created: Option<JsonText<'a>>,
    /// Unix seconds, or `null`.
    pub date_modified: Option<JsonText<'a>>,
}

impl<'a> LeadRecord<'a> {
    /// Reads one record of the page ([`json::read_record`]). Fails when the record is not an
    /// object or repeats a field it reads.
    pub fn read(record: &'a RawValue) -> Result<LeadRecord<'a>, RecordError> {
        json::read_record(JsonText::of(record), LeadRecord::default())
    }
}

impl<'a> Record<'a> for LeadRecord<'a> {
    #[inline]
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
        Some(match key {
            "id" => &mut self.id,
            "assignee_id" => &mut self.assignee_id,
            "title" => &mut self.title,
            "first_name" => &mut self.first_name,
            "last_name" => &mut self.last_name,
            "address" => &mut self.address,
            "email" => &mut self.email,
            "phone_numbers" => &mut self.phone_numbers,
            "date_created" => &mut self.date_created,
            "date_modified" => &mut self.date_modified,
            _ => return None,
        })
    }
}

#[derive(Debug, Default)]
pub struct AddressRecord<'a> {
    /// May hold several lines separated by newlines.
    pub street: Option<JsonText<'a>>,
    pub city: Option<JsonText<'a>>,
    pub state: Option<JsonText<'a>>,
    pub postal_code: Option<JsonText<'a>>,
    pub country: Option<JsonText<'a>>,
}

impl<'a> AddressRecord<'a> {
    /// The address object in `value` (the `address` of a [`LeadRecord`]).
    pub fn read(value: JsonText<'a>) -> Result<AddressRecord<'a>, RecordError> {
        json::read_record(value, AddressRecord::default())
    }
}

impl<'a> Record<'a> for AddressRecord<'a> {
    #[inline]
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
        Some(match key {
            "street" => &mut self.street,
            "city" => &mut self.city,
            "state" => &mut self.state,
            "postal_code" => &mut self.postal_code,
            "country" => &mut self.country,
            _ => return None,
        })
    }
}

#[derive(Debug, Default)]
pub struct EmailRecord<'a> {
    pub email: Option<JsonText<'a>>,
    pub category: Option<JsonText<'a>>,
}

impl<'a> EmailRecord<'a> {
    /// The e-mail object in `value` (the `email` of a [`LeadRecord`]).
    pub fn read(value: JsonText<'a>) -> Result<EmailRecord<'a>, RecordError> {
        json::read_record(value, EmailRecord::default())
    }
}

impl<'a> Record<'a> for EmailRecord<'a> {
    #[inline]
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
        Some(match key {
            "email" => &mut self.email,
            "category" => &mut self.category,
            _ => return None,
        })
    }
}

#[derive(Debug, Default)]
pub struct PhoneRecord<'a> {
    pub number: Option<JsonText<'a>>,
    pub category: Option<JsonText<'a>>,
}

impl<'a> PhoneRecord<'a> {
    /// One phone object of the `phone_numbers` array of a [`LeadRecord`].
    pub fn read(value: JsonText<'a>) -> Result<PhoneRecord<'a>, RecordError> {
        json::read_record(value, PhoneRecord::default())
    }
}

impl<'a> Record<'a> for PhoneRecord<'a> {
    #[inline]
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
        Some(match key {
            "number" => &mut self.number,
            "category" => &mut self.category,
            _ => return None,
        })
    }
}

/// Copper's error body: `{"success": false, "status": 404, "message": "Resource not found"}`.
/// Every key is optional: the classifier must cope with any body.
#[derive(Debug, Deserialize)]
pub struct ErrorBody<'a> {
    #[serde(borrow, default)]
    pub message: Option<Text<'a>>,
    /// Some gateways answer `{"error": "..."}` instead.
    #[serde(borrow, default)]
    pub error: Option<Text<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    #[test]
    fn text_borrows_when_it_can() {
        let json = raw(r#"{"id": 1, "title": "Plain", "first_name": "Zo\u00eb"}"#);
        let record = LeadRecord::read(&json).unwrap();
        assert!(matches!(
            json::optional_str(record.title),
            Ok(Some(Cow::Borrowed("Plain")))
        ));
        let first = json::optional_str(record.first_name).unwrap().unwrap();
        assert_eq!(first, "Zoë");
        assert!(matches!(first, Cow::Owned(_)));
    }

    #[test]
    fn nulls_are_kept_and_missing_keys_are_none() {
        let json = raw(r#"{"id": 7, "address": null, "email": null, "assignee_id": null}"#);
        let record = LeadRecord::read(&json).unwrap();
        // `null` stays a value: the mapping tells `"id": null` from no id.
        assert!(record.address.is_some_and(JsonText::is_null));
        assert!(record.email.is_some_and(JsonText::is_null));
        assert!(record.assignee_id.is_some_and(JsonText::is_null));
        assert!(record.phone_numbers.is_none());
        assert!(record.date_created.is_none());
    }

    #[test]
    fn nested_objects_are_read_the_same_way() {
        let json = raw(
            r#"{"id": 1, "address": {"city": "S\u00e3o Paulo", "x": 1}, "phone_numbers": [{"number": "1", "category": null}]}"#,
        );
        let record = LeadRecord::read(&json).unwrap();
        let address = AddressRecord::read(record.address.unwrap()).unwrap();
        assert_eq!(
            json::optional_str(address.city).unwrap().unwrap(),
            "São Paulo"
        );
        let phones: Vec<_> = json::elements(record.phone_numbers.unwrap())
            .unwrap()
            .map(|p| PhoneRecord::read(p).unwrap())
            .collect();
        assert_eq!(phones[0].number.unwrap().get(), "\"1\"");
        assert!(EmailRecord::read(JsonText::of(&raw("\"a@example.com\""))).is_err());
        assert!(AddressRecord::read(JsonText::of(&raw(r#"{"city":"a","city":"b"}"#))).is_err());
    }
}
