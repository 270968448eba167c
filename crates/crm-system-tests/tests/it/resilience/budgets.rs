//! The per-provider client-side limits (`crm_<p>::default_limiter()`) on real connectors, the
//! Salesforce daily-budget guard driven by `Sforce-Limit-Info`, and the rate-limit figures that
//! reach every page for the server's `ratelimit-*` headers.

use super::support::{all_delivered, connect, first_page, sim, walk, Setup, LEADS, PAGE};
use crm_core::transport::RequestLimiter;
use crm_core::RawPage;
use crm_sim::{Budget, Faults, SimProvider};
use futures::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn default_limiter(provider: SimProvider) -> RequestLimiter {
    match provider {
        SimProvider::Copper => crm_copper::default_limiter(),
        SimProvider::Insightly => crm_insightly::default_limiter(),
        SimProvider::Pipedrive => crm_pipedrive::default_limiter(),
        SimProvider::Salesforce => crm_salesforce::default_limiter(),
        SimProvider::Zoho => crm_zoho::default_limiter(),
        SimProvider::ZendeskSell => crm_zendesk_sell::default_limiter(),
    }
}

/// Each page of a walk as the connector returned it, stopping at the first error.
async fn pages(connector: &dyn crm_core::DynConnector) -> (Vec<RawPage>, Option<crm_core::Error>) {
    let query = super::support::query();
    let mut stream = std::pin::pin!(crm_core::stream_pages(connector, &query));
    let mut out = Vec::new();
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => out.push(page),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

#[tokio::test]
async fn every_default_limiter_lets_a_whole_walk_through() {
    for provider in SimProvider::ALL {
        let sim = sim(provider, Faults::default()).await;
        let client = connect(
            &sim,
            Setup {
                limiter: Some(Arc::new(default_limiter(provider))),
                ..Setup::fast()
            },
        );
        let leads = walk(client.connector.as_ref()).await.unwrap();
        all_delivered(&sim, &leads).unwrap();
        assert_eq!(client.stats.retries(), 0, "{provider}");
    }
}

#[tokio::test]
async fn pipedrive_stays_inside_the_smallest_burst_window() {
    // The simulator enforces the Essential plan's window: 20 requests per rolling 2 seconds.
    let sim = sim(
        SimProvider::Pipedrive,
        Faults {
            budget: Some(Budget {
                limit: crm_pipedrive::limits::BURST_REQUESTS,
                window: crm_pipedrive::limits::BURST_WINDOW,
            }),
            ..Faults::default()
        },
    )
    .await;
    let client = connect(
        &sim,
        Setup {
            limiter: Some(Arc::new(crm_pipedrive::default_limiter())),
            retry: Some(crm_core::transport::RetryPolicy::none()),
            ..Setup::default()
        },
    );
    let calls = (0..24).map(|_| first_page(client.connector.as_ref()));
    for page in futures::future::join_all(calls).await {
        page.expect("no request was throttled");
    }
    assert_eq!(sim.stats().rate_limited, 0);
    assert_eq!(sim.stats().api_requests, 24);
}

#[tokio::test]
async fn zoho_never_has_more_than_five_calls_in_flight() {
    let latency = Duration::from_millis(100);
    let sim = sim(
        SimProvider::Zoho,
        Faults {
            latency,
            ..Faults::default()
        },
    )
    .await;
    let client = connect(
        &sim,
        Setup {
            limiter: Some(Arc::new(crm_zoho::default_limiter())),
            ..Setup::fast()
        },
    );
    let started = Instant::now();
    let calls = (0..20).map(|_| first_page(client.connector.as_ref()));
    for page in futures::future::join_all(calls).await {
        page.unwrap();
    }
    // 20 calls through 5 slots: at least 4 rounds of the simulator's latency.
    let rounds = 20 / crm_zoho::limits::MAX_CONCURRENT as u32;
    assert!(
        started.elapsed() >= latency * rounds,
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn salesforce_guard_trips_on_the_usage_header_before_any_403_and_recovers() {
    // An org with 2 API requests left in its (here half-second) window; a walk needs 3 pages.
    let sim = sim(
        SimProvider::Salesforce,
        Faults {
            budget: Some(Budget {
                limit: 2,
                window: Duration::from_millis(500),
            }),
            ..Faults::default()
        },
    )
    .await;
    let probe = Duration::from_millis(300);
    let limiter = Arc::new(crm_salesforce::limits::limiter_with_probe(probe));
    let client = connect(
        &sim,
        Setup {
            limiter: Some(limiter.clone()),
            ..Setup::fast()
        },
    );
    let (got, err) = pages(client.connector.as_ref()).await;
    // The figures ride on every page.
    let figures: Vec<_> = got
        .iter()
        .map(|p| (p.rate_limit.limit, p.rate_limit.remaining))
        .collect();
    assert_eq!(figures, [(Some(2), Some(1)), (Some(2), Some(0))]);
    let err = err.expect("the third page is refused");
    assert!(err.is_rate_limited(), "{err}");
    assert!(
        err.to_string()
            .contains("the org's daily API budget is used up (2 of 2 requests used)"),
        "{err}"
    );
    assert!(err.remote().is_none(), "no request was sent: {err:?}");
    assert_eq!(sim.stats().api_requests, 2);
    assert_eq!(
        sim.stats().rate_limited,
        0,
        "Salesforce never had to say 403"
    );

    // The admin raises the limit; the next probe finds budget and the account is back.
    sim.update_faults(|f| {
        f.budget = Some(Budget {
            limit: 15_000,
            window: Duration::from_secs(86_400),
        })
    });
    assert!(
        walk(client.connector.as_ref()).await.is_err(),
        "before the probe"
    );
    tokio::time::sleep(probe + Duration::from_millis(50)).await;
    let leads = walk(client.connector.as_ref()).await.unwrap();
    assert_eq!(leads.len(), LEADS);
    assert_eq!(limiter.exhausted_usage(), None);
}

#[tokio::test]
async fn rate_limit_figures_reach_every_page() {
    for (provider, limit) in [
        (SimProvider::Pipedrive, 80),
        (SimProvider::Salesforce, 15_000),
    ] {
        let sim = sim(provider, Faults::default()).await;
        let client = connect(&sim, Setup::fast());
        let (got, err) = pages(client.connector.as_ref()).await;
        assert!(err.is_none(), "{err:?}");
        assert!(got.len() >= LEADS / PAGE as usize, "{provider}");
        for page in &got {
            assert_eq!(page.rate_limit.limit, Some(limit), "{provider}");
            assert!(page.rate_limit.remaining.is_some(), "{provider}");
        }
    }
}
