//! Shared helpers: the connector pointed at a replay, the pipeline, and JSON views for snapshots.

use crm_core::cursor::CursorBinding;
use crm_core::{
    list_page, render, CursorCodec, Error, LeadQuery, ListContext, ListedPage, ResponseFormat,
    ResponseOptions,
};
use crm_testkit::{fixture_path, replay, Replay, Scenario};
use crm_zoho::{Config, ZohoConnector};
use secrecy::SecretString;
use serde_json::{json, Value};

/// The placeholder credential every fixture expects in `Authorization`.
pub const TOKEN: &str = "test-access-token";
/// A fixed integrated account id (the sandbox Zoho account).
pub const ACCOUNT: &str = "00000000-0000-4000-8000-0000000020c0";

pub fn codec() -> CursorCodec {
    CursorCodec::new(b"test-key".to_vec())
}

pub fn config(uri: &str) -> Config {
    Config::new(uri, SecretString::from(TOKEN))
}

pub fn connector(config: Config) -> ZohoConnector {
    ZohoConnector::new(config).expect("valid test config")
}

/// Loads `fixtures/zoho/<name>.json` and starts replaying it.
pub async fn start(name: &str) -> Replay {
    let scenario = Scenario::load(fixture_path("zoho", name)).expect("fixture loads");
    replay(&scenario).await
}

/// A replay that accepts no request at all: proves a refusal happened before any HTTP call.
pub async fn start_empty() -> Replay {
    let scenario = Scenario::from_json(
        r#"{"provider": "zoho", "scenario": "no_requests", "source": "inline: no request may be made", "exchanges": []}"#,
    )
    .expect("inline scenario");
    replay(&scenario).await
}

/// One page through the real pipeline.
pub async fn list(connector: &ZohoConnector, query: &LeadQuery) -> Result<ListedPage, Error> {
    let codec = codec();
    let ctx = ListContext {
        account_id: ACCOUNT,
        codec: &codec,
    };
    list_page(connector, ctx, query, ResponseFormat::Unified).await
}

/// The page as the endpoint would render it, with the opaque cursor replaced by a marker.
pub fn rendered(page: ListedPage) -> Value {
    let bytes = render(page, &ResponseOptions::default()).expect("page renders");
    let mut value: Value = serde_json::from_slice(&bytes).expect("rendered page is JSON");
    if value["next_cursor"].is_string() {
        value["next_cursor"] = json!("<next_cursor>");
    }
    value
}

/// Walks every page from the first, passing each `next_cursor` back exactly as the endpoint
/// would, and returns the rendered pages. `limits` gives the caller's `limit` per call (the last
/// one repeats).
pub async fn walk(
    connector: &ZohoConnector,
    base: &LeadQuery,
    limits: &[Option<u32>],
) -> Vec<Value> {
    let mut query = base.clone();
    let mut pages = Vec::new();
    for call in 0.. {
        assert!(call < 20, "the walk does not end");
        query.limit = limits
            .get(call)
            .or(limits.last())
            .copied()
            .unwrap_or(base.limit);
        let page = list(connector, &query).await.expect("page lists");
        let next = page.next_cursor.clone();
        let mut value = rendered(page);
        // Show what the opaque cursor carries, so the snapshot documents the paging state.
        value["next_cursor_state"] = next
            .as_deref()
            .map_or(Value::Null, |cursor| cursor_state(cursor, &query));
        pages.push(value);
        match next {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    pages
}

/// The paging state inside a cursor issued for `query`.
pub fn cursor_state(cursor: &str, query: &LeadQuery) -> Value {
    codec()
        .decode(cursor, &binding(query))
        .expect("cursor issued by the pipeline decodes")
}

/// What a cursor for `query` is bound to (to forge cursors in tests).
pub fn binding(query: &LeadQuery) -> CursorBinding<'static> {
    CursorBinding {
        provider: crm_zoho::PROVIDER,
        account: ACCOUNT,
        fingerprint: query.fingerprint(),
    }
}

/// An error as plain JSON: class, our status, message, and what Zoho answered.
pub fn error_json(error: &Error) -> Value {
    let class = match error {
        Error::InvalidParameter { .. } => "InvalidParameter",
        Error::UnsupportedFilter { .. } => "UnsupportedFilter",
        Error::InvalidCursor(_) => "InvalidCursor",
        Error::Unauthorized { .. } => "Unauthorized",
        Error::Forbidden { .. } => "Forbidden",
        Error::RateLimited { .. } => "RateLimited",
        Error::NotFound { .. } => "NotFound",
        Error::Remote { .. } => "Remote",
        Error::InvalidResponse { .. } => "InvalidResponse",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { .. } => "Transport",
        Error::RequestTooLarge { .. } => "RequestTooLarge",
    };
    json!({
        "class": class,
        "http_status": error.http_status(),
        "message": error.to_string(),
        "retryable": error.is_retryable(),
        "retry_after_secs": error.retry_after().map(|d| d.as_secs()),
        "remote": error.remote().map(|r| json!({
            "status": r.status,
            "code": r.code,
            // Long bodies (whole pages) are summarised; the fixture holds them.
            "body": if r.body.len() <= 600 { json!(r.body) } else { json!(format!("<{} bytes>", r.body.len())) },
        })),
    })
}

/// Lead ids of rendered pages, in order.
pub fn ids(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p["result"].as_array().cloned().unwrap_or_default())
        .map(|lead| lead["id"].as_str().expect("string id").to_owned())
        .collect()
}
