//! Salesforce REST API: SOQL queries over Lead, `nextRecordsUrl` batches, describe, OAuth refresh.
//!
//! - `GET /services/data/vNN.N/query?q=<SOQL>` (also `queryAll`) with `Authorization: Bearer`.
//!   The query is parsed and type-checked like Salesforce does ([`soql`]), so a client's escaping
//!   bug produces the same `MALFORMED_QUERY` the real API would give.
//! - Batches: `Sforce-Query-Options: batchSize=N` (clamped to 200..=2000, default 2000); when more
//!   rows remain the answer has `nextRecordsUrl: /services/data/vNN.N/query/<locator>-<offset>`.
//!   The result is a snapshot taken at query time; `GET` on that URL continues from *any* offset of
//!   a known locator (as the real API allows). Unknown locator: 400 `INVALID_QUERY_LOCATOR`.
//! - `GET /services/data/vNN.N/sobjects/Lead/describe`: standard and custom (`__c`) fields.
//! - `POST /services/oauth2/token`: refresh-token grant; the answer has `instance_url`.
//! - Every data answer carries `Sforce-Limit-Info: api-usage=N/M`. Errors are a JSON array
//!   `[{"message", "errorCode"}]`; the daily limit is 403 `REQUEST_LIMIT_EXCEEDED`.

mod eval;
pub mod schema;
pub mod soql;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::auth::{self, RefreshError};
use crate::data::{base36, write_object, Person, Rec};
use crate::faults::UsageInfo;
use crate::respond::{self, json as json_response, param, query_pairs, Failure};
use crate::state::SimState;

pub use schema::{FieldDef, FieldType, FIELDS};
pub use soql::{parse, SoqlError};

/// Default and bounds of `Sforce-Query-Options: batchSize`.
pub const DEFAULT_BATCH: usize = 2_000;
pub const MIN_BATCH: usize = 200;
/// How many query locators are kept (oldest dropped first, like expired cursors).
const MAX_CURSORS: usize = 1_000;

/// Run `soql` over `records` (Lead-shaped) as the simulator would, without HTTP: the records in
/// result order, after OFFSET/LIMIT, or Salesforce's error.
pub fn execute<'a>(soql: &str, records: &'a [Value]) -> Result<Vec<&'a Value>, SoqlError> {
    let query = soql::parse(soql)?;
    let plan = eval::bind(soql, &query, &[])?;
    Ok(eval::run(&plan, records)
        .into_iter()
        .map(|i| &records[i])
        .collect())
}

/// A query's snapshot, served in batches.
#[derive(Debug)]
struct Cursor {
    rows: Vec<usize>,
    select: Vec<&'static FieldDef>,
}

/// Open query locators.
#[derive(Debug, Default)]
pub(crate) struct SalesforceState {
    cursors: Mutex<HashMap<String, Arc<Cursor>>>,
    order: Mutex<VecDeque<String>>,
    next: AtomicU64,
}

impl SalesforceState {
    fn store(&self, cursor: Arc<Cursor>) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let locator = format!("0r8SIM{}", base36(n, 12));
        let mut cursors = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
        let mut order = self.order.lock().unwrap_or_else(|e| e.into_inner());
        cursors.insert(locator.clone(), cursor);
        order.push_back(locator.clone());
        while order.len() > MAX_CURSORS {
            if let Some(old) = order.pop_front() {
                cursors.remove(&old);
            }
        }
        locator
    }

    fn get(&self, locator: &str) -> Option<Arc<Cursor>> {
        self.cursors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(locator)
            .cloned()
    }
}

pub(crate) fn api_routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/services/data/{version}/query", get(query))
        .route("/services/data/{version}/queryAll", get(query))
        .route("/services/data/{version}/query/{locator}", get(query_more))
        .route(
            "/services/data/{version}/queryAll/{locator}",
            get(query_more),
        )
        .route(
            "/services/data/{version}/sobjects/{object}/describe",
            get(describe),
        )
}

pub(crate) fn token_routes() -> Router<Arc<SimState>> {
    Router::new().route("/services/oauth2/token", post(token))
}

pub(crate) fn record(p: &Person) -> Rec {
    schema::record(p)
}

/// Salesforce's error body: a JSON array with one error.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!([{"message": message, "errorCode": code}]))
}

pub(crate) fn failure(f: Failure) -> Response {
    match f {
        Failure::RateLimited { retry_after } => {
            let mut resp = error(
                StatusCode::FORBIDDEN,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
            );
            if let Some(s) = retry_after {
                respond::set_header(&mut resp, "retry-after", s.to_string());
            }
            resp
        }
        Failure::ServerError(s) if s == StatusCode::SERVICE_UNAVAILABLE => error(
            s,
            "SERVER_UNAVAILABLE",
            "Server temporarily unavailable, please try again later.",
        ),
        Failure::ServerError(s) => error(
            s,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)",
        ),
        Failure::NotFound => error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        ),
    }
}

/// `Sforce-Limit-Info` on every data answer.
pub(crate) fn decorate(resp: &mut Response, usage: UsageInfo) {
    respond::set_header(
        resp,
        "sforce-limit-info",
        format!("api-usage={}/{}", usage.used, usage.limit),
    );
}

fn valid_version(v: &str) -> bool {
    v.strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
}

/// Checks the bearer token; `Some` is Salesforce's 401.
fn unauthorized(st: &SimState, headers: &HeaderMap) -> Option<Response> {
    let token =
        auth::scheme_token(headers, "Bearer").or_else(|| auth::scheme_token(headers, "OAuth"));
    if token.is_some_and(|t| st.auth().access_ok(t)) {
        return None;
    }
    let mut resp = error(
        StatusCode::UNAUTHORIZED,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
    );
    respond::set_header(&mut resp, "www-authenticate", "Token");
    Some(resp)
}

/// `batchSize` from `Sforce-Query-Options`, clamped to Salesforce's bounds.
fn batch_size(headers: &HeaderMap) -> Option<usize> {
    let options = headers.get("sforce-query-options")?.to_str().ok()?;
    options.split(',').find_map(|opt| {
        let (k, v) = opt.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("batchSize") {
            return None;
        }
        let n: usize = v.trim().parse().ok()?;
        Some(n.clamp(MIN_BATCH, DEFAULT_BATCH))
    })
}

/// One batch of `cursor` starting at `offset`.
fn batch(
    version: &str,
    locator: Option<&str>,
    cursor: &Cursor,
    records: &[Value],
    offset: usize,
    size: usize,
) -> String {
    let end = offset.saturating_add(size).min(cursor.rows.len());
    let items: Vec<String> = cursor.rows[offset.min(end)..end]
        .iter()
        .map(|&i| {
            let r = &records[i];
            let attributes = json!({
                "type": "Lead",
                "url": format!("/services/data/{version}/sobjects/Lead/{}", r["Id"].as_str().unwrap_or_default()),
            });
            write_object(
                std::iter::once(("attributes", &attributes))
                    .chain(cursor.select.iter().map(|f| (f.name, r.get(f.name).unwrap_or(&Value::Null)))),
            )
        })
        .collect();
    let done = end >= cursor.rows.len();
    let mut out = format!("{{\"totalSize\":{},\"done\":{done},", cursor.rows.len());
    if let (false, Some(locator)) = (done, locator) {
        out.push_str(&format!(
            "\"nextRecordsUrl\":\"/services/data/{version}/query/{locator}-{end}\","
        ));
    }
    out.push_str("\"records\":");
    out.push_str(&respond::array(items.iter().map(String::as_str)));
    out.push('}');
    out
}

async fn query(
    State(st): State<Arc<SimState>>,
    Path(version): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if !valid_version(&version) {
        return failure(Failure::NotFound);
    }
    if let Some(resp) = unauthorized(&st, &headers) {
        return resp;
    }
    let pairs = query_pairs(raw.as_deref());
    let Some(q) = param(&pairs, "q").filter(|q| !q.trim().is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "A query string has to be specified",
        );
    };
    let plan = soql::parse(q).and_then(|query| eval::bind(q, &query, &st.config.hidden_fields));
    let plan = match plan {
        Ok(plan) => plan,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.code, &e.message),
    };
    let rows = eval::run(&plan, &st.records);
    let size = batch_size(&headers).unwrap_or(DEFAULT_BATCH);
    let cursor = Arc::new(Cursor {
        rows,
        select: plan.select,
    });
    let locator = (cursor.rows.len() > size).then(|| st.salesforce.store(cursor.clone()));
    let body = batch(&version, locator.as_deref(), &cursor, &st.records, 0, size);
    respond::json_text(StatusCode::OK, body)
}

async fn query_more(
    State(st): State<Arc<SimState>>,
    Path((version, locator)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !valid_version(&version) {
        return failure(Failure::NotFound);
    }
    if let Some(resp) = unauthorized(&st, &headers) {
        return resp;
    }
    let invalid = || {
        error(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        )
    };
    let Some((id, offset)) = locator.rsplit_once('-') else {
        return invalid();
    };
    let Ok(offset) = offset.parse::<usize>() else {
        return invalid();
    };
    let Some(cursor) = st.salesforce.get(id) else {
        return invalid();
    };
    if offset > cursor.rows.len() {
        return invalid();
    }
    let size = batch_size(&headers).unwrap_or(DEFAULT_BATCH);
    let body = batch(&version, Some(id), &cursor, &st.records, offset, size);
    respond::json_text(StatusCode::OK, body)
}

async fn describe(
    State(st): State<Arc<SimState>>,
    Path((version, object)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !valid_version(&version) {
        return failure(Failure::NotFound);
    }
    if let Some(resp) = unauthorized(&st, &headers) {
        return resp;
    }
    if !object.eq_ignore_ascii_case("Lead") {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!(
                "The requested resource does not exist: sObject type '{object}' is not supported."
            ),
        );
    }
    json_response(
        StatusCode::OK,
        &schema::describe(&version, &st.config.hidden_fields),
    )
}

/// `POST /services/oauth2/token` with `grant_type=refresh_token&refresh_token&client_id&client_secret`.
async fn token(State(st): State<Arc<SimState>>, RawQuery(q): RawQuery, body: Bytes) -> Response {
    st.token_delay().await;
    st.with_stats(|s| s.token_requests += 1);
    let params = auth::token_params(q.as_deref(), &body);
    let revoked = st.refresh_revoked();
    let result = {
        let mut auth = st.auth();
        if params.get("grant_type").map(String::as_str) == Some("refresh_token")
            && params.get("client_id") != Some(&auth.client_id)
        {
            Err(None)
        } else {
            auth.refresh(&params, None, revoked, false).map_err(Some)
        }
    };
    match result {
        Ok(t) => {
            st.with_stats(|s| s.refreshes += 1);
            let issued = chrono::Utc::now().timestamp_millis().to_string();
            json_response(
                StatusCode::OK,
                &json!({
                    "access_token": t.access_token,
                    "signature": "c2ltdWxhdGVkLXNpZ25hdHVyZQ==",
                    "scope": "api refresh_token",
                    "instance_url": st.base_url,
                    "id": format!("{}/id/00DSIM000000001AAA/{}", st.base_url, schema::user_ids()[0]),
                    "token_type": "Bearer",
                    "issued_at": issued,
                }),
            )
        }
        Err(e) => {
            st.with_stats(|s| s.refresh_failures += 1);
            let (code, text) = match e {
                None => ("invalid_client_id", "client identifier invalid"),
                Some(RefreshError::InvalidClient) => {
                    ("invalid_client", "invalid client credentials")
                }
                Some(RefreshError::InvalidGrant) => {
                    ("invalid_grant", "expired access/refresh token")
                }
                Some(RefreshError::UnsupportedGrantType) => {
                    ("unsupported_grant_type", "grant type not supported")
                }
            };
            json_response(
                StatusCode::BAD_REQUEST,
                &json!({"error": code, "error_description": text}),
            )
        }
    }
}
