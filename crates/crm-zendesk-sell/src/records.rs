//! Zendesk Sell's JSON, as serde types: the collection envelope, one lead, one lead source, one
//! conversion, and the error envelope.
//!
//! Every collection answers `{"items": [{"data": {...}, "meta": {...}}], "meta": {...}}`. A page's
//! records are the `items[]` entries kept raw ([`RawValue`], parsed once); the mapping reads the
//! `data` object of each through the borrowed [`RawItem`]. Unknown fields are ignored everywhere.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

pub use crm_core::text::Text;

/// `{items, meta}` of a collection. `meta.links` is optional (SDK fixtures carry only
/// `meta.length`); its `next_page` is read only for whether it is there.
#[derive(Debug, Deserialize)]
pub struct Collection<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub meta: Option<CollectionMeta>,
}

/// The leads collection: each item kept raw.
pub type LeadsEnvelope = Collection<Box<RawValue>>;

#[derive(Debug, Default, Deserialize)]
pub struct CollectionMeta {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub links: Option<Links>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Links {
    #[serde(default)]
    pub next_page: Option<String>,
}

impl CollectionMeta {
    /// `Some(true)` when the page links to a next page, `Some(false)` when it has links without
    /// one, `None` when the answer has no links at all.
    pub fn has_next_link(&self) -> Option<bool> {
        self.links.as_ref().map(|l| {
            l.next_page
                .as_deref()
                .is_some_and(|link| !link.trim().is_empty())
        })
    }
}

/// Reads one `GET /v2/leads` body: the envelope once, each item kept as raw JSON. The connector
/// reads every page through this function (benchmarks call it on pages without HTTP).
pub fn parse_page(body: &[u8]) -> serde_json::Result<LeadsEnvelope> {
    serde_json::from_slice(body)
}

/// One `items[]` entry: `{data, meta}`.
#[derive(Debug, Deserialize)]
pub struct RawItem<'a> {
    #[serde(borrow)]
    pub data: RawLead<'a>,
}

/// The fields of a lead the mapping reads. Everything else stays in `remote_data` only.
#[derive(Debug, Deserialize)]
pub struct RawLead<'a> {
    #[serde(default, borrow)]
    pub id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub owner_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub source_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub first_name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub last_name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub title: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub email: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub phone: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub mobile: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub fax: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub address: Option<RawAddress<'a>>,
    #[serde(default, borrow)]
    pub custom_fields: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub created_at: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub updated_at: Option<Text<'a>>,
}

/// `address {line1, city, postal_code, state, country}`, all optional.
#[derive(Debug, Default, Deserialize)]
pub struct RawAddress<'a> {
    #[serde(default, borrow)]
    pub line1: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub city: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub postal_code: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub country: Option<Text<'a>>,
}

/// Only the lead's `source_id`, read from `remote_data` during enrichment.
#[derive(Debug, Deserialize)]
pub struct SourceOnly<'a> {
    #[serde(borrow)]
    pub data: SourceOnlyData<'a>,
}

#[derive(Debug, Deserialize)]
pub struct SourceOnlyData<'a> {
    #[serde(default, borrow)]
    pub source_id: Option<IdText<'a>>,
}

/// `{data: {id, name}}` of `GET /v2/lead_sources`.
#[derive(Debug, Deserialize)]
pub struct SourceItem<'a> {
    #[serde(borrow)]
    pub data: SourceRecord<'a>,
}

#[derive(Debug, Deserialize)]
pub struct SourceRecord<'a> {
    #[serde(borrow)]
    pub id: IdText<'a>,
    #[serde(default, borrow)]
    pub name: Option<Text<'a>>,
}

/// `{data: {id, lead_id, individual_id, organization_id, deal_id, created_at}}` of
/// `GET /v2/lead_conversions`.
#[derive(Debug, Deserialize)]
pub struct ConversionItem<'a> {
    #[serde(borrow)]
    pub data: ConversionRecord<'a>,
}

#[derive(Debug, Deserialize)]
pub struct ConversionRecord<'a> {
    #[serde(default, borrow)]
    pub lead_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub individual_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub organization_id: Option<IdText<'a>>,
    #[serde(default, borrow)]
    pub created_at: Option<Text<'a>>,
}

/// `{errors: [{error: {code, message, details, field}}], meta: {http_status, logref}}`; the
/// community-quoted form `{error: {...}}` without the list is read too.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorEnvelope<'a> {
    #[serde(default, borrow)]
    pub errors: Option<Vec<ErrorEntry<'a>>>,
    #[serde(default, borrow)]
    pub error: Option<ErrorDetail<'a>>,
    #[serde(default, borrow)]
    pub meta: Option<ErrorMeta<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ErrorEntry<'a> {
    #[serde(default, borrow)]
    pub error: Option<ErrorDetail<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ErrorDetail<'a> {
    #[serde(default, borrow)]
    pub code: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub message: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub details: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub field: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ErrorMeta<'a> {
    #[serde(default, borrow)]
    pub logref: Option<Cow<'a, str>>,
}

/// An id as text, read without going through a float: an integer or a string.
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
        f.write_str("an integer or string id")
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
}

/// Custom field values by name, in record order, each value kept raw.
pub type CustomFieldEntries = Vec<(String, Box<RawValue>)>;

/// The `custom_fields` object's entries in record order, values kept raw.
pub fn custom_field_entries(raw: &RawValue) -> serde_json::Result<Option<CustomFieldEntries>> {
    struct Entries(Option<CustomFieldEntries>);
    impl<'de> Deserialize<'de> for Entries {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Entries;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object of custom field values keyed by name, or null")
                }
                fn visit_unit<E: de::Error>(self) -> Result<Entries, E> {
                    Ok(Entries(None))
                }
                fn visit_none<E: de::Error>(self) -> Result<Entries, E> {
                    Ok(Entries(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                        out.push((k, v));
                    }
                    Ok(Entries(Some(out)))
                }
            }
            d.deserialize_any(V)
        }
    }
    serde_json::from_str::<Entries>(raw.get()).map(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_end_shapes_and_the_sdk_shape() {
        let with_next: LeadsEnvelope = serde_json::from_str(
            r#"{"items":[{"data":{"id":1},"meta":{"type":"lead"}}],"meta":{"type":"collection","count":1,"links":{"self":"s","next_page":"https://api.getbase.com/v2/leads?page=1000"}}}"#,
        )
        .unwrap();
        assert_eq!(with_next.meta.unwrap().has_next_link(), Some(true));
        let last: LeadsEnvelope = serde_json::from_str(
            r#"{"items":[],"meta":{"type":"collection","count":25,"links":{"self":"s"}}}"#,
        )
        .unwrap();
        assert_eq!(last.meta.unwrap().has_next_link(), Some(false));
        let sdk: LeadsEnvelope =
            serde_json::from_str(r#"{"items":[{"data":{"id":1}}],"meta":{"length":2}}"#).unwrap();
        assert_eq!(sdk.meta.unwrap().has_next_link(), None);
        assert!(serde_json::from_str::<LeadsEnvelope>(r#"{"data":[]}"#).is_err());
    }

    #[test]
    fn custom_fields_keep_order_and_raw_values() {
        let raw = RawValue::from_string(r#"{"b":1,"a":"x","c":null}"#.into()).unwrap();
        let entries = custom_field_entries(&raw).unwrap().unwrap();
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(entries[1].1.get(), r#""x""#);
        let null = RawValue::from_string("null".into()).unwrap();
        assert!(custom_field_entries(&null).unwrap().is_none());
        let bad = RawValue::from_string("[1]".into()).unwrap();
        assert!(custom_field_entries(&bad).is_err());
    }

    #[test]
    fn error_envelope_and_inner_form() {
        let full: ErrorEnvelope<'_> = serde_json::from_str(
            r#"{"errors":[{"error":{"code":"not_found","message":"m"}}],"meta":{"logref":"abc"}}"#,
        )
        .unwrap();
        assert_eq!(full.meta.unwrap().logref.as_deref(), Some("abc"));
        let inner: ErrorEnvelope<'_> =
            serde_json::from_str(r#"{"error":{"code":"unauthorized"}}"#).unwrap();
        assert_eq!(inner.error.unwrap().code.as_deref(), Some("unauthorized"));
    }
}
