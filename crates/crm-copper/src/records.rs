//! Copper's wire types, borrowed from the page's bytes. Unknown keys are ignored (Copper adds keys
//! over time); numbers that must stay exact (ids, Unix times) are kept as raw JSON text and read
//! by [`crate::mapping`], which names the field when one does not fit.

use serde::Deserialize;
use serde_json::value::RawValue;

/// Reads one lead search body: a bare JSON array of leads, each kept as raw JSON. The connector
/// reads every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    serde_json::from_slice(body)
}

pub use crm_core::text::Text;

/// One lead of a search page: only the keys the mapping reads.
#[derive(Debug, Deserialize)]
pub struct LeadRecord<'a> {
    /// An integer; kept as text so that no id is rounded.
    #[serde(borrow)]
    pub id: &'a RawValue,
    /// A user id (integer) or `null`.
    #[serde(borrow, default)]
    pub assignee_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub title: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub first_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub last_name: Option<Text<'a>>,
    /// One address object, or `null`.
    #[serde(borrow, default)]
    pub address: Option<AddressRecord<'a>>,
    /// One e-mail object, or `null`.
    #[serde(borrow, default)]
    pub email: Option<EmailRecord<'a>>,
    #[serde(borrow, default)]
    pub phone_numbers: Option<Vec<PhoneRecord<'a>>>,
    /// Unix seconds, or `null`.
    #[serde(borrow, default)]
    pub date_created: Option<&'a RawValue>,
    /// Unix seconds, or `null`.
    #[serde(borrow, default)]
    pub date_modified: Option<&'a RawValue>,
}

/// Only the id, to name a record that does not fit [`LeadRecord`].
#[derive(Debug, Deserialize)]
pub struct IdProbe<'a> {
    #[serde(borrow, default)]
    pub id: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
pub struct AddressRecord<'a> {
    /// May hold several lines separated by newlines.
    #[serde(borrow, default)]
    pub street: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub city: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub state: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub postal_code: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub country: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct EmailRecord<'a> {
    #[serde(borrow, default)]
    pub email: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub category: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct PhoneRecord<'a> {
    #[serde(borrow, default)]
    pub number: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub category: Option<Text<'a>>,
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

    #[test]
    fn text_borrows_when_it_can() {
        let record: LeadRecord<'_> =
            serde_json::from_str(r#"{"id": 1, "title": "Plain", "first_name": "Zo\u00eb"}"#)
                .unwrap();
        assert!(matches!(record.title.unwrap().0, Cow::Borrowed("Plain")));
        let first = record.first_name.unwrap();
        assert_eq!(first.as_str(), "Zoë");
        assert!(matches!(first.0, Cow::Owned(_)));
    }

    #[test]
    fn nulls_and_missing_keys_are_none() {
        let record: LeadRecord<'_> = serde_json::from_str(
            r#"{"id": 7, "address": null, "email": null, "assignee_id": null}"#,
        )
        .unwrap();
        assert!(record.address.is_none());
        assert!(record.email.is_none());
        assert!(record.assignee_id.is_none());
        assert!(record.phone_numbers.is_none());
        assert!(record.date_created.is_none());
    }
}
