//! Raw serde types of Salesforce's query envelope and Lead record.
//!
//! The envelope keeps each record as raw JSON (for `remote_data` and the `raw` format). A record is
//! then read once, borrowing its strings where they carry no JSON escapes, into [`LeadRecord`]; a
//! field of the wrong type is reported with its name instead of failing the whole read.

use crm_core::json::{self, JsonText};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// `GET .../query` and `GET .../query/<locator>-<offset>` answers.
#[derive(Debug, Deserialize)]
pub struct QueryResponse {
    /// False while more batches remain.
    pub done: bool,
    /// Where the next batch is; present exactly when `done` is false.
    #[serde(rename = "nextRecordsUrl", default)]
    pub next_records_url: Option<String>,
    pub records: Vec<Box<RawValue>>,
}

/// Reads one query answer: the envelope once, each record kept as raw JSON. The connector reads
/// every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<QueryResponse> {
    serde_json::from_slice(body)
}

/// The Lead fields the mapping reads, borrowed from the record's JSON where possible.
#[derive(Debug, Default)]
pub struct LeadRecord<'a> {
    pub id: Option<Cow<'a, str>>,
    pub owner_id: Option<Cow<'a, str>>,
    pub lead_source: Option<Cow<'a, str>>,
    pub title: Option<Cow<'a, str>>,
    pub first_name: Option<Cow<'a, str>>,
    pub last_name: Option<Cow<'a, str>>,
    pub street: Option<Cow<'a, str>>,
    pub city: Option<Cow<'a, str>>,
    pub state: Option<Cow<'a, str>>,
    pub postal_code: Option<Cow<'a, str>>,
    pub country: Option<Cow<'a, str>>,
    pub email: Option<Cow<'a, str>>,
    pub phone: Option<Cow<'a, str>>,
    pub mobile_phone: Option<Cow<'a, str>>,
    pub fax: Option<Cow<'a, str>>,
    pub created_date: Option<Cow<'a, str>>,
    pub last_modified_date: Option<Cow<'a, str>>,
    pub converted_date: Option<Cow<'a, str>>,
    pub converted_contact_id: Option<Cow<'a, str>>,
    pub converted_account_id: Option<Cow<'a, str>>,
    /// `__c` fields in record order, values untouched (collected only when asked for).
    pub custom: Vec<(Cow<'a, str>, JsonText<'a>)>,
    /// The first known field whose value is not a string or null: (field, why).
    pub bad_field: Option<(String, String)>,
}

impl<'a> LeadRecord<'a> {
    /// Reads one record: a walk over its members ([`crm_core::json`]) with no second validating
    /// parse, since the record was checked as JSON when the page was parsed. Fails only when the
    /// record is not a JSON object.
    pub fn parse(record: &'a RawValue, collect_custom: bool) -> Result<LeadRecord<'a>, String> {
        let members = json::members(record).ok_or("expected a JSON object")?;
        let mut lead = LeadRecord::default();
        for (key, value) in members {
            if let Some(slot) = lead.slot(&key) {
                if value.is_null() {
                    *slot = None;
                } else if let Some(text) = value.as_str() {
                    *slot = Some(text);
                } else {
                    *slot = None;
                    if lead.bad_field.is_none() {
                        let why =
                            format!("expected a string or null, got {}", excerpt(value.get()));
                        lead.bad_field = Some((key.into_owned(), why));
                    }
                }
            } else if collect_custom && key.ends_with("__c") {
                lead.custom.push((key, value));
            }
        }
        Ok(lead)
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<Cow<'a, str>>> {
        Some(match key {
            "Id" => &mut self.id,
            "OwnerId" => &mut self.owner_id,
            "LeadSource" => &mut self.lead_source,
            "Title" => &mut self.title,
            "FirstName" => &mut self.first_name,
            "LastName" => &mut self.last_name,
            "Street" => &mut self.street,
            "City" => &mut self.city,
            "State" => &mut self.state,
            "PostalCode" => &mut self.postal_code,
            "Country" => &mut self.country,
            "Email" => &mut self.email,
            "Phone" => &mut self.phone,
            "MobilePhone" => &mut self.mobile_phone,
            "Fax" => &mut self.fax,
            "CreatedDate" => &mut self.created_date,
            "LastModifiedDate" => &mut self.last_modified_date,
            "ConvertedDate" => &mut self.converted_date,
            "ConvertedContactId" => &mut self.converted_contact_id,
            "ConvertedAccountId" => &mut self.converted_account_id,
            _ => return None,
        })
    }
}

/// The start of a JSON value, for messages.
fn excerpt(json: &str) -> String {
    const MAX: usize = 60;
    match json.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &json[..cut]),
        None => json.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    #[test]
    fn borrows_plain_strings_and_unescapes_others() {
        let json = r#"{"attributes":{"type":"Lead","url":"/x"},"Id":"00Q000000000001AAA","FirstName":"Zo\u00eb","LastName":null,"Street":"1 Main St\nSuite 2","Score__c":12.50,"Other":[1,2]}"#;
        let json = raw(json);
        let record = LeadRecord::parse(&json, true).unwrap();
        assert!(matches!(
            record.id,
            Some(Cow::Borrowed("00Q000000000001AAA"))
        ));
        assert_eq!(record.first_name.as_deref(), Some("Zoë"));
        assert!(record.last_name.is_none());
        assert_eq!(record.street.as_deref(), Some("1 Main St\nSuite 2"));
        assert_eq!(record.custom.len(), 1);
        assert_eq!(record.custom[0].0, "Score__c");
        assert_eq!(record.custom[0].1.get(), "12.50");
        assert!(record.bad_field.is_none());
        let without = LeadRecord::parse(&json, false).unwrap();
        assert!(without.custom.is_empty());
    }

    #[test]
    fn wrong_types_are_reported_by_field() {
        let json = raw(r#"{"Id":"x","Phone":5551234,"Fax":true}"#);
        let record = LeadRecord::parse(&json, false).unwrap();
        let (field, why) = record.bad_field.unwrap();
        assert_eq!(field, "Phone");
        assert!(why.contains("5551234"), "{why}");
    }

    #[test]
    fn non_objects_and_trailing_garbage_fail() {
        for bad in ["[]", "\"x\"", "null"] {
            assert!(LeadRecord::parse(&raw(bad), false).is_err(), "{bad}");
        }
        // Text that is not JSON never becomes a record: the page parse refuses it.
        for bad in ["{\"Id\":\"x\"} junk", "{\"Id\":"] {
            assert!(RawValue::from_string(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn envelope_keeps_records_raw() {
        let page: QueryResponse = serde_json::from_str(
            r#"{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gX-2","records":[{"Id":"a","n":1.10},{"Id":"b"}]}"#,
        )
        .unwrap();
        assert!(!page.done);
        assert_eq!(page.records[0].get(), r#"{"Id":"a","n":1.10}"#);
    }
}
