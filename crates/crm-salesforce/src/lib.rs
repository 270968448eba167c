//! Salesforce connector for the unified CRM leads API.
//!
//! Lists Lead records with `GET {instance_url}/services/data/{version}/query?q=<SOQL>` (API
//! version [`DEFAULT_API_VERSION`] unless configured), authenticated with
//! `Authorization: Bearer <access token>`.
//!
//! # Query
//!
//! - An explicit SELECT list (never `FIELDS(ALL)`), `ORDER BY Id ASC`: `Id` is unique, so the
//!   order is total and stable (`CreatedDate` can tie), and it lets a page resume with
//!   `Id > '<last id>'` when needed (see below). No SOQL `LIMIT` (it would cap the whole walk, not
//!   a page) and never `OFFSET` (capped at 2,000 rows).
//! - Page size through `Sforce-Query-Options: batchSize=N`. Salesforce accepts 200..2000 and may
//!   answer fewer. A `limit` below 200 asks for 200 and returns exactly `limit` records; the cursor
//!   then points inside the batch with the query locator's `-<offset>` suffix
//!   (`/query/<locator>-<offset>` addresses any position). If the batch that was cut is the last one
//!   (`done: true`, no locator to resume from), the cursor holds the last returned `Id` and the next
//!   page re-runs the query with `Id > '<id>'`. With `truto_ignore_limit` no batch size is sent.
//! - `nextRecordsUrl` is followed inside our signed cursor. A decoded cursor's locator must match
//!   `/services/data/vNN.N/query/<letters and digits>-<digits>` before it is requested. `done: false`
//!   without `nextRecordsUrl` (or `done: true` with one) is an invalid response, never a silent stop.
//! - `remote_query` pairs are sent to the query endpoint as given, except `q` and `explain`
//!   (refused: they would replace the query or change what the endpoint answers).
//!
//! # Filters
//!
//! | filter | SOQL |
//! |---|---|
//! | `owner[id]` | `OwnerId = '<id>'` (15/18 letters and digits, else 400) |
//! | `account[id]` | `ConvertedAccountId = '<id>'`: a Lead has no other field that references an Account; it is set once the lead is converted |
//! | `name` | `Name = '<value>'`: equality on the full name (Salesforce compares case-insensitively); no LIKE, so `%` and `_` match themselves |
//! | `country`, `state`, `lead_source` | `Country`, `State`, `LeadSource` `= '<value>'` |
//! | `created_at`, `updated_at` | `CreatedDate`, `LastModifiedDate` with `= > >= < <=` and an unquoted UTC literal `2024-01-01T00:00:00Z` |
//! | `converted_at` | `ConvertedDate` (a date) with a date literal `2024-01-01`, see below |
//! | `email_addresses[]` | `Email IN ('<a>', '<b>')` |
//! | `custom_fields[Api__c]` | `Api__c = <literal>`, typed by the describe field type: boolean, number (int, double, currency, percent), date, date-time; any other type is a string literal |
//! | `include_custom_fields` | selects every custom field describe lists and fills `custom_fields` |
//!
//! Every string literal is escaped by [`soql`] (`\ ' "` and `\n \r \t \b \f`; inside LIKE also
//! `%` and `_`); field names come only from a fixed allow-list or from the describe result. A
//! property test proves that no value can change the structure of the query.
//!
//! Date-time bounds: SOQL literals have whole seconds and Salesforce stores date-times to the
//! second, so a bound with a fraction becomes the bound selecting the same records (`gt`/`gte`
//! `10:00:00.5` -> `> 10:00:00`, `lt`/`lte` `10:00:00.5` -> `<= 10:00:00`); equality with a fraction
//! can never match and is a 400. `converted_at` compares the date's midnight UTC (how it is
//! reported) with the bound: with `d` the bound's UTC date, `gt` -> `> d`; `gte` -> `>= d` at
//! midnight, else `> d`; `lt` -> `< d` at midnight, else `<= d`; `lte` -> `<= d`; equality needs a
//! midnight UTC value (else 400).
//!
//! # Custom fields
//!
//! `GET /services/data/{version}/sobjects/Lead/describe` is fetched only when a request uses
//! `include_custom_fields` or a `custom_fields` filter, and cached per connector instance. When it is
//! loaded, only fields it lists are selected (field-level security can hide fields, and selecting a
//! hidden field fails the query), and a filter on a hidden standard field is a 400. A custom field
//! filter naming a field describe does not list is a 400 naming the field and listing the available
//! custom fields; a field Salesforce cannot filter on (long text areas) is a 400 too.
//!
//! # Mapping
//!
//! | unified | Salesforce |
//! |---|---|
//! | `id` | `Id` |
//! | `owner.id` | `OwnerId` (a user or a queue) |
//! | `lead_source`, `title` | `LeadSource`, `Title` |
//! | `account.id` | `ConvertedAccountId` (null until converted) |
//! | `first_name`, `last_name` | `FirstName`, `LastName` |
//! | `addresses` | one address: first line of `Street` -> `street_1`, the other non-blank lines joined with `", "` -> `street_2`, `City`, `State`, `PostalCode`, `Country`; `type` null; `[]` when every part is empty |
//! | `email_addresses` | `Email`, `type` null |
//! | `phone_numbers` | `Phone` (`work`), `MobilePhone` (`mobile`), `Fax` (`fax`) |
//! | `created_at`, `updated_at` | `CreatedDate`, `LastModifiedDate` (`+0000` offsets accepted) |
//! | `converted_at` | `ConvertedDate` (a date: midnight UTC) |
//! | `converted_contact`, `converted_account` | `ConvertedContactId`, `ConvertedAccountId` |
//! | `custom_fields` | with `include_custom_fields`: every `__c` key of the record, values untouched |
//! | `remote_data` | the record as Salesforce sent it (the selected fields plus `attributes`) |
//!
//! `contact.id` and `last_activity_at` are not supplied. Beyond the seed, `custom_fields` is
//! declared as a response field (it is what `include_custom_fields` returns).
//!
//! # Errors
//!
//! Salesforce's array body `[{"message", "errorCode"}]` (and the OAuth `{"error",
//! "error_description"}` shape) is read for the message. 401 -> unauthorized; 403
//! `REQUEST_LIMIT_EXCEEDED` -> rate limited, with `Sforce-Limit-Info: api-usage=used/max` as the
//! limit figures (also read on every successful page); other 403 -> forbidden; 404 -> not found;
//! `MALFORMED_QUERY`, `INVALID_FIELD` and other 4xx -> a remote error carrying the message; 5xx ->
//! bad gateway; `INVALID_QUERY_LOCATOR` (an expired locator) -> invalid cursor, start over. A body
//! that is not JSON still gives a clear error with the start of the body.
//!
//! # Auth
//!
//! [`SalesforceConnector::new`] sends the configured access token as given and each request once.
//! [`SalesforceConnector::with_options`] takes the transport's retries, limiter and credentials;
//! for token refresh, build `crm_core::transport::OAuthCredentials` from
//! [`Config::oauth_settings`] (token URL, client id and secret in the form body, the answer's
//! `instance_url` as the new base URL) and [`Config::token_set`]. The refresh behaviour itself
//! belongs to the transport (resilience work), not to this crate.
//!
//! # Prefetching
//!
//! Pages are fetched one after the other (`Connector::state_after` keeps its default `None`):
//! Salesforce may answer fewer records than asked, so the position of a later page is known only
//! from the previous answer.

pub mod capabilities;
pub mod config;
pub mod connector;
pub mod describe;
pub mod descriptor;
pub mod errors;
pub mod limits;
pub mod mapping;
pub mod paging;
pub mod records;
pub mod request;
pub mod soql;

pub use capabilities::CAPABILITIES;
pub use config::{Config, DEFAULT_API_VERSION, DEFAULT_TOKEN_URL};
pub use connector::SalesforceConnector;
pub use descriptor::{DESCRIPTOR, PROVIDER};
pub use limits::default_limiter;
pub use paging::PageState;
pub use records::{parse_page, QueryResponse};
