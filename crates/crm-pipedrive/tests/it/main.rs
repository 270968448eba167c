//! Integration tests: recorded Pipedrive exchanges replayed through the real list pipeline
//! (`crm_core::list_page` with signed cursors, and `crm_core::stream_leads`).

mod arbitrary_json;
mod auth;
mod errors;
mod filters;
mod paging;
mod persons;
mod support;
