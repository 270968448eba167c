//! Response shaping shared by all connectors: the `{"result", "next_cursor"}` envelope,
//! `truto_key_by`, `truto_exclude_fields`, `truto_ignore_remote_data` and the `normalized` format.
//!
//! The common case (no key_by, no exclusions, unified or raw) serializes leads straight to bytes
//! (unified: `crate::write`, byte-for-byte what serde_json writes, into a buffer sized once).
//! The shaping options work on each item's serialized JSON through [`json_edit`], which keeps every
//! untouched value byte-for-byte (big numbers in `remote_data` stay exact, key order stays).

use crate::error::{Error, Result};
use crate::lead::Lead;
use crate::list::{Items, ListedPage};
use crate::normalize;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;
use std::fmt;

/// A dotted field path (`owner.id`), parsed once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(Vec<String>);

/// The deepest field path accepted (`a.b.c.d.e.f.g.h`): unified leads nest three levels, and
/// providers' records rarely more; the cap bounds the work one path can ask for.
pub const MAX_PATH_DEPTH: usize = 8;

/// The most distinct `truto_exclude_fields` paths one request may give.
pub const MAX_EXCLUDE_FIELDS: usize = 64;

impl FieldPath {
    pub fn parse(path: &str) -> Result<FieldPath, String> {
        let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(format!(
                "`{}` is not a field path; use names joined by dots, like `owner.id`",
                crate::text::shorten(path)
            ));
        }
        if segments.len() > MAX_PATH_DEPTH {
            return Err(format!(
                "`{}` has {} levels; a field path may have at most {MAX_PATH_DEPTH}",
                crate::text::shorten(path),
                segments.len()
            ));
        }
        Ok(FieldPath(segments))
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// `truto_response_format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseFormat {
    /// The unified mapping.
    #[default]
    Unified,
    /// The provider's records untouched.
    Raw,
    /// Unified, then values made canonical and empty fields dropped (see `normalize`).
    Normalized,
}

impl ResponseFormat {
    pub fn from_name(name: &str) -> Option<ResponseFormat> {
        match name {
            "unified" => Some(ResponseFormat::Unified),
            "raw" => Some(ResponseFormat::Raw),
            "normalized" => Some(ResponseFormat::Normalized),
            _ => None,
        }
    }
}

/// How to present a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseOptions {
    pub format: ResponseFormat,
    pub key_by: Option<FieldPath>,
    pub ignore_remote_data: bool,
    /// Distinct paths, in the order given, at most [`MAX_EXCLUDE_FIELDS`]
    /// (see [`ResponseOptions::exclude`]).
    pub exclude_fields: Vec<FieldPath>,
}

impl ResponseOptions {
    /// Adds a `truto_exclude_fields` path: a repeat is ignored, more than
    /// [`MAX_EXCLUDE_FIELDS`] distinct paths is refused.
    pub fn exclude(&mut self, path: FieldPath) -> Result<(), String> {
        if self.exclude_fields.contains(&path) {
            return Ok(());
        }
        if self.exclude_fields.len() == MAX_EXCLUDE_FIELDS {
            return Err(format!(
                "more than {MAX_EXCLUDE_FIELDS} distinct fields to exclude; exclude a parent field (such as `remote_data`) instead of its children"
            ));
        }
        self.exclude_fields.push(path);
        Ok(())
    }

    /// Whether rendering is straight serialization (no per-item JSON editing or normalizing),
    /// cheap enough to run on the async runtime.
    pub fn is_plain(&self) -> bool {
        self.key_by.is_none()
            && self.exclude_fields.is_empty()
            && self.format != ResponseFormat::Normalized
    }
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    result: T,
    next_cursor: Option<&'a str>,
}

/// Items keyed by a field, in page order.
struct Keyed(Vec<(String, Box<RawValue>)>);

impl Serialize for Keyed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn to_json_error(e: serde_json::Error) -> Error {
    Error::invalid(
        "truto_response_format",
        format!("the page could not be serialized: {e}"),
    )
}

/// A generous guess of one lead's unified fields when serialized, to size the response buffer
/// once (an over-estimate costs untouched address space only; growing would copy the page).
const UNIFIED_BYTES: usize = 1024;

/// Serializes into a buffer of `capacity` bytes (plus room for the envelope).
fn to_vec_sized<T: Serialize>(value: &T, capacity: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(capacity + 64);
    serde_json::to_writer(&mut out, value).map_err(to_json_error)?;
    Ok(out)
}

/// Renders a page as the endpoint's JSON body.
pub fn render(page: ListedPage, options: &ResponseOptions) -> Result<Vec<u8>> {
    render_unless(page, options, &|| false).map(|body| body.unwrap_or_default())
}

/// [`render`] that checks `cancelled` before each item and gives up (`Ok(None)`) once it says so:
/// a request whose caller has gone (or whose time is up) stops spending CPU on its page.
pub fn render_unless(
    page: ListedPage,
    options: &ResponseOptions,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<Vec<u8>>> {
    let next_cursor = page.next_cursor.as_deref();
    let simple = options.key_by.is_none() && options.exclude_fields.is_empty();
    let exclusions = json_edit::Exclusions::new(&options.exclude_fields);
    let mut shaped = Vec::with_capacity(page.items.len());
    match page.items {
        Items::Leads(mut leads) => {
            if options.ignore_remote_data {
                leads.iter_mut().for_each(|l| l.remote_data = None);
            }
            if options.is_plain() {
                let capacity: usize = leads
                    .iter()
                    .map(|l| UNIFIED_BYTES + l.remote_data.as_ref().map_or(0, |r| r.get().len()))
                    .sum();
                let mut out = Vec::with_capacity(capacity + 64);
                crate::write::leads_page(&mut out, &leads, next_cursor);
                return Ok(Some(out));
            }
            for mut lead in leads {
                if cancelled() {
                    return Ok(None);
                }
                if options.format == ResponseFormat::Normalized {
                    normalize::normalize_lead(&mut lead);
                }
                shaped.push(shape_lead(&lead, options, &exclusions)?);
            }
        }
        Items::Raw(records) => {
            if simple {
                let capacity = records.iter().map(|r| r.get().len() + 1).sum();
                return to_vec_sized(
                    &Envelope {
                        result: &records,
                        next_cursor,
                    },
                    capacity,
                )
                .map(Some);
            }
            for record in records {
                if cancelled() {
                    return Ok(None);
                }
                shaped.push(exclusions.apply(record).map_err(to_json_error)?);
            }
        }
    }
    finish(shaped, options, next_cursor).map(Some)
}

fn shape_lead(
    lead: &Lead,
    options: &ResponseOptions,
    exclusions: &json_edit::Exclusions,
) -> Result<Box<RawValue>> {
    let mut raw = serde_json::value::to_raw_value(lead).map_err(to_json_error)?;
    if options.format == ResponseFormat::Normalized {
        // Empty values are dropped from the unified fields, never inside the provider's record.
        raw = json_edit::drop_empty(&raw, &["remote_data"]).map_err(to_json_error)?;
    }
    exclusions.apply(raw).map_err(to_json_error)
}

fn finish(
    items: Vec<Box<RawValue>>,
    options: &ResponseOptions,
    next_cursor: Option<&str>,
) -> Result<Vec<u8>> {
    let Some(path) = &options.key_by else {
        return serde_json::to_vec(&Envelope {
            result: &items,
            next_cursor,
        })
        .map_err(to_json_error);
    };
    let mut keyed: Vec<(String, Box<RawValue>)> = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let key = json_edit::key_at(&item, path.segments()).map_err(to_json_error)?.ok_or_else(|| {
            Error::invalid(
                "truto_key_by",
                format!("result #{index} has no text or number at `{path}`; key by a field every result has, such as `id`"),
            )
        })?;
        if !seen.insert(key.clone()) {
            return Err(Error::invalid(
                "truto_key_by",
                format!("`{path}` is not unique on this page (`{key}` appears more than once), so results would be lost; key by a unique field such as `id`"),
            ));
        }
        keyed.push((key, item));
    }
    serde_json::to_vec(&Envelope {
        result: Keyed(keyed),
        next_cursor,
    })
    .map_err(to_json_error)
}

/// Edits on serialized JSON that keep untouched values byte-for-byte and keys in order.
pub mod json_edit {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;
    use std::fmt;

    /// A JSON object as ordered `(key, raw value)` pairs.
    struct Object(Vec<(String, Box<RawValue>)>);

    impl<'de> Deserialize<'de> for Object {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Object;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                    let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                    while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                        entries.push(entry);
                    }
                    Ok(Object(entries))
                }
            }
            d.deserialize_map(V)
        }
    }

    impl serde::Serialize for Object {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }

    fn kind(raw: &RawValue) -> u8 {
        raw.get()
            .bytes()
            .find(|b| !b.is_ascii_whitespace())
            .unwrap_or(b'n')
    }

    fn rebuild<T: serde::Serialize>(value: &T) -> serde_json::Result<Box<RawValue>> {
        serde_json::value::to_raw_value(value)
    }

    /// Every excluded path of a request merged into one tree, so that an item is parsed and
    /// rebuilt once per level that has something to remove, however many paths there are (one
    /// re-parse per path made 4,000 paths cost 4,000 passes over every item).
    #[derive(Debug, Default)]
    pub struct Exclusions {
        /// Child names with what to do under each: `None` removes the child, `Some` descends.
        children: Vec<(String, Option<Exclusions>)>,
    }

    impl Exclusions {
        pub fn new(paths: &[super::FieldPath]) -> Exclusions {
            let mut root = Exclusions::default();
            for path in paths {
                root.insert(path.segments());
            }
            root
        }

        fn insert(&mut self, path: &[String]) {
            let Some((head, rest)) = path.split_first() else {
                return;
            };
            let index = match self.children.iter().position(|(k, _)| k == head) {
                Some(i) => i,
                None => {
                    self.children
                        .push((head.clone(), Some(Exclusions::default())));
                    self.children.len() - 1
                }
            };
            let slot = &mut self.children[index].1;
            if rest.is_empty() {
                *slot = None; // the whole child goes; deeper paths under it are moot
            } else if let Some(child) = slot {
                child.insert(rest);
            }
        }

        pub fn is_empty(&self) -> bool {
            self.children.is_empty()
        }

        /// Removes every excluded path from `raw`; through arrays a path applies to every element.
        pub fn apply(&self, raw: Box<RawValue>) -> serde_json::Result<Box<RawValue>> {
            if self.is_empty() {
                return Ok(raw);
            }
            match kind(&raw) {
                b'{' => {
                    let object: Object = serde_json::from_str(raw.get())?;
                    let mut kept = Vec::with_capacity(object.0.len());
                    for (key, value) in object.0 {
                        match self.children.iter().find(|(k, _)| *k == key) {
                            Some((_, None)) => {}
                            Some((_, Some(below))) => kept.push((key, below.apply(value)?)),
                            None => kept.push((key, value)),
                        }
                    }
                    rebuild(&Object(kept))
                }
                b'[' => {
                    let items: Vec<Box<RawValue>> = serde_json::from_str(raw.get())?;
                    let items = items
                        .into_iter()
                        .map(|item| self.apply(item))
                        .collect::<serde_json::Result<Vec<_>>>()?;
                    rebuild(&items)
                }
                _ => Ok(raw),
            }
        }
    }

    /// The text or number at `path`, as a string key; `None` when absent, null or not a scalar.
    pub fn key_at(raw: &RawValue, path: &[String]) -> serde_json::Result<Option<String>> {
        let Some((head, rest)) = path.split_first() else {
            return Ok(match kind(raw) {
                b'"' => Some(serde_json::from_str::<String>(raw.get())?),
                b'-' | b'0'..=b'9' => Some(raw.get().trim().to_owned()),
                _ => None,
            });
        };
        if kind(raw) != b'{' {
            return Ok(None);
        }
        let object: Object = serde_json::from_str(raw.get())?;
        match object.0.iter().find(|(k, _)| k == head) {
            Some((_, child)) => key_at(child, rest),
            None => Ok(None),
        }
    }

    /// Drops `null` values and empty arrays from objects, recursively, except under the top-level
    /// keys in `keep` (the provider's raw record is never rewritten).
    pub fn drop_empty(raw: &RawValue, keep: &[&str]) -> serde_json::Result<Box<RawValue>> {
        fn is_empty(v: &RawValue) -> bool {
            let t = v.get().trim();
            t == "null" || (t.starts_with('[') && t[1..].trim_start() == "]")
        }
        match kind(raw) {
            b'{' => {
                let object: Object = serde_json::from_str(raw.get())?;
                let mut out = Vec::with_capacity(object.0.len());
                for (k, v) in object.0 {
                    if keep.contains(&k.as_str()) {
                        out.push((k, v));
                    } else if !is_empty(&v) {
                        let v = drop_empty(&v, &[])?;
                        if !is_empty(&v) {
                            out.push((k, v));
                        }
                    }
                }
                rebuild(&Object(out))
            }
            b'[' => {
                let items: Vec<Box<RawValue>> = serde_json::from_str(raw.get())?;
                let items = items
                    .iter()
                    .filter(|v| !is_empty(v))
                    .map(|v| drop_empty(v, &[]))
                    .collect::<serde_json::Result<Vec<_>>>()?;
                rebuild(&items)
            }
            _ => Ok(raw.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RateLimit;
    use crate::lead::{EmailAddress, Field, Ref};

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    fn leads() -> Vec<Lead> {
        (1..=2)
            .map(|i| Lead {
                owner: Ref::field(Some(format!("o{i}"))),
                title: Field::Null,
                email_addresses: Some(vec![EmailAddress {
                    email: format!("{i}@x.com"),
                    kind: None,
                }]),
                phone_numbers: Some(vec![]),
                remote_data: Some(raw(&format!(
                    r#"{{"id":{i}2345678901234567890,"price":1.10,"n":null}}"#
                ))),
                ..Lead::new(format!("L{i}"))
            })
            .collect()
    }

    fn page(items: Items) -> ListedPage {
        ListedPage {
            items,
            next_cursor: Some("c1".into()),
            rate_limit: RateLimit::default(),
        }
    }

    fn render_str(items: Items, q: &str) -> String {
        let opts = crate::params::ListRequest::from_query_string(q)
            .unwrap()
            .options;
        String::from_utf8(render(page(items), &opts).unwrap()).unwrap()
    }

    #[test]
    fn plain_envelope_keeps_remote_data_exact() {
        let out = render_str(Items::Leads(leads()), "");
        assert!(out.starts_with(r#"{"result":[{"id":"L1","owner":{"id":"o1"},"title":null,"email_addresses":[{"email":"1@x.com","type":null}],"phone_numbers":[],"remote_data":{"id":12345678901234567890,"price":1.10,"n":null}}"#));
        assert!(out.ends_with(r#"],"next_cursor":"c1"}"#));
    }

    #[test]
    fn ignore_remote_data_and_exclude_fields() {
        let out = render_str(
            Items::Leads(leads()),
            "truto_ignore_remote_data=true&truto_exclude_fields=owner.id,email_addresses.type",
        );
        assert_eq!(
            out,
            r#"{"result":[{"id":"L1","owner":{},"title":null,"email_addresses":[{"email":"1@x.com"}],"phone_numbers":[]},{"id":"L2","owner":{},"title":null,"email_addresses":[{"email":"2@x.com"}],"phone_numbers":[]}],"next_cursor":"c1"}"#
        );
        let out = render_str(
            Items::Leads(leads()),
            "truto_exclude_fields[]=remote_data.price&truto_exclude_fields[]=owner",
        );
        assert!(
            out.contains(r#""remote_data":{"id":12345678901234567890,"n":null}"#),
            "{out}"
        );
        assert!(!out.contains("owner"));
    }

    #[test]
    fn key_by_keeps_page_order_and_refuses_duplicates() {
        let out = render_str(
            Items::Leads(leads()),
            "truto_key_by=owner.id&truto_ignore_remote_data=true",
        );
        assert!(out.starts_with(r#"{"result":{"o1":{"id":"L1""#), "{out}");
        assert!(out.contains(r#""o2":{"id":"L2""#));

        let mut dup = leads();
        dup[1].owner = Ref::field(Some("o1".into()));
        let opts = crate::params::ListRequest::from_query_string("truto_key_by=owner.id")
            .unwrap()
            .options;
        let err = render(page(Items::Leads(dup)), &opts)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not unique"), "{err}");

        let err = render(
            page(Items::Leads(leads())),
            &crate::params::ListRequest::from_query_string("truto_key_by=nope")
                .unwrap()
                .options,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("has no text or number at `nope`"), "{err}");
    }

    #[test]
    fn raw_format_with_key_by_on_provider_fields() {
        let records = vec![raw(r#"{"Id":"00Q1","x":1}"#), raw(r#"{"Id":"00Q2","x":2}"#)];
        let out = render_str(
            Items::Raw(records),
            "truto_key_by=Id&truto_exclude_fields=x",
        );
        assert_eq!(
            out,
            r#"{"result":{"00Q1":{"Id":"00Q1"},"00Q2":{"Id":"00Q2"}},"next_cursor":"c1"}"#
        );
    }

    #[test]
    fn normalized_drops_nulls_and_empty_lists_but_not_in_remote_data() {
        let out = render_str(Items::Leads(leads()), "truto_response_format=normalized");
        assert!(out.starts_with(r#"{"result":[{"id":"L1","owner":{"id":"o1"},"email_addresses":[{"email":"1@x.com"}],"remote_data":{"id":12345678901234567890,"price":1.10,"n":null}}"#), "{out}");
    }

    #[test]
    fn exclusions_merge_into_one_pass_with_the_same_result() {
        let lead = raw(r#"{"a":{"b":1,"c":[{"d":1,"e":2},{"d":3}]},"f":5,"g":{"h":null}}"#);
        let paths: Vec<FieldPath> = ["a.c.d", "g", "a.b", "g.h", "a.c.d", "nope.x"]
            .into_iter()
            .map(|p| FieldPath::parse(p).unwrap())
            .collect();
        let out = json_edit::Exclusions::new(&paths).apply(lead).unwrap();
        assert_eq!(out.get(), r#"{"a":{"c":[{"e":2},{}]},"f":5}"#);
    }

    #[test]
    fn exclusions_are_deduplicated_and_capped() {
        let many: Vec<String> = (0..4000).map(|_| "remote_data.x".to_owned()).collect();
        let r = crate::params::ListRequest::from_query_string(&format!(
            "truto_exclude_fields={}",
            many.join(",")
        ))
        .unwrap();
        assert_eq!(r.options.exclude_fields.len(), 1);

        let distinct: Vec<String> = (0..=MAX_EXCLUDE_FIELDS).map(|i| format!("f{i}")).collect();
        let err = crate::params::ListRequest::from_query_string(&format!(
            "truto_exclude_fields={}",
            distinct.join(",")
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(&format!("more than {MAX_EXCLUDE_FIELDS} distinct fields")),
            "{err}"
        );
        let deep = ["a"; MAX_PATH_DEPTH + 1].join(".");
        let err =
            crate::params::ListRequest::from_query_string(&format!("truto_exclude_fields={deep}"))
                .unwrap_err()
                .to_string();
        assert!(err.contains(&format!("at most {MAX_PATH_DEPTH}")), "{err}");
    }

    #[test]
    fn rendering_stops_once_cancelled() {
        let opts = crate::params::ListRequest::from_query_string("truto_exclude_fields=title")
            .unwrap()
            .options;
        let calls = std::cell::Cell::new(0);
        let out = render_unless(page(Items::Leads(leads())), &opts, &|| {
            calls.set(calls.get() + 1);
            calls.get() > 1
        })
        .unwrap();
        assert!(out.is_none());
        assert_eq!(
            calls.get(),
            2,
            "checked before each item, stopped at the second"
        );
    }

    #[test]
    fn field_path_parse() {
        assert!(FieldPath::parse("a.b").is_ok());
        assert!(FieldPath::parse("").is_err());
        assert!(FieldPath::parse(".a").is_err());
    }
}
