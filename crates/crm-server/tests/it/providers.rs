//! The four real connectors through the server, against the in-process simulators (crm-sim): each
//! provider's page, paging to the end, each filter, and provider failures (401, 429, 5xx, timeout,
//! a body that is not JSON).

use crate::support::{redact_cursor, Reply};
use axum::body::Body;
use axum::http::Request;
use crm_core::transport::RetryPolicy;
use crm_core::{CursorCodec, Provider};
use crm_server::connectors::ProviderFactory;
use crm_server::sandbox::{self, sandbox_account, Sandbox};
use crm_server::{AppState, Auth, Store};
use crm_sim::{Faults, SimConfig, Trigger};
use insta::assert_json_snapshot;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

pub const KEY: &str = "sandbox-test-key-0123456789";
/// Leads per simulator: enough for several pages, few enough for readable snapshots.
pub const LEADS: usize = 30;

pub struct SimApp {
    pub router: axum::Router,
    pub sandbox: Sandbox,
    pub store: Store,
}

impl SimApp {
    pub async fn new() -> SimApp {
        SimApp::with(ProviderFactory::default().with_retry(RetryPolicy::none())).await
    }

    pub async fn with(factory: ProviderFactory) -> SimApp {
        SimApp::with_sims(factory, SimConfig::new(7, LEADS)).await
    }

    /// With the simulators configured by `config` (hidden fields, faults, records).
    pub async fn with_sims(factory: ProviderFactory, config: SimConfig) -> SimApp {
        let store = Store::in_memory().await.unwrap();
        let factory = Arc::new(ProviderFactory {
            store: Some(store.clone()),
            ..factory
        });
        let sandbox = sandbox::start_with(&store, factory.as_ref(), config)
            .await
            .unwrap();
        let state = AppState::new(
            store.clone(),
            factory,
            CursorCodec::new(b"sim-tests-cursor-secret-0123456789".to_vec()),
            Auth::keys(crm_server::auth::SANDBOX_TENANT, [&KEY.to_owned().into()]),
        );
        SimApp {
            router: crm_server::router(state),
            sandbox,
            store,
        }
    }

    pub fn sim(&self, provider: Provider) -> &crm_sim::SimHandle {
        self.sandbox
            .cluster
            .by_id(provider.as_str())
            .expect("every provider has a simulator")
    }

    pub async fn get(&self, uri: &str) -> Reply {
        let request = Request::get(uri)
            .header("authorization", format!("Bearer {KEY}"))
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The leads route for `provider`'s sandbox account with query `q`.
    pub async fn leads(&self, provider: Provider, q: &str) -> Reply {
        self.get(&format!(
            "/unified/crm/leads?integrated_account_id={}&{q}",
            sandbox_account(provider)
        ))
        .await
    }

    /// Every lead of the account, following next_cursor.
    pub async fn all(&self, provider: Provider, q: &str) -> (Vec<Value>, usize) {
        let mut leads = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let query = match &cursor {
                Some(c) => format!("{q}&next_cursor={c}"),
                None => q.to_owned(),
            };
            let r = self.leads(provider, &query).await;
            assert_eq!(
                r.status,
                200,
                "{provider} {query}: {}",
                String::from_utf8_lossy(&r.body)
            );
            let body = r.json();
            leads.extend(body["result"].as_array().unwrap().iter().cloned());
            pages += 1;
            match body["next_cursor"].as_str() {
                Some(c) => {
                    assert!(!c.is_empty());
                    cursor = Some(c.to_owned());
                }
                None => break,
            }
            assert!(pages <= 50, "{provider}: paging does not end");
        }
        (leads, pages)
    }
}

#[tokio::test]
async fn each_provider_first_page() {
    let app = SimApp::new().await;
    for provider in crate::support::ALL_PROVIDERS {
        let r = app.leads(provider, "limit=2").await;
        assert_eq!(
            r.status,
            200,
            "{provider}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let body = r.json();
        assert!(body["next_cursor"].is_string(), "{provider}");
        assert_eq!(body["result"].as_array().unwrap().len(), 2, "{provider}");
        assert_json_snapshot!(
            format!("provider_{}", provider.as_str()),
            redact_cursor(body)
        );
    }
}

#[tokio::test]
async fn each_provider_pages_to_the_end() {
    let app = SimApp::new().await;
    for provider in crate::support::ALL_PROVIDERS {
        let (leads, pages) = app
            .all(provider, "limit=7&truto_ignore_remote_data=true")
            .await;
        // Pipedrive's list leaves archived leads out (they have their own endpoint).
        let expected = app
            .sim(provider)
            .records()
            .iter()
            .filter(|r| r.get("is_archived") != Some(&Value::Bool(true)))
            .count();
        let mut ids: Vec<&str> = leads.iter().map(|l| l["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), expected, "{provider}: every lead exactly once");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), expected, "{provider}: no lead twice");
        assert!(pages >= expected.div_ceil(7), "{provider}: {pages} pages");
        // The raw format pages the same way.
        let (raw, _) = app.all(provider, "limit=7&truto_response_format=raw").await;
        assert_eq!(raw.len(), expected, "{provider} raw");
    }
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = v;
    for p in path {
        v = match p.parse::<usize>() {
            Ok(i) => v.get(i)?,
            Err(_) => v.get(p)?,
        };
    }
    v.as_str()
}

/// A filter case: the query and what every result must satisfy; `include` must be among them.
struct Case {
    provider: Provider,
    query: String,
    include: Option<String>,
    check: Box<dyn Fn(&Value) -> bool>,
}

fn pick<'a>(leads: &'a [Value], path: &[&str]) -> (&'a Value, String) {
    leads
        .iter()
        .find_map(|l| text(l, path).map(|v| (l, v.to_owned())))
        .unwrap_or_else(|| panic!("no lead has {path:?}"))
}

fn enc(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

fn cases(provider: Provider, leads: &[Value]) -> Vec<Case> {
    let id = |l: &Value| Some(l["id"].as_str().unwrap().to_owned());
    let mut out = Vec::new();
    let eq_case = |query_key: &str, path: &'static [&'static str]| {
        let (lead, v) = pick(leads, path);
        let expected = v.clone();
        Case {
            provider,
            query: format!("{query_key}={}", enc(&v)),
            include: id(lead),
            check: Box::new(move |l| text(l, path) == Some(expected.as_str())),
        }
    };
    let owner = eq_case("owner[id]", &["owner", "id"]);
    let time_cases = |field: &'static str, leads: &[Value]| -> Vec<Case> {
        let mut times: Vec<String> = leads
            .iter()
            .filter_map(|l| text(l, &[field]).map(str::to_owned))
            .collect();
        times.sort();
        let mid = times[times.len() / 2].clone();
        let (a, b) = (mid.clone(), mid.clone());
        vec![
            Case {
                provider,
                query: format!("{field}[gte]={}", enc(&mid)),
                include: None,
                check: Box::new(move |l| text(l, &[field]).is_some_and(|t| t >= a.as_str())),
            },
            Case {
                provider,
                query: format!("{field}[lt]={}", enc(&mid)),
                include: None,
                check: Box::new(move |l| text(l, &[field]).is_some_and(|t| t < b.as_str())),
            },
        ]
    };
    match provider {
        crm_copper::PROVIDER => {
            out.push(owner);
            let (lead, first) = leads
                .iter()
                .find_map(|l| Some((l, text(l, &["first_name"])?, text(l, &["last_name"])?)))
                .map(|(l, f, s)| (l, format!("{f} {s}")))
                .unwrap();
            out.push(Case {
                provider,
                query: format!("name={}", enc(&first)),
                include: id(lead),
                check: Box::new(|_| true),
            });
            let (lead, country) = pick(leads, &["addresses", "0", "country"]);
            let _ = lead;
            out.push(country_case(provider, leads, country));
            out.extend(time_cases("created_at", leads));
            out.extend(time_cases("updated_at", leads));
            out.push(email_case(provider, leads));
        }
        crm_pipedrive::PROVIDER => {
            out.push(owner);
            out.push(eq_case("contact[id]", &["contact", "id"]));
            out.push(eq_case("organization[id]", &["account", "id"]));
            out.push(eq_case("organization", &["account", "id"]));
        }
        crm_salesforce::PROVIDER => {
            out.push(owner);
            out.push(eq_case("account[id]", &["account", "id"]));
            out.push(eq_case("lead_source", &["lead_source"]));
            let (lead, state) = pick(leads, &["addresses", "0", "state"]);
            let expected = state.clone();
            out.push(Case {
                provider,
                query: format!("state={}", enc(&state)),
                include: id(lead),
                check: Box::new(move |l| {
                    text(l, &["addresses", "0", "state"]) == Some(expected.as_str())
                }),
            });
            let (lead, country) = pick(leads, &["addresses", "0", "country"]);
            let _ = lead;
            out.push(country_case(provider, leads, country));
            let (lead, name) = leads
                .iter()
                .find_map(|l| Some((l, text(l, &["first_name"])?, text(l, &["last_name"])?)))
                .map(|(l, f, s)| (l, format!("{f} {s}")))
                .unwrap();
            out.push(Case {
                provider,
                query: format!("name={}", enc(&name)),
                include: id(lead),
                check: Box::new(|_| true),
            });
            out.extend(time_cases("created_at", leads));
            out.extend(time_cases("updated_at", leads));
            out.extend(time_cases("converted_at", leads));
            out.push(email_case(provider, leads));
            out.push(Case {
                provider,
                query: "include_custom_fields=true".into(),
                include: None,
                check: Box::new(|l| l["custom_fields"].is_object()),
            });
        }
        crm_insightly::PROVIDER => {
            out.push(owner);
            let (_, country) = pick(leads, &["addresses", "0", "country"]);
            out.push(country_case(provider, leads, country));
            out.push(eq_case("state", &["addresses", "0", "state"]));
            // `updated_after_utc` is a lower bound only: the `gte` case.
            out.extend(time_cases("updated_at", leads).into_iter().take(1));
            out.push(email_case(provider, leads));
            out.push(Case {
                provider,
                query: "include_custom_fields=true".into(),
                include: None,
                check: Box::new(|l| l["custom_fields"].is_object()),
            });
        }
        crm_zoho::PROVIDER => {}
        crm_zendesk_sell::PROVIDER => {
            out.push(owner);
            out.push(eq_case("lead_source", &["lead_source"]));
            let (lead, name) = leads
                .iter()
                .find_map(|l| {
                    let last =
                        text(l, &["last_name"]).filter(|s| !s.contains(char::is_whitespace))?;
                    Some((l, text(l, &["first_name"])?, last))
                })
                .map(|(l, f, s)| (l, format!("{f} {s}")))
                .unwrap();
            out.push(Case {
                provider,
                query: format!("name={}", enc(&name)),
                include: id(lead),
                check: Box::new(|_| true),
            });
            let (_, country) = pick(leads, &["addresses", "0", "country"]);
            out.push(country_case(provider, leads, country));
            out.push(Case {
                provider,
                query: "include_custom_fields=true&custom_fields[Segment]=SMB".into(),
                include: None,
                check: Box::new(|l| l["custom_fields"]["Segment"] == "SMB"),
            });
        }
        other => panic!("no filter cases for {other}"),
    }
    out
}

fn country_case(provider: Provider, leads: &[Value], country: String) -> Case {
    let lead = leads
        .iter()
        .find(|l| text(l, &["addresses", "0", "country"]) == Some(country.as_str()))
        .unwrap();
    let expected = country.clone();
    Case {
        provider,
        query: format!("country={}", enc(&country)),
        include: Some(lead["id"].as_str().unwrap().to_owned()),
        check: Box::new(move |l| {
            text(l, &["addresses", "0", "country"]) == Some(expected.as_str())
        }),
    }
}

fn email_case(provider: Provider, leads: &[Value]) -> Case {
    let (lead, email) = pick(leads, &["email_addresses", "0", "email"]);
    let expected = email.to_lowercase();
    Case {
        provider,
        query: format!("email_addresses[]={}", enc(&email)),
        include: Some(lead["id"].as_str().unwrap().to_owned()),
        check: Box::new(move |l| {
            l["email_addresses"].as_array().is_some_and(|a| {
                a.iter().any(|e| {
                    e["email"]
                        .as_str()
                        .is_some_and(|x| x.to_lowercase() == expected)
                })
            })
        }),
    }
}

#[tokio::test]
async fn each_filter_against_the_simulators() {
    let app = SimApp::new().await;
    let mut summary = Vec::new();
    let mut filters_seen = std::collections::BTreeSet::new();
    for provider in crate::support::ALL_PROVIDERS {
        let (leads, _) = app
            .all(provider, "limit=100&truto_ignore_remote_data=true")
            .await;
        for case in cases(provider, &leads) {
            let (found, _) = app
                .all(
                    provider,
                    &format!("{}&limit=100&truto_ignore_remote_data=true", case.query),
                )
                .await;
            let ids: Vec<&str> = found.iter().map(|l| l["id"].as_str().unwrap()).collect();
            assert!(
                !found.is_empty(),
                "{provider} {}: nothing matched",
                case.query
            );
            assert!(
                ids.len() < leads.len() || case.query.starts_with("include_custom_fields"),
                "{provider} {}: the filter matched everything",
                case.query
            );
            if let Some(want) = &case.include {
                assert!(
                    ids.contains(&want.as_str()),
                    "{provider} {}: {want} missing from {ids:?}",
                    case.query
                );
            }
            for l in &found {
                assert!((case.check)(l), "{provider} {}: {l}", case.query);
            }
            let name = case.query.split(['[', '=']).next().unwrap().to_owned();
            filters_seen.insert(name);
            summary
                .push(json!({"provider": case.provider.as_str(), "query": case.query, "ids": ids}));
        }
    }
    // custom_fields[...]: a value read from the leads' own custom fields.
    let (with_custom, _) = app
        .all(
            crm_salesforce::PROVIDER,
            "include_custom_fields=true&limit=100&truto_ignore_remote_data=true",
        )
        .await;
    let (lead, value) = with_custom
        .iter()
        .find_map(|l| {
            Some((
                l,
                l["custom_fields"]["Industry_Segment__c"]
                    .as_str()?
                    .to_owned(),
            ))
        })
        .expect("a lead with Industry_Segment__c");
    let query = format!(
        "include_custom_fields=true&custom_fields[Industry_Segment__c]={}",
        enc(&value)
    );
    let (found, _) = app
        .all(
            crm_salesforce::PROVIDER,
            &format!("{query}&limit=100&truto_ignore_remote_data=true"),
        )
        .await;
    let ids: Vec<&str> = found.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&lead["id"].as_str().unwrap()) && ids.len() < with_custom.len());
    assert!(found
        .iter()
        .all(|l| l["custom_fields"]["Industry_Segment__c"] == value.as_str()));
    filters_seen.insert("custom_fields".to_owned());
    summary.push(json!({"provider": "salesforce", "query": query, "ids": ids}));

    // Every filter of the documentation is exercised.
    for f in crm_core::FilterKey::ALL.map(|k| k.query_syntax().split('[').next().unwrap()) {
        assert!(filters_seen.contains(f), "{f} not exercised");
    }
    assert_json_snapshot!("filters", summary);
}

/// A provider failure injected into the simulator, and the status the caller gets.
fn inject(app: &SimApp, provider: Provider, fault: &str) {
    let sim = app.sim(provider);
    sim.set_faults(Faults::default());
    sim.set_api_key_valid(true);
    match fault {
        "401" => match provider {
            crm_copper::PROVIDER | crm_insightly::PROVIDER | crm_pipedrive::PROVIDER => {
                sim.set_api_key_valid(false)
            }
            // OAuth: the token expired and the refresh token was revoked.
            crm_salesforce::PROVIDER | crm_zoho::PROVIDER | crm_zendesk_sell::PROVIDER => {
                sim.update_faults(|f| f.refresh_revoked = true);
                sim.expire_access_token();
            }
            other => panic!("no 401 fault for {other}"),
        },
        "429" => sim.update_faults(|f| {
            f.rate_limit = Trigger::Always;
            f.retry_after_secs = Some(7);
        }),
        "5xx" => sim.update_faults(|f| {
            f.server_error = Trigger::Always;
            f.server_error_status = 503;
        }),
        "timeout" => sim.update_faults(|f| f.latency = Duration::from_secs(3)),
        "garbage" => sim.update_faults(|f| f.non_json_body = Trigger::Always),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn provider_failures_through_the_real_connectors() {
    // Each fault is checked in isolation on the same accounts: without client-side limits, or
    // Salesforce's daily-budget guard (tripped by the "429" fault, which Salesforce reports as its
    // daily limit) would answer the later faults itself. The guard has its own suite.
    let app = SimApp::with(
        ProviderFactory::default()
            .without_client_limits()
            .with_retry(RetryPolicy::none())
            .with_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut summary = Vec::new();
    for provider in crate::support::ALL_PROVIDERS {
        for (fault, status) in [
            ("401", 401),
            ("429", 429),
            ("5xx", 502),
            ("timeout", 504),
            ("garbage", 502),
        ] {
            inject(&app, provider, fault);
            let r = app.leads(provider, "limit=2").await;
            assert_eq!(
                r.status,
                status,
                "{provider} {fault}: {}",
                String::from_utf8_lossy(&r.body)
            );
            let body = r.json();
            assert_eq!(body["statusCode"], status);
            assert_eq!(
                body["truto_is_remote_error"], true,
                "{provider} {fault}: {body}"
            );
            if status == 429 {
                assert_eq!(r.header("retry-after"), Some("7"), "{provider}");
                assert!(r.header("ratelimit-remaining").is_some());
                assert!(r.header("ratelimit-reset").is_some());
            }
            // No secret of the account in the answer.
            let creds = app.sim(provider).credentials();
            let text = String::from_utf8_lossy(&r.body);
            for secret in [
                creds.access_token,
                creds.refresh_token,
                creds.client_secret,
                creds.api_key,
            ]
            .into_iter()
            .flatten()
            {
                assert!(
                    !text.contains(&secret),
                    "{provider} {fault}: a credential leaked"
                );
            }
            summary.push(json!({
                "provider": provider.as_str(),
                "fault": fault,
                "status": status,
                "message": body["message"],
                "has_raw_response": body.get("raw_response").is_some(),
            }));
        }
        app.sim(provider).set_faults(Faults::default());
        app.sim(provider).set_api_key_valid(true);
    }
    assert_json_snapshot!("provider_failures", summary);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_written_back() {
    let app = SimApp::new().await;
    for provider in [crm_salesforce::PROVIDER, crm_zoho::PROVIDER] {
        let id = sandbox_account(provider);
        let before = app.store.account(id).await.unwrap().unwrap();
        assert_eq!(app.leads(provider, "limit=1").await.status, 200);
        app.sim(provider).expire_access_token();
        let r = app.leads(provider, "limit=1").await;
        assert_eq!(
            r.status,
            200,
            "{provider}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let after = app.store.account(id).await.unwrap().unwrap();
        assert!(
            after.revision > before.revision,
            "{provider}: tokens written back"
        );
        let stored = after
            .credentials
            .access_token
            .as_ref()
            .map(secrecy::ExposeSecret::expose_secret)
            .unwrap()
            .to_owned();
        assert_eq!(
            Some(stored),
            app.sim(provider).credentials().access_token,
            "{provider}"
        );
        // The next request uses the stored, refreshed token without another refresh.
        assert_eq!(app.leads(provider, "limit=1").await.status, 200);
    }
}

#[tokio::test]
async fn meta_reads_each_providers_capabilities() {
    let app = SimApp::new().await;
    for provider in crate::support::ALL_PROVIDERS {
        let r = app
            .get(&format!(
                "/unified/crm/leads/meta?integrated_account_id={}",
                sandbox_account(provider)
            ))
            .await;
        assert_eq!(r.status, 200);
        let body = r.json();
        let caps = crm_providers::get(provider.as_str()).unwrap().capabilities;
        assert_eq!(body["provider"], provider.as_str());
        assert_eq!(body["max_page_size"], caps.max_page_size);
        assert_eq!(
            body["filters"].as_array().unwrap().len(),
            caps.filters.len()
        );
        assert_json_snapshot!(format!("meta_{}", provider.as_str()), body);
    }
}

#[tokio::test]
async fn unsupported_filters_name_the_real_supporters() {
    let app = SimApp::new().await;
    let r = app.leads(crm_zoho::PROVIDER, "owner[id]=1").await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "the filter `owner[id]` is not supported for Zoho CRM accounts (it is supported by Copper, Insightly, Pipedrive, Salesforce, Zendesk Sell); remove it from the request"
    );
    let r = app
        .leads(crm_copper::PROVIDER, "converted_at[gte]=2024-01-01")
        .await;
    assert_eq!(r.status, 400);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("it is supported by Salesforce"));
    assert_eq!(
        app.sim(crm_zoho::PROVIDER).stats().requests,
        0,
        "refused before any request"
    );
}

#[tokio::test]
async fn logs_of_real_provider_calls_hold_no_secrets() {
    let mut secrets = Vec::new();
    let logs = crate::logs::captured(false, async {
        let app = SimApp::new().await;
        for provider in crate::support::ALL_PROVIDERS {
            let c = app.sim(provider).credentials();
            secrets.extend(
                [c.access_token, c.refresh_token, c.client_secret, c.api_key]
                    .into_iter()
                    .flatten(),
            );
            assert_eq!(app.leads(provider, "limit=2").await.status, 200);
        }
        // A refresh: the old and the new tokens must both stay out of the logs.
        app.sim(crm_salesforce::PROVIDER).expire_access_token();
        assert_eq!(
            app.leads(crm_salesforce::PROVIDER, "limit=2").await.status,
            200
        );
        let c = app.sim(crm_salesforce::PROVIDER).credentials();
        secrets.extend([c.access_token, c.refresh_token].into_iter().flatten());
        inject(&app, crm_copper::PROVIDER, "401");
        assert_eq!(app.leads(crm_copper::PROVIDER, "limit=2").await.status, 401);
    })
    .await;
    assert!(secrets.len() >= 8);
    assert!(logs.contains("request finished"), "{logs}");
    assert!(logs.contains("refreshed tokens written back"), "{logs}");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a credential leaked into the logs"
        );
    }
}

/// Pipedrive's person fields come from one batch persons call per page, never one per lead; the
/// raw format makes none.
#[tokio::test]
async fn pipedrive_person_fields_cost_one_call_per_page() {
    let app = SimApp::new().await;
    let sim = app.sim(crm_pipedrive::PROVIDER);
    sim.reset_stats();
    let (leads, pages) = app
        .all(
            crm_pipedrive::PROVIDER,
            "limit=7&truto_ignore_remote_data=true",
        )
        .await;
    let requests = sim.requests();
    let count = |suffix: &str| requests.iter().filter(|r| r.path.ends_with(suffix)).count();
    assert_eq!(count("/leads"), pages);
    assert_eq!(count("/persons"), pages, "one persons call per page");
    assert_eq!(requests.len(), 2 * pages);
    for lead in &leads {
        if lead["contact"].is_object() {
            assert!(lead["first_name"].is_string(), "{lead}");
            assert!(lead["email_addresses"].is_array(), "{lead}");
        } else {
            assert!(lead["first_name"].is_null(), "{lead}");
        }
    }
    sim.reset_stats();
    let (raw, raw_pages) = app
        .all(crm_pipedrive::PROVIDER, "limit=7&truto_response_format=raw")
        .await;
    assert_eq!(raw.len(), leads.len());
    assert_eq!(
        sim.requests().len(),
        raw_pages,
        "no persons call for raw pages"
    );
}
