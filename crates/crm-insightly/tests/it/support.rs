//! Shared helpers: a connector pointed at a replay, the pipeline context, rendering.

use crm_core::{
    list_page, render, CursorCodec, LeadQuery, ListContext, ListRequest, ListedPage,
    ResponseFormat, ResponseOptions, Result,
};
use crm_insightly::{Config, InsightlyConnector};
use crm_testkit::{fixture_path, replay, Replay, Scenario};
use serde_json::Value;

/// The sandbox Insightly account id, used as the account the cursors are bound to.
pub const ACCOUNT: &str = "00000000-0000-4000-8000-0000000015e1";

/// The placeholder API key the fixtures' `Authorization: Basic` header encodes (`test-key:`).
pub const API_KEY: &str = "test-key";

pub fn codec() -> CursorCodec {
    CursorCodec::new(b"test-key".to_vec())
}

/// A connector with the placeholder credentials the fixtures expect in their headers.
pub fn connector(uri: &str) -> InsightlyConnector {
    InsightlyConnector::new(Config::new(API_KEY).with_base_url(uri))
        .expect("test configuration is valid")
}

/// Starts the replay of `fixtures/insightly/<name>.json`.
pub async fn start(name: &str) -> Replay {
    let scenario = Scenario::load(fixture_path("insightly", name)).expect("fixture loads");
    assert_eq!(scenario.scenario, name);
    replay(&scenario).await
}

/// A replay that accepts no request at all: proves that an input is refused before any call.
pub async fn no_requests() -> Replay {
    let scenario = Scenario::from_json(
        r#"{"provider":"insightly","scenario":"no_requests","source":"inline","exchanges":[]}"#,
    )
    .expect("inline scenario");
    replay(&scenario).await
}

/// A query parsed from a List Leads query string, as the server would.
pub fn query(query_string: &str) -> LeadQuery {
    ListRequest::from_query_string(query_string)
        .expect("test query string parses")
        .query
}

pub async fn page(connector: &InsightlyConnector, query: &LeadQuery) -> Result<ListedPage> {
    let codec = codec();
    let ctx = ListContext {
        account_id: ACCOUNT,
        codec: &codec,
    };
    list_page(connector, ctx, query, ResponseFormat::Unified).await
}

/// The rendered page as JSON, with the opaque cursor replaced by a marker.
pub fn rendered(page: ListedPage, options: &ResponseOptions) -> Value {
    let bytes = render(page, options).expect("page renders");
    let mut value: Value = serde_json::from_slice(&bytes).expect("rendered page is JSON");
    if let Some(cursor) = value.get_mut("next_cursor") {
        if !cursor.is_null() {
            *cursor = Value::String("<next_cursor>".into());
        }
    }
    value
}

pub fn without_remote_data() -> ResponseOptions {
    ResponseOptions {
        ignore_remote_data: true,
        ..ResponseOptions::default()
    }
}

/// Walks every page of `query` through the pipeline, following `next_cursor` as a caller would.
/// Returns each rendered page (without remote_data).
pub async fn walk(connector: &InsightlyConnector, mut query: LeadQuery) -> Vec<Value> {
    let mut pages = Vec::new();
    loop {
        let listed = page(connector, &query).await.expect("page lists");
        let next = listed.next_cursor.clone();
        pages.push(rendered(listed, &without_remote_data()));
        match next {
            Some(cursor) => query.cursor = Some(cursor),
            None => return pages,
        }
        assert!(pages.len() < 50, "the walk does not end");
    }
}

/// Ids of the leads of rendered pages, in order.
pub fn ids(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p["result"].as_array().cloned().unwrap_or_default())
        .map(|lead| lead["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A query from decoded key/value pairs (values with `&`, `#`, quotes need no escaping here).
pub fn query_from(pairs: &[(&str, &str)]) -> LeadQuery {
    ListRequest::from_pairs(pairs.iter().map(|(k, v)| {
        (
            std::borrow::Cow::Borrowed(*k),
            std::borrow::Cow::Borrowed(*v),
        )
    }))
    .expect("test query parses")
    .query
}

/// Lists the single page of a one-exchange filter scenario and returns it rendered.
pub async fn single_page(name: &str, query: &LeadQuery) -> Value {
    let replay = start(name).await;
    let listed = page(&connector(&replay.uri()), query)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    replay.verify().await;
    rendered(listed, &without_remote_data())
}
