//! Integration tests: fixture scenarios replayed through the testkit and listed through the real
//! pipeline (`crm_core::list_page` / `stream_leads`, signed cursors included).

mod arbitrary_json;
mod capabilities;
mod custom_fields;
mod errors;
mod filters;
mod paging;
mod support;
