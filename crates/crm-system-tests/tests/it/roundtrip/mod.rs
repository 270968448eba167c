//! Paging completeness of each connector against its simulator.
