//! Shared helpers: a connector pointed at a replay, one page or every page through the pipeline,
//! and JSON views of pages and errors for snapshots.

use crm_core::cursor::CursorBinding;
use crm_core::{
    list_page, render, CursorCodec, Error, LeadQuery, ListContext, ResponseFormat, ResponseOptions,
};
use crm_salesforce::{Config, SalesforceConnector};
use crm_testkit::{fixture_path, replay, Replay, Scenario};
use serde_json::{json, Value};

pub const ACCOUNT: &str = "00000000-0000-4000-8000-0000000005f0";
pub const TOKEN: &str = "test-access-token";

pub fn codec() -> CursorCodec {
    CursorCodec::new(b"test-key".to_vec())
}

pub async fn start(scenario: &str) -> Replay {
    let scenario =
        Scenario::load(fixture_path("salesforce", scenario)).unwrap_or_else(|e| panic!("{e}"));
    replay(&scenario).await
}

/// A replay that answers nothing: any request makes `verify` fail.
pub async fn no_requests() -> Replay {
    let scenario = Scenario::from_json(
        r#"{"provider":"salesforce","scenario":"no_requests","source":"inline","exchanges":[]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    replay(&scenario).await
}

pub fn connector(replay: &Replay) -> SalesforceConnector {
    SalesforceConnector::new(Config::new(replay.uri(), TOKEN)).unwrap_or_else(|e| panic!("{e}"))
}

fn binding(query: &LeadQuery) -> CursorBinding<'static> {
    CursorBinding {
        provider: crm_salesforce::PROVIDER,
        account: ACCOUNT,
        fingerprint: query.fingerprint(),
    }
}

/// A cursor for `query` carrying `state`, signed like the pipeline signs them.
pub fn cursor_with_state(query: &LeadQuery, state: &Value) -> String {
    codec().encode(&binding(query), state)
}

/// One page through the pipeline, without `remote_data` (see [`page_with`]).
pub async fn page(
    connector: &SalesforceConnector,
    query: &LeadQuery,
) -> Result<(Value, Option<String>), Error> {
    page_with(connector, query, false).await
}

/// One page through the pipeline: the rendered result, the paging state inside the next cursor
/// (decoded, so snapshots show where the next page starts), and the rate-limit figures.
pub async fn page_with(
    connector: &SalesforceConnector,
    query: &LeadQuery,
    remote_data: bool,
) -> Result<(Value, Option<String>), Error> {
    let codec = codec();
    let ctx = ListContext {
        account_id: ACCOUNT,
        codec: &codec,
    };
    let listed = list_page(connector, ctx, query, ResponseFormat::Unified).await?;
    let next_cursor = listed.next_cursor.clone();
    let rate_limit = listed.rate_limit;
    let options = ResponseOptions {
        ignore_remote_data: !remote_data,
        ..ResponseOptions::default()
    };
    let body = render(listed, &options)?;
    let rendered: Value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"));
    let next_state = match &next_cursor {
        Some(c) => codec.decode(c, &binding(query))?,
        None => Value::Null,
    };
    let view = json!({
        "result": rendered["result"],
        "next_cursor_is_null": rendered["next_cursor"].is_null(),
        "next_state": next_state,
        "rate_limit": {"limit": rate_limit.limit, "remaining": rate_limit.remaining},
    });
    Ok((view, next_cursor))
}

/// Every page of `query` without `remote_data` (see [`walk_with`]).
pub async fn walk(connector: &SalesforceConnector, query: &LeadQuery) -> Result<Vec<Value>, Error> {
    walk_with(connector, query, false).await
}

/// Every page of `query`, following the cursors the pipeline hands out.
pub async fn walk_with(
    connector: &SalesforceConnector,
    query: &LeadQuery,
    remote_data: bool,
) -> Result<Vec<Value>, Error> {
    let mut query = query.clone();
    query.cursor = None;
    let mut pages = Vec::new();
    loop {
        let (view, next) = page_with(connector, &query, remote_data).await?;
        pages.push(view);
        match next {
            Some(cursor) => query.cursor = Some(cursor),
            None => return Ok(pages),
        }
        assert!(pages.len() < 20, "the walk does not end");
    }
}

/// The lead ids of the pages, in order.
pub fn ids(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p["result"].as_array().cloned().unwrap_or_default())
        .map(|lead| lead["id"].as_str().unwrap_or("<no id>").to_owned())
        .collect()
}

pub fn lead_id(n: u32) -> String {
    format!("00QFK00000Ld{n:04}AA")
}

/// What a caller would learn from an error.
pub fn error_json(error: &Error) -> Value {
    let remote = error
        .remote()
        .map(|r| json!({"status": r.status, "code": r.code, "body": r.body}));
    let limits = match error {
        Error::RateLimited {
            limits,
            retry_after,
            ..
        } => json!({
            "limit": limits.limit, "remaining": limits.remaining,
            "retry_after_secs": retry_after.map(|d| d.as_secs()),
        }),
        _ => Value::Null,
    };
    json!({
        "http_status": error.http_status(),
        "message": error.to_string(),
        "is_remote": error.is_remote(),
        "is_retryable": error.is_retryable(),
        "remote": remote,
        "rate_limit": limits,
    })
}
