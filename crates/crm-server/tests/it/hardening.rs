//! Inputs an attacker (or a careless caller) can send, through the real server and the real
//! connectors against the simulators: each is refused with a specific 400 before any provider
//! call, or passed to the provider exactly as written.

use crate::providers::{SimApp, LEADS};
use crm_core::transport::MAX_URL_BYTES;
use crm_core::Provider;
use crm_server::connectors::ProviderFactory;
use crm_server::sandbox::sandbox_account;
use crm_sim::SimConfig;
use serde_json::Value;

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

/// A 400 that is the caller's (not remote), and no request reached the provider.
#[track_caller]
fn refused_without_a_call(app: &SimApp, provider: Provider, r: &crate::support::Reply) -> Value {
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert!(body.get("truto_is_remote_error").is_none(), "{body}");
    assert_eq!(app.sim(provider).stats().api_requests, 0, "{provider}");
    body
}

#[tokio::test]
async fn exclusions_are_deduplicated_capped_and_applied_in_one_pass() {
    let app = SimApp::new().await;
    let one = app
        .leads(crm_salesforce::PROVIDER, "limit=5&truto_exclude_fields=id")
        .await;
    assert_eq!(one.status, 200);
    // (The in-process router takes URIs up to 64 KiB; the real server takes more.)
    let many = vec!["id"; 4000].join(",");
    let repeated = app
        .leads(
            crm_salesforce::PROVIDER,
            &format!("limit=5&truto_exclude_fields={many}"),
        )
        .await;
    assert_eq!(repeated.status, 200);
    assert_eq!(
        crate::support::redact_cursor(one.json()),
        crate::support::redact_cursor(repeated.json())
    );

    app.sim(crm_salesforce::PROVIDER).reset_stats();
    let distinct: Vec<String> = (0..4000).map(|i| format!("f{i}")).collect();
    let r = app
        .leads(
            crm_salesforce::PROVIDER,
            &format!("limit=5&truto_exclude_fields={}", distinct.join(",")),
        )
        .await;
    let body = refused_without_a_call(&app, crm_salesforce::PROVIDER, &r);
    assert!(
        message(&body).contains("more than 64 distinct fields to exclude"),
        "{body}"
    );
    let deep = ["a"; 9].join(".");
    let r = app
        .leads(
            crm_salesforce::PROVIDER,
            &format!("truto_exclude_fields={deep}"),
        )
        .await;
    let body = refused_without_a_call(&app, crm_salesforce::PROVIDER, &r);
    assert!(message(&body).contains("at most 8"), "{body}");
}

#[tokio::test]
async fn an_overlong_provider_url_is_the_callers_400_at_once() {
    // Default retries on: a build failure used to be retried for 1.5 s, then answered 502.
    let app = SimApp::with(ProviderFactory::default()).await;
    for sim in app.sandbox.cluster.iter() {
        sim.reset_stats();
    }
    // Each quote becomes `\'`, six bytes once percent-encoded.
    let quotes = "%27".repeat(15_000);
    let long = "x".repeat(MAX_URL_BYTES);
    for (provider, query) in [
        (crm_salesforce::PROVIDER, format!("name={quotes}")),
        (crm_pipedrive::PROVIDER, format!("remote_query[foo]={long}")),
        (crm_zoho::PROVIDER, format!("remote_query[cvid]={long}")),
    ] {
        let r = app.leads(provider, &query).await;
        let body = refused_without_a_call(&app, provider, &r);
        assert!(
            message(&body).contains("-byte URL, over the 16384-byte limit"),
            "{provider}: {body}"
        );
        assert!(body.get("raw_response").is_none());
    }
}

#[tokio::test]
async fn bounds_without_a_four_digit_year_are_refused_before_any_call() {
    let app = SimApp::new().await;
    for provider in [
        crm_salesforce::PROVIDER,
        crm_copper::PROVIDER,
        crm_pipedrive::PROVIDER,
    ] {
        let q = match provider {
            crm_pipedrive::PROVIDER => "updated_at[gte]=0000-01-01T00:00:00%2B00:01",
            _ => "created_at[lte]=9999-12-31T23:59:59-23:59",
        };
        let r = app.leads(provider, q).await;
        let body = refused_without_a_call(&app, provider, &r);
        assert!(
            message(&body).contains("outside the years 0000 to 9999"),
            "{provider}: {body}"
        );
    }
}

#[tokio::test]
async fn a_hidden_email_field_fails_only_requests_that_filter_on_it() {
    let config = SimConfig {
        hidden_fields: vec!["Email".into()],
        ..SimConfig::new(7, LEADS)
    };
    let app = SimApp::with_sims(
        ProviderFactory::default().with_retry(crm_core::transport::RetryPolicy::none()),
        config,
    )
    .await;
    for q in [
        "include_custom_fields=true",
        "custom_fields[Is_Priority__c]=true",
        "include_custom_fields=true&name=x",
    ] {
        let r = app.leads(crm_salesforce::PROVIDER, q).await;
        assert_eq!(r.status, 200, "{q}: {}", String::from_utf8_lossy(&r.body));
    }
    let r = app
        .leads(
            crm_salesforce::PROVIDER,
            "include_custom_fields=true&email_addresses[]=a@example.com",
        )
        .await;
    assert_eq!(r.status, 400);
    let body = r.json();
    assert!(
        message(&body).contains("`email_addresses`")
            && message(&body).contains("`Email` is hidden"),
        "{body}"
    );
}

#[tokio::test]
async fn conflicting_repeated_keys_and_empty_unknown_parameters_are_400s() {
    let app = SimApp::new().await;
    for q in [
        "truto_ignore_limit=true&truto_ignore_limit=false",
        "truto_ignore_remote_data=true&truto_ignore_remote_data=false",
        "include_custom_fields=true&include_custom_fields=false",
    ] {
        let r = app.leads(crm_salesforce::PROVIDER, q).await;
        let body = refused_without_a_call(&app, crm_salesforce::PROVIDER, &r);
        assert!(message(&body).contains("given twice"), "{q}: {body}");
    }
    let r = app.leads(crm_salesforce::PROVIDER, "bogus=").await;
    let body = refused_without_a_call(&app, crm_salesforce::PROVIDER, &r);
    assert!(
        message(&body).contains("`bogus`: unknown parameter"),
        "{body}"
    );

    let copper = sandbox_account(crm_copper::PROVIDER);
    let zoho = sandbox_account(crm_zoho::PROVIDER);
    let r = app
        .get(&format!(
            "/unified/crm/leads/meta?integrated_account_id={copper}&integrated_account_id={zoho}"
        ))
        .await;
    assert_eq!(r.status, 400);
    assert!(message(&r.json()).contains("given twice"));
    let r = app
        .get(&format!(
            "/unified/crm/leads/meta?integrated_account_id={copper}&integrated_account_id={copper}"
        ))
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn remote_query_is_guarded_alike_and_passed_as_written() {
    let app = SimApp::new().await;
    // One guard: trimmed, case-insensitive, percent-decoded, for every provider.
    for (provider, key) in [
        (crm_copper::PROVIDER, "PAGE_SIZE"),
        (crm_copper::PROVIDER, "%73ort_by"),
        (crm_pipedrive::PROVIDER, "%20Start"),
        (crm_salesforce::PROVIDER, "Q"),
        (crm_zoho::PROVIDER, "Per_Page"),
    ] {
        let r = app.leads(provider, &format!("remote_query[{key}]=1")).await;
        let body = refused_without_a_call(&app, provider, &r);
        assert!(
            message(&body).contains("cannot be passed to"),
            "{provider} {key}: {body}"
        );
    }

    // Copper: a number too big for a float goes out digit for digit.
    let r = app
        .leads(
            crm_copper::PROVIDER,
            "remote_query[custom_big]=123456789012345678901234567890",
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let sent = app.sim(crm_copper::PROVIDER).requests();
    let body = &sent.last().unwrap().body;
    assert!(
        body.contains(r#""custom_big":123456789012345678901234567890"#),
        "{body}"
    );

    // Pipedrive: `SORT` is not `sort`; the default order stays and `SORT` is sent as written.
    let r = app
        .leads(
            crm_pipedrive::PROVIDER,
            "remote_query[SORT]=update_time%20DESC",
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let pairs = app
        .sim(crm_pipedrive::PROVIDER)
        .requests()
        .iter()
        .rfind(|r| r.path.ends_with("/leads"))
        .unwrap()
        .query_pairs();
    assert!(
        pairs.contains(&("sort".into(), "add_time ASC".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("SORT".into(), "update_time DESC".into())),
        "{pairs:?}"
    );
}

#[tokio::test]
async fn undecodable_values_name_the_parameter_and_echoes_are_capped() {
    let app = SimApp::new().await;
    for (q, needle) in [
        ("name=50%zz", "`name`: the value has a `%`"),
        ("name=%FF", "`name`: the value is not UTF-8"),
    ] {
        let r = app.leads(crm_salesforce::PROVIDER, q).await;
        let body = refused_without_a_call(&app, crm_salesforce::PROVIDER, &r);
        assert!(message(&body).contains(needle), "{q}: {body}");
    }
    let key = "k".repeat(60_000);
    let r = app
        .leads(crm_salesforce::PROVIDER, &format!("{key}=1"))
        .await;
    refused_without_a_call(&app, crm_salesforce::PROVIDER, &r);
    assert!(r.body.len() < 2_000, "{} bytes", r.body.len());
}
