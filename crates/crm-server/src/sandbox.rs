//! `crm-server --sandbox`: a simulator of each provider in the registry, in-process (crm-sim), an
//! in-memory store, and one sandbox account per provider with the fixed id its descriptor gives,
//! pointing at its simulator. No API key is needed; the server refuses to listen on anything but
//! loopback.

use crate::auth::SANDBOX_TENANT;
use crate::registry::ConnectorFactory;
use crate::store::{Account, Credentials, Store};
use crm_core::{Descriptor, Provider};
use crm_sim::{SimCluster, SimConfig};
use std::fmt::Write as _;
use std::net::SocketAddr;
use uuid::Uuid;

/// The sandbox accounts of this build, as (provider, fixed account id), ordered by provider id.
pub fn sandbox_accounts() -> impl Iterator<Item = (Provider, Uuid)> {
    crm_providers::all()
        .iter()
        .filter_map(|d| Some((d.provider, Uuid::parse_str(d.sandbox_account).ok()?)))
}

/// The sandbox account id of a provider (the nil uuid for one this build does not include).
pub fn sandbox_account(provider: Provider) -> Uuid {
    sandbox_accounts()
        .find(|(p, _)| *p == provider)
        .map_or(Uuid::nil(), |(_, id)| id)
}

/// The running simulators.
#[derive(Debug)]
pub struct Sandbox {
    pub cluster: SimCluster,
}

/// The sandbox account of `descriptor`, pointing at its simulator.
fn account(descriptor: &Descriptor, cluster: &SimCluster) -> std::io::Result<Account> {
    let provider = descriptor.provider;
    let sim = cluster.by_id(provider.as_str()).ok_or_else(|| {
        std::io::Error::other(format!(
            "{provider} has no simulator, so sandbox mode cannot offer it"
        ))
    })?;
    let mut credentials = Credentials::default();
    for (name, value) in sim.credentials().account_fields(sim.provider()) {
        credentials.set(name, value);
    }
    let id = Uuid::parse_str(descriptor.sandbox_account).map_err(|_| {
        std::io::Error::other(format!("{provider}'s sandbox account id is not a uuid"))
    })?;
    Ok(Account::new(
        id,
        SANDBOX_TENANT,
        provider,
        sim.base_url(),
        credentials,
    ))
}

/// Starts the simulators (the default dataset: 250 generated leads each) and stores one sandbox
/// account per provider pointing at its simulator.
pub async fn start(store: &Store, factory: &dyn ConnectorFactory) -> std::io::Result<Sandbox> {
    start_with(store, factory, SimConfig::default()).await
}

/// [`start`] with another simulator configuration.
pub async fn start_with(
    store: &Store,
    factory: &dyn ConnectorFactory,
    config: SimConfig,
) -> std::io::Result<Sandbox> {
    let cluster = crm_sim::start_all(config).await?;
    for descriptor in crm_providers::all() {
        let account = account(descriptor, &cluster)?;
        let provider = descriptor.provider;
        factory
            .build(&account)
            .map_err(|e| std::io::Error::other(format!("{provider} sandbox account: {e}")))?;
        store
            .put_account(&account)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    Ok(Sandbox { cluster })
}

impl Sandbox {
    /// What `crm-server --sandbox` prints: the accounts and ready-to-paste curl commands.
    pub fn banner(&self, addr: SocketAddr) -> String {
        banner(addr)
    }

    /// Stops the simulators.
    pub async fn shutdown(self) {
        self.cluster.shutdown().await;
    }
}

/// The sandbox banner for a server on `addr`.
pub fn banner(addr: SocketAddr) -> String {
    let base = format!("http://{addr}");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "crm-server sandbox: {} simulated CRMs in-process, no API key needed (loopback only).",
        crm_providers::all().len()
    );
    let _ = writeln!(out, "Listening on {base}\n");
    let _ = writeln!(out, "Sandbox accounts (integrated_account_id):");
    for (provider, id) in sandbox_accounts() {
        let _ = writeln!(out, "  {:<11} {id}", provider.display_name());
    }
    let _ = writeln!(out, "\nTry:");
    for (provider, id) in sandbox_accounts() {
        let _ = writeln!(out, "  # {}: the first two leads", provider.display_name());
        let _ = writeln!(
            out,
            "  curl -s '{base}/unified/crm/leads?integrated_account_id={id}&limit=2'"
        );
    }
    // A filter example on the first provider that supports `created_at[gte]`.
    let created = crm_providers::all().iter().find(|d| {
        d.capabilities
            .filter(crm_core::FilterKey::CreatedAt)
            .is_some_and(|f| f.operators.contains(&crm_core::Operator::Gte))
    });
    if let Some(d) = created {
        let _ = writeln!(
            out,
            "  # a filter: {} leads created since 2025, without remote_data",
            d.provider
        );
        let _ = writeln!(
            out,
            "  curl -sg '{base}/unified/crm/leads?integrated_account_id={}&created_at[gte]=2025-01-01T00:00:00Z&limit=5&truto_ignore_remote_data=true'",
            d.sandbox_account
        );
    }
    if let Some((provider, id)) = sandbox_accounts().next() {
        let _ = writeln!(
            out,
            "  # what a provider supports (filters, operators, fields, page sizes): {provider}"
        );
        let _ = writeln!(
            out,
            "  curl -s '{base}/unified/crm/leads/meta?integrated_account_id={id}'"
        );
    }
    let _ = writeln!(out, "\nStop with Ctrl-C.");
    out
}
