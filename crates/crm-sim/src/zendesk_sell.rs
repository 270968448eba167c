//! Zendesk Sell Core API v2 leads: `GET /v2/leads` with `Authorization: Bearer` (a personal
//! access token or an OAuth access token) and a `User-Agent` (requests without one get 400
//! `invalid_header`).
//!
//! Page-number paging with `page` (1-based) and `per_page` (default 25, at most 100; more is a
//! 422 `invalid_param`), `sort_by` (`id`, `created_at`, `updated_at`, `last_name`, each with
//! `:asc`/`:desc`; default `updated_at:asc`; ties broken by id), filters `ids`, `owner_id`,
//! `creator_id`, `source_id`, `first_name`, `last_name`, `organization_name`, `status`,
//! `address[city]`, `address[postal_code]`, `address[state]`, `address[country]` and
//! `custom_fields[<name>]` (exact, case-sensitive), and the collection envelope
//! `{items: [{data, meta}], meta: {type, count, links}}`. The last page has no
//! `meta.links.next_page`; a page that ends exactly at the last lead still links to the next,
//! empty page, so both end conditions occur.
//!
//! `GET /v2/lead_sources` lists the account's sources (`{id, name}`); `GET /v2/lead_conversions`
//! the conversions (`lead_id=<id>,<id>` filter, at most 100 ids). `POST /oauth2/token` refreshes
//! OAuth tokens (client credentials in Basic auth or in the parameters; a new refresh token each
//! time). Every answer carries `x-request-id`, which error bodies repeat as `meta.logref`.

use std::cmp::Ordering;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::auth::{self, RefreshError};
use crate::data::{self, Person, Rec, SOURCES};
use crate::respond::{self, json as json_response, param, query_pairs, Failure};
use crate::state::SimState;

/// Owner (user) ids.
pub const OWNER_IDS: [i64; 5] = [2393211, 2393212, 2393213, 2393217, 2393222];
/// First lead id; lead `i` (in creation order) has id `LEAD_BASE + i`.
pub const LEAD_BASE: i64 = 302_488_000;
/// Lead source ids: `SOURCE_BASE + index` of the source name.
pub const SOURCE_BASE: i64 = 7101;
/// First contact (individual) id of a conversion.
pub const CONTACT_BASE: i64 = 402_000_000;
/// First organization id of a conversion.
pub const ORG_BASE: i64 = 502_000_000;
/// Custom fields (keyed by name): a number, a text, a text with awkward characters.
pub const CUSTOM_FIELDS: [&str; 3] = ["Score", "Segment", "Legacy ref"];
/// Largest `per_page`.
pub const MAX_PER_PAGE: i64 = 100;

const STATUSES: [&str; 5] = ["New", "Working", "Unqualified", "Nurture", "Qualified"];
const MORE_INFO: &str = "https://developers.getbase.com/docs/rest/articles/errors";

/// Per-simulator state: the conversions of the generated dataset, and the request id counter.
#[derive(Debug, Default)]
pub struct ZendeskSellState {
    pub(crate) conversions: Vec<Value>,
    request_ids: AtomicU64,
}

impl ZendeskSellState {
    pub(crate) fn new(conversions: Vec<Value>) -> Self {
        ZendeskSellState {
            conversions,
            request_ids: AtomicU64::new(0),
        }
    }
}

pub(crate) fn api_routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/v2/leads", get(list))
        .route("/v2/lead_sources", get(sources))
        .route("/v2/lead_conversions", get(conversions))
}

pub(crate) fn token_routes() -> Router<Arc<SimState>> {
    Router::new().route("/oauth2/token", post(token))
}

fn datetime(secs: i64) -> String {
    data::utc(secs).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One lead as an `items[]` entry: `{"data": {...}, "meta": {"type": "lead", "version": N}}`.
pub(crate) fn record(p: &Person) -> Rec {
    let s = p.salt;
    let id = LEAD_BASE + p.index as i64;
    let place = p.place.as_ref();
    let address = if p.street.is_none() && place.is_none() {
        Value::Null
    } else {
        json!({
            "line1": p.street,
            "city": place.map(|x| x.city),
            "postal_code": place.map(|x| x.postal_code),
            "state": place.and_then(|x| x.state),
            "country": place.map(|x| x.country_name),
        })
    };
    let source = p
        .source
        .and_then(|name| SOURCES.iter().position(|s| *s == name))
        .map(|i| SOURCE_BASE + i as i64);
    let mut custom = serde_json::Map::new();
    if let Some(score) = p.score {
        custom.insert(CUSTOM_FIELDS[0].into(), json!(score));
    }
    if let Some(segment) = p.segment {
        custom.insert(CUSTOM_FIELDS[1].into(), json!(segment));
    }
    if let Some(legacy) = &p.legacy_ref {
        custom.insert(CUSTOM_FIELDS[2].into(), json!(legacy));
    }
    let lead = json!({
        "id": id,
        "creator_id": OWNER_IDS[p.creator],
        "owner_id": p.owner.map(|o| OWNER_IDS[o]),
        "first_name": p.first_name,
        "last_name": p.last_name,
        "organization_name": p.company,
        "status": STATUSES[p.status_index % STATUSES.len()],
        "source_id": source,
        "unqualified_reason_id": null,
        "title": p.title,
        "description": p.details,
        "industry": null,
        "website": null,
        "email": p.email,
        "phone": p.phone(data::PhoneKind::Work),
        "mobile": p.phone(data::PhoneKind::Mobile),
        "fax": p.phone(data::PhoneKind::Fax),
        "twitter": null,
        "facebook": null,
        "linkedin": null,
        "skype": null,
        "address": address,
        "tags": p.tags,
        "custom_fields": custom,
        "created_at": datetime(p.created),
        "updated_at": datetime(p.modified),
    });
    let mut r = Rec::default();
    r.insert("data".into(), lead);
    r.insert(
        "meta".into(),
        json!({"version": 1 + (s % 40) as i64, "type": "lead"}),
    );
    r
}

/// The conversions of the generated leads, in the shape of `/v2/lead_conversions` items.
pub(crate) fn conversion_records(people: &[Person]) -> Vec<Value> {
    people
        .iter()
        .filter_map(|p| p.converted.as_ref().map(|c| (p, c)))
        .enumerate()
        .map(|(n, (p, c))| {
            json!({
                "data": {
                    "id": 9_000_001 + n as i64,
                    "lead_id": LEAD_BASE + p.index as i64,
                    "individual_id": CONTACT_BASE + c.contact as i64,
                    "organization_id": ORG_BASE + c.account as i64,
                    "deal_id": c.opportunity.map(|o| 602_000_000 + o as i64),
                    "creator_id": OWNER_IDS[p.creator],
                    "created_at": datetime(c.at),
                },
                "meta": {"type": "lead_conversion"}
            })
        })
        .collect()
}

fn request_id(st: &SimState) -> String {
    let n = st
        .zendesk_sell
        .request_ids
        .fetch_add(1, AtomicOrdering::Relaxed)
        + 1;
    format!("00000000-5e11-4000-8000-{n:012x}")
}

fn error_body(status: StatusCode, code: &str, message: &str, details: &str, logref: &str) -> Value {
    json!({
        "errors": [{
            "error": {"code": code, "message": message, "details": details},
            "meta": {"type": "error", "links": {"more_info": MORE_INFO}}
        }],
        "meta": {
            "type": "errors",
            "http_status": format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("")),
            "logref": logref,
            "links": {"more_info": MORE_INFO}
        }
    })
}

fn error(st: &SimState, status: StatusCode, code: &str, message: &str, details: &str) -> Response {
    let id = request_id(st);
    let mut resp = json_response(status, &error_body(status, code, message, details, &id));
    respond::set_header(&mut resp, "x-request-id", id);
    resp
}

pub(crate) fn failure(st: &SimState, f: Failure) -> Response {
    match f {
        Failure::RateLimited { retry_after } => {
            let mut resp = error(
                st,
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "rate limit exceeded",
                "The number of requests per hour for this token has been exceeded.",
            );
            if let Some(s) = retry_after {
                respond::set_header(&mut resp, "retry-after", s.to_string());
            }
            resp
        }
        Failure::ServerError(s) => error(
            st,
            s,
            "internal_server_error",
            "internal server error",
            "Something went wrong on our side.",
        ),
        Failure::NotFound => error(
            st,
            StatusCode::NOT_FOUND,
            "incorrect_path",
            "not found",
            "The requested path does not exist.",
        ),
    }
}

/// Refuses requests without a valid bearer token or a `User-Agent`.
fn check(st: &SimState, headers: &HeaderMap) -> Result<(), Box<Response>> {
    if headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim().is_empty())
    {
        return Err(Box::new(error(
            st,
            StatusCode::BAD_REQUEST,
            "invalid_header",
            "invalid header",
            "The User-Agent header is missing.",
        )));
    }
    let ok = auth::scheme_token(headers, "Bearer").is_some_and(|t| {
        let auth = st.auth();
        auth.access_ok(t) || auth.api_key_ok(t)
    });
    if ok {
        Ok(())
    } else {
        Err(Box::new(error(
            st,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "request is unauthorized",
            "Required access token is missing, malformed, expired, or invalid.",
        )))
    }
}

fn invalid_param(st: &SimState, name: &str, details: &str) -> Response {
    error(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_param",
        &format!("{name} is invalid"),
        details,
    )
}

/// `page` and `per_page`, checked.
fn paging(st: &SimState, pairs: &[(String, String)]) -> Result<(i64, i64), Box<Response>> {
    let int = |name: &str, default: i64| -> Result<i64, Box<Response>> {
        match param(pairs, name) {
            None | Some("") => Ok(default),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map_err(|_| Box::new(invalid_param(st, name, "must be an integer"))),
        }
    };
    let page = int("page", 1)?;
    let per_page = int("per_page", 25)?;
    if page < 1 {
        return Err(Box::new(invalid_param(st, "page", "must be at least 1")));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Box::new(invalid_param(
            st,
            "per_page",
            "must be between 1 and 100",
        )));
    }
    Ok((page, per_page))
}

/// The collection envelope around already-serialized items, with `next_page` when asked.
fn collection(
    st: &SimState,
    path: &str,
    items: Vec<&str>,
    page: i64,
    per_page: i64,
    next: bool,
) -> Response {
    let link = |p: i64| format!("{}{path}?page={p}&per_page={per_page}", st.base_url);
    let mut links = json!({"self": link(page), "first_page": link(1)});
    if page > 1 {
        links["prev_page"] = json!(link(page - 1));
    }
    if next {
        links["next_page"] = json!(link(page + 1));
    }
    let meta = json!({"type": "collection", "count": items.len(), "links": links});
    let mut resp = respond::json_text(
        StatusCode::OK,
        format!("{{\"items\":{},\"meta\":{meta}}}", respond::array(items)),
    );
    respond::set_header(&mut resp, "x-request-id", request_id(st));
    resp
}

/// Page `page` of `hits`: the slice and whether a next page is linked (also when this page ends
/// exactly at the last hit, so the next page is empty).
fn slice<T: Copy>(hits: &[T], page: i64, per_page: i64) -> (Vec<T>, bool) {
    let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let items: Vec<T> = hits
        .iter()
        .skip(start)
        .take(per_page as usize)
        .copied()
        .collect();
    let end = start.saturating_add(items.len());
    let next = !items.is_empty() && (end < hits.len() || items.len() == per_page as usize);
    (items, next)
}

fn sort_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "id" => "id",
        "created_at" => "created_at",
        "updated_at" => "updated_at",
        "last_name" => "last_name",
        _ => return None,
    })
}

fn compare(field: &str, a: &Value, b: &Value) -> Ordering {
    match field {
        "id" => a["id"].as_i64().cmp(&b["id"].as_i64()),
        // Same format and width everywhere, so text order is time order.
        _ => a[field].as_str().cmp(&b[field].as_str()),
    }
}

fn text_eq(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(s) => s == wanted,
        Value::Number(n) => n.to_string() == wanted,
        Value::Bool(b) => b.to_string() == wanted,
        _ => false,
    }
}

async fn list(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(resp) = check(&st, &headers) {
        return *resp;
    }
    let pairs = query_pairs(q.as_deref());
    let (page, per_page) = match paging(&st, &pairs) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let (field, desc) = match param(&pairs, "sort_by") {
        None | Some("") => ("updated_at", false),
        Some(s) => {
            let (field, dir) = s.split_once(':').unwrap_or((s, "asc"));
            match (sort_key(field), dir) {
                (Some(f), "asc") => (f, false),
                (Some(f), "desc") => (f, true),
                _ => return invalid_param(&st, "sort_by", "unsupported sort field or direction"),
            }
        }
    };
    // Equality filters: (lead field path, wanted value).
    let mut filters: Vec<(Vec<String>, String)> = Vec::new();
    let mut ids: Option<Vec<String>> = None;
    for (key, value) in &pairs {
        let path: Option<Vec<String>> = match key.as_str() {
            "owner_id" | "creator_id" | "source_id" | "first_name" | "last_name"
            | "organization_name" | "status" => Some(vec![key.clone()]),
            "ids" => {
                ids = Some(value.split(',').map(|s| s.trim().to_owned()).collect());
                None
            }
            k => {
                if let Some(part) = k.strip_prefix("address[").and_then(|r| r.strip_suffix(']')) {
                    match part {
                        "city" | "postal_code" | "state" | "country" => {
                            Some(vec!["address".into(), part.into()])
                        }
                        _ => return invalid_param(&st, k, "unknown address field"),
                    }
                } else {
                    k.strip_prefix("custom_fields[")
                        .and_then(|r| r.strip_suffix(']'))
                        .map(|name| vec!["custom_fields".into(), name.into()])
                }
            }
        };
        if let Some(path) = path {
            filters.push((path, value.clone()));
        }
    }
    let records = &st.records;
    let lead = |i: usize| &records[i]["data"];
    let mut hits: Vec<usize> = (0..records.len())
        .filter(|&i| {
            let l = lead(i);
            filters.iter().all(|(path, wanted)| {
                let v = path.iter().fold(l, |v, k| &v[k.as_str()]);
                text_eq(v, wanted)
            }) && ids
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|id| text_eq(&l["id"], id)))
        })
        .collect();
    hits.sort_by(|&a, &b| {
        let o = compare(field, lead(a), lead(b));
        let o = if desc { o.reverse() } else { o };
        o.then_with(|| compare("id", lead(a), lead(b)))
    });
    let (items, next) = slice(&hits, page, per_page);
    let items = items.iter().map(|&i| st.raw[i].as_str()).collect();
    collection(&st, "/v2/leads", items, page, per_page, next)
}

/// `GET /v2/lead_sources`: every source name of the dataset, ids `SOURCE_BASE + index`.
async fn sources(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(resp) = check(&st, &headers) {
        return *resp;
    }
    let pairs = query_pairs(q.as_deref());
    let (page, per_page) = match paging(&st, &pairs) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let all: Vec<String> = SOURCES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({
                "data": {
                    "id": SOURCE_BASE + i as i64,
                    "name": name,
                    "resource_type": "lead",
                    "creator_id": OWNER_IDS[0],
                    "created_at": "2019-01-01T00:00:00Z",
                    "updated_at": "2019-01-01T00:00:00Z"
                },
                "meta": {"type": "source"}
            })
            .to_string()
        })
        .collect();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let (items, next) = slice(&refs, page, per_page);
    collection(&st, "/v2/lead_sources", items, page, per_page, next)
}

/// `GET /v2/lead_conversions?lead_id=1,2`: the conversions of those leads (all without a filter).
async fn conversions(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(resp) = check(&st, &headers) {
        return *resp;
    }
    let pairs = query_pairs(q.as_deref());
    let (page, per_page) = match paging(&st, &pairs) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let wanted: Option<Vec<i64>> = match param(&pairs, "lead_id") {
        None | Some("") => None,
        Some(v) => {
            let parsed: Result<Vec<i64>, _> =
                v.split(',').map(|s| s.trim().parse::<i64>()).collect();
            match parsed {
                Ok(ids) if ids.len() <= 100 => Some(ids),
                Ok(_) => return invalid_param(&st, "lead_id", "at most 100 ids"),
                Err(_) => {
                    return invalid_param(&st, "lead_id", "a comma-separated list of integers")
                }
            }
        }
    };
    let all: Vec<String> = st
        .zendesk_sell
        .conversions
        .iter()
        .filter(|c| {
            wanted.as_ref().is_none_or(|w| {
                c["data"]["lead_id"]
                    .as_i64()
                    .is_some_and(|id| w.contains(&id))
            })
        })
        .map(Value::to_string)
        .collect();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let (items, next) = slice(&refs, page, per_page);
    collection(&st, "/v2/lead_conversions", items, page, per_page, next)
}

/// `POST /oauth2/token`: the refresh-token grant (parameters in the query or a form body; client
/// credentials in Basic auth or as parameters). A new refresh token with every answer.
async fn token(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    st.token_delay().await;
    st.with_stats(|s| s.token_requests += 1);
    let params = auth::token_params(q.as_deref(), &body);
    let client = auth::basic_credentials(&headers);
    let revoked = st.refresh_revoked();
    let result = st.auth().refresh(&params, client, revoked, true);
    match result {
        Ok(t) => {
            st.with_stats(|s| s.refreshes += 1);
            json_response(
                StatusCode::OK,
                &json!({
                    "access_token": t.access_token,
                    "token_type": "bearer",
                    "expires_in": 3599,
                    "refresh_token": t.refresh_token,
                    "scope": "read",
                }),
            )
        }
        Err(e) => {
            st.with_stats(|s| s.refresh_failures += 1);
            let (status, code, text) = match e {
                RefreshError::InvalidClient => (
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Client authentication failed.",
                ),
                RefreshError::InvalidGrant => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The provided authorization grant is invalid, expired or revoked.",
                ),
                RefreshError::UnsupportedGrantType => (
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "The authorization grant type is not supported.",
                ),
            };
            json_response(status, &json!({"error": code, "error_description": text}))
        }
    }
}
