//! Full syncs: walking every page of a large account through `crm_core::stream_leads` and
//! `crm_core::stream_pages_prefetch`, against the simulators over loopback HTTP.
//!
//! - `memory`: streaming 50,000 leads keeps the process's memory flat (VmRSS sampled from
//!   `/proc/self/status` every few pages), and every lead arrives exactly once, in order.
//! - `speedup`: with 100 ms of simulated latency per page, prefetching several pages approaches
//!   `pages x latency / concurrency`, within the connectors' default limiters, and the walk stays
//!   complete and ordered.
//!
//! Both print their measurements (run with `-- --nocapture` to see them).

#![allow(clippy::print_stdout)]

mod memory;
mod speedup;
mod support;
