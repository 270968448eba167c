//! Each error class Copper can answer with, from recorded bodies.

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
async fn unauthorized() {
    let e = error_of("error_401").await;
    assert_eq!(e["http_status"], 401);
    crm_testkit::assert_json_snapshot!("error_401", e);
}

#[tokio::test]
async fn forbidden() {
    let e = error_of("error_403").await;
    assert_eq!(e["http_status"], 403);
    crm_testkit::assert_json_snapshot!("error_403", e);
}

#[tokio::test]
async fn not_found() {
    let e = error_of("error_404").await;
    assert_eq!(e["http_status"], 404);
    crm_testkit::assert_json_snapshot!("error_404", e);
}

#[tokio::test]
async fn rate_limited_without_retry_after_gets_a_hint() {
    let e = error_of("error_429").await;
    assert_eq!(e["http_status"], 429);
    assert_eq!(e["retry_after_secs"], 60);
    crm_testkit::assert_json_snapshot!("error_429", e);
}

#[tokio::test]
async fn other_client_errors_pass_through() {
    let e = error_of("error_422").await;
    assert_eq!(e["http_status"], 422);
    crm_testkit::assert_json_snapshot!("error_422", e);
}

#[tokio::test]
async fn server_error_is_a_bad_gateway() {
    let e = error_of("error_500").await;
    assert_eq!(e["http_status"], 502);
    assert_eq!(e["remote_status"], 500);
    crm_testkit::assert_json_snapshot!("error_500", e);
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
        message.contains("71000102") && message.contains("date_created"),
        "{message}"
    );
    crm_testkit::assert_json_snapshot!("error_record_misfit", e);
}

/// With core's default retry policy a 429 is still sent once: the 60 s hint is longer than the
/// policy waits, so the caller gets the error and the hint instead of retries into a full window.
#[tokio::test]
async fn rate_limit_is_not_retried_blindly_with_default_retries() {
    use crm_copper::{Config, CopperConnector};
    use crm_core::transport::TransportOptions;

    let replay = start("error_429").await;
    let config =
        Config::new("test-access-token", "test-user@example.com").with_base_url(replay.uri());
    let connector = CopperConnector::with_options(config, &TransportOptions::default()).unwrap();
    let err = page(&connector, &query("")).await.unwrap_err();
    replay.verify().await;
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(60)));
}
