//! OAuth refresh: once on 401, before expiry, single-flight under concurrency, new base URL,
//! refused refresh tokens.

use async_trait::async_trait;
use chrono::Utc;
use crm_core::transport::{
    classify_status, ClientAuthStyle, HttpClient, HttpResponse, OAuthCredentials, OAuthSettings,
    Request, TokenSet, TokenSink,
};
use crm_core::{Error, RateLimit};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, Mutex};
use wiremock::matchers::{body_string_contains, header, method, path};
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

fn settings(server: &MockServer) -> OAuthSettings {
    OAuthSettings {
        provider: crate::fake::FAKE,
        token_url: format!("{}/services/oauth2/token", server.uri()),
        client_id: "client".into(),
        client_secret: SecretString::from("client-secret".to_owned()),
        style: ClientAuthStyle::FormBody,
        scheme: "Bearer",
        base_url_field: Some("instance_url"),
    }
}

fn tokens(access: &str, expires_in_secs: Option<i64>) -> TokenSet {
    TokenSet {
        access_token: SecretString::from(access.to_owned()),
        refresh_token: Some(SecretString::from("refresh-1".to_owned())),
        expires_at: expires_in_secs.map(|s| Utc::now() + chrono::Duration::seconds(s)),
        base_url: None,
    }
}

#[derive(Default)]
struct Sink(Mutex<Vec<String>>);

#[async_trait]
impl TokenSink for Sink {
    async fn save(&self, tokens: &TokenSet) -> crm_core::Result<()> {
        self.0
            .lock()
            .unwrap()
            .push(tokens.access_token.expose_secret().to_owned());
        Ok(())
    }
}

async fn token_endpoint(server: &MockServer, instance_url: &str) {
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=refresh-1"))
        .and(body_string_contains("client_secret=client-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "fresh", "instance_url": instance_url, "token_type": "Bearer"
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn fifty_concurrent_401s_cause_exactly_one_refresh() {
    let server = MockServer::start().await;
    token_endpoint(&server, &server.uri()).await;
    Mock::given(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer stale"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;

    let sink = Arc::new(Sink::default());
    let creds = Arc::new(
        OAuthCredentials::new(settings(&server), tokens("stale", None)).with_sink(sink.clone()),
    );
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), creds.clone()).unwrap();
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .send(&Request::get("/services/data/v62.0/query"), &classify)
                .await
        })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(creds.refresh_count(), 1);
    assert_eq!(*sink.0.lock().unwrap(), ["fresh"]);
}

#[tokio::test]
async fn refreshes_before_expiry_and_follows_a_new_instance_url() {
    let server = MockServer::start().await;
    let moved = MockServer::start().await;
    token_endpoint(&server, &moved.uri()).await;
    Mock::given(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_string("moved"))
        .expect(1)
        .mount(&moved)
        .await;
    let creds = Arc::new(OAuthCredentials::new(
        settings(&server),
        tokens("about-to-expire", Some(30)),
    ));
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), creds.clone()).unwrap();
    let resp = client.send(&Request::get("/q"), &classify).await.unwrap();
    assert_eq!(&resp.body[..], b"moved");
    assert_eq!(creds.refresh_count(), 1);
    assert_eq!(client.base_url(), moved.uri());
}

#[tokio::test]
async fn a_revoked_refresh_token_says_reconnect() {
    let server = MockServer::start().await;
    Mock::given(path("/services/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_grant", "error_description": "expired access/refresh token"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let creds = Arc::new(OAuthCredentials::new(
        settings(&server),
        tokens("stale", None),
    ));
    let client = HttpClient::new(crate::fake::FAKE, &server.uri(), creds.clone()).unwrap();
    let err = client
        .send(&Request::get("/q"), &classify)
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("invalid_grant: expired access/refresh token")
            && msg.contains("reconnect this account"),
        "{msg}"
    );
    assert!(!format!("{creds:?}").contains("client-secret"));
}
