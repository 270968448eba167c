//! The recording proxy: forwards faithfully, rewrites the upstream origin to its own, records
//! every exchange in memory, and reports an unreachable upstream instead of inventing an answer.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::proxy::RecordingProxy;

#[tokio::test]
async fn forwards_rewrites_the_origin_and_records() {
    let upstream = MockServer::start().await;
    let origin = upstream.uri();
    Mock::given(method("POST"))
        .and(path("/api/v1/leads/search"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("location", format!("{origin}/api/v1/leads/7").as_str())
                .insert_header("x-ratelimit-remaining", "9")
                .set_body_raw(
                    format!(
                        r#"{{"next":"{origin}/api/v1/leads?page=2","big":12345678901234567890123}}"#
                    ),
                    "application/json",
                ),
        )
        .mount(&upstream)
        .await;

    let proxy = RecordingProxy::start(&format!("{origin}/api"))
        .await
        .unwrap();
    assert!(proxy.base_url().ends_with("/api"));
    assert_eq!(proxy.upstream_origin(), origin);
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/v1/leads/search?a=1&b=x%20y&c=a+b&d=%26",
            proxy.base_url()
        ))
        .header("authorization", "Bearer secret-token-123")
        .header("accept-encoding", "gzip")
        .body(r#"{"page_number":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let body = answer.text().await.unwrap();
    assert_eq!(location, format!("{}/api/v1/leads/7", proxy.origin()));
    assert_eq!(
        body,
        format!(
            r#"{{"next":"{}/api/v1/leads?page=2","big":12345678901234567890123}}"#,
            proxy.origin()
        )
    );

    // What reached the provider: the same request, minus hop-by-hop headers.
    let received = upstream.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.query(), Some("a=1&b=x%20y&c=a+b&d=%26"));
    assert_eq!(
        received[0].headers["authorization"],
        "Bearer secret-token-123"
    );
    assert!(!received[0].headers.contains_key("accept-encoding"));
    assert_eq!(received[0].body, br#"{"page_number":1}"#);

    // What was recorded (in memory only; scrubbing comes next).
    let recorded = proxy.take();
    assert_eq!(recorded.len(), 1);
    let exchange = &recorded[0];
    assert_eq!(exchange.method, "POST");
    assert_eq!(exchange.path, "/api/v1/leads/search");
    let pairs: Vec<(&str, &str)> = exchange
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(pairs, [("a", "1"), ("b", "x y"), ("c", "a b"), ("d", "&")]);
    assert_eq!(exchange.status, 201);
    assert_eq!(exchange.request_body, br#"{"page_number":1}"#);
    assert!(String::from_utf8_lossy(&exchange.response_body).contains(proxy.origin()));
    assert!(exchange
        .response_headers
        .iter()
        .any(|(k, v)| k == "x-ratelimit-remaining" && v == "9"));
    assert!(proxy.take().is_empty(), "take empties the log");
    assert!(proxy.take_failures().is_empty());
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_reported_failure_not_a_recording() {
    // Bind and drop a listener to get a loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = RecordingProxy::start(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    let answer = reqwest::get(format!("{}/v1/leads", proxy.base_url()))
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 502);
    assert!(proxy.take().is_empty());
    let failures = proxy.take_failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("cannot reach"), "{failures:?}");
    assert!(RecordingProxy::start("not a url").await.is_err());
    assert!(RecordingProxy::start("ftp://example.com").await.is_err());
}
