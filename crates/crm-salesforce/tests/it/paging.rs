//! Paging through nextRecordsUrl, small limits inside a batch, ignore_limit, empty results.

use crate::support::*;
use crm_core::{stream_leads, Error, LeadQuery};
use futures::TryStreamExt;
use serde_json::json;

fn limit(n: u32) -> LeadQuery {
    LeadQuery {
        limit: Some(n),
        ..LeadQuery::default()
    }
}

#[tokio::test]
async fn three_pages_follow_next_records_url_until_done() {
    let replay = start("three_pages").await;
    let pages = walk_with(&connector(&replay), &limit(200), true)
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), (1..=5).map(lead_id).collect::<Vec<_>>());
    assert_eq!(pages.len(), 3);
    crm_testkit::assert_json_snapshot!("three_pages", pages);
}

#[tokio::test]
async fn stream_leads_walks_the_same_pages() {
    let replay = start("three_pages").await;
    let connector = connector(&replay);
    let query = limit(200);
    let leads: Vec<_> = stream_leads(&connector, &query)
        .try_collect()
        .await
        .unwrap();
    replay.verify().await;
    let ids: Vec<_> = leads.iter().map(|l| l.id.clone()).collect();
    assert_eq!(ids, (1..=5).map(lead_id).collect::<Vec<_>>());
    assert!(leads.iter().all(|l| l.remote_data.is_some()));
}

#[tokio::test]
async fn small_limit_pages_resume_inside_batches_without_loss_or_duplicates() {
    let replay = start("small_limit_inside_batches").await;
    let pages = walk(&connector(&replay), &limit(2)).await.unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), (1..=6).map(lead_id).collect::<Vec<_>>());
    assert!(pages
        .iter()
        .all(|p| p["result"].as_array().map(Vec::len) == Some(2)));
    crm_testkit::assert_json_snapshot!("small_limit_inside_batches", pages);
}

#[tokio::test]
async fn small_limit_in_a_last_batch_resumes_by_id() {
    let replay = start("small_limit_last_batch").await;
    let pages = walk(&connector(&replay), &limit(2)).await.unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), (1..=3).map(lead_id).collect::<Vec<_>>());
    crm_testkit::assert_json_snapshot!("small_limit_last_batch", pages);
}

#[tokio::test]
async fn ignore_limit_sends_no_batch_size() {
    let replay = start("ignore_limit").await;
    let query = LeadQuery {
        limit: Some(5),
        ignore_limit: true,
        ..LeadQuery::default()
    };
    let pages = walk(&connector(&replay), &query).await.unwrap();
    let requests = replay
        .server()
        .received_requests()
        .await
        .unwrap_or_default();
    replay.verify().await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert!(
            !request.headers.contains_key("sforce-query-options"),
            "{request:?}"
        );
    }
    assert_eq!(ids(&pages), (1..=3).map(lead_id).collect::<Vec<_>>());
    crm_testkit::assert_json_snapshot!("ignore_limit", pages);
}

#[tokio::test]
async fn empty_result_has_no_next_cursor() {
    let replay = start("empty").await;
    let mut query = LeadQuery::default();
    query.filters.lead_source = Some("Nowhere".into());
    let pages = walk(&connector(&replay), &query).await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
    crm_testkit::assert_json_snapshot!("empty", pages);
}

#[tokio::test]
async fn converted_leads_map_conversion_fields() {
    let replay = start("converted_leads").await;
    let pages = walk_with(&connector(&replay), &LeadQuery::default(), true)
        .await
        .unwrap();
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("converted_leads", pages);
}

#[tokio::test]
async fn remote_query_is_passed_through_on_every_request() {
    let replay = start("remote_query").await;
    let query = LeadQuery {
        remote_query: vec![("foo".into(), "bar & baz".into())],
        ..LeadQuery::default()
    };
    let pages = walk(&connector(&replay), &query).await.unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), vec![lead_id(1), lead_id(2)]);
}

#[tokio::test]
async fn remote_query_cannot_replace_the_soql() {
    let replay = no_requests().await;
    let query = LeadQuery {
        remote_query: vec![("q".into(), "SELECT Id FROM User".into())],
        ..LeadQuery::default()
    };
    let err = walk(&connector(&replay), &query).await.unwrap_err();
    replay.verify().await;
    assert_eq!(err.http_status(), 400);
    assert!(err.to_string().contains("remote_query[q]"), "{err}");
}

#[tokio::test]
async fn cursor_states_of_the_wrong_shape_never_reach_salesforce() {
    let replay = no_requests().await;
    let connector = connector(&replay);
    for state in [
        json!({"next_records_url": "/services/data/v62.0/sobjects/User/describe"}),
        json!({"next_records_url": "https://elsewhere.example.com/services/data/v62.0/query/01gX-2"}),
        json!({"next_records_url": "/services/data/v62.0/query/01gX-2/../../sobjects"}),
        json!({"after_id": "00QFK00000Ld0001AA' OR Name != '"}),
        json!({"offset": 2000}),
    ] {
        let mut query = LeadQuery::default();
        query.cursor = Some(cursor_with_state(&query, &state));
        let err = page(&connector, &query).await.unwrap_err();
        assert!(matches!(err, Error::InvalidCursor(_)), "{state}: {err}");
    }
    // Altered or foreign cursors are refused by the pipeline before the connector runs.
    let query = LeadQuery {
        cursor: Some("v1.e30.AAAAAAAAAAAAAAAAAAAAAA".into()),
        ..LeadQuery::default()
    };
    assert!(matches!(
        page(&connector, &query).await,
        Err(Error::InvalidCursor(_))
    ));
    replay.verify().await;
}

#[tokio::test]
async fn unsupported_filters_are_refused_before_any_request() {
    let replay = no_requests().await;
    let mut query = LeadQuery::default();
    query.filters.contact_id = Some("1".into());
    let err = page(&connector(&replay), &query).await.unwrap_err();
    replay.verify().await;
    assert!(matches!(err, Error::UnsupportedFilter { .. }), "{err}");
}
