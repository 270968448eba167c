//! Offset paging through signed cursors: every shape Pipedrive answers with, empty pages, and the
//! end of the walk.

use crate::support::{
    api_token, codec, error_view, ids, oauth, page, replay, request, walk, ACCOUNT,
};
use crm_core::{stream_leads, Error};
use crm_testkit::{fixture_path, Scenario};
use futures::TryStreamExt;
use serde_json::value::RawValue;

#[tokio::test]
async fn three_pages_then_the_end() {
    let replay = replay("three_pages").await;
    let pages = walk(&oauth(&replay), "limit=2").await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(
        ids(&pages),
        (1..=5)
            .map(|n| format!("00000000-0000-4000-8000-00000000a{n:03}"))
            .collect::<Vec<_>>()
    );
    assert!(pages[2]["response"]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("three_pages", pages);
}

#[tokio::test]
async fn three_pages_stream_every_lead_once() {
    let replay = replay("three_pages").await;
    let connector = oauth(&replay);
    let query = request("limit=2").query;
    let leads: Vec<_> = stream_leads(&connector, &query)
        .try_collect()
        .await
        .unwrap();
    replay.verify().await;
    let ids: Vec<_> = leads.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids.len(), 5);
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 5);
}

#[tokio::test]
async fn remote_data_is_the_record_byte_for_byte() {
    let scenario = Scenario::load(fixture_path("pipedrive", "three_pages")).unwrap();
    let replay = crm_testkit::replay(&scenario).await;
    let connector = oauth(&replay);
    let query = request("limit=2").query;
    let leads: Vec<_> = stream_leads(&connector, &query)
        .try_collect()
        .await
        .unwrap();
    replay.verify().await;

    #[derive(serde::Deserialize)]
    struct Body {
        data: Vec<Box<RawValue>>,
    }
    let served: Vec<String> = scenario
        .exchanges
        .iter()
        .flat_map(|ex| {
            let body = ex.response.body.as_ref().expect("a JSON body");
            serde_json::from_str::<Body>(body.get()).unwrap().data
        })
        .map(|record| record.get().to_owned())
        .collect();
    let kept: Vec<&str> = leads
        .iter()
        .map(|lead| lead.remote_data.as_ref().expect("remote_data").get())
        .collect();
    assert_eq!(kept, served);
    // The big integer and the 40-hex custom field are in remote_data, and only there.
    assert!(kept[1].contains("12345678901234567890"));
    assert!(kept[1].contains("9dc80c50d78a15643bfc4ca79d76156a73a1ca0e"));
    assert!(leads[1].custom_fields.is_none());
}

#[tokio::test]
async fn pagination_flat() {
    let replay = replay("pagination_flat").await;
    let pages = walk(&api_token(&replay), "limit=2&truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages).len(), 3);
    crm_testkit::assert_json_snapshot!("pagination_flat", pages);
}

#[tokio::test]
async fn pagination_nested_next_start() {
    let replay = replay("pagination_nested_next_start").await;
    let pages = walk(&api_token(&replay), "limit=3&truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages).len(), 3);
    crm_testkit::assert_json_snapshot!("pagination_nested_next_start", pages);
}

#[tokio::test]
async fn pagination_nested_without_next_start() {
    let replay = replay("pagination_nested_without_next_start").await;
    let pages = walk(&api_token(&replay), "limit=3&truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages).len(), 3);
    crm_testkit::assert_json_snapshot!("pagination_nested_without_next_start", pages);
}

#[tokio::test]
async fn pagination_absent() {
    let replay = replay("pagination_absent").await;
    let pages = walk(&api_token(&replay), "limit=2&truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 2);
    crm_testkit::assert_json_snapshot!("pagination_absent", pages);
}

#[tokio::test]
async fn empty_data_null() {
    let replay = replay("empty_data_null").await;
    let pages = walk(&api_token(&replay), "truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["response"]["result"], serde_json::json!([]));
    assert!(pages[0]["response"]["next_cursor"].is_null());
    crm_testkit::assert_json_snapshot!("empty_data_null", pages);
}

#[tokio::test]
async fn empty_data_array() {
    let replay = replay("empty_data_array").await;
    let pages = walk(&api_token(&replay), "truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
    crm_testkit::assert_json_snapshot!("empty_data_array", pages);
}

#[tokio::test]
async fn an_empty_page_with_more_to_come_keeps_a_cursor() {
    let replay = replay("empty_page_more_to_come").await;
    let pages = walk(&api_token(&replay), "limit=2&truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(pages[0]["response"]["result"], serde_json::json!([]));
    assert_eq!(
        pages[0]["response"]["next_cursor"],
        r#"[cursor {"start":2}]"#
    );
    crm_testkit::assert_json_snapshot!("empty_page_more_to_come", pages);
}

#[tokio::test]
async fn ignore_limit_sends_no_limit() {
    let replay = replay("ignore_limit").await;
    let pages = walk(&api_token(&replay), "truto_ignore_limit=true&limit=7")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages).len(), 2);
}

#[tokio::test]
async fn altered_or_reused_cursors_are_refused_without_a_request() {
    let replay = replay("cursor_misuse").await;
    let connector = api_token(&replay);
    let (_, next) = page(&connector, &request("limit=2")).await.unwrap();
    let cursor = next.expect("more to come");

    let mut altered = cursor.clone().into_bytes();
    altered[4] = if altered[4] == b'A' { b'B' } else { b'A' };
    let mut bad = request("limit=2");
    bad.query.cursor = Some(String::from_utf8(altered).unwrap());
    let err = page(&connector, &bad).await.unwrap_err();
    assert!(matches!(err, Error::InvalidCursor(_)), "{err}");

    let mut other_filters = request("limit=2&owner[id]=10001");
    other_filters.query.cursor = Some(cursor.clone());
    let err = page(&connector, &other_filters).await.unwrap_err();
    assert!(
        err.to_string().contains("different set of filters"),
        "{err}"
    );

    // A validly signed cursor whose state is not a Pipedrive position.
    let query = request("limit=2").query;
    let binding = crm_core::cursor::CursorBinding {
        provider: crm_pipedrive::PROVIDER,
        account: ACCOUNT,
        fingerprint: query.fingerprint(),
    };
    for state in [
        serde_json::json!({"start": -5}),
        serde_json::json!({"start": 1_000_000_000_u64}),
        serde_json::json!({"start": 2, "filter_id": 9}),
        serde_json::json!("2"),
    ] {
        let mut forged = request("limit=2");
        forged.query.cursor = Some(codec().encode(&binding, &state));
        let err = page(&connector, &forged).await.unwrap_err();
        assert!(matches!(err, Error::InvalidCursor(_)), "{state}: {err}");
    }
    replay.verify().await;
}

#[tokio::test]
async fn a_record_that_does_not_fit_fails_the_page() {
    let replay = replay("bad_record").await;
    let err = page(&api_token(&replay), &request("")).await.unwrap_err();
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("bad_record", error_view(&err));
}
