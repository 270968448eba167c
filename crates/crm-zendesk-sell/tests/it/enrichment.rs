//! Page enrichment: conversions in one call per page, lead source names read once per account.

use crate::support::{enriched, page, replay, request, walk};
use crm_core::ResponseFormat;

#[tokio::test]
async fn one_conversions_call_per_page_and_one_sources_read() {
    let replay = replay("conversions_enrichment").await;
    let pages = walk(&enriched(&replay), "limit=2&truto_ignore_remote_data=true")
        .await
        .unwrap();
    // Exactly the recorded calls: leads, sources, conversions, leads, conversions.
    replay.verify().await;
    let first = &pages[0]["response"]["result"][0];
    assert_eq!(first["converted_at"], "2024-03-01T12:00:00.000Z");
    assert_eq!(first["converted_contact"], "402000001");
    assert_eq!(first["converted_account"], "502000001");
    assert_eq!(first["contact"]["id"], "402000001");
    assert_eq!(first["lead_source"], "Web");
    let second = &pages[0]["response"]["result"][1];
    assert!(second["converted_at"].is_null());
    assert!(second["contact"].is_null());
    assert_eq!(second["lead_source"], "Trade Show & \"Expo\", #1");
    // No source, and a source id the account does not list.
    assert!(pages[1]["response"]["result"][0]["lead_source"].is_null());
    assert!(pages[1]["response"]["result"][1]["lead_source"].is_null());
    crm_testkit::assert_json_snapshot!("conversions_enrichment", pages);
}

#[tokio::test]
async fn a_refused_conversions_call_fails_the_page() {
    let replay = replay("conversions_forbidden").await;
    let err = page(&enriched(&replay), &request("")).await.unwrap_err();
    replay.verify().await;
    assert_eq!(err.http_status(), 403);
    assert!(err.to_string().contains("insufficient_scope"), "{err}");
}

#[tokio::test]
async fn the_raw_format_makes_no_enrichment_call() {
    // The fixture holds only the leads call: any enrichment call would be unexpected.
    let replay = replay("ignore_limit").await;
    let connector = enriched(&replay);
    let codec = crate::support::codec();
    let ctx = crm_core::list::ListContext {
        account_id: crate::support::ACCOUNT,
        codec: &codec,
    };
    let query = request("truto_ignore_limit=true").query;
    let listed = crm_core::list::list_page(&connector, ctx, &query, ResponseFormat::Raw)
        .await
        .unwrap();
    replay.verify().await;
    assert!(listed.next_cursor.is_none());
}
