//! Raw serde types of Salesforce's query envelope and Lead record.
//!
//! The envelope keeps each record as raw JSON (for `remote_data` and the `raw` format). A record is
//! then read like every connector's ([`crm_core::json::read_record`]): one walk over its members
//! into [`LeadRecord`], values kept as raw JSON text for the mapping, which names the field of a
//! value of the wrong type.

use crm_core::json::{self, JsonText, Record, RecordError};
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

/// The Lead fields the mapping reads, in the order the query selects them, each the raw JSON text
/// of its value (borrowed from the record): the mapping reads each one and names the field when
/// its value has the wrong type.
#[derive(Debug, Default)]
pub struct LeadRecord<'a> {
    pub id: Option<JsonText<'a>>,
    pub owner_id: Option<JsonText<'a>>,
    pub first_name: Option<JsonText<'a>>,
    pub last_name: Option<JsonText<'a>>,
    pub title: Option<JsonText<'a>>,
    pub lead_source: Option<JsonText<'a>>,
    pub street: Option<JsonText<'a>>,
    pub city: Option<JsonText<'a>>,
    pub state: Option<JsonText<'a>>,
    pub postal_code: Option<JsonText<'a>>,
    pub country: Option<JsonText<'a>>,
    pub email: Option<JsonText<'a>>,
    pub phone: Option<JsonText<'a>>,
    pub mobile_phone: Option<JsonText<'a>>,
    pub fax: Option<JsonText<'a>>,
    pub converted_date: Option<JsonText<'a>>,
    pub converted_account_id: Option<JsonText<'a>>,
    pub converted_contact_id: Option<JsonText<'a>>,
    pub created_date: Option<JsonText<'a>>,
    pub last_modified_date: Option<JsonText<'a>>,
    /// `__c` fields in record order, values untouched (collected only when asked for).
    pub custom: Vec<(Cow<'a, str>, JsonText<'a>)>,
    collect_custom: bool,
}

impl<'a> LeadRecord<'a> {
    /// Reads one record ([`json::read_record`]), collecting its `__c` fields when
    /// `collect_custom`. Fails when the record is not an object or repeats a field it reads.
    pub fn read(record: &'a RawValue, collect_custom: bool) -> Result<LeadRecord<'a>, RecordError> {
        let into = LeadRecord {
            collect_custom,
            ..LeadRecord::default()
        };
        json::read_record(JsonText::of(record), into)
    }
}

impl<'a> Record<'a> for LeadRecord<'a> {
    #[inline]
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
        Some(match key {
            "Id" => &mut self.id,
            "OwnerId" => &mut self.owner_id,
            "FirstName" => &mut self.first_name,
            "LastName" => &mut self.last_name,
            "Title" => &mut self.title,
            "LeadSource" => &mut self.lead_source,
            "Street" => &mut self.street,
            "City" => &mut self.city,
            "State" => &mut self.state,
            "PostalCode" => &mut self.postal_code,
            "Country" => &mut self.country,
            "Email" => &mut self.email,
            "Phone" => &mut self.phone,
            "MobilePhone" => &mut self.mobile_phone,
            "Fax" => &mut self.fax,
            "ConvertedDate" => &mut self.converted_date,
            "ConvertedAccountId" => &mut self.converted_account_id,
            "ConvertedContactId" => &mut self.converted_contact_id,
            "CreatedDate" => &mut self.created_date,
            "LastModifiedDate" => &mut self.last_modified_date,
            _ => return None,
        })
    }

    #[inline]
    fn other(&mut self, key: Cow<'a, str>, value: JsonText<'a>) {
        if self.collect_custom && key.ends_with("__c") {
            self.custom.push((key, value));
        }
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
        let record = LeadRecord::read(&json, true).unwrap();
        assert!(matches!(
            json::optional_str(record.id),
            Ok(Some(Cow::Borrowed("00Q000000000001AAA")))
        ));
        let text = |v| json::optional_str(v).unwrap().map(Cow::into_owned);
        assert_eq!(text(record.first_name).as_deref(), Some("Zoë"));
        assert!(text(record.last_name).is_none());
        assert_eq!(text(record.street).as_deref(), Some("1 Main St\nSuite 2"));
        assert_eq!(record.custom.len(), 1);
        assert_eq!(record.custom[0].0, "Score__c");
        assert_eq!(record.custom[0].1.get(), "12.50");
        let without = LeadRecord::read(&json, false).unwrap();
        assert!(without.custom.is_empty());
    }

    #[test]
    fn values_keep_their_type_for_the_mapping() {
        let json = raw(r#"{"Id":"x","Phone":5551234,"Fax":true}"#);
        let record = LeadRecord::read(&json, false).unwrap();
        assert_eq!(
            json::optional_str(record.phone).unwrap_err().get(),
            "5551234"
        );
        assert_eq!(json::optional_str(record.fax).unwrap_err().get(), "true");
    }

    #[test]
    fn non_objects_repeated_fields_and_trailing_garbage_fail() {
        for bad in ["[]", "\"x\"", "null", r#"{"Id":"a","Id":"b"}"#] {
            assert!(LeadRecord::read(&raw(bad), false).is_err(), "{bad}");
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
