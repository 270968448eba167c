//! Start and stop simulators: bind 127.0.0.1 on an ephemeral port, serve the provider's routes,
//! and hand back a [`SimHandle`] that controls faults, tokens and stats and stops the server when
//! dropped.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use rand::SeedableRng;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::AuthState;
use crate::config::{SimConfig, SimCredentials, SimProvider};
use crate::faults::{FaultState, Faults, Usage};
use crate::respond::{self, Failure};
use crate::state::SimState;
use crate::stats::{LoggedRequest, SimStats};

/// A running simulator. Dropping it stops the server (in-flight requests finish).
#[derive(Debug)]
pub struct SimHandle {
    state: Arc<SimState>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Start a simulator of `provider` on `127.0.0.1:0`.
///
/// Must be called inside a Tokio runtime (the server runs as a task on it).
pub async fn start(provider: SimProvider, config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let (records, raw): (Vec<Value>, Vec<String>) = match &config.records {
        Some(records) => records.iter().map(|r| (r.clone(), r.to_string())).unzip(),
        None => crate::data::generate_ordered(
            provider,
            config.seed,
            config.leads,
            config.zoho_utc_offset_minutes,
        )
        .iter()
        .map(|r| (r.to_value(), r.to_json()))
        .unzip(),
    };
    let state = Arc::new(SimState {
        provider,
        base_url,
        faults: Mutex::new(FaultState::new(
            config.faults.clone(),
            rand::rngs::StdRng::seed_from_u64(config.seed ^ 0xfa17),
        )),
        usage: Mutex::new(Usage::default()),
        auth: Mutex::new(AuthState::new(provider, config.seed)),
        stats: Mutex::new(SimStats::default()),
        log: Mutex::new(VecDeque::new()),
        salesforce: Default::default(),
        zoho: Default::default(),
        zendesk_sell: match (provider, &config.records) {
            (SimProvider::ZendeskSell, None) => {
                crate::zendesk_sell::ZendeskSellState::new(crate::zendesk_sell::conversion_records(
                    &crate::data::people(config.seed, config.leads),
                ))
            }
            _ => Default::default(),
        },
        records,
        raw,
        config,
    });
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::warn!(error = %e, "simulator server stopped with an error");
        }
    });
    tracing::debug!(%provider, %addr, "simulator started");
    Ok(SimHandle {
        state,
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

fn router(state: Arc<SimState>) -> Router {
    let (api, token) = match state.provider {
        SimProvider::Copper => (crate::copper::api_routes(), Router::new()),
        SimProvider::Insightly => (crate::insightly::api_routes(), Router::new()),
        SimProvider::Pipedrive => (
            crate::pipedrive::api_routes(),
            crate::pipedrive::token_routes(),
        ),
        SimProvider::Salesforce => (
            crate::salesforce::api_routes(),
            crate::salesforce::token_routes(),
        ),
        SimProvider::Zoho => (crate::zoho::api_routes(), crate::zoho::token_routes()),
        SimProvider::ZendeskSell => (
            crate::zendesk_sell::api_routes(),
            crate::zendesk_sell::token_routes(),
        ),
    };
    let api = api.layer(middleware::from_fn_with_state(
        state.clone(),
        crate::faults::layer,
    ));
    Router::new()
        .merge(api)
        .merge(token)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), count_all))
        .with_state(state)
}

async fn count_all(State(st): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    st.with_stats(|s| s.requests += 1);
    next.run(req).await
}

async fn not_found(State(st): State<Arc<SimState>>) -> Response {
    respond::failure(&st, Failure::NotFound)
}

/// Path of the provider's token endpoint, if it has one.
pub(crate) fn token_path(provider: SimProvider) -> Option<&'static str> {
    match provider {
        SimProvider::Copper | SimProvider::Insightly => None,
        SimProvider::Pipedrive => Some("/oauth/token"),
        SimProvider::Salesforce => Some("/services/oauth2/token"),
        SimProvider::Zoho => Some("/oauth/v2/token"),
        SimProvider::ZendeskSell => Some("/oauth2/token"),
    }
}

impl SimHandle {
    /// Which provider this simulator imitates.
    pub fn provider(&self) -> SimProvider {
        self.state.provider
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: the account's base URL (Salesforce
    /// `instance_url`, Pipedrive/Zoho `api_domain`, Copper API host). Token endpoints live here too.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// The socket address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials the simulator accepts now (the newest tokens after a refresh).
    pub fn credentials(&self) -> SimCredentials {
        self.state
            .auth()
            .credentials(&self.state.base_url, token_path(self.state.provider))
    }

    /// The dataset, in the provider's record shape and storage order.
    pub fn records(&self) -> &[Value] {
        &self.state.records
    }

    /// The configuration the simulator was started with.
    pub fn config(&self) -> &SimConfig {
        &self.state.config
    }

    /// The faults in force now (with `Next`/`Sequence` triggers partly consumed).
    pub fn faults(&self) -> Faults {
        self.state
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .faults
            .clone()
    }

    /// Replace the faults (and restart their counters).
    pub fn set_faults(&self, faults: Faults) {
        self.state
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set(faults);
    }

    /// Change the faults in place.
    pub fn update_faults(&self, f: impl FnOnce(&mut Faults)) {
        let mut st = self.state.faults.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut st.faults);
    }

    /// Counters since start or the last reset.
    pub fn stats(&self) -> SimStats {
        self.state
            .stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Zero the counters and clear the request log.
    pub fn reset_stats(&self) {
        *self.state.stats.lock().unwrap_or_else(|e| e.into_inner()) = SimStats::default();
        self.state
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The data requests received (the newest 10,000), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Expire every access token issued so far: data requests answer 401 in the provider's
    /// format until the client refreshes through the token endpoint. Copper has no refresh: its
    /// API key stops working until [`SimHandle::set_api_key_valid`]. Pipedrive API tokens
    /// (`x-api-token`) do not expire; only its OAuth tokens do.
    pub fn expire_access_token(&self) {
        self.state.auth().expire();
    }

    /// Revoke (`false`) or restore (`true`) the Copper API key / Pipedrive API token.
    pub fn set_api_key_valid(&self, valid: bool) {
        self.state.auth().api_key_valid = valid;
    }

    /// Stop the server and wait until it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One simulator per provider, e.g. for the sandbox.
#[derive(Debug)]
pub struct SimCluster {
    pub copper: SimHandle,
    pub insightly: SimHandle,
    pub pipedrive: SimHandle,
    pub salesforce: SimHandle,
    pub zoho: SimHandle,
    pub zendesk_sell: SimHandle,
}

impl SimCluster {
    /// The simulator of `provider`.
    pub fn get(&self, provider: SimProvider) -> &SimHandle {
        match provider {
            SimProvider::Copper => &self.copper,
            SimProvider::Insightly => &self.insightly,
            SimProvider::Pipedrive => &self.pipedrive,
            SimProvider::Salesforce => &self.salesforce,
            SimProvider::Zoho => &self.zoho,
            SimProvider::ZendeskSell => &self.zendesk_sell,
        }
    }

    /// The simulator of the provider with this id (`copper`, ...), if there is one.
    pub fn by_id(&self, id: &str) -> Option<&SimHandle> {
        id.parse().ok().map(|p| self.get(p))
    }

    /// Stops every simulator.
    pub async fn shutdown(self) {
        for sim in [
            self.copper,
            self.insightly,
            self.pipedrive,
            self.salesforce,
            self.zoho,
            self.zendesk_sell,
        ] {
            sim.shutdown().await;
        }
    }

    /// The simulators in [`SimProvider::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = &SimHandle> {
        [
            &self.copper,
            &self.insightly,
            &self.pipedrive,
            &self.salesforce,
            &self.zoho,
            &self.zendesk_sell,
        ]
        .into_iter()
    }
}

/// Start one simulator per provider, each on its own port, all with `config` (its `records`
/// override is ignored: each provider generates its own shape from the seed).
pub async fn start_all(mut config: SimConfig) -> std::io::Result<SimCluster> {
    config.records = None;
    Ok(SimCluster {
        copper: start(SimProvider::Copper, config.clone()).await?,
        insightly: start(SimProvider::Insightly, config.clone()).await?,
        pipedrive: start(SimProvider::Pipedrive, config.clone()).await?,
        salesforce: start(SimProvider::Salesforce, config.clone()).await?,
        zoho: start(SimProvider::Zoho, config.clone()).await?,
        zendesk_sell: start(SimProvider::ZendeskSell, config).await?,
    })
}
