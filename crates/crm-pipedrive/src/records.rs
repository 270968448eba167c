//! Pipedrive's JSON, as serde types: the list envelope, one lead, and the error body.
//!
//! Unknown fields are ignored everywhere (Pipedrive adds fields, and custom fields appear as
//! 40-hex-character keys). Records stay raw ([`RawValue`]) in the envelope so the page is parsed
//! once; [`RawLead`] borrows from the same bytes when a record is mapped.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

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

/// The fields of a lead the mapping reads. Everything else stays in `remote_data` only.
#[derive(Debug, Deserialize)]
pub struct RawLead<'a> {
    #[serde(default, borrow)]
    pub id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub title: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub owner_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub person_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub organization_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub source_name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub add_time: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub update_time: Option<Text<'a>>,
}

/// An id as text, read without going through a float: an integer (`1092`), a string (a lead's
/// UUID), or an object with an `id` (the expanded form other v1 endpoints use for users).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdText<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for IdText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = IdText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer id, a string id or an object with an `id`")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(IdText(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(IdText(Cow::Owned(v.to_string())))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(IdText(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(IdText(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(IdText(Cow::Owned(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "id" && id.is_none() {
                id = Some(map.next_value::<IdText<'de>>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        id.ok_or_else(|| de::Error::missing_field("id"))
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

    #[test]
    fn ids_of_every_shape_stay_exact() {
        let lead: RawLead<'_> = serde_json::from_str(
            r#"{"id":"adf2-\u0041","owner_id":18446744073709551615,"person_id":-5,"organization_id":{"name":"x","id":77,"id2":1}}"#,
        )
        .unwrap();
        assert_eq!(lead.id.unwrap().0, "adf2-A");
        assert_eq!(lead.owner_id.unwrap().0, "18446744073709551615");
        assert_eq!(lead.person_id.unwrap().0, "-5");
        assert_eq!(lead.organization_id.unwrap().0, "77");
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let json = r#"{"id":"a","title":"plain","source_name":"with \"quote\""}"#;
        let lead: RawLead<'_> = serde_json::from_str(json).unwrap();
        assert!(matches!(lead.title, Some(Text(Cow::Borrowed("plain")))));
        assert_eq!(lead.source_name.unwrap().as_str(), "with \"quote\"");
        assert!(matches!(lead.id, Some(IdText(Cow::Borrowed("a")))));
    }

    #[test]
    fn floats_and_other_shapes_are_not_ids() {
        for json in [
            r#"{"owner_id":1.5}"#,
            r#"{"owner_id":true}"#,
            r#"{"owner_id":[1]}"#,
            r#"{"owner_id":{"name":"x"}}"#,
        ] {
            assert!(serde_json::from_str::<RawLead<'_>>(json).is_err(), "{json}");
        }
    }
}
