//! System tests: every connector against its simulator over loopback HTTP.
//! `roundtrip`: all pages, random page sizes and filters, equal to the simulator's own set.
//! `resilience`: faults injected by the simulators and what survives them.
//! `streaming`: full syncs of large accounts: flat memory, prefetch speed-up against slow pages.

mod resilience;
mod roundtrip;
mod streaming;
