//! `GET /unified/crm/leads` through the real router with the test double: formats, shaping options,
//! limits, filters, paging, meta, health, request ids.

use crate::support::*;
use insta::assert_json_snapshot;
use serde_json::{json, Value};

#[tokio::test]
async fn first_page_unified() {
    let app = TestApp::new().await;
    let r = app.leads("").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    let cursor = body["next_cursor"].as_str().unwrap();
    assert!(cursor.starts_with("v1."), "{cursor}");
    assert_json_snapshot!("unified_first_page", redact_cursor(body));
}

#[tokio::test]
async fn paging_to_the_end_through_next_cursor() {
    let app = TestApp::new().await;
    let mut cursor: Option<String> = None;
    let mut pages = Vec::new();
    let mut ids = Vec::new();
    loop {
        let q = match &cursor {
            Some(c) => format!("next_cursor={c}&truto_ignore_remote_data=true"),
            None => "truto_ignore_remote_data=true".to_owned(),
        };
        let r = app.leads(&q).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let body = r.json();
        let page_ids: Vec<String> = body["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect();
        ids.extend(page_ids.clone());
        pages.push(
            json!({"ids": page_ids, "next_cursor": redact_cursor(body.clone())["next_cursor"]}),
        );
        match body["next_cursor"].as_str() {
            Some(c) => {
                assert!(!c.is_empty() && c != "undefined");
                cursor = Some(c.to_owned());
            }
            None => break,
        }
        assert!(pages.len() < 10, "paging does not end");
    }
    assert_eq!(ids, (0..10).map(|i| i.to_string()).collect::<Vec<_>>());
    assert_eq!(app.acme.fetches(), 3);
    assert_json_snapshot!("paging_to_the_end", pages);
}

#[tokio::test]
async fn raw_format_returns_provider_records_untouched() {
    let app = TestApp::new().await;
    let r = app.leads("truto_response_format=raw&limit=2").await;
    assert_eq!(r.status, 200);
    let text = String::from_utf8(r.body.clone()).unwrap();
    // Big integers stay exact: the record is passed through, not re-encoded through f64.
    assert!(text.contains(r#""big":12345678901234567890"#), "{text}");
    assert_json_snapshot!("raw_format", redact_cursor(r.json()));
}

#[tokio::test]
async fn normalized_format() {
    let app = TestApp::new().await;
    let r = app
        .leads("truto_response_format=normalized&limit=2&truto_ignore_remote_data=true")
        .await;
    assert_eq!(r.status, 200);
    assert_json_snapshot!("normalized_format", redact_cursor(r.json()));
}

#[tokio::test]
async fn remote_data_keeps_big_numbers_exact_in_unified() {
    let app = TestApp::new().await;
    let r = app.leads("limit=1").await;
    let text = String::from_utf8(r.body).unwrap();
    assert!(text.contains(r#""remote_data":{"id":0,"#), "{text}");
    assert!(text.contains("12345678901234567890"), "{text}");
}

#[tokio::test]
async fn key_by() {
    let app = TestApp::new().await;
    let r = app
        .leads("truto_key_by=id&limit=2&truto_ignore_remote_data=true")
        .await;
    assert_eq!(r.status, 200);
    assert_json_snapshot!("key_by_id", redact_cursor(r.json()));

    let r = app
        .leads("truto_key_by=remote_data.id&truto_response_format=unified&limit=2&truto_exclude_fields=remote_data")
        .await;
    // Exclusions apply before keying: keying by an excluded field is a 400.
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));

    let r = app
        .leads("truto_key_by=id&truto_response_format=raw&limit=2")
        .await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(
        body["result"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["0", "1"]
    );
}

#[tokio::test]
async fn exclude_fields_array_and_comma_forms() {
    let app = TestApp::new().await;
    let array = app
        .leads("limit=2&truto_exclude_fields[]=remote_data&truto_exclude_fields[]=email_addresses.type&truto_exclude_fields[]=owner.id")
        .await;
    assert_eq!(array.status, 200);
    let comma = app
        .leads("limit=2&truto_exclude_fields=remote_data,email_addresses.type,owner.id")
        .await;
    let encoded = app
        .leads("limit=2&truto_exclude_fields%5B%5D=remote_data&truto_exclude_fields%5B%5D=email_addresses.type&truto_exclude_fields%5B%5D=owner.id")
        .await;
    assert_eq!(array.json(), comma.json());
    assert_eq!(array.json(), encoded.json());
    assert_json_snapshot!("exclude_fields", redact_cursor(array.json()));
}

#[tokio::test]
async fn ignore_remote_data() {
    let app = TestApp::new().await;
    let r = app.leads("limit=2&truto_ignore_remote_data=true").await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert!(body["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l.get("remote_data").is_none()));
    assert_json_snapshot!("ignore_remote_data", redact_cursor(body));
}

#[tokio::test]
async fn limits_default_clamp_and_ignore_limit() {
    let app = TestApp::new().await;
    let default = app.leads("truto_ignore_remote_data=true").await.json();
    let clamped = app
        .leads("limit=1000&truto_ignore_remote_data=true")
        .await
        .json();
    let two = app
        .leads("limit=2&truto_ignore_remote_data=true")
        .await
        .json();
    let ignored = app
        .leads("limit=2&truto_ignore_limit=true&truto_ignore_remote_data=true")
        .await
        .json();
    let count = |v: &Value| v["result"].as_array().unwrap().len();
    assert_eq!(
        count(&default),
        4,
        "default 100 clamped to the provider's 4"
    );
    assert_eq!(count(&clamped), 4);
    assert_eq!(count(&two), 2);
    assert_eq!(count(&ignored), 3, "the provider's natural page");
    assert_eq!(
        *app.acme.page_sizes.lock().unwrap(),
        [Some(4), Some(4), Some(2), None]
    );
    assert_json_snapshot!("ignore_limit", redact_cursor(ignored));
}

#[tokio::test]
async fn filters_reach_the_connector() {
    let app = TestApp::new().await;
    let r = app
        .leads("owner%5Bid%5D=o1&truto_ignore_remote_data=true&truto_exclude_fields=email_addresses,phone_numbers")
        .await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert!(body["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["owner"]["id"] == "o1"));
    assert_json_snapshot!("filter_owner", redact_cursor(body));

    let r = app
        .leads("created_at[gte]=2024-01-01&created_at[lte]=2024-02-01T00:00:00Z&limit=1&truto_ignore_remote_data=true")
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

#[tokio::test]
async fn empty_values_mean_absent() {
    let app = TestApp::new().await;
    let r = app
        .leads("next_cursor=&limit=&owner[id]=&truto_ignore_remote_data=true")
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["result"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn provider_rate_limit_figures_on_a_successful_page() {
    let mut fake = Fake::new(3);
    fake.rate_limit = crm_core::RateLimit {
        limit: Some(100),
        remaining: Some(42),
        reset: Some(std::time::Duration::from_millis(2500)),
    };
    let app = TestApp::build(fake, |s| s).await;
    let r = app.leads("").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("ratelimit-limit"), Some("100"));
    assert_eq!(r.header("ratelimit-remaining"), Some("42"));
    assert_eq!(r.header("ratelimit-reset"), Some("3"));
    // None when the provider gave no figures.
    let app = TestApp::new().await;
    assert!(app.leads("").await.header("ratelimit-limit").is_none());
}

#[tokio::test]
async fn meta_lists_the_account_providers_capabilities() {
    let app = TestApp::new().await;
    let r = app
        .get(
            &format!("/unified/crm/leads/meta?integrated_account_id={ACME_ACCOUNT}"),
            Some(ACME_KEY),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_json_snapshot!("meta", r.json());

    let r = app
        .get(
            &format!("/unified/crm/leads/meta?integrated_account_id={GLOBEX_ACCOUNT}"),
            Some(ACME_KEY),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app.get("/unified/crm/leads/meta", Some(ACME_KEY)).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["truto_error_insight"]["missing_required_query_parameters"],
        json!(["integrated_account_id"])
    );
    let r = app
        .get(
            &format!("/unified/crm/leads/meta?integrated_account_id={ACME_ACCOUNT}&limit=3"),
            Some(ACME_KEY),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = app
        .get(
            &format!("/unified/crm/leads/meta?integrated_account_id={ACME_ACCOUNT}"),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn health_and_request_ids() {
    let app = TestApp::new().await;
    let r = app.get("/healthz", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"status": "ok", "database": "ok"}));
    let generated = r.header("x-request-id").unwrap().to_owned();
    assert_eq!(generated.len(), 36, "{generated}");

    let request = axum::http::Request::get("/healthz")
        .header("x-request-id", "trace-abc_123")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        app.send(request).await.header("x-request-id"),
        Some("trace-abc_123")
    );
    // A malformed incoming id is replaced, never echoed.
    let request = axum::http::Request::get("/healthz")
        .header("x-request-id", "bad id with spaces")
        .body(axum::body::Body::empty())
        .unwrap();
    let echoed = app.send(request).await;
    assert_ne!(echoed.header("x-request-id"), Some("bad id with spaces"));
}

#[tokio::test]
async fn unknown_routes_and_methods_get_the_envelope() {
    let app = TestApp::new().await;
    let r = app.get("/unified/crm/contacts", Some(ACME_KEY)).await;
    assert_eq!(r.status, 404);
    assert_json_snapshot!("unknown_route", r.json());
    let request = axum::http::Request::post("/unified/crm/leads")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(request).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["statusCode"], 405);
}
