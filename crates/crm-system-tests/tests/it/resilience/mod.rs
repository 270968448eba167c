//! The fault suite: faults injected by the simulators vs what the connectors survive.
//!
//! Each topic file holds scenarios, one function per fault, run for every provider against its
//! simulator (loopback HTTP, millisecond retry delays, each scenario well under two seconds), and
//! returns one cell of the fault table; `table` runs them all and prints the table
//! (`cargo test -p crm-system-tests -- --nocapture resilience`).
//!
//! - `rate_limits`: 429 bursts absorbed; Salesforce's daily limit (a 403) fails fast and recovers.
//! - `server_errors`: 5xx bursts absorbed.
//! - `timeouts`: a first attempt slower than the client timeout is retried.
//! - `refresh`: an expired token refreshed exactly once under 50 concurrent requests; a revoked
//!   refresh token reported as an auth error that says to reconnect.
//! - `bodies`: truncated and non-JSON bodies reported as provider errors (502 class).
//! - `give_up`: the retry budget spent, the last error passed on with its class.
//! - `budgets`: the per-provider default limiters, Salesforce's daily-budget guard from
//!   `Sforce-Limit-Info`, rate-limit figures on every page.

mod bodies;
mod budgets;
mod give_up;
mod rate_limits;
mod refresh;
mod server_errors;
mod support;
mod table;
mod timeouts;
