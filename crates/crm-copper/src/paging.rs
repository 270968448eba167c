//! Page-number paging over Copper's search, and the state a cursor carries between pages.
//!
//! The state keeps the walk's page size as well as the next page number: offsets are
//! `(page_number - 1) * page_size`, so a walk that changed `limit` half-way would skip or repeat
//! leads. Later pages therefore ignore the request's `limit` and keep the size the walk began with.

use crate::capabilities::{MAX_PAGE_SIZE, NATURAL_PAGE_SIZE};
use crm_core::{Error, PagingState, Result};
use serde::{Deserialize, Serialize};

/// Copper's search returns at most this many results (`page_number * page_size`).
pub const SEARCH_RESULT_CAP: u64 = 100_000;

/// Where a walk is: the page to fetch and the page size it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageState {
    /// 1-based.
    pub page_number: u32,
    /// 1..=200; with `truto_ignore_limit`, Copper's natural 20.
    pub page_size: u32,
}

impl PageState {
    /// The first page of a walk; `None` (truto_ignore_limit) means Copper's natural page size.
    pub fn first(page_size: Option<u32>) -> PageState {
        PageState {
            page_number: 1,
            page_size: page_size
                .unwrap_or(NATURAL_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// A page past Copper's result cap is a clear error naming what to do, never a silent end.
    pub fn within_search_cap(&self) -> Result<()> {
        if u64::from(self.page_number) * u64::from(self.page_size) > SEARCH_RESULT_CAP {
            return Err(Error::invalid(
                "next_cursor",
                format!(
                    "Copper's lead search returns only the first {SEARCH_RESULT_CAP} results and page {} of {} leads would go past them; split the listing into narrower requests (for example created_at[gte]/created_at[lt] ranges) and list each one",
                    self.page_number, self.page_size
                ),
            ));
        }
        Ok(())
    }

    /// The state after a page that held `received` records: a page shorter than the page size is
    /// the last one; after a full page comes the next (possibly empty) one.
    pub fn next(&self, received: usize) -> Option<PageState> {
        let full = u64::try_from(received).unwrap_or(u64::MAX) >= u64::from(self.page_size);
        if !full {
            return None;
        }
        self.ahead(1)
    }

    /// The position `pages` pages further on. Predictions beyond the next page stop at Copper's
    /// search cap; the next page itself is always given, and decoding it reports the cap.
    pub fn ahead(&self, pages: u32) -> Option<PageState> {
        let state = PageState {
            page_number: self.page_number.checked_add(pages)?,
            page_size: self.page_size,
        };
        let within_cap =
            u64::from(state.page_number) * u64::from(state.page_size) <= SEARCH_RESULT_CAP;
        (pages == 1 || within_cap).then_some(state)
    }
}

impl PagingState for PageState {
    fn check(&self) -> std::result::Result<(), String> {
        if self.page_number == 0 {
            return Err("its page number is 0 (pages start at 1)".into());
        }
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(format!(
                "its page size {} is outside 1..={MAX_PAGE_SIZE}",
                self.page_size
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_page() {
        assert_eq!(
            PageState::first(Some(50)),
            PageState {
                page_number: 1,
                page_size: 50
            }
        );
        assert_eq!(PageState::first(None).page_size, 20);
        assert_eq!(PageState::first(Some(1000)).page_size, 200);
        assert_eq!(PageState::first(Some(0)).page_size, 1);
    }

    #[test]
    fn short_page_ends_full_page_continues() {
        let s = PageState {
            page_number: 3,
            page_size: 2,
        };
        assert_eq!(s.next(1), None);
        assert_eq!(s.next(0), None);
        assert_eq!(
            s.next(2),
            Some(PageState {
                page_number: 4,
                page_size: 2
            })
        );
        // An over-full page (Copper ignoring page_size) still continues: no lead is dropped.
        assert_eq!(s.next(5).map(|n| n.page_number), Some(4));
    }

    #[test]
    fn positions_ahead_stop_at_the_cap() {
        let s = PageState {
            page_number: 498,
            page_size: 200,
        };
        assert_eq!(s.ahead(2).map(|a| a.page_number), Some(500));
        assert_eq!(s.ahead(3), None);
        // The next page itself is always given: decoding it reports the cap clearly.
        let last = PageState {
            page_number: 500,
            page_size: 200,
        };
        assert_eq!(last.next(200).map(|a| a.page_number), Some(501));
        assert_eq!(
            PageState {
                page_number: u32::MAX,
                page_size: 1
            }
            .next(1),
            None
        );
    }

    fn decode(value: &serde_json::Value) -> Result<PageState> {
        let state = crm_core::connector::decode_state::<PageState>(crate::PROVIDER, value)?;
        state.within_search_cap()?;
        Ok(state)
    }

    #[test]
    fn decode_checks_shape_and_range() {
        let ok = decode(&json!({"page_number": 2, "page_size": 200})).unwrap();
        assert_eq!(ok.page_number, 2);
        assert!(decode(&json!({"page_number": 500, "page_size": 200})).is_ok());

        for bad in [
            json!({"page_number": 0, "page_size": 20}),
            json!({"page_number": 2, "page_size": 0}),
            json!({"page_number": 2, "page_size": 201}),
            json!({"page_number": -1, "page_size": 20}),
            json!({"page_number": "2", "page_size": 20}),
            json!({"page_number": 2}),
            json!({"page_number": 2, "page_size": 20, "extra": 1}),
            json!({"start": 40}),
            json!(null),
            json!([2, 20]),
        ] {
            assert!(
                matches!(decode(&bad), Err(Error::InvalidCursor(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn past_the_search_cap_is_a_clear_error() {
        let err = decode(&json!({"page_number": 501, "page_size": 200})).unwrap_err();
        assert_eq!(err.http_status(), 400);
        let text = err.to_string();
        assert!(
            text.contains("100000") && text.contains("created_at"),
            "{text}"
        );
    }
}
