//! Load test of the gateway in sandbox mode, against fetching the same pages straight from the
//! simulators, in the same run and process. Loopback only; bounded by a request count and a time
//! limit per phase.
//!
//! ```text
//! cargo run --release -p crm-server --example loadtest -- --clients 8 --requests 4000
//! ```
//!
//! For each provider: `--clients` concurrent clients first replay the connector's own page
//! requests (same path, query, body, auth headers and page size) against the provider's simulator
//! ("direct"), then list pages of `--limit` leads through `GET /unified/crm/leads` ("gateway"),
//! each phase until `--requests` requests or `--seconds` passed. Printed per provider: throughput,
//! p50/p99 latency, mean body size, the gateway/direct p50 ratio (target: at most 1.5), and the
//! process's memory (VmRSS, VmHWM: one process holds the load generator, the four simulators and
//! the gateway).
//!
//! What is configured so that only the gateway's own cost is compared:
//! - no simulator enforces a request budget (`Faults::budget` is `None`: no 429, no waiting);
//! - no connector has a client-side limiter (`ProviderFactory::without_client_limits`: the server
//!   otherwise applies each connector's `limits.rs`, e.g. Copper's ~170 requests a minute);
//! - `--sim-latency-ms` (default 0) adds latency to every simulator answer, as a real provider's
//!   round trip would; with 0 the comparison is the harshest: the gateway's whole cost against a
//!   simulator that only copies prepared JSON.
//!
//! The harness lives in `loadtest/harness.rs`; crm-server's tests run a tiny load through it.

#![allow(clippy::print_stdout)]

#[path = "loadtest/harness.rs"]
mod harness;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(about = "Load test of crm-server's sandbox: gateway vs direct simulator fetches")]
struct Args {
    /// Concurrent clients per phase.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Requests per phase (each provider has a direct and a gateway phase).
    #[arg(long, default_value_t = 4_000)]
    requests: usize,
    /// Longest a phase may run, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Leads per page.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Leads each simulator generates.
    #[arg(long, default_value_t = 1_000)]
    leads: usize,
    /// Latency each simulator adds to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    sim_latency_ms: u64,
    /// Providers to measure (comma-separated: copper,pipedrive,salesforce,zoho).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "copper,pipedrive,salesforce,zoho"
    )]
    providers: Vec<String>,
    /// Worker threads of the runtime (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut providers = Vec::new();
    for name in &args.providers {
        match crm_providers::lookup(name) {
            Ok(d) => providers.push(d.provider),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if args.clients == 0 || args.requests == 0 || args.seconds == 0 || args.limit == 0 {
        eprintln!("--clients, --requests, --seconds and --limit must be at least 1");
        return ExitCode::FAILURE;
    }
    let settings = harness::Settings {
        clients: args.clients,
        requests: args.requests,
        time_limit: Duration::from_secs(args.seconds),
        page_size: args.limit,
        leads: args.leads,
        sim_latency: Duration::from_millis(args.sim_latency_ms),
        providers,
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        runtime.worker_threads(n.max(1));
    }
    let runtime = match runtime.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(harness::run(&settings)) {
        Ok(report) => {
            println!("{}", harness::render(&report));
            let errors: usize = report
                .providers
                .iter()
                .map(|p| p.direct.errors + p.gateway.errors)
                .sum();
            if errors > 0 {
                eprintln!("{errors} requests failed");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("load test failed: {e}");
            ExitCode::FAILURE
        }
    }
}
