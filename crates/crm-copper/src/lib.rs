//! Copper connector for the unified CRM leads API.
//!
//! Lists leads with `POST {base}/developer_api/v1/leads/search` (Copper has no GET collection),
//! authenticated by the headers `X-PW-AccessToken` (API key), `X-PW-UserEmail` (the user the key
//! belongs to) and `X-PW-Application: developer_api`.
//!
//! ```no_run
//! # async fn demo() -> crm_core::Result<()> {
//! use crm_copper::{Config, CopperConnector};
//! let connector = CopperConnector::new(Config::new("api-key", "owner@example.com"))?;
//! # let _ = connector; Ok(()) }
//! ```
//!
//! # Paging
//!
//! Paging lives only in the JSON body (`page_number`, 1-based, and `page_size`, at most 200), never
//! in the query string: other clients that put it there get the first page forever. Every walk is
//! sorted by `date_created` ascending, so leads created during a walk land after the pages already
//! read and edits do not move a lead. Copper offers no id tiebreak: leads created in the same second
//! have no guaranteed order between two requests, so if such a tie straddles a page boundary Copper
//! could in theory show one of them twice and another not at all; a deleted lead shifts later
//! pages by one. These are limits of Copper's search, not of the cursor.
//!
//! The end of the results is a page shorter than the page size; a full page is followed by another
//! request, so a full last page is followed by an empty page whose `next_cursor` is `null`.
//! `X-PW-TOTAL` is only an upper bound and is merely logged (debug). With `truto_ignore_limit` no
//! `page_size` is sent and Copper's default of 20 counts as the page size.
//!
//! The cursor state is `{page_number, page_size}`: later pages keep the page size the walk began
//! with, even if the caller changes `limit`, because the offset is `(page_number - 1) * page_size`.
//! A decoded state is checked (`page_number >= 1`, `page_size` in 1..=200) and a page that would go
//! past Copper's search cap of 100,000 results (`page_number * page_size > 100000`) is a 400 error
//! that says to split the listing, never a silent end.
//!
//! Page numbers are predictable, so the connector implements `Connector::state_after`: core's
//! prefetching walk may have several pages in flight and checks each prediction against the real
//! `next`.
//!
//! # Filters
//!
//! | unified | Copper search body |
//! |---|---|
//! | `owner[id]` | `assignee_ids: [id]`; a positive integer, anything else is a 400. Copper's `-2` ("no assignee") is not accepted: `owner.id` never shows it |
//! | `name` | `name` (Copper's full-name search, as Copper matches it) |
//! | `country` | `country`: a two-letter value is upper-cased; a name or alpha-3 code is converted (`Germany` -> `DE`); otherwise a 400 asking for an ISO code |
//! | `created_at` | `minimum_created_date` / `maximum_created_date` |
//! | `updated_at` | `minimum_modified_date` / `maximum_modified_date` |
//! | `email_addresses[]` | `emails` (a single string): more than one address is a 400 |
//!
//! Dates are Unix seconds and Copper's bounds are inclusive. The translation is exact for Copper's
//! whole-second times: `gte t` -> `min = ceil(t)`, `gt t` -> `min = floor(t) + 1`,
//! `lte t` -> `max = floor(t)`, `lt t` -> `max = ceil(t) - 1`, and equality sets both. Several
//! bounds combine to the tightest. When no whole second is left (equality with a sub-second time,
//! or `gt`/`lt` one second apart) nothing can match: the page is empty with a null `next_cursor`
//! and no request is made.
//!
//! Every other filter is refused (400) by the capability check before any request.
//!
//! `remote_query[key]=value` adds `key` to the search body; the value is sent as JSON when it parses
//! as JSON (`[1,2]`, `true`, `"00501"`), otherwise as a string. Keys must be plain
//! (letters, digits, `_`). Refused keys: `page_number`, `page_size`, `sort_by`, `sort_direction`
//! (paging and its stable order) and `assignee_ids`, `name`, `country`, `emails`,
//! `minimum_/maximum_created_date`, `minimum_/maximum_modified_date` (the translated filters, even
//! when the unified filter is not used: use the unified filter). Other Copper keys (`tags`,
//! `status_ids`, `city`, `minimum_monetary_value`, ...) pass through.
//!
//! # Mapping
//!
//! | unified | Copper lead |
//! |---|---|
//! | `id` | `id` (integer, kept digit for digit as a string) |
//! | `owner.id` | `assignee_id` (`null` when unassigned) |
//! | `title` | `title` |
//! | `first_name`, `last_name` | `first_name`, `last_name` |
//! | `addresses` | the single `address` object (or `null` -> `[]`): first line of `street` -> `street_1`, further lines joined with `, ` -> `street_2` (`Address::split_street`); `city`, `state`, `postal_code`, `country`; `type` is `null` |
//! | `email_addresses` | the single `email` object (or `null` -> `[]`), `category` as `type` |
//! | `phone_numbers` | `phone_numbers[]`, `category` as `type`, `extension` `null` |
//! | `created_at`, `updated_at` | `date_created`, `date_modified` (Unix seconds, UTC) |
//! | `remote_data` | the lead exactly as Copper sent it |
//!
//! Blank strings count as no value. `lead_source` is not supported: a Copper lead carries only
//! `customer_source_id`, and its name would need another call per page (the seed does not list it
//! for Copper); the id stays in `remote_data`. `date_last_contacted`, `converted_at` and
//! `custom_fields` are likewise left to `remote_data`. No capability beyond the documented floor is
//! declared.
//!
//! # Errors
//!
//! Copper's `{"success": false, "status", "message"}` bodies: 401 -> unauthorized, 403 ->
//! forbidden, 404 -> not found, 429 -> rate limited (Copper allows 180 requests per rolling minute
//! and sends no `Retry-After`; the error suggests waiting 60 s, after which the window is clear, or
//! the header's value when one is sent; core's default retry policy honours waits up to 30 s, so
//! the 429 reaches the caller instead of being retried into a full window;
//! [`default_limiter`] keeps an account under the budget), other 4xx passed through, 5xx -> bad gateway. Empty and
//! non-JSON bodies give a clear message and keep the body in `raw_response`; a 2xx body that is not
//! an array of leads, or a lead that does not fit the mapping, fails the page naming the record.

pub mod capabilities;
pub mod config;
pub mod connector;
pub mod descriptor;
pub mod errors;
pub mod limits;
pub mod mapping;
pub mod paging;
pub mod records;
pub mod request;

pub use capabilities::CAPABILITIES;
pub use config::Config;
pub use connector::{CopperConnector, REQUESTS_PER_MINUTE};
pub use descriptor::{DESCRIPTOR, PROVIDER};
pub use limits::default_limiter;
pub use paging::PageState;
pub use records::parse_page;
