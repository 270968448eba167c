//! Request counters and a request log, so tests can assert on what a client did ("exactly one
//! refresh", "no paging parameters in the query string").

use serde::Serialize;

/// Counters since start (or the last `SimHandle::reset_stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    /// Every HTTP request, including token requests and unknown paths.
    pub requests: u64,
    /// Requests to data endpoints (lists, queries, describe).
    pub api_requests: u64,
    /// Requests to the token endpoint.
    pub token_requests: u64,
    /// Successful refreshes (a new access token was issued).
    pub refreshes: u64,
    /// Refresh attempts that were refused.
    pub refresh_failures: u64,
    /// Data requests answered 401.
    pub unauthorized: u64,
    /// Data requests answered with the provider's rate-limit error (injected or budget).
    pub rate_limited: u64,
    /// Injected 5xx answers.
    pub server_errors: u64,
    /// Answers whose body was truncated or replaced by HTML.
    pub mangled_bodies: u64,
}

/// One data request as the simulator received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    /// The raw (still percent-encoded) query string.
    pub query: Option<String>,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8).
    pub body: String,
}

impl LoggedRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }
}
