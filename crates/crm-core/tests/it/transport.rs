use async_trait::async_trait;
use crm_core::transport::{
    classify_status, Credentials, HttpClient, HttpResponse, Request, StaticCredentials,
};
use crm_core::{Error, RateLimit};
use http::{HeaderName, HeaderValue};
use secrecy::SecretString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{header, method, path, query_param};
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

fn bearer(token: &str) -> Arc<StaticCredentials> {
    Arc::new(
        StaticCredentials::authorization("Bearer", &SecretString::from(token.to_owned())).unwrap(),
    )
}

#[tokio::test]
async fn sends_auth_and_encodes_query_values() {
    let server = MockServer::start().await;
    let hostile = "a&b=c#d e+f%20'\"é";
    Mock::given(method("GET"))
        .and(path("/api/v1/leads"))
        .and(query_param("owner_id", hostile))
        .and(header("authorization", "Bearer sekrit-token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"ok\":true}"))
        .expect(1)
        .mount(&server)
        .await;
    let client = HttpClient::new(
        crate::fake::FAKE,
        &format!("{}/", server.uri()),
        bearer("sekrit-token"),
    )
    .unwrap();
    let resp = client
        .send(
            &Request::get("/api/v1/leads").query("owner_id", hostile),
            &classify,
        )
        .await
        .unwrap();
    assert_eq!(&resp.body[..], b"{\"ok\":true}");
}

#[tokio::test]
async fn error_statuses_are_classified_with_rate_limit_hints() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_string("slow down"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(path("/broken"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>"))
        .mount(&server)
        .await;
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), bearer("t")).unwrap();

    let err = client
        .send(&Request::get("/limited"), &classify)
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.http_status(), 429);
    assert_eq!(err.remote().unwrap().body, "slow down");

    let err = client
        .send(&Request::get("/missing"), &classify)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));

    let err = client
        .send(&Request::get("/broken"), &classify)
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), 502);
    assert!(err.is_retryable());
}

#[derive(Debug)]
struct Refreshing {
    token: std::sync::Mutex<String>,
    refreshes: AtomicUsize,
    can_refresh: bool,
}

#[async_trait]
impl Credentials for Refreshing {
    async fn headers(&self) -> crm_core::Result<Vec<(HeaderName, HeaderValue)>> {
        let token = self.token.lock().unwrap().clone();
        Ok(vec![(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        )])
    }

    async fn refresh(&self, _rejected: &[(HeaderName, HeaderValue)]) -> crm_core::Result<bool> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        *self.token.lock().unwrap() = "fresh".into();
        Ok(self.can_refresh)
    }
}

#[tokio::test]
async fn a_401_refreshes_once_then_resends() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer stale"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let creds = Arc::new(Refreshing {
        token: "stale".to_owned().into(),
        refreshes: AtomicUsize::new(0),
        can_refresh: true,
    });
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), creds.clone()).unwrap();
    client.send(&Request::get("/q"), &classify).await.unwrap();
    assert_eq!(creds.refreshes.load(Ordering::SeqCst), 1);

    // A refresh that does not help is tried once, then the 401 is reported.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let creds = Arc::new(Refreshing {
        token: "stale".to_owned().into(),
        refreshes: AtomicUsize::new(0),
        can_refresh: true,
    });
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), creds.clone()).unwrap();
    let err = client
        .send(&Request::get("/q"), &classify)
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(creds.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn timeouts_and_unreachable_hosts_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), bearer("t"))
        .unwrap()
        .with_timeout(Duration::from_millis(50));
    let err = client
        .send(&Request::get("/slow"), &classify)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert_eq!(err.http_status(), 504);

    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client =
        HttpClient::new(crate::fake::FAKE, &format!("http://{addr}"), bearer("t")).unwrap();
    let err = client
        .send(&Request::get("/x?secret=1"), &classify)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(
        !err.to_string().contains("secret"),
        "no URL in errors: {err}"
    );
}

#[tokio::test]
async fn credentials_never_leave_the_account_origin_or_show_in_debug() {
    let server = MockServer::start().await;
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), bearer("top-secret")).unwrap();
    let err = client
        .send(&Request::get("https://evil.example.com/steal"), &classify)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
    let debug = format!("{client:?}");
    assert!(!debug.contains("top-secret"), "{debug}");
    assert!(HttpClient::new(crate::fake::FAKE, "not a url", bearer("t")).is_err());
    assert!(HttpClient::new(crate::fake::FAKE, "ftp://x", bearer("t")).is_err());
}
