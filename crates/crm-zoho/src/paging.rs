//! Paging state carried in our cursor, and the choice of the next page.
//!
//! Zoho serves the first 2,000 records of a listing through `page` (1-based) and everything
//! after that only through `page_token` (from the previous answer's `info.next_page_token`); the
//! two are mutually exclusive, and asking for a `page` past 2,000 records fails with
//! `DISCRETE_PAGINATION_LIMIT_EXCEEDED`.
//!
//! Choice: page with `page` while the *whole* next page stays within the first 2,000 records
//! (`page × per_page ≤ 2000`), then switch to `page_token` for good. Plain pages work on every API
//! version (v2 has no tokens) and never expire (tokens live 24 hours); the switch happens exactly
//! where `page` stops working, so `DISCRETE_PAGINATION_LIMIT_EXCEEDED` cannot be provoked by our
//! paging. A token Zoho sends before the boundary is ignored.
//!
//! The walk's `per_page` lives in the state: the page numbers only line up with the records
//! already returned if every page of the walk has the same size, so a caller who changes `limit`
//! mid-walk keeps the size the walk started with (no record skipped or repeated); a new `limit`
//! takes effect on the next walk.

use crate::capabilities::MAX_PAGE_SIZE;
use crm_core::{Error, PagingState, Result};
use serde::{Deserialize, Serialize};

/// Longest `page_token` we carry (Zoho's are a few dozen characters; the cursor itself is capped
/// at 4 KiB by crm-core).
pub const MAX_TOKEN_LEN: usize = 1024;

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// `page=<n>` (1-based), within the first 2,000 records.
    Page(u32),
    /// `page_token=<token>`, past them.
    Token(String),
}

/// The connector's paging state between two pages (in the cursor as [`WireState`]'s JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WireState", into = "WireState")]
pub struct PageState {
    pub position: Position,
    /// `per_page` of the whole walk; `None` when the caller asked for Zoho's natural page size
    /// (`truto_ignore_limit`) and no size is sent.
    pub per_page: Option<u32>,
}

/// The state as it sits in a cursor: `{"page": 3, "per_page": 2}` or
/// `{"page_token": "…", "per_page": 2}` (`per_page` absent for the natural size).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    per_page: Option<u32>,
}

fn invalid(why: impl std::fmt::Display) -> Error {
    Error::InvalidCursor(format!(
        "it does not hold a valid Zoho CRM paging position ({why}); pass next_cursor exactly as the previous page returned it, or omit it to start over"
    ))
}

/// Whether `page` of size `per_page` ends within the first `limit` records. Without a size sent,
/// Zoho's largest page is assumed, which can only switch to tokens earlier, never too late.
pub fn page_fits(page: u32, per_page: Option<u32>, limit: u32) -> bool {
    u64::from(page) * u64::from(per_page.unwrap_or(MAX_PAGE_SIZE)) <= u64::from(limit)
}

/// Checks a page token before it goes into a cursor or to Zoho: non-empty, at most
/// [`MAX_TOKEN_LEN`] bytes, only URL-safe and base64 characters.
pub fn check_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("the page token is empty".into());
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(format!(
            "the page token is {} bytes long, more than {MAX_TOKEN_LEN}",
            token.len()
        ));
    }
    if let Some(c) = token
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~+/=%".contains(*c)))
    {
        return Err(format!(
            "the page token contains the character {c:?}, which Zoho page tokens do not use"
        ));
    }
    Ok(())
}

/// The shape checks of a decoded state: anything that could make us send a request Zoho refuses
/// (a malformed token, a page size over 200, page 1 or both positions) never becomes a state.
impl TryFrom<WireState> for PageState {
    type Error = String;

    fn try_from(wire: WireState) -> std::result::Result<Self, String> {
        if let Some(per_page) = wire.per_page {
            if !(1..=MAX_PAGE_SIZE).contains(&per_page) {
                return Err(format!(
                    "per_page {per_page} is outside 1..={MAX_PAGE_SIZE}"
                ));
            }
        }
        let position = match (wire.page, wire.page_token) {
            (Some(_), Some(_)) => return Err("it holds both a page and a page token".into()),
            (None, None) => return Err("it holds neither a page nor a page token".into()),
            (Some(page), None) if page < 2 => {
                return Err(format!("page {page} is never a next page"))
            }
            (Some(page), None) => Position::Page(page),
            (None, Some(token)) => {
                check_token(&token)?;
                Position::Token(token)
            }
        };
        Ok(PageState {
            position,
            per_page: wire.per_page,
        })
    }
}

impl From<PageState> for WireState {
    fn from(state: PageState) -> WireState {
        let (page, page_token) = match state.position {
            Position::Page(n) => (Some(n), None),
            Position::Token(t) => (None, Some(t)),
        };
        WireState {
            page,
            page_token,
            per_page: state.per_page,
        }
    }
}

impl PagingState for PageState {}

impl PageState {
    /// A page position must end within the connector's discrete-paging `limit` (it is configurable
    /// per connector, so this check runs when the state is used, not when it is decoded).
    pub fn within(&self, limit: u32) -> Result<()> {
        match self.position {
            Position::Page(page) if !page_fits(page, self.per_page, limit) => Err(invalid(
                format_args!("page {page} reaches past the first {limit} records"),
            )),
            _ => Ok(()),
        }
    }

    /// Decodes a cursor's state and checks it against `limit`.
    pub fn decode(value: &serde_json::Value, limit: u32) -> Result<PageState> {
        let state: PageState = crm_core::connector::decode_state(crate::PROVIDER, value)?;
        state.within(limit)?;
        Ok(state)
    }

    /// The state as cursor JSON.
    pub fn encode(&self) -> serde_json::Value {
        crm_core::cursor::state_to(self)
    }
}

/// What Zoho's `info` said about the rest of the listing.
#[derive(Debug, Clone, Copy)]
pub struct MoreInfo<'a> {
    pub more_records: bool,
    pub next_page_token: Option<&'a str>,
}

/// The state for the page after the one fetched at `current`, or `None` when Zoho says there are
/// no more records. Fails (as an unreadable answer) when more records exist but cannot be reached.
pub fn next_state(
    current: &Position,
    per_page: Option<u32>,
    info: MoreInfo<'_>,
    limit: u32,
) -> Result<Option<PageState>, String> {
    if !info.more_records {
        return Ok(None);
    }
    if let Position::Page(n) = current {
        if let Some(next) = n.checked_add(1).filter(|p| page_fits(*p, per_page, limit)) {
            return Ok(Some(PageState {
                position: Position::Page(next),
                per_page,
            }));
        }
    }
    let token = info
        .next_page_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| match current {
            Position::Page(_) => format!(
                "it says more leads follow the first {limit} but sent no info.next_page_token, the only way past them (API versions before v3 send none; configure api_version v3 or later)"
            ),
            Position::Token(_) => {
                "it says more leads follow (info.more_records is true) but sent no info.next_page_token".to_owned()
            }
        })?;
    check_token(token).map_err(|why| format!("its info.next_page_token is unusable: {why}"))?;
    Ok(Some(PageState {
        position: Position::Token(token.to_owned()),
        per_page,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIMIT: u32 = crate::config::DISCRETE_PAGING_LIMIT;

    fn more(token: Option<&str>) -> MoreInfo<'_> {
        MoreInfo {
            more_records: true,
            next_page_token: token,
        }
    }

    fn page(n: u32, per_page: Option<u32>) -> Option<PageState> {
        Some(PageState {
            position: Position::Page(n),
            per_page,
        })
    }

    fn token(t: &str, per_page: Option<u32>) -> Option<PageState> {
        Some(PageState {
            position: Position::Token(t.into()),
            per_page,
        })
    }

    #[test]
    fn no_more_records_ends_the_walk_in_both_modes() {
        let done = MoreInfo {
            more_records: false,
            next_page_token: Some("ignored"),
        };
        assert_eq!(
            next_state(&Position::Page(1), Some(200), done, LIMIT),
            Ok(None)
        );
        assert_eq!(
            next_state(&Position::Token("t".into()), Some(200), done, LIMIT),
            Ok(None)
        );
    }

    #[test]
    fn real_boundary_with_full_pages_switches_after_page_ten() {
        // Pages 1..=10 of 200 are the first 2,000 records; a token Zoho offers early is ignored.
        for n in 1..10 {
            assert_eq!(
                next_state(&Position::Page(n), Some(200), more(Some("tok")), LIMIT),
                Ok(page(n + 1, Some(200)))
            );
        }
        assert_eq!(
            next_state(&Position::Page(10), Some(200), more(Some("tok11")), LIMIT),
            Ok(token("tok11", Some(200)))
        );
        assert_eq!(
            next_state(
                &Position::Token("tok11".into()),
                Some(200),
                more(Some("tok12")),
                LIMIT
            ),
            Ok(token("tok12", Some(200)))
        );
    }

    #[test]
    fn real_boundary_with_sizes_that_do_not_divide_2000() {
        // 150 × 13 = 1,950; page 14 would end at 2,100.
        assert_eq!(
            next_state(&Position::Page(12), Some(150), more(Some("t")), LIMIT),
            Ok(page(13, Some(150)))
        );
        assert_eq!(
            next_state(&Position::Page(13), Some(150), more(Some("t")), LIMIT),
            Ok(token("t", Some(150)))
        );
        // 7 × 285 = 1,995; page 286 would end at 2,002.
        assert_eq!(
            next_state(&Position::Page(285), Some(7), more(Some("t")), LIMIT),
            Ok(token("t", Some(7)))
        );
        // Size 1: page 2,000 is the last plain page.
        assert_eq!(
            next_state(&Position::Page(1999), Some(1), more(None), LIMIT),
            Ok(page(2000, Some(1)))
        );
        assert_eq!(
            next_state(&Position::Page(2000), Some(1), more(Some("t")), LIMIT),
            Ok(token("t", Some(1)))
        );
    }

    #[test]
    fn natural_page_size_assumes_the_largest_page() {
        assert_eq!(
            next_state(&Position::Page(9), None, more(Some("t")), LIMIT),
            Ok(page(10, None))
        );
        assert_eq!(
            next_state(&Position::Page(10), None, more(Some("t")), LIMIT),
            Ok(token("t", None))
        );
    }

    #[test]
    fn every_page_of_every_walk_stays_within_the_limit() {
        for per_page in 1..=MAX_PAGE_SIZE {
            let mut position = Position::Page(1);
            let mut pages = 0;
            while let Position::Page(n) = position {
                assert!(u64::from(n) * u64::from(per_page) <= 2000, "{per_page} {n}");
                position = next_state(&position, Some(per_page), more(Some("t")), LIMIT)
                    .unwrap()
                    .unwrap()
                    .position;
                pages += 1;
            }
            // And no plain page that would have fit was skipped.
            assert_eq!(pages, 2000 / per_page, "{per_page}");
        }
    }

    #[test]
    fn more_records_without_a_usable_token_is_an_error_not_the_end() {
        let err = next_state(&Position::Page(10), Some(200), more(None), LIMIT).unwrap_err();
        assert!(err.contains("api_version v3 or later"), "{err}");
        let err = next_state(&Position::Page(10), Some(200), more(Some("")), LIMIT).unwrap_err();
        assert!(err.contains("no info.next_page_token"), "{err}");
        let err =
            next_state(&Position::Token("a".into()), Some(200), more(None), LIMIT).unwrap_err();
        assert!(err.contains("more_records is true"), "{err}");
        let err = next_state(&Position::Page(10), Some(200), more(Some("a b")), LIMIT).unwrap_err();
        assert!(err.contains("unusable"), "{err}");
    }

    #[test]
    fn state_round_trips() {
        for state in [
            page(2, Some(50)),
            page(10, None),
            token("c8582xx9e7c7", Some(200)),
            token("abc-_.~+/=%", None),
        ] {
            let state = state.unwrap();
            assert_eq!(PageState::decode(&state.encode(), LIMIT).unwrap(), state);
        }
        assert_eq!(
            page(3, Some(2)).unwrap().encode(),
            json!({"page": 3, "per_page": 2})
        );
        assert_eq!(
            token("t", None).unwrap().encode(),
            json!({"page_token": "t"})
        );
    }

    #[test]
    fn decoded_states_are_checked() {
        let bad = [
            json!({}),
            json!({"page": 2, "page_token": "t", "per_page": 2}),
            json!({"page": 1, "per_page": 2}),
            json!({"page": 0}),
            json!({"page": 11}),
            json!({"page": 11, "per_page": 200}),
            json!({"page": 14, "per_page": 150}),
            json!({"page": 4294967295u32, "per_page": 200}),
            json!({"page": -1}),
            json!({"page": "2"}),
            json!({"page": 2, "per_page": 0}),
            json!({"page": 2, "per_page": 201}),
            json!({"page_token": ""}),
            json!({"page_token": "a&page=9"}),
            json!({"page_token": "a b"}),
            json!({"page_token": "é"}),
            json!({"page_token": "a".repeat(MAX_TOKEN_LEN + 1)}),
            json!({"page_token": 5}),
            json!({"page": 2, "extra": 1}),
            json!({"start": 200}),
            json!("page=2"),
            json!(null),
        ];
        for value in bad {
            let err = PageState::decode(&value, LIMIT).unwrap_err();
            assert!(matches!(err, Error::InvalidCursor(_)), "{value}: {err}");
        }
        assert!(PageState::decode(&json!({"page": 10}), LIMIT).is_ok());
        assert!(PageState::decode(&json!({"page": 40, "per_page": 50}), LIMIT).is_ok());
        assert!(
            PageState::decode(&json!({"page_token": "a".repeat(MAX_TOKEN_LEN)}), LIMIT).is_ok()
        );
        // A lowered limit is enforced too.
        assert!(PageState::decode(&json!({"page": 4, "per_page": 2}), 6).is_err());
        assert!(PageState::decode(&json!({"page": 3, "per_page": 2}), 6).is_ok());
    }
}
