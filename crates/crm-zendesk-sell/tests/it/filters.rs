//! Filters: each supported one with awkward values, sent as percent-encoded query pairs; the
//! unsupported ones refused before any request.

use crate::support::{error_view, leads_only, page, replay, request, walk, with_sources};
use crm_core::Error;

fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

const HOSTILE: &str = "D'Arcy\n\"Q\" (x), & #1 100%\\ Ærø";

#[tokio::test]
async fn owner_is_sent_as_a_canonical_integer() {
    let replay = replay("filter_owner").await;
    let pages = walk(&leads_only(&replay), "owner[id]=0042").await.unwrap();
    replay.verify().await;
    assert_eq!(pages[0]["response"]["result"][0]["owner"]["id"], "42");
    crm_testkit::assert_json_snapshot!("filter_owner", pages);
}

#[tokio::test]
async fn name_parts_keep_every_awkward_character() {
    let replay = replay("filter_name_hostile").await;
    walk(&leads_only(&replay), &format!("name={}", enc(HOSTILE)))
        .await
        .unwrap();
    replay.verify().await;
}

#[tokio::test]
async fn one_word_is_the_last_name() {
    let replay = replay("filter_name_one_word").await;
    walk(&leads_only(&replay), "name=O%27Brien").await.unwrap();
    replay.verify().await;
}

#[tokio::test]
async fn country_goes_out_as_written() {
    let replay = replay("filter_country_hostile").await;
    walk(&leads_only(&replay), &format!("country={}", enc(HOSTILE)))
        .await
        .unwrap();
    replay.verify().await;
}

#[tokio::test]
async fn custom_field_filter_and_values() {
    let replay = replay("filter_custom_fields_hostile").await;
    let query = format!(
        "include_custom_fields=true&custom_fields[{}]={}&truto_ignore_remote_data=true",
        enc("Legacy ref & #1"),
        enc(HOSTILE)
    );
    let pages = walk(&leads_only(&replay), &query).await.unwrap();
    replay.verify().await;
    let custom = &pages[0]["response"]["result"][0]["custom_fields"];
    assert_eq!(custom["Legacy ref & #1"], HOSTILE);
    assert_eq!(custom["Flags"], serde_json::json!(["a", "b"]));
    crm_testkit::assert_json_snapshot!("filter_custom_fields_hostile", pages);
}

#[tokio::test]
async fn lead_source_name_becomes_its_id() {
    let replay = replay("filter_lead_source").await;
    let name = "Trade Show & \"Expo\", #1";
    let pages = walk(
        &with_sources(&replay),
        &format!("lead_source={}", enc(name)),
    )
    .await
    .unwrap();
    replay.verify().await;
    assert_eq!(pages[0]["response"]["result"][0]["lead_source"], name);
}

#[tokio::test]
async fn an_unknown_lead_source_makes_no_leads_call() {
    let replay = replay("filter_lead_source_unknown").await;
    let pages = walk(&with_sources(&replay), "lead_source=Nowhere")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(pages[0]["response"]["result"], serde_json::json!([]));
    assert!(pages[0]["response"]["next_cursor"].is_null());
}

async fn refused(query: &str) -> Error {
    let replay = replay("no_request").await;
    let connector = leads_only(&replay);
    let result = match crm_core::ListRequest::from_query_string(query) {
        Err(e) => e,
        Ok(request) => page(&connector, &request)
            .await
            .err()
            .unwrap_or_else(|| panic!("{query:?} was accepted")),
    };
    result
}

#[tokio::test]
async fn unsupported_filters_are_refused_before_any_request() {
    let mut views = Vec::new();
    for query in [
        "created_at[gte]=2024-01-01T00:00:00Z",
        "updated_at=2024-01-01",
        "converted_at[lt]=2024-01-01",
        "email_addresses[]=a%40example.com",
        "state=IL",
        "contact[id]=1",
        "account[id]=1",
        "owner[id]=1%262",
        "custom_fields[a%5Db]=1",
        "remote_query[page]=2",
        "remote_query[sort_by]=updated_at",
        "remote_query[address[city]]=x",
    ] {
        let err = refused(query).await;
        assert_eq!(err.http_status(), 400, "{query}");
        views.push(serde_json::json!({"query": query, "error": error_view(&err)}));
    }
    let date = refused("created_at[gte]=2024-01-01T00:00:00Z")
        .await
        .to_string();
    assert!(date.contains("Zendesk Sell"), "{date}");
    crm_testkit::assert_json_snapshot!("unsupported_filters", views);
}

#[tokio::test]
async fn no_request_reaches_the_provider_for_a_refused_filter() {
    let replay = replay("empty_result").await;
    let connector = leads_only(&replay);
    let _ = page(&connector, &request("state=IL")).await.unwrap_err();
    // The one recorded exchange is still unused: nothing was sent.
    let pages = walk(&connector, "").await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
}
