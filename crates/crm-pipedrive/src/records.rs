//! Pipedrive's JSON, as serde types: the list envelope, one lead, and the error body.
//!
//! Unknown fields are ignored everywhere (Pipedrive adds fields, and custom fields appear as
//! 40-hex-character keys). Records stay raw ([`RawValue`]) in the envelope so the page is parsed
//! once; a record is then read like every connector's ([`crm_core::json::read_record`]) into
//! [`LeadRecord`], which borrows from the same bytes.

use crm_core::json::{self, JsonText, Members, Record, RecordError};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// `{success, data, additional_data}` of `GET /v1/leads`.
#[derive(Debug, Deserialize)]
pub struct LeadsEnvelope {
    #[serde(default)]
    pub success: Option<bool>,
    /// `null` (or missing) on an empty page.
    #[serde(default)]
    pub data: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub additional_data: Option<AdditionalData>,
}

/// Reads one `GET /v1/leads` body: the envelope once, each record kept as raw JSON. The connector
/// reads every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<LeadsEnvelope> {
    serde_json::from_slice(body)
}

/// Paging figures. The OpenAPI spec puts them directly in `additional_data`; other v1 lists and
/// some recordings nest them under `additional_data.pagination` and add `next_start`.
#[derive(Debug, Default, Deserialize)]
pub struct AdditionalData {
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(flatten)]
    pub flat: Pagination,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Pagination {
    #[serde(default)]
    pub start: Option<u64>,
    #[serde(default)]
    pub limit: Option<u64>,
    #[serde(default)]
    pub more_items_in_collection: Option<bool>,
    #[serde(default)]
    pub next_start: Option<u64>,
}

impl AdditionalData {
    /// The nested block when Pipedrive sent one, else the flat fields.
    pub fn pagination(&self) -> Pagination {
        self.pagination.unwrap_or(self.flat)
    }
}

/// The fields of a lead the mapping reads, each the raw JSON text of its value (borrowed from the
/// record): the mapping reads each one and names the field when its value has the wrong type.
/// Everything else stays in `remote_data` only.
#[derive(Debug, Default)]
pub struct LeadRecord<'a> {
    pub id: Option<JsonText<'a>>,
    pub title: Option<JsonText<'a>>,
    pub owner_id: Option<JsonText<'a>>,
    pub person_id: Option<JsonText<'a>>,
    pub organization_id: Option<JsonText<'a>>,
    pub source_name: Option<JsonText<'a>>,
    pub add_time: Option<JsonText<'a>>,
    pub update_time: Option<JsonText<'a>>,
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
            "title" => &mut self.title,
            "owner_id" => &mut self.owner_id,
            "person_id" => &mut self.person_id,
            "organization_id" => &mut self.organization_id,
            "source_name" => &mut self.source_name,
            "add_time" => &mut self.add_time,
            "update_time" => &mut self.update_time,
            _ => return None,
        })
    }
}

/// An id as text, read without going through a float: an integer (`1092`) that fits 64 bits, a
/// string (a lead's UUID), or an object with an `id` (the expanded form other v1 endpoints use
/// for users; the first `id` counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdText<'a>(pub Cow<'a, str>);

impl<'a> IdText<'a> {
    /// What an id may be, for messages.
    pub const EXPECTED: &'static str = "an integer id, a string id or an object with an `id`";

    /// The id in `value`; the innermost value that is no id when it is not one.
    pub fn read(mut value: JsonText<'a>) -> Result<IdText<'a>, JsonText<'a>> {
        loop {
            if let Some(digits) = value.integer() {
                // What serde_json reads as an integer: `-0` and wider numbers become floats.
                let fits = match digits.strip_prefix('-') {
                    Some(_) => digits != "-0" && digits.parse::<i64>().is_ok(),
                    None => digits.parse::<u64>().is_ok(),
                };
                return if fits {
                    Ok(IdText(Cow::Borrowed(digits)))
                } else {
                    Err(value)
                };
            }
            if let Some(text) = value.as_str() {
                return Ok(IdText(text));
            }
            let mut members = Members::of(value).ok_or(value)?;
            value = members.find(|(key, _)| key == "id").ok_or(value)?.1;
        }
    }

    /// [`IdText::read`] of a member that may be absent or `null`.
    pub fn read_optional(value: Option<JsonText<'a>>) -> Result<Option<IdText<'a>>, JsonText<'a>> {
        value.filter(|v| !v.is_null()).map(IdText::read).transpose()
    }
}

/// The same rule inside serde-read bodies (persons, error bodies), which borrow from their bytes.
impl<'de: 'a, 'a> Deserialize<'de> for IdText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        IdText::read(JsonText::of(raw)).map_err(|v| {
            de::Error::custom(format_args!(
                "expected {}, found {}",
                IdText::EXPECTED,
                v.kind()
            ))
        })
    }
}

pub use crm_core::text::Text;

/// `{success:false, error, error_info, errorCode}`: Pipedrive's error body.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody<'a> {
    #[serde(default, borrow)]
    pub error: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub error_info: Option<Cow<'a, str>>,
    #[serde(default, borrow, rename = "errorCode")]
    pub error_code: Option<IdText<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_pagination_shapes() {
        let flat: LeadsEnvelope = serde_json::from_str(
            r#"{"success":true,"data":[],"additional_data":{"start":0,"limit":2,"more_items_in_collection":true}}"#,
        )
        .unwrap();
        let p = flat.additional_data.unwrap().pagination();
        assert_eq!(
            (p.start, p.limit, p.more_items_in_collection, p.next_start),
            (Some(0), Some(2), Some(true), None)
        );

        let nested: LeadsEnvelope = serde_json::from_str(
            r#"{"success":true,"data":null,"additional_data":{"pagination":{"start":2,"limit":2,"more_items_in_collection":false,"next_start":4}}}"#,
        )
        .unwrap();
        assert!(nested.data.is_none());
        let p = nested.additional_data.unwrap().pagination();
        assert_eq!(
            (p.start, p.more_items_in_collection, p.next_start),
            (Some(2), Some(false), Some(4))
        );

        let bare: LeadsEnvelope =
            serde_json::from_str(r#"{"success":true,"data":[{"id":"x"}],"additional_data":null}"#)
                .unwrap();
        assert!(bare.additional_data.is_none());
    }

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    fn id(value: Option<JsonText<'_>>) -> Result<Option<Cow<'_, str>>, JsonText<'_>> {
        IdText::read_optional(value).map(|id| id.map(|id| id.0))
    }

    #[test]
    fn ids_of_every_shape_stay_exact() {
        let json = raw(
            r#"{"id":"adf2-\u0041","owner_id":18446744073709551615,"person_id":-5,"organization_id":{"name":"x","id":77,"id2":1}}"#,
        );
        let lead = LeadRecord::read(&json).unwrap();
        assert_eq!(id(lead.id).unwrap().unwrap(), "adf2-A");
        assert_eq!(id(lead.owner_id).unwrap().unwrap(), "18446744073709551615");
        assert_eq!(id(lead.person_id).unwrap().unwrap(), "-5");
        assert_eq!(id(lead.organization_id).unwrap().unwrap(), "77");
        let nested = raw(r#"{"id":{"id":{"id":9},"id":"ignored"}}"#);
        let lead = LeadRecord::read(&nested).unwrap();
        assert_eq!(id(lead.id).unwrap().unwrap(), "9");
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let json = raw(r#"{"id":"a","title":"plain","source_name":"with \"quote\""}"#);
        let lead = LeadRecord::read(&json).unwrap();
        assert!(matches!(
            json::optional_str(lead.title),
            Ok(Some(Cow::Borrowed("plain")))
        ));
        assert_eq!(
            json::optional_str(lead.source_name).unwrap().unwrap(),
            "with \"quote\""
        );
        assert!(matches!(id(lead.id), Ok(Some(Cow::Borrowed("a")))));
    }

    #[test]
    fn floats_and_other_shapes_are_not_ids() {
        for json in [
            r#"{"owner_id":1.5}"#,
            r#"{"owner_id":true}"#,
            r#"{"owner_id":[1]}"#,
            r#"{"owner_id":{"name":"x"}}"#,
            r#"{"owner_id":{"id":null}}"#,
            r#"{"owner_id":-0}"#,
            r#"{"owner_id":18446744073709551616}"#,
            r#"{"owner_id":-9223372036854775809}"#,
        ] {
            let json = raw(json);
            assert!(
                id(LeadRecord::read(&json).unwrap().owner_id).is_err(),
                "{json}"
            );
        }
        let min = raw(r#"{"owner_id":-9223372036854775808}"#);
        assert!(id(LeadRecord::read(&min).unwrap().owner_id).is_ok());
    }

    #[test]
    fn serde_bodies_read_ids_by_the_same_rule() {
        let body: ErrorBody<'_> = serde_json::from_str(r#"{"errorCode":{"id":404}}"#).unwrap();
        assert_eq!(body.error_code.unwrap().0, "404");
        assert!(serde_json::from_str::<ErrorBody<'_>>(r#"{"errorCode":1.5}"#).is_err());
        let body: ErrorBody<'_> = serde_json::from_str(r#"{"errorCode":null}"#).unwrap();
        assert!(body.error_code.is_none());
    }
}
