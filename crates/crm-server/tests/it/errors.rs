//! Every error class through the real router: the envelope, the status, the headers, and that no
//! caller mistake ever reaches the provider.

use crate::support::*;
use crm_core::{Error, RateLimit, RemoteResponse};
use insta::assert_json_snapshot;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;

fn envelope_ok(body: &Value, status: u16) {
    assert_eq!(body["statusCode"], status, "{body}");
    assert!(body["error"].is_string(), "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// Caller errors: (name, key, query after `?`, expected status).
fn caller_cases() -> Vec<(&'static str, Option<&'static str>, String, u16)> {
    let acme = |q: &str| format!("integrated_account_id={ACME_ACCOUNT}&{q}");
    vec![
        ("missing_api_key", None, acme("limit=1"), 401),
        ("wrong_api_key", Some("not-a-key"), acme("limit=1"), 401),
        ("missing_account_id", Some(ACME_KEY), "limit=1".into(), 400),
        (
            "bad_uuid",
            Some(ACME_KEY),
            "integrated_account_id=12345".into(),
            400,
        ),
        (
            "unknown_account",
            Some(ACME_KEY),
            "integrated_account_id=33333333-3333-4333-8333-333333333333".into(),
            404,
        ),
        (
            "other_tenants_account",
            Some(ACME_KEY),
            format!("integrated_account_id={GLOBEX_ACCOUNT}"),
            404,
        ),
        ("unsupported_filter", Some(ACME_KEY), acme("state=CA"), 400),
        (
            "unsupported_filter_nobody",
            Some(ACME_KEY),
            acme("account%5Bid%5D=9"),
            400,
        ),
        (
            "unknown_operator",
            Some(ACME_KEY),
            acme("created_at[between]=2024-01-01"),
            400,
        ),
        (
            "operator_not_supported_by_provider",
            Some(ACME_KEY),
            acme("created_at[gt]=2024-01-01T00:00:00Z"),
            400,
        ),
        (
            "bad_date",
            Some(ACME_KEY),
            acme("created_at[gte]=yesterday"),
            400,
        ),
        ("bad_limit_zero", Some(ACME_KEY), acme("limit=0"), 400),
        ("bad_limit_text", Some(ACME_KEY), acme("limit=ten"), 400),
        ("unknown_parameter", Some(ACME_KEY), acme("ownr[id]=1"), 400),
        (
            "bad_response_format",
            Some(ACME_KEY),
            acme("truto_response_format=xml"),
            400,
        ),
        (
            "garbage_cursor",
            Some(ACME_KEY),
            acme("next_cursor=undefined"),
            400,
        ),
        (
            "key_by_missing_field",
            Some(ACME_KEY),
            acme("truto_key_by=nope"),
            400,
        ),
        (
            "key_by_not_unique",
            Some(ACME_KEY),
            acme("truto_key_by=owner.id"),
            400,
        ),
    ]
}

#[tokio::test]
async fn caller_errors() {
    let app = TestApp::new().await;
    let mut seen = BTreeSet::new();
    for (name, key, query, status) in caller_cases() {
        let r = app.get(&format!("/unified/crm/leads?{query}"), key).await;
        assert_eq!(
            r.status,
            status,
            "{name}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let body = r.json();
        envelope_ok(&body, status);
        assert!(body.get("truto_is_remote_error").is_none(), "{name}");
        if status == 401 {
            assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        }
        seen.insert(status);
        assert_json_snapshot!(format!("error_{name}"), body);
    }
    // Key-by errors are found after the fetch; every other mistake before it.
    assert_eq!(
        app.acme.fetches(),
        2,
        "only the two key_by cases reached the provider"
    );
    assert_eq!(app.globex.fetches(), 0);
    check_statuses_documented(&app, &seen).await;
}

#[tokio::test]
async fn unsupported_filter_names_the_supporting_providers() {
    let app = TestApp::new().await;
    let body = app.leads("state=CA").await.json();
    assert_eq!(
        body["message"],
        "the filter `state` is not supported for Pipedrive accounts (it is supported by Salesforce); remove it from the request"
    );
}

#[tokio::test]
async fn unknown_and_foreign_accounts_look_the_same() {
    let app = TestApp::new().await;
    let foreign = app
        .get(
            &format!("/unified/crm/leads?integrated_account_id={GLOBEX_ACCOUNT}"),
            Some(ACME_KEY),
        )
        .await
        .json();
    let unknown = app
        .get(
            "/unified/crm/leads?integrated_account_id=33333333-3333-4333-8333-333333333333",
            Some(ACME_KEY),
        )
        .await
        .json();
    let strip = |v: &Value| {
        v["message"]
            .as_str()
            .unwrap()
            .replace(GLOBEX_ACCOUNT, "X")
            .replace("33333333-3333-4333-8333-333333333333", "X")
    };
    assert_eq!(strip(&foreign), strip(&unknown));
    // The owner sees it.
    let own = app
        .get(
            &format!("/unified/crm/leads?integrated_account_id={GLOBEX_ACCOUNT}"),
            Some(GLOBEX_KEY),
        )
        .await;
    assert_eq!(own.status, 200);
}

#[tokio::test]
async fn authorization_header_forms() {
    let app = TestApp::new().await;
    let uri = format!("/unified/crm/leads?integrated_account_id={ACME_ACCOUNT}&limit=1");
    for (value, status) in [
        (format!("Bearer {ACME_KEY}"), 200),
        (format!("bearer {ACME_KEY}"), 200),
        (format!("Basic {ACME_KEY}"), 401),
        (ACME_KEY.to_owned(), 401),
        ("Bearer ".to_owned(), 401),
    ] {
        let request = axum::http::Request::get(&uri)
            .header("authorization", value.as_str())
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(request).await.status, status, "{value}");
    }
}

#[tokio::test]
async fn cursors_altered_or_reused_elsewhere_are_refused_before_the_provider() {
    let app = TestApp::new().await;
    let first = app.leads("limit=2").await.json();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let fetches = app.acme.fetches();

    // One character of the payload changed.
    let mut bytes = cursor.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let r = app.leads(&format!("limit=2&next_cursor={tampered}")).await;
    assert_eq!(r.status, 400);
    let tampered_body = r.json();
    assert!(tampered_body["message"]
        .as_str()
        .unwrap()
        .contains("signature"));
    assert_json_snapshot!("error_tampered_cursor", tampered_body);

    // The same cursor with other filters.
    let r = app
        .leads(&format!("limit=2&owner[id]=o1&next_cursor={cursor}"))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("different set of filters"));

    // A globex cursor used on the acme account.
    let theirs = app
        .get(
            &format!("/unified/crm/leads?integrated_account_id={GLOBEX_ACCOUNT}&limit=1"),
            Some(GLOBEX_KEY),
        )
        .await
        .json();
    let theirs = theirs["next_cursor"].as_str().unwrap();
    let r = app.leads(&format!("limit=1&next_cursor={theirs}")).await;
    assert_eq!(r.status, 400);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("another integrated account"));

    // A cursor signed with another server's secret.
    let other = crm_core::CursorCodec::new(b"another-secret-0123456789".to_vec());
    let forged = other.encode(
        &crm_core::cursor::CursorBinding {
            provider: crm_pipedrive::PROVIDER,
            account: ACME_ACCOUNT,
            fingerprint: crm_core::LeadQuery::default().fingerprint(),
        },
        &json!({"offset": 2}),
    );
    let r = app.leads(&format!("next_cursor={forged}")).await;
    assert_eq!(r.status, 400);

    assert_eq!(
        app.acme.fetches(),
        fetches,
        "no cursor error reached the provider"
    );
    // The untouched cursor still works.
    assert_eq!(
        app.leads(&format!("limit=2&next_cursor={cursor}"))
            .await
            .status,
        200
    );
}

fn remote(status: u16, body: &str) -> Option<Box<RemoteResponse>> {
    Some(RemoteResponse::new(status, body.as_bytes(), None))
}

/// Provider failures, as the connectors report them: (name, error, expected status).
type MakeError = Box<dyn Fn() -> Error + Send + Sync>;

fn provider_cases() -> Vec<(&'static str, MakeError, u16)> {
    let p = crm_pipedrive::PROVIDER;
    vec![
        (
            "provider_401",
            Box::new(move || Error::Unauthorized {
                provider: p,
                message: "the API token is invalid".into(),
                remote: remote(
                    401,
                    r#"{"success":false,"error":"unauthorized access","errorCode":401}"#,
                ),
            }),
            401,
        ),
        (
            "provider_403",
            Box::new(move || Error::Forbidden {
                provider: p,
                message: "scope missing".into(),
                remote: remote(403, r#"{"success":false,"error":"Scope and URL mismatch"}"#),
            }),
            403,
        ),
        (
            "provider_429",
            Box::new(move || Error::RateLimited {
                provider: p,
                message: "too many requests".into(),
                retry_after: Some(Duration::from_secs(2)),
                limits: RateLimit {
                    limit: Some(80),
                    remaining: Some(0),
                    reset: Some(Duration::from_secs(2)),
                },
                remote: remote(429, r#"{"success":false,"error":"Rate limit exceeded"}"#),
            }),
            429,
        ),
        (
            "provider_429_without_figures",
            Box::new(move || Error::RateLimited {
                provider: p,
                message: "too many requests".into(),
                retry_after: None,
                limits: RateLimit::default(),
                remote: None,
            }),
            429,
        ),
        (
            "provider_400_passthrough",
            Box::new(move || Error::Remote {
                provider: p,
                message: "bad filter_id".into(),
                remote: RemoteResponse::new(
                    400,
                    br#"{"success":false,"error":"bad filter_id"}"#,
                    None,
                ),
            }),
            400,
        ),
        (
            "provider_404",
            Box::new(move || Error::NotFound {
                provider: p,
                message: "wrong base URL?".into(),
                remote: remote(404, "Not Found"),
            }),
            404,
        ),
        (
            "provider_503",
            Box::new(move || Error::Remote {
                provider: p,
                message: "service unavailable".into(),
                remote: RemoteResponse::new(503, b"<html>503 Service Unavailable</html>", None),
            }),
            502,
        ),
        (
            "provider_timeout",
            Box::new(move || Error::Timeout {
                provider: p,
                after: Duration::from_secs(30),
            }),
            504,
        ),
        (
            "provider_garbage",
            Box::new(move || Error::InvalidResponse {
                provider: p,
                message: "the body is not the expected JSON (expected value at line 1 column 1)"
                    .into(),
                remote: remote(200, "<!doctype html><p>maintenance"),
            }),
            502,
        ),
        (
            "provider_unreachable",
            Box::new(move || Error::Transport {
                provider: p,
                message: "error sending request: connection refused".into(),
            }),
            502,
        ),
    ]
}

#[tokio::test]
async fn provider_errors() {
    let mut seen = BTreeSet::new();
    for (name, make, status) in provider_cases() {
        let app = TestApp::new().await;
        app.acme.fail_with(make);
        let r = app.leads("limit=1").await;
        assert_eq!(r.status, status, "{name}");
        let body = r.json();
        envelope_ok(&body, status);
        assert_eq!(body["truto_is_remote_error"], true, "{name}");
        assert!(
            r.header("www-authenticate").is_none(),
            "{name}: the provider's 401 is not ours"
        );
        if status == 429 {
            let retry = r.header("retry-after").unwrap();
            assert!(retry == "2" || retry == "60", "{name}: {retry}");
            assert_eq!(r.header("ratelimit-remaining"), Some("0"));
            assert_eq!(r.header("ratelimit-reset"), Some(retry));
            if name == "provider_429" {
                assert_eq!(r.header("ratelimit-limit"), Some("80"));
            } else {
                assert!(r.header("ratelimit-limit").is_none());
            }
        }
        seen.insert(status);
        assert_json_snapshot!(format!("error_{name}"), body);
    }
    let app = TestApp::new().await;
    check_statuses_documented(&app, &seen).await;
}

#[tokio::test]
async fn server_request_timeout_is_a_504_envelope() {
    let fake = Fake::new(3);
    *fake.delay.lock().unwrap() = Some(Duration::from_secs(5));
    let app = TestApp::build(fake, |s| s.with_request_timeout(Duration::from_millis(100))).await;
    // The fake answers after 5 s; a 504 means the server's 100 ms timeout answered first.
    let r = app.leads("").await;
    assert_eq!(r.status, 504);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_json_snapshot!("error_server_timeout", r.json());
}

#[tokio::test]
async fn a_misconfigured_account_is_a_500_not_a_panic() {
    let app = TestApp::new().await;
    app.factory.connectors.lock().unwrap().clear();
    let r = app.leads("").await;
    assert_eq!(r.status, 500);
    let body = r.json();
    envelope_ok(&body, 500);
    assert!(!String::from_utf8_lossy(&r.body).contains(ACCOUNT_TOKEN));
    check_statuses_documented(&app, &BTreeSet::from([500])).await;
}

/// Every status the handler answered is in the OpenAPI document.
async fn check_statuses_documented(app: &TestApp, seen: &BTreeSet<u16>) {
    let doc = app.get("/openapi.json", None).await.json();
    let responses = doc["paths"]["/unified/crm/leads"]["get"]["responses"]
        .as_object()
        .unwrap();
    for status in seen {
        assert!(
            responses.contains_key(&status.to_string()),
            "status {status} is not documented in /openapi.json"
        );
    }
}
