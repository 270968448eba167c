//! Copper Developer API v1: `POST /developer_api/v1/leads/search`.
//!
//! Paging and filters live in the JSON body (query-string paging is ignored, as the real API
//! does: that is the bug where the first page repeats). The answer is a bare JSON array with an
//! `X-PW-TOTAL` header. Auth needs `X-PW-AccessToken`, `X-PW-Application: developer_api` and
//! `X-PW-UserEmail`.
//!
//! Filter semantics (the simulator's reading of the docs; tests compute expectations the same way):
//! `name`, `emails`, `country`, `city`, `state`, `postal_code` match case-insensitively and
//! exactly (`emails` is one string matched against `email.email`); `ids`, `assignee_ids` (`-2` =
//! unassigned), `status_ids`, `customer_source_ids`, `tags` match any listed value (an empty list
//! is no filter); the four `minimum_*`/`maximum_*` dates are inclusive Unix seconds;
//! `include_converted_leads: false` drops leads with a `converted_at`. Sorting (`sort_by` `name`
//! by default, case-insensitive; `first_name`, `last_name`, `company_name`, `date_created`,
//! `date_modified`) breaks ties by `id`, so pages are stable. Search stops at 100,000 records.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};

use crate::data::{Person, PhoneKind, Rec};
use crate::respond::{self, json as json_response, Failure};
use crate::state::SimState;

/// The user ids leads are assigned to.
pub const ASSIGNEE_IDS: [i64; 5] = [806_394, 806_395, 806_396, 806_401, 806_420];
/// Lead statuses and their ids.
pub const STATUSES: [(&str, i64); 5] = [
    ("New", 208_231),
    ("Unqualified", 208_232),
    ("Contacted", 208_233),
    ("Qualified", 208_234),
    ("Junk", 208_235),
];
/// Custom field definition ids: a number ("Lead score") and a text ("Segment").
pub const CUSTOM_FIELD_IDS: [i64; 2] = [100_764, 103_481];
/// Copper stops a search after this many records.
pub const SEARCH_CAP: usize = 100_000;

const PATH: &str = "/developer_api/v1/leads/search";

pub(crate) fn api_routes() -> Router<Arc<SimState>> {
    Router::new().route(PATH, post(search))
}

/// One lead in Copper's shape.
pub(crate) fn record(p: &Person) -> Rec {
    let address = if p.place.is_none() && p.street.is_none() {
        Value::Null
    } else {
        json!({
            "street": p.street,
            "city": p.place.as_ref().map(|x| x.city),
            "state": p.place.as_ref().and_then(|x| x.state),
            "postal_code": p.place.as_ref().map(|x| x.postal_code),
            "country": p.place.as_ref().map(|x| x.country_code),
        })
    };
    let (status, status_id) = STATUSES[p.status_index % STATUSES.len()];
    let phones: Vec<Value> = p
        .phones
        .iter()
        .map(|ph| {
            json!({
                "number": ph.number,
                "category": match ph.kind { PhoneKind::Work => "work", PhoneKind::Mobile => "mobile", PhoneKind::Fax => "other" },
            })
        })
        .collect();
    let mut r = Rec::default();
    r.insert(
        "id".into(),
        json!(50_000_000 + p.index as i64 * 7 + (p.salt % 7) as i64),
    );
    r.insert("name".into(), json!(p.full_name()));
    r.insert("prefix".into(), json!(p.salutation));
    r.insert("first_name".into(), json!(p.first_name));
    r.insert("last_name".into(), json!(p.last_name));
    r.insert("middle_name".into(), Value::Null);
    r.insert("suffix".into(), Value::Null);
    r.insert("address".into(), address);
    r.insert(
        "assignee_id".into(),
        json!(p.owner.map(|o| ASSIGNEE_IDS[o])),
    );
    r.insert("company_name".into(), json!(p.company));
    r.insert(
        "customer_source_id".into(),
        json!(p.source.map(|s| 331_241 + s.len() as i64)),
    );
    r.insert("details".into(), json!(p.details));
    r.insert(
        "email".into(),
        match &p.email {
            Some(e) => json!({"email": e, "category": "work"}),
            None => Value::Null,
        },
    );
    r.insert("interaction_count".into(), json!(p.salt % 13));
    r.insert("monetary_unit".into(), json!(p.value.map(|v| v.1)));
    r.insert("monetary_value".into(), json!(p.value.map(|v| v.0)));
    r.insert(
        "converted_unit".into(),
        json!(p.converted.as_ref().and(p.value.map(|v| v.1))),
    );
    r.insert(
        "converted_value".into(),
        json!(p
            .converted
            .as_ref()
            .and(p.value.map(|v| format!("{}.0", v.0)))),
    );
    r.insert("socials".into(), json!([]));
    r.insert("status".into(), json!(status));
    r.insert("status_id".into(), json!(status_id));
    r.insert("tags".into(), json!(p.tags));
    r.insert("title".into(), json!(p.title));
    r.insert(
        "websites".into(),
        if p.salt % 3 == 0 {
            json!([{"url": format!("www.lead{}.example.com", p.index), "category": "work"}])
        } else {
            json!([])
        },
    );
    r.insert("phone_numbers".into(), json!(phones));
    r.insert(
        "custom_fields".into(),
        json!([
            {"custom_field_definition_id": CUSTOM_FIELD_IDS[0], "value": p.score},
            {"custom_field_definition_id": CUSTOM_FIELD_IDS[1], "value": p.segment},
        ]),
    );
    r.insert("date_created".into(), json!(p.created));
    r.insert("date_modified".into(), json!(p.modified));
    r.insert("date_last_contacted".into(), json!(p.last_activity));
    r.insert(
        "converted_opportunity_id".into(),
        json!(p
            .converted
            .as_ref()
            .map(|c| 9_000_000 + c.opportunity.unwrap_or(c.account) as i64)),
    );
    r.insert(
        "converted_at".into(),
        json!(p.converted.as_ref().map(|c| c.at)),
    );
    r
}

/// Copper's error body.
fn error(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        &json!({"success": false, "status": status.as_u16(), "message": message}),
    )
}

pub(crate) fn failure(f: Failure) -> Response {
    match f {
        Failure::RateLimited { retry_after } => {
            let mut resp = error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
            if let Some(s) = retry_after {
                respond::set_header(&mut resp, "retry-after", s.to_string());
            }
            resp
        }
        Failure::ServerError(s) => error(s, "Internal Server Error"),
        Failure::NotFound => error(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum SortBy {
    Name,
    FirstName,
    LastName,
    CompanyName,
    DateCreated,
    DateModified,
}

/// A parsed search body (`Err` names the invalid parameter).
#[derive(Debug, Default)]
struct Search {
    page_number: u64,
    page_size: u64,
    sort_by: Option<SortBy>,
    desc: bool,
    ids: Vec<i64>,
    name: Option<String>,
    emails: Option<String>,
    assignee_ids: Vec<i64>,
    status_ids: Vec<i64>,
    customer_source_ids: Vec<i64>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    tags: Vec<String>,
    min_created: Option<i64>,
    max_created: Option<i64>,
    min_modified: Option<i64>,
    max_modified: Option<i64>,
    include_converted: Option<bool>,
}

fn invalid(param: &str) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("Invalid input: {param}"),
    )
}

fn parse_search(body: &Map<String, Value>) -> Result<Search, String> {
    let int = |k: &str| -> Result<Option<i64>, String> {
        match body.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| k.to_string()),
        }
    };
    let text = |k: &str| -> Result<Option<String>, String> {
        match body.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(k.to_string()),
        }
    };
    let ints = |k: &str| -> Result<Vec<i64>, String> {
        match body.get(k) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_i64().ok_or_else(|| k.to_string()))
                .collect(),
            Some(_) => Err(k.to_string()),
        }
    };
    let page_number = int("page_number")?.unwrap_or(1);
    let page_size = int("page_size")?.unwrap_or(20);
    if page_number < 1 {
        return Err("page_number".to_string());
    }
    if page_size < 1 {
        return Err("page_size".to_string());
    }
    let sort_by = match text("sort_by")?.as_deref() {
        None => None,
        Some("name") => Some(SortBy::Name),
        Some("first_name") => Some(SortBy::FirstName),
        Some("last_name") => Some(SortBy::LastName),
        Some("company_name") => Some(SortBy::CompanyName),
        Some("date_created") => Some(SortBy::DateCreated),
        Some("date_modified") => Some(SortBy::DateModified),
        Some(_) => return Err("sort_by".to_string()),
    };
    let desc = match text("sort_direction")?
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err("sort_direction".to_string()),
    };
    let tags = match body.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "tags".to_string())
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("tags".to_string()),
    };
    let include_converted = match body.get("include_converted_leads") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err("include_converted_leads".to_string()),
    };
    Ok(Search {
        page_number: page_number as u64,
        // Copper's maximum page size; larger requests get 200.
        page_size: (page_size as u64).min(200),
        sort_by,
        desc,
        ids: ints("ids")?,
        name: text("name")?,
        emails: text("emails")?,
        assignee_ids: ints("assignee_ids")?,
        status_ids: ints("status_ids")?,
        customer_source_ids: ints("customer_source_ids")?,
        city: text("city")?,
        state: text("state")?,
        postal_code: text("postal_code")?,
        country: text("country")?,
        tags,
        min_created: int("minimum_created_date")?,
        max_created: int("maximum_created_date")?,
        min_modified: int("minimum_modified_date")?,
        max_modified: int("maximum_modified_date")?,
        include_converted,
    })
}

fn eq_ci(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.to_lowercase() == b.to_lowercase())
}

fn matches(s: &Search, r: &Value) -> bool {
    let any =
        |list: &[i64], v: Option<i64>| list.is_empty() || v.is_some_and(|v| list.contains(&v));
    let addr = |k: &str| r["address"][k].as_str();
    let within = |v: Option<i64>, min: Option<i64>, max: Option<i64>| {
        min.is_none_or(|m| v.is_some_and(|v| v >= m))
            && max.is_none_or(|m| v.is_some_and(|v| v <= m))
    };
    any(&s.ids, r["id"].as_i64())
        && s.name
            .as_deref()
            .is_none_or(|n| eq_ci(r["name"].as_str(), n))
        && s.emails
            .as_deref()
            .is_none_or(|e| eq_ci(r["email"]["email"].as_str(), e))
        && (s.assignee_ids.is_empty()
            || match r["assignee_id"].as_i64() {
                Some(a) => s.assignee_ids.contains(&a),
                None => s.assignee_ids.contains(&-2),
            })
        && any(&s.status_ids, r["status_id"].as_i64())
        && any(&s.customer_source_ids, r["customer_source_id"].as_i64())
        && s.city.as_deref().is_none_or(|c| eq_ci(addr("city"), c))
        && s.state.as_deref().is_none_or(|c| eq_ci(addr("state"), c))
        && s.postal_code
            .as_deref()
            .is_none_or(|c| eq_ci(addr("postal_code"), c))
        && s.country
            .as_deref()
            .is_none_or(|c| eq_ci(addr("country"), c))
        && (s.tags.is_empty()
            || r["tags"].as_array().is_some_and(|tags| {
                tags.iter()
                    .any(|t| s.tags.iter().any(|w| eq_ci(t.as_str(), w)))
            }))
        && within(r["date_created"].as_i64(), s.min_created, s.max_created)
        && within(r["date_modified"].as_i64(), s.min_modified, s.max_modified)
        && (s.include_converted != Some(false) || r["converted_at"].is_null())
}

fn compare(sort: SortBy, a: &Value, b: &Value) -> Ordering {
    let text = |r: &Value, k: &str| r[k].as_str().map(str::to_lowercase);
    match sort {
        SortBy::Name => text(a, "name").cmp(&text(b, "name")),
        SortBy::FirstName => text(a, "first_name").cmp(&text(b, "first_name")),
        SortBy::LastName => text(a, "last_name").cmp(&text(b, "last_name")),
        SortBy::CompanyName => text(a, "company_name").cmp(&text(b, "company_name")),
        SortBy::DateCreated => a["date_created"].as_i64().cmp(&b["date_created"].as_i64()),
        SortBy::DateModified => a["date_modified"]
            .as_i64()
            .cmp(&b["date_modified"].as_i64()),
    }
}

async fn search(State(st): State<Arc<SimState>>, headers: HeaderMap, body: Bytes) -> Response {
    {
        let auth = st.auth();
        let key_ok = header(&headers, "x-pw-accesstoken").is_some_and(|k| auth.api_key_ok(k));
        let app_ok = header(&headers, "x-pw-application") == Some("developer_api");
        let email_ok = header(&headers, "x-pw-useremail")
            .is_some_and(|e| e.eq_ignore_ascii_case(&auth.user_email));
        if !(key_ok && app_ok && email_ok) {
            return error(StatusCode::UNAUTHORIZED, "Unauthorized");
        }
    }
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return error(StatusCode::BAD_REQUEST, "Invalid JSON in request body"),
        }
    };
    let Some(body) = body.as_object() else {
        return error(
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON object",
        );
    };
    let search = match parse_search(body) {
        Ok(s) => s,
        Err(param) => return invalid(&param),
    };
    let records = &st.records;
    let mut hits: Vec<usize> = (0..records.len())
        .filter(|&i| matches(&search, &records[i]))
        .collect();
    let sort = search.sort_by.unwrap_or(SortBy::Name);
    hits.sort_by(|&a, &b| {
        let (a, b) = (&records[a], &records[b]);
        let o = compare(sort, a, b);
        let o = if search.desc { o.reverse() } else { o };
        o.then_with(|| a["id"].as_i64().cmp(&b["id"].as_i64()))
    });
    hits.truncate(SEARCH_CAP);
    let total = hits.len();
    let start = usize::try_from((search.page_number - 1).saturating_mul(search.page_size))
        .unwrap_or(usize::MAX);
    let page = hits
        .iter()
        .skip(start)
        .take(search.page_size as usize)
        .map(|&i| st.raw[i].as_str());
    let mut resp = respond::json_text(StatusCode::OK, respond::array(page));
    respond::set_header(&mut resp, "x-pw-total", total.to_string());
    resp
}
