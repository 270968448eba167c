//! Insightly's wire types, borrowed from the page's bytes. Unknown keys are ignored (a lead carries
//! many more); ids stay raw JSON text so that no int64 is rounded, and [`crate::mapping`] names the
//! field when one does not fit.

use serde::Deserialize;
use serde_json::value::RawValue;

/// Reads one list or search body: a bare JSON array of leads, each kept as raw JSON. The connector
/// reads every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    serde_json::from_slice(body)
}

pub use crm_core::text::Text;

/// One lead: only the keys the mapping reads.
#[derive(Debug, Deserialize)]
pub struct LeadRecord<'a> {
    /// An int64; kept as text so that no id is rounded.
    #[serde(rename = "LEAD_ID", borrow)]
    pub lead_id: &'a RawValue,
    #[serde(rename = "OWNER_USER_ID", borrow, default)]
    pub owner_user_id: Option<&'a RawValue>,
    #[serde(rename = "TITLE", borrow, default)]
    pub title: Option<Text<'a>>,
    #[serde(rename = "FIRST_NAME", borrow, default)]
    pub first_name: Option<Text<'a>>,
    #[serde(rename = "LAST_NAME", borrow, default)]
    pub last_name: Option<Text<'a>>,
    /// One string; `""` when the lead has none.
    #[serde(rename = "EMAIL", borrow, default)]
    pub email: Option<Text<'a>>,
    #[serde(rename = "PHONE", borrow, default)]
    pub phone: Option<Text<'a>>,
    #[serde(rename = "MOBILE", borrow, default)]
    pub mobile: Option<Text<'a>>,
    #[serde(rename = "FAX", borrow, default)]
    pub fax: Option<Text<'a>>,
    /// Free text; may hold several lines.
    #[serde(rename = "ADDRESS_STREET", borrow, default)]
    pub address_street: Option<Text<'a>>,
    #[serde(rename = "ADDRESS_CITY", borrow, default)]
    pub address_city: Option<Text<'a>>,
    #[serde(rename = "ADDRESS_STATE", borrow, default)]
    pub address_state: Option<Text<'a>>,
    #[serde(rename = "ADDRESS_POSTCODE", borrow, default)]
    pub address_postcode: Option<Text<'a>>,
    /// Free text (`United States`), not an ISO code.
    #[serde(rename = "ADDRESS_COUNTRY", borrow, default)]
    pub address_country: Option<Text<'a>>,
    #[serde(rename = "CONVERTED_CONTACT_ID", borrow, default)]
    pub converted_contact_id: Option<&'a RawValue>,
    #[serde(rename = "CONVERTED_ORGANISATION_ID", borrow, default)]
    pub converted_organisation_id: Option<&'a RawValue>,
    /// `2025-04-17 20:37:27` (UTC, no zone) or `null`.
    #[serde(rename = "CONVERTED_DATE_UTC", borrow, default)]
    pub converted_date_utc: Option<Text<'a>>,
    #[serde(rename = "DATE_CREATED_UTC", borrow, default)]
    pub date_created_utc: Option<Text<'a>>,
    #[serde(rename = "DATE_UPDATED_UTC", borrow, default)]
    pub date_updated_utc: Option<Text<'a>>,
    #[serde(rename = "LAST_ACTIVITY_DATE_UTC", borrow, default)]
    pub last_activity_date_utc: Option<Text<'a>>,
    #[serde(rename = "CUSTOMFIELDS", borrow, default)]
    pub customfields: Option<Vec<CustomFieldRecord<'a>>>,
}

/// One entry of `CUSTOMFIELDS`.
#[derive(Debug, Deserialize)]
pub struct CustomFieldRecord<'a> {
    #[serde(rename = "FIELD_NAME", borrow)]
    pub field_name: Text<'a>,
    /// Any JSON value (string, number, bool, null, `"a;b;c"` for multi-selects), kept exactly.
    #[serde(rename = "FIELD_VALUE", borrow, default)]
    pub field_value: Option<&'a RawValue>,
}

/// Only the id, to name a record that does not fit [`LeadRecord`].
#[derive(Debug, Deserialize)]
pub struct IdProbe<'a> {
    #[serde(rename = "LEAD_ID", borrow, default)]
    pub lead_id: Option<&'a RawValue>,
}

/// A JSON error body, when Insightly sends one (its shape is not documented): `Message`,
/// `message` or `error`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody<'a> {
    #[serde(rename = "Message", borrow, default)]
    pub message_upper: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub message: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub error: Option<Text<'a>>,
}

impl ErrorBody<'_> {
    pub fn text(&self) -> Option<&str> {
        [&self.message_upper, &self.message, &self.error]
            .into_iter()
            .flatten()
            .map(|t| t.as_str().trim())
            .find(|t| !t.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_missing_keys_are_none() {
        let r: LeadRecord<'_> = serde_json::from_str(
            r#"{"LEAD_ID": 7, "OWNER_USER_ID": null, "CONVERTED_DATE_UTC": null, "CUSTOMFIELDS": []}"#,
        )
        .unwrap();
        assert!(r.owner_user_id.is_none());
        assert!(r.converted_date_utc.is_none());
        assert!(r.email.is_none());
        assert_eq!(r.customfields.map(|c| c.len()), Some(0));
    }
}
