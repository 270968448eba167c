//! Offset paging: the cursor state (`{"start": N}`) and where the next page starts.
//!
//! Rules, in order:
//! 1. `more_items_in_collection: false` -> no next page.
//! 2. `more_items_in_collection` absent and the page is empty -> no next page.
//! 3. `next_start` given -> continue there.
//! 4. Otherwise (`more_items_in_collection: true`, or absent on a non-empty page) -> continue at
//!    the `start` we sent plus the number of records received. Treating "absent" on a page with
//!    records as "maybe more" costs at most one extra, empty request and never loses a lead.
//!
//! The next start must move forward (else the walk would repeat a page forever) and stay below
//! [`MAX_START`]; a decoded cursor state is held to the same bound.

use crate::records::AdditionalData;
use crm_core::{Error, PagingState, Result};
use serde::{Deserialize, Serialize};

/// Largest offset we page to or accept from a cursor: far beyond any real account's leads, and
/// small enough for Pipedrive's 32-bit `start`.
pub const MAX_START: u64 = 100_000_000;

/// What a cursor carries between pages: only the next offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageState {
    pub start: u64,
}

impl PagingState for PageState {
    fn check(&self) -> std::result::Result<(), String> {
        if self.start > MAX_START {
            return Err(format!("its offset is above {MAX_START}"));
        }
        Ok(())
    }
}

fn bad_paging(message: String) -> Error {
    Error::InvalidResponse {
        provider: crate::PROVIDER,
        message,
        remote: None,
    }
}

/// Where the page after this one starts, or `None` when Pipedrive says there is no more.
pub fn next_start(
    sent_start: u64,
    records: usize,
    additional: Option<&AdditionalData>,
) -> Result<Option<u64>> {
    let pagination = additional
        .map(AdditionalData::pagination)
        .unwrap_or_default();
    let next = match (pagination.more_items_in_collection, pagination.next_start) {
        (Some(false), _) => return Ok(None),
        (None, _) if records == 0 => return Ok(None),
        (_, Some(next)) => next,
        (_, None) => sent_start.saturating_add(records as u64),
    };
    if next <= sent_start {
        return Err(bad_paging(format!(
            "Pipedrive says more leads follow the page at start={sent_start} but points the next page at start={next}; stopping instead of repeating the page"
        )));
    }
    if next > MAX_START {
        return Err(bad_paging(format!(
            "Pipedrive's next page starts at {next}, beyond the {MAX_START} leads this connector pages through; narrow the request with filters"
        )));
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn additional(json: serde_json::Value) -> AdditionalData {
        serde_json::from_value(json).unwrap()
    }

    fn decode(value: &serde_json::Value) -> Result<PageState> {
        crm_core::connector::decode_state(crate::PROVIDER, value)
    }

    #[test]
    fn state_round_trips_and_is_checked() {
        let state = crm_core::cursor::state_to(&PageState { start: 200 });
        assert_eq!(state, json!({"start": 200}));
        assert_eq!(decode(&state).unwrap().start, 200);
        for bad in [
            json!({"start": -1}),
            json!({"start": "200"}),
            json!({"start": 1.5}),
            json!({"start": MAX_START + 1}),
            json!({"start": 0, "token": "x"}),
            json!({}),
            json!(null),
            json!([200]),
        ] {
            let err = decode(&bad).unwrap_err();
            assert!(matches!(err, Error::InvalidCursor(_)), "{bad}");
        }
    }

    #[test]
    fn flat_and_nested_shapes() {
        let flat = additional(json!({"start": 0, "limit": 2, "more_items_in_collection": true}));
        assert_eq!(next_start(0, 2, Some(&flat)).unwrap(), Some(2));
        let nested = additional(
            json!({"pagination": {"start": 2, "limit": 2, "more_items_in_collection": true, "next_start": 4}}),
        );
        assert_eq!(next_start(2, 2, Some(&nested)).unwrap(), Some(4));
        let last = additional(
            json!({"pagination": {"start": 4, "limit": 2, "more_items_in_collection": false}}),
        );
        assert_eq!(next_start(4, 1, Some(&last)).unwrap(), None);
    }

    #[test]
    fn next_start_wins_over_counting() {
        // Pipedrive can return fewer visible records than it skipped; its next_start is authoritative.
        let nested = additional(
            json!({"pagination": {"start": 0, "limit": 3, "more_items_in_collection": true, "next_start": 3}}),
        );
        assert_eq!(next_start(0, 1, Some(&nested)).unwrap(), Some(3));
    }

    #[test]
    fn without_next_start_counts_records() {
        let nested = additional(
            json!({"pagination": {"start": 5, "limit": 3, "more_items_in_collection": true}}),
        );
        assert_eq!(next_start(5, 2, Some(&nested)).unwrap(), Some(7));
    }

    #[test]
    fn absent_flag_ends_only_on_an_empty_page() {
        assert_eq!(next_start(0, 0, None).unwrap(), None);
        assert_eq!(next_start(0, 3, None).unwrap(), Some(3));
        let empty = additional(json!({}));
        assert_eq!(next_start(10, 0, Some(&empty)).unwrap(), None);
        assert_eq!(next_start(10, 1, Some(&empty)).unwrap(), Some(11));
    }

    #[test]
    fn an_empty_page_with_more_to_come_keeps_going() {
        let nested = additional(
            json!({"pagination": {"start": 0, "more_items_in_collection": true, "next_start": 2}}),
        );
        assert_eq!(next_start(0, 0, Some(&nested)).unwrap(), Some(2));
    }

    #[test]
    fn refuses_to_loop_or_run_away() {
        let stuck = additional(json!({"more_items_in_collection": true}));
        assert!(next_start(4, 0, Some(&stuck)).is_err());
        let backwards =
            additional(json!({"pagination": {"more_items_in_collection": true, "next_start": 2}}));
        let err = next_start(4, 2, Some(&backwards)).unwrap_err();
        assert!(err.to_string().contains("start=4"), "{err}");
        let far = additional(
            json!({"pagination": {"more_items_in_collection": true, "next_start": MAX_START + 1}}),
        );
        assert!(next_start(0, 2, Some(&far)).is_err());
    }
}
