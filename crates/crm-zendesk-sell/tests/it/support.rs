//! Shared helpers: connectors pointed at a replay, the pipeline with a fixed account and key, and
//! JSON views of pages and errors for snapshots.

use crm_core::cursor::CursorBinding;
use crm_core::list::{list_page, ListContext};
use crm_core::ResponseFormat;
use crm_core::{CursorCodec, Error, ListRequest};
use crm_testkit::{fixture_path, Replay, Scenario};
use crm_zendesk_sell::{Config, ZendeskSellConnector};
use secrecy::SecretString;
use serde_json::{json, Value};

/// The sandbox Zendesk Sell account id.
pub const ACCOUNT: &str = "00000000-0000-4000-8000-0000000052e1";
pub const ACCESS_TOKEN: &str = "test-access-token";
pub const REFRESH_TOKEN: &str = "test-refresh-token";
pub const CLIENT_ID: &str = "test-client-id";
pub const CLIENT_SECRET: &str = "test-client-secret";

pub fn codec() -> CursorCodec {
    CursorCodec::new(b"test-key".to_vec())
}

/// Starts replaying `fixtures/zendesk-sell/<name>.json`.
pub async fn replay(name: &str) -> Replay {
    let scenario = Scenario::load(fixture_path("zendesk-sell", name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    crm_testkit::replay(&scenario).await
}

/// A personal access token, making only leads calls (no lead sources, no conversions): the
/// scenarios of paging, filters and errors record the leads calls only.
pub fn leads_only(replay: &Replay) -> ZendeskSellConnector {
    let config = Config::access_token(SecretString::from(ACCESS_TOKEN))
        .with_base_url(replay.uri())
        .with_conversions(false)
        .with_sources(false);
    ZendeskSellConnector::new(config).expect("valid config")
}

/// Lead source names on (the `lead_source` filter), conversions off.
pub fn with_sources(replay: &Replay) -> ZendeskSellConnector {
    let config = Config::access_token(SecretString::from(ACCESS_TOKEN))
        .with_base_url(replay.uri())
        .with_conversions(false);
    ZendeskSellConnector::new(config).expect("valid config")
}

/// The default connector: lead sources and conversions.
pub fn enriched(replay: &Replay) -> ZendeskSellConnector {
    let config = Config::access_token(SecretString::from(ACCESS_TOKEN)).with_base_url(replay.uri());
    ZendeskSellConnector::new(config).expect("valid config")
}

/// An OAuth account built through the descriptor (refresh through `RefreshSettings` and
/// `ConnectOptions::transport_for`), leads only.
pub fn oauth_account(replay: &Replay) -> std::sync::Arc<dyn crm_core::DynConnector> {
    let settings = crm_core::AccountSettings {
        account_id: ACCOUNT.to_owned(),
        base_url: replay.uri(),
        ..crm_core::AccountSettings::default()
    }
    .with_credential("access_token", ACCESS_TOKEN)
    .with_credential("refresh_token", REFRESH_TOKEN)
    .with_credential("client_id", CLIENT_ID)
    .with_credential("client_secret", CLIENT_SECRET)
    .with_credential("token_url", format!("{}/oauth2/token", replay.uri()));
    (crm_zendesk_sell::DESCRIPTOR.connect)(&settings, crm_core::ConnectOptions::default())
        .expect("valid account")
}

/// Parses a List Leads query string the way the server does.
pub fn request(query: &str) -> ListRequest {
    ListRequest::from_query_string(query).unwrap_or_else(|e| panic!("query {query:?}: {e}"))
}

/// One page through the pipeline, rendered as the endpoint would answer (with the request's
/// response options), plus its rate limits. The cursor is returned separately; the JSON shows the
/// paging state inside it (`"[cursor {\"start\":2}]"`), decoded with the same key and binding.
pub async fn page(
    connector: &dyn crm_core::DynConnector,
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
            provider: crm_zendesk_sell::PROVIDER,
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
pub async fn walk(
    connector: &dyn crm_core::DynConnector,
    query: &str,
) -> Result<Vec<Value>, Error> {
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
