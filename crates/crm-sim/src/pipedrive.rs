//! Pipedrive API v1 leads: `GET /api/v1/leads` (company domain, OAuth bearer) and `GET /v1/leads`
//! (api.pipedrive.com, `x-api-token` header or legacy `api_token` parameter); both accept either
//! credential, as the real hosts do. `.../leads/archived` lists the archived leads, which the plain
//! list leaves out.
//!
//! Offset paging with `start`/`limit` (default 100, at most 500), filters `owner_id`, `person_id`,
//! `organization_id`, `updated_since` (inclusive), `sort` (`"add_time ASC, id DESC"`), and the
//! envelope `{success, data, additional_data: {pagination: {start, limit,
//! more_items_in_collection, next_start}}}` with `data: null` on an empty page. The default order
//! is `add_time` then `id`, and every sort ends with `id`, so pages never overlap. Every data answer
//! carries `x-ratelimit-limit/-remaining/-reset` for the 2-second burst window.
//!
//! `GET /api/v2/persons?ids=...` answers the linked persons (up to 100 ids a call) in API v2's shape.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::DateTime;
use serde_json::{json, Value};

use crate::auth::{self, RefreshError};
use crate::data::{self, Person, Rec, PERSONS};
use crate::faults::UsageInfo;
use crate::respond::{self, json as json_response, param, query_pairs, Failure};
use crate::state::SimState;

/// Owner (user) ids.
pub const OWNER_IDS: [i64; 5] = [1, 2, 3, 7, 12];
/// First person id (persons are `PERSON_BASE..PERSON_BASE+40`).
pub const PERSON_BASE: i64 = 1001;
/// First organization id (organizations are `ORG_BASE..ORG_BASE+12`).
pub const ORG_BASE: i64 = 501;
/// Custom field keys (40 hex characters), present on a lead only when set: a number, a text, a
/// free-text reference with awkward characters.
pub const CUSTOM_FIELD_KEYS: [&str; 3] = [
    "8d5e8a9bd1a1f3b6c2e4f7a9b0c1d2e3f4a5b6c7",
    "1f2e3d4c5b6a79880796a5b4c3d2e1f0a9b8c7d6",
    "c0ffee00deadbeef0123456789abcdef01234567",
];
const LABELS: [&str; 3] = [
    "f08b42a0-4e75-11ea-9643-03698ef1cfd6",
    "f08b42a1-4e75-11ea-9643-03698ef1cfd6",
    "f08b42a2-4e75-11ea-9643-03698ef1cfd6",
];
const ERROR_INFO: &str =
    "Please check developers.pipedrive.com for more information about Pipedrive API.";

pub(crate) fn api_routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/api/v1/leads", get(list))
        .route("/v1/leads", get(list))
        .route("/api/v1/leads/archived", get(list_archived))
        .route("/v1/leads/archived", get(list_archived))
        .route("/api/v2/persons", get(persons))
}

/// One person of the simulated account (ids `PERSON_BASE..PERSON_BASE + PERSONS`), in API v2's
/// shape: `emails` and `phones` as `{value, primary, label}` lists.
pub fn person(index: usize) -> Value {
    let first = data::FIRST_NAMES[index % data::FIRST_NAMES.len()];
    let last = data::LAST_NAMES[(index * 7 + 3) % data::LAST_NAMES.len()];
    let id = PERSON_BASE + index as i64;
    let emails = if index % 5 == 4 {
        json!([])
    } else {
        json!([{"value": format!("person{id}@example.com"), "primary": true, "label": "work"}])
    };
    let phones = if index % 3 == 2 {
        json!([])
    } else {
        json!([
            {"value": format!("+1 555 01{:02}", index % 100), "primary": true, "label": "work"},
            {"value": format!("+1 555 02{:02}", index % 100), "primary": false, "label": "mobile"}
        ])
    };
    json!({
        "id": id,
        "name": format!("{first} {last}"),
        "first_name": first,
        "last_name": last,
        "owner_id": OWNER_IDS[index % OWNER_IDS.len()],
        "org_id": null,
        "emails": emails,
        "phones": phones,
        "add_time": "2024-01-02T03:04:05Z",
        "update_time": "2024-02-03T04:05:06Z",
        "visible_to": 3
    })
}

/// `GET /api/v2/persons?ids=1,2,3`: the persons with these ids (at most 100), cursor paging
/// envelope without a next cursor. Unknown ids are left out, as Pipedrive does.
async fn persons(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    if !authorized(&st, &headers, &pairs) {
        return unauthorized();
    }
    let ids = param(&pairs, "ids").unwrap_or_default();
    let mut parsed = Vec::new();
    for id in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match id.parse::<i64>() {
            Ok(n) => parsed.push(n),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Validation failed: ids: Parameter 'ids' must be a comma-separated list of integers",
                )
            }
        }
    }
    if parsed.len() > 100 {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: ids: Parameter 'ids' must contain at most 100 items",
        );
    }
    let found: Vec<Value> = parsed
        .iter()
        .filter_map(|id| usize::try_from(id - PERSON_BASE).ok())
        .filter(|&i| i < PERSONS)
        .map(person)
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"success": true, "data": found, "additional_data": {"next_cursor": null}}),
    )
}

pub(crate) fn token_routes() -> Router<Arc<SimState>> {
    Router::new().route("/oauth/token", post(token))
}

/// One lead in Pipedrive's shape.
pub(crate) fn record(p: &Person) -> Rec {
    let s = p.salt;
    let uuid = format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:04x}{:08x}",
        (s >> 32) as u32,
        (s >> 16) as u16,
        (s & 0xfff) as u16,
        0x8000 | ((s >> 48) as u16 & 0x3fff),
        (s >> 8) as u16,
        p.index as u32
    );
    let (person, org) = match (p.person, p.org) {
        (None, None) => (Some(p.index % PERSONS), None),
        other => other,
    };
    let (source, origin) = match s % 4 {
        0 => ("API", "API"),
        1 => ("Manually created", "ManuallyCreated"),
        2 => ("Web forms", "WebForms"),
        _ => ("Leadbooster", "LeadBooster"),
    };
    let title = match &p.company {
        Some(c) if s % 5 == 0 => format!("{c} deal"),
        _ => format!("{} lead", p.full_name()),
    };
    let mut r = Rec::default();
    r.insert("id".into(), json!(uuid));
    r.insert("title".into(), json!(title));
    r.insert("owner_id".into(), json!(OWNER_IDS[p.owner.unwrap_or(0)]));
    r.insert("creator_id".into(), json!(OWNER_IDS[p.creator]));
    r.insert(
        "label_ids".into(),
        json!(LABELS
            .iter()
            .enumerate()
            .filter(|(i, _)| s >> (20 + i) & 1 == 1)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()),
    );
    r.insert(
        "person_id".into(),
        json!(person.map(|i| PERSON_BASE + i as i64)),
    );
    r.insert(
        "organization_id".into(),
        json!(org.map(|i| ORG_BASE + i as i64)),
    );
    r.insert("source_name".into(), json!(source));
    r.insert("origin".into(), json!(origin));
    r.insert("origin_id".into(), Value::Null);
    r.insert("channel".into(), json!((s % 3 == 0).then_some(52)));
    r.insert(
        "channel_id".into(),
        json!((s % 3 == 0).then_some("Jun23 Billboards")),
    );
    r.insert("is_archived".into(), json!(p.archived));
    r.insert("was_seen".into(), json!(s >> 24 & 1 == 1));
    r.insert(
        "value".into(),
        match p.value {
            Some((amount, currency)) => json!({"amount": amount, "currency": currency}),
            None => Value::Null,
        },
    );
    r.insert(
        "expected_close_date".into(),
        json!(p.renewal_date.map(|d| d.format("%Y-%m-%d").to_string())),
    );
    r.insert(
        "next_activity_id".into(),
        json!((s >> 26 & 1 == 1).then_some(p.index as i64 + 1)),
    );
    r.insert(
        "add_time".into(),
        json!(data::pd_datetime(p.created, p.created_ms)),
    );
    r.insert(
        "update_time".into(),
        json!(data::pd_datetime(p.modified, p.modified_ms)),
    );
    r.insert("visible_to".into(), json!("3"));
    r.insert(
        "cc_email".into(),
        json!(format!("sim+1+lead{:x}@example.com", s >> 40)),
    );
    if let Some(score) = p.score {
        r.insert(CUSTOM_FIELD_KEYS[0].into(), json!(score));
    }
    if let Some(lang) = p.language {
        r.insert(CUSTOM_FIELD_KEYS[1].into(), json!(lang));
    }
    if let Some(lr) = &p.legacy_ref {
        r.insert(CUSTOM_FIELD_KEYS[2].into(), json!(lr));
    }
    r
}

fn error(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        &json!({
            "success": false,
            "error": message,
            "error_info": ERROR_INFO,
            "data": null,
            "additional_data": null,
        }),
    )
}

pub(crate) fn failure(f: Failure) -> Response {
    match f {
        Failure::RateLimited { retry_after } => {
            let mut resp = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({
                    "success": false,
                    "error": "Request over limit",
                    "errorCode": 429,
                    "error_info": ERROR_INFO,
                }),
            );
            if let Some(s) = retry_after {
                respond::set_header(&mut resp, "retry-after", s.to_string());
            }
            resp
        }
        Failure::ServerError(s) => json_response(
            s,
            &json!({
                "success": false,
                "error": "Internal server error",
                "errorCode": s.as_u16(),
                "error_info": ERROR_INFO,
            }),
        ),
        Failure::NotFound => error(StatusCode::NOT_FOUND, "Unknown method ."),
    }
}

/// The burst-window headers on every data answer.
pub(crate) fn decorate(resp: &mut Response, usage: UsageInfo) {
    respond::set_header(resp, "x-ratelimit-limit", usage.limit.to_string());
    respond::set_header(
        resp,
        "x-ratelimit-remaining",
        usage.limit.saturating_sub(usage.used).to_string(),
    );
    respond::set_header(resp, "x-ratelimit-reset", usage.reset_secs.to_string());
}

fn unauthorized() -> Response {
    json_response(
        StatusCode::UNAUTHORIZED,
        &json!({"success": false, "error": "unauthorized access", "errorCode": 401}),
    )
}

async fn list(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(&st, &headers, q.as_deref(), false)
}

async fn list_archived(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(&st, &headers, q.as_deref(), true)
}

fn authorized(st: &SimState, headers: &HeaderMap, pairs: &[(String, String)]) -> bool {
    let auth = st.auth();
    if let Some(t) = auth::scheme_token(headers, "Bearer") {
        return auth.access_ok(t);
    }
    let key = headers
        .get("x-api-token")
        .and_then(|v| v.to_str().ok())
        .or_else(|| param(pairs, "api_token"));
    key.is_some_and(|k| auth.api_key_ok(k))
}

#[derive(Clone, Copy, Debug)]
enum SortKey {
    Id,
    Title,
    OwnerId,
    CreatorId,
    WasSeen,
    ExpectedCloseDate,
    NextActivityId,
    AddTime,
    UpdateTime,
}

fn parse_sort(s: &str) -> Option<Vec<(SortKey, bool)>> {
    s.split(',')
        .map(|part| {
            let mut words = part.split_whitespace();
            let field = words.next()?;
            let desc = match words.next().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASC") => false,
                Some("DESC") => true,
                Some(_) => return None,
            };
            if words.next().is_some() {
                return None;
            }
            let key = match field {
                "id" => SortKey::Id,
                "title" => SortKey::Title,
                "owner_id" => SortKey::OwnerId,
                "creator_id" => SortKey::CreatorId,
                "was_seen" => SortKey::WasSeen,
                "expected_close_date" => SortKey::ExpectedCloseDate,
                "next_activity_id" => SortKey::NextActivityId,
                "add_time" => SortKey::AddTime,
                "update_time" => SortKey::UpdateTime,
                _ => return None,
            };
            Some((key, desc))
        })
        .collect()
}

fn compare(key: SortKey, a: &Value, b: &Value) -> Ordering {
    let s = |r: &Value, k: &str| r[k].as_str().map(str::to_string);
    let i = |r: &Value, k: &str| r[k].as_i64();
    match key {
        SortKey::Id => s(a, "id").cmp(&s(b, "id")),
        SortKey::Title => s(a, "title")
            .map(|t| t.to_lowercase())
            .cmp(&s(b, "title").map(|t| t.to_lowercase())),
        SortKey::OwnerId => i(a, "owner_id").cmp(&i(b, "owner_id")),
        SortKey::CreatorId => i(a, "creator_id").cmp(&i(b, "creator_id")),
        SortKey::WasSeen => a["was_seen"].as_bool().cmp(&b["was_seen"].as_bool()),
        SortKey::ExpectedCloseDate => s(a, "expected_close_date").cmp(&s(b, "expected_close_date")),
        SortKey::NextActivityId => i(a, "next_activity_id").cmp(&i(b, "next_activity_id")),
        // Same format and width everywhere, so text order is time order.
        SortKey::AddTime => s(a, "add_time").cmp(&s(b, "add_time")),
        SortKey::UpdateTime => s(a, "update_time").cmp(&s(b, "update_time")),
    }
}

fn answer(st: &SimState, headers: &HeaderMap, query: Option<&str>, archived: bool) -> Response {
    let pairs = query_pairs(query);
    if !authorized(st, headers, &pairs) {
        return unauthorized();
    }
    let int = |name: &str| -> Result<Option<i64>, String> {
        match param(&pairs, name) {
            None | Some("") => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                format!("Validation failed: {name}: Parameter '{name}' must be an integer")
            }),
        }
    };
    let invalid = |message: String| error(StatusCode::BAD_REQUEST, &message);
    let limit = match int("limit") {
        Ok(v) => v.unwrap_or(100),
        Err(e) => return invalid(e),
    };
    let start = match int("start") {
        Ok(v) => v.unwrap_or(0),
        Err(e) => return invalid(e),
    };
    if limit < 1 {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: limit: Parameter 'limit' must be at least 1",
        );
    }
    if start < 0 {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: start: Parameter 'start' must be at least 0",
        );
    }
    let limit = limit.min(500);
    let (owner, person, org) = match (int("owner_id"), int("person_id"), int("organization_id")) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return invalid(e),
    };
    let since = match param(&pairs, "updated_since") {
        None | Some("") => None,
        Some(v) => match DateTime::parse_from_rfc3339(v) {
            Ok(d) => Some(d.timestamp_millis()),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Validation failed: updated_since: Parameter 'updated_since' must be a RFC3339 date-time",
                )
            }
        },
    };
    let sort = match param(&pairs, "sort") {
        None | Some("") => vec![(SortKey::AddTime, false)],
        Some(s) => match parse_sort(s) {
            Some(v) => v,
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Validation failed: sort: Invalid sort field or direction",
                )
            }
        },
    };
    let millis = |r: &Value| {
        r["update_time"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|d| d.timestamp_millis())
    };
    let records = &st.records;
    let mut hits: Vec<usize> = (0..records.len())
        .filter(|&i| {
            let r = &records[i];
            r["is_archived"].as_bool().unwrap_or(false) == archived
                && owner.is_none_or(|o| r["owner_id"].as_i64() == Some(o))
                && person.is_none_or(|p| r["person_id"].as_i64() == Some(p))
                && org.is_none_or(|o| r["organization_id"].as_i64() == Some(o))
                && since.is_none_or(|s| millis(r).is_some_and(|m| m >= s))
        })
        .collect();
    hits.sort_by(|&a, &b| {
        let (a, b) = (&records[a], &records[b]);
        sort.iter()
            .fold(Ordering::Equal, |acc, (k, desc)| {
                acc.then_with(|| {
                    let o = compare(*k, a, b);
                    if *desc {
                        o.reverse()
                    } else {
                        o
                    }
                })
            })
            .then_with(|| compare(SortKey::Id, a, b))
    });
    let total = hits.len() as i64;
    let page: Vec<&str> = hits
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(limit as usize)
        .map(|&i| st.raw[i].as_str())
        .collect();
    let more = start.saturating_add(limit) < total;
    let mut pagination = json!({
        "start": start,
        "limit": limit,
        "more_items_in_collection": more,
    });
    if more {
        pagination["next_start"] = json!(start + limit);
    }
    let data = if page.is_empty() {
        "null".to_string()
    } else {
        respond::array(page)
    };
    respond::json_text(
        StatusCode::OK,
        format!(
            "{{\"success\":true,\"data\":{data},\"additional_data\":{}}}",
            json!({"pagination": pagination})
        ),
    )
}

/// `POST /oauth/token`: refresh-token grant with Basic client authentication. The answer carries
/// a new refresh token and the `api_domain` (this simulator's base URL).
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
    let Some(client) = client else {
        st.with_stats(|s| s.refresh_failures += 1);
        return json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_client", "error_description": "Invalid client credentials"}),
        );
    };
    let result = st.auth().refresh(&params, Some(client), revoked, true);
    match result {
        Ok(t) => {
            st.with_stats(|s| s.refreshes += 1);
            json_response(
                StatusCode::OK,
                &json!({
                    "access_token": t.access_token,
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "refresh_token": t.refresh_token,
                    "scope": "base,leads:read",
                    "api_domain": st.base_url,
                }),
            )
        }
        Err(e) => {
            st.with_stats(|s| s.refresh_failures += 1);
            let (status, code, text) = match e {
                RefreshError::InvalidClient => (
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Invalid client credentials",
                ),
                RefreshError::InvalidGrant => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid grant: refresh token is invalid or revoked",
                ),
                RefreshError::UnsupportedGrantType => (
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Unsupported grant type",
                ),
            };
            json_response(status, &json!({"error": code, "error_description": text}))
        }
    }
}
