//! Zoho CRM records API: `GET /crm/v{N}/Leads` (N = 2..=8) with `Authorization: Zoho-oauthtoken`.
//!
//! - `fields` is required from v3 on (missing: 400 `REQUIRED_PARAM_MISSING`; more than 50: 400
//!   `LIMIT_EXCEEDED`); records carry only the requested fields plus `id` (missing values `null`).
//! - `per_page` (default and maximum 200), `page` for the first 2,000 records only (a page that
//!   starts at or past record 2,000: 400 `DISCRETE_PAGINATION_LIMIT_EXCEEDED`), `page_token` from
//!   `info.next_page_token` for the rest (up to 100,000; `page` and `page_token` together: 400).
//!   A page token remembers the sort and the `converted` filter of the query that issued it.
//! - `converted`: `false` (default) leaves converted leads out, `true` only converted, `both`.
//! - `sort_by` `id` (default), `Created_Time`, `Modified_Time`; `sort_order` `desc` (default) or
//!   `asc`; ties are broken by `id` ascending, so pages never overlap.
//! - No records: HTTP 204 with an empty body.
//! - `POST /oauth/v2/token?grant_type=refresh_token&client_id&client_secret&refresh_token` issues a
//!   new access token; a bad refresh token gets HTTP 200 `{"error":"invalid_code"}`, as Zoho does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Duration, FixedOffset, Utc};
use serde_json::{json, Value};

use crate::auth::{self, RefreshError};
use crate::data::{self, write_object, Person, PhoneKind, Rec};
use crate::respond::{self, json as json_response, param, query_pairs, Failure};
use crate::state::SimState;

/// Lead owners: name, id, email.
pub const OWNERS: [(&str, &str, &str); 5] = [
    (
        "Patricia Boyle",
        "4150868000000225013",
        "patricia.boyle@example.com",
    ),
    (
        "Zoë Ærøskøbing",
        "4150868000000225021",
        "zoe.aeroskobing@example.com",
    ),
    (
        "Łukasz Nowak",
        "4150868000000225034",
        "lukasz.nowak@example.com",
    ),
    (
        "José García",
        "4150868000000225047",
        "jose.garcia@example.com",
    ),
    (
        "Seán O'Brien",
        "4150868000000225052",
        "sean.obrien@example.com",
    ),
];
/// `page` stops here; `page_token` goes on.
pub const DISCRETE_LIMIT: usize = 2_000;
/// `page_token` stops here.
pub const TOKEN_LIMIT: usize = 100_000;
/// At most this many `fields`.
pub const MAX_FIELDS: usize = 50;
/// Largest (and default) `per_page`.
pub const MAX_PER_PAGE: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortBy {
    Id,
    CreatedTime,
    ModifiedTime,
}

impl SortBy {
    fn name(self) -> &'static str {
        match self {
            SortBy::Id => "id",
            SortBy::CreatedTime => "Created_Time",
            SortBy::ModifiedTime => "Modified_Time",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Converted {
    No,
    Yes,
    Both,
}

/// What a page token remembers.
#[derive(Clone, Copy, Debug)]
struct PageToken {
    offset: usize,
    page: u64,
    sort_by: SortBy,
    desc: bool,
    converted: Converted,
}

/// Issued page tokens.
#[derive(Debug, Default)]
pub(crate) struct ZohoState {
    tokens: Mutex<HashMap<String, PageToken>>,
    next: AtomicU64,
}

impl ZohoState {
    fn issue(&self, token: PageToken) -> String {
        let n = self.next.fetch_add(1, AtomicOrdering::Relaxed) + 1;
        let id = format!("c8582{:07x}", n.wrapping_mul(0x9e37_79b9) & 0xfff_ffff);
        let id = format!("{id}{n:x}");
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() > 100_000 {
            tokens.clear();
        }
        tokens.insert(id.clone(), token);
        id
    }

    fn get(&self, id: &str) -> Option<PageToken> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .copied()
    }
}

pub(crate) fn api_routes() -> Router<Arc<SimState>> {
    Router::new().route("/crm/{version}/{module}", get(list))
}

pub(crate) fn token_routes() -> Router<Arc<SimState>> {
    Router::new().route("/oauth/v2/token", post(token))
}

/// One lead in Zoho's shape, date-times in the org's `offset`.
pub(crate) fn record(p: &Person, offset: FixedOffset) -> Rec {
    let owner = OWNERS[p.owner.unwrap_or(0)];
    let creator = OWNERS[p.creator];
    let user = |u: (&str, &str, &str)| json!({"name": u.0, "id": u.1, "email": u.2});
    let id = format!("4150868{:012}", 1_000_000 + p.index as u64 * 17);
    let status = [
        "Not Contacted",
        "Attempted to Contact",
        "Contacted",
        "Pre-Qualified",
        "Junk Lead",
    ][p.status_index % 5];
    let dt = |secs: i64| json!(data::zoho_datetime(secs, offset));
    let lookup = |prefix: &str, i: usize, name: String| json!({"name": name, "id": format!("4150868{prefix}{:08}", i + 1)});
    let mut r = Rec::default();
    r.insert("Owner".into(), user(owner));
    r.insert("Company".into(), json!(p.company));
    r.insert("Email".into(), json!(p.email));
    r.insert("Description".into(), json!(p.details));
    r.insert("Salutation".into(), json!(p.salutation));
    r.insert(
        "Last_Activity_Time".into(),
        json!(p.last_activity.map(|t| data::zoho_datetime(t, offset))),
    );
    r.insert("First_Name".into(), json!(p.first_name));
    r.insert("Full_Name".into(), json!(p.full_name()));
    r.insert("Lead_Status".into(), json!(status));
    r.insert("Modified_By".into(), user(creator));
    r.insert(
        "$converted_detail".into(),
        match &p.converted {
            Some(c) => json!({
                "converted_by": user(creator),
                "converted_date_time": data::zoho_datetime(c.at, offset),
                "contact": lookup("1", c.contact, format!("Contact {}", c.contact + 1)),
                "account": lookup("2", c.account, format!("Account {}", c.account + 1)),
                "deal": c.opportunity.map(|o| lookup("3", o, format!("Deal {}", o + 1))),
            }),
            None => json!({}),
        },
    );
    r.insert("Phone".into(), json!(p.phone(PhoneKind::Work)));
    r.insert("Street".into(), json!(p.street));
    r.insert(
        "Zip_Code".into(),
        json!(p.place.as_ref().map(|x| x.postal_code)),
    );
    r.insert("id".into(), json!(id));
    r.insert("Designation".into(), json!(p.title));
    r.insert("Modified_Time".into(), dt(p.modified));
    r.insert("Created_Time".into(), dt(p.created));
    r.insert("City".into(), json!(p.place.as_ref().map(|x| x.city)));
    r.insert("No_of_Employees".into(), json!(p.employees));
    r.insert("Mobile".into(), json!(p.phone(PhoneKind::Mobile)));
    r.insert("Last_Name".into(), json!(p.last_name));
    r.insert(
        "State".into(),
        json!(p.place.as_ref().and_then(|x| x.state)),
    );
    r.insert("Lead_Source".into(), json!(p.source));
    r.insert(
        "Country".into(),
        json!(p.place.as_ref().map(|x| x.country_name)),
    );
    r.insert("Created_By".into(), user(creator));
    r.insert("Fax".into(), json!(p.phone(PhoneKind::Fax)));
    r.insert("Secondary_Email".into(), json!(p.secondary_email));
    r.insert("$converted".into(), json!(p.converted.is_some()));
    r.insert(
        "Annual_Revenue".into(),
        json!(p.value.map(|v| v.0 as f64 * 10.0)),
    );
    r.insert(
        "Converted_Contact".into(),
        json!(p.converted.as_ref().map(|c| lookup(
            "1",
            c.contact,
            format!("Contact {}", c.contact + 1)
        ))),
    );
    r.insert(
        "Converted_Account".into(),
        json!(p.converted.as_ref().map(|c| lookup(
            "2",
            c.account,
            format!("Account {}", c.account + 1)
        ))),
    );
    r.insert(
        "Converted_Deal".into(),
        json!(p
            .converted
            .as_ref()
            .and_then(|c| c
                .opportunity
                .map(|o| lookup("3", o, format!("Deal {}", o + 1))))),
    );
    r.insert("Lead_Score__c".into(), json!(p.score));
    r.insert("Preferred_Language__c".into(), json!(p.language));
    r.insert("Legacy_Ref__c".into(), json!(p.legacy_ref));
    r
}

/// Zoho's error body.
fn error(status: StatusCode, code: &str, message: &str, details: Value) -> Response {
    json_response(
        status,
        &json!({"code": code, "details": details, "message": message, "status": "error"}),
    )
}

fn invalid_data(param_name: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "invalid data",
        json!({"param_name": param_name}),
    )
}

pub(crate) fn failure(f: Failure) -> Response {
    match f {
        Failure::RateLimited { retry_after } => {
            let mut resp = error(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests. Please try again later.",
                json!({}),
            );
            if let Some(s) = retry_after {
                respond::set_header(&mut resp, "retry-after", s.to_string());
            }
            resp
        }
        Failure::ServerError(s) => error(s, "INTERNAL_ERROR", "Internal Server Error", json!({})),
        Failure::NotFound => error(
            StatusCode::NOT_FOUND,
            "INVALID_URL_PATTERN",
            "Please check if the URL trying to access is a correct one",
            json!({}),
        ),
    }
}

fn api_version(v: &str) -> Option<u32> {
    v.strip_prefix('v')
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (2..=8).contains(n))
}

async fn list(
    State(st): State<Arc<SimState>>,
    Path((version, module)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(version) = api_version(&version) else {
        return failure(Failure::NotFound);
    };
    match auth::scheme_token(&headers, "Zoho-oauthtoken") {
        Some(t) if st.auth().access_ok(t) => {}
        Some(_) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "INVALID_TOKEN",
                "invalid oauth token",
                json!({}),
            )
        }
        None if headers.contains_key("authorization") => {
            return error(
                StatusCode::UNAUTHORIZED,
                "INVALID_TOKEN",
                "invalid oauth token",
                json!({}),
            )
        }
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "AUTHENTICATION_FAILURE",
                "Authentication failed",
                json!({}),
            )
        }
    }
    if module != "Leads" {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_MODULE",
            "the module name given seems to be invalid",
            json!({"resource_path_index": 0}),
        );
    }
    let pairs = query_pairs(raw.as_deref());
    let fields: Option<Vec<String>> = param(&pairs, "fields")
        .filter(|f| !f.trim().is_empty())
        .map(|f| {
            f.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        });
    if fields.is_none() && version >= 3 {
        return error(
            StatusCode::BAD_REQUEST,
            "REQUIRED_PARAM_MISSING",
            "required param is missing",
            json!({"param_name": "fields"}),
        );
    }
    if fields.as_ref().is_some_and(|f| f.len() > MAX_FIELDS) {
        return error(
            StatusCode::BAD_REQUEST,
            "LIMIT_EXCEEDED",
            "limit exceeded",
            json!({"limit": MAX_FIELDS, "param_name": "fields"}),
        );
    }
    let per_page = match param(&pairs, "per_page") {
        None | Some("") => MAX_PER_PAGE,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => n.min(MAX_PER_PAGE),
            _ => return invalid_data("per_page"),
        },
    };
    let page = match param(&pairs, "page") {
        None | Some("") => None,
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return invalid_data("page"),
        },
    };
    let page_token = param(&pairs, "page_token").filter(|t| !t.is_empty());
    if page.is_some() && page_token.is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "page and page_token cannot be given together",
            json!({"param_name": "page_token"}),
        );
    }
    let (offset, page_no, sort_by, desc, converted) = if let Some(t) = page_token {
        let Some(t) = st.zoho.get(t) else {
            return invalid_data("page_token");
        };
        if t.offset >= TOKEN_LIMIT {
            return error(
                StatusCode::BAD_REQUEST,
                "PAGINATION_LIMIT_EXCEEDED",
                "You can only get upto 100000 records using page_token param",
                json!({"param_name": "page_token"}),
            );
        }
        (t.offset, t.page, t.sort_by, t.desc, t.converted)
    } else {
        let converted = match param(&pairs, "converted") {
            None | Some("") | Some("false") => Converted::No,
            Some("true") => Converted::Yes,
            Some("both") => Converted::Both,
            Some(_) => return invalid_data("converted"),
        };
        let sort_by = match param(&pairs, "sort_by") {
            None | Some("") | Some("id") => SortBy::Id,
            Some("Created_Time") => SortBy::CreatedTime,
            Some("Modified_Time") => SortBy::ModifiedTime,
            Some(_) => return invalid_data("sort_by"),
        };
        let desc = match param(&pairs, "sort_order") {
            None | Some("") | Some("desc") => true,
            Some("asc") => false,
            Some(_) => return invalid_data("sort_order"),
        };
        let page_no = page.unwrap_or(1);
        let offset = usize::try_from(page_no - 1)
            .ok()
            .and_then(|p| p.checked_mul(per_page))
            .unwrap_or(usize::MAX);
        if offset >= DISCRETE_LIMIT {
            return error(
                StatusCode::BAD_REQUEST,
                "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                "You can only get the first 2000 records without using page_token param",
                json!({"limit": DISCRETE_LIMIT}),
            );
        }
        (offset, page_no, sort_by, desc, converted)
    };

    let records = &st.records;
    let mut hits: Vec<usize> = (0..records.len())
        .filter(|&i| {
            let c = records[i]["$converted"].as_bool().unwrap_or(false);
            match converted {
                Converted::No => !c,
                Converted::Yes => c,
                Converted::Both => true,
            }
        })
        .collect();
    let id_key = |r: &Value| {
        let s = r["id"].as_str().unwrap_or_default();
        (s.len(), s.to_string())
    };
    hits.sort_by(|&a, &b| {
        let (a, b) = (&records[a], &records[b]);
        let o = match sort_by {
            SortBy::Id => id_key(a).cmp(&id_key(b)),
            SortBy::CreatedTime => time(a, "Created_Time").cmp(&time(b, "Created_Time")),
            SortBy::ModifiedTime => time(a, "Modified_Time").cmp(&time(b, "Modified_Time")),
        };
        let o = if desc { o.reverse() } else { o };
        o.then_with(|| id_key(a).cmp(&id_key(b)))
    });
    let end = offset.saturating_add(per_page).min(hits.len());
    if offset >= end {
        return StatusCode::NO_CONTENT.into_response();
    }
    let more = end < hits.len() && end < TOKEN_LIMIT;
    let next_token = more.then(|| {
        st.zoho.issue(PageToken {
            offset: end,
            page: page_no + 1,
            sort_by,
            desc,
            converted,
        })
    });
    let items: Vec<String> = hits[offset..end]
        .iter()
        .map(|&i| project(&records[i], fields.as_deref()))
        .collect();
    let offset_tz = st
        .config
        .zoho_utc_offset_minutes
        .checked_mul(60)
        .and_then(FixedOffset::east_opt)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    let mut info = vec![
        ("per_page", json!(per_page)),
        ("next_page_token", json!(next_token)),
        ("count", json!(end - offset)),
        ("sort_by", json!(sort_by.name())),
        ("page", json!(page_no)),
        ("previous_page_token", Value::Null),
    ];
    if next_token.is_some() {
        let expiry = (Utc::now() + Duration::days(1)).timestamp();
        info.push((
            "page_token_expiry",
            json!(data::zoho_datetime(expiry, offset_tz)),
        ));
    }
    info.push(("sort_order", json!(if desc { "desc" } else { "asc" })));
    info.push(("more_records", json!(more)));
    let body = format!(
        "{{\"data\":{},\"info\":{}}}",
        respond::array(items.iter().map(String::as_str)),
        write_object(info.iter().map(|(k, v)| (*k, v)))
    );
    respond::json_text(StatusCode::OK, body)
}

fn time(r: &Value, key: &str) -> Option<i64> {
    r[key]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|d| d.timestamp())
}

/// `id` plus the requested fields (all fields when none were requested, as v2 does).
fn project(r: &Value, fields: Option<&[String]>) -> String {
    let Some(obj) = r.as_object() else {
        return r.to_string();
    };
    match fields {
        None => r.to_string(),
        Some(fields) => {
            let null = Value::Null;
            let mut pairs: Vec<(&str, &Value)> = vec![("id", obj.get("id").unwrap_or(&null))];
            for f in fields {
                if f != "id" && !pairs.iter().any(|(k, _)| *k == f.as_str()) {
                    pairs.push((f.as_str(), obj.get(f.as_str()).unwrap_or(&null)));
                }
            }
            write_object(pairs)
        }
    }
}

/// `POST /oauth/v2/token`: parameters in the query string (Zoho's documented form) or the body.
async fn token(State(st): State<Arc<SimState>>, RawQuery(q): RawQuery, body: Bytes) -> Response {
    st.token_delay().await;
    st.with_stats(|s| s.token_requests += 1);
    let params = auth::token_params(q.as_deref(), &body);
    let revoked = st.refresh_revoked();
    let result = st.auth().refresh(&params, None, revoked, false);
    match result {
        Ok(t) => {
            st.with_stats(|s| s.refreshes += 1);
            json_response(
                StatusCode::OK,
                &json!({
                    "access_token": t.access_token,
                    "scope": "ZohoCRM.modules.leads.READ",
                    "api_domain": st.base_url,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                }),
            )
        }
        Err(e) => {
            st.with_stats(|s| s.refresh_failures += 1);
            let code = match e {
                RefreshError::InvalidGrant => "invalid_code",
                RefreshError::InvalidClient => "invalid_client",
                RefreshError::UnsupportedGrantType => "unsupported_grant_type",
            };
            // Zoho answers a refused refresh with HTTP 200 and an `error` field.
            json_response(StatusCode::OK, &json!({"error": code}))
        }
    }
}
