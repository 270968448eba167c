//! The fault suite: faults injected by the simulators vs what the connectors survive.
