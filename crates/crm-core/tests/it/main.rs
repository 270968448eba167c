//! crm-core integration tests: the list pipeline against an in-memory connector, the all-pages
//! stream's guards, and the HTTP transport against wiremock.

mod fake;
mod oauth;
mod pipeline;
mod prefetch;
mod resilience;
mod stream;
mod transport;
