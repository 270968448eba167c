//! Integration tests of the simulators over real loopback HTTP (one test binary, as the
//! workspace convention asks). Every expectation is computed here from `records()`, independently
//! of the simulator's own filtering code.

mod common;
mod copper;
mod faults;
mod insightly;
mod lifecycle;
mod pipedrive;
mod salesforce;
mod soql;
mod zendesk_sell;
mod zoho;
