//! Provider simulators (in progress).
