//! Pipedrive connector for the unified CRM leads API: `GET /v1/leads` (API token) or
//! `GET {api_domain}/api/v1/leads` (OAuth), offset paging, three id filters.
//!
//! ```no_run
//! use crm_pipedrive::{Config, PipedriveConnector};
//! use secrecy::SecretString;
//!
//! let by_token = PipedriveConnector::new(Config::api_token(SecretString::from("api-token")))?;
//! let by_oauth = PipedriveConnector::new(Config::oauth(
//!     "https://acme.pipedrive.com",
//!     SecretString::from("access-token"),
//! ))?;
//! # Ok::<(), crm_core::Error>(())
//! ```
//!
//! # Auth
//!
//! API token: header `x-api-token` on `https://api.pipedrive.com/v1/leads` (never the legacy
//! `api_token` query parameter, which would put the secret in URLs). OAuth: `Authorization: Bearer`
//! on `{api_domain}/api/v1/leads`. [`Config`] stores the OAuth refresh settings (client id and
//! secret, refresh token, token URL); [`Config::oauth_settings`] turns them into crm-core's
//! `OAuthSettings` (Basic client auth, `api_domain` as the new base URL), and
//! [`PipedriveConnector::with_options`] takes the resulting `OAuthCredentials`, retry policy and
//! limiter. [`PipedriveConnector::new`] sends every request once with the static token.
//!
//! # Mapping (one Pipedrive lead -> one unified lead; one persons call per page)
//!
//! | unified       | Pipedrive                                         |
//! |---------------|---------------------------------------------------|
//! | `id`          | `id` (a UUID string)                              |
//! | `owner.id`    | `owner_id` (integer, rendered as a string)        |
//! | `lead_source` | `source_name`                                     |
//! | `title`       | `title` (the lead's name in Pipedrive)            |
//! | `contact.id`  | `person_id`                                       |
//! | `account.id`  | `organization_id`                                 |
//! | `created_at`  | `add_time`                                        |
//! | `updated_at`  | `update_time`                                     |
//! | `remote_data` | the whole record, byte for byte (set by the pipeline) |
//!
//! | `first_name`, `last_name` | the linked person's `first_name`, `last_name` |
//! | `email_addresses`, `phone_numbers` | the linked person's `emails[]`, `phones[]` (`value`, `label` as `type`) |
//!
//! A Pipedrive lead has no name, e-mail, phone or address of its own: they belong to the linked
//! person. The page's persons are read in batch after mapping ([`persons`]: `GET
//! /api/v2/persons?ids=...`, up to 100 ids a call, so one extra call for a page of up to 100 leads,
//! never one per lead); a lead without a person has `null` names and empty lists. `addresses` and
//! the conversion fields are omitted. The raw format makes no persons call. Custom fields (40-hex-character
//! keys) stay in `remote_data` only. Empty or blank values are `null`. Ids are read as integers or
//! strings without a float in between; times accept RFC 3339 and Pipedrive's
//! `2019-02-04 13:58:03` UTC form. A record without an id, or with a value of the wrong type,
//! fails the page with an error naming the record and field.
//!
//! # Filters
//!
//! Exactly the documented floor, no extensions ([`CAPABILITIES`]):
//! `owner[id]` -> `owner_id`, `contact[id]` -> `person_id`, `organization[id]` (or
//! `organization=`) -> `organization_id`. Values must be positive integers (ASCII digits, at most
//! `i64::MAX`) and are re-rendered from the parsed number; anything else is a 400 naming the filter,
//! and nothing is sent. Every other filter is refused by the pipeline before any request.
//!
//! `remote_query[...]` pairs are passed untransformed, except keys that would override paging,
//! auth or a translated filter: `limit`, `start`, `owner_id`, `person_id`, `organization_id`,
//! `filter_id` (Pipedrive lets it override the three id filters), `api_token` and `access_token`
//! are refused with a 400 (compared case-insensitively, by name before any `[`).
//!
//! # Paging
//!
//! `limit` (default 100, at most 500; none with `truto_ignore_limit`) and `start`. The cursor holds
//! only `{"start": N}`, checked to be an integer in `0..=100_000_000`. Every request sends
//! `sort=add_time ASC` (a sort the leads list documents) so offsets walk a fixed order and leads
//! created during a walk land at its end; `remote_query[sort]` replaces it, at the caller's risk.
//! Leads with the same `add_time` (millisecond resolution) have no documented tie-break.
//!
//! Both answer shapes are read: flat `additional_data {start, limit, more_items_in_collection}`
//! and nested `additional_data.pagination {..., next_start}`; `data` may be `null`. The next page:
//! - `more_items_in_collection: false` -> none (`next_cursor: null`);
//! - flag absent and the page empty -> none; flag absent on a page with records -> continue at
//!   `start + records` (an extra empty request at worst, never a lost lead);
//! - otherwise `next_start` when given, else `start + records`.
//!
//! A next start that does not move forward, or lies beyond the bound, is an invalid response
//! rather than a loop.
//!
//! # Errors and rate limits
//!
//! Error bodies `{success:false, error, error_info, errorCode}` are quoted in the message (capped)
//! with advice per status: 401 unauthorized, 403 forbidden, 404 not found (usually a wrong base
//! URL), 429 rate limited, 5xx and anything unreadable a bad gateway. A 2xx with
//! `success: false` or a body that is not the expected JSON is an invalid response.
//! `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (seconds) are reported on
//! every page and on 429 (the reset doubles as retry-after when there is no `Retry-After`);
//! `x-daily-ratelimit-token-remaining: 0` on a 429 says the daily budget is spent.

pub mod capabilities;
pub mod config;
pub mod connector;
pub mod descriptor;
pub mod errors;
pub mod limits;
pub mod mapping;
pub mod paging;
pub mod persons;
pub mod records;
pub mod request;

pub use capabilities::CAPABILITIES;
pub use config::{
    Auth, Config, API_TOKEN_BASE_URL, API_TOKEN_LEADS_PATH, OAUTH_LEADS_PATH, OAUTH_TOKEN_URL,
};
pub use connector::PipedriveConnector;
pub use descriptor::{DESCRIPTOR, PROVIDER};
pub use limits::default_limiter;
pub use paging::{PageState, MAX_START};
pub use records::{parse_page, AdditionalData, LeadsEnvelope, Pagination};
pub use request::DEFAULT_SORT;
