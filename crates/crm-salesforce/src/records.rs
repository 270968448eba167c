//! Raw serde types of Salesforce's query envelope and Lead record.
//!
//! The envelope keeps each record as raw JSON (for `remote_data` and the `raw` format). A record is
//! then read once, borrowing its strings where they carry no JSON escapes, into [`LeadRecord`]; a
//! field of the wrong type is reported with its name instead of failing the whole parse.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

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
    pub custom: Vec<(Cow<'a, str>, &'a RawValue)>,
    /// The first known field whose value is not a string or null: (field, why).
    pub bad_field: Option<(String, String)>,
}

impl<'a> LeadRecord<'a> {
    /// Reads one record. Fails only when the text is not a JSON object.
    pub fn parse(json: &'a str, collect_custom: bool) -> Result<LeadRecord<'a>, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let record = RecordSeed { collect_custom }.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(record)
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

/// A string that borrows from the input unless it had to be unescaped.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or null")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

struct RecordSeed {
    collect_custom: bool,
}

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = LeadRecord<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = LeadRecord<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Salesforce Lead record (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut record = LeadRecord::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if let Some(slot) = record.slot(&key) {
                let raw: &'de RawValue = map.next_value()?;
                match serde_json::from_str::<Option<Text<'de>>>(raw.get()) {
                    Ok(value) => *slot = value.map(|t| t.0),
                    Err(_) => {
                        *slot = None;
                        if record.bad_field.is_none() {
                            let why =
                                format!("expected a string or null, got {}", excerpt(raw.get()));
                            record.bad_field = Some((key.into_owned(), why));
                        }
                    }
                }
            } else if self.collect_custom && key.ends_with("__c") {
                let raw: &'de RawValue = map.next_value()?;
                record.custom.push((key, raw));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(record)
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

    #[test]
    fn borrows_plain_strings_and_unescapes_others() {
        let json = r#"{"attributes":{"type":"Lead","url":"/x"},"Id":"00Q000000000001AAA","FirstName":"Zo\u00eb","LastName":null,"Street":"1 Main St\nSuite 2","Score__c":12.50,"Other":[1,2]}"#;
        let record = LeadRecord::parse(json, true).unwrap();
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
        let without = LeadRecord::parse(json, false).unwrap();
        assert!(without.custom.is_empty());
    }

    #[test]
    fn wrong_types_are_reported_by_field() {
        let record = LeadRecord::parse(r#"{"Id":"x","Phone":5551234,"Fax":true}"#, false).unwrap();
        let (field, why) = record.bad_field.unwrap();
        assert_eq!(field, "Phone");
        assert!(why.contains("5551234"), "{why}");
    }

    #[test]
    fn non_objects_and_trailing_garbage_fail() {
        for bad in ["[]", "\"x\"", "null", "{\"Id\":\"x\"} junk", "{\"Id\":"] {
            assert!(LeadRecord::parse(bad, false).is_err(), "{bad}");
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
