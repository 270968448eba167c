//! Page-number paging through signed cursors: both end conditions, the SDK's envelope without
//! links, an empty result, remote_data kept byte for byte.

use crate::support::{codec, ids, leads_only, page, replay, request, walk, ACCOUNT};
use crm_core::cursor::CursorBinding;
use crm_core::stream_leads;
use crm_testkit::{fixture_path, Scenario};
use futures::TryStreamExt;
use serde_json::value::RawValue;

#[tokio::test]
async fn three_pages_then_no_next_page_link() {
    let replay = replay("three_pages").await;
    let pages = walk(&leads_only(&replay), "limit=2").await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(
        ids(&pages),
        [
            "302488001",
            "9007199254740993",
            "302488003",
            "302488004",
            "302488005"
        ]
    );
    assert_eq!(pages[0]["response"]["next_cursor"], "[cursor {\"page\":2}]");
    assert!(pages[2]["response"]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("three_pages", pages);
}

#[tokio::test]
async fn an_empty_items_array_ends_the_walk_even_with_a_next_link() {
    let replay = replay("last_page_empty").await;
    let pages = walk(&leads_only(&replay), "limit=2").await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 2);
    assert_eq!(ids(&pages).len(), 2);
    assert!(pages[1]["response"]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("last_page_empty", pages);
}

#[tokio::test]
async fn the_sdk_envelope_without_links_and_the_airbyte_last_page() {
    let replay = replay("real_sdk_and_airbyte_envelopes").await;
    let pages = walk(&leads_only(&replay), "").await.unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), ["1", "2"]);
    assert!(pages[1]["response"]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("real_sdk_and_airbyte_envelopes", pages);
}

#[tokio::test]
async fn an_empty_result_has_a_null_cursor() {
    let replay = replay("empty_result").await;
    let pages = walk(&leads_only(&replay), "").await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["response"]["result"], serde_json::json!([]));
    assert!(pages[0]["response"]["next_cursor"].is_null());
}

#[tokio::test]
async fn ignore_limit_sends_no_per_page() {
    let replay = replay("ignore_limit").await;
    let pages = walk(&leads_only(&replay), "truto_ignore_limit=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), ["302488001"]);
}

#[tokio::test]
async fn every_lead_streams_once_and_remote_data_is_the_item_byte_for_byte() {
    let scenario = Scenario::load(fixture_path("zendesk-sell", "three_pages")).unwrap();
    let replay = crm_testkit::replay(&scenario).await;
    let connector = leads_only(&replay);
    let query = request("limit=2").query;
    let leads: Vec<_> = stream_leads(&connector, &query)
        .try_collect()
        .await
        .unwrap();
    replay.verify().await;

    #[derive(serde::Deserialize)]
    struct Body {
        items: Vec<Box<RawValue>>,
    }
    let served: Vec<String> = scenario
        .exchanges
        .iter()
        .flat_map(|ex| {
            let body = ex.response.body.as_ref().expect("a JSON body");
            serde_json::from_str::<Body>(body.get()).unwrap().items
        })
        .map(|record| record.get().to_owned())
        .collect();
    let kept: Vec<&str> = leads
        .iter()
        .map(|lead| lead.remote_data.as_ref().expect("remote_data").get())
        .collect();
    assert_eq!(kept, served);
    assert!(kept[1].contains("9007199254740993"));
    assert!(kept[1].contains("\"version\""));
}

#[tokio::test]
async fn a_record_that_does_not_fit_fails_the_page() {
    let replay = replay("bad_record").await;
    let err = page(&leads_only(&replay), &request("")).await.unwrap_err();
    replay.verify().await;
    let text = err.to_string();
    assert!(text.contains("record #1"), "{text}");
    assert!(text.contains("data.created_at"), "{text}");
    assert_eq!(err.http_status(), 502);
}

#[tokio::test]
async fn a_walk_past_page_999_counts_on() {
    let replay = replay("page_past_999").await;
    let connector = leads_only(&replay);
    let mut req = request("");
    let binding = CursorBinding {
        provider: crm_zendesk_sell::PROVIDER,
        account: ACCOUNT,
        fingerprint: req.query.fingerprint(),
    };
    req.query.cursor = Some(codec().encode(&binding, &serde_json::json!({"page": 1000})));
    let (first, next) = page(&connector, &req).await.unwrap();
    assert_eq!(first["response"]["next_cursor"], "[cursor {\"page\":1001}]");
    req.query.cursor = next;
    let (last, next) = page(&connector, &req).await.unwrap();
    replay.verify().await;
    assert!(next.is_none());
    assert_eq!(ids(&[first, last]), ["302488001", "302488002"]);
}
