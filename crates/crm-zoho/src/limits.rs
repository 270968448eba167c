//! Zoho CRM's client-side limit: its concurrency cap.
//!
//! Zoho limits how many API calls of one org (per connected app) may be in progress at once, by
//! edition: Free 5, Standard 10, Professional 15, Enterprise 20, Ultimate 25. The edition is not
//! visible to the connector, so the default is the lowest, [`MAX_CONCURRENT`] (5), which is safe
//! for every edition (a walk rarely has more pages in flight than that anyway). Zoho's daily
//! credit budget (Free 5,000 per rolling 24 h, one credit per list call) sends no usage header; a
//! 429 `RATE_LIMIT_EXCEEDED` reports it.
//!
//! Share one limiter per Zoho account (`TransportOptions::limiter`).

use crm_core::transport::RequestLimiter;

/// Calls in flight at once for the lowest edition (Free).
pub const MAX_CONCURRENT: usize = 5;

/// One Zoho account's limiter: at most 5 calls in flight.
pub fn default_limiter() -> RequestLimiter {
    RequestLimiter::unlimited().with_concurrency(MAX_CONCURRENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_sixth_call_waits() {
        let limiter = default_limiter();
        let mut held = Vec::new();
        for _ in 0..MAX_CONCURRENT {
            held.push(limiter.acquire().await);
        }
        let sixth = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(sixth.is_err());
        held.pop();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), limiter.acquire())
                .await
                .is_ok()
        );
    }
}
