//! Zendesk Sell connector for the unified CRM leads API: `GET https://api.getbase.com/v2/leads`,
//! page-number paging, owner/name/country/lead source/custom field filters, conversions from
//! `/v2/lead_conversions` in one call per page.
//!
//! ```no_run
//! use crm_zendesk_sell::{Config, ZendeskSellConnector};
//! use secrecy::SecretString;
//!
//! let connector = ZendeskSellConnector::new(Config::access_token(SecretString::from("token")))?;
//! # Ok::<(), crm_core::Error>(())
//! ```
//!
//! # Auth
//!
//! `Authorization: Bearer <token>` for both kinds of credentials: a personal access token (does
//! not expire) or an OAuth access token (one hour). [`Config::with_refresh`] stores what a refresh
//! needs; [`Config::oauth_settings`] gives crm-core's `OAuthSettings` (`POST
//! https://api.getbase.com/oauth2/token`, client credentials in Basic auth, the same base URL
//! after a refresh). The HTTP client always sends a `User-Agent` (Zendesk Sell refuses requests
//! without one).
//!
//! # Mapping (one `items[]` entry -> one unified lead)
//!
//! A page's records are the `items[]` entries as served (`{"data": {...}, "meta": {...}}`):
//! `remote_data` is that entry untouched, so `meta.version` and `meta.type` stay with it.
//!
//! | unified           | Zendesk Sell                                                   |
//! |-------------------|----------------------------------------------------------------|
//! | `id`              | `data.id` (an integer, rendered as a string, every digit kept) |
//! | `owner.id`        | `data.owner_id`                                                |
//! | `lead_source`     | the name of `data.source_id` in `/v2/lead_sources` (read once per account, cached) |
//! | `title`           | `data.title` (the job title)                                   |
//! | `first_name`, `last_name` | `data.first_name`, `data.last_name`                    |
//! | `addresses`       | `data.address`: `line1` -> `street_1` (further lines -> `street_2`), `city`, `state`, `postal_code`, `country` (free text as written); at most one; none when every part is empty |
//! | `email_addresses` | `data.email` as `[{email, type: "primary"}]`                   |
//! | `phone_numbers`   | `data.phone` (`type: "work"`), `data.mobile` (`"mobile"`), `data.fax` (`"fax"`); no extension |
//! | `created_at`, `updated_at` | `data.created_at`, `data.updated_at` (UTC, seconds)   |
//! | `converted_at`    | the lead's conversion's `created_at`                           |
//! | `converted_contact`, `contact.id` | the conversion's `individual_id`               |
//! | `converted_account`, `account.id` | the conversion's `organization_id`             |
//! | `custom_fields`   | `data.custom_fields`, keyed by field **name**, values as sent (with `include_custom_fields=true`) |
//!
//! Choices where the provider's behaviour is unconfirmed:
//! - `contact.id` and `account.id` are `null` until a lead is converted: a lead links to no
//!   contact or company before that (`organization_name` is text only and is not an account).
//! - The e-mail's `type` is `"primary"` (a lead has exactly one address, without a label).
//! - `last_activity_at` is omitted: the lead carries no such timestamp.
//! - Whether converted leads stay in `/v2/leads` is unconfirmed; whatever the list returns is
//!   listed, and conversions are looked up for every lead of the page.
//! - Conversions are asked for with `lead_id=<ids, comma-separated>`; each conversion is matched
//!   to its lead by its own `lead_id`, so if the filter were ignored no lead would get another
//!   lead's conversion.
//!
//! Empty or blank values are `null`; empty lists are `[]`. The raw format makes no conversions
//! call and reads the lead sources only for a `lead_source` filter ([`conversions`], [`sources`]).
//!
//! # Filters
//!
//! | unified | Zendesk Sell |
//! |---|---|
//! | `owner[id]` | `owner_id=<positive integer>` (re-rendered from the parsed number) |
//! | `name` | one word: `last_name=<word>`; several: `first_name=<all but the last word>&last_name=<last word>` (the API's matching is documented as equality on each part) |
//! | `country` | `address[country]=<text as written>` (Sell keeps free text, so no code conversion) |
//! | `lead_source` | the name is looked up in the cached lead sources and sent as `source_id`; a name no source has gives an empty page without a leads call; a name several sources share is a 400 |
//! | `custom_fields[<name>]` | `custom_fields[<name>]=<value>` (only fields marked filterable in Sell); names with `[`, `]` or control characters are refused |
//! | `include_custom_fields` | adds `custom_fields` to each lead |
//!
//! No date filter exists on `/v2/leads`: `created_at`, `updated_at` and `converted_at` filters
//! are refused before any request with a 400 naming the providers that support them.
//! `email_addresses` and `state` are refused too: the `email` and `address[state]` parameters
//! appear in no vendor source, and a parameter the API ignores would silently return every lead.
//! City and postal code have no unified filter.
//!
//! All values are percent-encoded query pairs, built in [`request`] only.
//!
//! `remote_query[...]` pairs are passed untransformed, except `page`, `per_page`, `sort_by`,
//! `owner_id`, `source_id`, `first_name`, `last_name`, `address[...]`, `custom_fields[...]` and
//! `access_token` (a 400).
//!
//! # Paging
//!
//! `page` (1-based) and `per_page` (at most 100; none with `truto_ignore_limit`, Sell's default
//! being 25), always with `sort_by=id:asc` (ids never change, so a lead edited during a walk
//! keeps its place). The cursor holds only `{"page": N}`. The last page is an empty `items`
//! array or `meta.links` without `next_page`, whichever comes first; an answer without
//! `meta.links` continues until an empty page. The page number is our own counter, never parsed
//! from the link, so page 1,000 and beyond work.
//!
//! # Errors and rate limits
//!
//! The `errors[]` envelope's first `error` (`code: message: details`, and the `field` pointer of
//! validation errors) is quoted, capped, with `meta.logref` kept as `[logref ...]`; 401
//! unauthorized, 403 forbidden, 404 not found, 429 rate limited, 5xx and anything unreadable a bad
//! gateway. The default limiter keeps to 36,000 requests an hour ([`limits`]).

pub mod capabilities;
pub mod config;
pub mod connector;
pub mod conversions;
pub mod descriptor;
pub mod errors;
pub mod limits;
pub mod mapping;
pub mod paging;
pub mod records;
pub mod request;
pub mod sources;

pub use capabilities::CAPABILITIES;
pub use config::{
    Auth, Config, BASE_URL, LEADS_PATH, LEAD_CONVERSIONS_PATH, LEAD_SOURCES_PATH,
    OAUTH_AUTHORIZE_URL, OAUTH_TOKEN_URL,
};
pub use connector::ZendeskSellConnector;
pub use descriptor::{DESCRIPTOR, PROVIDER};
pub use limits::default_limiter;
pub use paging::{PageState, MAX_PAGE};
pub use records::{parse_page, CollectionMeta, LeadsEnvelope};
pub use request::DEFAULT_SORT;
