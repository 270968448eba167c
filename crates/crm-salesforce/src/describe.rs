//! The Lead describe result (`GET /services/data/vNN.N/sobjects/Lead/describe`): which fields this
//! user can see, which are custom, and their types. Fetched only when a request involves custom
//! fields, and cached per connector instance.

use crate::soql::{is_custom_field_name, LeadField};
use serde::Deserialize;

/// One field of the describe result (only what the connector uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DescribedField {
    pub name: String,
    /// Salesforce's field type: `string`, `boolean`, `double`, `date`, `datetime`, `picklist`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub custom: bool,
    /// False for fields SOQL cannot filter on (long text areas, for instance).
    #[serde(default = "yes")]
    pub filterable: bool,
}

fn yes() -> bool {
    true
}

/// The fields of the Lead object visible to the connected user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LeadDescribe {
    pub fields: Vec<DescribedField>,
}

impl LeadDescribe {
    /// Whether the user can see this standard field (field-level security can hide fields, and
    /// selecting a hidden field fails the whole query with `INVALID_FIELD`).
    pub fn has(&self, field: LeadField) -> bool {
        self.fields.iter().any(|f| f.name == field.api_name())
    }

    /// The custom field with this API name (SOQL names are case-insensitive).
    pub fn custom_field(&self, name: &str) -> Option<&DescribedField> {
        self.custom_fields()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Custom (`__c`) fields with well-formed names, in describe order.
    pub fn custom_fields(&self) -> impl Iterator<Item = &DescribedField> {
        self.fields
            .iter()
            .filter(|f| f.custom && is_custom_field_name(&f.name))
    }

    /// `A__c, B__c` (or `none`), for error messages.
    pub fn custom_field_list(&self) -> String {
        let names: Vec<&str> = self.custom_fields().map(|f| f.name.as_str()).collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_describe_shape_and_finds_custom_fields() {
        let describe: LeadDescribe = serde_json::from_str(
            r#"{"name":"Lead","custom":false,"fields":[
                {"name":"Id","type":"id","custom":false,"filterable":true,"label":"Lead ID"},
                {"name":"Email","type":"email","custom":false},
                {"name":"Score__c","type":"double","custom":true,"filterable":true},
                {"name":"Notes__c","type":"textarea","custom":true,"filterable":false},
                {"name":"Geo__Latitude__s","type":"double","custom":true}
            ]}"#,
        )
        .unwrap();
        assert!(describe.has(LeadField::Email));
        assert!(!describe.has(LeadField::Phone));
        assert_eq!(describe.custom_field("score__C").unwrap().name, "Score__c");
        assert!(!describe.custom_field("Notes__c").unwrap().filterable);
        assert!(describe.custom_field("Geo__Latitude__s").is_none());
        assert!(describe.custom_field("Email").is_none());
        assert_eq!(describe.custom_field_list(), "Score__c, Notes__c");
        assert_eq!(LeadDescribe::default().custom_field_list(), "none");
    }
}
