//! System tests: every connector against its simulator over loopback HTTP.
//! `roundtrip`: all pages, random page sizes and filters, equal to the simulator's own set.
//! `resilience`: faults injected by the simulators and what survives them.

mod resilience;
mod roundtrip;
