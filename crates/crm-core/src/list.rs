//! The list pipeline shared by every connector: validate filters, decode the cursor, fetch one page,
//! map records, encode the next cursor. Also [`stream_leads`], which walks all pages.

use crate::capabilities::Capabilities;
use crate::connector::{DynConnector, MapOptions, PageRequest, RawPage};
use crate::cursor::{CursorBinding, CursorCodec};
use crate::error::{Error, RateLimit, Result};
use crate::lead::Lead;
use crate::query::LeadQuery;
use futures::stream::{self, Stream, TryStreamExt};
use serde_json::value::RawValue;

use crate::shape::ResponseFormat;

/// A page's records in the requested form.
#[derive(Debug)]
pub enum Items {
    Leads(Vec<Lead>),
    Raw(Vec<Box<RawValue>>),
}

impl Items {
    pub fn len(&self) -> usize {
        match self {
            Items::Leads(v) => v.len(),
            Items::Raw(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One page ready to render.
#[derive(Debug)]
pub struct ListedPage {
    pub items: Items,
    /// `None` exactly when the provider says there is nothing more.
    pub next_cursor: Option<String>,
    pub rate_limit: RateLimit,
}

/// Who is asking: the account the cursor is bound to and the key that signs it.
#[derive(Debug, Clone, Copy)]
pub struct ListContext<'a> {
    pub account_id: &'a str,
    pub codec: &'a CursorCodec,
}

fn binding<'a>(caps: &Capabilities, ctx: &ListContext<'a>, query: &LeadQuery) -> CursorBinding<'a> {
    CursorBinding {
        provider: caps.provider,
        account: ctx.account_id,
        fingerprint: query.fingerprint(),
    }
}

/// Lists one page. Unsupported filters and bad cursors fail here, before any provider call.
pub async fn list_page(
    connector: &dyn DynConnector,
    ctx: ListContext<'_>,
    query: &LeadQuery,
    format: ResponseFormat,
) -> Result<ListedPage> {
    let caps = connector.capabilities();
    caps.validate(query)?;
    let binding = binding(caps, &ctx, query);
    let state = match query.cursor.as_deref() {
        Some(cursor) => Some(ctx.codec.decode(cursor, &binding)?),
        None => None,
    };
    let raw = connector
        .fetch_page(PageRequest {
            query,
            page_size: caps.page_size(query),
            state: state.as_ref(),
        })
        .await?;
    let next_cursor = raw.next.as_ref().map(|s| ctx.codec.encode(&binding, s));
    let rate_limit = raw.rate_limit;
    let items = match format {
        ResponseFormat::Raw => Items::Raw(raw.records),
        ResponseFormat::Unified | ResponseFormat::Normalized => {
            Items::Leads(map_page(connector, query, raw.records).await?)
        }
    };
    Ok(ListedPage {
        items,
        next_cursor,
        rate_limit,
    })
}

/// Maps every record of a page ([`map_records`]), then lets the connector fill fields from linked
/// records in batch ([`DynConnector::enrich`]) when its capabilities declare an enrichment.
pub async fn map_page(
    connector: &dyn DynConnector,
    query: &LeadQuery,
    records: Vec<Box<RawValue>>,
) -> Result<Vec<Lead>> {
    let mut leads = map_records(connector, query, records)?;
    if connector.capabilities().enrichment.is_some() && !leads.is_empty() {
        connector.enrich(&mut leads).await?;
    }
    Ok(leads)
}

/// Maps every record, moving each raw record into its lead's `remote_data` (no copy). A record
/// that does not fit fails the page, naming the record and field.
pub fn map_records(
    connector: &dyn DynConnector,
    query: &LeadQuery,
    records: Vec<Box<RawValue>>,
) -> Result<Vec<Lead>> {
    let options = MapOptions {
        include_custom_fields: query.filters.include_custom_fields,
    };
    let provider = connector.capabilities().provider;
    // Sized once: collecting through `Result` would start from nothing and move the growing
    // buffer of leads several times per page.
    let mut leads = Vec::with_capacity(records.len());
    for (index, record) in records.into_iter().enumerate() {
        let mut lead =
            connector
                .map_lead(&record, &options)
                .map_err(|e| Error::InvalidResponse {
                    provider,
                    message: format!(
                        "record #{index} of the page does not fit the lead mapping: {e}"
                    ),
                    remote: None,
                })?;
        lead.remote_data = Some(record);
        leads.push(lead);
    }
    Ok(leads)
}

/// Consecutive empty pages tolerated while the provider still says "more" (guards a provider that
/// loops on empty pages forever).
pub const MAX_EMPTY_PAGES: usize = 20;

/// Walks every page of `query` from the first and yields raw pages. Stops when the provider says there is no more; fails when it
/// repeats a paging position or sends too many empty pages in a row.
pub fn stream_pages<'a>(
    connector: &'a dyn DynConnector,
    query: &'a LeadQuery,
) -> impl Stream<Item = Result<RawPage>> + 'a {
    struct Walk {
        state: Option<serde_json::Value>,
        seen: std::collections::HashSet<String>,
        empty_run: usize,
        done: bool,
    }
    let start = Walk {
        state: None,
        seen: std::collections::HashSet::new(),
        empty_run: 0,
        done: false,
    };
    stream::try_unfold(start, move |mut walk| async move {
        if walk.done {
            return Ok(None);
        }
        let caps = connector.capabilities();
        if walk.state.is_none() {
            caps.validate(query)?;
        }
        let mut page = connector
            .fetch_page(PageRequest {
                query,
                page_size: caps.page_size(query),
                state: walk.state.as_ref(),
            })
            .await?;
        walk.empty_run = if page.records.is_empty() {
            walk.empty_run + 1
        } else {
            0
        };
        match page.next.take() {
            None => walk.done = true,
            Some(next) => {
                if !walk.seen.insert(next.to_string()) {
                    return Err(Error::InvalidResponse {
                        provider: caps.provider,
                        message: format!("the provider returned the same paging position twice ({next}); stopping to avoid a loop"),
                        remote: None,
                    });
                }
                if walk.empty_run >= MAX_EMPTY_PAGES {
                    return Err(Error::InvalidResponse {
                        provider: caps.provider,
                        message: format!("{MAX_EMPTY_PAGES} empty pages in a row while the provider still says there is more; stopping"),
                        remote: None,
                    });
                }
                walk.state = Some(next);
            }
        }
        Ok(Some((page, walk)))
    })
}

/// Every lead of `query`, page by page, mapped to the unified shape.
pub fn stream_leads<'a>(
    connector: &'a dyn DynConnector,
    query: &'a LeadQuery,
) -> impl Stream<Item = Result<Lead>> + 'a {
    stream_pages(connector, query)
        .and_then(move |page| async move { map_page(connector, query, page.records).await })
        .map_ok(|leads| stream::iter(leads.into_iter().map(Ok)))
        .try_flatten()
}
