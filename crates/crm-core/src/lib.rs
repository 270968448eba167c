//! `crm-core`: the provider-neutral heart of the unified CRM leads API.
//!
//! - [`lead`]: the unified [`Lead`] and its omit / null / `[]` rule.
//! - [`query`] and [`params`]: typed filters ([`LeadQuery`]) and the query-string reader.
//! - [`capabilities`]: what a connector supports (checked against the documentation by crm-testkit).
//! - [`connector`]: the [`Connector`] trait each provider crate implements.
//! - [`list`]: the pipeline (validate, cursor, fetch, map) and the all-pages stream.
//! - [`prefetch`]: the all-pages stream with several pages in flight where paging allows it.
//! - [`cursor`]: opaque, signed cursors bound to account, provider and filters.
//! - [`shape`] and [`normalize`]: response formats, key_by, exclude_fields, remote_data.
//! - [`transport`]: the HTTP client seam (base URL, timeout, credentials, error mapping).
//! - [`error`]: one error type whose variants map to the HTTP contract's statuses.
//! - [`json`]: reading fields of records serde_json has already checked, without a second pass
//!   ([`json::read_record`], the one record reader of every connector).
//!
//! This crate knows no provider's API, no HTTP server and no database.

pub mod capabilities;
pub mod connector;
pub mod cursor;
pub mod descriptor;
pub mod error;
pub mod json;
pub mod lead;
pub mod list;
pub mod normalize;
pub mod params;
pub mod prefetch;
pub mod provider;
pub mod query;
pub mod remote_query;
pub mod shape;
pub mod text;
pub mod time;
pub mod transport;
mod write;

pub use capabilities::{Capabilities, Enrichment, FilterSupport, ResponseField};
pub use connector::{
    Connector, DynConnector, MapError, MapOptions, PageRequest, PagingState, RawPage,
};
pub use cursor::CursorCodec;
pub use descriptor::{AccountSettings, ConnectOptions, Descriptor};
pub use error::{Error, RateLimit, RemoteResponse, Result};
pub use lead::{Address, CustomFields, EmailAddress, Field, Lead, PhoneNumber, Ref};
pub use list::{list_page, map_page, stream_leads, stream_pages, Items, ListContext, ListedPage};
pub use params::ListRequest;
pub use prefetch::stream_pages_prefetch;
pub use provider::Provider;
pub use query::{FilterKey, LeadFilters, LeadQuery, Operator, TimeRange};
pub use remote_query::ReservedKey;
pub use shape::{render, FieldPath, ResponseFormat, ResponseOptions};
pub use time::Timestamp;
