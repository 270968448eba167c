//! Body paging end to end: page sizes, the end of results, cursors across requests.

use crate::support::{connector, ids, page, query, rendered, start, walk, without_remote_data};
use futures::TryStreamExt;
use serde_json::json;

#[tokio::test]
async fn three_pages_then_a_short_page() {
    let replay = start("three_pages_then_short").await;
    let pages = walk(&connector(&replay.uri()), query("limit=2")).await;
    replay.verify().await;

    let cursors: Vec<bool> = pages.iter().map(|p| !p["next_cursor"].is_null()).collect();
    assert_eq!(cursors, [true, true, true, false]);
    assert_eq!(
        ids(&pages),
        ["71000101", "71000102", "71000103", "71000104", "71000105", "71000106", "71000107"]
    );
    crm_testkit::assert_json_snapshot!("three_pages_then_short", pages);
}

#[tokio::test]
async fn stream_leads_walks_every_page_once() {
    let replay = start("three_pages_then_short").await;
    let connector = connector(&replay.uri());
    let q = query("limit=2");
    let leads: Vec<_> = crm_core::stream_leads(&connector, &q)
        .try_collect()
        .await
        .expect("every page lists");
    replay.verify().await;

    let ids: Vec<&str> = leads.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        ["71000101", "71000102", "71000103", "71000104", "71000105", "71000106", "71000107"]
    );
    assert!(leads.iter().all(|l| l.remote_data.is_some()));
}

#[tokio::test]
async fn a_full_last_page_is_followed_by_an_empty_page() {
    let replay = start("full_last_page_then_empty").await;
    let pages = walk(&connector(&replay.uri()), query("limit=2")).await;
    replay.verify().await;

    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2], json!({"result": [], "next_cursor": null}));
    assert_eq!(ids(&pages).len(), 4);
    crm_testkit::assert_json_snapshot!("full_last_page_then_empty", pages);
}

#[tokio::test]
async fn empty_result() {
    let replay = start("empty_result").await;
    let listed = page(&connector(&replay.uri()), &query("")).await.unwrap();
    replay.verify().await;
    let value = rendered(listed, &Default::default());
    assert_eq!(value, json!({"result": [], "next_cursor": null}));
    crm_testkit::assert_json_snapshot!("empty_result", value);
}

#[tokio::test]
async fn ignore_limit_sends_no_page_size_and_treats_20_as_full() {
    let replay = start("ignore_limit_natural_pages").await;
    let pages = walk(
        &connector(&replay.uri()),
        query("truto_ignore_limit=true&limit=5"),
    )
    .await;
    replay.verify().await;

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["result"].as_array().map(Vec::len), Some(20));
    assert_eq!(pages[1]["result"].as_array().map(Vec::len), Some(3));
    assert!(pages[1]["next_cursor"].is_null());
    let ids = ids(&pages);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 23, "no lead repeated");
    crm_testkit::assert_json_snapshot!("ignore_limit_natural_pages", pages);
}

#[tokio::test]
async fn a_limit_changed_mid_walk_keeps_the_walks_page_size() {
    let replay = start("limit_changed_mid_walk").await;
    let connector = connector(&replay.uri());

    let first = page(&connector, &query("limit=3")).await.unwrap();
    let cursor = first
        .next_cursor
        .clone()
        .expect("a full first page has a cursor");
    let first = rendered(first, &without_remote_data());

    let mut later = query("limit=50");
    later.cursor = Some(cursor);
    let second = rendered(
        page(&connector, &later).await.unwrap(),
        &without_remote_data(),
    );
    replay.verify().await;

    assert!(second["next_cursor"].is_null());
    assert_eq!(
        ids(&[first, second]),
        ["71000101", "71000102", "71000103", "71000104"]
    );
}

/// The prefetching walk (several pages in flight, predicted page numbers) against a server that
/// answers by the body's page number: every lead once, in order. Over-fetching past the end is
/// expected here, so this uses a plain wiremock responder rather than a strict replay.
#[tokio::test]
async fn prefetching_walk_yields_every_lead_once_in_order() {
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const TOTAL: u64 = 7;
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/developer_api/v1/leads/search"))
        .respond_with(|request: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let number = body["page_number"].as_u64().unwrap_or(0);
            let size = body["page_size"].as_u64().unwrap_or(0);
            let start = (number.saturating_sub(1)) * size + 1;
            let leads: Vec<_> = (start..start + size)
                .filter(|n| *n <= TOTAL)
                .map(|n| json!({"id": 500 + n, "date_created": 1_704_067_200 + n}))
                .collect();
            ResponseTemplate::new(200).set_body_json(leads)
        })
        .mount(&server)
        .await;

    let connector = connector(&server.uri());
    let q = query("limit=2");
    let pages: Vec<_> = crm_core::stream_pages_prefetch(&connector, &q, 3)
        .try_collect()
        .await
        .expect("every page lists");
    let leads = pages
        .into_iter()
        .flat_map(|p| crm_core::list::map_records(&connector, &q, p.records).expect("maps"))
        .map(|l| l.id)
        .collect::<Vec<_>>();
    assert_eq!(leads, ["501", "502", "503", "504", "505", "506", "507"]);
}
