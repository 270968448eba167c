//! Integration tests: recorded Zoho exchanges replayed on loopback, listed through the real
//! pipeline (`crm_core::list_page` / `crm_core::stream_leads`) with signed cursors.

mod arbitrary_json;
mod errors;
mod paging;
mod records;
mod refusals;
mod support;
