//! What the streaming tests share: the runtime, connectors pointed at a simulator (with or
//! without the provider's default limiter), the expected order of a full walk, and the process's
//! memory figures.

use std::sync::Arc;

use crm_core::transport::{RequestLimiter, TransportOptions};
use crm_core::DynConnector;
use crm_sim::{Faults, SimConfig, SimHandle, SimProvider};
use secrecy::SecretString;
use serde_json::Value;

/// A runtime like the server's, small enough for two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The provider's own client-side limiter (`crm_<provider>::default_limiter`).
pub fn default_limiter(provider: SimProvider) -> Option<RequestLimiter> {
    match provider {
        SimProvider::Copper => Some(crm_copper::default_limiter()),
        SimProvider::Insightly => Some(crm_insightly::default_limiter()),
        SimProvider::Pipedrive => Some(crm_pipedrive::default_limiter()),
        SimProvider::Zoho => Some(crm_zoho::default_limiter()),
        SimProvider::Salesforce => Some(crm_salesforce::default_limiter()),
        SimProvider::ZendeskSell => Some(crm_zendesk_sell::default_limiter()),
    }
}

/// The real connector of `sim`'s provider, pointed at it, with its own `limiter` (none when
/// `None`). Each call builds a fresh limiter, so runs do not share a budget.
pub fn connector(sim: &SimHandle, limiter: Option<RequestLimiter>) -> Arc<dyn DynConnector> {
    let creds = sim.credentials();
    let options = TransportOptions {
        limiter: limiter.map(Arc::new),
        ..TransportOptions::default()
    };
    match sim.provider() {
        SimProvider::Copper => {
            let config = crm_copper::Config::new(
                creds.api_key.expect("api key"),
                creds.user_email.expect("user email"),
            )
            .with_base_url(sim.base_url());
            Arc::new(crm_copper::CopperConnector::with_options(config, &options).expect("copper"))
        }
        SimProvider::Insightly => {
            let config = crm_insightly::Config::new(creds.api_key.expect("api key"))
                .with_base_url(sim.base_url());
            Arc::new(
                crm_insightly::InsightlyConnector::with_options(config, &options)
                    .expect("insightly"),
            )
        }
        SimProvider::Pipedrive => {
            let config =
                crm_pipedrive::Config::api_token(SecretString::from(creds.api_key.expect("token")))
                    .with_base_url(sim.base_url())
                    // These walks measure paging; the persons call has its own tests.
                    .with_person_enrichment(false);
            Arc::new(
                crm_pipedrive::PipedriveConnector::with_options(config, &options)
                    .expect("pipedrive"),
            )
        }
        SimProvider::Zoho => {
            let config = crm_zoho::Config::new(
                sim.base_url(),
                SecretString::from(creds.access_token.expect("access token")),
            );
            Arc::new(crm_zoho::ZohoConnector::with_options(config, &options).expect("zoho"))
        }
        SimProvider::Salesforce => {
            let config = crm_salesforce::Config::new(
                sim.base_url(),
                SecretString::from(creds.access_token.expect("access token")),
            );
            Arc::new(
                crm_salesforce::SalesforceConnector::with_options(config, &options)
                    .expect("salesforce"),
            )
        }
        SimProvider::ZendeskSell => {
            let config = crm_zendesk_sell::Config::oauth(SecretString::from(
                creds.access_token.expect("access token"),
            ))
            .with_base_url(sim.base_url())
            // These walks measure paging; the conversions call has its own tests.
            .with_conversions(false)
            .with_sources(false);
            Arc::new(
                crm_zendesk_sell::ZendeskSellConnector::with_options(config, &options)
                    .expect("zendesk sell"),
            )
        }
    }
}

/// The ids of an unfiltered walk, in the connector's declared order, computed from the
/// simulator's records (not by the simulator's own paging code):
/// Copper `date_created` then `id`; Pipedrive unarchived leads by `add_time` then `id`; Zoho
/// every lead (`converted=both`) by `id` as a number.
pub fn expected_ids(provider: SimProvider, records: &[Value]) -> Vec<String> {
    match provider {
        SimProvider::Copper => {
            let mut hits: Vec<&Value> = records.iter().collect();
            hits.sort_by_key(|r| (r["date_created"].as_i64(), r["id"].as_i64()));
            hits.iter().map(|r| r["id"].to_string()).collect()
        }
        SimProvider::Insightly => {
            let mut ids: Vec<i64> = records
                .iter()
                .filter_map(|r| r["LEAD_ID"].as_i64())
                .collect();
            ids.sort_unstable();
            ids.into_iter().map(|id| id.to_string()).collect()
        }
        SimProvider::Pipedrive => {
            let mut hits: Vec<&Value> = records
                .iter()
                .filter(|r| r["is_archived"] != Value::Bool(true))
                .collect();
            hits.sort_by_key(|r| (r["add_time"].as_str(), r["id"].as_str()));
            hits.iter()
                .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        }
        SimProvider::Zoho => {
            let mut ids: Vec<&str> = records
                .iter()
                .map(|r| r["id"].as_str().unwrap_or_default())
                .collect();
            ids.sort_by_key(|id| (id.len(), *id));
            ids.into_iter().map(str::to_owned).collect()
        }
        SimProvider::ZendeskSell => {
            let mut ids: Vec<i64> = records
                .iter()
                .filter_map(|r| r["data"]["id"].as_i64())
                .collect();
            ids.sort_unstable();
            ids.into_iter().map(|id| id.to_string()).collect()
        }
        SimProvider::Salesforce => panic!("not used: Salesforce pages are not predictable"),
    }
}

/// The process's resident memory now (`VmRSS`) and its peak so far (`VmHWM`), in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Memory {
    /// Reads `/proc/self/status`; `None` where there is no procfs (not Linux).
    pub fn now() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        };
        Some(Memory {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }
}

/// KiB as MiB, for printing.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A simulator of `provider` with `leads` generated leads, every one of them listed by an
/// unfiltered walk, starting with `faults`.
///
/// Pipedrive's generated leads are unarchived first (its plain list leaves archived leads out)
/// and stored in list order (`add_time`, then `id`): the simulator filters and sorts the whole
/// dataset on every request, and over 50,000 leads in random order that costs ~80 ms a page in a
/// release build; over sorted input the sort is linear and a page costs ~50 ms (the scan of
/// 50,000 records scattered over ~400 MiB remains). That is the simulator's cost, not ours.
pub async fn start(provider: SimProvider, seed: u64, leads: usize, faults: Faults) -> SimHandle {
    let mut config = SimConfig::new(seed, leads).with_faults(faults);
    if provider == SimProvider::Pipedrive {
        let mut records = crm_sim::data::generate(provider, seed, leads);
        for r in &mut records {
            r["is_archived"] = Value::Bool(false);
        }
        records.sort_by(|a, b| {
            (a["add_time"].as_str(), a["id"].as_str())
                .cmp(&(b["add_time"].as_str(), b["id"].as_str()))
        });
        config = config.with_records(records);
    }
    crm_sim::start(provider, config).await.expect("simulator")
}
