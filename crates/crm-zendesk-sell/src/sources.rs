//! Lead source names: a lead holds only `source_id`; the names come from `GET /v2/lead_sources`
//! (`{id, name}`), read once per connector (one connected account) and cached, never per lead or
//! per page. The same table turns the `lead_source` filter's name into a `source_id`.

use crate::records::{Collection, SourceItem};
use crm_core::transport::Request;
use crm_core::{Error, Result};
use std::collections::HashMap;

/// Sources per page of `/v2/lead_sources` (the API's maximum).
pub const PER_PAGE: u32 = 100;

/// More pages than any account has sources; the read stops there rather than loop.
pub const MAX_PAGES: u64 = 100;

/// One account's lead sources, by id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sources {
    names: HashMap<String, String>,
}

impl Sources {
    pub fn name(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    /// The id of the source named `name` (exact; else case-insensitive when that is unique).
    /// `Ok(None)` when no source has the name; an error when several do.
    pub fn id_of(&self, name: &str) -> Result<Option<&str>> {
        let name = name.trim();
        let find = |eq: &dyn Fn(&str) -> bool| -> Vec<&str> {
            let mut ids: Vec<&str> = self
                .names
                .iter()
                .filter(|(_, n)| eq(n))
                .map(|(id, _)| id.as_str())
                .collect();
            ids.sort_unstable();
            ids
        };
        let mut ids = find(&|n| n == name);
        if ids.is_empty() {
            ids = find(&|n| n.eq_ignore_ascii_case(name));
        }
        match ids.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(Error::invalid(
                "lead_source",
                format!(
                    "several Zendesk Sell lead sources are named `{}`; rename them so the name is unique",
                    crm_core::text::shorten(name)
                ),
            )),
        }
    }

    /// Adds one page of `/v2/lead_sources`; returns how many sources it held.
    pub fn read_page(&mut self, page: Collection<SourceItem<'_>>) -> usize {
        let count = page.items.len();
        for item in page.items {
            if let Some(name) = item.data.name {
                let name = crm_core::text::trim(name.as_str());
                if !name.is_empty() {
                    self.names
                        .insert(item.data.id.0.trim().to_owned(), name.to_owned());
                }
            }
        }
        count
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The request for one page of sources.
pub fn request(page: u64) -> Request {
    Request::get(crate::config::LEAD_SOURCES_PATH)
        .query("page", page.to_string())
        .query("per_page", PER_PAGE.to_string())
        .query("sort_by", "id:asc")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(json: &str) -> Sources {
        let mut s = Sources::default();
        s.read_page(serde_json::from_str(json).unwrap());
        s
    }

    #[test]
    fn names_by_id_and_ids_by_name() {
        let s = sources(
            r#"{"items":[{"data":{"id":1,"name":"Website"}},{"data":{"id":2,"name":" Référence "}},{"data":{"id":3,"name":null}},{"data":{"id":4,"name":"website"}}],"meta":{}}"#,
        );
        assert_eq!(s.name("2"), Some("Référence"));
        assert_eq!(s.name("3"), None);
        assert_eq!(s.id_of("Website").unwrap(), Some("1"));
        assert_eq!(s.id_of("Référence").unwrap(), Some("2"));
        assert_eq!(s.id_of("Nope").unwrap(), None);
        assert!(s.id_of("WEBSITE").is_err());
    }
}
