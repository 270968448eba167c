//! Offset paging over Insightly's bare-array lists (`skip`/`top`), and the state a cursor carries
//! between pages.
//!
//! The state keeps the walk's `top` as well as the next `skip`: a walk that changed `limit`
//! half-way would otherwise skip or repeat leads, so later pages keep the size the walk began with.

use crate::capabilities::{MAX_PAGE_SIZE, NATURAL_PAGE_SIZE};
use crm_core::PagingState;
use serde::{Deserialize, Serialize};

/// `skip` is an int32 in Insightly's spec: no position past it is issued or accepted.
pub const MAX_SKIP: u64 = i32::MAX as u64;

/// Where a walk is: how many leads to skip and the page size it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageState {
    pub skip: u64,
    /// 1..=500.
    pub top: u32,
}

impl PageState {
    /// The first page of a walk; `None` (truto_ignore_limit) means the maximum, 500.
    pub fn first(page_size: Option<u32>) -> PageState {
        PageState {
            skip: 0,
            top: page_size
                .unwrap_or(NATURAL_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// The state after a page that held `received` records: a page shorter than `top` (or empty)
    /// is the last one; after a full page comes the next, possibly empty, one.
    pub fn next(&self, received: usize) -> Option<PageState> {
        let full = u64::try_from(received).unwrap_or(u64::MAX) >= u64::from(self.top);
        if !full {
            return None;
        }
        self.ahead(1)
    }

    /// The position `pages` pages further on, while `skip` stays an int32.
    pub fn ahead(&self, pages: u32) -> Option<PageState> {
        let skip = self
            .skip
            .checked_add(u64::from(pages).checked_mul(u64::from(self.top))?)?;
        (skip <= MAX_SKIP).then_some(PageState {
            skip,
            top: self.top,
        })
    }
}

impl PagingState for PageState {
    fn check(&self) -> std::result::Result<(), String> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.top) {
            return Err(format!(
                "its page size {} is outside 1..={MAX_PAGE_SIZE}",
                self.top
            ));
        }
        if self.skip > MAX_SKIP {
            return Err(format!("its offset {} is past {MAX_SKIP}", self.skip));
        }
        if self.skip % u64::from(self.top) != 0 {
            return Err(format!(
                "its offset {} is not a multiple of its page size {}",
                self.skip, self.top
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::Error;
    use serde_json::json;

    #[test]
    fn first_page() {
        assert_eq!(PageState::first(Some(50)), PageState { skip: 0, top: 50 });
        assert_eq!(PageState::first(None).top, 500);
        assert_eq!(PageState::first(Some(1000)).top, 500);
        assert_eq!(PageState::first(Some(0)).top, 1);
    }

    #[test]
    fn short_page_ends_full_page_continues() {
        let s = PageState { skip: 4, top: 2 };
        assert_eq!(s.next(1), None);
        assert_eq!(s.next(0), None);
        assert_eq!(s.next(2), Some(PageState { skip: 6, top: 2 }));
        assert_eq!(s.next(5), Some(PageState { skip: 6, top: 2 }));
        assert_eq!(s.ahead(3), Some(PageState { skip: 10, top: 2 }));
        let last = PageState {
            skip: MAX_SKIP - 1,
            top: 1,
        };
        assert_eq!(last.next(1).map(|s| s.skip), Some(MAX_SKIP));
        assert_eq!(last.ahead(2), None);
    }

    fn decode(value: &serde_json::Value) -> crm_core::Result<PageState> {
        crm_core::connector::decode_state::<PageState>(crate::PROVIDER, value)
    }

    #[test]
    fn decode_checks_shape_and_range() {
        assert_eq!(
            decode(&json!({"skip": 500, "top": 500})).unwrap(),
            PageState {
                skip: 500,
                top: 500
            }
        );
        for bad in [
            json!({"skip": 0, "top": 0}),
            json!({"skip": 0, "top": 501}),
            json!({"skip": 3, "top": 2}),
            json!({"skip": -2, "top": 2}),
            json!({"skip": 4294967296u64, "top": 1}),
            json!({"skip": "0", "top": 2}),
            json!({"skip": 0}),
            json!({"skip": 0, "top": 2, "extra": 1}),
            json!({"page_number": 1, "page_size": 2}),
            json!(null),
            json!([0, 2]),
        ] {
            assert!(
                matches!(decode(&bad), Err(Error::InvalidCursor(_))),
                "{bad}"
            );
        }
    }
}
