//! Client-side limits per account, so that we stay inside a provider's budget instead of
//! discovering it through 429s: a request rate (governor's GCRA) and a concurrency cap.

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Shared by every request of one account (clone the `Arc`).
pub struct RequestLimiter {
    rate: Option<(DefaultDirectRateLimiter, String)>,
    concurrency: Option<(Arc<Semaphore>, usize)>,
}

impl fmt::Debug for RequestLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestLimiter")
            .field("rate", &self.rate.as_ref().map(|(_, d)| d))
            .field("concurrency", &self.concurrency.as_ref().map(|(_, n)| n))
            .finish()
    }
}

/// Held while a request is in flight.
#[derive(Debug)]
pub struct Permit {
    _concurrency: Option<OwnedSemaphorePermit>,
}

impl RequestLimiter {
    /// No limits.
    pub fn unlimited() -> Self {
        RequestLimiter {
            rate: None,
            concurrency: None,
        }
    }

    /// At most `requests` per `period`, spread evenly, with bursts of up to `requests`.
    pub fn with_rate(mut self, requests: u32, period: Duration) -> Self {
        let Some(n) = NonZeroU32::new(requests) else {
            return self;
        };
        let quota = Quota::with_period(period / requests).map(|q| q.allow_burst(n));
        if let Some(quota) = quota {
            self.rate = Some((
                RateLimiter::direct(quota),
                format!("{requests} per {period:?}"),
            ));
        }
        self
    }

    /// At most `max` requests in flight at once.
    pub fn with_concurrency(mut self, max: usize) -> Self {
        if max > 0 {
            self.concurrency = Some((Arc::new(Semaphore::new(max)), max));
        }
        self
    }

    /// Waits until a request may start.
    pub async fn acquire(&self) -> Permit {
        let concurrency = match &self.concurrency {
            Some((sem, _)) => sem.clone().acquire_owned().await.ok(),
            None => None,
        };
        if let Some((rate, _)) = &self.rate {
            rate.until_ready().await;
        }
        Permit {
            _concurrency: concurrency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn rate_spreads_requests_after_the_burst() {
        let limiter = RequestLimiter::unlimited().with_rate(5, Duration::from_millis(250));
        let start = Instant::now();
        for _ in 0..10 {
            drop(limiter.acquire().await);
        }
        // 5 in the burst, then one every 50 ms.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(200), "{took:?}");
        assert!(took < Duration::from_millis(1500), "{took:?}");
    }

    #[tokio::test]
    async fn concurrency_is_capped() {
        let limiter = RequestLimiter::unlimited().with_concurrency(2);
        let a = limiter.acquire().await;
        let _b = limiter.acquire().await;
        let third = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(third.is_err(), "a third request waits");
        drop(a);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), limiter.acquire())
                .await
                .is_ok()
        );
    }
}
