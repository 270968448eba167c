//! Retries, Retry-After and the request limiter, through the real HttpClient.

use crm_core::transport::{
    classify_status, HttpClient, HttpResponse, Request, RequestLimiter, RetryPolicy,
    StaticCredentials, TransportOptions,
};
use crm_core::{Error, RateLimit};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn classify(resp: &HttpResponse) -> Error {
    classify_status(
        crate::fake::FAKE,
        resp,
        format!("status {}", resp.status),
        None,
        RateLimit::default(),
    )
}

fn client(server: &MockServer, options: TransportOptions) -> HttpClient {
    let creds = Arc::new(
        StaticCredentials::authorization("Bearer", &SecretString::from("t".to_owned())).unwrap(),
    );
    HttpClient::new(crate::fake::FAKE, &server.uri(), creds)
        .unwrap()
        .with_options(&options)
}

fn fast_retries(attempts: u32) -> TransportOptions {
    TransportOptions {
        retry: Some(RetryPolicy {
            max_attempts: attempts,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(2),
            deadline: Duration::from_secs(5),
        }),
        ..TransportOptions::default()
    }
}

#[tokio::test]
async fn bursts_of_503_and_429_are_absorbed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let c = client(&server, fast_retries(4));
    let resp = c.send(&Request::get("/x"), &classify).await.unwrap();
    assert_eq!(&resp.body[..], b"ok");
    assert_eq!(c.stats().retries(), 3);
    assert_eq!(c.stats().requests(), 4);
}

#[tokio::test]
async fn gives_up_after_the_budget_with_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let c = client(&server, fast_retries(3));
    let err = c.send(&Request::get("/x"), &classify).await.unwrap_err();
    assert_eq!(err.http_status(), 502);
    assert_eq!(c.stats().requests(), 3);
}

#[tokio::test]
async fn never_retries_client_errors() {
    for status in [400u16, 401, 403, 404, 500] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let c = client(&server, fast_retries(4));
        c.send(&Request::get("/x"), &classify).await.unwrap_err();
        assert_eq!(c.stats().requests(), 1, "status {status}");
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_passed_on_not_waited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let c = client(&server, fast_retries(4));
    let err = c.send(&Request::get("/x"), &classify).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    // Passed on at once: one request, no retry waited for.
    assert_eq!(c.stats().requests(), 1);
    assert_eq!(c.stats().retries(), 0);
}

#[tokio::test]
async fn the_limiter_paces_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let limiter = Arc::new(RequestLimiter::unlimited().with_rate(4, Duration::from_millis(200)));
    let c = client(
        &server,
        TransportOptions {
            limiter: Some(limiter),
            ..TransportOptions::default()
        },
    );
    let started = Instant::now();
    for _ in 0..8 {
        c.send(&Request::get("/x"), &classify).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

fn read_usage(resp: &HttpResponse) -> Option<crm_core::transport::Usage> {
    let (used, max) = resp.header("x-usage")?.split_once('/')?;
    Some(crm_core::transport::Usage {
        used: used.parse().ok()?,
        max: max.parse().ok()?,
    })
}

#[tokio::test]
async fn a_used_up_usage_budget_fails_fast_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-usage", "5/5"))
        .mount(&server)
        .await;
    let limiter = Arc::new(RequestLimiter::unlimited().with_usage_budget(
        read_usage,
        "the daily budget",
        Duration::from_secs(3600),
    ));
    let c = client(
        &server,
        TransportOptions {
            limiter: Some(limiter.clone()),
            ..fast_retries(3)
        },
    );
    c.send(&Request::get("/x"), &classify).await.unwrap();
    let err = c.send(&Request::get("/x"), &classify).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert!(err
        .to_string()
        .contains("the daily budget is used up (5 of 5"));
    assert_eq!(c.stats().requests(), 1, "the second call sent nothing");
    assert_eq!(c.stats().retries(), 0);
    assert_eq!(
        limiter.exhausted_usage(),
        Some(crm_core::transport::Usage { used: 5, max: 5 })
    );
}

/// A URL the caller's input made too long is refused before anything is sent: no retry, no
/// request, and no share of the limiter's budget.
#[tokio::test]
async fn an_overlong_url_is_the_callers_400_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    // One request per hour: had the refused request taken the permit, the next one would wait.
    let limiter = Arc::new(RequestLimiter::unlimited().with_rate(1, Duration::from_secs(3600)));
    let client = client(
        &server,
        TransportOptions {
            limiter: Some(limiter),
            ..fast_retries(5)
        },
    );
    let long = "'".repeat(25_000);
    let err = client
        .send(&Request::get("/leads").query("q", long), &classify)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RequestTooLarge { limit, .. } if limit == crm_core::transport::MAX_URL_BYTES),
        "{err}"
    );
    assert_eq!(err.http_status(), 400);
    assert!(!err.is_remote() && !err.is_retryable());
    assert_eq!(client.stats().requests(), 0);
    assert_eq!(client.stats().retries(), 0);
    let ok = tokio::time::timeout(
        Duration::from_secs(30),
        client.send(&Request::get("/leads"), &classify),
    )
    .await
    .expect("the limiter's one permit is still there");
    assert_eq!(&ok.unwrap().body[..], b"ok");
}
