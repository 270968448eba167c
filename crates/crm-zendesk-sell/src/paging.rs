//! Page-number paging: the cursor state (`{"page": N}`, 1-based) and whether a next page exists.
//!
//! Zendesk Sell's last page is told two ways, and both are honoured:
//! 1. an empty `items` array -> no next page;
//! 2. `meta.links` present without `next_page` -> no next page.
//!
//! Otherwise (a `next_page` link, or an answer without `meta.links` at all, as the SDKs' fixtures
//! show) the next page is our own counter plus one. The page number is never read back from the
//! link, so there is no digit limit: page 1,000 and beyond work like page 2.

use crate::records::CollectionMeta;
use crm_core::{Error, PagingState, Result};
use serde::{Deserialize, Serialize};

/// Largest page number we page to or accept from a cursor (a billion leads at 100 a page).
pub const MAX_PAGE: u64 = 10_000_000;

/// What a cursor carries between pages: only the next page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageState {
    pub page: u64,
}

impl PagingState for PageState {
    fn check(&self) -> std::result::Result<(), String> {
        if self.page == 0 {
            return Err("page numbers start at 1".to_owned());
        }
        if self.page > MAX_PAGE {
            return Err(format!("its page number is above {MAX_PAGE}"));
        }
        Ok(())
    }
}

/// The page after `page`, or `None` when Zendesk Sell says this one is the last.
pub fn next_page(page: u64, records: usize, meta: Option<&CollectionMeta>) -> Result<Option<u64>> {
    if records == 0 || meta.and_then(CollectionMeta::has_next_link) == Some(false) {
        return Ok(None);
    }
    let next = page.saturating_add(1);
    if next > MAX_PAGE {
        return Err(Error::InvalidResponse {
            provider: crate::PROVIDER,
            message: format!(
                "Zendesk Sell says more leads follow page {page}, beyond the {MAX_PAGE} pages this connector walks; narrow the request with filters"
            ),
            remote: None,
        });
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(json: serde_json::Value) -> CollectionMeta {
        serde_json::from_value(json).unwrap()
    }

    fn decode(value: &serde_json::Value) -> Result<PageState> {
        crm_core::connector::decode_state(crate::PROVIDER, value)
    }

    #[test]
    fn state_round_trips_and_is_checked() {
        let state = crm_core::cursor::state_to(&PageState { page: 1000 });
        assert_eq!(state, json!({"page": 1000}));
        assert_eq!(decode(&state).unwrap().page, 1000);
        for bad in [
            json!({"page": 0}),
            json!({"page": -1}),
            json!({"page": "2"}),
            json!({"page": 1.5}),
            json!({"page": MAX_PAGE + 1}),
            json!({"page": 2, "x": 1}),
            json!({}),
            json!(null),
        ] {
            assert!(
                matches!(decode(&bad), Err(Error::InvalidCursor(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn both_end_conditions() {
        let with_next = meta(json!({"links": {"self": "s", "next_page": "n?page=3"}}));
        assert_eq!(next_page(2, 25, Some(&with_next)).unwrap(), Some(3));
        let without = meta(json!({"links": {"self": "s"}}));
        assert_eq!(next_page(2, 25, Some(&without)).unwrap(), None);
        // An empty page ends the walk even when a next link is there.
        assert_eq!(next_page(2, 0, Some(&with_next)).unwrap(), None);
        // No links at all: keep going until an empty page.
        let sdk = meta(json!({"length": 2}));
        assert_eq!(next_page(1, 2, Some(&sdk)).unwrap(), Some(2));
        assert_eq!(next_page(1, 2, None).unwrap(), Some(2));
        assert_eq!(next_page(1, 0, None).unwrap(), None);
    }

    #[test]
    fn page_numbers_past_999_are_plain_numbers() {
        let link = meta(
            json!({"links": {"next_page": "https://api.getbase.com/v2/leads?page=1001&per_page=100"}}),
        );
        assert_eq!(next_page(1000, 100, Some(&link)).unwrap(), Some(1001));
        assert_eq!(next_page(123_456, 1, None).unwrap(), Some(123_457));
        assert!(next_page(MAX_PAGE, 1, None).is_err());
    }
}
