//! Page enrichment: person fields from one batch persons call per page, recorded scenarios.

use crate::support::{page, replay, request, with_persons};
use crm_core::{Error, ResponseFormat};

#[tokio::test]
async fn one_persons_call_fills_the_page() {
    let replay = replay("persons_enrichment").await;
    let connector = with_persons(&replay);
    let (view, next) = page(
        &connector,
        &request("limit=5&truto_ignore_remote_data=true"),
    )
    .await
    .unwrap();
    // Every exchange used exactly once: the leads call and one persons call for three ids.
    replay.verify().await;
    assert!(next.is_none());
    let leads = view["response"]["result"].as_array().unwrap();
    assert_eq!(leads[0]["first_name"], "Zoë");
    assert_eq!(
        leads[3]["last_name"], "Example",
        "a shared person fills both leads"
    );
    assert_eq!(leads[2]["email_addresses"], serde_json::json!([]));
    assert!(
        leads[4]["first_name"].is_null(),
        "a person Pipedrive no longer has"
    );
    crm_testkit::assert_json_snapshot!("persons_enrichment", view);
}

#[tokio::test]
async fn the_raw_format_makes_no_persons_call() {
    let replay = replay("persons_raw_format").await;
    let connector = with_persons(&replay);
    let codec = crate::support::codec();
    let ctx = crm_core::ListContext {
        account_id: crate::support::ACCOUNT,
        codec: &codec,
    };
    let q = request("limit=5").query;
    let listed = crm_core::list_page(&connector, ctx, &q, ResponseFormat::Raw)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 5);
    // The scenario records the leads call only: a persons call would be unexpected.
    replay.verify().await;
}

#[tokio::test]
async fn a_refused_persons_call_fails_the_page() {
    let replay = replay("persons_forbidden").await;
    let err = page(&with_persons(&replay), &request("limit=5"))
        .await
        .unwrap_err();
    replay.verify().await;
    assert!(matches!(err, Error::Forbidden { .. }), "{err}");
    assert!(
        err.to_string().contains("permissions to access persons"),
        "{err}"
    );
}
