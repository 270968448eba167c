//! Zoho's JSON as it arrives: the list envelope and a lead record, borrowed from the page bytes.
//!
//! A record is read like every connector's ([`crm_core::json::read_record`]): its fields are kept
//! as raw JSON text and read one by one in [`crate::mapping`], so that a value of an unexpected
//! type is reported against its field name, and numbers (ids) keep their exact digits.

use crm_core::json::{self, JsonText, Record, RecordError};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// `GET /crm/{v}/Leads` answer: `{"data": [...], "info": {...}}`. An error object sent with a
/// 2xx status is recognised by `status: "error"`.
#[derive(Debug, Deserialize)]
pub struct Envelope<'a> {
    /// Each lead exactly as sent; `null` or absent counts as no records.
    #[serde(default)]
    pub data: Option<Vec<Box<RawValue>>>,
    #[serde(default, borrow)]
    pub info: Option<Info<'a>>,
    #[serde(default, borrow)]
    pub status: Option<Cow<'a, str>>,
}

/// Reads one `GET /crm/{v}/Leads` body: the envelope once, each record kept as raw JSON. The
/// connector reads every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<Envelope<'_>> {
    serde_json::from_slice(body)
}

/// The paging part of the envelope (other keys are ignored).
#[derive(Debug, Deserialize)]
pub struct Info<'a> {
    #[serde(default)]
    pub more_records: Option<bool>,
    #[serde(default, borrow)]
    pub next_page_token: Option<Cow<'a, str>>,
}

/// The lead fields the mapping reads (the same names the request's `fields` list asks for), each
/// the raw JSON text of its value, so a value of an unexpected type is reported against its field
/// name and numbers (ids) keep their exact digits.
#[derive(Debug, Default)]
#[allow(non_snake_case)]
pub struct LeadRecord<'a> {
    pub id: Option<JsonText<'a>>,
    pub Owner: Option<JsonText<'a>>,
    pub Lead_Source: Option<JsonText<'a>>,
    pub Designation: Option<JsonText<'a>>,
    pub First_Name: Option<JsonText<'a>>,
    pub Last_Name: Option<JsonText<'a>>,
    pub Street: Option<JsonText<'a>>,
    pub City: Option<JsonText<'a>>,
    pub State: Option<JsonText<'a>>,
    pub Zip_Code: Option<JsonText<'a>>,
    pub Country: Option<JsonText<'a>>,
    pub Email: Option<JsonText<'a>>,
    pub Secondary_Email: Option<JsonText<'a>>,
    pub Phone: Option<JsonText<'a>>,
    pub Mobile: Option<JsonText<'a>>,
    pub Fax: Option<JsonText<'a>>,
    pub Last_Activity_Time: Option<JsonText<'a>>,
    pub Created_Time: Option<JsonText<'a>>,
    pub Modified_Time: Option<JsonText<'a>>,
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
            "Owner" => &mut self.Owner,
            "Lead_Source" => &mut self.Lead_Source,
            "Designation" => &mut self.Designation,
            "First_Name" => &mut self.First_Name,
            "Last_Name" => &mut self.Last_Name,
            "Street" => &mut self.Street,
            "City" => &mut self.City,
            "State" => &mut self.State,
            "Zip_Code" => &mut self.Zip_Code,
            "Country" => &mut self.Country,
            "Email" => &mut self.Email,
            "Secondary_Email" => &mut self.Secondary_Email,
            "Phone" => &mut self.Phone,
            "Mobile" => &mut self.Mobile,
            "Fax" => &mut self.Fax,
            "Last_Activity_Time" => &mut self.Last_Activity_Time,
            "Created_Time" => &mut self.Created_Time,
            "Modified_Time" => &mut self.Modified_Time,
            _ => return None,
        })
    }
}

/// `Owner` is a lookup object `{name, id, email}`; only the id is read.
#[derive(Debug, Default)]
pub struct OwnerRef<'a> {
    pub id: Option<JsonText<'a>>,
}

impl<'a> OwnerRef<'a> {
    /// The lookup object in `value`; fails when `value` is not an object or repeats `id`.
    pub fn read(value: JsonText<'a>) -> Result<OwnerRef<'a>, RecordError> {
        json::read_record(value, OwnerRef::default())
    }
}

impl<'a> Record<'a> for OwnerRef<'a> {
    #[inline]
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
        (key == "id").then_some(&mut self.id)
    }
}

/// The API names the mapping reads, in the order the request lists them (Zoho always returns
/// `id`, so it is not listed). At most 50 names are allowed.
pub const FIELDS: &[&str] = &[
    "Owner",
    "Lead_Source",
    "Designation",
    "First_Name",
    "Last_Name",
    "Street",
    "City",
    "State",
    "Zip_Code",
    "Country",
    "Email",
    "Secondary_Email",
    "Phone",
    "Mobile",
    "Fax",
    "Last_Activity_Time",
    "Created_Time",
    "Modified_Time",
];

/// Zoho's cap on the `fields` list.
pub const MAX_FIELDS: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_fit_zohos_cap_and_match_the_record_type() {
        assert!(FIELDS.len() <= MAX_FIELDS);
        // Every listed field is one the record type reads, and vice versa.
        let mut json = String::from("{\"id\":\"1\"");
        for f in FIELDS {
            json.push_str(&format!(",\"{f}\":\"x\""));
        }
        json.push('}');
        let json = RawValue::from_string(json).unwrap();
        let r = LeadRecord::read(&json).unwrap();
        let read = [
            r.Owner,
            r.Lead_Source,
            r.Designation,
            r.First_Name,
            r.Last_Name,
            r.Street,
            r.City,
            r.State,
            r.Zip_Code,
            r.Country,
            r.Email,
            r.Secondary_Email,
            r.Phone,
            r.Mobile,
            r.Fax,
            r.Last_Activity_Time,
            r.Created_Time,
            r.Modified_Time,
        ];
        assert_eq!(read.len(), FIELDS.len());
        assert!(read.iter().all(Option::is_some));
    }

    #[test]
    fn envelope_keeps_records_verbatim_and_reads_info() {
        let body = r#"{"data":[{"id":"4150868000000002175","x":1.10}],"info":{"per_page":5,"next_page_token":"c8582xx9e7c7","more_records":true,"previous_page_token":null}}"#;
        let env: Envelope<'_> = serde_json::from_str(body).unwrap();
        let data = env.data.unwrap();
        assert_eq!(data[0].get(), r#"{"id":"4150868000000002175","x":1.10}"#);
        let info = env.info.unwrap();
        assert_eq!(info.more_records, Some(true));
        assert_eq!(info.next_page_token.as_deref(), Some("c8582xx9e7c7"));
    }
}
