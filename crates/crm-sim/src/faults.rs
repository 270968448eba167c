//! Fault injection: the knobs a test turns to make a simulator misbehave the way the real provider
//! does (latency, rate limits, 5xx, broken bodies, the provider's own request budget), and the
//! middleware that applies them to every data request. Token endpoints are not subject to faults
//! except latency and `Faults::refresh_revoked`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::Rng;

use crate::config::SimProvider;
use crate::respond::{self, Failure};
use crate::state::SimState;
use crate::stats::LoggedRequest;

/// When a fault fires, counted over the requests that reach it ("eligible" requests).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Trigger {
    /// Never (the default).
    #[default]
    Never,
    /// On every eligible request.
    Always,
    /// On the next `n` eligible requests, then never ("the next 3 requests get a 429").
    Next(u32),
    /// An exact sequence: entry `i` says whether the i-th eligible request from now fails; after
    /// the sequence, never. `Sequence(vec![false, false, true])` = the third request fails.
    Sequence(Vec<bool>),
    /// Every `n`-th eligible request (the n-th, 2n-th, ...).
    Every(u32),
    /// With this probability (0.0..=1.0), drawn from an RNG seeded by `SimConfig::seed`.
    Rate(f64),
}

impl Trigger {
    /// Decide for one eligible request, consuming `Next`/`Sequence` and counting `Every`.
    fn fire(&mut self, seen: &mut u64, rng: &mut StdRng) -> bool {
        match self {
            Trigger::Never => false,
            Trigger::Always => true,
            Trigger::Next(n) => {
                if *n > 0 {
                    *n -= 1;
                    true
                } else {
                    false
                }
            }
            Trigger::Sequence(seq) => {
                if seq.is_empty() {
                    false
                } else {
                    seq.remove(0)
                }
            }
            Trigger::Every(n) => {
                *seen += 1;
                *n > 0 && *seen % u64::from(*n) == 0
            }
            Trigger::Rate(p) => {
                let p = if p.is_finite() {
                    p.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                rng.gen_bool(p)
            }
        }
    }
}

/// A request budget: at most `limit` data requests in any rolling `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub limit: u32,
    pub window: Duration,
}

impl Budget {
    /// The provider's documented budget: Copper 180 requests per rolling minute; Pipedrive a burst
    /// of 80 requests per 2 seconds; Salesforce 15,000 API requests per 24 hours (answered with
    /// 403 `REQUEST_LIMIT_EXCEEDED`); Zoho 5,000 API credits per 24 hours (free edition); Zendesk
    /// Sell 36,000 requests per hour.
    pub fn provider_default(provider: SimProvider) -> Budget {
        match provider {
            SimProvider::Copper => Budget {
                limit: 180,
                window: Duration::from_secs(60),
            },
            // Insightly documents daily limits per plan only; a per-second window is assumed.
            SimProvider::Insightly => Budget {
                limit: 10,
                window: Duration::from_secs(1),
            },
            SimProvider::Pipedrive => Budget {
                limit: 80,
                window: Duration::from_secs(2),
            },
            SimProvider::Salesforce => Budget {
                limit: 15_000,
                window: Duration::from_secs(86_400),
            },
            SimProvider::Zoho => Budget {
                limit: 5_000,
                window: Duration::from_secs(86_400),
            },
            SimProvider::ZendeskSell => Budget {
                limit: 36_000,
                window: Duration::from_secs(3_600),
            },
        }
    }
}

/// Everything that can go wrong, per simulator. `Faults::default()` is a well-behaved provider.
///
/// Order on each data request: `latency`, then `server_error`, then `rate_limit`, then `budget`,
/// then auth and the real answer; `truncated_body` and `non_json_body` then apply to successful
/// (2xx, non-empty) answers only.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Added before every answer (token endpoints included).
    pub latency: Duration,
    /// The provider's rate-limit answer: 429 in the provider's format (Pipedrive with
    /// `x-ratelimit-*` headers), Salesforce 403 `REQUEST_LIMIT_EXCEEDED`.
    pub rate_limit: Trigger,
    /// `Retry-After` (seconds) sent with rate-limit answers. `None` by default: none of the four
    /// providers documents one; set it to test a client that honours it.
    pub retry_after_secs: Option<u64>,
    /// A 5xx in the provider's error format.
    pub server_error: Trigger,
    /// Status of `server_error` answers (500 by default; 502/503/504 are also useful).
    pub server_error_status: u16,
    /// Cut a successful answer's body in half (valid headers, invalid JSON).
    pub truncated_body: Trigger,
    /// Replace a successful answer's body with an HTML page (`text/html`), as a proxy would.
    pub non_json_body: Trigger,
    /// The token endpoint rejects every refresh token (`invalid_grant`, Zoho `invalid_code`).
    pub refresh_revoked: bool,
    /// Enforce the provider's request budget (see [`Budget::provider_default`]); `None` = unlimited.
    pub budget: Option<Budget>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency: Duration::ZERO,
            rate_limit: Trigger::Never,
            retry_after_secs: None,
            server_error: Trigger::Never,
            server_error_status: 500,
            truncated_body: Trigger::Never,
            non_json_body: Trigger::Never,
            refresh_revoked: false,
            budget: None,
        }
    }
}

/// The live fault configuration plus the counters and RNG its triggers consume.
#[derive(Debug)]
pub(crate) struct FaultState {
    pub faults: Faults,
    pub rng: StdRng,
    seen: [u64; 4],
}

impl FaultState {
    pub fn new(faults: Faults, rng: StdRng) -> Self {
        FaultState {
            faults,
            rng,
            seen: [0; 4],
        }
    }

    pub fn set(&mut self, faults: Faults) {
        self.faults = faults;
        self.seen = [0; 4];
    }

    fn fire(&mut self, which: usize) -> bool {
        let FaultState { faults, rng, seen } = self;
        let trigger = match which {
            0 => &mut faults.server_error,
            1 => &mut faults.rate_limit,
            2 => &mut faults.truncated_body,
            _ => &mut faults.non_json_body,
        };
        trigger.fire(&mut seen[which], rng)
    }
}

/// Rolling-window request counter behind the budget and the rate-limit headers.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    stamps: VecDeque<Instant>,
    pub total: u64,
}

/// Where a request stands against the budget, for headers such as `x-ratelimit-remaining`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UsageInfo {
    pub used: u32,
    pub limit: u32,
    /// Seconds until the oldest request leaves the window.
    pub reset_secs: u64,
}

impl Usage {
    /// Count a request against `budget`; `Err` when the budget is enforced and exhausted (the
    /// rejected request is not counted, as providers do not charge for a 429).
    pub fn admit(&mut self, budget: Budget, enforce: bool) -> Result<UsageInfo, UsageInfo> {
        let now = Instant::now();
        while self
            .stamps
            .front()
            .is_some_and(|t| now.duration_since(*t) >= budget.window)
        {
            self.stamps.pop_front();
        }
        let info = |stamps: &VecDeque<Instant>| {
            let reset = stamps
                .front()
                .map(|t| budget.window.saturating_sub(now.duration_since(*t)))
                .unwrap_or(budget.window);
            UsageInfo {
                used: u32::try_from(stamps.len()).unwrap_or(u32::MAX),
                limit: budget.limit,
                reset_secs: reset.as_secs() + u64::from(reset.subsec_nanos() > 0),
            }
        };
        if enforce && self.stamps.len() >= budget.limit as usize {
            return Err(info(&self.stamps));
        }
        self.stamps.push_back(now);
        // Keep memory bounded when nothing is enforced and the window is long.
        if self.stamps.len() > 1_000_000 {
            self.stamps.pop_front();
        }
        self.total += 1;
        Ok(info(&self.stamps))
    }
}

/// Largest request body the simulators read (a Copper search body is tiny).
const MAX_BODY: usize = 1 << 20;

/// Middleware around every data route: logs and counts the request, applies the faults in the
/// documented order, and adds the provider's usage headers to every answer.
pub(crate) async fn layer(State(st): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    st.log(LoggedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    st.with_stats(|s| s.api_requests += 1);
    let req = Request::from_parts(parts, Body::from(bytes));

    let (latency, budget) = {
        let f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
        (f.faults.latency, f.faults.budget)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let (server_error, status, rate_limited, retry_after) = {
        let mut f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
        let server_error = f.fire(0);
        let rate_limited = !server_error && f.fire(1);
        (
            server_error,
            f.faults.server_error_status,
            rate_limited,
            f.faults.retry_after_secs,
        )
    };

    let enforce = budget.is_some();
    let budget = budget.unwrap_or_else(|| Budget::provider_default(st.provider));
    if server_error {
        st.with_stats(|s| s.server_errors += 1);
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|s| s.is_server_error())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let usage = st.peek_usage(budget);
        let mut resp = respond::failure(&st, Failure::ServerError(status));
        respond::decorate(&st, &mut resp, usage);
        return resp;
    }
    if rate_limited {
        st.with_stats(|s| s.rate_limited += 1);
        let mut usage = st.peek_usage(budget);
        usage.used = usage.limit;
        let mut resp = respond::failure(&st, Failure::RateLimited { retry_after });
        respond::decorate(&st, &mut resp, usage);
        return resp;
    }
    let admitted = {
        let mut u = st.usage.lock().unwrap_or_else(|e| e.into_inner());
        u.admit(budget, enforce)
    };
    let usage = match admitted {
        Ok(usage) => usage,
        Err(usage) => {
            st.with_stats(|s| s.rate_limited += 1);
            let mut resp = respond::failure(&st, Failure::RateLimited { retry_after });
            respond::decorate(&st, &mut resp, usage);
            return resp;
        }
    };

    let mut resp = next.run(req).await;
    if resp.status() == StatusCode::UNAUTHORIZED {
        st.with_stats(|s| s.unauthorized += 1);
    }
    if resp.status().is_success() && resp.status() != StatusCode::NO_CONTENT {
        let (truncate, html) = {
            let mut f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
            let truncate = f.fire(2);
            let html = !truncate && f.fire(3);
            (truncate, html)
        };
        if truncate || html {
            st.with_stats(|s| s.mangled_bodies += 1);
            resp = mangle(resp, truncate).await;
        }
    }
    respond::decorate(&st, &mut resp, usage);
    resp
}

/// Truncate the body to half its length, or replace it with an HTML error page.
async fn mangle(resp: Response, truncate: bool) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = if truncate {
        bytes.slice(..bytes.len() / 2)
    } else {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        axum::body::Bytes::from_static(
            b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head>\
<body><h1>Temporarily unavailable</h1><p>Please try again later.</p></body></html>",
        )
    };
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn triggers_count_as_documented() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut seen = 0;
        let mut t = Trigger::Next(2);
        let got: Vec<bool> = (0..4).map(|_| t.fire(&mut seen, &mut rng)).collect();
        assert_eq!(got, [true, true, false, false]);
        let mut t = Trigger::Sequence(vec![false, true]);
        let got: Vec<bool> = (0..3).map(|_| t.fire(&mut seen, &mut rng)).collect();
        assert_eq!(got, [false, true, false]);
        let mut t = Trigger::Every(3);
        seen = 0;
        let got: Vec<bool> = (0..6).map(|_| t.fire(&mut seen, &mut rng)).collect();
        assert_eq!(got, [false, false, true, false, false, true]);
        let mut t = Trigger::Rate(f64::NAN);
        assert!(!t.fire(&mut seen, &mut rng));
    }

    #[test]
    fn budget_rejects_when_full() {
        let mut u = Usage::default();
        let b = Budget {
            limit: 2,
            window: Duration::from_secs(60),
        };
        assert!(u.admit(b, true).is_ok());
        assert!(u.admit(b, true).is_ok());
        let e = u.admit(b, true).unwrap_err();
        assert_eq!((e.used, e.limit), (2, 2));
        assert!(e.reset_secs >= 59);
        assert!(u.admit(b, false).is_ok());
    }
}
