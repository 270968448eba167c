//! Each error class Insightly can answer with: plain-text and JSON bodies, statuses, Retry-After.

use crate::support::{connector, page, query, start};
use serde_json::{json, Value};

async fn error_of(name: &str) -> Value {
    let replay = start(name).await;
    let err = page(&connector(&replay.uri()), &query(""))
        .await
        .expect_err("the fixture answers an error");
    replay.verify().await;
    let remote = err.remote();
    json!({
        "http_status": err.http_status(),
        "message": err.to_string(),
        "is_remote": err.is_remote(),
        "retryable": err.is_retryable(),
        "retry_after_secs": err.retry_after().map(|d| d.as_secs()),
        "remote_status": remote.map(|r| r.status),
        "remote_body": remote.map(|r| r.body.clone()),
    })
}

#[tokio::test]
async fn unauthorized_plain_text() {
    let e = error_of("error_401").await;
    assert_eq!(e["http_status"], 401);
    assert_eq!(e["remote_body"], "Authentication failed");
    crm_testkit::assert_json_snapshot!("error_401", e);
}

#[tokio::test]
async fn forbidden_plain_text() {
    let e = error_of("error_403").await;
    assert_eq!(e["http_status"], 403);
    crm_testkit::assert_json_snapshot!("error_403", e);
}

#[tokio::test]
async fn not_found_plain_text() {
    let e = error_of("error_404").await;
    assert_eq!(e["http_status"], 404);
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("does not have access to Leads"));
    crm_testkit::assert_json_snapshot!("error_404", e);
}

#[tokio::test]
async fn rate_limited_keeps_retry_after() {
    let e = error_of("error_429").await;
    assert_eq!(e["http_status"], 429);
    assert_eq!(e["retry_after_secs"], 7);
    crm_testkit::assert_json_snapshot!("error_429", e);
}

#[tokio::test]
async fn json_client_error_passes_through() {
    let e = error_of("error_400_json").await;
    assert_eq!(e["http_status"], 400);
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("The request is invalid."));
    crm_testkit::assert_json_snapshot!("error_400_json", e);
}

#[tokio::test]
async fn server_errors_are_bad_gateways() {
    let e = error_of("error_500").await;
    assert_eq!(e["http_status"], 502);
    assert_eq!(e["remote_status"], 500);
    crm_testkit::assert_json_snapshot!("error_500", e);
    let e = error_of("error_503_text").await;
    assert_eq!(e["http_status"], 502);
    assert_eq!(e["retryable"], true);
    crm_testkit::assert_json_snapshot!("error_503_text", e);
}

#[tokio::test]
async fn non_json_error_body() {
    let e = error_of("error_502_html").await;
    assert_eq!(e["http_status"], 502);
    crm_testkit::assert_json_snapshot!("error_502_html", e);
}

#[tokio::test]
async fn truncated_success_body() {
    let e = error_of("error_200_truncated").await;
    assert_eq!(e["http_status"], 502);
    crm_testkit::assert_json_snapshot!("error_200_truncated", e);
}

#[tokio::test]
async fn a_record_that_does_not_fit_fails_the_page() {
    let e = error_of("error_record_misfit").await;
    assert_eq!(e["http_status"], 502);
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("88000053") && message.contains("DATE_CREATED_UTC"),
        "{message}"
    );
    crm_testkit::assert_json_snapshot!("error_record_misfit", e);
}

/// With core's default retries a 429 with a short Retry-After is retried after that wait; the
/// fixture answers once, so the retry meets the replay's catch-all and the test shows the wait was
/// honoured by the error it returns.
#[tokio::test]
async fn retry_after_is_reported_to_the_caller() {
    let replay = start("error_429").await;
    let err = page(&connector(&replay.uri()), &query(""))
        .await
        .unwrap_err();
    replay.verify().await;
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
}
