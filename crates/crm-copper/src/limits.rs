//! Copper's client-side limit, so that one account stays inside Copper's budget instead of
//! discovering it through 429s.
//!
//! Copper allows [`REQUESTS_PER_MINUTE`] (180) requests per **rolling** minute per user and sends
//! no `Retry-After` with its 429. A plain "180 per minute" GCRA quota would allow a burst of 180
//! and then 3 more per second, i.e. up to 359 requests in the first minute. So the limiter allows
//! bursts of [`BURST`] requests, then one request every `60 s / (180 - BURST - 1)` (about 355 ms):
//! in any window of 60 s at most `BURST + 169 + 1 = 180` requests can start, and the sustained
//! rate is 169 a minute. A burst of 10 is enough for core's prefetching walk (a few pages in
//! flight) and small enough to leave the rest of the window for steady paging.
//!
//! Share one limiter per Copper user across every connector of that account
//! (`TransportOptions::limiter`).

use crate::connector::REQUESTS_PER_MINUTE;
use crm_core::transport::RequestLimiter;
use std::time::Duration;

/// Requests that may start back to back before the limiter spaces them.
pub const BURST: u32 = 10;

/// One Copper account's limiter: at most 180 requests in any rolling minute.
pub fn default_limiter() -> RequestLimiter {
    RequestLimiter::unlimited().with_rate(BURST, BURST * interval())
}

/// Spacing after the burst: `BURST` plus one request per interval (plus one at the window's edge)
/// fits in `REQUESTS_PER_MINUTE` for any minute.
fn interval() -> Duration {
    Duration::from_secs(60) / (REQUESTS_PER_MINUTE - BURST - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolling_minute_never_holds_more_than_copper_allows() {
        let i = interval();
        let worst = u128::from(BURST) + Duration::from_secs(60).as_nanos() / i.as_nanos() + 1;
        assert!(worst <= u128::from(REQUESTS_PER_MINUTE), "{worst}");
        assert!(i < Duration::from_millis(400), "{i:?}");
        assert!(format!("{:?}", default_limiter()).contains("10 per"));
    }
}
