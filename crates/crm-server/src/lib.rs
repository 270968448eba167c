//! `crm-server`: the HTTP server of the unified CRM leads API.
//!
//! - [`app`]: the axum router, state, request log, timeout, shutdown signal.
//! - [`serve`]: the accept loop (connection cap, graceful shutdown); [`head`]: the request-head
//!   guard under hyper (head and idle timeouts, enveloped refusals); [`conn`]: its hyper service.
//! - [`routes`]: `GET /unified/crm/leads`, `/unified/crm/leads/meta`, `/healthz`, `/openapi.json`.
//! - [`errors`]: the Truto error envelope and the status mapping.
//! - [`auth`]: `Authorization: Bearer <api key>`, tenants.
//! - [`store`]: accounts, tenants, API key hashes and settings over sqlx (SQLite or PostgreSQL).
//! - [`registry`] and [`connectors`]: account -> cached connector.
//! - [`sandbox`]: the offline mode with in-process provider simulators.
//! - [`cli`]: the command line; [`telemetry`]: logs.

pub mod app;
pub mod auth;
pub mod cli;
pub mod conn;
pub mod connectors;
pub mod errors;
pub mod head;
pub mod registry;
pub mod routes;
#[cfg(feature = "sandbox")]
pub mod sandbox;
#[cfg(not(feature = "sandbox"))]
#[path = "sandbox_unavailable.rs"]
pub mod sandbox;
pub mod serve;
pub mod store;
pub mod telemetry;

pub use app::{router, AppState};
pub use auth::{Auth, Tenant};
pub use errors::ApiError;
pub use registry::{ConnectorFactory, Registry};
pub use store::{Account, AccountsFile, Credentials, Store};
