//! Shared helpers: connectors pointed at a replay, the pipeline with a fixed account and key, and
//! JSON views of pages and errors for snapshots.

use crm_core::cursor::CursorBinding;
use crm_core::list::{list_page, ListContext};
use crm_core::ResponseFormat;
use crm_core::{CursorCodec, Error, ListRequest};
use crm_pipedrive::{Config, PipedriveConnector};
use crm_testkit::{fixture_path, Replay, Scenario};
use secrecy::SecretString;
use serde_json::{json, Value};

/// The sandbox Pipedrive account id.
pub const ACCOUNT: &str = "00000000-0000-4000-8000-0000000091de";
pub const API_TOKEN: &str = "test-api-token";
pub const ACCESS_TOKEN: &str = "test-access-token";

pub fn codec() -> CursorCodec {
    CursorCodec::new(b"test-key".to_vec())
}

/// Starts replaying `fixtures/pipedrive/<name>.json`.
pub async fn replay(name: &str) -> Replay {
    let scenario = Scenario::load(fixture_path("pipedrive", name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    crm_testkit::replay(&scenario).await
}

/// The scenarios of leads paging, filters, auth and errors record the leads calls only, so these
/// connectors make no persons call; the `persons_*` scenarios use [`with_persons`].
pub fn api_token(replay: &Replay) -> PipedriveConnector {
    let config = Config::api_token(SecretString::from(API_TOKEN))
        .with_base_url(replay.uri())
        .with_person_enrichment(false);
    PipedriveConnector::new(config).expect("valid config")
}

pub fn oauth(replay: &Replay) -> PipedriveConnector {
    let config =
        Config::oauth(replay.uri(), SecretString::from(ACCESS_TOKEN)).with_person_enrichment(false);
    PipedriveConnector::new(config).expect("valid config")
}

/// An API-token connector that fills person fields with the persons call (the default).
pub fn with_persons(replay: &Replay) -> PipedriveConnector {
    let config = Config::api_token(SecretString::from(API_TOKEN)).with_base_url(replay.uri());
    PipedriveConnector::new(config).expect("valid config")
}

/// Parses a List Leads query string the way the server does.
pub fn request(query: &str) -> ListRequest {
    ListRequest::from_query_string(query).unwrap_or_else(|e| panic!("query {query:?}: {e}"))
}

/// One page through the pipeline, rendered as the endpoint would answer (with the request's
/// response options), plus its rate limits. The cursor is returned separately; the JSON shows the
/// paging state inside it (`"[cursor {\"start\":2}]"`), decoded with the same key and binding.
pub async fn page(
    connector: &PipedriveConnector,
    request: &ListRequest,
) -> Result<(Value, Option<String>), Error> {
    let codec = codec();
    let ctx = ListContext {
        account_id: ACCOUNT,
        codec: &codec,
    };
    let listed = list_page(connector, ctx, &request.query, ResponseFormat::Unified).await?;
    let next = listed.next_cursor.clone();
    let limits = listed.rate_limit;
    let bytes = crm_core::render(listed, &request.options)?;
    let mut rendered: Value = serde_json::from_slice(&bytes).expect("render gives JSON");
    if let Some(cursor) = &next {
        let binding = CursorBinding {
            provider: crm_pipedrive::PROVIDER,
            account: ACCOUNT,
            fingerprint: request.query.fingerprint(),
        };
        let state = codec
            .decode(cursor, &binding)
            .expect("our own cursor decodes");
        rendered["next_cursor"] = json!(format!("[cursor {state}]"));
    }
    let view = json!({
        "response": rendered,
        "rate_limit": {
            "limit": limits.limit,
            "remaining": limits.remaining,
            "reset_secs": limits.reset.map(|d| d.as_secs()),
        },
    });
    Ok((view, next))
}

/// Follows `next_cursor` from the first page to the last, as a caller would.
pub async fn walk(connector: &PipedriveConnector, query: &str) -> Result<Vec<Value>, Error> {
    let mut request = request(query);
    let mut pages = Vec::new();
    for _ in 0..10 {
        let (view, next) = page(connector, &request).await?;
        pages.push(view);
        match next {
            None => return Ok(pages),
            Some(cursor) => request.query.cursor = Some(cursor),
        }
    }
    panic!("more than 10 pages: the walk does not end");
}

/// The ids of the leads in rendered pages, in order.
pub fn ids(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| {
            p["response"]["result"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|lead| lead["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// What a caller learns from an error: status, message, rate limits and the provider's answer.
pub fn error_view(error: &Error) -> Value {
    let limits = match error {
        Error::RateLimited { limits, .. } => json!({
            "limit": limits.limit,
            "remaining": limits.remaining,
            "reset_secs": limits.reset.map(|d| d.as_secs()),
        }),
        _ => Value::Null,
    };
    json!({
        "http_status": error.http_status(),
        "message": error.to_string(),
        "retry_after_secs": error.retry_after().map(|d| d.as_secs()),
        "rate_limit": limits,
        "remote": error.remote().map(|r| json!({
            "status": r.status,
            "code": r.code,
            "body": r.body,
        })),
    })
}
