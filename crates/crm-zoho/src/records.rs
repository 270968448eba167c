//! Zoho's JSON as it arrives: the list envelope and a lead record, borrowed from the page bytes.
//!
//! Record fields are kept as raw JSON slices and read one by one in [`crate::mapping`], so that a
//! value of an unexpected type is reported against its field name, and numbers (ids) keep their
//! exact digits.

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

/// The paging part of the envelope (other keys are ignored).
#[derive(Debug, Deserialize)]
pub struct Info<'a> {
    #[serde(default)]
    pub more_records: Option<bool>,
    #[serde(default, borrow)]
    pub next_page_token: Option<Cow<'a, str>>,
}

/// The lead fields the mapping reads (the same names the request's `fields` list asks for).
#[derive(Debug, Default, Deserialize)]
#[allow(non_snake_case)]
pub struct LeadRecord<'a> {
    #[serde(default, borrow)]
    pub id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Owner: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Lead_Source: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Designation: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub First_Name: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Last_Name: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Street: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub City: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub State: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Zip_Code: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Country: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Email: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Secondary_Email: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Phone: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Mobile: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Fax: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Last_Activity_Time: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Created_Time: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub Modified_Time: Option<&'a RawValue>,
}

/// `Owner` is a lookup object `{name, id, email}`; only the id is read.
#[derive(Debug, Deserialize)]
pub struct OwnerRef<'a> {
    #[serde(default, borrow)]
    pub id: Option<&'a RawValue>,
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
        let r: LeadRecord<'_> = serde_json::from_str(&json).unwrap();
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
