//! Pipedrive's client-side limit: its burst window.
//!
//! Pipedrive limits each token per rolling **2-second** window; the allowance depends on the plan
//! and the kind of token (API token: Essential 20, Advanced 40, Professional 80, Power 100,
//! Enterprise 120 requests per 2 s; OAuth access tokens four times that). We cannot see the plan
//! before the first answer, so the default is the smallest documented window, [`BURST_REQUESTS`]
//! (20) per [`BURST_WINDOW`], which is safe for every plan and both kinds of token. Listing leads
//! also spends a daily token budget (20 tokens per list call); that one is not guarded here: a 429
//! reports it (`x-daily-ratelimit-token-remaining: 0`).
//!
//! A plain "20 per 2 s" GCRA quota would allow 20 at once and then 10 more per second, up to 39
//! in a 2-second window. So the limiter allows bursts of [`BURST`] requests, then one every
//! `2 s / (20 - BURST - 1)` (about 143 ms): any 2-second window holds at most
//! `BURST + 14 + 1 = 20` request starts, about 7 requests a second sustained.
//!
//! Share one limiter per Pipedrive token (`TransportOptions::limiter`).

use crm_core::transport::RequestLimiter;
use std::time::Duration;

/// Pipedrive's rolling burst window.
pub const BURST_WINDOW: Duration = Duration::from_secs(2);

/// Requests per window allowed by the smallest plan (Essential, API token).
pub const BURST_REQUESTS: u32 = 20;

/// Requests that may start back to back before the limiter spaces them.
pub const BURST: u32 = 5;

/// One Pipedrive token's limiter: at most 20 requests in any 2-second window.
pub fn default_limiter() -> RequestLimiter {
    RequestLimiter::unlimited().with_rate(BURST, BURST * interval())
}

fn interval() -> Duration {
    BURST_WINDOW / (BURST_REQUESTS - BURST - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_window_never_holds_more_than_the_smallest_plan_allows() {
        let worst = u128::from(BURST) + BURST_WINDOW.as_nanos() / interval().as_nanos() + 1;
        assert!(worst <= u128::from(BURST_REQUESTS), "{worst}");
    }

    #[tokio::test]
    async fn the_first_window_is_paced() {
        let limiter = default_limiter();
        let start = Instant::now();
        let mut started = 0;
        while start.elapsed() < BURST_WINDOW {
            let left = BURST_WINDOW.saturating_sub(start.elapsed());
            match tokio::time::timeout(left, limiter.acquire()).await {
                Ok(_) if start.elapsed() < BURST_WINDOW => started += 1,
                _ => break,
            }
        }
        assert!(
            (BURST_REQUESTS - 3..=BURST_REQUESTS).contains(&started),
            "{started} requests started in the first window"
        );
    }
}
