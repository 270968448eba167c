//! Salesforce's client-side limit: a guard on the org's daily API budget.
//!
//! Salesforce counts API requests per org over a rolling 24 hours and reports the count on every
//! answer: `Sforce-Limit-Info: api-usage=<used>/<max>`. Once the budget is spent it answers
//! `403 REQUEST_LIMIT_EXCEEDED` to every request, and retrying within seconds cannot help. So
//! [`default_limiter`] reads that header from every answer (successes and errors) and, once
//! `used >= max`, fails further requests fast with a rate-limit error saying that the org's daily
//! API budget is used up, without calling Salesforce.
//!
//! Because the window rolls (requests made 24 hours ago free budget continuously), the guard lets
//! one probe request through every [`PROBE_INTERVAL`] (5 minutes): the first answer that reports
//! `used < max` lifts it. Five minutes is at most 288 probes a day, a negligible share of even the
//! smallest allocation (15,000), while an account is back within minutes of the budget freeing.
//! The wait until the next probe is the error's `retry_after`.
//!
//! The same figures reach every page as `RawPage::rate_limit` (limit = max, remaining =
//! max - used), so the server can emit `ratelimit-*` headers.
//!
//! Share one limiter per org (`TransportOptions::limiter`).

use crate::errors::{api_usage, LIMIT_INFO_HEADER};
use crm_core::transport::{HttpResponse, RequestLimiter, Usage};
use std::time::Duration;

/// How often a request is let through while the daily budget is used up.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(300);

/// What the guard's error says is used up.
pub const BUDGET_NAME: &str = "the org's daily API budget";

/// One org's limiter: the daily-budget guard with a probe every [`PROBE_INTERVAL`].
pub fn default_limiter() -> RequestLimiter {
    limiter_with_probe(PROBE_INTERVAL)
}

/// The daily-budget guard with another probe interval (tests, operators who prefer another
/// trade-off).
pub fn limiter_with_probe(probe_every: Duration) -> RequestLimiter {
    RequestLimiter::unlimited().with_usage_budget(usage, BUDGET_NAME, probe_every)
}

/// `api-usage=<used>/<max>` of any answer.
fn usage(response: &HttpResponse) -> Option<Usage> {
    api_usage(response.header(LIMIT_INFO_HEADER)).map(|(used, max)| Usage { used, max })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, info: &str) -> HttpResponse {
        crm_testkit::http_response(status, &[(LIMIT_INFO_HEADER, info)], "")
    }

    #[test]
    fn fails_fast_once_the_header_says_the_budget_is_spent() {
        let limiter = limiter_with_probe(Duration::from_secs(60));
        limiter.observe(&answer(200, "api-usage=14999/15000"));
        assert!(limiter.check_budget(crate::PROVIDER).is_ok());
        limiter.observe(&answer(
            403,
            "per-app-api-usage=1/10, api-usage=15001/15000",
        ));
        let err = limiter.check_budget(crate::PROVIDER).unwrap_err();
        assert_eq!(err.http_status(), 429);
        let text = err.to_string();
        assert!(
            text.contains("the org's daily API budget is used up (15001 of 15000"),
            "{text}"
        );
        assert!(err.retry_after().unwrap() <= Duration::from_secs(60));
        limiter.observe(&answer(200, "api-usage=100/15000"));
        assert!(limiter.check_budget(crate::PROVIDER).is_ok());
        assert!(format!("{:?}", default_limiter()).contains("300s"));
    }
}
