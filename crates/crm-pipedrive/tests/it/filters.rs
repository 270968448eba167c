//! Filter translation: each id filter alone and combined, bad values refused before any request,
//! unsupported filters refused by capabilities, and `remote_query`.

use crate::support::{api_token, page, replay, walk};
use crm_core::Error;
use serde_json::{json, Value};

#[tokio::test]
async fn owner_alone() {
    let replay = replay("filter_owner").await;
    let pages = walk(
        &api_token(&replay),
        "owner[id]=10001&truto_ignore_remote_data=true",
    )
    .await
    .unwrap();
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("filter_owner", pages);
}

#[tokio::test]
async fn contact_alone() {
    let replay = replay("filter_contact").await;
    let pages = walk(
        &api_token(&replay),
        "contact%5Bid%5D=20002&truto_ignore_remote_data=true",
    )
    .await
    .unwrap();
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("filter_contact", pages);
}

#[tokio::test]
async fn organization_alone_in_its_bare_form() {
    let replay = replay("filter_organization").await;
    let pages = walk(
        &api_token(&replay),
        "organization=30001&truto_ignore_remote_data=true",
    )
    .await
    .unwrap();
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("filter_organization", pages);
}

#[tokio::test]
async fn all_three_combined_on_every_page() {
    let replay = replay("filters_combined").await;
    let pages = walk(
        &api_token(&replay),
        "owner[id]=10001&contact[id]=20002&organization[id]=30001&limit=1&truto_ignore_remote_data=true",
    )
    .await
    .unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 2);
    crm_testkit::assert_json_snapshot!("filters_combined", pages);
}

/// Runs `query` against a replay with no exchanges and returns the error it must give.
async fn refused(connector: &crm_pipedrive::PipedriveConnector, query: &str) -> Error {
    let request = crm_core::ListRequest::from_query_string(query);
    match request {
        Err(e) => e,
        Ok(request) => page(connector, &request)
            .await
            .err()
            .unwrap_or_else(|| panic!("{query:?} was accepted")),
    }
}

#[tokio::test]
async fn bad_id_values_are_refused_before_any_request() {
    let replay = replay("filter_bad_id").await;
    let connector = api_token(&replay);
    let values = [
        "abc",
        "12abc",
        "0",
        "-1",
        "%2B1",
        "1.5",
        "1%20OR%201%3D1",
        "1%26owner_id%3D2",
        "1%23x",
        "1,2",
        "(1)",
        "%271%27",
        "%221%22",
        "1%5C",
        "%EF%BC%91",
        "99999999999999999999",
    ];
    let mut seen: Vec<Value> = Vec::new();
    for param in [
        "owner[id]",
        "contact[id]",
        "organization[id]",
        "organization",
    ] {
        for value in values {
            let err = refused(&connector, &format!("{param}={value}")).await;
            assert_eq!(err.http_status(), 400, "{param}={value}: {err}");
            assert!(matches!(err, Error::InvalidParameter { .. }), "{err}");
        }
        let err = refused(&connector, &format!("{param}=x")).await;
        seen.push(json!({"query": format!("{param}=x"), "error": err.to_string()}));
    }
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("filter_bad_id", seen);
}

#[tokio::test]
async fn unsupported_filters_are_refused_before_any_request() {
    let replay = replay("filter_bad_id").await;
    let connector = api_token(&replay);
    let mut seen: Vec<Value> = Vec::new();
    for query in [
        "name=Example",
        "account[id]=1",
        "country=DE",
        "state=CA",
        "lead_source=API",
        "created_at[gte]=2024-01-01T00:00:00Z",
        "updated_at=2024-01-01",
        "converted_at[lt]=2024-01-01",
        "email_addresses[]=a@example.com",
        "include_custom_fields=true",
        "custom_fields[x]=1",
    ] {
        let err = refused(&connector, query).await;
        assert!(
            matches!(err, Error::UnsupportedFilter { .. }),
            "{query}: {err}"
        );
        seen.push(json!({"query": query, "error": err.to_string()}));
    }
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("unsupported_filters", seen);
}

#[tokio::test]
async fn remote_query_is_passed_untransformed() {
    let replay = replay("remote_query_passthrough").await;
    let pages = walk(
        &api_token(&replay),
        "remote_query[sort]=update_time%20DESC&remote_query[updated_since]=2024-01-01T00:00:00Z",
    )
    .await
    .unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
}

#[tokio::test]
async fn remote_query_cannot_override_paging_auth_or_filters() {
    let replay = replay("remote_query_refused").await;
    let connector = api_token(&replay);
    let mut seen: Vec<Value> = Vec::new();
    for key in [
        "limit",
        "start",
        "owner_id",
        "person_id",
        "organization_id",
        "filter_id",
        "api_token",
        "access_token",
        "Limit",
    ] {
        let query = format!("remote_query[{key}]=5");
        let err = refused(&connector, &query).await;
        assert_eq!(err.http_status(), 400, "{query}: {err}");
        seen.push(json!({"query": query, "error": err.to_string()}));
    }
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("remote_query_refused", seen);
}
