//! What every fault scenario needs: a simulator, a connector on it with fast retries and shared
//! counters, a full walk, and one table cell to report.

use crm_core::transport::RefreshSettings;
use crm_core::transport::{
    OAuthCredentials, OAuthSettings, RequestLimiter, RetryPolicy, TokenSet, TransportOptions,
    TransportStats,
};
use crm_core::{DynConnector, Lead, LeadQuery, PageRequest, RawPage};
use crm_sim::{Faults, SimConfig, SimHandle, SimProvider};
use futures::TryStreamExt;
use secrecy::SecretString;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Leads in every simulator of the suite.
pub const LEADS: usize = 120;

/// Page size of every walk (several pages per walk).
pub const PAGE: u32 = 40;

/// Attempts per request, the first included.
pub const MAX_ATTEMPTS: u32 = 4;

/// Retries with millisecond backoff, so each scenario takes well under a second.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: MAX_ATTEMPTS,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(2),
        deadline: Duration::from_secs(5),
    }
}

/// The outcome of one scenario: one cell of the fault table.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Faults the simulator injected (as its own counters report them).
    pub injected: u64,
    /// Retries the client made (its `TransportStats`).
    pub retries: u64,
    /// What the caller saw.
    pub outcome: String,
}

/// A scenario's verdict: the cell, or why the behaviour was wrong.
pub type Verdict = Result<Cell, String>;

/// `Err(message)` unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}
pub(crate) use ensure;

/// One of the four providers, as the simulator and core name it.
pub fn name(provider: SimProvider) -> &'static str {
    match provider {
        SimProvider::Copper => "Copper",
        SimProvider::Insightly => "Insightly",
        SimProvider::Pipedrive => "Pipedrive",
        SimProvider::Salesforce => "Salesforce",
        SimProvider::Zoho => "Zoho CRM",
        SimProvider::ZendeskSell => "Zendesk Sell",
    }
}

/// Providers with OAuth refresh tokens (Copper and Insightly authenticate with an API key).
pub fn has_refresh(provider: SimProvider) -> bool {
    !matches!(provider, SimProvider::Copper | SimProvider::Insightly)
}

/// A simulator with the suite's dataset and these faults.
pub async fn sim(provider: SimProvider, faults: Faults) -> SimHandle {
    crm_sim::start(provider, SimConfig::new(7, LEADS).with_faults(faults))
        .await
        .expect("simulator starts on loopback")
}

/// How the client is set up.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub retry: Option<RetryPolicy>,
    pub timeout: Option<Duration>,
    pub limiter: Option<Arc<RequestLimiter>>,
}

impl Setup {
    pub fn fast() -> Self {
        Setup {
            retry: Some(fast_retry()),
            ..Setup::default()
        }
    }
}

/// A connector on a simulator, with the counters a scenario reads.
#[derive(Debug)]
pub struct Client {
    pub connector: Arc<dyn DynConnector>,
    pub stats: Arc<TransportStats>,
    /// The refreshing credentials (OAuth providers).
    pub oauth: Option<Arc<OAuthCredentials>>,
}

fn secret(value: Option<String>) -> SecretString {
    SecretString::from(value.unwrap_or_default())
}

/// The provider's connector on `sim`, built the way the server builds it: OAuth providers get
/// refreshing credentials from their `Config::oauth_settings()` / `token_set()`.
pub fn connect(sim: &SimHandle, setup: Setup) -> Client {
    let stats = Arc::new(TransportStats::default());
    let options = TransportOptions {
        timeout: setup.timeout,
        retry: setup.retry,
        limiter: setup.limiter,
        stats: Some(stats.clone()),
        ..TransportOptions::default()
    };
    let c = sim.credentials();
    let base = sim.base_url();
    let mut oauth = None;
    let mut with_oauth = |settings: OAuthSettings, tokens: TokenSet| {
        let credentials = Arc::new(OAuthCredentials::new(settings, tokens));
        oauth = Some(credentials.clone());
        TransportOptions {
            credentials: Some(credentials),
            ..options.clone()
        }
    };
    let connector: Arc<dyn DynConnector> = match sim.provider() {
        SimProvider::Copper => {
            let config = crm_copper::Config::new(secret(c.api_key), secret(c.user_email))
                .with_base_url(base);
            Arc::new(crm_copper::CopperConnector::with_options(config, &options).expect("copper"))
        }
        SimProvider::Insightly => {
            let config = crm_insightly::Config::new(secret(c.api_key)).with_base_url(base);
            Arc::new(
                crm_insightly::InsightlyConnector::with_options(config, &options)
                    .expect("insightly"),
            )
        }
        SimProvider::Pipedrive => {
            let refresh = RefreshSettings::new(
                c.client_id.unwrap_or_default(),
                secret(c.client_secret),
                secret(c.refresh_token),
            )
            .with_token_url(c.token_url.unwrap_or_default());
            let config =
                crm_pipedrive::Config::oauth(base, secret(c.access_token)).with_refresh(refresh);
            let options = with_oauth(
                config.oauth_settings().expect("pipedrive refresh settings"),
                config.token_set().expect("pipedrive tokens"),
            );
            Arc::new(
                crm_pipedrive::PipedriveConnector::with_options(config, &options)
                    .expect("pipedrive"),
            )
        }
        SimProvider::Salesforce => {
            let config = crm_salesforce::Config::new(base, secret(c.access_token)).with_refresh(
                RefreshSettings::new(
                    c.client_id.unwrap_or_default(),
                    secret(c.client_secret),
                    secret(c.refresh_token),
                )
                .with_token_url(c.token_url.unwrap_or_default()),
            );
            let options = with_oauth(
                config
                    .oauth_settings()
                    .expect("salesforce refresh settings"),
                config.token_set(),
            );
            Arc::new(
                crm_salesforce::SalesforceConnector::with_options(config, &options)
                    .expect("salesforce"),
            )
        }
        SimProvider::Zoho => {
            let config = crm_zoho::Config::new(base, secret(c.access_token)).with_refresh(
                RefreshSettings::new(
                    c.client_id.unwrap_or_default(),
                    secret(c.client_secret),
                    secret(c.refresh_token),
                )
                // The simulator is its own accounts server.
                .with_token_url(format!("{base}/oauth/v2/token")),
            );
            let settings = config
                .oauth_settings()
                .expect("zoho refresh settings")
                .expect("zoho refresh configured");
            let options = with_oauth(settings, config.token_set());
            Arc::new(crm_zoho::ZohoConnector::with_options(config, &options).expect("zoho"))
        }
        SimProvider::ZendeskSell => {
            let config = crm_zendesk_sell::Config::oauth(secret(c.access_token))
                .with_base_url(base)
                .with_refresh(
                    RefreshSettings::new(
                        c.client_id.unwrap_or_default(),
                        secret(c.client_secret),
                        secret(c.refresh_token),
                    )
                    .with_token_url(c.token_url.unwrap_or_default()),
                );
            let options = with_oauth(
                config
                    .oauth_settings()
                    .expect("zendesk sell refresh settings"),
                config.token_set().expect("zendesk sell tokens"),
            );
            Arc::new(
                crm_zendesk_sell::ZendeskSellConnector::with_options(config, &options)
                    .expect("zendesk sell"),
            )
        }
    };
    Client {
        connector,
        stats,
        oauth,
    }
}

/// The query of every walk: no filters, [`PAGE`] leads a page.
pub fn query() -> LeadQuery {
    LeadQuery {
        limit: Some(PAGE),
        ..LeadQuery::default()
    }
}

/// Every lead, page after page, through core's pipeline (mapping included).
pub async fn walk(connector: &dyn DynConnector) -> crm_core::Result<Vec<Lead>> {
    let query = query();
    crm_core::stream_leads(connector, &query)
        .try_collect()
        .await
}

/// The first page only.
pub async fn first_page(connector: &dyn DynConnector) -> crm_core::Result<RawPage> {
    let query = query();
    let caps = connector.capabilities();
    connector
        .fetch_page(PageRequest {
            query: &query,
            page_size: caps.page_size(&query),
            state: None,
        })
        .await
}

/// The ids a full walk must deliver: the simulator's dataset as the list endpoint shows it
/// (Pipedrive's plain list leaves archived leads out).
pub fn expected_ids(sim: &SimHandle) -> BTreeSet<String> {
    let key = match sim.provider() {
        SimProvider::Salesforce => "Id",
        SimProvider::Insightly => "LEAD_ID",
        _ => "id",
    };
    sim.records()
        .iter()
        .filter(|r| {
            sim.provider() != SimProvider::Pipedrive || r["is_archived"].as_bool() != Some(true)
        })
        .map(|r| match sim.provider() {
            SimProvider::ZendeskSell => &r["data"]["id"],
            _ => &r[key],
        })
        .map(|id| match id {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// `Err` unless `leads` are exactly the simulator's leads, each once.
pub fn all_delivered(sim: &SimHandle, leads: &[Lead]) -> Result<usize, String> {
    let expected = expected_ids(sim);
    let got: BTreeSet<String> = leads.iter().map(|l| l.id.clone()).collect();
    ensure!(
        got.len() == leads.len(),
        "{} leads delivered with duplicates ({} distinct)",
        leads.len(),
        got.len()
    );
    ensure!(
        got == expected,
        "{} leads delivered, {} expected; missing {:?}",
        got.len(),
        expected.len(),
        expected.difference(&got).take(3).collect::<Vec<_>>()
    );
    Ok(leads.len())
}

/// The class of an error as a caller sees it: our HTTP status and the variant.
pub fn class(error: &crm_core::Error) -> String {
    let variant = format!("{error:?}");
    let variant = variant
        .split([' ', '{', '('])
        .next()
        .unwrap_or("?")
        .to_owned();
    match error.remote() {
        Some(remote) => format!(
            "{} {variant} (provider {})",
            error.http_status(),
            remote.status
        ),
        None => format!("{} {variant}", error.http_status()),
    }
}

/// Waits until the simulator has received `n` data requests (at most two seconds).
pub async fn until_requests(sim: &SimHandle, n: u64) -> Result<(), String> {
    for _ in 0..400 {
        if sim.stats().api_requests >= n {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Err(format!("the simulator never saw {n} requests"))
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "injected {}, retries {}: {}",
            self.injected, self.retries, self.outcome
        )
    }
}

/// A scenario run for one provider.
pub type Scenario =
    fn(SimProvider) -> std::pin::Pin<Box<dyn std::future::Future<Output = Verdict> + Send>>;

/// Runs `scenario` for the four providers at once; panics naming every provider that failed.
pub async fn for_every_provider(scenario: Scenario) {
    let runs = SimProvider::ALL.map(|p| async move { (p, scenario(p).await) });
    let failures: Vec<String> = futures::future::join_all(runs)
        .await
        .into_iter()
        .filter_map(|(p, verdict)| verdict.err().map(|e| format!("{}: {e}", name(p))))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
