//! Insightly API v3.1: `GET /v3.1/Leads` and `GET /v3.1/Leads/Search`.
//!
//! Offset paging with `skip` and `top` (default 100, at most 500); the answer is a bare JSON array
//! with no total and no next link, so a client ends on a short or empty page. Leads are served by
//! `LEAD_ID` ascending, so pages never overlap. `brief=true` drops `CUSTOMFIELDS` and `TAGS` (and
//! `LINKS` on `/Leads`), as Insightly documents.
//!
//! `/Leads/Search` takes one `field_name`/`field_value` pair (both or neither, else 400) and
//! `updated_after_utc`. The simulator's reading (tests compute expectations the same way): the field
//! must be a top-level key of the lead (else 400); a string matches case-insensitively and exactly,
//! a number by its decimal text; `updated_after_utc` (RFC 3339, or `YYYY-MM-DD HH:MM:SS` as UTC) is
//! inclusive ("at or after"). `/Leads` refuses the search parameters (400), so a client that sends
//! a filter to the wrong list is caught.
//!
//! Auth is HTTP Basic with the API key as the user name and an empty password; anything else is a
//! 401. Errors are plain text (`text/plain`), as Insightly answers them; a rate-limit answer is a
//! 429 with `Retry-After` when the fault says so.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Value};

use crate::auth;
use crate::data::{Person, PhoneKind, Rec};
use crate::respond::{self, param, query_pairs, Failure};
use crate::state::SimState;

/// The user ids leads are owned by.
pub const OWNER_USER_IDS: [i64; 5] = [2_240_727, 2_240_728, 2_240_731, 2_240_740, 2_240_777];
/// Lead source ids (`/LeadSources` is not simulated).
pub const LEAD_SOURCE_IDS: [i64; 4] = [3_794_750, 3_794_751, 3_794_752, 3_794_760];
/// Insightly's largest `top`.
pub const MAX_TOP: usize = 500;
/// What the simulator uses when `top` is absent (Insightly's own default is undocumented).
pub const DEFAULT_TOP: usize = 100;

const LIST: &str = "/v3.1/Leads";
const SEARCH: &str = "/v3.1/Leads/Search";

pub(crate) fn api_routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(LIST, get(list))
        .route(SEARCH, get(search))
}

fn time(secs: i64) -> Value {
    match DateTime::<Utc>::from_timestamp(secs, 0) {
        Some(t) => json!(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        None => Value::Null,
    }
}

/// One lead in Insightly's shape.
pub(crate) fn record(p: &Person) -> Rec {
    let id = 78_000_000 + p.index as i64 * 3 + (p.salt % 3) as i64;
    let phone = |kind: PhoneKind| {
        p.phones
            .iter()
            .find(|ph| ph.kind == kind)
            .map(|ph| ph.number.clone())
    };
    let mut r = Rec::default();
    let mut put = |k: &str, v: Value| r.insert(k.to_owned(), v);
    put("LEAD_ID", json!(id));
    put("SALUTATION", json!(p.salutation));
    put("FIRST_NAME", json!(p.first_name));
    put("LAST_NAME", json!(p.last_name));
    put(
        "LEAD_SOURCE_ID",
        json!(p
            .source
            .map(|s| LEAD_SOURCE_IDS[s.len() % LEAD_SOURCE_IDS.len()])),
    );
    put("LEAD_STATUS_ID", json!(3_724_795 + p.status_index as i64));
    put("TITLE", json!(p.title));
    put("CONVERTED", json!(p.converted.is_some()));
    let conv = p.converted.as_ref();
    put(
        "CONVERTED_CONTACT_ID",
        json!(conv.map(|c| 312_000_000 + c.contact as i64)),
    );
    put(
        "CONVERTED_DATE_UTC",
        conv.map_or(Value::Null, |c| time(c.at)),
    );
    put(
        "CONVERTED_OPPORTUNITY_ID",
        json!(conv
            .and_then(|c| c.opportunity)
            .map(|o| 512_000_000 + o as i64)),
    );
    put(
        "CONVERTED_ORGANISATION_ID",
        json!(conv.map(|c| 412_000_000 + c.account as i64)),
    );
    put("DATE_CREATED_UTC", time(p.created));
    put("DATE_UPDATED_UTC", time(p.modified));
    // Insightly sends "" for a lead without e-mail.
    put("EMAIL", json!(p.email.clone().unwrap_or_default()));
    put("EMPLOYEE_COUNT", json!(p.employees.unwrap_or(0)));
    put("FAX", json!(phone(PhoneKind::Fax)));
    put("INDUSTRY", Value::Null);
    put("LEAD_DESCRIPTION", json!(p.details));
    put("LEAD_RATING", json!(p.score.map(|s| s % 6)));
    put("MOBILE", json!(phone(PhoneKind::Mobile)));
    put(
        "OWNER_USER_ID",
        json!(p.owner.map(|o| OWNER_USER_IDS[o % OWNER_USER_IDS.len()])),
    );
    put("PHONE", json!(phone(PhoneKind::Work)));
    put(
        "RESPONSIBLE_USER_ID",
        json!(p.owner.map(|o| OWNER_USER_IDS[o % OWNER_USER_IDS.len()])),
    );
    put(
        "WEBSITE",
        json!((p.salt % 3 == 0).then(|| format!("www.lead{}.example.com", p.index))),
    );
    put("ADDRESS_STREET", json!(p.street));
    put("ADDRESS_CITY", json!(p.place.as_ref().map(|x| x.city)));
    put(
        "ADDRESS_STATE",
        json!(p.place.as_ref().and_then(|x| x.state)),
    );
    put(
        "ADDRESS_POSTCODE",
        json!(p.place.as_ref().map(|x| x.postal_code)),
    );
    put(
        "ADDRESS_COUNTRY",
        json!(p.place.as_ref().map(|x| x.country_name)),
    );
    put(
        "LAST_ACTIVITY_DATE_UTC",
        p.last_activity.map_or(Value::Null, time),
    );
    put("NEXT_ACTIVITY_DATE_UTC", Value::Null);
    put("VISIBLE_TO", json!("EVERYONE"));
    put("VISIBLE_TEAM_ID", Value::Null);
    put("ORGANISATION_NAME", json!(p.company));
    put(
        "CREATED_USER_ID",
        json!(OWNER_USER_IDS[p.creator % OWNER_USER_IDS.len()]),
    );
    put("IMAGE_URL", Value::Null);
    put("EMAIL_OPTED_OUT", json!(p.salt % 11 == 0));
    let mut custom = Vec::new();
    if let Some(score) = p.score {
        custom.push(json!({"FIELD_NAME": "Lead_Score__c", "FIELD_VALUE": score, "CUSTOM_FIELD_ID": "Lead_Score__c"}));
    }
    if let Some(segment) = p.segment {
        custom.push(json!({"FIELD_NAME": "Segment__c", "FIELD_VALUE": segment, "CUSTOM_FIELD_ID": "Segment__c"}));
    }
    put("CUSTOMFIELDS", Value::Array(custom));
    put(
        "TAGS",
        Value::Array(p.tags.iter().map(|t| json!({"TAG_NAME": t})).collect()),
    );
    put("LINKS", json!([]));
    put(
        "LINKED_EMAIL_ADDRESS",
        json!(format!("lead-{id}@mailbox.example.com")),
    );
    r
}

/// A plain-text answer, as Insightly sends its errors.
fn text(status: StatusCode, message: &str) -> Response {
    let mut resp = Response::new(Body::from(message.to_owned()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

pub(crate) fn failure(f: Failure) -> Response {
    match f {
        Failure::RateLimited { retry_after } => {
            let mut resp = text(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests. Please retry later.",
            );
            if let Some(s) = retry_after {
                respond::set_header(&mut resp, "retry-after", s.to_string());
            }
            resp
        }
        Failure::ServerError(s) => text(s, "An error has occurred."),
        Failure::NotFound => text(StatusCode::NOT_FOUND, "Resource not found."),
    }
}

fn authorized(st: &SimState, headers: &HeaderMap) -> bool {
    let auth = st.auth();
    auth::basic_credentials(headers)
        .is_some_and(|(user, password)| password.is_empty() && auth.api_key_ok(&user))
}

/// A parsed request (`Err` is the 400 message).
#[derive(Debug, Default)]
struct Query {
    skip: usize,
    top: usize,
    brief: bool,
    field: Option<(String, String)>,
    updated_after: Option<i64>,
}

/// `2024-03-04T08:22:56Z` or `2024-03-04 08:22:56` (UTC).
fn parse_after(v: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.timestamp());
    }
    NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

fn parse(pairs: &[(String, String)], searching: bool) -> Result<Query, String> {
    let int = |name: &str| -> Result<Option<usize>, String> {
        match param(pairs, name) {
            None => Ok(None),
            Some(v) => v
                .parse::<i32>()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| format!("The value '{v}' is not valid for {name}.")),
        }
    };
    let skip = int("skip")?.unwrap_or(0);
    let top = int("top")?.unwrap_or(DEFAULT_TOP).min(MAX_TOP);
    let brief = match param(pairs, "brief")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("false") => false,
        Some("true") => true,
        Some(v) => return Err(format!("The value '{v}' is not valid for brief.")),
    };
    let name = param(pairs, "field_name");
    let value = param(pairs, "field_value");
    let after = param(pairs, "updated_after_utc");
    if !searching && (name.is_some() || value.is_some() || after.is_some()) {
        return Err(
            "field_name, field_value and updated_after_utc are parameters of /Leads/Search".into(),
        );
    }
    let field = match (name, value) {
        (None, None) => None,
        (Some(n), Some(v)) => Some((n.to_owned(), v.to_owned())),
        _ => {
            return Err("Both field_name and field_value parameters must be provided".into());
        }
    };
    let updated_after = match after {
        None => None,
        Some(v) => Some(
            parse_after(v)
                .ok_or_else(|| format!("The value '{v}' is not valid for updated_after_utc."))?,
        ),
    };
    Ok(Query {
        skip,
        top,
        brief,
        field,
        updated_after,
    })
}

/// Whether lead `r` matches field `name` = `value` (see the module doc).
fn field_matches(r: &Value, name: &str, value: &str) -> bool {
    match &r[name] {
        Value::String(s) => s.to_lowercase() == value.to_lowercase(),
        Value::Number(n) => n.to_string() == value,
        Value::Bool(b) => b.to_string().eq_ignore_ascii_case(value),
        _ => false,
    }
}

fn updated_secs(r: &Value) -> Option<i64> {
    r["DATE_UPDATED_UTC"].as_str().and_then(parse_after)
}

async fn list(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(&st, &headers, q.as_deref(), false)
}

async fn search(
    State(st): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(&st, &headers, q.as_deref(), true)
}

fn answer(st: &SimState, headers: &HeaderMap, q: Option<&str>, searching: bool) -> Response {
    if !authorized(st, headers) {
        return text(StatusCode::UNAUTHORIZED, "Authentication failed");
    }
    let query = match parse(&query_pairs(q), searching) {
        Ok(query) => query,
        Err(message) => return text(StatusCode::BAD_REQUEST, &message),
    };
    if let Some((name, _)) = &query.field {
        let known = st
            .records
            .first()
            .and_then(Value::as_object)
            .is_none_or(|r| r.contains_key(name.as_str()));
        if !known || name.is_empty() {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("Invalid field name '{name}' for Leads."),
            );
        }
    }
    let records = &st.records;
    let mut hits: Vec<usize> = (0..records.len())
        .filter(|&i| {
            let r = &records[i];
            query
                .field
                .as_ref()
                .is_none_or(|(n, v)| field_matches(r, n, v))
                && query
                    .updated_after
                    .is_none_or(|after| updated_secs(r).is_some_and(|u| u >= after))
        })
        .collect();
    hits.sort_by_key(|&i| records[i]["LEAD_ID"].as_i64());
    let page = hits.iter().skip(query.skip).take(query.top);
    let body = if query.brief {
        let dropped: &[&str] = if searching {
            &["CUSTOMFIELDS", "TAGS"]
        } else {
            &["LINKS"]
        };
        let items: Vec<String> = page
            .map(|&i| {
                let mut r = records[i].clone();
                if let Some(o) = r.as_object_mut() {
                    for k in dropped {
                        o.remove(*k);
                    }
                }
                r.to_string()
            })
            .collect();
        respond::array(items.iter().map(String::as_str))
    } else {
        respond::array(page.map(|&i| st.raw[i].as_str()))
    };
    respond::json_text(StatusCode::OK, body)
}
