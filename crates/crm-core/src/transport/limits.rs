//! Client-side limits per account, so that we stay inside a provider's budget instead of
//! discovering it through 429s: a request rate (governor's GCRA), a concurrency cap, and a guard
//! on a long (daily) usage budget the provider reports in its answers.

use super::HttpResponse;
use crate::error::{Error, RateLimit, Result};
use crate::provider::Provider;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Shared by every request of one account (clone the `Arc`).
pub struct RequestLimiter {
    rate: Option<(DefaultDirectRateLimiter, String)>,
    concurrency: Option<(Arc<Semaphore>, usize)>,
    budget: Option<UsageBudget>,
}

impl fmt::Debug for RequestLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestLimiter")
            .field("rate", &self.rate.as_ref().map(|(_, d)| d))
            .field("concurrency", &self.concurrency.as_ref().map(|(_, n)| n))
            .field("budget", &self.budget)
            .finish()
    }
}

/// A provider's usage of a long budget, as one answer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub used: u64,
    pub max: u64,
}

/// Reads [`Usage`] from a provider's answer (any status), e.g. Salesforce's
/// `Sforce-Limit-Info: api-usage=used/max`; `None` when the answer does not say.
pub type UsageReader = fn(&HttpResponse) -> Option<Usage>;

/// Fails requests fast while the provider's answers said the budget is used up, letting one probe
/// request through every `probe_every` so that the account recovers once the provider frees budget.
struct UsageBudget {
    read: UsageReader,
    /// What is used up, for the error message ("the org's daily API budget").
    what: &'static str,
    probe_every: Duration,
    exhausted: Mutex<Option<Exhausted>>,
}

#[derive(Debug, Clone, Copy)]
struct Exhausted {
    usage: Usage,
    next_probe: Instant,
}

impl fmt::Debug for UsageBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsageBudget")
            .field("what", &self.what)
            .field("probe_every", &self.probe_every)
            .field("exhausted", &self.state())
            .finish()
    }
}

impl UsageBudget {
    fn state(&self) -> Option<Exhausted> {
        *self.exhausted.lock().unwrap_or_else(|e| e.into_inner())
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
            budget: None,
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

    /// Guards a long usage budget that the provider reports in its answers (read by `read` from
    /// every answer). Once an answer says `used >= max`, [`RequestLimiter::check_budget`] fails
    /// requests fast with a rate-limit error naming `what`, except one probe request every
    /// `probe_every`; the first answer that reports `used < max` lifts the guard.
    pub fn with_usage_budget(
        mut self,
        read: UsageReader,
        what: &'static str,
        probe_every: Duration,
    ) -> Self {
        self.budget = Some(UsageBudget {
            read,
            what,
            probe_every,
            exhausted: Mutex::new(None),
        });
        self
    }

    /// The usage last reported as exhausted, while the budget guard is closed.
    pub fn exhausted_usage(&self) -> Option<Usage> {
        self.budget.as_ref()?.state().map(|e| e.usage)
    }

    /// Called before a request (not before each retry): `Err` while the usage budget is used up
    /// and no probe is due. When a probe is due this request is the probe, and the next one is
    /// due `probe_every` later.
    pub fn check_budget(&self, provider: Provider) -> Result<()> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        let mut guard = budget.exhausted.lock().unwrap_or_else(|e| e.into_inner());
        let Some(exhausted) = guard.as_mut() else {
            return Ok(());
        };
        let now = Instant::now();
        if now >= exhausted.next_probe {
            exhausted.next_probe = now + budget.probe_every;
            tracing::info!(
                provider = provider.as_str(),
                "usage budget exhausted; sending one probe request"
            );
            return Ok(());
        }
        let Usage { used, max } = exhausted.usage;
        let wait = exhausted.next_probe - now;
        Err(Error::RateLimited {
            provider,
            message: format!(
                "{} is used up ({used} of {max} requests used); requests fail fast without calling {provider} until one probe request, sent every {} s, finds budget again",
                budget.what,
                budget.probe_every.as_secs_f64()
            ),
            retry_after: Some(wait),
            limits: RateLimit {
                limit: Some(max),
                remaining: Some(0),
                reset: None,
            },
            remote: None,
        })
    }

    /// Called with every provider answer: records the usage it reports.
    pub fn observe(&self, response: &HttpResponse) {
        let Some(budget) = &self.budget else {
            return;
        };
        let Some(usage) = (budget.read)(response) else {
            return;
        };
        let mut guard = budget.exhausted.lock().unwrap_or_else(|e| e.into_inner());
        if usage.used < usage.max {
            *guard = None;
            return;
        }
        match guard.as_mut() {
            Some(exhausted) => exhausted.usage = usage,
            None => {
                *guard = Some(Exhausted {
                    usage,
                    next_probe: Instant::now() + budget.probe_every,
                })
            }
        }
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

    fn answer(usage: Option<&str>) -> HttpResponse {
        let mut headers = http::HeaderMap::new();
        if let Some(u) = usage {
            headers.insert("x-usage", http::HeaderValue::from_str(u).unwrap());
        }
        HttpResponse {
            status: http::StatusCode::OK,
            headers,
            body: Default::default(),
        }
    }

    fn read(r: &HttpResponse) -> Option<Usage> {
        let (used, max) = r.header("x-usage")?.split_once('/')?;
        Some(Usage {
            used: used.parse().ok()?,
            max: max.parse().ok()?,
        })
    }

    #[test]
    fn a_used_up_budget_fails_fast_then_probes_and_recovers() {
        let limiter = RequestLimiter::unlimited().with_usage_budget(
            read,
            "the daily budget",
            Duration::from_millis(100),
        );
        let p = crate::provider::fixtures::SALESFORCE;
        limiter.observe(&answer(Some("10/15")));
        limiter.observe(&answer(None));
        assert!(limiter.check_budget(p).is_ok());
        limiter.observe(&answer(Some("15/15")));
        let err = limiter.check_budget(p).unwrap_err();
        assert!(err.is_rate_limited());
        assert!(
            err.to_string()
                .contains("the daily budget is used up (15 of 15"),
            "{err}"
        );
        assert!(err.retry_after().unwrap() <= Duration::from_millis(100));
        std::thread::sleep(Duration::from_millis(120));
        assert!(limiter.check_budget(p).is_ok(), "the probe goes out");
        assert!(
            limiter.check_budget(p).is_err(),
            "only one probe per interval"
        );
        limiter.observe(&answer(Some("14/15")));
        assert!(limiter.check_budget(p).is_ok(), "budget found again");
        assert_eq!(limiter.exhausted_usage(), None);
        assert!(RequestLimiter::unlimited().check_budget(p).is_ok());
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
