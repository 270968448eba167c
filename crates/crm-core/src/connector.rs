//! The `Connector` trait: one implementation per provider, one instance per provider account.
//!
//! A connector does two things, kept apart so each can be tested and measured alone:
//! [`Connector::fetch_page`] talks HTTP and returns the page's records as raw JSON plus the
//! provider's typed paging state for the next page; [`Connector::map_lead`] turns one raw record
//! into a [`Lead`]. [`Connector::enrich`] optionally fills fields from linked records in batch.
//! The list pipeline ([`crate::list`]) validates filters, handles cursors and formats, through
//! the object-safe [`DynConnector`] every connector also is.

use crate::capabilities::Capabilities;
use crate::error::{Error, RateLimit, Result};
use crate::lead::Lead;
use crate::query::LeadQuery;
use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use std::fmt;

/// A connector's own paging position (an offset, a page token, a query locator), carried between
/// pages inside the cursor. The core encodes it into the cursor and decodes it back; [`check`]
/// runs once on every decoded state, so a connector never sees a position it did not issue in a
/// shape it cannot use.
///
/// [`check`]: PagingState::check
pub trait PagingState:
    Serialize + DeserializeOwned + Clone + PartialEq + fmt::Debug + Send + Sync + 'static
{
    /// Refuses a decoded state that is well-formed JSON but out of range; the message says what
    /// is wrong (the caller is told to start over).
    fn check(&self) -> std::result::Result<(), String> {
        Ok(())
    }
}

/// What to fetch. `S` is the connector's [`PagingState`]; the object-safe [`DynConnector`] uses
/// its JSON form.
#[derive(Debug)]
pub struct PageRequest<'a, S = serde_json::Value> {
    /// Filters, already checked against the connector's capabilities.
    pub query: &'a LeadQuery,
    /// Page size to ask for; `None` means send none (`truto_ignore_limit`).
    pub page_size: Option<u32>,
    /// The position the previous page returned as `next`; `None` for the first page.
    pub state: Option<&'a S>,
}

impl<S> Clone for PageRequest<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for PageRequest<'_, S> {}

/// One page as the provider sent it.
#[derive(Debug)]
pub struct RawPage<S = serde_json::Value> {
    /// Each record exactly as the provider sent it.
    pub records: Vec<Box<RawValue>>,
    /// Paging state for the next page; `None` exactly when the provider says there is no more.
    pub next: Option<S>,
    /// Rate-limit figures from the provider's headers, when it sends them.
    pub rate_limit: RateLimit,
}

impl<S> Default for RawPage<S> {
    fn default() -> Self {
        RawPage {
            records: Vec::new(),
            next: None,
            rate_limit: RateLimit::default(),
        }
    }
}

/// Mapping options that change what a lead carries.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapOptions {
    /// Fill `custom_fields` (providers that support it).
    pub include_custom_fields: bool,
}

/// A record that does not fit the mapping. The pipeline fails the page with it rather than drop
/// the record silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {} field `{field}`: {message}", record_id.as_deref().unwrap_or("<without id>"))]
pub struct MapError {
    pub record_id: Option<String>,
    pub field: String,
    pub message: String,
}

impl MapError {
    pub fn new(
        record_id: Option<&str>,
        field: impl Into<String>,
        message: impl fmt::Display,
    ) -> Self {
        MapError {
            record_id: record_id.map(str::to_owned),
            field: field.into(),
            message: message.to_string(),
        }
    }
}

/// A provider account's connector: what each provider crate implements.
///
/// `fetch_page` talks HTTP and returns raw records plus the typed position of the next page;
/// `map_lead` is a pure mapping; `enrich` may fill fields from linked records with a bounded
/// number of batch calls per page (declared in [`Capabilities::enrichment`](crate::Capabilities::enrichment)). The server and the
/// pipeline hold connectors as [`DynConnector`], which every `Connector` is.
#[async_trait]
pub trait Connector: Send + Sync + fmt::Debug {
    /// The paging position between pages.
    type State: PagingState;

    /// What this connector supports; declared once per provider crate.
    fn capabilities(&self) -> &'static Capabilities;

    /// Fetches one page of raw records.
    async fn fetch_page(
        &self,
        request: PageRequest<'_, Self::State>,
    ) -> Result<RawPage<Self::State>>;

    /// Maps one raw record to a unified lead (without `remote_data`, which the pipeline attaches).
    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError>;

    /// The paging state `pages_ahead` pages after `request`'s position, when the provider's paging
    /// lets us compute it without fetching (page numbers, offsets). Used to prefetch pages in
    /// parallel; `None` (the default) means pages must be fetched one after the other. A prediction
    /// is always checked against the `next` the provider really returns before its page is used.
    fn state_after(
        &self,
        request: &PageRequest<'_, Self::State>,
        pages_ahead: u32,
    ) -> Option<Self::State> {
        let _ = (request, pages_ahead);
        None
    }

    /// Fills fields of a page's mapped leads from linked records (a person, a contact), with at
    /// most [`calls_per_page`](crate::capabilities::Enrichment::calls_per_page) provider calls for the whole page, never one per lead.
    /// Runs for the unified and normalized formats only. The default does nothing.
    async fn enrich(&self, leads: &mut [Lead]) -> Result<()> {
        let _ = leads;
        Ok(())
    }
}

/// The object-safe form of [`Connector`] (paging state as JSON), which the pipeline, the server and
/// `Arc<dyn DynConnector>` use. Implemented for every `Connector`: the typed state is decoded and
/// checked here, once, for every provider alike.
#[async_trait]
pub trait DynConnector: Send + Sync + fmt::Debug {
    fn capabilities(&self) -> &'static Capabilities;
    async fn fetch_page(&self, request: PageRequest<'_>) -> Result<RawPage>;
    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError>;
    fn state_after(&self, request: &PageRequest<'_>, pages_ahead: u32)
        -> Option<serde_json::Value>;
    async fn enrich(&self, leads: &mut [Lead]) -> Result<()>;
}

/// Decodes a cursor's JSON state into `S` and checks it; any failure is an invalid cursor. The
/// state must be exactly what encoding `S` gives (serde would also read a struct from an array, or
/// ignore what it does not know), so only positions the connector itself issued get through.
pub fn decode_state<S: PagingState>(
    provider: crate::Provider,
    json: &serde_json::Value,
) -> Result<S> {
    let state: S = crate::cursor::state_from(json.clone(), provider)?;
    if crate::cursor::state_to(&state) != *json {
        return Err(Error::InvalidCursor(format!(
            "it does not hold a {provider} paging position in the form this API issues; omit next_cursor to start over"
        )));
    }
    state.check().map_err(|why| {
        Error::InvalidCursor(format!(
            "its {provider} paging position is not usable ({why}); omit next_cursor to start over"
        ))
    })?;
    Ok(state)
}

#[async_trait]
impl<C: Connector> DynConnector for C {
    fn capabilities(&self) -> &'static Capabilities {
        Connector::capabilities(self)
    }

    async fn fetch_page(&self, request: PageRequest<'_>) -> Result<RawPage> {
        let provider = Connector::capabilities(self).provider;
        let state = request
            .state
            .map(|s| decode_state::<C::State>(provider, s))
            .transpose()?;
        let page = Connector::fetch_page(
            self,
            PageRequest {
                query: request.query,
                page_size: request.page_size,
                state: state.as_ref(),
            },
        )
        .await?;
        Ok(RawPage {
            records: page.records,
            next: page.next.as_ref().map(crate::cursor::state_to),
            rate_limit: page.rate_limit,
        })
    }

    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
        Connector::map_lead(self, record, options)
    }

    fn state_after(
        &self,
        request: &PageRequest<'_>,
        pages_ahead: u32,
    ) -> Option<serde_json::Value> {
        let provider = Connector::capabilities(self).provider;
        let state = match request.state {
            Some(s) => Some(decode_state::<C::State>(provider, s).ok()?),
            None => None,
        };
        let typed = PageRequest {
            query: request.query,
            page_size: request.page_size,
            state: state.as_ref(),
        };
        Connector::state_after(self, &typed, pages_ahead).map(|s| crate::cursor::state_to(&s))
    }

    async fn enrich(&self, leads: &mut [Lead]) -> Result<()> {
        Connector::enrich(self, leads).await
    }
}
