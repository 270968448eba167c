//! Paging end to end: `page` pages, the switch to `page_token`, the natural page size, a walk
//! whose `limit` changes, and a boundary Zoho gives no token for.

use crate::support::*;
use crm_core::{stream_leads, Error, LeadQuery};
use futures::TryStreamExt;

fn limit(n: u32) -> LeadQuery {
    LeadQuery {
        limit: Some(n),
        ..LeadQuery::default()
    }
}

#[tokio::test]
async fn three_pages_with_page_numbers() {
    let replay = start("three_pages").await;
    let zoho = connector(config(&replay.uri()));
    let pages = walk(&zoho, &limit(2), &[Some(2)]).await;
    replay.verify().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(
        ids(&pages),
        (1..=5)
            .map(|n| format!("99900000000{n:08}"))
            .collect::<Vec<_>>()
    );
    assert!(pages[2]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("three_pages", pages);
}

#[tokio::test]
async fn a_changed_limit_mid_walk_keeps_the_walks_page_size() {
    // The fixture only answers per_page=2: later calls asking for 50, or for the default, must
    // still send per_page=2, or page 2 would start at record 51 and skip 48 leads.
    let replay = start("three_pages").await;
    let zoho = connector(config(&replay.uri()));
    let pages = walk(&zoho, &limit(2), &[Some(2), Some(50), None]).await;
    replay.verify().await;
    assert_eq!(ids(&pages).len(), 5);
}

#[tokio::test]
async fn the_walk_switches_from_page_to_page_token_at_the_boundary() {
    let replay = start("page_to_page_token").await;
    let zoho = connector(config(&replay.uri()).with_discrete_paging_limit(6));
    let pages = walk(&zoho, &limit(2), &[Some(2)]).await;
    replay.verify().await;
    let ids = ids(&pages);
    assert_eq!(
        ids,
        (1..=9)
            .map(|n| format!("99900000000{n:08}"))
            .collect::<Vec<_>>(),
        "every lead once, in order"
    );
    assert_eq!(
        pages[1]["next_cursor_state"],
        serde_json::json!({"page": 3, "per_page": 2})
    );
    assert_eq!(
        pages[2]["next_cursor_state"],
        serde_json::json!({"page_token": "tok3of5-Zx_9", "per_page": 2})
    );
    crm_testkit::assert_json_snapshot!("page_to_page_token", pages);
}

#[tokio::test]
async fn stream_leads_walks_across_the_boundary() {
    let replay = start("page_to_page_token").await;
    let zoho = connector(config(&replay.uri()).with_discrete_paging_limit(6));
    let query = limit(2);
    let leads: Vec<_> = stream_leads(&zoho, &query)
        .try_collect()
        .await
        .expect("walk succeeds");
    replay.verify().await;
    let ids: Vec<_> = leads.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids.len(), 9);
    assert_eq!(ids.first(), Some(&"9990000000000000001"));
    assert_eq!(ids.last(), Some(&"9990000000000000009"));
    assert!(leads.iter().all(|l| l.remote_data.is_some()));
}

#[tokio::test]
async fn ignore_limit_sends_no_page_size_on_any_page() {
    let replay = start("ignore_limit").await;
    let zoho = connector(config(&replay.uri()));
    let query = LeadQuery {
        ignore_limit: true,
        ..LeadQuery::default()
    };
    let pages = walk(&zoho, &query, &[None]).await;
    replay.verify().await;
    assert_eq!(
        pages[0]["next_cursor_state"],
        serde_json::json!({"page": 2})
    );
    crm_testkit::assert_json_snapshot!("ignore_limit", pages);
}

#[tokio::test]
async fn more_records_past_the_boundary_without_a_token_is_a_clear_error() {
    let replay = start("boundary_without_token").await;
    let zoho = connector(
        config(&replay.uri())
            .with_api_version("v2")
            .with_discrete_paging_limit(4),
    );
    let mut query = limit(2);
    let first = list(&zoho, &query).await.expect("first page lists");
    query.cursor = first.next_cursor;
    let err = list(&zoho, &query)
        .await
        .expect_err("second page cannot continue");
    replay.verify().await;
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert!(err.to_string().contains("api_version v3 or later"), "{err}");
    crm_testkit::assert_json_snapshot!("boundary_without_token", error_json(&err));
}

#[tokio::test]
async fn prefetching_predicts_page_numbers_and_stops_at_tokens() {
    // Three pages in flight: pages 2 and 3 are predicted; page 4 would cross the (lowered)
    // boundary, so no guess is made there and the token pages follow one by one. The replay
    // fails on any request beyond the five recorded ones.
    let replay = start("page_to_page_token").await;
    let zoho = connector(config(&replay.uri()).with_discrete_paging_limit(6));
    let query = limit(2);
    let pages: Vec<_> = crm_core::stream_pages_prefetch(&zoho, &query, 3)
        .try_collect()
        .await
        .expect("walk succeeds");
    replay.verify().await;
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| &p.records)
        .map(|r| serde_json::from_str::<serde_json::Value>(r.get()).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 9);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}
