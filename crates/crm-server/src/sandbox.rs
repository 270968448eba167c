//! `crm-server --sandbox`: simulators of the four providers in-process (crm-sim), an in-memory
//! store, and four sandbox accounts with fixed ids (DESIGN.md) pointing at the simulators. No API
//! key is needed; the server refuses to listen on anything but loopback.

use crate::auth::SANDBOX_TENANT;
use crate::registry::ConnectorFactory;
use crate::store::{Account, Credentials, Store};
use crm_core::Provider;
use crm_sim::{SimCluster, SimConfig, SimCredentials, SimProvider};
use std::fmt::Write as _;
use std::net::SocketAddr;
use uuid::Uuid;

/// The sandbox accounts: fixed ids that docs, scripts and tests rely on.
pub const SANDBOX_ACCOUNTS: [(Provider, &str); 4] = [
    (Provider::Copper, "00000000-0000-4000-8000-00000000c0e1"),
    (Provider::Pipedrive, "00000000-0000-4000-8000-0000000091de"),
    (Provider::Salesforce, "00000000-0000-4000-8000-0000000005f0"),
    (Provider::Zoho, "00000000-0000-4000-8000-0000000020c0"),
];

/// The sandbox account id of a provider.
pub fn sandbox_account(provider: Provider) -> Uuid {
    let (_, id) = SANDBOX_ACCOUNTS
        .iter()
        .find(|(p, _)| *p == provider)
        .expect("every provider has a sandbox account");
    Uuid::parse_str(id).expect("a fixed uuid")
}

fn sim_provider(provider: Provider) -> SimProvider {
    match provider {
        Provider::Copper => SimProvider::Copper,
        Provider::Pipedrive => SimProvider::Pipedrive,
        Provider::Salesforce => SimProvider::Salesforce,
        Provider::Zoho => SimProvider::Zoho,
    }
}

/// The running simulators.
#[derive(Debug)]
pub struct Sandbox {
    pub cluster: SimCluster,
}

/// The account store's credentials for what a simulator accepts. Pipedrive uses its API token.
pub fn credentials_for(provider: Provider, sim: &SimCredentials) -> Credentials {
    let s = |v: &Option<String>| v.clone().map(Into::into);
    match provider {
        Provider::Copper => Credentials {
            api_key: s(&sim.api_key),
            user_email: s(&sim.user_email),
            ..Credentials::default()
        },
        Provider::Pipedrive => Credentials {
            api_token: s(&sim.api_key),
            ..Credentials::default()
        },
        Provider::Salesforce | Provider::Zoho => Credentials {
            access_token: s(&sim.access_token),
            refresh_token: s(&sim.refresh_token),
            client_id: sim.client_id.clone(),
            client_secret: s(&sim.client_secret),
            token_url: sim.token_url.clone(),
            ..Credentials::default()
        },
    }
}

/// Starts the four simulators (the default dataset: 250 generated leads each) and stores the four
/// sandbox accounts pointing at them.
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
    for (provider, _) in SANDBOX_ACCOUNTS {
        let sim = cluster.get(sim_provider(provider));
        let account = Account::new(
            sandbox_account(provider),
            SANDBOX_TENANT,
            provider,
            sim.base_url(),
            credentials_for(provider, &sim.credentials()),
        );
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
        let SimCluster {
            copper,
            pipedrive,
            salesforce,
            zoho,
        } = self.cluster;
        for sim in [copper, pipedrive, salesforce, zoho] {
            sim.shutdown().await;
        }
    }
}

/// The sandbox banner for a server on `addr`.
pub fn banner(addr: SocketAddr) -> String {
    let base = format!("http://{addr}");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "crm-server sandbox: four simulated CRMs in-process, no API key needed (loopback only)."
    );
    let _ = writeln!(out, "Listening on {base}\n");
    let _ = writeln!(out, "Sandbox accounts (integrated_account_id):");
    for (provider, id) in SANDBOX_ACCOUNTS {
        let _ = writeln!(out, "  {:<11} {id}", provider.display_name());
    }
    let _ = writeln!(out, "\nTry:");
    for (provider, id) in SANDBOX_ACCOUNTS {
        let _ = writeln!(out, "  # {}: the first two leads", provider.display_name());
        let _ = writeln!(
            out,
            "  curl -s '{base}/unified/crm/leads?integrated_account_id={id}&limit=2'"
        );
    }
    let sf = SANDBOX_ACCOUNTS[2].1;
    let pd = SANDBOX_ACCOUNTS[1].1;
    let _ = writeln!(
        out,
        "  # a filter: Salesforce leads created since 2025, without remote_data"
    );
    let _ = writeln!(
        out,
        "  curl -sg '{base}/unified/crm/leads?integrated_account_id={sf}&created_at[gte]=2025-01-01T00:00:00Z&limit=5&truto_ignore_remote_data=true'"
    );
    let _ = writeln!(
        out,
        "  # what a provider supports (filters, operators, fields, page sizes)"
    );
    let _ = writeln!(
        out,
        "  curl -s '{base}/unified/crm/leads/meta?integrated_account_id={pd}'"
    );
    let _ = writeln!(out, "\nStop with Ctrl-C.");
    out
}
