//! Integration tests: Insightly exchanges (fixtures/insightly) replayed through wiremock and listed
//! through the real pipeline (`crm_core::list_page` / `stream_leads`) with signed cursors.

mod arbitrary_json;
mod capabilities;
mod errors;
mod filters;
mod mapping;
mod paging;
mod refusals;
mod support;
