//! Zendesk Sell's client-side limit.
//!
//! Zendesk Sell allows 36,000 requests an hour per token, which is 10 a second on average; an
//! excess is a 429. No shorter burst window is documented, so the default limiter keeps the
//! hourly figure and never bunches it: at most [`BURST`] requests back to back, then one every
//! 100 ms. Any hour then holds at most `36,000 + BURST` request starts, and a second at most
//! `2 * BURST`. Share one limiter per token (`TransportOptions::limiter`).

use crm_core::transport::RequestLimiter;
use std::time::Duration;

/// Requests allowed per hour per token.
pub const REQUESTS_PER_HOUR: u32 = 36_000;

/// Requests that may start back to back before the limiter spaces them.
pub const BURST: u32 = 10;

/// One token's limiter: 10 requests a second on average, bursts of 10.
pub fn default_limiter() -> RequestLimiter {
    RequestLimiter::unlimited().with_rate(BURST, BURST * interval())
}

/// The spacing that keeps the hourly allowance: one hour / 36,000 = 100 ms.
pub fn interval() -> Duration {
    Duration::from_secs(3600) / REQUESTS_PER_HOUR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hour_is_never_exceeded_by_more_than_a_burst() {
        assert_eq!(interval(), Duration::from_millis(100));
        let per_hour = Duration::from_secs(3600).as_nanos() / interval().as_nanos();
        assert!(per_hour + u128::from(BURST) <= u128::from(REQUESTS_PER_HOUR + BURST));
    }
}
