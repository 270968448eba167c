//! Insightly connector for the unified CRM leads API.
//!
//! Lists leads with `GET {base}/v3.1/Leads` when no filter is given and
//! `GET {base}/v3.1/Leads/Search` when one is, always with `brief=false` (`brief=true` drops
//! custom fields and tags). Authenticated by HTTP Basic with the account's API key as the user name
//! and an empty password. The base URL is the account's pod (`https://api.na1.insightly.com`,
//! `https://api.eu1.insightly.com`, ...): a key works only on its own pod.
//!
//! ```no_run
//! # async fn demo() -> crm_core::Result<()> {
//! use crm_insightly::{Config, InsightlyConnector};
//! let connector = InsightlyConnector::new(
//!     Config::new("api-key").with_base_url("https://api.eu1.insightly.com"),
//! )?;
//! # let _ = connector; Ok(()) }
//! ```
//!
//! # Paging
//!
//! Offset paging: `skip` and `top` (at most 500). The body is a bare JSON array with no total and
//! no next link, so the end of the results is a page shorter than `top` (or empty); a full page is
//! followed by another request, so a full last page is followed by one empty request whose
//! `next_cursor` is `null`. Insightly's default `top` is not documented, so `top` is always sent;
//! with `truto_ignore_limit` it is 500. The filters go out again on every page.
//!
//! The cursor state is `{skip, top}`: later pages keep the walk's `top` even if the caller changes
//! `limit`. A decoded state is checked (`top` in 1..=500, `skip` a multiple of `top` and within
//! Insightly's int32). Offsets are predictable, so the connector implements
//! `Connector::state_after` for core's prefetching walk.
//!
//! Insightly documents no sort order for these lists: leads created, deleted or edited during a walk
//! can shift offsets (a lead seen twice or not at all). This is a limit of Insightly's paging.
//!
//! # Filters
//!
//! Insightly's search takes one `field_name`/`field_value` pair per request plus
//! `updated_after_utc`. A unified filter is supported only when it is exactly one of these; any
//! combination Insightly cannot express in one call is a 400 that says so, and nothing is filtered
//! after the fetch.
//!
//! | unified | Insightly |
//! |---|---|
//! | `owner[id]` | `field_name=OWNER_USER_ID&field_value=<id>` (a positive integer, else a 400) |
//! | `country` | `field_name=ADDRESS_COUNTRY&field_value=<value>`: Insightly stores free text (`United States`), so the value is sent as written, not converted to a code |
//! | `state` | `field_name=ADDRESS_STATE&field_value=<value>` |
//! | `email_addresses[]` | `field_name=EMAIL&field_value=<address>`: one address, two or more are a 400 |
//! | `updated_at[gte]`, `updated_at[gt]` | `updated_after_utc=<YYYY-MM-DDTHH:MM:SSZ>` |
//! | `include_custom_fields` | fills `custom_fields` from the lead's own `CUSTOMFIELDS` (no request) |
//!
//! At most one of `owner[id]`, `country`, `state` and `email_addresses[]` per request (each is a
//! `field_name`); any of them combines with `updated_at`. Which fields Insightly's search accepts,
//! and whether it matches exactly or ignoring case, is not documented: these are the lead's own
//! top-level fields, matched as Insightly matches them.
//!
//! **`updated_after_utc` boundary.** Insightly does not say whether it means "strictly after" or
//! "at or after"; its spec calls the value "the earliest date when a record was last updated",
//! which we read as **at or after** (the simulator implements that reading). Insightly's times are
//! whole seconds, so:
//!
//! - `updated_at[gte]=t` is sent as `t` rounded up to the whole second: **exact** under our reading;
//! - `updated_at[gt]=t` is sent as the next whole second after `t` (`floor(t) + 1 s`): also exact
//!   under our reading, because no lead can be updated between `t` and that second;
//! - both together: the later of the two.
//!
//! If Insightly turns out to mean "strictly after", both operators lose the leads updated within
//! the sent second and nothing else: the error is always a missing boundary lead, never a lead that
//! does not match. (Sending `gt` unshifted would be exact under that reading but would add
//! non-matching leads under ours, which the no-client-side-filtering rule cannot repair.)
//! `updated_at` equality, `lt` and `lte` are not supported (Insightly has no upper bound): a 400.
//!
//! Not supported (a 400 before any request): `name` (Insightly has only `FIRST_NAME` and
//! `LAST_NAME`, one per search, and a unified name is a full name), `lead_source` (an id on the
//! lead: see Mapping), `created_at`, `converted_at`, `contact[id]`, `account[id]`, custom-field
//! filters (searching custom fields is not documented).
//!
//! `remote_query[key]=value` adds a query pair as written (e.g. `count_total`). Refused keys:
//! `skip`, `top`, `brief`, `field_name`, `field_value`, `updated_after_utc`, `authorization`,
//! `api_key`.
//!
//! # Mapping
//!
//! | unified | Insightly lead |
//! |---|---|
//! | `id` | `LEAD_ID` (int64, kept digit for digit) |
//! | `owner.id` | `OWNER_USER_ID` (`RESPONSIBLE_USER_ID` stays in `remote_data`) |
//! | `title` | `TITLE` |
//! | `contact.id`, `converted_contact` | `CONVERTED_CONTACT_ID` (`null` until the lead is converted: Insightly links no contact before) |
//! | `account.id`, `converted_account` | `CONVERTED_ORGANISATION_ID` (same) |
//! | `first_name`, `last_name` | `FIRST_NAME`, `LAST_NAME` |
//! | `addresses` | one address: first line of `ADDRESS_STREET` -> `street_1`, further lines -> `street_2`; `ADDRESS_CITY`, `ADDRESS_STATE`, `ADDRESS_POSTCODE`, `ADDRESS_COUNTRY` (free text); `type` `null`; `[]` when all are empty |
//! | `email_addresses` | `EMAIL` with `type: "primary"` (the lead's one address); `""` -> `[]` |
//! | `phone_numbers` | `PHONE` (`work`), `MOBILE` (`mobile`), `FAX` (`fax`), each only when set; `extension` `null` |
//! | `last_activity_at`, `created_at`, `updated_at`, `converted_at` | `LAST_ACTIVITY_DATE_UTC`, `DATE_CREATED_UTC`, `DATE_UPDATED_UTC`, `CONVERTED_DATE_UTC` |
//! | `custom_fields` | with `include_custom_fields=true`: `CUSTOMFIELDS[].FIELD_NAME` -> `FIELD_VALUE`, the value's JSON exactly |
//! | `remote_data` | the lead exactly as Insightly sent it |
//!
//! Times look like `2025-04-17 20:37:27` (a space, no zone) and are read as UTC (the fields are
//! named `*_UTC`); RFC 3339 values are accepted too. Blank strings count as no value.
//!
//! `lead_source` is omitted: an Insightly lead carries only `LEAD_SOURCE_ID`, and its name needs
//! the account's `/v3.1/LeadSources` list, which this connector does not read; the id stays in
//! `remote_data`.
//!
//! # Errors
//!
//! Insightly's error bodies are often plain text and their JSON shape is undocumented: the message
//! is a JSON `Message`/`message`/`error` or the body's first line, and the body is kept in
//! `raw_response`. 401 -> unauthorized (a wrong pod also gives it), 403 -> forbidden, 404 -> not
//! found, 429 -> rate limited with Insightly's `Retry-After` or 6 s, other 4xx passed through, 5xx
//! -> bad gateway. Insightly's rate limits are not documented beyond daily call limits per plan;
//! [`default_limiter`] keeps an account at 5 requests a second and 4 in flight. A 2xx body that is
//! not an array, or a lead that does not fit the mapping, fails the page naming the record.

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
pub use connector::InsightlyConnector;
pub use descriptor::{DESCRIPTOR, PROVIDER};
pub use limits::default_limiter;
