//! `cargo xtask`: fixture maintenance for the CRM connectors (see `xtask/README.md`).
//!
//! - [`scenarios`]: the named unified queries recorded per provider.
//! - [`providers`]: accounts from `CRM_RECORD_*` variables and the real connector of each.
//! - [`proxy`]: the loopback recording reverse proxy the connector is pointed at.
//! - [`scrub`]: scrubbing recorded exchanges (secrets, hosts, personal data) in memory.
//! - [`record`]: `fixtures record`: run, scrub, verify by replay, write, summarize.
//! - [`check`]: `fixtures check`, the offline lint of every fixture.
//! - [`cli`]: the command line; `src/main.rs` only parses it, so tests drive the same code.

pub mod check;
pub mod cli;
pub mod providers;
pub mod proxy;
pub mod record;
pub mod scenarios;
pub mod scrub;
