//! Walking all pages with several requests in flight, where the provider's paging lets us compute
//! the positions of the next pages ([`DynConnector::state_after`]).
//!
//! Pages are yielded in order. Each prediction is checked against the `next` the provider actually
//! returned for the page before; on any mismatch the in-flight guesses are dropped and the walk
//! continues from the provider's real position, so prefetching can never lose or repeat a record.
//! Memory stays bounded by `concurrency` pages.

use crate::connector::{DynConnector, PageRequest, RawPage};
use crate::error::{Error, Result};
use crate::query::LeadQuery;
use futures::future::BoxFuture;
use futures::stream::{self, FuturesOrdered, Stream, StreamExt};
use std::collections::{HashSet, VecDeque};

type Fetch<'a> = BoxFuture<'a, Result<RawPage>>;

struct Walk<'a> {
    connector: &'a dyn DynConnector,
    query: &'a LeadQuery,
    page_size: Option<u32>,
    concurrency: usize,
    inflight: FuturesOrdered<Fetch<'a>>,
    /// The state each in-flight fetch was started with, in the same order.
    states: VecDeque<Option<serde_json::Value>>,
    /// Where the current run of predictions starts, and how many were scheduled from it.
    base: Option<serde_json::Value>,
    scheduled: u32,
    predictable: bool,
    seen: HashSet<String>,
    empty_run: usize,
    done: bool,
}

impl<'a> Walk<'a> {
    fn fetch(&self, state: Option<serde_json::Value>) -> Fetch<'a> {
        let (connector, query, page_size) = (self.connector, self.query, self.page_size);
        Box::pin(async move {
            connector
                .fetch_page(PageRequest {
                    query,
                    page_size,
                    state: state.as_ref(),
                })
                .await
        })
    }

    /// Restarts predictions from the provider's real position `state`.
    fn restart(&mut self, state: Option<serde_json::Value>) {
        self.inflight = FuturesOrdered::new();
        self.states.clear();
        self.base = state;
        self.scheduled = 0;
        self.predictable = true;
        self.fill();
    }

    /// Keeps up to `concurrency` fetches in flight.
    fn fill(&mut self) {
        while self.inflight.len() < self.concurrency {
            let state = if self.scheduled == 0 {
                self.base.clone()
            } else if self.predictable {
                let request = PageRequest {
                    query: self.query,
                    page_size: self.page_size,
                    state: self.base.as_ref(),
                };
                match self.connector.state_after(&request, self.scheduled) {
                    Some(s) => Some(s),
                    None => {
                        self.predictable = false;
                        return;
                    }
                }
            } else {
                return;
            };
            self.inflight.push_back(self.fetch(state.clone()));
            self.states.push_back(state);
            self.scheduled += 1;
        }
    }

    async fn next_page(&mut self) -> Option<Result<RawPage>> {
        if self.done {
            return None;
        }
        let provider = self.connector.capabilities().provider;
        let result = self.inflight.next().await?;
        self.states.pop_front();
        let mut page = match result {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        self.empty_run = if page.records.is_empty() {
            self.empty_run + 1
        } else {
            0
        };
        match page.next.clone() {
            None => {
                self.done = true;
                self.inflight = FuturesOrdered::new();
                self.states.clear();
            }
            Some(next) => {
                if !self.seen.insert(next.to_string()) {
                    self.done = true;
                    return Some(Err(Error::InvalidResponse {
                        provider,
                        message: format!("the provider returned the same paging position twice ({next}); stopping to avoid a loop"),
                        remote: None,
                    }));
                }
                if self.empty_run >= crate::list::MAX_EMPTY_PAGES {
                    self.done = true;
                    return Some(Err(Error::InvalidResponse {
                        provider,
                        message: format!(
                            "{} empty pages in a row while the provider still says there is more; stopping",
                            crate::list::MAX_EMPTY_PAGES
                        ),
                        remote: None,
                    }));
                }
                if self.states.front() == Some(&Some(next.clone())) {
                    self.fill();
                } else {
                    self.restart(Some(next));
                }
            }
        }
        page.next = None;
        Some(Ok(page))
    }
}

/// Every page of `query` in order, with up to `concurrency` pages in flight (1 = one at a time).
/// Filters are validated before the first request.
pub fn stream_pages_prefetch<'a>(
    connector: &'a dyn DynConnector,
    query: &'a LeadQuery,
    concurrency: usize,
) -> impl Stream<Item = Result<RawPage>> + 'a {
    let caps = connector.capabilities();
    let invalid = caps.validate(query).err();
    let mut walk = Walk {
        connector,
        query,
        page_size: caps.page_size(query),
        concurrency: concurrency.max(1),
        inflight: FuturesOrdered::new(),
        states: VecDeque::new(),
        base: None,
        scheduled: 0,
        predictable: true,
        seen: HashSet::new(),
        empty_run: 0,
        done: false,
    };
    if invalid.is_none() {
        walk.restart(None);
    }
    stream::unfold((walk, invalid), |(mut walk, invalid)| async move {
        if let Some(e) = invalid {
            walk.done = true;
            return Some((Err(e), (walk, None)));
        }
        let item = walk.next_page().await?;
        Some((item, (walk, None)))
    })
}
