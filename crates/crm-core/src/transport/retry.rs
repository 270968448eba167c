//! When to send a read again: bounded attempts, exponential backoff with jitter, the provider's
//! `Retry-After` honoured up to a cap, all inside one deadline per call.

use crate::error::Error;
use rand::Rng;
use std::time::Duration;

/// Retry settings for idempotent reads (every list call, including Copper's search POST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each further attempt.
    pub base_delay: Duration,
    /// Largest backoff between two attempts.
    pub max_delay: Duration,
    /// The longest provider-requested wait (`Retry-After`, reset headers) we honour; a provider
    /// asking for more gets its error passed on, with the wait, to our caller.
    pub max_retry_after: Duration,
    /// No retry starts after this much time has passed since the first attempt.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt only.
    pub const fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            max_retry_after: Duration::ZERO,
            deadline: Duration::ZERO,
        }
    }

    /// How long to wait before attempt `attempt + 1` after `error` on attempt `attempt` (1-based),
    /// or `None` to give up. `elapsed` is the time since the first attempt started.
    pub fn delay_after(&self, attempt: u32, error: &Error, elapsed: Duration) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return None;
        }
        let delay = match error.retry_after() {
            Some(wait) if wait > self.max_retry_after => return None,
            Some(wait) => wait,
            None => self.backoff(attempt),
        };
        (elapsed + delay <= self.deadline).then_some(delay)
    }

    /// "Equal jitter": half the exponential step fixed, half random, so that many clients throttled
    /// together do not come back together.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.max_delay);
        let half = exp / 2;
        let jitter_ms = rand::thread_rng().gen_range(0..=half.as_millis() as u64);
        half + Duration::from_millis(jitter_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{RateLimit, RemoteResponse};

    fn remote(status: u16) -> Error {
        Error::Remote {
            provider: crate::provider::fixtures::COPPER,
            message: "m".into(),
            remote: RemoteResponse::new(status, b"", None),
        }
    }

    fn limited(retry_after: Option<Duration>) -> Error {
        Error::RateLimited {
            provider: crate::provider::fixtures::COPPER,
            message: "m".into(),
            retry_after,
            limits: RateLimit::default(),
            remote: Some(RemoteResponse::new(429, b"", None)),
        }
    }

    #[test]
    fn retries_only_transient_failures() {
        let p = RetryPolicy::default();
        let zero = Duration::ZERO;
        for status in [502, 503, 504] {
            assert!(
                p.delay_after(1, &remote(status), zero).is_some(),
                "{status}"
            );
        }
        for status in [400, 401, 403, 404, 500] {
            assert!(
                p.delay_after(1, &remote(status), zero).is_none(),
                "{status}"
            );
        }
        assert!(p
            .delay_after(
                1,
                &Error::Timeout {
                    provider: crate::provider::fixtures::ZOHO,
                    after: zero
                },
                zero
            )
            .is_some());
        assert!(p.delay_after(1, &Error::invalid("x", "y"), zero).is_none());
    }

    #[test]
    fn honours_retry_after_up_to_the_cap_and_the_deadline() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay_after(1, &limited(Some(Duration::from_secs(3))), Duration::ZERO),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.delay_after(1, &limited(Some(Duration::from_secs(31))), Duration::ZERO),
            None
        );
        assert_eq!(
            p.delay_after(
                1,
                &limited(Some(Duration::from_secs(3))),
                Duration::from_secs(58)
            ),
            None
        );
        assert_eq!(
            p.delay_after(4, &limited(None), Duration::ZERO),
            None,
            "attempts are bounded"
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..=3 {
            let d = p
                .delay_after(attempt, &remote(503), Duration::ZERO)
                .unwrap();
            let step = p.base_delay * (1 << (attempt - 1));
            assert!(d >= step / 2 && d <= step, "attempt {attempt}: {d:?}");
        }
        let p = RetryPolicy {
            max_attempts: 40,
            ..p
        };
        assert!(p.delay_after(30, &remote(503), Duration::ZERO).unwrap() <= p.max_delay);
        assert_eq!(
            RetryPolicy::none().delay_after(1, &remote(503), Duration::ZERO),
            None
        );
    }
}
