//! Zoho CRM connector for the unified CRM leads API.
//!
//! ```no_run
//! # async fn demo() -> crm_core::Result<()> {
//! use crm_core::{list_page, CursorCodec, LeadQuery, ListContext, ResponseFormat};
//! use secrecy::SecretString;
//!
//! let config = crm_zoho::Config::new("https://www.zohoapis.eu", SecretString::from("token"));
//! let zoho = crm_zoho::ZohoConnector::new(config)?;
//! let codec = CursorCodec::new(b"server cursor key".to_vec());
//! let ctx = ListContext { account_id: "62f44730-dd91-461e-bd6a-aedd9e0ad79d", codec: &codec };
//! let page = list_page(&zoho, ctx, &LeadQuery::default(), ResponseFormat::Unified).await?;
//! # let _ = page; Ok(()) }
//! ```
//!
//! [`ZohoConnector::new`] sends each request once with the configured access token;
//! [`ZohoConnector::with_options`] adds core's retries, limiter and refreshing credentials
//! (`OAuthCredentials` from [`Config::oauth_settings`], which finds the accounts server in the
//! data-centre table).
//!
//! # Request
//!
//! `GET {api_domain}/crm/{version}/Leads` (version `v8` by default, `v2` and later accepted) with
//! `Authorization: Zoho-oauthtoken <token>`, an explicit `fields` list (the 18 API names the
//! mapping reads), `converted=both` (Zoho hides converted leads otherwise), `sort_by=id&sort_order=asc`
//! (unique and immutable, so pages never overlap or skip), `per_page` (at most 200; not sent with
//! `truto_ignore_limit`, Zoho's natural page is 200), and `page` or `page_token`. See [`request`].
//!
//! # Paging
//!
//! `page` while the whole next page lies within the first 2,000 records, then `page_token` from
//! `info.next_page_token` for the rest (up to Zoho's 100,000). The cursor holds
//! `{"page": n, "per_page": m}` or `{"page_token": "…", "per_page": m}`, checked when decoded, and
//! keeps the walk's page size even if `limit` changes between calls. HTTP 204 (no records) is an
//! empty, final page. `info.more_records: false` ends the walk. Page numbers are predictable, so
//! `Connector::state_after` lets core prefetch pages up to the boundary. See [`paging`].
//!
//! # Filters
//!
//! None. The documentation lists no filter for Zoho; every filter is refused with a 400 naming it
//! before any request. `remote_query[...]` is passed through (e.g. `cvid` for a custom view),
//! except keys the connector sets itself or that carry credentials: `page`, `page_token`,
//! `per_page`, `fields`, `converted`, `sort_by`, `sort_order`, `authtoken`, `access_token`.
//!
//! # Mapping
//!
//! See [`mapping`] for the table. Choices where the documentation is silent: `Email` is the
//! `primary` address and `Secondary_Email` the `secondary`; `Phone` is a `work` number, `Mobile`
//! `mobile`, `Fax` `fax`; the single address has no type (`null`); blank values are `null` (lists
//! skip them); timestamps in the org's offset are converted to UTC. Zoho supplies no contact,
//! account, conversion fields or custom fields for this endpoint in the documented floor, so those
//! are omitted. Nothing beyond the documented floor is declared.
//!
//! # Errors
//!
//! `INVALID_TOKEN`, `AUTHENTICATION_FAILURE`, `OAUTH_SCOPE_MISMATCH` → unauthorized;
//! `NO_PERMISSION` → forbidden; `RATE_LIMIT_EXCEEDED` (429) → rate limited (with `Retry-After`);
//! other 4xx (`INVALID_DATA`, `REQUIRED_PARAM_MISSING`, `LIMIT_EXCEEDED`, ...) → the provider's
//! status and message; 5xx and unreadable bodies → bad gateway. See [`errors`].
//!
//! # Data centres
//!
//! [`datacenter`] lists each data centre's API domain and accounts server, for the token refresh
//! flow (Canada's accounts server is `accounts.zohocloud.ca`).

pub mod capabilities;
pub mod config;
pub mod connector;
pub mod datacenter;
pub mod descriptor;
pub mod errors;
pub mod limits;
pub mod mapping;
pub mod paging;
pub mod records;
pub mod request;

pub use capabilities::CAPABILITIES;
pub use config::{Config, DEFAULT_API_VERSION, DISCRETE_PAGING_LIMIT};
pub use connector::ZohoConnector;
pub use datacenter::{DataCentre, DATA_CENTRES};
pub use descriptor::{DESCRIPTOR, PROVIDER};
pub use limits::default_limiter;
pub use paging::PageState;
pub use records::parse_page;
