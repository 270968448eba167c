//! Single-page scenarios about what records look like: empty, converted, offsets, sparse.

use crate::support::*;
use crm_core::{Items, LeadQuery};
use serde_json::json;

async fn one_page(fixture: &str, query: LeadQuery) -> serde_json::Value {
    let replay = start(fixture).await;
    let zoho = connector(config(&replay.uri()));
    let page = list(&zoho, &query).await.expect("page lists");
    replay.verify().await;
    rendered(page)
}

#[tokio::test]
async fn http_204_is_an_empty_final_page() {
    let page = one_page("empty_204", LeadQuery::default()).await;
    assert_eq!(page, json!({"result": [], "next_cursor": null}));
}

#[tokio::test]
async fn converted_leads_are_listed() {
    let page = one_page("converted_leads", LeadQuery::default()).await;
    assert_eq!(page["result"].as_array().map(Vec::len), Some(3));
    assert_eq!(page["result"][0]["remote_data"]["$converted"], true);
    crm_testkit::assert_json_snapshot!("converted_leads", page);
}

#[tokio::test]
async fn org_offsets_become_utc() {
    let page = one_page("timestamp_offsets", LeadQuery::default()).await;
    let created: Vec<_> = page["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["created_at"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        created,
        [
            "2024-03-09T22:30:00.000Z",
            "2024-03-10T07:00:00.000Z",
            "2024-03-09T20:00:00.000Z",
            "2024-01-01T07:00:00.000Z",
            "2024-02-28T13:45:00.000Z",
        ]
    );
    crm_testkit::assert_json_snapshot!("timestamp_offsets", page);
}

#[tokio::test]
async fn sparse_records_map_with_nulls_and_exact_numeric_ids() {
    let replay = start("sparse_records").await;
    let zoho = connector(config(&replay.uri()));
    let page = list(&zoho, &LeadQuery::default())
        .await
        .expect("page lists");
    replay.verify().await;
    let Items::Leads(leads) = &page.items else {
        panic!("unified format yields leads")
    };
    // remote_data is the record byte for byte: the number stays a number with all its digits.
    let raw = leads[2].remote_data.as_ref().unwrap().get();
    assert!(
        raw.starts_with(r#"{"id": 9990000000000031003, "Owner""#),
        "{raw}"
    );
    assert_eq!(leads[2].id, "9990000000000031003");
    let page = rendered(page);
    assert_eq!(page["result"][0]["addresses"], json!([]));
    assert_eq!(page["result"][0]["owner"], json!(null));
    crm_testkit::assert_json_snapshot!("sparse_records", page);
}

#[tokio::test]
async fn remote_query_is_passed_through() {
    let query = LeadQuery {
        remote_query: vec![("cvid".into(), "9990000000000087501".into())],
        ..LeadQuery::default()
    };
    let page = one_page("remote_query_cvid", query).await;
    assert_eq!(page["result"][0]["id"], "9990000000000000051");
    assert!(page["next_cursor"].is_null());
}
