//! Custom fields through the Lead describe result.

use crate::support::*;
use crm_core::{LeadFilters, LeadQuery};
use std::collections::BTreeMap;

fn include() -> LeadQuery {
    LeadQuery {
        filters: LeadFilters {
            include_custom_fields: true,
            ..Default::default()
        },
        ..LeadQuery::default()
    }
}

#[tokio::test]
async fn include_custom_fields_selects_described_fields_and_returns_raw_values() {
    let replay = start("custom_fields").await;
    let pages = walk_with(&connector(&replay), &include(), true)
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), (1..=3).map(lead_id).collect::<Vec<_>>());
    // Big numbers and float spelling survive untouched.
    let first = serde_json::to_string(&pages[0]["result"][0]["custom_fields"]).unwrap_or_default();
    assert!(first.contains("12345678901234567890"), "{first}");
    crm_testkit::assert_json_snapshot!("custom_fields", pages);
}

#[tokio::test]
async fn describe_is_fetched_once_per_connector() {
    let replay = start("describe_cached").await;
    let connector = connector(&replay);
    let first = walk(&connector, &include()).await.unwrap();
    let second = walk(&connector, &include()).await.unwrap();
    replay.verify().await;
    assert_eq!(first, second);
    crm_testkit::assert_json_snapshot!("describe_cached", first);
}

#[tokio::test]
async fn unknown_custom_field_is_refused_naming_the_field() {
    let replay = start("unknown_custom_field").await;
    let query = LeadQuery {
        filters: LeadFilters {
            custom_fields: BTreeMap::from([("Favourite_Colour__c".into(), "blue".into())]),
            ..Default::default()
        },
        ..LeadQuery::default()
    };
    let err = walk(&connector(&replay), &query).await.unwrap_err();
    replay.verify().await;
    assert_eq!(err.http_status(), 400);
    crm_testkit::assert_json_snapshot!("unknown_custom_field", error_json(&err));
}
