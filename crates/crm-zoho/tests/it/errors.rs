//! Each error class, from a recorded Zoho answer to the error the endpoint returns.

use crate::support::*;
use crm_core::{Error, LeadQuery};

async fn error_of(fixture: &str, query: LeadQuery) -> Error {
    let replay = start(fixture).await;
    let zoho = connector(config(&replay.uri()));
    let err = list(&zoho, &query)
        .await
        .expect_err("the scenario is an error");
    replay.verify().await;
    err
}

/// Runs the fixture, checks the class and our status, snapshots the error.
async fn check(fixture: &str, class: &str, status: u16) {
    check_with(fixture, LeadQuery::default(), class, status).await;
}

async fn check_with(fixture: &str, query: LeadQuery, class: &str, status: u16) {
    let err = error_of(fixture, query).await;
    let json = error_json(&err);
    assert_eq!(json["class"], class, "{fixture}: {err:?}");
    assert_eq!(err.http_status(), status, "{fixture}");
    assert!(
        !err.to_string().contains(TOKEN),
        "{fixture} leaks the token"
    );
    crm_testkit::assert_json_snapshot!(fixture, json);
}

#[tokio::test]
async fn invalid_token() {
    check("error_invalid_token", "Unauthorized", 401).await;
}

#[tokio::test]
async fn authentication_failure() {
    check("error_authentication_failure", "Unauthorized", 401).await;
}

#[tokio::test]
async fn oauth_scope_mismatch() {
    check("error_oauth_scope_mismatch", "Unauthorized", 401).await;
}

#[tokio::test]
async fn no_permission() {
    check("error_no_permission", "Forbidden", 403).await;
}

#[tokio::test]
async fn invalid_data() {
    let query = LeadQuery {
        remote_query: vec![("cvid".into(), "not-a-view".into())],
        ..LeadQuery::default()
    };
    check_with("error_invalid_data", query, "Remote", 400).await;
}

#[tokio::test]
async fn invalid_data_inside_a_data_array() {
    check("error_invalid_data_in_data_array", "Remote", 400).await;
}

#[tokio::test]
async fn required_param_missing() {
    check("error_required_param_missing", "Remote", 400).await;
}

#[tokio::test]
async fn limit_exceeded() {
    check("error_limit_exceeded", "Remote", 400).await;
}

#[tokio::test]
async fn discrete_pagination_limit_exceeded() {
    check("error_discrete_pagination_limit_exceeded", "Remote", 400).await;
}

#[tokio::test]
async fn rate_limit() {
    check("error_rate_limit", "RateLimited", 429).await;
}

#[tokio::test]
async fn server_error() {
    check("error_server_500", "Remote", 502).await;
}

#[tokio::test]
async fn body_that_is_not_json() {
    check("error_not_json", "Remote", 502).await;
}

#[tokio::test]
async fn truncated_success_body() {
    check("error_truncated_body", "InvalidResponse", 502).await;
}

#[tokio::test]
async fn page_without_more_records() {
    check("error_page_without_info", "InvalidResponse", 502).await;
}

#[tokio::test]
async fn an_error_object_sent_with_200_is_still_an_error() {
    let fields = "Owner,Lead_Source,Designation,First_Name,Last_Name,Street,City,State,Zip_Code,Country,Email,Secondary_Email,Phone,Mobile,Fax,Last_Activity_Time,Created_Time,Modified_Time";
    let scenario = crm_testkit::Scenario::from_json(&format!(
        r#"{{"provider": "zoho", "scenario": "inline_error_with_200", "source": "inline, synthetic",
            "exchanges": [{{
              "request": {{"method": "GET", "path": "/crm/v8/Leads",
                "query": [["fields", "{fields}"], ["converted", "both"], ["sort_by", "id"], ["sort_order", "asc"], ["per_page", "100"], ["page", "1"]]}},
              "response": {{"status": 200, "body": {{"code": "NO_PERMISSION", "details": {{}}, "message": "Permission denied", "status": "error"}}}}
            }}]}}"#
    ))
    .expect("inline scenario");
    let replay = crm_testkit::replay(&scenario).await;
    let zoho = connector(config(&replay.uri()));
    let err = list(&zoho, &LeadQuery::default())
        .await
        .expect_err("error object");
    replay.verify().await;
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}
