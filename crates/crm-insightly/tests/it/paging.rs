//! skip/top paging end to end: page sizes, the end of results, cursors across requests.

use crate::support::{connector, ids, page, query, query_from, rendered, start, walk};
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
        ["88000001", "88000002", "88000003", "88000004", "88000005", "88000006", "88000007"]
    );
    crm_testkit::assert_json_snapshot!("three_pages_then_short", pages);
}

#[tokio::test]
async fn stream_leads_walks_every_page_once() {
    let replay = start("three_pages_then_short").await;
    let connector = connector(&replay.uri());
    let leads: Vec<_> = crm_core::stream_leads(&connector, &query("limit=2"))
        .try_collect()
        .await
        .expect("every page lists");
    replay.verify().await;
    assert_eq!(leads.len(), 7);
    assert!(leads.iter().all(|l| l.remote_data.is_some()));
}

#[tokio::test]
async fn a_full_last_page_is_followed_by_one_empty_request() {
    let replay = start("full_last_page_then_empty").await;
    let pages = walk(&connector(&replay.uri()), query("limit=2")).await;
    replay.verify().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2], json!({"result": [], "next_cursor": null}));
    assert_eq!(ids(&pages).len(), 4);
    crm_testkit::assert_json_snapshot!("full_last_page_then_empty", pages);
}

/// The two leads and the empty last page recorded from a live account.
#[tokio::test]
async fn real_payloads() {
    let replay = start("real_payloads_full_page_then_empty").await;
    let pages = walk(&connector(&replay.uri()), query("limit=2")).await;
    replay.verify().await;
    assert_eq!(ids(&pages), ["78563840", "78563874"]);
    assert_eq!(
        pages[0]["result"][0]["created_at"],
        "2025-04-17T20:37:27.000Z"
    );
    assert_eq!(pages[0]["result"][0]["email_addresses"], json!([]));
    assert!(pages[1]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("real_payloads_full_page_then_empty", pages);
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
async fn ignore_limit_sends_top_500() {
    let replay = start("ignore_limit_sends_top_500").await;
    let pages = walk(
        &connector(&replay.uri()),
        query("truto_ignore_limit=true&limit=5"),
    )
    .await;
    replay.verify().await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["result"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn filters_stay_on_every_page() {
    let replay = start("filters_combined_pages").await;
    let q = query_from(&[
        ("owner[id]", "2240727"),
        ("updated_at[gte]", "2025-01-01T00:00:00Z"),
        ("limit", "1"),
    ]);
    let pages = walk(&connector(&replay.uri()), q).await;
    replay.verify().await;
    assert_eq!(ids(&pages), ["88000041", "88000042"]);
    assert!(pages[2]["next_cursor"].is_null());
}

/// The prefetching walk (several pages in flight, predicted offsets) against a server that
/// answers by `skip`/`top`: every lead once, in order.
#[tokio::test]
async fn prefetching_walk_yields_every_lead_once_in_order() {
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const TOTAL: u64 = 7;
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/v3.1/Leads"))
        .respond_with(|request: &Request| {
            let param = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let (skip, top) = (param("skip"), param("top"));
            let leads: Vec<_> = (skip + 1..=skip + top)
                .filter(|n| *n <= TOTAL)
                .map(|n| json!({"LEAD_ID": 500 + n, "DATE_CREATED_UTC": "2025-01-01 00:00:00"}))
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
