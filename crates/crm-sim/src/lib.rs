//! In-process simulators of the CRM lead APIs (Copper, Insightly, Pipedrive, Salesforce, Zoho CRM,
//! Zendesk Sell).
//!
//! Recorded fixtures can only replay requests somebody recorded; these fakes *behave* like the
//! providers (paging, filters, SOQL, auth, errors, rate limits) so that paging-completeness tests,
//! fault tests, the sandbox and benchmarks can run offline. Each simulator listens on an ephemeral
//! loopback port and serves the provider's real wire protocol, so a connector talks to it unchanged:
//! only the base URL differs.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = crm_sim::start(crm_sim::SimProvider::Salesforce, crm_sim::SimConfig::default()).await?;
//! let base = sim.base_url();            // http://127.0.0.1:PORT
//! let creds = sim.credentials();        // what the simulator expects
//! let leads = sim.records();            // the dataset, in Salesforce's record shape
//! # let _ = (base, creds, leads); Ok(()) }
//! ```

mod auth;
mod config;
pub mod copper;
pub mod data;
mod faults;
pub mod insightly;
pub mod pipedrive;
mod respond;
pub mod salesforce;
mod server;
mod state;
mod stats;
pub mod zendesk_sell;
pub mod zoho;

pub use config::{SimConfig, SimCredentials, SimProvider};
pub use faults::{Budget, Faults, Trigger};
pub use server::{start, start_all, SimCluster, SimHandle};
pub use stats::{LoggedRequest, SimStats};
