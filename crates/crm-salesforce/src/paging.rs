//! Paging: Salesforce's query locators (`nextRecordsUrl`) carried inside our cursor.
//!
//! A query answers one batch and, while `done` is false, a `nextRecordsUrl` of the form
//! `/services/data/v62.0/query/<locator>-<offset>`; the offset addresses any position of the
//! server-side result, so a page can end inside a batch and the next page resume right after it.
//!
//! Page sizes: Salesforce takes `batchSize` 200..2000. For a `limit` below 200 the connector asks
//! for 200 and returns the first `limit` records; the cursor then points at `<locator>-<offset +
//! limit>`. When the batch that was cut short is the last one (`done: true`, so no locator to resume
//! from), the cursor instead holds the last returned `Id` and the next page re-runs the same query
//! with `Id > '<that id>'`: the order is `ORDER BY Id ASC`, a total order, so nothing is lost or
//! repeated either way.

use crate::records::QueryResponse;
use crm_core::{Error, PagingState, Result};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Salesforce's smallest and largest `batchSize`.
pub const MIN_BATCH: u32 = 200;
pub const MAX_BATCH: u32 = 2000;

/// The `batchSize` to ask for to serve a page of `page_size` records.
pub fn batch_size(page_size: u32) -> u32 {
    page_size.clamp(MIN_BATCH, MAX_BATCH)
}

/// A parsed `nextRecordsUrl`: `/services/data/<version>/query/<locator>-<offset>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLocator {
    version: String,
    locator: String,
    offset: u64,
}

impl QueryLocator {
    /// Accepts exactly `/services/data/v<1-3 digits>.<1-2 digits>/query/<1-40 letters or
    /// digits>-<1-10 digits>`; anything else (other paths, hosts, query strings, dots) is refused.
    pub fn parse(path: &str) -> Option<QueryLocator> {
        let rest = path.strip_prefix("/services/data/v")?;
        let (version, rest) = rest.split_once('/')?;
        let (major, minor) = version.split_once('.')?;
        let digits = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(major, 3) || !digits(minor, 2) {
            return None;
        }
        let tail = rest.strip_prefix("query/")?;
        let (locator, offset) = tail.split_once('-')?;
        if locator.is_empty()
            || locator.len() > 40
            || !locator.bytes().all(|b| b.is_ascii_alphanumeric())
            || !digits(offset, 10)
        {
            return None;
        }
        Some(QueryLocator {
            version: format!("v{version}"),
            locator: locator.to_owned(),
            offset: offset.parse().ok()?,
        })
    }

    /// The path to request.
    pub fn path(&self) -> String {
        format!(
            "/services/data/{}/query/{}-{}",
            self.version, self.locator, self.offset
        )
    }

    /// The same locator at another position.
    fn at(&self, offset: u64) -> QueryLocator {
        QueryLocator {
            offset,
            ..self.clone()
        }
    }
}

/// What our cursor carries (the JSON inside the signed cursor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PageState {
    /// Resume at this query-locator position.
    NextRecordsUrl(String),
    /// Re-run the query for `Id > <this id>`.
    AfterId(String),
}

impl PagingState for PageState {
    /// A locator must be a query-locator path and an id a Salesforce id, so that no decoded
    /// state can point a request anywhere else or change the SOQL.
    fn check(&self) -> std::result::Result<(), String> {
        match self {
            PageState::NextRecordsUrl(url) if QueryLocator::parse(url).is_none() => {
                Err("its Salesforce query locator has the wrong shape".into())
            }
            PageState::AfterId(id) if !is_salesforce_id(id) => {
                Err("its Salesforce record id has the wrong shape".into())
            }
            _ => Ok(()),
        }
    }
}

/// Where the page being fetched starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// Run the SOQL query (first page), optionally only for ids after the given one.
    Query { after_id: Option<String> },
    /// Fetch from a query locator.
    Locator(QueryLocator),
}

impl Position {
    pub fn start() -> Position {
        Position::Query { after_id: None }
    }

    /// Where a (checked) cursor state resumes.
    pub fn from_state(state: &PageState) -> Result<Position> {
        match state {
            PageState::NextRecordsUrl(url) => QueryLocator::parse(url)
                .map(Position::Locator)
                .ok_or_else(|| {
                    Error::InvalidCursor(
                        "its Salesforce query locator has the wrong shape; omit next_cursor to start over".into(),
                    )
                }),
            PageState::AfterId(id) => Ok(Position::Query {
                after_id: Some(id.clone()),
            }),
        }
    }
}

/// A Salesforce record id: 15 or 18 letters and digits.
pub fn is_salesforce_id(id: &str) -> bool {
    matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn invalid(message: String) -> Error {
    Error::InvalidResponse {
        provider: crate::PROVIDER,
        message,
        remote: None,
    }
}

/// Trims the page to `page_size` records and works out the next cursor state (`None` exactly
/// when Salesforce says `done` and every record of the batch was returned).
pub fn next_state(
    current: &Position,
    page_size: Option<u32>,
    page: &mut QueryResponse,
) -> Result<Option<PageState>> {
    let next_locator = match (&page.next_records_url, page.done) {
        (None, true) => None,
        (None, false) => {
            return Err(invalid(
                "the query answer says `done: false` but carries no nextRecordsUrl, so the remaining leads cannot be fetched".into(),
            ))
        }
        (Some(url), false) => Some(QueryLocator::parse(url).ok_or_else(|| {
            invalid(format!(
                "nextRecordsUrl `{url}` is not a query-locator path of the form /services/data/vNN.N/query/<locator>-<offset>"
            ))
        })?),
        (Some(_), true) => {
            return Err(invalid(
                "the query answer says `done: true` but also carries a nextRecordsUrl; refusing to guess whether leads remain".into(),
            ))
        }
    };

    let keep = page_size.map_or(usize::MAX, |n| n as usize);
    if page.records.len() <= keep {
        return Ok(next_locator.map(|l| PageState::NextRecordsUrl(l.path())));
    }

    // The batch holds more than the caller asked for: return `keep` records, resume after them.
    page.records.truncate(keep);
    let resume = match (current, next_locator) {
        // The batch is the last: the locator may be gone, so resume by id.
        (_, None) => {
            let last = page.records.last().map(|r| record_id(r)).transpose()?;
            match last {
                Some(id) => PageState::AfterId(id),
                None => return Err(invalid("an empty page cannot be cut short".into())),
            }
        }
        (Position::Locator(here), Some(_)) => {
            PageState::NextRecordsUrl(here.at(here.offset.saturating_add(keep as u64)).path())
        }
        // A query's first batch starts at position 0 of the locator Salesforce returned.
        (Position::Query { .. }, Some(next)) => {
            PageState::NextRecordsUrl(next.at(keep as u64).path())
        }
    };
    Ok(Some(resume))
}

/// The `Id` of a raw record, checked to be a Salesforce id.
fn record_id(record: &RawValue) -> Result<String> {
    #[derive(Deserialize)]
    struct WithId<'a> {
        #[serde(rename = "Id", borrow)]
        id: Option<std::borrow::Cow<'a, str>>,
    }
    let parsed: WithId<'_> = serde_json::from_str(record.get())
        .map_err(|e| invalid(format!("a record is not a JSON object with an Id: {e}")))?;
    match parsed.id {
        Some(id) if is_salesforce_id(&id) => Ok(id.into_owned()),
        Some(id) => Err(invalid(format!(
            "record Id `{id}` is not a Salesforce id (15 or 18 letters and digits)"
        ))),
        None => Err(invalid("a record has no Id".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn from_state(state: &serde_json::Value) -> Result<Position> {
        let state: PageState = crm_core::connector::decode_state(crate::PROVIDER, state)?;
        Position::from_state(&state)
    }

    /// `next_state` as the JSON the cursor carries.
    fn next_state(
        current: &Position,
        page_size: Option<u32>,
        page: &mut QueryResponse,
    ) -> Result<Option<serde_json::Value>> {
        super::next_state(current, page_size, page)
            .map(|next| next.map(|s| crm_core::cursor::state_to(&s)))
    }

    fn page(done: bool, next: Option<&str>, ids: &[&str]) -> QueryResponse {
        QueryResponse {
            done,
            next_records_url: next.map(str::to_owned),
            records: ids
                .iter()
                .map(|id| RawValue::from_string(format!(r#"{{"Id":"{id}"}}"#)).unwrap())
                .collect(),
        }
    }

    const A: &str = "00QFK00000Ld0001AA";
    const B: &str = "00QFK00000Ld0002AA";
    const C: &str = "00QFK00000Ld0003AA";

    #[test]
    fn locator_paths_are_parsed_strictly() {
        let l = QueryLocator::parse("/services/data/v62.0/query/01gFK00000Qy0001AA-2000").unwrap();
        assert_eq!(
            l.path(),
            "/services/data/v62.0/query/01gFK00000Qy0001AA-2000"
        );
        assert_eq!(
            l.at(5).path(),
            "/services/data/v62.0/query/01gFK00000Qy0001AA-5"
        );
        for bad in [
            "",
            "/services/data/v62.0/query/01gD",
            "/services/data/v62.0/query/01gD-",
            "/services/data/v62.0/query/-200",
            "/services/data/v62.0/query/01g.D-200",
            "/services/data/v62.0/query/01gD-200?x=1",
            "/services/data/v62.0/query/01gD-200/../x",
            "/services/data/v62.0/query/01gD-2x",
            "/services/data/v62/query/01gD-200",
            "/services/data/62.0/query/01gD-200",
            "/services/data/v62.0/queryAll/01gD-200",
            "/services/data/v62.0/sobjects/01gD-200",
            "https://evil.example.com/services/data/v62.0/query/01gD-200",
            "//evil.example.com/services/data/v62.0/query/01gD-200",
            "/services/data/v62.0/query/01gD-12345678901",
            "/services/data/v62.0/query/01gé-200",
        ] {
            assert!(QueryLocator::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn decoded_states_are_checked() {
        let ok = json!({"next_records_url": "/services/data/v62.0/query/01gX-400"});
        assert!(matches!(from_state(&ok), Ok(Position::Locator(_))));
        let ok = json!({"after_id": A});
        assert_eq!(
            from_state(&ok).unwrap(),
            Position::Query {
                after_id: Some(A.into())
            }
        );
        for bad in [
            json!({"next_records_url": "/services/data/v62.0/sobjects/Lead/describe"}),
            json!({"next_records_url": "/services/data/v62.0/query/01gX-400", "extra": 1}),
            json!({"after_id": "00Q' OR Id != '"}),
            json!({"after_id": 5}),
            json!({"start": 200}),
            json!(null),
        ] {
            assert!(
                matches!(from_state(&bad), Err(Error::InvalidCursor(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn whole_batches_follow_next_records_url() {
        let mut p = page(false, Some("/services/data/v62.0/query/01gX-2"), &[A, B]);
        let next = next_state(&Position::start(), Some(200), &mut p).unwrap();
        assert_eq!(
            next,
            Some(json!({"next_records_url": "/services/data/v62.0/query/01gX-2"}))
        );
        let mut p = page(true, None, &[A]);
        assert_eq!(next_state(&Position::start(), None, &mut p).unwrap(), None);
        let mut p = page(true, None, &[]);
        assert_eq!(
            next_state(&Position::start(), Some(5), &mut p).unwrap(),
            None
        );
    }

    #[test]
    fn cut_batches_resume_inside_the_locator() {
        let mut p = page(false, Some("/services/data/v62.0/query/01gX-3"), &[A, B, C]);
        let next = next_state(&Position::start(), Some(2), &mut p).unwrap();
        assert_eq!(p.records.len(), 2);
        assert_eq!(
            next,
            Some(json!({"next_records_url": "/services/data/v62.0/query/01gX-2"}))
        );
        let here =
            Position::Locator(QueryLocator::parse("/services/data/v62.0/query/01gX-2").unwrap());
        let mut p = page(false, Some("/services/data/v62.0/query/01gX-5"), &[A, B, C]);
        let next = next_state(&here, Some(2), &mut p).unwrap();
        assert_eq!(
            next,
            Some(json!({"next_records_url": "/services/data/v62.0/query/01gX-4"}))
        );
    }

    #[test]
    fn cut_last_batches_resume_by_id() {
        let here =
            Position::Locator(QueryLocator::parse("/services/data/v62.0/query/01gX-2").unwrap());
        for position in [Position::start(), here] {
            let mut p = page(true, None, &[A, B, C]);
            let next = next_state(&position, Some(2), &mut p).unwrap();
            assert_eq!(next, Some(json!({"after_id": B})));
        }
        let mut p = page(true, None, &[A, "bad id"]);
        assert!(next_state(&Position::start(), Some(1), &mut p).is_ok());
        let mut p = page(true, None, &["bad id", A]);
        assert!(matches!(
            next_state(&Position::start(), Some(1), &mut p),
            Err(Error::InvalidResponse { .. })
        ));
    }

    #[test]
    fn contradictory_paging_is_an_error() {
        for (done, next) in [
            (false, None),
            (true, Some("/services/data/v62.0/query/01gX-2")),
            (false, Some("/services/data/v62.0/query/01gX")),
            (
                false,
                Some("https://other.example.com/services/data/v62.0/query/01gX-2"),
            ),
        ] {
            let mut p = page(done, next, &[A]);
            assert!(
                matches!(
                    next_state(&Position::start(), Some(200), &mut p),
                    Err(Error::InvalidResponse { .. })
                ),
                "{done} {next:?}"
            );
        }
    }
}
