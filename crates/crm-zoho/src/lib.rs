//! Connector crate (in progress).
