//! Paging completeness of each connector against its simulator.
//!
//! Each suite starts one simulator with a generated dataset of a few thousand leads, then walks
//! every page through the real connector and the real list pipeline (`list_page` with signed
//! cursors fed back, as the server does; `stream_leads`; `stream_pages_prefetch`) for random page
//! sizes and random combinations of the connector's filters, and proves the walk equals the set
//! computed here from the simulator's records (not by the simulator's filtering code): nothing
//! lost, nothing duplicated, in the connector's declared order.
//!
//! `soql_escaping` checks the other side of Salesforce's queries: any filter value is escaped into
//! a query the simulator accepts and that selects exactly the records holding that value, and the
//! simulator rejects the same values pasted in unescaped.

mod copper;
mod insightly;
mod pipedrive;
mod salesforce;
mod soql_escaping;
mod support;
mod zendesk_sell;
mod zoho;
