//! No library code: this crate exists for its integration tests (`tests/it`), which drive the real
//! connectors against the provider simulators of `crm-sim`.
