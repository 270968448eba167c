//! `crm-sim`: run the four provider simulators on loopback and print where they are and which
//! credentials they accept, for manual testing with curl or a locally running server.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use crm_sim::{Budget, Faults, SimConfig, SimProvider};

/// Run simulated Copper, Pipedrive, Salesforce and Zoho CRM lead APIs on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "crm-sim", version)]
struct Args {
    /// Seed of the generated data (same seed, same leads).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Leads per provider.
    #[arg(long, default_value_t = 250)]
    leads: usize,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Enforce each provider's own request budget (Copper 180/min, Pipedrive 80/2s, ...).
    #[arg(long)]
    rate_limits: bool,
    /// Print the endpoints and credentials as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut cluster_faults = Faults {
        latency: Duration::from_millis(args.latency_ms),
        ..Faults::default()
    };
    let config = SimConfig::new(args.seed, args.leads);
    let cluster = crm_sim::start_all(config).await?;
    for sim in cluster.iter() {
        if args.rate_limits {
            cluster_faults.budget = Some(Budget::provider_default(sim.provider()));
        }
        sim.set_faults(cluster_faults.clone());
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let all: Vec<_> = cluster
            .iter()
            .map(|s| {
                serde_json::json!({
                    "provider": s.provider(),
                    "base_url": s.base_url(),
                    "credentials": s.credentials(),
                })
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&all).unwrap_or_default()
        )?;
    } else {
        for s in cluster.iter() {
            writeln!(out, "{:<11} {}", s.provider(), s.base_url())?;
            let c = s.credentials();
            let fields = [
                ("access_token", c.access_token),
                ("refresh_token", c.refresh_token),
                ("client_id", c.client_id),
                ("client_secret", c.client_secret),
                ("token_url", c.token_url),
                ("api_key", c.api_key),
                ("user_email", c.user_email),
            ];
            for (name, value) in fields {
                if let Some(v) = value {
                    writeln!(out, "            {name:<14} {v}")?;
                }
            }
        }
        let sf = cluster.get(SimProvider::Salesforce);
        writeln!(
            out,
            "\nexample: curl -H 'Authorization: Bearer {}' '{}/services/data/v60.0/query?q=SELECT+Id,Name+FROM+Lead+LIMIT+5'",
            sf.credentials().access_token.unwrap_or_default(),
            sf.base_url()
        )?;
        writeln!(out, "Ctrl-C stops.")?;
    }
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
