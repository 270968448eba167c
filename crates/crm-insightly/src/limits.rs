//! Insightly's client-side limit. Insightly documents daily call limits per plan but no per-second
//! limit or rate-limit headers, so one account keeps to a conservative pace and any 429 is
//! honoured (its `Retry-After`, or [`crate::errors::RATE_LIMIT_RETRY_HINT`]).
//!
//! The default: bursts of [`BURST`] requests, then one every [`INTERVAL`] (at most 5 a second), and
//! at most [`CONCURRENCY`] in flight. Share one limiter per API key across every connector of the
//! account (`TransportOptions::limiter`).

use crm_core::transport::RequestLimiter;
use std::time::Duration;

/// Requests that may start back to back before the limiter spaces them.
pub const BURST: u32 = 5;

/// Spacing after the burst.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// Requests in flight at once.
pub const CONCURRENCY: usize = 4;

/// One Insightly account's limiter.
pub fn default_limiter() -> RequestLimiter {
    RequestLimiter::unlimited()
        .with_rate(BURST, BURST * INTERVAL)
        .with_concurrency(CONCURRENCY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_five_a_second() {
        assert_eq!(BURST * INTERVAL, Duration::from_secs(1));
        assert!(format!("{:?}", default_limiter()).contains("5 per"));
    }
}
