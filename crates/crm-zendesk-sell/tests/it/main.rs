//! Integration tests: Zendesk Sell exchanges replayed through the real list pipeline
//! (`crm_core::list_page` with signed cursors, and `crm_core::stream_leads`).

mod auth;
mod enrichment;
mod errors;
mod filters;
mod paging;
mod support;
