//! The `Connector` trait: one implementation per provider, one instance per provider account.
//!
//! A connector does two things, kept apart so each can be tested and measured alone:
//! [`Connector::fetch_page`] talks HTTP and returns the page's records as raw JSON plus the
//! provider's paging state for the next page; [`Connector::map_lead`] turns one raw record into a
//! [`Lead`]. The list pipeline ([`crate::list`]) validates filters, handles cursors and formats.

use crate::capabilities::Capabilities;
use crate::error::{RateLimit, Result};
use crate::lead::Lead;
use crate::query::LeadQuery;
use async_trait::async_trait;
use serde_json::value::RawValue;
use std::fmt;

/// What to fetch.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest<'a> {
    /// Filters, already checked against the connector's capabilities.
    pub query: &'a LeadQuery,
    /// Page size to ask for; `None` means send none (`truto_ignore_limit`).
    pub page_size: Option<u32>,
    /// The connector's own paging state from the previous page; `None` for the first page.
    pub state: Option<&'a serde_json::Value>,
}

/// One page as the provider sent it.
#[derive(Debug, Default)]
pub struct RawPage {
    /// Each record exactly as the provider sent it.
    pub records: Vec<Box<RawValue>>,
    /// Paging state for the next page; `None` exactly when the provider says there is no more.
    pub next: Option<serde_json::Value>,
    /// Rate-limit figures from the provider's headers, when it sends them.
    pub rate_limit: RateLimit,
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

/// A provider account's connector. Object-safe: the server holds `Arc<dyn Connector>`.
#[async_trait]
pub trait Connector: Send + Sync + fmt::Debug {
    /// What this connector supports; declared once per provider crate.
    fn capabilities(&self) -> &'static Capabilities;

    /// Fetches one page of raw records.
    async fn fetch_page(&self, request: PageRequest<'_>) -> Result<RawPage>;

    /// Maps one raw record to a unified lead (without `remote_data`, which the pipeline attaches).
    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError>;

    /// The paging state `pages_ahead` pages after `request`'s position, when the provider's paging
    /// lets us compute it without fetching (page numbers, offsets). Used to prefetch pages in
    /// parallel; `None` (the default) means pages must be fetched one after the other. A prediction
    /// is always checked against the `next` the provider really returns before its page is used.
    fn state_after(
        &self,
        request: &PageRequest<'_>,
        pages_ahead: u32,
    ) -> Option<serde_json::Value> {
        let _ = (request, pages_ahead);
        None
    }
}
