//! The unified `Lead` and its parts, with exactly the field names of the List Leads documentation.
//!
//! Serialization follows one rule: a field the provider cannot supply is *omitted*
//! ([`Field::Unsupported`]), a supported field with no value is `null` ([`Field::Null`]), and a
//! supported list with no items is `[]`.

use crate::time::Timestamp;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// A lead field that is either not supplied by the provider, supplied but empty, or set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    /// The provider has no such field: omitted from the JSON.
    #[default]
    Unsupported,
    /// The provider has the field, this lead has no value: `null`.
    Null,
    /// The value.
    Value(T),
}

impl<T> Field<T> {
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Field::Unsupported)
    }

    /// A supported field from an optional provider value.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Field::Null, Field::Value)
    }

    pub fn as_option(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl Field<String> {
    /// A supported text field; provider values that are empty or blank count as no value.
    pub fn text(value: Option<&str>) -> Self {
        Field::from_option(crate::text::non_blank(value))
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(v) => v.serialize(serializer),
            Field::Null | Field::Unsupported => serializer.serialize_none(),
        }
    }
}

/// A reference to another record (owner, contact, account): `{"id": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ref {
    pub id: String,
}

impl Ref {
    /// `Field::Value(Ref)` for a present id, `Field::Null` otherwise.
    pub fn field(id: Option<String>) -> Field<Ref> {
        Field::from_option(id.filter(|s| !s.is_empty()).map(|id| Ref { id }))
    }
}

/// A postal address. Parts the provider does not have are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Address {
    pub street_1: Option<String>,
    pub street_2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

impl Address {
    /// The one rule for providers that keep the street in one multi-line field (Copper, Salesforce,
    /// Zoho): lines are split on any line break and trimmed, blank lines dropped; the first line is
    /// `street_1`, the remaining lines joined with `", "` are `street_2`.
    pub fn split_street(street: Option<&str>) -> (Option<String>, Option<String>) {
        let mut lines = street
            .unwrap_or("")
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|line| !line.is_empty());
        let first = lines.next().map(str::to_owned);
        let rest: Vec<&str> = lines.collect();
        (first, (!rest.is_empty()).then(|| rest.join(", ")))
    }

    /// True when no part of the address carries a value (such addresses are not emitted).
    pub fn is_empty(&self) -> bool {
        [
            &self.street_1,
            &self.street_2,
            &self.city,
            &self.state,
            &self.postal_code,
            &self.country,
        ]
        .iter()
        .all(|p| p.is_none())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailAddress {
    pub email: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneNumber {
    pub number: String,
    pub extension: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// Custom field values keyed by the provider's API name, each value exactly as the provider sent it.
#[derive(Debug, Clone, Default)]
pub struct CustomFields(pub Vec<(String, Box<RawValue>)>);

impl Serialize for CustomFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A lead in the unified shape. Field order is the documentation's.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lead {
    pub id: String,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub owner: Field<Ref>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub lead_source: Field<String>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub title: Field<String>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub contact: Field<Ref>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub account: Field<Ref>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub first_name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub last_name: Field<String>,
    /// Lists are never `null`: a supported list with no items is `[]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_addresses: Option<Vec<EmailAddress>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_numbers: Option<Vec<PhoneNumber>>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub last_activity_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub created_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub updated_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub converted_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub converted_contact: Field<String>,
    #[serde(skip_serializing_if = "Field::is_unsupported")]
    pub converted_account: Field<String>,
    /// Present only when the caller asked for custom fields and the provider supports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<CustomFields>,
    /// The provider's record exactly as it came (set by the list pipeline, not by connectors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Box<RawValue>>,
}

impl Lead {
    pub fn new(id: impl Into<String>) -> Self {
        Lead {
            id: id.into(),
            ..Lead::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_datetime;

    #[test]
    fn omit_null_and_empty_list_rule() {
        let mut lead = Lead::new("L1");
        lead.owner = Ref::field(Some("7".into()));
        lead.title = Field::Null;
        lead.email_addresses = Some(vec![]);
        lead.created_at = Field::Value(parse_datetime("2024-01-01T09:30:00+0000").unwrap());
        let json = serde_json::to_string(&lead).unwrap();
        assert_eq!(
            json,
            r#"{"id":"L1","owner":{"id":"7"},"title":null,"email_addresses":[],"created_at":"2024-01-01T09:30:00.000Z"}"#
        );
    }

    #[test]
    fn remote_data_is_kept_byte_for_byte() {
        let mut lead = Lead::new("1");
        lead.remote_data =
            Some(RawValue::from_string(r#"{"id":12345678901234567890,"v":1.10}"#.into()).unwrap());
        let json = serde_json::to_string(&lead).unwrap();
        assert_eq!(
            json,
            r#"{"id":"1","remote_data":{"id":12345678901234567890,"v":1.10}}"#
        );
    }

    #[test]
    fn sub_objects_use_documented_names() {
        let lead = Lead {
            addresses: Some(vec![Address {
                street_1: Some("1 Main St".into()),
                kind: Some("home".into()),
                ..Address::default()
            }]),
            email_addresses: Some(vec![EmailAddress {
                email: "a@example.com".into(),
                kind: Some("work".into()),
            }]),
            phone_numbers: Some(vec![PhoneNumber {
                number: "+1 415 555 0100".into(),
                extension: None,
                kind: Some("mobile".into()),
            }]),
            custom_fields: Some(CustomFields(vec![(
                "Score__c".into(),
                RawValue::from_string("42".into()).unwrap(),
            )])),
            ..Lead::new("x")
        };
        insta::assert_snapshot!(serde_json::to_string_pretty(&lead).unwrap(), @r###"
        {
          "id": "x",
          "addresses": [
            {
              "street_1": "1 Main St",
              "street_2": null,
              "city": null,
              "state": null,
              "postal_code": null,
              "country": null,
              "type": "home"
            }
          ],
          "email_addresses": [
            {
              "email": "a@example.com",
              "type": "work"
            }
          ],
          "phone_numbers": [
            {
              "number": "+1 415 555 0100",
              "extension": null,
              "type": "mobile"
            }
          ],
          "custom_fields": {
            "Score__c": 42
          }
        }
        "###);
    }

    #[test]
    fn streets_split_into_two_lines() {
        let split = |s: &str| Address::split_street(Some(s));
        assert_eq!(split("1 Main St"), (Some("1 Main St".into()), None));
        assert_eq!(
            split(" 1 Main St \r\n\r\nSuite 5\nBuilding B "),
            (Some("1 Main St".into()), Some("Suite 5, Building B".into()))
        );
        assert_eq!(split("\n  \n"), (None, None));
        assert_eq!(Address::split_street(None), (None, None));
    }

    #[test]
    fn blank_text_is_null() {
        assert_eq!(Field::text(Some("  ")), Field::Null);
        assert_eq!(Field::text(None), Field::Null);
        assert_eq!(Field::text(Some(" a ")), Field::Value("a".to_string()));
    }
}
